/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the one text module of the core: spans, trimming, case-
 * insensitive compares, numbers, ;parameters, the name-addr tag, hashing,
 * and wire text made safe to show (see include/sip4xx/text.h). */
#define _GNU_SOURCE   /* memrchr */
#include "sip4xx/text.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629 §4), or 0
 * when the bytes there are not one. Printable ASCII is 1; controls are 0. */
static size_t utf8_seq(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    if (c < 0x80)
        return (c >= 0x20 && c != 0x7f) ? 1 : 0;
    size_t len;
    uint8_t lo = 0x80, hi = 0xbf;   /* allowed range of the second byte */
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;              /* no overlong forms */
        else if (c == 0xed)
            hi = 0x9f;              /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;              /* nothing past U+10FFFF */
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

/* Eight bytes (four in printable4) that are all printable ASCII,
 * 0x20..0x7e: with no high bit set, adding 0x60 sets a byte's high bit
 * iff it is >= 0x20, adding 1 iff it is 0x7f, and neither carries into
 * the next byte. */
static inline bool printable8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    return !(w & highs) && ((w + ones * 0x60) & highs) == highs && !((w + ones) & highs);
}

static inline bool printable4(uint32_t w)
{
    const uint32_t ones = 0x01010101u, highs = 0x80808080u;
    return !(w & highs) && ((w + ones * 0x60) & highs) == highs && !((w + ones) & highs);
}

#if defined(__GNUC__)
#define TEXT_COLD __attribute__((noinline))
#else
#define TEXT_COLD
#endif

/* sip4xx_text_clean past its short texts, from 0 (see there for lim).
 * Each byte in gives one byte out, or a whole character its own bytes,
 * so a byte is written where it was read (out == i) and at most lim
 * bytes are. Out of line: the short texts then need no saved registers. */
static TEXT_COLD size_t clean_walk(char *dst, size_t cap, const uint8_t *s, size_t n, size_t lim)
{
    size_t i = 0;
    while (i < lim) {
        /* Printable ASCII, nearly all of it, is copied as it is, eight
         * bytes a step; at the end, the last eight (some copied already:
         * they were printable, so copying them again writes the same).
         * Other bytes go one by one to the end of the word that held
         * them. */
        size_t stop = lim;
        if (lim >= 8) {
            size_t at = lim - i >= 8 ? i : lim - 8;
            uint64_t w;
            memcpy(&w, s + at, 8);
            if (printable8(w)) {
                memcpy(dst + at, &w, 8);
                i = at + 8;
                continue;
            }
            stop = at + 8;
        }
        while (i < stop) {
            if (s[i] >= 0x20 && s[i] < 0x7f) {
                dst[i] = (char)s[i];
                i++;
                continue;
            }
            size_t k = utf8_seq(s + i, n - i);
            if (k == 0) {
                dst[i] = s[i] == '\t' ? ' ' : '?';   /* HTAB is white space (RFC 3261 §25.1 LWS) */
                i++;
                continue;
            }
            if (i + k >= cap)
                goto done;          /* a character that does not fit whole */
            for (size_t j = 0; j < k; j++)
                dst[i + j] = (char)s[i + j];
            i += k;
        }
    }
done:
    dst[i] = '\0';
    return i;
}

size_t sip4xx_text_clean(char *dst, size_t cap, const char *src, size_t n)
{
    const uint8_t *s = (const uint8_t *)src;
    if (cap == 0)
        return 0;
    /* What can be copied: n bytes, or fewer when the NUL needs room. */
    size_t lim = n < cap - 1 ? n : cap - 1;
    /* A short text of printable ASCII (a method, a URI scheme, a media
     * type), here in one step: nine to sixteen bytes as two overlapping
     * eights, four to eight as two overlapping fours, one to three as
     * bytes 0, lim / 2 and lim - 1 (all of them). */
    if (lim > 8 && lim <= 16) {
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + lim - 8, 8);
        if (printable8(a) && printable8(b)) {
            memcpy(dst, &a, 8);
            memcpy(dst + lim - 8, &b, 8);
            dst[lim] = '\0';
            return lim;
        }
    } else if (lim >= 4 && lim <= 8) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + lim - 4, 4);
        if (printable4(a) && printable4(b)) {
            memcpy(dst, &a, 4);
            memcpy(dst + lim - 4, &b, 4);
            dst[lim] = '\0';
            return lim;
        }
    } else if (lim && lim < 4) {
        uint8_t a = s[0], b = s[lim / 2], c = s[lim - 1];
        if (a >= 0x20 && a < 0x7f && b >= 0x20 && b < 0x7f && c >= 0x20 && c < 0x7f) {
            dst[0] = (char)a;
            dst[lim / 2] = (char)b;
            dst[lim - 1] = (char)c;
            dst[lim] = '\0';
            return lim;
        }
    }
    return clean_walk(dst, cap, s, n, lim);
}

/* ------------------------------------------------------------- spans */

bool sip4xx_span_ieq(sip4xx_span_t a, sip4xx_span_t b)
{
    if (a.len != b.len)
        return false;
    for (uint32_t i = 0; i < a.len; i++)
        if (sip4xx_lower(a.ptr[i]) != sip4xx_lower(b.ptr[i]))
            return false;
    return true;
}

/* Split s at the first unquoted, un-bracketed occurrence of sep. */
bool sip4xx_split_at(sip4xx_span_t s, char sep, sip4xx_span_t *head, sip4xx_span_t *rest)
{
    bool quoted = false;
    int angle = 0;
    for (uint32_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (quoted) {
            if (c == '\\') i++;
            else if (c == '"') quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '<') {
            angle++;
        } else if (c == '>' && angle > 0) {
            angle--;
        } else if (c == sep && angle == 0) {
            *head = (sip4xx_span_t){ s.ptr, i };
            *rest = (sip4xx_span_t){ s.ptr + i + 1, s.len - i - 1 };
            return true;
        }
    }
    *head = s;
    *rest = (sip4xx_span_t){ s.ptr + s.len, 0 };
    return false;
}

/* The header parameters of a name-addr / addr-spec value: what follows
 * '>' or, without angle brackets, the whole value (RFC 3261 §20). */
sip4xx_span_t sip4xx_header_params(sip4xx_span_t v)
{
    const char *gt = NULL;
    bool quoted = false;
    if (v.len && !memchr(v.ptr, '"', v.len)) {
        /* No quoted string (most values): the last '>', else the first ';'
         * not inside an unclosed '<', found with memchr. */
        gt = memrchr(v.ptr, '>', v.len);
        if (gt)
            return (sip4xx_span_t){ gt + 1, (uint32_t)(v.ptr + v.len - gt - 1) };
        const char *semi = memchr(v.ptr, ';', v.len);
        const char *lt = semi ? memchr(v.ptr, '<', (size_t)(semi - v.ptr)) : NULL;
        if (!semi || lt)
            return (sip4xx_span_t){ v.ptr + v.len, 0 };
        if (semi + 1 == v.ptr + v.len)
            return (sip4xx_span_t){ semi + 1, 0 };   /* a ';' with nothing after it */
        return (sip4xx_span_t){ semi, (uint32_t)(v.ptr + v.len - semi) };
    }
    for (uint32_t i = 0; i < v.len; i++) {
        char c = v.ptr[i];
        if (c == '"') quoted = !quoted;
        else if (!quoted && c == '>') gt = v.ptr + i;
    }
    if (gt)
        return (sip4xx_span_t){ gt + 1, (uint32_t)(v.ptr + v.len - gt - 1) };
    sip4xx_span_t head, rest;
    sip4xx_split_at(v, ';', &head, &rest);
    return rest.len ? (sip4xx_span_t){ rest.ptr - 1, rest.len + 1 } : rest;
}

/* One "name = value" item: true with the value (quotes removed) when its
 * name is want, case-insensitively. */
static bool match_kv(sip4xx_span_t item, sip4xx_span_t want, sip4xx_span_t *out)
{
    sip4xx_span_t k, v;
    sip4xx_split_at(sip4xx_span_trim(item), '=', &k, &v);
    if (!sip4xx_span_ieq(sip4xx_span_trim(k), want))
        return false;
    v = sip4xx_span_trim(v);
    if (v.len >= 2 && v.ptr[0] == '"' && v.ptr[v.len - 1] == '"')
        v = (sip4xx_span_t){ v.ptr + 1, v.len - 2 };
    *out = v;
    return true;
}

/* ;name=value among semicolon parameters. */
bool sip4xx_param(sip4xx_span_t params, const char *name, sip4xx_span_t *out)
{
    sip4xx_span_t want = { name, (uint32_t)strlen(name) };
    sip4xx_span_t head, rest = params;
    for (int guard = 0; rest.len && guard < 256; guard++) {
        sip4xx_split_at(rest, ';', &head, &rest);
        if (match_kv(head, want, out))
            return true;
    }
    return false;
}

/* name=value among the comma-separated auth-params of a challenge or
 * credentials value (RFC 3261 §25.1: "Digest" LWS digest-cln *(COMMA ...)). */
bool sip4xx_auth_param(sip4xx_span_t v, const char *name, sip4xx_span_t *out)
{
    sip4xx_span_t scheme_rest = sip4xx_span_trim(v);
    uint32_t i = 0;
    while (i < scheme_rest.len && !sip4xx_is_lws(scheme_rest.ptr[i]))
        i++;
    sip4xx_span_t rest = { scheme_rest.ptr + i, scheme_rest.len - i }, head;
    sip4xx_span_t want = { name, (uint32_t)strlen(name) };
    for (int guard = 0; rest.len && guard < 256; guard++) {
        sip4xx_split_at(rest, ',', &head, &rest);
        if (match_kv(head, want, out))
            return true;
    }
    return false;
}

/* Bytes of w equal to c have their high bit set in the result; a byte
 * above a match may be marked too (the borrow), never one below it, so
 * the lowest mark is exact. */
static inline uint64_t bytes_equal(uint64_t w, uint8_t c)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t x = w ^ (ones * c);
    return (x - ones) & ~x & highs;
}

/* Bytes of w below c (c <= 0x80) have their high bit set; as in
 * bytes_equal, the lowest mark is exact. */
static inline uint64_t bytes_below(uint64_t w, uint8_t c)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    return (w - ones * c) & ~w & highs;
}

#ifdef __SSE2__
/* The bytes of w that end a parameter value: ';' and the LWS characters,
 * one bit each (bit i: byte i), exactly. */
static inline unsigned value_stops(__m128i w)
{
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8(';')), _mm_cmpeq_epi8(w, _mm_set1_epi8(' ')));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(w, _mm_set1_epi8('\t')));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(w, _mm_set1_epi8('\r')));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(w, _mm_set1_epi8('\n')));
    return (unsigned)_mm_movemask_epi8(hit);
}

/* Whether w may hold such a byte: a ';' or a byte up to ' ' (every LWS
 * character is one), three operations fewer than value_stops. */
static inline bool may_stop(__m128i w)
{
    __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(w, _mm_set1_epi8(' ')), w);
    return _mm_movemask_epi8(_mm_or_si128(low, _mm_cmpeq_epi8(w, _mm_set1_epi8(';')))) != 0;
}
#endif

const char *sip4xx_param_value_end(const char *p, const char *end)
{
#ifdef __SSE2__
    /* Sixteen bytes a step (SSE2, in every x86-64), the last step a load
     * of the last sixteen: its bytes before p were scanned already and hold
     * no stop, so its first stop is the value's. Values of 8 to 15 bytes
     * take two overlapping loads of eight the same way. */
    if (end - p >= 16) {
        do {
            __m128i w = _mm_loadu_si128((const __m128i *)(const void *)p);
            if (may_stop(w)) {
                unsigned hit = value_stops(w);
                if (hit)
                    return p + __builtin_ctz(hit);
            }
            p += 16;
        } while (end - p >= 16);
        if (p == end)
            return end;
        unsigned hit = value_stops(_mm_loadu_si128((const __m128i *)(const void *)(end - 16)));
        return hit ? end - 16 + __builtin_ctz(hit) : end;
    }
    if (end - p >= 8) {
        unsigned hit = value_stops(_mm_loadl_epi64((const __m128i *)(const void *)p)) & 0xffu;
        if (hit)
            return p + __builtin_ctz(hit);
        hit = value_stops(_mm_loadl_epi64((const __m128i *)(const void *)(end - 8))) & 0xffu;
        return hit ? end - 8 + __builtin_ctz(hit) : end;
    }
#endif
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        /* Every LWS character is below '!': a word with no such byte and
         * no ';' (most words of a value) costs two tests, not five. */
        if (!(bytes_below(w, '!') | bytes_equal(w, ';'))) {
            p += 8;
            continue;
        }
        uint64_t hit = bytes_equal(w, ';') | bytes_equal(w, ' ') | bytes_equal(w, '\t') | bytes_equal(w, '\r') |
                       bytes_equal(w, '\n');
        if (hit) {
            /* The lowest mark of each term is exact, so the lowest of
             * their union is the first match (little-endian: lowest byte
             * first). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            return p + (__builtin_ctzll(hit) >> 3);
#else
            break;
#endif
        }
        p += 8;
    }
    while (p < end && *p != ';' && !sip4xx_is_lws(*p))
        p++;
    return p;
}

bool sip4xx_to_u32(sip4xx_span_t s, uint32_t *out)
{
    uint64_t v = 0;
    s = sip4xx_span_trim(s);
    if (!s.len || s.len > 10)
        return false;
    for (uint32_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s.ptr[i] - '0');
    }
    if (v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

uint64_t sip4xx_hash_bytes(uint64_t h, const char *p, size_t n, bool fold_case)
{
    if (!p)
        return h;
    /* Case folding, rare (realms), goes byte by byte. */
    if (fold_case) {
        for (size_t i = 0; i < n; i++) {
            h ^= (uint8_t)sip4xx_lower(p[i]);
            h *= 1099511628211ull;
        }
        return h;
    }
    return sip4xx_hash_words(h, p, n, false);
}

bool sip4xx_span_eq_ci(sip4xx_span_t s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && sip4xx_eq_ci(s.ptr, lit, n);
}

bool sip4xx_name_addr_tag(sip4xx_span_t v, sip4xx_span_t *tag)
{
    /* One pass, as this runs on every message: the header parameters
     * follow the last '>' outside quotes, or, without angle brackets, the
     * addr-spec's first ';' (RFC 3261 §20, as sip4xx_header_params). */
    uint32_t i, from = 0;
    bool quoted = false, angle = false;
    /* Most values have no quoted string: then the parameters follow the
     * first '>' after the first '<' (a URI holds no unescaped '>'), and
     * are found with two memchr instead of a walk over every byte. */
    if (!memchr(v.ptr, '"', v.len)) {
        const char *lt = memchr(v.ptr, '<', v.len);
        const char *gt = lt ? memchr(lt, '>', (size_t)(v.ptr + v.len - lt)) : NULL;
        if (lt && !gt)
            return false;
        if (!lt && memchr(v.ptr, '>', v.len))
            goto slow;
        from = gt ? (uint32_t)(gt - v.ptr) + 1 : 0;
        if (gt && memchr(gt + 1, '>', (size_t)(v.ptr + v.len - gt - 1)))
            goto slow;             /* a stray '>' later: take the last, as the walk does */
        goto params;
    }
slow:
    from = 0;
    for (i = 0; i < v.len; i++) {
        char c = v.ptr[i];
        if (quoted) {
            if (c == '\\')
                i++;
            else if (c == '"')
                quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '<') {
            angle = true;
        } else if (c == '>') {
            from = i + 1;
        }
    }
    if (angle && from == 0)
        return false;              /* an unclosed '<': no header parameters */
params:
    quoted = false;
    for (i = from; i < v.len; i++) {
        char c = v.ptr[i];
        if (c == '"')
            quoted = !quoted;
        if (quoted || c != ';')
            continue;
        uint32_t k = i + 1;
        while (k < v.len && sip4xx_is_lws(v.ptr[k]))
            k++;
        if (k + 3 > v.len || !sip4xx_eq_ci(v.ptr + k, "tag", 3))
            continue;
        k += 3;
        while (k < v.len && sip4xx_is_lws(v.ptr[k]))
            k++;
        if (k >= v.len || v.ptr[k] != '=')
            continue;
        k++;
        while (k < v.len && sip4xx_is_lws(v.ptr[k]))
            k++;
        uint32_t start = k;
        k = (uint32_t)(sip4xx_param_value_end(v.ptr + k, v.ptr + v.len) - v.ptr);
        if (k == start)
            return false;
        if (tag)
            *tag = (sip4xx_span_t){ v.ptr + start, k - start };
        return true;
    }
    return false;
}
