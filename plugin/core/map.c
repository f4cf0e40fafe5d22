/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — a hash map of 64-bit keys (see include/sip4xx/map.h). */
#include "sip4xx/map.h"

#include <string.h>

static char tomb_mark;
#define MAP_TOMB ((void *)&tomb_mark)
#define MAP_MIN_CAP 64u

/* The key mixed once more, scaled to [0, cap) by a multiply (cap need
 * not be a power of two, so the table can grow by half). */
static size_t slot_of(uint64_t key, size_t cap)
{
    key ^= key >> 29;
    key *= 0xbf58476d1ce4e5b9ull;
    key ^= key >> 32;
    return (size_t)(((unsigned __int128)key * cap) >> 64);
}

static size_t next_slot(size_t i, size_t cap)
{
    return i + 1 == cap ? 0 : i + 1;
}

static bool alloc_slots(sip4xx_map_t *m, size_t cap)
{
    sip4xx_map_slot_t *s = (sip4xx_map_slot_t *)m->a->alloc(m->a->ctx, cap * sizeof *s);
    if (!s)
        return false;
    memset(s, 0, cap * sizeof *s);
    m->slots = s;
    m->cap = cap;
    m->used = m->tombs = 0;
    return true;
}

bool sip4xx_map_init(sip4xx_map_t *m, const sip4xx_allocator_t *a)
{
    m->a = a;
    return alloc_slots(m, MAP_MIN_CAP);
}

void sip4xx_map_destroy(sip4xx_map_t *m)
{
    if (m->slots)
        m->a->free(m->a->ctx, m->slots);
    m->slots = NULL;
    m->cap = m->used = m->tombs = 0;
}

void *sip4xx_map_get(const sip4xx_map_t *m, uint64_t key)
{
    for (size_t i = slot_of(key, m->cap), n = 0; n < m->cap; i = next_slot(i, m->cap), n++) {
        const sip4xx_map_slot_t *s = &m->slots[i];
        if (!s->val)
            return NULL;
        if (s->val != MAP_TOMB && s->key == key)
            return s->val;
    }
    return NULL;
}

/* Rebuild at twice the live entries: the load is then a half, and the
 * next rebuild comes at three quarters (map_put), so the table takes
 * 1.33 to 2 slots per entry (16 bytes each). Clears the tombstones
 * removals leave, and shrinks the table when most entries went. */
static bool rebuild(sip4xx_map_t *m)
{
    size_t cap = (m->used + 1) * 2;
    if (cap < MAP_MIN_CAP)
        cap = MAP_MIN_CAP;
    sip4xx_map_t old = *m;
    if (!alloc_slots(m, cap)) {
        *m = old;
        return false;
    }
    for (size_t i = 0; i < old.cap; i++) {
        sip4xx_map_slot_t *s = &old.slots[i];
        if (s->val && s->val != MAP_TOMB) {
            size_t j = slot_of(s->key, m->cap);
            while (m->slots[j].val)
                j = next_slot(j, m->cap);
            m->slots[j] = *s;
            m->used++;
        }
    }
    old.a->free(old.a->ctx, old.slots);
    return true;
}

bool sip4xx_map_put(sip4xx_map_t *m, uint64_t key, void *val)
{
    if ((m->used + m->tombs + 1) * 4 > m->cap * 3 && !rebuild(m))
        return false;
    sip4xx_map_slot_t *free_slot = NULL;
    size_t i = slot_of(key, m->cap);
    for (size_t n = 0; n < m->cap; i = next_slot(i, m->cap), n++) {
        sip4xx_map_slot_t *s = &m->slots[i];
        if (!s->val)
            break;
        if (s->val == MAP_TOMB) {
            if (!free_slot)
                free_slot = s;
        } else if (s->key == key) {
            s->val = val;
            return true;
        }
    }
    if (free_slot) {
        m->tombs--;
    } else {
        free_slot = &m->slots[i];
    }
    free_slot->key = key;
    free_slot->val = val;
    m->used++;
    return true;
}

bool sip4xx_map_remove(sip4xx_map_t *m, uint64_t key, const void *val)
{
    for (size_t i = slot_of(key, m->cap), n = 0; n < m->cap; i = next_slot(i, m->cap), n++) {
        sip4xx_map_slot_t *s = &m->slots[i];
        if (!s->val)
            return false;
        if (s->val != MAP_TOMB && s->key == key) {
            if (s->val != val)
                return false;
            s->val = MAP_TOMB;
            m->used--;
            m->tombs++;
            return true;
        }
    }
    return false;
}

void *sip4xx_map_next(const sip4xx_map_t *m, size_t *i)
{
    while (*i < m->cap) {
        void *v = m->slots[(*i)++].val;
        if (v && v != MAP_TOMB)
            return v;
    }
    return NULL;
}
