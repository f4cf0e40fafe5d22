/* sip4xx — text copied from the wire, made safe to show (see
 * include/sip4xx/text.h). */
#include "sip4xx/text.h"

#include <stdint.h>

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

size_t sip4xx_text_clean(char *dst, size_t cap, const char *src, size_t n)
{
    const uint8_t *s = (const uint8_t *)src;
    size_t out = 0, i = 0;
    if (cap == 0)
        return 0;
    while (i < n && out + 1 < cap) {
        size_t k = utf8_seq(s + i, n - i);
        if (k == 0) {
            dst[out++] = s[i] == '\t' ? ' ' : '?';   /* HTAB is white space (RFC 3261 §25.1 LWS) */
            i++;
            continue;
        }
        if (out + k >= cap)
            break;                  /* a character that does not fit whole */
        for (size_t j = 0; j < k; j++)
            dst[out++] = (char)s[i + j];
        i += k;
    }
    dst[out] = '\0';
    return out;
}

int sip4xx_text_is_clean(const char *src, size_t n)
{
    const uint8_t *s = (const uint8_t *)src;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(s + i, n - i);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}
