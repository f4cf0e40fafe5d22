/* sip4xx — header names and compact forms, generated from headers.h. */
#include "sip4xx/headers.h"

#include <stdint.h>

typedef struct {
    const char *name;
    uint8_t name_len;
    char compact;     /* lower-case compact form, or 0 */
} header_row_t;

static const header_row_t header_rows[SIP4XX_H__COUNT] = {
#define SIP4XX_X_ROW(id, name, compact, rfc) \
    [SIP4XX_H_##id] = { name, (uint8_t)(sizeof(name) - 1), compact },
    SIP4XX_HEADER_LIST(SIP4XX_X_ROW)
#undef SIP4XX_X_ROW
};

_Static_assert(SIP4XX_H__COUNT <= 64, "sip4xx_hset_t holds at most 64 header ids");

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

const char *sip4xx_header_name(sip4xx_header_id_t id)
{
    return ((unsigned)id < SIP4XX_H__COUNT) ? header_rows[id].name : NULL;
}

sip4xx_header_id_t sip4xx_header_lookup(const char *name, size_t len)
{
    if (len == 1) {
        /* RFC 3261 §7.3.3: compact forms are single letters, any case. */
        char c = ascii_lower(name[0]);
        for (unsigned i = 0; i < SIP4XX_H__COUNT; i++)
            if (header_rows[i].compact == c)
                return (sip4xx_header_id_t)i;
        return SIP4XX_H__COUNT;
    }
    for (unsigned i = 0; i < SIP4XX_H__COUNT; i++) {
        const header_row_t *row = &header_rows[i];
        if (row->name_len != len || ascii_lower(row->name[0]) != ascii_lower(name[0]))
            continue;
        size_t k = 1;
        /* RFC 3261 §7.3.1: header field names are case-insensitive. */
        while (k < len && ascii_lower(row->name[k]) == ascii_lower(name[k]))
            k++;
        if (k == len)
            return (sip4xx_header_id_t)i;
    }
    return SIP4XX_H__COUNT;
}
