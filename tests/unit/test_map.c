/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the engine's hash map (include/sip4xx/map.h) against a plain
 * array, under long runs of puts, replacements and removals.
 *
 * A removal closes its gap by moving later entries of the probe run back
 * (no tombstones): a wrong move loses an entry or makes one unreachable,
 * and the walks rely on an empty slot always being there. Keys from a
 * small universe keep the table crowded and its runs long, wrapping
 * around the end of the slot array; growing and shrinking happen on the
 * way. After every step each key's answer is compared with the array's,
 * and now and then the whole table is walked (sip4xx_map_next). */
#include <glib.h>
#include <stdlib.h>

#include "sip4xx/map.h"

static void *heap_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return g_malloc(size ? size : 1);
}

static void heap_free(void *ctx, void *p)
{
    (void)ctx;
    g_free(p);
}

static const sip4xx_allocator_t heap = { heap_alloc, heap_free, NULL };

#define UNIVERSE 600u

/* The value stored for key k in round r: never NULL, told apart from the
 * value of an earlier round (a remove names the value it removes). */
static void *value_of(unsigned k, unsigned r)
{
    return GUINT_TO_POINTER(((r & 0xffffu) << 16 | k) + 1u);
}

static void check_all(const sip4xx_map_t *m, void *const *want)
{
    size_t live = 0;
    for (unsigned k = 0; k < UNIVERSE; k++) {
        g_assert_true(sip4xx_map_get(m, k) == want[k]);
        live += want[k] != NULL;
    }
    g_assert_cmpuint(m->used, ==, live);
}

static void check_walk(const sip4xx_map_t *m, void *const *want)
{
    /* Every live value once, nothing else. */
    size_t i = 0, seen = 0;
    void *v;
    while ((v = sip4xx_map_next(m, &i)) != NULL) {
        unsigned k = (GPOINTER_TO_UINT(v) - 1u) & 0xffffu;
        g_assert_cmpuint(k, <, UNIVERSE);
        g_assert_true(want[k] == v);
        seen++;
    }
    g_assert_cmpuint(seen, ==, m->used);
    /* The walks stop at an empty slot: one always exists. */
    g_assert_cmpuint(m->used, <, m->cap);
}

static void run(guint32 seed, unsigned steps, unsigned universe)
{
    GRand *rng = g_rand_new_with_seed(seed);
    sip4xx_map_t m;
    void *want[UNIVERSE] = { NULL };
    g_assert_true(sip4xx_map_init(&m, &heap));
    for (unsigned r = 0; r < steps; r++) {
        unsigned k = (unsigned)g_rand_int_range(rng, 0, (gint32)universe);
        guint32 op = g_rand_int_range(rng, 0, 100);
        /* Phases: mostly puts (the table grows), then mostly removals (it
         * shrinks), so both rebuilds are crossed many times. */
        gboolean filling = (r / 5000) % 2 == 0;
        if (op < (filling ? 60u : 30u)) {
            void *v = value_of(k, r);
            g_assert_true(sip4xx_map_put(&m, k, v));
            want[k] = v;
        } else if (op < 95) {
            /* Removing with the stored value works; with another, not. */
            if (want[k] && op % 7 == 0)
                g_assert_false(sip4xx_map_remove(&m, k, value_of(k, r + 1)));
            g_assert_true(sip4xx_map_remove(&m, k, want[k]) == (want[k] != NULL));
            want[k] = NULL;
        } else {
            g_assert_true(sip4xx_map_get(&m, k) == want[k]);
        }
        g_assert_true(sip4xx_map_get(&m, k) == want[k]);
        if (r % 97 == 0)
            check_all(&m, want);
        if (r % 1009 == 0)
            check_walk(&m, want);
    }
    check_all(&m, want);
    check_walk(&m, want);
    sip4xx_map_destroy(&m);
    g_assert_null(sip4xx_map_get(&m, 1));
    g_assert_false(sip4xx_map_remove(&m, 1, value_of(1, 0)));
    g_rand_free(rng);
}

static void test_against_array(void)
{
    for (guint32 seed = 1; seed <= 6; seed++)
        run(seed, 60000, UNIVERSE);
}

static void test_few_keys(void)
{
    /* A table that stays at its smallest, its runs the longest. */
    for (guint32 seed = 1; seed <= 6; seed++)
        run(seed, 20000, 40);
}

static void test_remove_all(void)
{
    sip4xx_map_t m;
    g_assert_true(sip4xx_map_init(&m, &heap));
    for (unsigned k = 0; k < 5000; k++)
        g_assert_true(sip4xx_map_put(&m, (uint64_t)k * 0x9e3779b97f4a7c15ull, value_of(k % UNIVERSE, k)));
    g_assert_cmpuint(m.used, ==, 5000);
    for (unsigned k = 0; k < 5000; k++) {
        uint64_t key = (uint64_t)k * 0x9e3779b97f4a7c15ull;
        g_assert_true(sip4xx_map_remove(&m, key, value_of(k % UNIVERSE, k)));
        g_assert_null(sip4xx_map_get(&m, key));
        if (k + 1 < 5000)
            g_assert_nonnull(sip4xx_map_get(&m, (uint64_t)(k + 1) * 0x9e3779b97f4a7c15ull));
    }
    g_assert_cmpuint(m.used, ==, 0);
    sip4xx_map_destroy(&m);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/map/against-an-array", test_against_array);
    g_test_add_func("/map/few-keys-long-runs", test_few_keys);
    g_test_add_func("/map/remove-all", test_remove_all);
    return g_test_run();
}
