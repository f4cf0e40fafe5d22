/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — libFuzzer harness over the exchange engine (engine.h): SEQUENCES
 * of SIP messages, each parsed (sip4xx_parse_summarize, sip4xx_check_msg for
 * n_missing) and handed to sip4xx_engine_track with a fuzzed capture clock
 * and fuzzed frame numbers, under small limits so that every bound bites.
 *
 * Input format (tests/fuzz/make_engine_seeds.py writes it):
 *
 *   byte 0   limits: bits 0-3 max_open_total - 1 (1..16),
 *                    bits 4-6 max_open_per_call - 1 (1..8),
 *                    bit 7    first frame number near 2^32 - 2^20 instead of 1
 *   byte 1   bits 0-2 max_dialogs - 1 (1..8),
 *            bits 3-5 start time (START_SECS below), bits 6-7 its nsecs
 *   then records separated by the two bytes 0x1e 0x1e (SEP); the first
 *   record starts right after byte 1. A record is
 *     ctl a0 a1 message-bytes...     (missing ctl/a0/a1 bytes read as 0)
 *   ctl bits 0-2 the clock step before this record (a0, a1 its operands):
 *      0 none (a frozen clock)           1 + (a0 + 256*a1) ms
 *      2 + a0 s + a1*4 ms                3 + (a0 + 256*a1) * 16 s
 *      4 BACK a0 s + a1*4 ms             5 + (a0 + 256*a1) ns
 *      6 jump to JUMP_SECS[a0 % N] + (int8)a1 s, nsecs JUMP_NSECS[a0 / N % 4]
 *        (0, 2^31, 2^32, INT64_MAX/1000, INT64_MAX, INT64_MIN, -1, ...)
 *      7 + WINDOW_SECS[a0 % N] s + (int8)a1 ms (around the engine's windows)
 *   ctl bit 3 stream transport: the message bytes are parsed message after
 *             message (a TCP segment holding several, ordinals 0, 1, ...)
 *   ctl bit 4 cut (m.cut: the capture lost bytes past the record)
 *   ctl bit 5 same frame as the previous record (next ordinal)
 *   ctl bits 6-7 frame step otherwise: +1, +2, +1000, +1
 *   Arithmetic on the clock saturates; a frame number that would wrap ends
 *   the input. At most MAX_MSGS messages per input.
 *
 * Invariants, checked with abort() after every message:
 *   - bounded state (sip4xx_engine_stats): open_now <= max_open_total,
 *     open_peak too; reactions <= open_now <= transactions + reactions
 *     (each open transaction and each waiting 4xx counts once);
 *     expiries <= RING_BOUND = 4 * max_open_total + 64 (+ the entries one
 *     message may add after expire() ran: RING_SLACK), which is
 *     expiry_cap() of engine.c; transactions + reactions <= expiries
 *     (each lives until its own ring entry falls due); calls <=
 *     transactions + reactions + expiries + dialogs (a call lives while a
 *     transaction, a waiting 4xx, a skipped-request note or a dialog holds
 *     it); dialogs <= max_dialogs;
 *   - after a quiet gap of QUIET_GAP seconds of capture time (longer than
 *     every window: 64*T1 and Timer C), nothing is kept but live dialogs
 *     and what the message itself opened;
 *   - every link points backwards to a message of the right kind:
 *     out.request_in (an earlier request), out.retry_of (an earlier
 *     response), out.first_final_in (an earlier response; set with
 *     SIP4XX_OUT_SECOND_FINAL) are < the current frame; each backlink's
 *     ref is exactly the ref of an earlier message, of the kind its
 *     is_request says, its response_in / retry_in is the current frame,
 *     and it agrees with request_in / retry_of;
 *   - cause_class and verdict are known values; a retry has a verdict text;
 *   - one pass equals a replay: the same sequence through a second fresh
 *     engine (whose allocator fills new blocks with 0xA5 instead of 0, so
 *     a read of memory the engine never wrote shows), given no request
 *     summary (it walks the model for one, where the first pass hands it
 *     the summary the parse's walk made), gives the same outcomes field
 *     by field (strings by content), the same request_out_of_dialog
 *     answers and the same stats;
 *   - the strings of the first engine's outcomes are still readable after
 *     the whole sequence (they live as long as the engine: ASan);
 *   - a counting allocator: zero live blocks after sip4xx_engine_free.
 * Each message is an exact-size heap copy freed right after
 * sip4xx_engine_track, so an engine keeping a pointer into a message is
 * an ASan report.
 *
 * Built two ways (tests/fuzz/CMakeLists.txt): fuzz_engine with clang
 * -fsanitize=fuzzer when SIP4XX_FUZZ=ON, and fuzz_engine_replay (with
 * replay_main.c) in the normal build, where ctest replays
 * tests/fuzz/engine-corpus/ through it.
 */
#define _GNU_SOURCE     /* memmem (libFuzzer hooks it: the separator is learnt) */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip4xx/checks.h"
#include "sip4xx/engine.h"
#include "sip4xx/model.h"
#include "sip4xx/txn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "CHECK failed: %s (fuzz_engine.c line %d, message %u)\n", #cond, \
                    __LINE__, cur_msg);                                                    \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

#define MAX_MSGS 256u
#define RING_SLACK 4u       /* entries one message may add after expire() ran (2 today:
                               a 4xx and its transaction, a CANCEL and its orphan note) */
#define QUIET_GAP 3600      /* seconds: past every window of engine.c (32 s, 180 s) */
static const uint8_t SEP[2] = { 0x1e, 0x1e };

static unsigned cur_msg;    /* for CHECK's message */
static volatile size_t sink;

__extension__ typedef __int128 i128;

/* ------------------------------------------------------------ allocator */

typedef struct {
    long live;
    uint8_t fill;           /* what a new block holds: the engine must not care */
} counter_t;

static void *count_alloc(void *ctx, size_t n)
{
    counter_t *c = (counter_t *)ctx;
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    memset(p, c->fill, n);
    c->live++;
    return p;
}

static void count_free(void *ctx, void *p)
{
    counter_t *c = (counter_t *)ctx;
    if (!p)
        return;
    c->live--;
    free(p);
}

/* ----------------------------------------------------------------- time */

static const int64_t START_SECS[8] = {
    1700000000, 0, 2147483647 - 5, 4294967296LL - 5, INT64_MAX - 100, -1, INT64_MIN + 5, 1000000000000LL,
};
static const int32_t START_NSECS[4] = { 0, 999999999, 500000000, 1 };

static const int64_t JUMP_SECS[] = {
    0, 1, 2147483647, 2147483648LL, 4294967295LL, 4294967296LL, 4294967297LL,
    INT64_MAX / 1000, INT64_MAX / 1000 - 1, INT64_MAX / 1000 + 1, INT64_MAX - 200, INT64_MAX - 32,
    INT64_MAX - 1, INT64_MAX, INT64_MIN, INT64_MIN + 1, -1, -4294967296LL, 1700000000,
};
#define N_JUMPS (sizeof JUMP_SECS / sizeof JUMP_SECS[0])
static const int32_t JUMP_NSECS[4] = { 0, 999999999, 500000000, 1 };

static const int64_t WINDOW_SECS[] = { 31, 32, 33, 63, 64, 65, 179, 180, 181, 212, 213, 3600, 86400 };
#define N_WINDOWS (sizeof WINDOW_SECS / sizeof WINDOW_SECS[0])

/* The engine's own saturating seconds (engine.h). */
static int64_t sat_add(int64_t a, int64_t b)
{
    return sip4xx_time_add_secs((sip4xx_time_t){ a, 0 }, b).secs;
}

/* t + ns nanoseconds (either sign), seconds saturated, nsecs kept in range. */
static sip4xx_time_t step_ns(sip4xx_time_t t, int64_t ns)
{
    int64_t secs = ns / 1000000000, rem = ns % 1000000000;
    t.secs = sat_add(t.secs, secs);
    int64_t n = (int64_t)t.nsecs + rem;
    if (n >= 1000000000) {
        n -= 1000000000;
        t.secs = sat_add(t.secs, 1);
    } else if (n < 0) {
        n += 1000000000;
        t.secs = sat_add(t.secs, -1);
    }
    t.nsecs = (int32_t)n;
    return t;
}

static sip4xx_time_t clock_step(sip4xx_time_t t, uint8_t op, uint8_t a0, uint8_t a1)
{
    switch (op & 7) {
    case 0:
        return t;
    case 1:
        return step_ns(t, (int64_t)(a0 + 256 * a1) * 1000000);
    case 2:
        return step_ns(step_ns(t, (int64_t)a0 * 1000000000), (int64_t)a1 * 4000000);
    case 3:
        return step_ns(t, (int64_t)(a0 + 256 * a1) * 16 * 1000000000);
    case 4:
        return step_ns(step_ns(t, -(int64_t)a0 * 1000000000), -(int64_t)a1 * 4000000);
    case 5:
        return step_ns(t, (int64_t)(a0 + 256 * a1));
    case 6: {
        sip4xx_time_t j = { sat_add(JUMP_SECS[a0 % N_JUMPS], (int8_t)a1), JUMP_NSECS[(a0 / N_JUMPS) % 4] };
        return j;
    }
    default:
        return step_ns(step_ns(t, WINDOW_SECS[a0 % N_WINDOWS] * 1000000000), (int64_t)(int8_t)a1 * 1000000);
    }
}

static i128 as_ns(sip4xx_time_t t)
{
    return (i128)t.secs * 1000000000 + t.nsecs;
}

/* ------------------------------------------------------------ one pass */

typedef struct {
    sip4xx_msg_ref_t ref;
    uint8_t kind;           /* sip4xx_msg_kind_t */
    uint16_t code;
    size_t n_missing;
    bool ood;               /* sip4xx_engine_request_out_of_dialog, asked for responses */
    sip4xx_outcome_t out;
    sip4xx_engine_stats_t st;
} step_t;

static step_t steps[2][MAX_MSGS];

/* The strings an outcome holds stay readable (ASan) and NUL-terminated. */
static void touch_str(const char *s)
{
    if (s)
        sink += strlen(s);
}

static bool same_str(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* The earlier message a link names: by frame alone (request_in, retry_of,
 * first_final_in) or by its whole ref (backlinks). NULL if none. */
static const step_t *earlier(const step_t *s, unsigned n, uint32_t frame, const sip4xx_msg_ref_t *ref, int kind)
{
    for (unsigned i = 0; i < n; i++) {
        if (s[i].ref.frame != frame || (kind >= 0 && s[i].kind != kind))
            continue;
        if (!ref || (s[i].ref.ordinal == ref->ordinal && s[i].ref.start == ref->start && s[i].ref.len == ref->len))
            return &s[i];
    }
    return NULL;
}

static void check_outcome(const step_t *s, unsigned n, const step_t *now, const sip4xx_limits_t *lim)
{
    const sip4xx_outcome_t *o = &now->out;
    uint32_t frame = now->ref.frame;

    if (o->request_in) {
        CHECK(now->kind == SIP4XX_MSG_RESPONSE);
        CHECK(o->request_in < frame);
        CHECK(earlier(s, n, o->request_in, NULL, SIP4XX_MSG_REQUEST) != NULL);
    }
    if (o->retry_of) {
        CHECK(now->kind == SIP4XX_MSG_REQUEST);
        CHECK(o->retry_of < frame);
        CHECK(earlier(s, n, o->retry_of, NULL, SIP4XX_MSG_RESPONSE) != NULL);
        CHECK(o->verdict_text != NULL);
    } else {
        CHECK(o->verdict == SIP4XX_VERDICT_NONE);
    }
    if (o->first_final_in) {
        CHECK(now->kind == SIP4XX_MSG_RESPONSE);
        /* An earlier message: of an earlier frame, or of this frame (a TCP
         * segment with two final responses). */
        CHECK(o->first_final_in <= frame);
        CHECK(earlier(s, n, o->first_final_in, NULL, SIP4XX_MSG_RESPONSE) != NULL);
    }
    if (o->flags & SIP4XX_OUT_SECOND_FINAL)
        CHECK(o->first_final_in != 0);
    CHECK(strcmp(sip4xx_cause_label((sip4xx_cause_class_t)o->cause_class), "Unknown") != 0);
    CHECK(strcmp(sip4xx_verdict_label((sip4xx_verdict_t)o->verdict), "Unknown") != 0);
    touch_str(o->cause);
    touch_str(o->verdict_text);

    CHECK(o->n_backlinks <= sizeof o->backlinks / sizeof o->backlinks[0]);
    for (unsigned i = 0; i < o->n_backlinks; i++) {
        const sip4xx_backlink_t *b = &o->backlinks[i];
        CHECK(b->ref.frame < frame);
        const step_t *to = earlier(s, n, b->ref.frame, &b->ref,
                                   b->is_request ? SIP4XX_MSG_REQUEST : SIP4XX_MSG_RESPONSE);
        CHECK(to != NULL);
        if (b->is_request) {
            /* A response links its request. */
            CHECK(now->kind == SIP4XX_MSG_RESPONSE);
            CHECK(b->response_in == frame);
            CHECK(b->retry_in == 0);
            CHECK(b->ref.frame == o->request_in);
        } else {
            /* A retry links the 4xx it reacts to. */
            CHECK(now->kind == SIP4XX_MSG_REQUEST);
            CHECK(to->code >= 400 && to->code <= 499);
            CHECK(b->retry_in == frame);
            CHECK(b->response_in == 0);
            CHECK(b->ref.frame == o->retry_of);
            CHECK(b->verdict == o->verdict);
            CHECK(same_str(b->verdict_text, o->verdict_text));
        }
        touch_str(b->verdict_text);
    }

    /* Bounded state. */
    const sip4xx_engine_stats_t *st = &now->st;
    size_t ring_bound = 4 * (size_t)lim->max_open_total + 64 + RING_SLACK;
    CHECK(st->open_now <= lim->max_open_total);
    CHECK(st->open_peak <= lim->max_open_total);
    CHECK(st->open_now <= st->open_peak);
    CHECK(st->reactions <= st->open_now);
    CHECK(st->open_now <= st->transactions + st->reactions);
    CHECK(st->expiries <= ring_bound);
    CHECK(st->transactions <= ring_bound);
    CHECK(st->transactions + st->reactions <= st->expiries);
    CHECK(st->dialogs <= lim->max_dialogs);
    CHECK(st->calls <= st->transactions + st->reactions + st->expiries + st->dialogs);
}

/* SIP4XX_FUZZ_ENGINE_VERBOSE=1: what the engine said about each message
 * (to see what a seed or a reproducer exercises). */
static bool verbose(void)
{
    static int v = -1;
    if (v < 0) {
        const char *s = getenv("SIP4XX_FUZZ_ENGINE_VERBOSE");
        v = s && *s && *s != '0';
    }
    return v;
}

static void dump(unsigned i, sip4xx_time_t t)
{
    {
        const step_t *s = &steps[0][i];
        const sip4xx_outcome_t *o = &s->out;
        fprintf(stderr, "#%u t=%lld.%09d frame %u.%u %s %u missing %zu%s flags 0x%02x", i, (long long)t.secs,
                (int)t.nsecs, (unsigned)s->ref.frame,
                (unsigned)s->ref.ordinal,
                s->kind == SIP4XX_MSG_REQUEST ? "request" : s->kind == SIP4XX_MSG_RESPONSE ? "response" : "unparsed",
                (unsigned)s->code, s->n_missing, s->ood ? " out-of-dialog" : "", (unsigned)o->flags);
        if (o->request_in)
            fprintf(stderr, " request_in %u (%lld.%09d s)", (unsigned)o->request_in, (long long)o->delta.secs,
                    (int)o->delta.nsecs);
        if (o->first_final_in)
            fprintf(stderr, " first_final_in %u", (unsigned)o->first_final_in);
        if (o->cause_class || o->cause)
            fprintf(stderr, " cause %u \"%s\"", (unsigned)o->cause_class, o->cause ? o->cause : "");
        if (o->retry_of)
            fprintf(stderr, " retry_of %u verdict %u \"%s\"", (unsigned)o->retry_of, (unsigned)o->verdict,
                    o->verdict_text ? o->verdict_text : "");
        for (unsigned k = 0; k < o->n_backlinks && k < 2; k++)
            fprintf(stderr, " [backlink %u.%u %s %u]", (unsigned)o->backlinks[k].ref.frame,
                    (unsigned)o->backlinks[k].ref.ordinal, o->backlinks[k].is_request ? "response_in" : "retry_in",
                    (unsigned)(o->backlinks[k].is_request ? o->backlinks[k].response_in : o->backlinks[k].retry_in));
        fprintf(stderr, " | calls %zu txns %zu reactions %zu expiries %zu texts %zu open %u peak %u dialogs %u\n",
                s->st.calls, s->st.transactions, s->st.reactions, s->st.expiries, s->st.texts,
                (unsigned)s->st.open_now, (unsigned)s->st.open_peak, (unsigned)s->st.dialogs);
    }
}

/* One pass over the input through a fresh engine; steps[pass][] gets what
 * it said. Returns the number of messages. */
static unsigned run(const uint8_t *data, size_t size, int pass, const sip4xx_limits_t *lim, uint32_t first_frame,
                    sip4xx_time_t t, counter_t *cnt, sip4xx_engine_t **keep)
{
    sip4xx_allocator_t a = { count_alloc, count_free, cnt };
    sip4xx_engine_t *e = sip4xx_engine_new(&a, lim);
    CHECK(e != NULL);
    step_t *s = steps[pass];
    unsigned n = 0;
    uint32_t frame = 0;
    bool have_prev = false;
    sip4xx_time_t prev = t;
    i128 clock = 0;         /* the engine's clock, unsaturated: the sum of forward steps */
    size_t pos = size < 2 ? size : 2;
    bool more = size >= 2;

    while (more && n < MAX_MSGS) {
        const uint8_t *rec = data + pos;
        size_t rlen = size - pos;
        const uint8_t *sep = rlen >= 2 ? memmem(rec, rlen, SEP, sizeof SEP) : NULL;
        if (sep) {
            rlen = (size_t)(sep - rec);
            pos += rlen + sizeof SEP;
        } else {
            more = false;
        }
        uint8_t ctl = rlen > 0 ? rec[0] : 0, a0 = rlen > 1 ? rec[1] : 0, a1 = rlen > 2 ? rec[2] : 0;
        const uint8_t *body = rec + (rlen < 3 ? rlen : 3);
        size_t blen = rlen < 3 ? 0 : rlen - 3;

        t = clock_step(t, ctl, a0, a1);
        bool stream = ctl & 0x08, cut = ctl & 0x10;
        uint16_t ordinal = 0;
        if (!have_prev) {
            frame = first_frame;
        } else if (ctl & 0x20) {
            ordinal = (uint16_t)(s[n - 1].ref.ordinal + 1);
            if (ordinal == 0)
                break;
        } else {
            static const uint32_t gaps[4] = { 1, 2, 1000, 1 };
            uint32_t g = gaps[ctl >> 6];
            if (frame > UINT32_MAX - g)
                break;
            frame += g;
        }

        /* The engine's clock moves by forward steps only; a quiet gap is
         * checked where it cannot have saturated. */
        bool quiet = false;
        if (!have_prev) {
            clock = as_ns(t);
        } else if (sip4xx_time_cmp(t, prev) > 0) {
            i128 step = as_ns(t) - as_ns(prev);
            quiet = step >= (i128)QUIET_GAP * 1000000000 &&
                    clock + step < ((i128)INT64_MAX - 2 * QUIET_GAP) * 1000000000;
            clock += step;
        }
        prev = t;
        have_prev = true;

        /* On a stream, message after message of the record, as one TCP
         * segment; otherwise the record is one datagram. */
        size_t off = 0;
        uint32_t start = 0;
        do {
            size_t len = blen - off;
            uint8_t *copy = malloc(len ? len : 1);
            CHECK(copy != NULL);
            if (len)
                memcpy(copy, body + off, len);
            sip4xx_msg_t m = { 0 };
            m.stream_transport = stream;
            m.cut = cut;
            /* The first pass hands the engine the summary made in the
             * parse's walk, as the plugin does; the replay lets the
             * engine make it from the model: the outcomes must agree. */
            sip4xx_req_summary_t req;
            uint32_t used = pass == 0 ? sip4xx_parse_summarize(copy, len, &m, &req) : sip4xx_parse(copy, len, &m);
            CHECK(used <= len);

            step_t *now = &s[n];
            cur_msg = n;
            memset(now, 0, sizeof *now);
            now->ref.frame = frame;
            now->ref.ordinal = ordinal;
            now->ref.start = start;
            now->ref.len = used;
            now->kind = (uint8_t)m.kind;
            now->code = m.kind == SIP4XX_MSG_RESPONSE ? (uint16_t)m.code : 0;
            if (m.kind == SIP4XX_MSG_RESPONSE) {
                now->ood = sip4xx_engine_request_out_of_dialog(e, &m, frame);
                m.request_out_of_dialog = now->ood;
            }
            sip4xx_finding_t found[SIP4XX_MAX_FINDINGS];
            now->n_missing = sip4xx_check_msg(&m, found, SIP4XX_MAX_FINDINGS);
            if (pass == 0)
                req.missing_rules = (uint32_t)now->n_missing;
            sip4xx_engine_track(e, &m, pass == 0 ? &req : NULL, now->n_missing, t, now->ref, &now->out);
            free(copy);
            sip4xx_engine_stats(e, &now->st);

            if (pass == 0 && verbose())
                dump(n, t);
            check_outcome(s, n, now, lim);
            if (quiet && off == 0) {
                /* Everything before the gap has fallen due: what is left
                 * is the live dialogs and what this message opened. */
                const sip4xx_engine_stats_t *st = &now->st;
                CHECK(st->reactions == 0);
                CHECK(st->transactions <= 1);
                CHECK(st->expiries <= RING_SLACK);
                CHECK(st->open_now <= 1);
                CHECK(st->calls <= st->dialogs + 1);
            }
            n++;
            if (!stream || used == 0)
                break;
            off += used;
            start += used;
            if (off < blen) {
                ordinal++;
                if (ordinal == 0)
                    break;
            }
        } while (off < blen && n < MAX_MSGS);
    }
    *keep = e;
    return n;
}

static void compare(unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        const step_t *x = &steps[0][i], *y = &steps[1][i];
        const sip4xx_outcome_t *a = &x->out, *b = &y->out;
        cur_msg = i;
        CHECK(x->ref.frame == y->ref.frame && x->ref.ordinal == y->ref.ordinal && x->ref.start == y->ref.start &&
              x->ref.len == y->ref.len);
        CHECK(x->kind == y->kind && x->code == y->code);
        CHECK(x->n_missing == y->n_missing);
        CHECK(x->ood == y->ood);
        CHECK(a->flags == b->flags);
        CHECK(a->request_in == b->request_in);
        CHECK(a->delta.secs == b->delta.secs && a->delta.nsecs == b->delta.nsecs);
        CHECK(a->first_final_in == b->first_final_in);
        CHECK(a->cause_class == b->cause_class);
        CHECK(same_str(a->cause, b->cause));
        CHECK(a->retry_of == b->retry_of);
        CHECK(a->verdict == b->verdict);
        CHECK(same_str(a->verdict_text, b->verdict_text));
        CHECK(a->n_backlinks == b->n_backlinks);
        for (unsigned k = 0; k < a->n_backlinks && k < 2; k++) {
            const sip4xx_backlink_t *p = &a->backlinks[k], *q = &b->backlinks[k];
            CHECK(p->ref.frame == q->ref.frame && p->ref.ordinal == q->ref.ordinal &&
                  p->ref.start == q->ref.start && p->ref.len == q->ref.len);
            CHECK(p->is_request == q->is_request);
            CHECK(p->response_in == q->response_in);
            CHECK(p->retry_in == q->retry_in);
            CHECK(p->verdict == q->verdict);
            CHECK(same_str(p->verdict_text, q->verdict_text));
        }
        const sip4xx_engine_stats_t *s = &x->st, *r = &y->st;
        CHECK(s->calls == r->calls && s->transactions == r->transactions && s->reactions == r->reactions &&
              s->expiries == r->expiries && s->texts == r->texts && s->open_now == r->open_now &&
              s->open_peak == r->open_peak && s->dialogs == r->dialogs);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t h0 = size > 0 ? data[0] : 0, h1 = size > 1 ? data[1] : 0;
    sip4xx_limits_t lim = {
        .max_open_per_call = 1u + ((h0 >> 4) & 7u),
        .max_open_total = 1u + (h0 & 15u),
        .max_dialogs = 1u + (h1 & 7u),
    };
    uint32_t first_frame = (h0 & 0x80) ? UINT32_MAX - (1u << 20) : 1;
    sip4xx_time_t t0 = { START_SECS[(h1 >> 3) & 7], START_NSECS[h1 >> 6] };

    counter_t c1 = { 0, 0x00 }, c2 = { 0, 0xa5 };
    sip4xx_engine_t *e1, *e2;
    cur_msg = 0;
    unsigned n1 = run(data, size, 0, &lim, first_frame, t0, &c1, &e1);
    unsigned n2 = run(data, size, 1, &lim, first_frame, t0, &c2, &e2);
    cur_msg = 0;
    CHECK(n1 == n2);
    compare(n1);
    sip4xx_engine_free(e2);
    cur_msg = n2;
    CHECK(c2.live == 0);

    /* The first engine's strings outlive every later message. */
    for (unsigned i = 0; i < n1; i++) {
        const sip4xx_outcome_t *o = &steps[0][i].out;
        touch_str(o->cause);
        touch_str(o->verdict_text);
        for (unsigned k = 0; k < o->n_backlinks && k < 2; k++)
            touch_str(o->backlinks[k].verdict_text);
    }
    sip4xx_engine_free(e1);
    cur_msg = n1;
    CHECK(c1.live == 0);
    return 0;
}
