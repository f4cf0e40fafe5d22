/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — bounded lists of header items and realms, as the summaries
 * keep them and the causes and verdicts compare them. Private to
 * plugin/core. */
#ifndef SIP4XX_LISTS_H
#define SIP4XX_LISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip4xx/model.h"
#include "sip4xx/txn.h"

/* Bounded, NUL-terminated copy of a span, safe to show (sip4xx/text.h). */
void sip4xx_copy_span(char *dst, size_t cap, sip4xx_span_t s);
/* One item (trimmed); an item past the list's room is kept cut with "...". */
void sip4xx_list_add(sip4xx_list_t *l, sip4xx_span_t item);
/* Items of one header value: comma-separated, ;parameters dropped. */
void sip4xx_list_add_value(sip4xx_list_t *l, sip4xx_span_t v);
/* Every item of every occurrence of header id. */
void sip4xx_list_from(const sip4xx_msg_t *m, sip4xx_header_id_t id, sip4xx_list_t *l);
/* Option tags, media types, codings compare case-insensitively (RFC 3261
 * §19.2, §20.1); methods do not (use sip4xx_list_has_method). */
bool sip4xx_list_has(const char *list, const char *item, size_t item_len);
/* A method in an Allow list: case-sensitive (RFC 3261 §7.1). */
bool sip4xx_list_has_method(const char *list, const char *method);
/* A media type accepted by an Accept list, ranges included. */
bool sip4xx_media_accepted(const char *accept, const char *type);
/* Items of a in b (in_b) or not in b, into out, ", "-separated. */
void sip4xx_list_filter(const char *a, const char *b, bool in_b, char *out, size_t cap);
void sip4xx_list_intersect(const char *a, const char *b, char *out, size_t cap);
/* The first type of a list that an Accept list does not accept. */
bool sip4xx_first_unaccepted(const char *types, const char *accept, char *out, size_t cap);

void sip4xx_realms_add(sip4xx_realms_t *r, sip4xx_span_t realm);
bool sip4xx_realms_common(const sip4xx_realms_t *a, const sip4xx_realms_t *b);
/* The realms of every challenge/credentials header id; fp: hash of the
 * values (or NULL); stale set by a stale=true challenge (or NULL). */
void sip4xx_realms_from(const sip4xx_msg_t *m, sip4xx_header_id_t id, sip4xx_realms_t *r, uint64_t *fp,
                        bool *stale);

static inline const char *sip4xx_or_none(const char *s) { return s[0] ? s : "none"; }

#endif
