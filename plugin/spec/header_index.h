/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the header-name index (built by headers.c) and its lookup,
 * inline: the parser runs it on every header line of every SIP message,
 * and a call costs it a fifth of its instructions. Internal to the core:
 * other callers use sip4xx_header_lookup (headers.h). */
#ifndef SIP4XX_HEADER_INDEX_H
#define SIP4XX_HEADER_INDEX_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sip4xx/headers.h"

/* Long names in an open-addressed table keyed by the name's length and
 * its first two and last letters, case-folded: a lookup reads four bytes
 * to find the slot, then compares one candidate (usually) eight bytes at a
 * time, so it does not cost a step per character. Built on first use from
 * headers.c's rows, with every name lower-cased once, so it can never
 * disagree with them. Compact forms are a direct table. */
#define SIP4XX_INDEX_SLOTS 256u          /* a power of two, > 4 * SIP4XX_H__COUNT */
#define SIP4XX_INDEX_NAME_MAX 32u
typedef struct {
    uint8_t slot_id[SIP4XX_INDEX_SLOTS];     /* id + 1; 0 is an empty slot */
    uint8_t name_len[SIP4XX_H__COUNT];
    char lower_name[SIP4XX_H__COUNT][SIP4XX_INDEX_NAME_MAX];
    /* 0x20 where the name has a letter, 0 elsewhere: OR-ing it into the
     * bytes on the wire folds letters only, so a name compares eight bytes
     * at a time and still exactly (CR does not turn into '-'). */
    char fold_mask[SIP4XX_H__COUNT][SIP4XX_INDEX_NAME_MAX];
    uint8_t compact_id[256];                 /* id + 1 by compact letter (either case) */
    bool ready;
} sip4xx_header_index_t;

extern sip4xx_header_index_t sip4xx_header_index;
void sip4xx_header_index_build(void);

static inline unsigned sip4xx_header_slot_of(const char *name, size_t len)
{
    /* len >= 2 here. | 0x20 folds letters; other bytes only need to hash
     * consistently, the comparison decides. */
    unsigned a = (uint8_t)name[0] | 0x20u, b = (uint8_t)name[1] | 0x20u, z = (uint8_t)name[len - 1] | 0x20u;
    return ((unsigned)len * 131u + a * 31u + b * 7u + z) & (SIP4XX_INDEX_SLOTS - 1);
}

/* name[k, k + width) against a row's lowered name, case folded by its
 * mask: one load of each when width is a constant (8, 4 or 2). */
static inline bool sip4xx_header_same_word(const char *name, const char *mask, const char *want, size_t k,
                                           size_t width)
{
    uint64_t w = 0, m = 0, l = 0;
    memcpy(&w, name + k, width);
    memcpy(&m, mask + k, width);
    memcpy(&l, want + k, width);
    return (w | m) == l;
}

static inline bool sip4xx_header_same_name(unsigned id, const char *name, size_t len)
{
    /* RFC 3261 §7.3.1: header field names are case-insensitive. len >= 2
     * (the lookup answers the others itself). */
    const sip4xx_header_index_t *x = &sip4xx_header_index;
    if (x->name_len[id] != len)
        return false;
    const char *want = x->lower_name[id], *mask = x->fold_mask[id];
    /* Words, the last one overlapping the one before: no loop over the
     * bytes left. */
    if (len >= 8) {
        for (size_t k = 0;; k += 8) {
            if (k + 8 > len)
                k = len - 8;
            if (!sip4xx_header_same_word(name, mask, want, k, 8))
                return false;
            if (k + 8 == len)
                return true;
        }
    }
    /* Shorter: the first and the last word of 4 bytes (2 below four). */
    if (len >= 4)
        return sip4xx_header_same_word(name, mask, want, 0, 4) &&
               sip4xx_header_same_word(name, mask, want, len - 4, 4);
    return sip4xx_header_same_word(name, mask, want, 0, 2) && sip4xx_header_same_word(name, mask, want, len - 2, 2);
}

/* sip4xx_header_lookup (headers.h), inline. */
static inline __attribute__((always_inline)) sip4xx_header_id_t sip4xx_header_find(const char *name, size_t len)
{
    const sip4xx_header_index_t *x = &sip4xx_header_index;
    if (!x->ready)
        sip4xx_header_index_build();
    if (len == 1) {
        /* RFC 3261 §7.3.3: compact forms are single letters, any case. */
        uint8_t id = x->compact_id[(uint8_t)name[0]];
        return id ? (sip4xx_header_id_t)(id - 1) : SIP4XX_H__COUNT;
    }
    if (len == 0 || len >= SIP4XX_INDEX_NAME_MAX)
        return SIP4XX_H__COUNT;
    /* Probe until an empty slot: the table is at most a quarter full. */
    for (unsigned s = sip4xx_header_slot_of(name, len); x->slot_id[s]; s = (s + 1) & (SIP4XX_INDEX_SLOTS - 1))
        if (sip4xx_header_same_name(x->slot_id[s] - 1u, name, len))
            return (sip4xx_header_id_t)(x->slot_id[s] - 1);
    return SIP4XX_H__COUNT;
}

#endif
