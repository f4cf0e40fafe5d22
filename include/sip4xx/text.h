/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the core's one text module: spans of the message, white space,
 * case, numbers, parameters, the To/From tag, hashing, and text copied
 * from the wire into what users read.
 *
 * Header values, realms and Reason-Phrases may hold any byte. Wireshark's
 * string fields and its JSON, EK and PDML output expect valid UTF-8, so
 * every such copy goes through sip4xx_text_clean. Pure C, no allocation.
 */
#ifndef SIP4XX_TEXT_H
#define SIP4XX_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip4xx/model.h"

/* Two kinds of white space, named apart: WSP (SP, HTAB; RFC 5234) is what
 * separates tokens on a line; LWS characters add CR and LF, which a
 * folded value (RFC 3261 §7.3.1) still holds inside a span. */
static inline bool sip4xx_is_wsp(char c) { return c == ' ' || c == '\t'; }
static inline bool sip4xx_is_lws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static inline bool sip4xx_is_digit(char c) { return c >= '0' && c <= '9'; }
static inline char sip4xx_lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

/* s without leading and trailing LWS characters. Inline: every header
 * value is trimmed. */
static inline sip4xx_span_t sip4xx_span_trim(sip4xx_span_t s)
{
    while (s.len && sip4xx_is_lws(*s.ptr)) {
        s.ptr++;
        s.len--;
    }
    while (s.len && sip4xx_is_lws(s.ptr[s.len - 1]))
        s.len--;
    return s;
}
/* ASCII case-insensitive equality: of two spans, of n bytes, of a span and
 * a literal. For header names, option tags, media types, realms. */
bool sip4xx_span_ieq(sip4xx_span_t a, sip4xx_span_t b);
static inline bool sip4xx_eq_ci(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (sip4xx_lower(a[i]) != sip4xx_lower(b[i]))
            return false;
    return true;
}
bool sip4xx_span_eq_ci(sip4xx_span_t s, const char *lit);
/* Exact equality: methods are case-sensitive (RFC 3261 §7.1), in the
 * Request-Line, in CSeq and in Allow lists alike. */
static inline bool sip4xx_span_is(sip4xx_span_t s, const char *lit)
{
    size_t n = __builtin_strlen(lit);
    return s.len == n && (n == 0 || (s.ptr[0] == lit[0] && __builtin_memcmp(s.ptr, lit, n) == 0));
}
/* Split at the first sep outside quotes and angle brackets. */
bool sip4xx_split_at(sip4xx_span_t s, char sep, sip4xx_span_t *head, sip4xx_span_t *rest);
/* The header parameters of a name-addr / addr-spec value: what follows
 * the last '>' or, without angle brackets, the first ';' (RFC 3261 §20). */
sip4xx_span_t sip4xx_header_params(sip4xx_span_t v);
/* ;name=value among semicolon parameters (name case-insensitive). */
bool sip4xx_param(sip4xx_span_t params, const char *name, sip4xx_span_t *out);
/* name=value among a challenge's or credentials' comma-separated
 * auth-params (RFC 3261 §25.1). */
bool sip4xx_auth_param(sip4xx_span_t v, const char *name, sip4xx_span_t *out);
/* The tag of a To or From value: the one parser of both (RFC 3261 §19.3).
 * tag may be NULL. False without a non-empty tag. */
bool sip4xx_name_addr_tag(sip4xx_span_t value, sip4xx_span_t *tag);
/* The end of a parameter value at p: the first ';' or LWS character
 * before end, or end. Eight bytes a step (branch and tag values run 20 to
 * 40 bytes, on every message). */
const char *sip4xx_param_value_end(const char *p, const char *end);
/* 1*DIGIT up to UINT32_MAX, LWS around allowed. */
bool sip4xx_to_u32(sip4xx_span_t s, uint32_t *out);

/* 64-bit hash, eight bytes a step; fold_case hashes ASCII case-folded. */
#define SIP4XX_HASH_START 14695981039346656037ull
uint64_t sip4xx_hash_bytes(uint64_t h, const char *p, size_t n, bool fold_case);

/* Copy at most n bytes of src into dst (cap bytes, always NUL-terminated
 * when cap > 0), keeping well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing past U+10FFFF) and printable ASCII, HTAB as a space,
 * and writing '?' for every other byte: control bytes (NUL, CR, ...), stray continuation
 * bytes, cut or invalid sequences. A multi-byte character that does not fit
 * whole is left out. Returns the bytes written, without the NUL. */
size_t sip4xx_text_clean(char *dst, size_t cap, const char *src, size_t n);

#endif
