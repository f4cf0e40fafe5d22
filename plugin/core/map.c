/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — a hash map of 64-bit keys (see include/sip4xx/map.h). */
#include "sip4xx/map.h"

#include <string.h>

/* A removal shifts back the entries after it in their run (linear
 * probing's deletion without tombstones): the engine removes as often as
 * it inserts (every transaction goes), and tombstones made every search
 * walk past the dead and brought a rebuild every few thousand removals.
 * Without them a run holds live entries only, and the table is rebuilt
 * only to grow or to shrink. */
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
    m->used = 0;
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
    m->cap = m->used = 0;
}

/* Every walk below ends at an empty slot without counting its steps: a
 * table is never more than three quarters full (map_put rebuilds before,
 * and puts nothing when it cannot), so there is always one. A destroyed
 * table (no slots) holds nothing. */
void *sip4xx_map_get(const sip4xx_map_t *m, uint64_t key)
{
    if (!m->cap)
        return NULL;
    for (size_t i = slot_of(key, m->cap);; i = next_slot(i, m->cap)) {
        const sip4xx_map_slot_t *s = &m->slots[i];
        if (!s->val)
            return NULL;
        if (s->key == key)
            return s->val;
    }
}

/* Rebuild at twice the live entries: the load is then a half, and the
 * next rebuild comes at three quarters (map_put), so the table takes
 * 1.33 to 2 slots per entry (16 bytes each). Shrinks the table when most
 * entries went (map_remove, below an eighth). */
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
        if (s->val) {
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
    if ((m->used + 1) * 4 > m->cap * 3 && !rebuild(m))
        return false;
    size_t i = slot_of(key, m->cap);
    for (;; i = next_slot(i, m->cap)) {
        sip4xx_map_slot_t *s = &m->slots[i];
        if (!s->val)
            break;
        if (s->key == key) {
            s->val = val;
            return true;
        }
    }
    m->slots[i].key = key;
    m->slots[i].val = val;
    m->used++;
    return true;
}

bool sip4xx_map_remove(sip4xx_map_t *m, uint64_t key, const void *val)
{
    if (!m->cap)
        return false;
    size_t i = slot_of(key, m->cap);
    for (;; i = next_slot(i, m->cap)) {
        sip4xx_map_slot_t *s = &m->slots[i];
        if (!s->val)
            return false;
        if (s->key == key)
            break;
    }
    if (m->slots[i].val != val)
        return false;
    /* Close the gap: each later entry of the run whose home slot is not
     * cyclically in (gap, its slot] moves into the gap, which moves on to
     * where it was. The run then reads as if the removed entry had never
     * been put. */
    size_t gap = i;
    for (size_t j = next_slot(gap, m->cap); m->slots[j].val; j = next_slot(j, m->cap)) {
        size_t home = slot_of(m->slots[j].key, m->cap);
        bool stays = gap <= j ? (gap < home && home <= j) : (gap < home || home <= j);
        if (!stays) {
            m->slots[gap] = m->slots[j];
            gap = j;
        }
    }
    m->slots[gap].val = NULL;
    m->slots[gap].key = 0;
    m->used--;
    if (m->cap > MAP_MIN_CAP && m->used * 8 < m->cap)
        rebuild(m);   /* most entries went: give the slots back (kept as is if that fails) */
    return true;
}

void *sip4xx_map_next(const sip4xx_map_t *m, size_t *i)
{
    while (*i < m->cap) {
        void *v = m->slots[(*i)++].val;
        if (v)
            return v;
    }
    return NULL;
}
