/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the exchange engine (see include/sip4xx/engine.h).
 *
 * Costs, per message: integer keys (64-bit hashes, txn.h), no text
 * formatted. An open transaction keeps its request's summary packed
 * (sip4xx_req_pack: what a 4xx may need of it, made in the parse's own
 * walk, at most SIP4XX_PACKED_MAX bytes), not the request's bytes: the
 * request is never read again. A 4xx waiting for a retry keeps a response
 * summary and the 24-byte sip4xx_attempt_t.
 *
 * Memory per open transaction, all included (its block, its map slots,
 * its expiry entry, its call's share, the allocator's headers): at most
 * 256 bytes for the requests real traffic sends, 300 at the packing
 * budget (/engine/bytes-per-transaction). What keeps it there: the
 * transaction's record is 72 bytes with the packed summary after it; the
 * parts needed only while open and only after the final response share
 * their bytes; a Call-ID with one transaction at a time has no call of its
 * own (the lone transaction stands for it); the maps and the ring grow by
 * half, not double; an expiry entry is 24 bytes.
 *
 * Bounds: at most max_open_per_call open transactions per Call-ID and
 * max_open_total open transactions plus waiting 4xx in all; past them a
 * message is not tracked and says so. A transaction that ends without a
 * 4xx is freed at once; a 4xx and what waits for its retry are freed
 * WINDOW seconds later (64*T1, RFC 3261 §17.1.2.2: past it, a
 * retransmission of the transaction cannot arrive; a retry that late is
 * judged as a new request). A transaction that gets no final response is
 * freed when its client would have given up: 64*T1 after the request
 * (Timer F for a non-INVITE, §17.1.2.2; Timer B for an INVITE without a
 * provisional response, §17.1.1.2), or, for an INVITE that had one,
 * PROCEEDING_WINDOW after the latest (Timer C, §16.6 step 11, §16.7 step
 * 2, §13.3.1.1). A call is kept while something of it is: open
 * transactions, a 4xx waiting, a live dialog (its owner; at most
 * max_dialogs), or for one window, the note that a limit skipped one of
 * its requests. Where capture time stands still the windows never pass:
 * expiry_cap() bounds them then.
 */
#include "sip4xx/engine.h"

#include <string.h>

#include "sip4xx/text.h"

#include "sip4xx/map.h"
#include "sip4xx/sentences.h"

#define WINDOW 32              /* 64*T1, T1 = 500 ms (RFC 3261 §17.1.1.1) */
#define PROCEEDING_WINDOW 180  /* "a gap of 3 minutes between responses" (§13.3.1.1) */

struct txn;

/* The in-dialog INVITE/UPDATE pending on each side, for glare (RFC 3261
 * §14.2): made for the calls that have one, a few. */
typedef struct {
    uint64_t tag[2];                 /* the sender's From tag, per side */
    uint32_t frame[2];
    struct txn *txn[2];
} glare_t;

/* What a Call-ID needs remembered beyond its transactions. Most Call-IDs
 * (a registration, an OPTIONS, a scanner's every request) never have more
 * than one transaction at a time: the calls map then points at that
 * transaction itself (a "lone" transaction, tagged: see call_entry), and
 * a call_t is made only when a second request, a waiting 4xx, a dialog, a
 * glare or a skipped request needs one. */
typedef struct {
    uint64_t key;
    uint64_t owner_tag;              /* From tag of the dialog-creating INVITE (RFC 3261 §14.1) */
    struct txn *pending_invite;      /* the latest INVITE without a final response */
    glare_t *glare;                  /* NULL until an in-dialog INVITE or UPDATE */
    uint32_t open;                   /* open transactions of this Call-ID */
    uint32_t dropped;                /* requests not tracked for the limits, in the last window */
    uint32_t waiting;                /* 4xx to non-REGISTER requests of this call awaiting a retry */
    uint32_t refs;                   /* txn blocks pointing here */
    bool has_owner;
    bool in_dialog;                  /* a 2xx answered the owner's INVITE; until a BYE ends it */
} call_t;

/* What the end of a transaction means for its call's dialog. */
typedef enum {
    TXN_OTHER,
    TXN_OWNER_INVITE,                /* the INVITE that made its sender the Call-ID's owner */
    TXN_BYE,                         /* ends the dialog (RFC 3261 §15) */
} txn_role_t;

/* txn_t flags. */
#define TF_OPEN       0x01u          /* no final response yet (nor timed out): counts in the limits */
#define TF_HAS_CALL   0x02u          /* the request had a Call-ID */
#define TF_ATTACHED   0x04u          /* call.ptr is its call_t; otherwise call.key is the Call-ID's */
#define TF_LONE       0x08u          /* not attached, and the calls map points here (call_entry) */
#define TF_TO_TAG     0x10u          /* the request was sent inside a dialog */
#define TF_INVITE     0x20u          /* the request is an INVITE */
#define TF_PROCEEDING 0x40u          /* an INVITE that had a provisional response (Timer C) */
#define TF_CANCEL_ORPHAN 0x80u       /* a CANCEL whose INVITE is not in the capture */

/* A transaction, from its request to WINDOW after its 4xx (or to its
 * final response otherwise). Its key is the map's and the expiry entry's,
 * not kept here. The open part is what the cause of a 4xx needs; once the
 * first final response is in, the closed part takes its place. */
typedef struct txn {
    union {
        call_t *ptr;                 /* with TF_ATTACHED */
        uint64_t key;                /* without: the Call-ID's key (with TF_HAS_CALL) */
    } call;
    int64_t req_secs;                /* when the request was seen */
    int32_t req_nsecs;
    uint32_t gen;                    /* tells a freed-and-reused block from the original */
    uint32_t req_frame, req_start, req_len;
    uint16_t req_ordinal;
    uint8_t flags;                   /* TF_* */
    uint8_t role;                    /* txn_role_t: what its end means for the call */
    union {
        struct {                     /* with TF_OPEN */
            int64_t proceeding_until;    /* with TF_PROCEEDING: kept until then */
            uint64_t owner_tag;          /* a lone owner INVITE's From tag (call_t's, once made) */
            uint32_t terminator_frame;   /* the CANCEL or BYE that ended it */
            uint32_t glare_frame;        /* the other side's pending in-dialog request at arrival */
        } open;
        struct {                     /* after the first final response */
            uint64_t final_to_tag;       /* its code and To tag tell a retransmission from a */
            const char *cause;           /* second, different final; the cause is kept for */
            uint32_t final_frame;        /* retransmitted final responses */
            uint16_t final_code;
            uint16_t final_ordinal;      /* with final_frame: which message of that frame */
        } closed;
    } u;
    uint32_t req_cseq;               /* the request's CSeq number: with its Call-ID, what
                                        tells its retransmission from another request that
                                        reuses the branch */
    uint8_t terminator_bye;          /* with terminator_frame: a BYE, not a CANCEL */
    uint8_t cause_class;
    uint8_t cause_flags;
    uint8_t packed_len;              /* bytes of packed[] */
    uint8_t packed[];                /* the request's summary (sip4xx_req_pack); read only
                                        while open */
} txn_t;

typedef struct {
    uint64_t key;
    uint32_t gen;
    sip4xx_msg_ref_t resp;
    sip4xx_time_t resp_time;
    uint32_t orig_cseq;
    uint64_t call;
    sip4xx_resp_summary_t summary;
    sip4xx_attempt_t orig;
    call_t *counted_in;              /* whose `waiting` counts it; NULL: register_waiting does */
} reaction_t;

/* What to free once its window has passed, in arrival order. */
typedef enum {
    EXP_TXN,                         /* a transaction: unanswered, or kept for its 4xx's retransmissions */
    EXP_REACTION,                    /* a 4xx waiting for the client's retry */
    EXP_DROPPED,                     /* a call's note that a request was not tracked */
    EXP_CANCEL,                      /* a CANCEL whose INVITE is not in the capture */
} expiry_kind_t;

/* A CANCEL whose INVITE is not in the capture: the 487 that INVITE gets
 * names it as its cause (RFC 3261 §9.2). Kept one window. */
typedef struct {
    uint64_t key;                    /* the INVITE's transaction key */
    uint32_t gen;
    uint32_t frame;                  /* the CANCEL's */
} orphan_cancel_t;

/* 24 bytes: one per open transaction, so packed. The object is found by
 * key and recognised by its generation (a DROPPED note by its call's key:
 * the note holds the call). */
typedef struct {
    int64_t due_secs;
    uint64_t key;
    uint32_t due_nsecs : 30;
    uint32_t kind : 2;               /* expiry_kind_t */
    uint32_t gen;
} expiry_t;

struct sip4xx_engine {
    sip4xx_allocator_t a;
    sip4xx_limits_t limits;
    sip4xx_map_t txns;                      /* txn key -> txn_t */
    sip4xx_map_t calls;                     /* Call-ID key -> call_t */
    sip4xx_map_t reactions;                 /* retry key -> reaction_t */
    sip4xx_map_t texts;                     /* text hash -> cause and verdict sentences, one copy each */
    sip4xx_map_t cancels;                   /* INVITE key -> orphan_cancel_t */
    /* Expiries in due order, a ring: every entry is due now + WINDOW on a
     * clock that only moves forward, so appending keeps the order. */
    expiry_t *ring;
    size_t ring_cap, ring_head, ring_len;
    uint32_t open_total;
    uint32_t open_peak;              /* the most open_total has been */
    uint32_t dialogs_kept;           /* calls in_dialog: at most max_dialogs */
    uint32_t generation;
    /* A retry is looked for only where a 4xx waits for one: a REGISTER
     * retry may change its Call-ID (RFC 3261 §10.2), any other keeps it. */
    uint32_t register_waiting;
    /* The clock the windows run on: capture time that only moves forward.
     * When a capture's time steps back (files merged out of order), it
     * pauses instead of rewinding, so what is due still falls due. */
    sip4xx_time_t clock, clock_seen;
    bool clock_started;
};

/* ---------------------------------------------------------------- time */

int sip4xx_time_cmp(sip4xx_time_t a, sip4xx_time_t b)
{
    if (a.secs != b.secs)
        return a.secs < b.secs ? -1 : 1;
    return a.nsecs < b.nsecs ? -1 : a.nsecs > b.nsecs;
}

static int64_t sat_add(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

sip4xx_time_t sip4xx_time_add_secs(sip4xx_time_t a, int64_t secs)
{
    a.secs = sat_add(a.secs, secs);
    return a;
}

/* The body of sip4xx_time_sub, inline for the clock, which takes it on
 * every message. */
static inline sip4xx_time_t time_sub(sip4xx_time_t a, sip4xx_time_t b)
{
    sip4xx_time_t d;
    int64_t nb = b.secs == INT64_MIN ? INT64_MAX : -b.secs;
    d.secs = sat_add(a.secs, nb);
    d.nsecs = a.nsecs - b.nsecs;
    if (d.nsecs < 0 && d.secs > INT64_MIN) {
        d.nsecs += 1000000000;
        d.secs--;
    } else if (d.nsecs < 0) {
        d.nsecs = 0;
    }
    return d;
}

sip4xx_time_t sip4xx_time_sub(sip4xx_time_t a, sip4xx_time_t b)
{
    return time_sub(a, b);
}

int64_t sip4xx_time_ms(sip4xx_time_t d)
{
    if (d.secs > INT64_MAX / 1000 - 1)
        return INT64_MAX;
    if (d.secs < INT64_MIN / 1000 + 1)
        return INT64_MIN;
    return d.secs * 1000 + d.nsecs / 1000000;
}

static void clock_advance(sip4xx_engine_t *e, sip4xx_time_t t)
{
    if (!e->clock_started) {
        e->clock = t;
        e->clock_started = true;
    } else if (sip4xx_time_cmp(t, e->clock_seen) > 0) {
        sip4xx_time_t step = time_sub(t, e->clock_seen);
        e->clock.secs = sat_add(e->clock.secs, step.secs);
        e->clock.nsecs += step.nsecs;
        if (e->clock.nsecs >= 1000000000) {
            e->clock.nsecs -= 1000000000;
            e->clock.secs = sat_add(e->clock.secs, 1);
        }
    }
    e->clock_seen = t;
}

/* ---------------------------------------------------------- allocation */

static void *alloc0(sip4xx_engine_t *e, size_t n)
{
    void *p = e->a.alloc(e->a.ctx, n);
    if (p)
        memset(p, 0, n);
    return p;
}

static void release(sip4xx_engine_t *e, void *p)
{
    if (p)
        e->a.free(e->a.ctx, p);
}

/* Records keep their sentences as long as the engine, and most repeat (the
 * same realm challenged, the same Allow list): keep one copy of each. The
 * texts map is keyed by the sentence's hash, eight bytes a step (a
 * sentence runs to a few hundred bytes: hashed byte by byte, it was most
 * of this function's cost); a hash shared by two sentences only costs the
 * second a copy of its own, as the strcmp tells them apart. */
static const char *kept_text(sip4xx_engine_t *e, const char *text)
{
    size_t n = strlen(text) + 1;
    uint64_t h = sip4xx_hash_bytes(SIP4XX_HASH_START, text, n - 1, false);
    const char *known = (const char *)sip4xx_map_get(&e->texts, h);
    if (known && strcmp(known, text) == 0)
        return known;
    char *copy = (char *)e->a.alloc(e->a.ctx, n);
    if (!copy)
        return NULL;
    memcpy(copy, text, n);
    if (!known)
        sip4xx_map_put(&e->texts, h, copy);
    /* A hash collision keeps the first copy mapped; this one is the
     * caller's for good (freed with the allocator's scope). */
    return copy;
}

/* The calls map holds, per Call-ID, one of: its call_t; its lone
 * transaction (low bits 01; blocks are at least 4-aligned); or, when all
 * that is known of it is that the limits skipped some of its requests in
 * the last window, how many (low bits 10, the count above them): a scanner
 * past the limits leaves a slot per Call-ID, not a call. */
#define ENTRY_LONE 1u
#define ENTRY_NOTES 2u

static void *lone_entry(txn_t *t)
{
    return (void *)((uintptr_t)t | ENTRY_LONE);
}

static void *notes_entry(uint32_t n)
{
    return (void *)(((uintptr_t)n << 2) | ENTRY_NOTES);
}

static call_t *call_of_entry(void *v)
{
    return v && !((uintptr_t)v & 3u) ? (call_t *)v : NULL;
}

static txn_t *lone_of_entry(void *v)
{
    return ((uintptr_t)v & 3u) == ENTRY_LONE ? (txn_t *)((uintptr_t)v & ~(uintptr_t)3u) : NULL;
}

static uint32_t notes_of_entry(void *v)
{
    return ((uintptr_t)v & 3u) == ENTRY_NOTES ? (uint32_t)((uintptr_t)v >> 2) : 0;
}

sip4xx_engine_t *sip4xx_engine_new(const sip4xx_allocator_t *a, const sip4xx_limits_t *limits)
{
    sip4xx_engine_t *e = (sip4xx_engine_t *)a->alloc(a->ctx, sizeof *e);
    if (!e)
        return NULL;
    memset(e, 0, sizeof *e);
    e->a = *a;
    e->limits = *limits;
    if (!sip4xx_map_init(&e->txns, &e->a) || !sip4xx_map_init(&e->calls, &e->a) || !sip4xx_map_init(&e->reactions, &e->a) ||
        !sip4xx_map_init(&e->texts, &e->a) || !sip4xx_map_init(&e->cancels, &e->a)) {
        sip4xx_engine_free(e);
        return NULL;
    }
    return e;
}

void sip4xx_engine_free(sip4xx_engine_t *e)
{
    if (!e)
        return;
    void *v;
    size_t i = 0;
    while ((v = sip4xx_map_next(&e->txns, &i)) != NULL)
        release(e, v);
    /* The maps own every object; the ring only points into them. */
    i = 0;
    while ((v = sip4xx_map_next(&e->reactions, &i)) != NULL)
        release(e, v);
    i = 0;
    while ((v = sip4xx_map_next(&e->calls, &i)) != NULL)
        if (call_of_entry(v)) {
            release(e, call_of_entry(v)->glare);
            release(e, v);
        }
    i = 0;
    while ((v = sip4xx_map_next(&e->texts, &i)) != NULL)
        release(e, v);
    i = 0;
    while ((v = sip4xx_map_next(&e->cancels, &i)) != NULL)
        release(e, v);
    sip4xx_map_destroy(&e->txns);
    sip4xx_map_destroy(&e->calls);
    sip4xx_map_destroy(&e->reactions);
    sip4xx_map_destroy(&e->texts);
    sip4xx_map_destroy(&e->cancels);
    release(e, e->ring);
    e->a.free(e->a.ctx, e);
}

void sip4xx_engine_stats(const sip4xx_engine_t *e, sip4xx_engine_stats_t *out)
{
    out->calls = e->calls.used;
    out->transactions = e->txns.used;
    out->reactions = e->reactions.used;
    out->expiries = e->ring_len;
    out->texts = e->texts.used;
    out->open_now = e->open_total;
    out->open_peak = e->open_peak;
    out->dialogs = e->dialogs_kept;
}

/* ------------------------------------------------------------- objects */

static call_t *attached_call(const txn_t *t)
{
    return (t->flags & TF_ATTACHED) ? t->call.ptr : NULL;
}

static uint64_t txn_call_key(const txn_t *t)
{
    return (t->flags & TF_ATTACHED) ? t->call.ptr->key : t->call.key;
}

/* A transaction is open until its final response or its timeout; only
 * open ones count against the limits. */
static void close_txn(sip4xx_engine_t *e, txn_t *t)
{
    if (t->flags & TF_OPEN) {
        t->flags &= (uint8_t)~TF_OPEN;
        call_t *c = attached_call(t);
        if (c && c->open)
            c->open--;
        if (e->open_total)
            e->open_total--;
    }
}

/* A call is kept while anything points to it or it holds what a later
 * message needs: the Call-ID's owner (RFC 3261 §14.1, for 491 retries in
 * the dialog) or the note that requests were skipped for the limits.
 * Other calls (registrations, OPTIONS, MESSAGE: most of them) go with
 * their last transaction, so the per-call table does not grow with the
 * capture. */
static void release_call(sip4xx_engine_t *e, call_t *c)
{
    if (!c || c->refs || c->waiting || c->has_owner || c->dropped)
        return;
    sip4xx_map_remove(&e->calls, c->key, c);
    release(e, c->glare);
    release(e, c);
}

/* Make the call_t of a lone transaction's Call-ID: what the transaction
 * stood for (one transaction, maybe open, maybe the owner's pending
 * INVITE) moves into it. NULL if the allocator fails: the transaction
 * then stays lone. */
static call_t *promote(sip4xx_engine_t *e, txn_t *t)
{
    call_t *c = (call_t *)alloc0(e, sizeof *c);
    if (!c)
        return NULL;
    c->key = t->call.key;
    if (!sip4xx_map_put(&e->calls, c->key, c)) {
        release(e, c);
        return NULL;
    }
    c->refs = 1;
    if (t->flags & TF_OPEN) {
        c->open = 1;
        if (t->flags & TF_INVITE)
            c->pending_invite = t;
        if (t->role == TXN_OWNER_INVITE) {
            c->has_owner = true;
            c->owner_tag = t->u.open.owner_tag;
        }
    }
    t->flags = (uint8_t)((t->flags & ~TF_LONE) | TF_ATTACHED);
    t->call.ptr = c;
    return c;
}

static void expire_later(sip4xx_engine_t *e, expiry_kind_t kind, uint64_t key, uint32_t gen);

/* A call_t for a Call-ID that had none: empty, or taking over the count
 * of requests the limits skipped. NULL if the allocator fails. */
static call_t *new_call(sip4xx_engine_t *e, uint64_t key, uint32_t dropped)
{
    call_t *c = (call_t *)alloc0(e, sizeof *c);
    if (!c)
        return NULL;
    c->key = key;
    c->dropped = dropped;
    if (!sip4xx_map_put(&e->calls, c->key, c)) {
        release(e, c);
        return NULL;
    }
    return c;
}

/* The call_t of a Call-ID. A lone transaction is promoted to one (it is
 * no longer alone) and a Call-ID with skipped requests gets one; a Call-ID
 * nothing is known of gets one only when `make`. NULL without a Call-ID,
 * or when the allocator fails. */
static call_t *call_of(sip4xx_engine_t *e, const sip4xx_keys_t *k, bool make)
{
    if (!k->has_call)
        return NULL;
    void *v = sip4xx_map_get(&e->calls, k->call);
    txn_t *lone = lone_of_entry(v);
    if (lone)
        return promote(e, lone);
    call_t *c = call_of_entry(v);
    uint32_t notes = notes_of_entry(v);
    if (c || (!notes && !make))
        return c;
    return new_call(e, k->call, notes);
}

/* A request of this Call-ID was not tracked for the limits: noted for a
 * window, so that its 4xx says "limit" (SIP4XX_OUT_STATE_LIMIT). */
static void note_dropped(sip4xx_engine_t *e, const sip4xx_keys_t *k, call_t *c)
{
    if (c) {
        c->dropped++;
    } else if (k->has_call) {
        void *v = sip4xx_map_get(&e->calls, k->call);
        if (v && !notes_of_entry(v))
            return;                /* a call or a lone transaction: c would be it */
        uint32_t n = notes_of_entry(v);
        if (n >= UINT32_MAX >> 3 || !sip4xx_map_put(&e->calls, k->call, notes_entry(n + 1)))
            return;
    } else {
        return;
    }
    expire_later(e, EXP_DROPPED, k->call, 0);
}

/* The call keeps its owner (RFC 3261 §14.1, for 491 back-off in the
 * dialog) while a dialog lives: from the 2xx to the owner's INVITE until a
 * BYE ends, answered or timed out (§15.1.1: either way the dialog is
 * over). An INVITE refused or never answered made no dialog, so scanners
 * and failed calls do not leave a call behind. code 0: timed out. */
static void txn_ended(sip4xx_engine_t *e, txn_t *t, unsigned code)
{
    if (t->role == TXN_OWNER_INVITE) {
        bool dialog = code >= 200 && code < 300;
        call_t *c = attached_call(t);
        /* A lone owner INVITE whose dialog is made: the dialog needs a call. */
        if (!c && dialog && (t->flags & TF_LONE) && e->dialogs_kept < e->limits.max_dialogs)
            c = promote(e, t);
        if (c) {
            if (dialog && !c->in_dialog && e->dialogs_kept < e->limits.max_dialogs) {
                c->in_dialog = true;
                e->dialogs_kept++;
            } else if (!c->in_dialog) {
                c->has_owner = false;  /* no dialog, or no room to remember one */
            }
        }
        t->role = TXN_OTHER;           /* a retransmitted final response changes nothing */
    } else if (t->role == TXN_BYE) {
        call_t *c = attached_call(t);
        if (c) {
            if (c->in_dialog && e->dialogs_kept)
                e->dialogs_kept--;
            c->in_dialog = false;
            c->has_owner = false;
        }
    }
}

static void clear_pending(txn_t *t)
{
    call_t *c = attached_call(t);
    if (!c)
        return;
    for (int side = 0; c->glare && side < 2; side++)
        if (c->glare->txn[side] == t) {
            c->glare->frame[side] = 0;
            c->glare->txn[side] = NULL;
        }
    if (c->pending_invite == t)
        c->pending_invite = NULL;
}

static void forget_txn(sip4xx_engine_t *e, uint64_t key, txn_t *t)
{
    sip4xx_map_remove(&e->txns, key, t);
    clear_pending(t);
    close_txn(e, t);
    if (t->flags & TF_LONE) {
        sip4xx_map_remove(&e->calls, t->call.key, lone_entry(t));
    } else if (t->flags & TF_ATTACHED) {
        t->call.ptr->refs--;
        release_call(e, t->call.ptr);
    }
    release(e, t);
}

static void forget_reaction(sip4xx_engine_t *e, reaction_t *re)
{
    if (sip4xx_map_remove(&e->reactions, re->key, re)) {
        if (e->open_total)
            e->open_total--;
        if (re->counted_in && re->counted_in->waiting) {
            re->counted_in->waiting--;
            release_call(e, re->counted_in);
        } else if (!re->counted_in && e->register_waiting) {
            e->register_waiting--;
        }
    }
    release(e, re);
}

/* -------------------------------------------------------------- expiry */

/* Put an entry at the end of the ring, due a window from now. False only
 * when the ring could not grow. It grows by half: one entry per open
 * transaction is most of what it holds. */
static bool schedule(sip4xx_engine_t *e, expiry_t x)
{
    if (e->ring_len == e->ring_cap) {
        size_t cap = e->ring_cap ? e->ring_cap + e->ring_cap / 2 : 256;
        expiry_t *ring = (expiry_t *)e->a.alloc(e->a.ctx, cap * sizeof *ring);
        if (!ring)
            return false;
        /* The entries in due order, the old index wrapped by a compare
         * (a division per entry cost more than the copy). */
        for (size_t k = 0, at = e->ring_head; k < e->ring_len; k++) {
            ring[k] = e->ring[at];
            at = at + 1 == e->ring_cap ? 0 : at + 1;
        }
        release(e, e->ring);
        e->ring = ring;
        e->ring_cap = cap;
        e->ring_head = 0;
    }
    sip4xx_time_t due = sip4xx_time_add_secs(e->clock, WINDOW);
    x.due_secs = due.secs;
    x.due_nsecs = (uint32_t)due.nsecs;
    size_t at = e->ring_head + e->ring_len;
    e->ring[at >= e->ring_cap ? at - e->ring_cap : at] = x;
    e->ring_len++;
    return true;
}

static void expire_later(sip4xx_engine_t *e, expiry_kind_t kind, uint64_t key, uint32_t gen)
{
    expiry_t x = { .key = key, .gen = gen, .kind = kind };
    schedule(e, x);
}

/* The windows bound what is kept only while capture time moves. A file
 * whose time stands still (crafted, or one timestamp for many frames)
 * would keep every 4xx, note and stale entry: past this many entries the
 * oldest is taken as due. Open transactions and waiting 4xx are counted
 * in max_open_total, so the ring holds a few entries per allowed one. */
static uint64_t expiry_cap(const sip4xx_engine_t *e)
{
    return 4 * (uint64_t)e->limits.max_open_total + 64;
}

/* Free what has waited its window. Objects replaced or freed meanwhile
 * are recognised by comparing the map's current entry's generation (each
 * object has its own). */
static void expire(sip4xx_engine_t *e)
{
    while (e->ring_len) {
        /* Most calls find the head not due: that is read first, from the
         * ring, before the entry is copied out. */
        const expiry_t *head = &e->ring[e->ring_head];
        bool forced = e->ring_len > expiry_cap(e);
        if (!forced && (head->due_secs > e->clock.secs ||
                        (head->due_secs == e->clock.secs && (int32_t)head->due_nsecs > e->clock.nsecs)))
            break;
        expiry_t x = *head;
        e->ring_head = e->ring_head + 1 == e->ring_cap ? 0 : e->ring_head + 1;
        e->ring_len--;
        if (x.kind == EXP_REACTION) {
            reaction_t *re = (reaction_t *)sip4xx_map_get(&e->reactions, x.key);
            if (re && re->gen == x.gen)
                forget_reaction(e, re);
        } else if (x.kind == EXP_CANCEL) {
            orphan_cancel_t *oc = (orphan_cancel_t *)sip4xx_map_get(&e->cancels, x.key);
            if (oc && oc->gen == x.gen) {
                sip4xx_map_remove(&e->cancels, oc->key, oc);
                release(e, oc);
            }
        } else if (x.kind == EXP_DROPPED) {
            /* The call (or the note) cannot have gone: its count held it. */
            void *v = sip4xx_map_get(&e->calls, x.key);
            call_t *c = call_of_entry(v);
            uint32_t notes = notes_of_entry(v);
            if (c && c->dropped) {
                c->dropped--;
                release_call(e, c);
            } else if (notes > 1) {
                sip4xx_map_put(&e->calls, x.key, notes_entry(notes - 1));
            } else if (notes == 1) {
                sip4xx_map_remove(&e->calls, x.key, v);
            }
        } else {
            txn_t *t = (txn_t *)sip4xx_map_get(&e->txns, x.key);
            if (t && t->gen == x.gen) {
                /* Unanswered but Proceeding: look again a window later. */
                if (!forced && (t->flags & TF_OPEN) && (t->flags & TF_PROCEEDING) &&
                    t->u.open.proceeding_until > e->clock.secs) {
                    schedule(e, x);
                    continue;
                }
                txn_ended(e, t, 0);
                forget_txn(e, x.key, t);
            }
        }
    }
}

/* ------------------------------------------------------------- helpers */

static bool room_for(const sip4xx_engine_t *e, const call_t *c)
{
    return e->open_total < e->limits.max_open_total && (!c || c->open < e->limits.max_open_per_call);
}

static bool is_method(const sip4xx_msg_t *m, const char *method)
{
    return sip4xx_span_is(m->method, method);
}

static sip4xx_backlink_t *add_backlink(sip4xx_outcome_t *out, sip4xx_msg_ref_t ref, bool is_request)
{
    if (out->n_backlinks >= sizeof out->backlinks / sizeof out->backlinks[0])
        return NULL;
    sip4xx_backlink_t *b = &out->backlinks[out->n_backlinks++];
    memset(b, 0, sizeof *b);
    b->ref = ref;
    b->is_request = is_request;
    return b;
}

static sip4xx_msg_ref_t req_ref(const txn_t *t)
{
    sip4xx_msg_ref_t ref = { t->req_frame, t->req_ordinal, t->req_start, t->req_len };
    return ref;
}

static sip4xx_time_t req_time(const txn_t *t)
{
    sip4xx_time_t when = { t->req_secs, t->req_nsecs };
    return when;
}

/* ------------------------------------------------------------ requests */

/* The client's next attempt after a 4xx: judge it and link both ways. */
static void judge_reaction(sip4xx_engine_t *e, const sip4xx_msg_t *m, const sip4xx_req_summary_t *now_summary,
                           sip4xx_keys_t *k, call_t *c, sip4xx_time_t now, uint32_t frame, sip4xx_outcome_t *out)
{
    char text[256];
    uint64_t key, tag;
    if (sip4xx_span_is(m->method, "REGISTER") ? e->register_waiting == 0 : (!c || c->waiting == 0))
        return;
    /* A request not captured whole cannot show what it changed. */
    if (m->truncated)
        return;
    if (!sip4xx_keys_retry(k, &key))
        return;
    reaction_t *re = (reaction_t *)sip4xx_map_get(&e->reactions, key);
    if (!re || re->resp.frame >= frame)
        return;
    bool same_call = k->has_call && k->call == re->call;
    /* A new attempt: a higher CSeq in the same call (RFC 3261 §8.1.3.5),
     * or a REGISTER under a new Call-ID. A new transaction (retransmissions
     * do not reach here) in the same call without a higher CSeq is judged
     * only after the codes whose rows say a retry MUST raise it
     * (plugin/spec/behaviour.c: 401 and 407, RFC 3261 §22.2). */
    bool cseq_kept = same_call && m->cseq_number <= re->orig_cseq;
    int owner = -1;
    if (c && c->has_owner && sip4xx_keys_from_tag(k, &tag))
        owner = tag == c->owner_tag;
    sip4xx_verdict_t v = sip4xx_judge_retry(&re->orig, &re->summary, now_summary,
                                            sip4xx_time_ms(sip4xx_time_sub(now, re->resp_time)), owner,
                                            cseq_kept, text, sizeof text);
    if (cseq_kept && v == SIP4XX_VERDICT_NONE)
        return;                    /* not a retry the code's rows judge: the 4xx still waits */
    const char *kept = kept_text(e, text);
    out->retry_of = re->resp.frame;
    out->verdict = (uint8_t)v;
    out->verdict_text = kept;
    sip4xx_backlink_t *b = add_backlink(out, re->resp, false);
    if (b) {
        b->retry_in = 0;   /* the caller fills in this message's frame */
        b->verdict = (uint8_t)v;
        b->verdict_text = kept;
    }
    forget_reaction(e, re);
}

static void open_txn(sip4xx_engine_t *e, const sip4xx_msg_t *m, const sip4xx_req_summary_t *s, sip4xx_keys_t *k,
                     call_t *c, sip4xx_time_t now, sip4xx_msg_ref_t ref, sip4xx_outcome_t *out)
{
    uint64_t tag = 0, key = k->txn;
    txn_role_t role = TXN_OTHER;
    bool invite = is_method(m, "INVITE");
    if (k->has_call && (!c || !c->has_owner) && invite && !m->to_tag && sip4xx_keys_from_tag(k, &tag))
        role = TXN_OWNER_INVITE;
    else if (k->has_call && is_method(m, "BYE"))
        role = TXN_BYE;

    judge_reaction(e, m, s, k, c, now, ref.frame, out);

    uint8_t packed[SIP4XX_PACKED_MAX];
    size_t packed_len = room_for(e, c) ? sip4xx_req_pack(s, packed) : 0;
    txn_t *t = packed_len ? (txn_t *)alloc0(e, sizeof *t + packed_len) : NULL;
    if (!t || !sip4xx_map_put(&e->txns, key, t)) {
        release(e, t);
        out->flags |= SIP4XX_OUT_STATE_LIMIT;
        note_dropped(e, k, c);
        return;
    }
    t->gen = ++e->generation;
    t->req_frame = ref.frame;
    t->req_ordinal = ref.ordinal;
    t->req_start = ref.start;
    t->req_len = ref.len;
    t->req_secs = now.secs;
    t->req_nsecs = now.nsecs;
    t->req_cseq = m->cseq_number;
    t->role = (uint8_t)role;
    t->flags = TF_OPEN | (k->has_call ? TF_HAS_CALL : 0) | (m->to_tag ? TF_TO_TAG : 0) | (invite ? TF_INVITE : 0);
    t->packed_len = (uint8_t)packed_len;
    memcpy(t->packed, packed, packed_len);
    if (c) {
        t->flags |= TF_ATTACHED;
        t->call.ptr = c;
        c->refs++;
        c->open++;
        if (role == TXN_OWNER_INVITE) {
            c->owner_tag = tag;
            c->has_owner = true;
        }
        if (invite)
            c->pending_invite = t;
    } else if (k->has_call) {
        /* The Call-ID's only transaction: the calls map points here. */
        t->call.key = k->call;
        if (sip4xx_map_put(&e->calls, k->call, lone_entry(t)))
            t->flags |= TF_LONE;
        t->u.open.owner_tag = tag;
    }
    if (++e->open_total > e->open_peak)
        e->open_peak = e->open_total;

    if (is_method(m, "CANCEL")) {
        uint64_t ikey;
        txn_t *inv = sip4xx_txn_key_as(m, "INVITE", &ikey) ? (txn_t *)sip4xx_map_get(&e->txns, ikey) : NULL;
        if (inv && (inv->flags & TF_OPEN) && !inv->u.open.terminator_frame) {
            inv->u.open.terminator_frame = ref.frame;
            inv->terminator_bye = false;
        }
        if (!inv)
            t->flags |= TF_CANCEL_ORPHAN;
        if (!inv && sip4xx_txn_key_as(m, "INVITE", &ikey) && !sip4xx_map_get(&e->cancels, ikey)) {
            orphan_cancel_t *oc = (orphan_cancel_t *)alloc0(e, sizeof *oc);
            if (oc && sip4xx_map_put(&e->cancels, ikey, oc)) {
                oc->key = ikey;
                oc->gen = ++e->generation;
                oc->frame = ref.frame;
                expire_later(e, EXP_CANCEL, ikey, oc->gen);
            } else {
                release(e, oc);
            }
        }
    }
    /* A BYE from the caller before the INVITE has its final response
     * ends the INVITE too: the UAS answers it 487 (RFC 3261 §15.1.2). */
    if (c && role == TXN_BYE && c->pending_invite && !c->pending_invite->u.open.terminator_frame) {
        c->pending_invite->u.open.terminator_frame = ref.frame;
        c->pending_invite->terminator_bye = true;
    }
    /* An in-dialog INVITE/UPDATE pending on one side makes a request from
     * the other side glare; the receiver answers 491 (RFC 3261 §14.2).
     * Both crossing requests are in glare: each side receives the other's
     * while its own is in progress. Judged on arrival. */
    if (c && m->to_tag && (invite || is_method(m, "UPDATE")) && sip4xx_keys_from_tag(k, &tag)) {
        if (!c->glare)
            c->glare = (glare_t *)alloc0(e, sizeof *c->glare);
        glare_t *g = c->glare;
        if (g) {
            int side = (g->frame[0] == 0 || g->tag[0] == tag) ? 0 : 1;
            if (g->frame[!side] && g->tag[!side] != tag) {
                t->u.open.glare_frame = g->frame[!side];
                if (g->txn[!side] && !g->txn[!side]->u.open.glare_frame)
                    g->txn[!side]->u.open.glare_frame = ref.frame;
            }
            g->tag[side] = tag;
            g->frame[side] = ref.frame;
            g->txn[side] = t;
        }
    }
    /* Freed when its client would have given up, if nothing answers. */
    expire_later(e, EXP_TXN, key, t->gen);
}

/* Whether m, a request or a response, belongs to t's request: the Call-ID
 * and the CSeq number a retransmission repeats and a response copies
 * (RFC 3261 §8.2.6.2). */
static bool same_request(const txn_t *t, const sip4xx_msg_t *m, const sip4xx_keys_t *k)
{
    if (m->cseq_number != t->req_cseq)
        return false;
    return !k->has_call || !(t->flags & TF_HAS_CALL) || k->call == txn_call_key(t);
}

static void track_request(sip4xx_engine_t *e, const sip4xx_msg_t *m, const sip4xx_req_summary_t *req,
                          sip4xx_keys_t *k, size_t n_missing, sip4xx_time_t now, sip4xx_msg_ref_t ref,
                          sip4xx_outcome_t *out)
{
    if (!k->has_txn)
        return;
    txn_t *before = (txn_t *)sip4xx_map_get(&e->txns, k->txn);
    if (before && same_request(before, m, k)) {
        out->flags |= SIP4XX_OUT_RETRANSMIT;
        return;
    }
    /* The same branch and method on another request (another Call-ID or
     * CSeq number) is no retransmission: the branch was reused, against
     * RFC 3261 §8.1.1.7 ("The branch parameter value MUST be unique
     * across space and time for all requests sent by the UA", CANCEL and
     * the ACK to a non-2xx aside). Responses now answer this request
     * (they copy its Call-ID and CSeq, §8.2.6.2): it takes the key over.
     * The one it replaces ends as an expired one does (an INVITE that
     * made no dialog lets go of the call it owned). */
    if (before) {
        txn_ended(e, before, 0);
        forget_txn(e, k->txn, before);
    }
    /* The summary a 4xx and a retry judgement need, made now: the
     * request's bytes are not kept. */
    sip4xx_req_summary_t made;
    if (!req || req->missing_rules != n_missing) {
        if (req)
            made = *req;
        else
            sip4xx_summarize_request(m, n_missing, &made);
        made.missing_rules = (uint32_t)n_missing;
        req = &made;
    }
    /* The call, if its Call-ID has one already (or a lone transaction,
     * which this request makes a call of); an in-dialog INVITE or UPDATE
     * needs one for glare. Held while this request is handled:
     * consuming a waiting 4xx may otherwise release it under our feet. */
    bool glare = m->to_tag && (is_method(m, "INVITE") || is_method(m, "UPDATE"));
    call_t *c = call_of(e, k, glare);
    if (c)
        c->refs++;
    open_txn(e, m, req, k, c, now, ref, out);
    if (c) {
        c->refs--;
        release_call(e, c);
    }
}

/* ----------------------------------------------------------- responses */

static void track_response(sip4xx_engine_t *e, const sip4xx_msg_t *m, sip4xx_keys_t *k, sip4xx_time_t now,
                           sip4xx_msg_ref_t ref, sip4xx_outcome_t *out)
{
    char text[320];
    bool is_4xx = m->code >= 400 && m->code <= 499;
    /* A response without a top Via branch and a CSeq method (absent, or
     * past the end of what was captured) names no transaction: whether its
     * request is in the capture cannot be told, so it is not said (the
     * missing headers are findings of their own). */
    if (m->code < 200 || !k->has_txn)
        return;
    txn_t *t = (txn_t *)sip4xx_map_get(&e->txns, k->txn);
    /* A response copies its request's Call-ID and CSeq (RFC 3261
     * §8.2.6.2): one with another does not answer it, whatever branch it
     * reuses. */
    if (t && !same_request(t, m, k))
        t = NULL;
    if (!t && m->code == 487) {
        /* Its INVITE is not in the capture, but the CANCEL that ended it
         * is (RFC 3261 §9.2: the INVITE is answered 487). */
        const orphan_cancel_t *oc = (const orphan_cancel_t *)sip4xx_map_get(&e->cancels, k->txn);
        if (oc && oc->frame < ref.frame) {
            sip4xx_say(text, sizeof text, "the CANCEL in frame %u ended the request, whose INVITE is not in the"
                       " capture", oc->frame);
            out->cause_class = SIP4XX_CAUSE_TERMINATED;
            out->cause = kept_text(e, text);
            return;
        }
    }
    if (!t || t->req_frame >= ref.frame) {
        /* Not "absent from the capture" if the limits made us skip a
         * request of this call: then say that instead. */
        void *v = k->has_call ? sip4xx_map_get(&e->calls, k->call) : NULL;
        call_t *c = call_of_entry(v);
        if (is_4xx)
            out->flags |= ((c && c->dropped) || notes_of_entry(v)) ? SIP4XX_OUT_STATE_LIMIT
                                                                   : SIP4XX_OUT_NO_REQUEST;
        return;
    }
    /* This very message is never its own second: several messages of one
     * frame (a TCP segment) are told apart by their ordinal. */
    bool open = (t->flags & TF_OPEN) != 0;
    bool had_final = !open && !(t->u.closed.final_frame == ref.frame && t->u.closed.final_ordinal == ref.ordinal);
    /* The To tag tells a second final from a retransmission: read where
     * it is compared, or kept (a transaction outlives only a 4xx). */
    uint64_t to_tag = 0;
    if (had_final || is_4xx)
        sip4xx_to_tag_key(m, &to_tag);
    if (had_final && (m->code != t->u.closed.final_code || to_tag != t->u.closed.final_to_tag)) {
        /* Another final response in a transaction that had one: a server
         * transaction that sent a final response only retransmits it
         * (RFC 3261 §17.2.1; §17.2.2: "Any other final responses passed by
         * the TU to the server transaction MUST be discarded"). Linked to
         * its request; the first final keeps its cause. */
        out->flags |= SIP4XX_OUT_SECOND_FINAL;
        out->first_final_in = t->u.closed.final_frame;
        out->request_in = t->req_frame;
        out->delta = sip4xx_time_sub(now, req_time(t));
        return;
    }
    if (!open) {
        /* A retransmitted final response (RFC 3261 §17.2.1): same links. */
        out->flags |= SIP4XX_OUT_RETRANSMIT;
        if (is_4xx && had_final) {
            out->request_in = t->req_frame;
            out->delta = sip4xx_time_sub(now, req_time(t));
            out->cause_class = t->cause_class;
            out->cause = t->u.closed.cause;
            out->flags |= t->cause_flags;
        }
        return;
    }
    /* The first final response. What the open part holds for the cause is
     * read before the closed part takes its place. */
    sip4xx_cause_ctx_t ctx = { .have_request = true };
    ctx.terminator_frame = t->u.open.terminator_frame;
    ctx.terminator_method = ctx.terminator_frame ? (t->terminator_bye ? "BYE" : "CANCEL") : NULL;
    ctx.cancel_without_target = (t->flags & TF_CANCEL_ORPHAN) != 0;
    ctx.glare_frame = t->u.open.glare_frame;
    clear_pending(t);
    t->flags &= (uint8_t)~TF_INVITE;   /* no longer its call's pending INVITE (promote) */
    txn_ended(e, t, m->code);
    if (!is_4xx) {
        /* Nothing later needs a transaction that ended without a 4xx. */
        forget_txn(e, k->txn, t);
        return;
    }

    out->request_in = t->req_frame;
    out->delta = sip4xx_time_sub(now, req_time(t));
    sip4xx_backlink_t *b = add_backlink(out, req_ref(t), true);
    if (b)
        b->response_in = ref.frame;

    /* The request as its summary kept it. */
    sip4xx_req_summary_t req;
    sip4xx_req_unpack(t->packed, t->packed_len, &req);
    bool warn = false;
    sip4xx_resp_summary_t resp_summary;
    sip4xx_summarize_response(m, &resp_summary);
    sip4xx_cause_class_t cls = sip4xx_explain_cause_with(&req, m, &resp_summary, &ctx, text, sizeof text, &warn);
    /* Still open (and counted in the limits) until the retry's wait is
     * placed: TF_OPEN stays, the closed part is written. */
    t->u.closed.final_frame = ref.frame;
    t->u.closed.final_ordinal = ref.ordinal;
    t->u.closed.final_code = (uint16_t)m->code;
    t->u.closed.final_to_tag = to_tag;
    t->cause_class = (uint8_t)cls;
    t->u.closed.cause = text[0] ? kept_text(e, text) : NULL;
    t->cause_flags = warn ? SIP4XX_OUT_CAUSE_WARN : 0;
    out->cause_class = t->cause_class;
    out->cause = t->u.closed.cause;
    out->flags |= t->cause_flags;

    /* Wait for the client's next attempt, judged against what this 4xx
     * asks: only if the 4xx was captured whole. */
    uint64_t rkey;
    if (!m->truncated && sip4xx_keys_retry(k, &rkey)) {
        reaction_t *old = (reaction_t *)sip4xx_map_get(&e->reactions, rkey);
        reaction_t *re = (old || e->open_total < e->limits.max_open_total) ? (reaction_t *)alloc0(e, sizeof *re)
                                                                           : NULL;
        if (re && old)
            forget_reaction(e, old);   /* the newer 4xx is what the retry answers */
        if (re && !sip4xx_map_put(&e->reactions, rkey, re)) {
            release(e, re);
            re = NULL;
        }
        if (re) {
            re->key = rkey;
            re->gen = ++e->generation;
            re->resp = ref;
            re->resp_time = now;
            re->orig_cseq = m->cseq_number;
            re->call = k->has_call ? k->call : 0;
            if (sip4xx_span_is(m->cseq_method, "REGISTER")) {
                e->register_waiting++;
            } else {
                re->counted_in = call_of(e, k, true);
                if (re->counted_in)
                    re->counted_in->waiting++;
                else
                    e->register_waiting++;   /* no Call-ID: cannot be retried by key anyway */
            }
            re->summary = resp_summary;
            sip4xx_attempt_of(&req, &re->orig);
            if (++e->open_total > e->open_peak)
                e->open_peak = e->open_total;
            expire_later(e, EXP_REACTION, re->key, re->gen);
        } else {
            out->flags |= SIP4XX_OUT_STATE_LIMIT;
        }
    }
    close_txn(e, t);
    /* Kept for retransmissions of this 4xx, then freed; a new generation,
     * so the entry made when it opened no longer applies. */
    t->gen = ++e->generation;
    expire_later(e, EXP_TXN, k->txn, t->gen);
}

/* A provisional response to an INVITE: its client transaction is
 * Proceeding and Timer B no longer runs (RFC 3261 §17.1.1.2); a proxy may
 * cancel after 3 minutes without a response (Timer C, reset by each
 * provisional, §16.7 step 2), so keep the transaction that long. */
static void note_proceeding(sip4xx_engine_t *e, const sip4xx_msg_t *m, uint32_t frame)
{
    uint64_t key;
    if (!sip4xx_txn_key(m, &key))
        return;
    txn_t *t = (txn_t *)sip4xx_map_get(&e->txns, key);
    if (t && (t->flags & TF_OPEN) && t->req_frame < frame) {
        t->flags |= TF_PROCEEDING;
        t->u.open.proceeding_until = sat_add(e->clock.secs, PROCEEDING_WINDOW);
    }
}

bool sip4xx_engine_request_out_of_dialog(const sip4xx_engine_t *e, const sip4xx_msg_t *m, uint32_t frame)
{
    uint64_t key;
    if (!sip4xx_txn_key(m, &key))
        return false;
    const txn_t *t = (const txn_t *)sip4xx_map_get(&e->txns, key);
    return t && (t->flags & TF_OPEN) && t->req_frame < frame && !(t->flags & TF_TO_TAG);
}

void sip4xx_engine_track(sip4xx_engine_t *e, const sip4xx_msg_t *m, const sip4xx_req_summary_t *req,
                         size_t n_missing, sip4xx_time_t now, sip4xx_msg_ref_t ref, sip4xx_outcome_t *out)
{
    memset(out, 0, sizeof *out);
    clock_advance(e, now);
    expire(e);
    if (m->kind == SIP4XX_MSG_UNPARSED)
        return;
    /* An ACK opens no transaction and a provisional response ends none
     * (RFC 3261 §17.1.1): a third of all messages need no keys at all. */
    if (m->kind == SIP4XX_MSG_REQUEST ? is_method(m, "ACK") : m->code < 200) {
        if (m->kind == SIP4XX_MSG_RESPONSE && m->code >= 100 && sip4xx_span_is(m->cseq_method, "INVITE"))
            note_proceeding(e, m, ref.frame);
        return;
    }
    sip4xx_keys_t k;
    sip4xx_keys_init(m, &k);
    if (m->kind == SIP4XX_MSG_REQUEST)
        track_request(e, m, req, &k, n_missing, now, ref, out);
    else
        track_response(e, m, &k, now, ref, out);
    /* The caller's frame goes into the links this message makes. */
    for (unsigned i = 0; i < out->n_backlinks; i++)
        if (!out->backlinks[i].is_request)
            out->backlinks[i].retry_in = ref.frame;
}
