/* sip4xx — text copied from the wire into what users read.
 *
 * Header values, realms and Reason-Phrases may hold any byte. Wireshark's
 * string fields and its JSON, EK and PDML output expect valid UTF-8, so
 * every such copy goes through sip4xx_text_clean. Pure C, no allocation.
 */
#ifndef SIP4XX_TEXT_H
#define SIP4XX_TEXT_H

#include <stddef.h>

/* Copy at most n bytes of src into dst (cap bytes, always NUL-terminated
 * when cap > 0), keeping well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing past U+10FFFF) and printable ASCII, HTAB as a space,
 * and writing '?' for every other byte: control bytes (NUL, CR, ...), stray continuation
 * bytes, cut or invalid sequences. A multi-byte character that does not fit
 * whole is left out. Returns the bytes written, without the NUL. */
size_t sip4xx_text_clean(char *dst, size_t cap, const char *src, size_t n);

/* Whether n bytes of src would be copied unchanged. */
int sip4xx_text_is_clean(const char *src, size_t n);

#endif
