/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — header names and compact forms, generated from headers.h. */
#include "sip4xx/headers.h"

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

/* Long names in an open-addressed table keyed by the name's length and
 * its first two and last letters, case-folded: a lookup reads four bytes
 * to find the slot, then compares one candidate (usually) eight bytes at a
 * time. The parser runs this on every header line of every SIP message,
 * so it must not cost a step per character. Built on first use from
 * header_rows, with every name lower-cased once, so it can never disagree
 * with them. Compact forms are a direct table. */
#define SLOTS 256u                       /* a power of two, > 4 * SIP4XX_H__COUNT */
static uint8_t slot_id[SLOTS];           /* id + 1; 0 is an empty slot */
static char lower_name[SIP4XX_H__COUNT][32];
/* 0x20 where the name has a letter, 0 elsewhere: OR-ing it into the bytes
 * on the wire folds letters only, so a name compares eight bytes at a
 * time and still exactly (CR does not turn into '-'). */
static char fold_mask[SIP4XX_H__COUNT][32];
static uint8_t compact_id[256];          /* id + 1 by compact letter (either case) */
static bool tables_ready;

_Static_assert(SLOTS >= 4 * SIP4XX_H__COUNT, "keep the table sparse");

#define SIP4XX_X_FITS(id, name, compact, rfc, form) \
    _Static_assert(sizeof(name) <= sizeof lower_name[0], name " fits lower_name");
SIP4XX_HEADER_LIST(SIP4XX_X_FITS)
#undef SIP4XX_X_FITS

static unsigned slot_of(const char *name, size_t len)
{
    /* len >= 2 here. | 0x20 folds letters; other bytes only need to hash
     * consistently, the comparison decides. */
    unsigned a = (uint8_t)name[0] | 0x20u, b = (uint8_t)name[1] | 0x20u, z = (uint8_t)name[len - 1] | 0x20u;
    return ((unsigned)len * 131u + a * 31u + b * 7u + z) & (SLOTS - 1);
}

static void build_tables(void)
{
    for (unsigned i = 0; i < SIP4XX_H__COUNT; i++) {
        const header_row_t *row = &header_rows[i];
        for (unsigned k = 0; k < row->name_len; k++) {
            lower_name[i][k] = ascii_lower(row->name[k]);
            fold_mask[i][k] = (char)(lower_name[i][k] >= 'a' && lower_name[i][k] <= 'z' ? 0x20 : 0);
        }
        unsigned s = slot_of(row->name, row->name_len);
        while (slot_id[s])
            s = (s + 1) & (SLOTS - 1);
        slot_id[s] = (uint8_t)(i + 1);
        if (row->compact) {
            compact_id[(uint8_t)row->compact] = (uint8_t)(i + 1);
            compact_id[(uint8_t)(row->compact - 'a' + 'A')] = (uint8_t)(i + 1);
        }
    }
    tables_ready = true;
}

/* name[k, k + width) against a row's lowered name, case folded by its
 * mask: one load of each when width is a constant (8, 4 or 2). */
static inline bool same_word(const char *name, const char *mask, const char *want, size_t k, size_t width)
{
    uint64_t w = 0, m = 0, l = 0;
    memcpy(&w, name + k, width);
    memcpy(&m, mask + k, width);
    memcpy(&l, want + k, width);
    return (w | m) == l;
}

static bool same_lower_name(unsigned id, const char *name, size_t len)
{
    /* RFC 3261 §7.3.1: header field names are case-insensitive. len >= 2
     * (sip4xx_header_lookup answers the others itself). */
    if (header_rows[id].name_len != len)
        return false;
    const char *want = lower_name[id], *mask = fold_mask[id];
    /* Words, the last one overlapping the one before: no loop over the
     * bytes left. */
    if (len >= 8) {
        for (size_t k = 0;; k += 8) {
            if (k + 8 > len)
                k = len - 8;
            if (!same_word(name, mask, want, k, 8))
                return false;
            if (k + 8 == len)
                return true;
        }
    }
    /* Shorter: the first and the last word of 4 bytes (2 below four). */
    if (len >= 4)
        return same_word(name, mask, want, 0, 4) && same_word(name, mask, want, len - 4, 4);
    return same_word(name, mask, want, 0, 2) && same_word(name, mask, want, len - 2, 2);
}

sip4xx_header_id_t sip4xx_header_lookup(const char *name, size_t len)
{
    if (!tables_ready)
        build_tables();
    if (len == 1) {
        /* RFC 3261 §7.3.3: compact forms are single letters, any case. */
        uint8_t id = compact_id[(uint8_t)name[0]];
        return id ? (sip4xx_header_id_t)(id - 1) : SIP4XX_H__COUNT;
    }
    if (len == 0 || len >= sizeof lower_name[0])
        return SIP4XX_H__COUNT;
    /* Probe until an empty slot: the table is at most a quarter full. */
    for (unsigned s = slot_of(name, len); slot_id[s]; s = (s + 1) & (SLOTS - 1))
        if (same_lower_name(slot_id[s] - 1u, name, len))
            return (sip4xx_header_id_t)(slot_id[s] - 1);
    return SIP4XX_H__COUNT;
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
