/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — header names and compact forms, generated from headers.h. */
#include "sip4xx/headers.h"

#include "header_index.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    const char *name;
    uint8_t name_len;
    char compact;     /* lower-case compact form, or 0 */
} header_row_t;

static const header_row_t header_rows[SIP4XX_H__COUNT] = {
#define SIP4XX_X_ROW(id, name, compact, rfc, form) \
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

/* The index the lookup reads (header_index.h). */
sip4xx_header_index_t sip4xx_header_index;

_Static_assert(SIP4XX_INDEX_SLOTS >= 4 * SIP4XX_H__COUNT, "keep the table sparse");

#define SIP4XX_X_FITS(id, name, compact, rfc, form) \
    _Static_assert(sizeof(name) <= SIP4XX_INDEX_NAME_MAX, name " fits lower_name");
SIP4XX_HEADER_LIST(SIP4XX_X_FITS)
#undef SIP4XX_X_FITS

void sip4xx_header_index_build(void)
{
    sip4xx_header_index_t *x = &sip4xx_header_index;
    for (unsigned i = 0; i < SIP4XX_H__COUNT; i++) {
        const header_row_t *row = &header_rows[i];
        x->name_len[i] = row->name_len;
        for (unsigned k = 0; k < row->name_len; k++) {
            x->lower_name[i][k] = ascii_lower(row->name[k]);
            x->fold_mask[i][k] = (char)(x->lower_name[i][k] >= 'a' && x->lower_name[i][k] <= 'z' ? 0x20 : 0);
        }
        unsigned s = sip4xx_header_slot_of(row->name, row->name_len);
        while (x->slot_id[s])
            s = (s + 1) & (SIP4XX_INDEX_SLOTS - 1);
        x->slot_id[s] = (uint8_t)(i + 1);
        if (row->compact) {
            x->compact_id[(uint8_t)row->compact] = (uint8_t)(i + 1);
            x->compact_id[(uint8_t)(row->compact - 'a' + 'A')] = (uint8_t)(i + 1);
        }
    }
    x->ready = true;
}

sip4xx_header_id_t sip4xx_header_lookup(const char *name, size_t len)
{
    return sip4xx_header_find(name, len);
}

/* The reference: no tables, both sides folded as they are compared. */
static bool same_name(const header_row_t *row, const char *name, size_t len)
{
    if (row->name_len != len)
        return false;
    for (size_t k = 0; k < len; k++)
        if (ascii_lower(row->name[k]) != ascii_lower(name[k]))
            return false;
    return true;
}

sip4xx_header_id_t sip4xx_header_scan(const char *name, size_t len)
{
    if (len == 1) {
        /* RFC 3261 §7.3.3: compact forms are single letters, any case. */
        char c = ascii_lower(name[0]);
        for (unsigned i = 0; i < SIP4XX_H__COUNT; i++)
            if (header_rows[i].compact == c)
                return (sip4xx_header_id_t)i;
        return SIP4XX_H__COUNT;
    }
    for (unsigned i = 0; i < SIP4XX_H__COUNT; i++)
        if (same_name(&header_rows[i], name, len))
            return (sip4xx_header_id_t)i;
    return SIP4XX_H__COUNT;
}
