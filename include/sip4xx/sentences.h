/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the sentences users read in expert infos and field labels,
 * made in one place so that each one fits.
 *
 * Wireshark cuts an item label at ITEM_LABEL_LENGTH (240 bytes with the
 * NUL) and marks it "[truncated]"; an expert info's summary is such a
 * label. Every sentence here is at most SIP4XX_LABEL_MAX bytes, and the
 * ones built from wire values are cut at a word, not mid-word, to
 * SIP4XX_SENTENCE_MAX so that a field name or a prefix still fits in
 * front of them. Pure C; the unit tests check every static text.
 */
#ifndef SIP4XX_SENTENCES_H
#define SIP4XX_SENTENCES_H

#include <stdarg.h>
#include <stddef.h>

#include "sip4xx/model.h"
#include "sip4xx/spec.h"

#define SIP4XX_LABEL_MAX 239u      /* ITEM_LABEL_LENGTH - 1 */
#define SIP4XX_SENTENCE_MAX 180u   /* room for a prefix of up to 59 bytes */

/* printf into out, then, if longer than SIP4XX_SENTENCE_MAX (or cap - 1),
 * cut at the last space or comma before that and end with "...". */
void sip4xx_say(char *out, size_t cap, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void sip4xx_vsay(char *out, size_t cap, const char *fmt, va_list ap);

/* The expert summary that explains a 4xx: "405 Method Not Allowed (RFC 3261
 * §21.4.6): <meaning>"; for an unregistered code, what a client treats it
 * as. */
void sip4xx_say_explained(char *out, size_t cap, unsigned code);

/* The expert summary of an unregistered 4xx. */
void sip4xx_say_unregistered(char *out, size_t cap, unsigned code);

/* The expert summary of an unmet rule: "Missing Allow: the message MUST
 * carry it (RFC 3261 §21.4.6)" and the rule's note. */
void sip4xx_say_missing(char *out, size_t cap, const sip4xx_rule_t *rule);

/* The value shown for sip4xx.missing_header: "Allow (MUST, RFC 3261 §21.4.6)". */
void sip4xx_say_missing_value(char *out, size_t cap, const sip4xx_rule_t *rule);

/* The expert text of one malformation bit; NULL for a bit that is not one.
 * dup_header names the repeated header of SIP4XX_MAL_DUPLICATE. */
void sip4xx_say_malformed(char *out, size_t cap, unsigned bit, unsigned dup_header);

/* Every malformation bit, in the order they are reported. */
extern const unsigned sip4xx_malformed_bits[];
extern const size_t sip4xx_malformed_bits_count;

/* The advice to show for a 4xx: the row's, or where the response lacks
 * the header that advice relies on (and was captured whole), the row's
 * advice for that case. */
const char *sip4xx_code_advice(const sip4xx_code_t *row, const sip4xx_msg_t *m);
/* Whether sip4xx_code_advice would pick the advice for a missing header. */
int sip4xx_code_advice_lacks(const sip4xx_code_t *row, const sip4xx_msg_t *m);

#endif
