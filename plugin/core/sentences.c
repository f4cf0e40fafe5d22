/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the sentences users read (see include/sip4xx/sentences.h). */
#include "sip4xx/sentences.h"

#include <stdio.h>
#include <string.h>

void sip4xx_vsay(char *out, size_t cap, const char *fmt, va_list ap)
{
    if (cap == 0)
        return;
    int n = vsnprintf(out, cap, fmt, ap);
    size_t limit = cap - 1 < SIP4XX_SENTENCE_MAX ? cap - 1 : SIP4XX_SENTENCE_MAX;
    if (n < 0) {
        out[0] = '\0';
        return;
    }
    if ((size_t)n <= limit)
        return;
    if (limit < 4) {
        out[limit] = '\0';     /* no room for "..." */
        return;
    }
    /* Too long for a label: end at a word, never inside a UTF-8 character. */
    size_t cut = limit - 3;
    while (cut > 0 && out[cut] != ' ' && out[cut] != ',')
        cut--;
    if (cut == 0) {
        cut = limit - 3;
        while (cut > 0 && ((unsigned char)out[cut] & 0xc0) == 0x80)
            cut--;
    }
    memcpy(out + cut, "...", 4);
}

void sip4xx_say(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sip4xx_vsay(out, cap, fmt, ap);
    va_end(ap);
}

void sip4xx_say_explained(char *out, size_t cap, unsigned code)
{
    const sip4xx_code_t *row = sip4xx_code_lookup(code);
    if (row) {
        snprintf(out, cap, "%u %s (RFC %u §%s): %s", code, row->reason, row->rfc, row->section, row->meaning);
        return;
    }
    row = sip4xx_code_fallback(code);
    if (row)
        snprintf(out, cap, "%u (unregistered): %s", code, row->meaning);
    else
        snprintf(out, cap, "%u", code);
}

void sip4xx_say_unregistered(char *out, size_t cap, unsigned code)
{
    const sip4xx_code_t *as = sip4xx_code_fallback(code);
    snprintf(out, cap, "%u is not an IANA-registered SIP response code: a client treats it as %u %s (RFC 3261 §8.1.3.2)",
             code, as ? as->code : 400u, as ? as->reason : "Bad Request");
}

void sip4xx_say_missing(char *out, size_t cap, const sip4xx_rule_t *rule)
{
    snprintf(out, cap, "Missing %s: the message %s carry it (%s)%s%s", rule->label,
             rule->level == SIP4XX_LEVEL_MUST ? "MUST" : "SHOULD", rule->ref, rule->note ? "; " : "",
             rule->note ? rule->note : "");
}

void sip4xx_say_missing_value(char *out, size_t cap, const sip4xx_rule_t *rule)
{
    snprintf(out, cap, "%s (%s, %s%s%s)", rule->label, rule->level == SIP4XX_LEVEL_MUST ? "MUST" : "SHOULD",
             rule->ref, rule->note ? "; " : "", rule->note ? rule->note : "");
}

/* One row per malformation bit: the fault, and the rule it breaks. */
static const struct {
    unsigned bit;
    const char *text;
} malformed_texts[] = {
    { SIP4XX_MAL_START_LINE,     "start line is neither a Request-Line nor a Status-Line (RFC 3261 §7.1, §7.2)" },
    { SIP4XX_MAL_START_CTL,      "the start line holds a NUL or other control byte (RFC 3261 §25.1)" },
    { SIP4XX_MAL_BARE_CR,        "lines end in CR alone, not CRLF (RFC 3261 §7); its header fields were not read" },
    { SIP4XX_MAL_HEADER_LINE,    "a header line is not a field name (a token) and a colon (RFC 3261 §7.3.1, §25.1)" },
    { SIP4XX_MAL_NO_END,         "no empty line ends the header section (RFC 3261 §7)" },
    { SIP4XX_MAL_DUPLICATE,      "a header field that is not a comma-separated list appears more than once (RFC 3261 §7.3.1)" },
    { SIP4XX_MAL_CONTENT_LENGTH, "Content-Length is not a decimal number (RFC 3261 §20.14)" },
    { SIP4XX_MAL_BODY_SHORT,     "message body shorter than Content-Length (RFC 3261 §18.3)" },
    { SIP4XX_MAL_CSEQ,           "CSeq is not a sequence number below 2^31 and a method (RFC 3261 §8.1.1.5, §20.16)" },
    { SIP4XX_MAL_EMPTY_VALUE,    "a mandatory header field has an empty value (RFC 3261 §25.1)" },
};

const unsigned sip4xx_malformed_bits[] = {
    SIP4XX_MAL_START_LINE, SIP4XX_MAL_START_CTL, SIP4XX_MAL_BARE_CR, SIP4XX_MAL_HEADER_LINE, SIP4XX_MAL_NO_END,
    SIP4XX_MAL_DUPLICATE, SIP4XX_MAL_CONTENT_LENGTH, SIP4XX_MAL_BODY_SHORT, SIP4XX_MAL_CSEQ, SIP4XX_MAL_EMPTY_VALUE,
};
const size_t sip4xx_malformed_bits_count = sizeof(sip4xx_malformed_bits) / sizeof(sip4xx_malformed_bits[0]);

void sip4xx_say_malformed(char *out, size_t cap, unsigned bit, unsigned dup_header)
{
    for (size_t i = 0; i < sizeof malformed_texts / sizeof malformed_texts[0]; i++) {
        if (malformed_texts[i].bit != bit)
            continue;
        if (bit == SIP4XX_MAL_DUPLICATE) {
            const char *name = sip4xx_header_name((sip4xx_header_id_t)dup_header);
            snprintf(out, cap, "Malformed SIP message: %s appears more than once, but only a comma-separated list"
                     " may (RFC 3261 §7.3.1)", name ? name : "a header");
        } else {
            snprintf(out, cap, "Malformed SIP message: %s", malformed_texts[i].text);
        }
        return;
    }
    if (cap)
        out[0] = '\0';
}

int sip4xx_code_advice_lacks(const sip4xx_code_t *row, const sip4xx_msg_t *m)
{
    /* A header past a capture's cut is unknown, not absent. */
    return row && row->advice_needs && row->advice_without && !m->truncated &&
           !(m->malformed & SIP4XX_MAL_BARE_CR) && (m->present & row->advice_needs) == 0;
}

const char *sip4xx_code_advice(const sip4xx_code_t *row, const sip4xx_msg_t *m)
{
    return sip4xx_code_advice_lacks(row, m) ? row->advice_without : row->advice;
}
