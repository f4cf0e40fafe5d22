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
#include <string.h>

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

/* 64-bit hash, eight bytes a step; fold_case hashes ASCII case-folded
 * (byte by byte, another value than sip4xx_hash_words' fold). */
#define SIP4XX_HASH_START 14695981039346656037ull
uint64_t sip4xx_hash_bytes(uint64_t h, const char *p, size_t n, bool fold_case);

/* The eight bytes of w with ASCII capitals made small, the others as
 * they are: a byte below 0x80 gets its high bit from adding 0x3f iff it
 * is >= 'A', from adding 0x25 iff it is > 'Z', and neither sum carries
 * into the next byte. */
static inline uint64_t sip4xx_lower8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t t = w & ~highs;
    uint64_t upper = (t + ones * (0x80 - 'A')) & ~(t + ones * (0x80 - 'Z' - 1)) & ~w & highs;
    return w | (upper >> 2);
}

/* sip4xx_hash_bytes(h, p, n, false) to the bit, inline: the keys and the
 * request fingerprint take it on every message, several parts each, and a
 * call cost more than hashing a short part. The length goes in first, so
 * ("ab","c") and ("a","bc") differ; eight bytes a step (a multiply-
 * xorshift mix, as in MurmurHash3's finaliser); a text under eight bytes
 * in two overlapping loads, the number a byte-by-byte fill makes. fold:
 * the same of the bytes with ASCII capitals made small, eight at a time.
 * p may be NULL when n is 0. */
static inline uint64_t sip4xx_hash_words(uint64_t h, const char *p, size_t n, bool fold)
{
    const uint64_t mul = 0xff51afd7ed558ccdull;
    uint64_t w, tail = 0;
    h ^= (uint64_t)n * 0x9e3779b97f4a7c15ull;
    if (n >= 8) {
        for (; n >= 8; p += 8, n -= 8) {
            memcpy(&w, p, 8);
            h = (h ^ (fold ? sip4xx_lower8(w) : w)) * mul;
            h ^= h >> 33;
        }
        if (n) {
            /* The last 8 bytes in one load, those already hashed shifted out. */
            memcpy(&tail, p + n - 8, 8);
            tail >>= 8 * (8 - n);
        }
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    } else if (n >= 4) {
        /* Bytes 0-3 and n-4..n-1 where a byte-by-byte fill puts them
         * (little-endian: byte i at bits 8i); the overlap is the same
         * bytes. */
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        tail = a | (uint64_t)b << (8 * (n - 4));
    } else if (n) {
        tail = (uint64_t)(uint8_t)p[0] | (uint64_t)(uint8_t)p[n / 2] << (8 * (n / 2)) |
               (uint64_t)(uint8_t)p[n - 1] << (8 * (n - 1));
    }
#else
    } else {
        for (size_t i = 0; i < n; i++)
            tail |= (uint64_t)(uint8_t)p[i] << (8 * i);
    }
#endif
    h = (h ^ (fold ? sip4xx_lower8(tail) : tail)) * mul;
    return h ^ (h >> 33);
}

/* Copy at most n bytes of src into dst (cap bytes, always NUL-terminated
 * when cap > 0), keeping well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing past U+10FFFF) and printable ASCII, HTAB as a space,
 * and writing '?' for every other byte: control bytes (NUL, CR, ...), stray continuation
 * bytes, cut or invalid sequences. A multi-byte character that does not fit
 * whole is left out. Returns the bytes written, without the NUL. */
size_t sip4xx_text_clean(char *dst, size_t cap, const char *src, size_t n);

#endif
