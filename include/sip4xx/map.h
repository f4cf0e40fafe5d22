/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — a hash map of 64-bit keys to pointers, over the caller's
 * allocator (engine.h): the engine's tables, and the Wireshark layer's
 * frame -> record map. Open addressing with linear probing, removal by
 * shifting back (no tombstones); the slot is the key mixed once more,
 * scaled to the table, so well-mixed hashes (txn.h) and plain frame
 * numbers both spread. 16 bytes a slot, 1.33 to 2 slots an entry (up to
 * 8 after most entries went, until the table shrinks). */
#ifndef SIP4XX_MAP_H
#define SIP4XX_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip4xx/engine.h"

typedef struct {
    uint64_t key;
    void *val;      /* NULL: empty */
} sip4xx_map_slot_t;

typedef struct {
    const sip4xx_allocator_t *a;
    sip4xx_map_slot_t *slots;
    size_t cap;     /* slots */
    size_t used;    /* live entries */
} sip4xx_map_t;

bool sip4xx_map_init(sip4xx_map_t *m, const sip4xx_allocator_t *a);
void sip4xx_map_destroy(sip4xx_map_t *m);
void *sip4xx_map_get(const sip4xx_map_t *m, uint64_t key);
/* Insert or replace; false only when growing failed. */
bool sip4xx_map_put(sip4xx_map_t *m, uint64_t key, void *val);
/* Remove key's entry if it holds val (another object under the same key
 * stays); true if removed. */
bool sip4xx_map_remove(sip4xx_map_t *m, uint64_t key, const void *val);

/* Every live value, for freeing: *i starts at 0. */
void *sip4xx_map_next(const sip4xx_map_t *m, size_t *i);

#endif
