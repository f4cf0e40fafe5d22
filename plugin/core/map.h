/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — a hash map of 64-bit keys to pointers, over the engine's
 * allocator. Open addressing with linear probing; the keys are already
 * well-mixed hashes (txn.h), so the slot is the key, mixed once more,
 * scaled to the table. Private to plugin/core. */
#ifndef SIP4XX_MAP_H
#define SIP4XX_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip4xx/engine.h"

typedef struct {
    uint64_t key;
    void *val;      /* NULL: empty; MAP_TOMB: removed */
} map_slot_t;

typedef struct {
    const sip4xx_allocator_t *a;
    map_slot_t *slots;
    size_t cap;     /* slots */
    size_t used;    /* live entries */
    size_t tombs;   /* removed entries still taking a slot */
} map_t;

bool map_init(map_t *m, const sip4xx_allocator_t *a);
void map_destroy(map_t *m);
void *map_get(const map_t *m, uint64_t key);
/* Insert or replace; false only when growing failed. */
bool map_put(map_t *m, uint64_t key, void *val);
/* Remove key's entry if it holds val (another object under the same key
 * stays); true if removed. */
bool map_remove(map_t *m, uint64_t key, const void *val);

/* Every live value, for freeing: *i starts at 0. */
void *map_next(const map_t *m, size_t *i);

#endif
