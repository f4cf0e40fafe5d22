/* sip4xx — correlation state, built on the first pass only and kept in
 * file scope: open transactions, the 4xx responses waiting for the
 * client's next attempt, a little per-call context (who generated the
 * Call-ID, the pending in-dialog requests for glare), and the frame ->
 * record map that lets a later frame add a link to an earlier record.
 *
 * Costs, per message: integer keys (64-bit hashes, include/sip4xx/txn.h),
 * no text formatted. An open transaction keeps a copy of its request's
 * bytes (at most SIP4XX_RAW_MAX) and nothing else; the request is
 * summarised only if a 4xx answers it. A 4xx waiting for a retry keeps a
 * response summary and the 24-byte sip4xx_attempt_t.
 *
 * Bounds: at most max_open_per_call open transactions per Call-ID and
 * max_open_total open transactions plus waiting 4xx in all (both
 * preferences); past them a message is not tracked and says so. A
 * transaction that ends without a 4xx is freed at once; a 4xx and what
 * waits for its retry are freed SIP4XX_STATE_WINDOW seconds later (64*T1,
 * RFC 3261 §17.1.2.2: past it, a retransmission of the transaction cannot
 * arrive; a retry that late is judged as a new request). A transaction
 * that gets no final response is freed when its client would have given
 * up: 64*T1 after the request (Timer F for a non-INVITE, §17.1.2.2; Timer
 * B for an INVITE without a provisional response, §17.1.1.2), or, for an
 * INVITE that had one, SIP4XX_PROCEEDING_WINDOW after the latest (Timer
 * C, §16.6 step 11, §16.7 step 2, §13.3.1.1). So unanswered requests
 * (scanners, dead peers) do not pile up to the limits and stop the
 * correlation for the rest of the capture. A call is kept while something
 * of it is: open transactions, a 4xx waiting, a live dialog (its owner;
 * at most max_dialogs), or for one window, the note that a limit skipped
 * one of its requests. Where capture time stands still the windows never
 * pass: expiry_cap() bounds them then.
 */
#include "sip4xx_ws.h"

#include <string.h>

#define SIP4XX_RAW_MAX 4096u
#define SIP4XX_STATE_WINDOW 32         /* 64*T1, T1 = 500 ms (RFC 3261 §17.1.1.1) */
#define SIP4XX_PROCEEDING_WINDOW 180   /* "a gap of 3 minutes between responses" (§13.3.1.1) */

struct txn;

typedef struct {
    guint64 key;
    guint open;                      /* open transactions of this Call-ID */
    guint dropped;                   /* requests not tracked for the limits, in the last window */
    guint64 owner_tag;               /* From tag of the dialog-creating INVITE (RFC 3261 §14.1) */
    gboolean has_owner;
    gboolean in_dialog;              /* a 2xx answered the owner's INVITE; until a BYE ends it */
    guint64 pending_tag[2];          /* the latest pending in-dialog INVITE/UPDATE, per side */
    guint32 pending_frame[2];
    struct txn *pending_txn[2];
    struct txn *pending_invite;      /* the latest INVITE without a final response */
    guint waiting;                   /* 4xx to non-REGISTER requests of this call awaiting a retry */
    guint refs;                      /* txn_t blocks pointing here */
} call_t;

/* What the end of a transaction means for its call's dialog. */
typedef enum {
    TXN_OTHER,
    TXN_OWNER_INVITE,                /* the INVITE that made its sender the Call-ID's owner */
    TXN_BYE,                         /* ends the dialog (RFC 3261 §15) */
} txn_role_t;

typedef struct txn {
    guint64 key;
    guint32 gen;                     /* tells a freed-and-reused block from the original */
    guint32 req_frame, req_start, req_len;
    guint16 req_ordinal;
    guint8 req_missing;              /* obligations the request missed, for a 400's cause */
    guint8 req_role;                 /* txn_role_t: what its end means for the call */
    guint8 req_stream;               /* the request came over a stream transport */
    guint8 req_cut;                  /* its copy does not hold the whole request (a capture's
                                        cut, or past SIP4XX_RAW_MAX): nothing past it is evidence */
    guint8 req_to_tag;               /* the request was sent inside a dialog */
    nstime_t req_time;
    guint32 final_frame;
    guint8 cause_class;
    guint8 cause_flags;
    const char *cause;               /* kept for retransmitted final responses */
    guint32 terminator_frame;        /* the CANCEL or BYE that ended it */
    guint32 raw_len;
    const char *terminator_method;
    guint32 glare_frame;             /* the other side's pending in-dialog request at arrival */
    gboolean cancel_without_target;  /* a CANCEL whose INVITE is not in the capture */
    guint8 *raw;                     /* the request's bytes while open; NULL once closed */
    call_t *call;
    time_t proceeding_until;         /* an INVITE with a provisional response: kept until then */
} txn_t;

typedef struct {
    guint64 key;
    guint32 gen;
    guint32 resp_frame;
    guint16 resp_ordinal;
    nstime_t resp_time;
    guint32 orig_cseq;
    guint64 call;
    sip4xx_resp_summary_t resp;
    sip4xx_attempt_t orig;
    call_t *counted_in;              /* whose `waiting` counts it; NULL: register_waiting does */
} reaction_t;

/* What to free once SIP4XX_STATE_WINDOW has passed, in arrival order. */
typedef enum {
    EXP_TXN,                         /* a transaction: unanswered, or kept for its 4xx's retransmissions */
    EXP_REACTION,                    /* a 4xx waiting for the client's retry */
    EXP_DROPPED,                     /* a call's note that a request was not tracked */
} expiry_kind_t;

typedef struct {
    nstime_t due;
    expiry_kind_t kind;
    guint64 key;
    void *obj;
    guint32 gen;
} expiry_t;

/* The 64-bit keys of txns, calls and reactions. Where a pointer holds 64
 * bits the key is the map's key itself, so a probe compares integers
 * instead of following a pointer into the object (a cache miss per probe
 * on a large file); elsewhere the map keys point to the key in the object. */
#if GLIB_SIZEOF_VOID_P >= 8
#define KEY_HASH g_direct_hash
#define KEY_EQUAL g_direct_equal
#define MAP_KEY(p) ((gpointer)(guintptr)*(p))
#else
#define KEY_HASH g_int64_hash
#define KEY_EQUAL g_int64_equal
#define MAP_KEY(p) ((gpointer)(p))
#endif

static wmem_map_t *txns;        /* txn key -> txn_t */
static wmem_map_t *calls;       /* Call-ID key -> call_t */
static wmem_map_t *reactions;   /* retry key -> reaction_t */
static wmem_map_t *records;     /* frame number -> sip4xx_frame_record_t */
static wmem_list_t *expiries;   /* expiry_t, oldest first */
static wmem_map_t *texts;       /* cause and verdict sentences, one copy each */
static guint open_total;
static guint open_peak;         /* the most open_total has been, for the log at close */
static guint dialogs_kept;      /* calls in_dialog: at most max_dialogs */
static guint32 generation;
/* The record last made or looked up: the first pass asks for the current
 * frame's record once per kept message, and the map is large. */
static guint32 last_frame;
static sip4xx_frame_record_t *last_rec;
/* A retry is looked for only where a 4xx waits for one: a REGISTER retry
 * may change its Call-ID (RFC 3261 §10.2), any other retry keeps it. */
static guint register_waiting;
/* The clock the windows run on: capture time that only moves forward. When
 * a capture's time steps back (files merged out of order), it pauses
 * instead of rewinding, so what is due still falls due and the list of
 * expiries stays in order. */
static nstime_t state_clock, clock_seen;
static gboolean clock_started;

static void clock_advance(const nstime_t *t)
{
    if (clock_started && nstime_cmp(t, &clock_seen) > 0) {
        nstime_t step;
        nstime_delta(&step, t, &clock_seen);
        nstime_add(&state_clock, &step);
    } else if (!clock_started) {
        state_clock = *t;
        clock_started = TRUE;
    }
    clock_seen = *t;
}

void sip4xx_state_init(void)
{
    txns = wmem_map_new(wmem_file_scope(), KEY_HASH, KEY_EQUAL);
    calls = wmem_map_new(wmem_file_scope(), KEY_HASH, KEY_EQUAL);
    reactions = wmem_map_new(wmem_file_scope(), KEY_HASH, KEY_EQUAL);
    records = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    expiries = wmem_list_new(wmem_file_scope());
    texts = wmem_map_new(wmem_file_scope(), wmem_str_hash, g_str_equal);
    open_total = 0;
    open_peak = 0;
    dialogs_kept = 0;
    generation = 0;
    clock_started = FALSE;
    nstime_set_zero(&state_clock);
    nstime_set_zero(&clock_seen);
    register_waiting = 0;
    last_frame = 0;
    last_rec = NULL;
}

void sip4xx_state_cleanup(void)
{
    /* What the first pass left, to check the bounds on a real capture:
     * tshark --log-debug sip4xx. */
    if (txns)
        ws_info("state at close: %u calls, %u transactions, %u 4xx waiting for a retry, %u expiry entries;"
                 " at most %u open at once (max_open_total %u); %u dialogs kept",
                 wmem_map_size(calls), wmem_map_size(txns), wmem_map_size(reactions), wmem_list_count(expiries),
                 open_peak, sip4xx_ids.max_open_total, dialogs_kept);
    /* Everything lives in file scope: Wireshark frees it with the file. */
    txns = calls = reactions = records = texts = NULL;
    last_rec = NULL;
    expiries = NULL;
    open_total = 0;
}

sip4xx_frame_record_t *sip4xx_state_record(guint32 frame)
{
    if (!records)
        return NULL;
    if (last_rec && last_frame == frame)
        return last_rec;
    sip4xx_frame_record_t *rec = (sip4xx_frame_record_t *)wmem_map_lookup(records, GUINT_TO_POINTER(frame));
    if (rec) {
        last_frame = frame;
        last_rec = rec;
    }
    return rec;
}

sip4xx_msg_record_t *sip4xx_state_msg(guint32 frame, guint16 ordinal)
{
    if (!records)
        return NULL;
    sip4xx_frame_record_t *rec = sip4xx_state_record(frame);
    for (guint i = 0; rec && i < rec->n_msgs; i++)
        if (rec->msgs[i].ordinal == ordinal)
            return &rec->msgs[i];
    if (!rec || rec->n_msgs == rec->cap) {
        guint cap = rec ? rec->cap * 2u : 1u;
        size_t size = sizeof *rec + cap * sizeof rec->msgs[0];
        rec = rec ? (sip4xx_frame_record_t *)wmem_realloc(wmem_file_scope(), rec, size)
                  : (sip4xx_frame_record_t *)wmem_alloc0(wmem_file_scope(), size);
        rec->cap = (guint16)cap;
        /* The block may have moved: the map (and the cache) hold the new one. */
        wmem_map_insert(records, GUINT_TO_POINTER(frame), rec);
        last_frame = frame;
        last_rec = rec;
    }
    /* Keep the messages in frame order: they render in that order. */
    guint at = rec->n_msgs;
    while (at > 0 && rec->msgs[at - 1].ordinal > ordinal)
        at--;
    memmove(&rec->msgs[at + 1], &rec->msgs[at], (rec->n_msgs - at) * sizeof rec->msgs[0]);
    rec->n_msgs++;
    memset(&rec->msgs[at], 0, sizeof rec->msgs[at]);
    rec->msgs[at].ordinal = ordinal;
    return &rec->msgs[at];
}

/* Records keep their sentences for the whole file, and most repeat (the
 * same realm challenged, the same Allow list): keep one copy of each. */
static const char *kept_text(const char *text)
{
    const char *known = (const char *)wmem_map_lookup(texts, text);
    if (!known) {
        char *copy = wmem_strdup(wmem_file_scope(), text);
        wmem_map_insert(texts, copy, copy);
        known = copy;
    }
    return known;
}

static void free_txn(txn_t *t)
{
    if (t->raw) {
        wmem_free(wmem_file_scope(), t->raw);
        t->raw = NULL;
        if (t->call && t->call->open)
            t->call->open--;
        if (open_total)
            open_total--;
    }
}

/* A call is kept while anything points to it or it holds what a later
 * message needs: the Call-ID's owner (RFC 3261 §14.1, for 491 retries in
 * the dialog) or the note that requests were skipped for the limits.
 * Other calls (registrations, OPTIONS, MESSAGE: most of them) go with
 * their last transaction, so the per-call table does not grow with the
 * capture. */
static void release_call(call_t *c)
{
    if (!c || c->refs || c->waiting || c->has_owner || c->dropped)
        return;
    /* Remove it, not another call of the same key (one probe, not two). */
    call_t *was = (call_t *)wmem_map_remove(calls, MAP_KEY(&c->key));
    if (was && was != c)
        wmem_map_insert(calls, MAP_KEY(&was->key), was);
    wmem_free(wmem_file_scope(), c);
}

/* The call keeps its owner (RFC 3261 §14.1, for 491 back-off in the
 * dialog) while a dialog lives: from the 2xx to the owner's INVITE until a
 * BYE ends, answered or timed out (§15.1.1: either way the dialog is
 * over). An INVITE refused or never answered made no dialog, so scanners
 * and failed calls do not leave a call behind. code 0: timed out. */
static void txn_ended(txn_t *t, guint code)
{
    call_t *c = t->call;
    if (!c)
        return;
    if (t->req_role == TXN_OWNER_INVITE) {
        if (code >= 200 && code < 300 && !c->in_dialog && dialogs_kept < sip4xx_ids.max_dialogs) {
            c->in_dialog = TRUE;
            dialogs_kept++;
        } else if (!c->in_dialog) {
            c->has_owner = FALSE;      /* no dialog, or no room to remember one */
        }
        t->req_role = TXN_OTHER;       /* a retransmitted final response changes nothing */
    } else if (t->req_role == TXN_BYE) {
        if (c->in_dialog && dialogs_kept)
            dialogs_kept--;
        c->in_dialog = FALSE;
        c->has_owner = FALSE;
    }
}

static void forget_txn(txn_t *t)
{
    txn_t *was = (txn_t *)wmem_map_remove(txns, MAP_KEY(&t->key));
    if (was && was != t)
        wmem_map_insert(txns, MAP_KEY(&was->key), was);
    for (int side = 0; t->call && side < 2; side++)
        if (t->call->pending_txn[side] == t) {
            t->call->pending_txn[side] = NULL;
            t->call->pending_frame[side] = 0;
        }
    if (t->call && t->call->pending_invite == t)
        t->call->pending_invite = NULL;
    free_txn(t);
    if (t->call) {
        t->call->refs--;
        release_call(t->call);
    }
    wmem_free(wmem_file_scope(), t);
}

static void forget_reaction(reaction_t *re)
{
    reaction_t *was = (reaction_t *)wmem_map_remove(reactions, MAP_KEY(&re->key));
    if (was && was != re)
        wmem_map_insert(reactions, MAP_KEY(&was->key), was);
    if (was == re) {
        if (open_total)
            open_total--;
        if (re->counted_in && re->counted_in->waiting) {
            re->counted_in->waiting--;
            release_call(re->counted_in);
        } else if (!re->counted_in && register_waiting) {
            register_waiting--;
        }
    }
    wmem_free(wmem_file_scope(), re);
}

static gboolean is_register(sip4xx_span_t method)
{
    return sip4xx_span_eq_ci(method, "REGISTER");
}

/* Put e at the end of the list, due a window from now: every entry is
 * now + the same window, so the list stays in due order. */
static void schedule(expiry_t *e, const nstime_t *now)
{
    e->due = *now;
    e->due.secs += SIP4XX_STATE_WINDOW;
    wmem_list_append(expiries, e);
}

static void expire_later(const nstime_t *now, expiry_kind_t kind, guint64 key, void *obj, guint32 gen)
{
    expiry_t *e = wmem_new(wmem_file_scope(), expiry_t);
    e->kind = kind;
    e->key = key;
    e->obj = obj;
    e->gen = gen;
    schedule(e, now);
}

/* Free what has waited its window. Objects replaced or freed meanwhile
 * are recognised by comparing the map's current entry. */
/* The windows bound what is kept only while capture time moves. A file
 * whose time stands still (crafted, or one timestamp for many frames)
 * would keep every 4xx, note and stale entry: past this many entries the
 * oldest is taken as due. Open transactions and waiting 4xx are counted
 * in max_open_total, so the list holds a few entries per allowed one. */
static guint64 expiry_cap(void)
{
    return 4 * (guint64)sip4xx_ids.max_open_total + 64;
}

static void expire(const nstime_t *now)
{
    wmem_list_frame_t *f;
    while ((f = wmem_list_head(expiries)) != NULL) {
        expiry_t *e = (expiry_t *)wmem_list_frame_data(f);
        gboolean forced = wmem_list_count(expiries) > expiry_cap();
        if (!forced && nstime_cmp(&e->due, now) > 0)
            break;
        wmem_list_remove_frame(expiries, f);
        if (e->kind == EXP_REACTION) {
            reaction_t *re = (reaction_t *)wmem_map_lookup(reactions, MAP_KEY(&e->key));
            if (re == e->obj && re->gen == e->gen)
                forget_reaction(re);
        } else if (e->kind == EXP_DROPPED) {
            /* The call cannot have been freed: its `dropped` held it. */
            call_t *c = (call_t *)e->obj;
            if (c->dropped) {
                c->dropped--;
                release_call(c);
            }
        } else {
            txn_t *t = (txn_t *)wmem_map_lookup(txns, MAP_KEY(&e->key));
            if (t == e->obj && t->gen == e->gen) {
                /* Unanswered but Proceeding: look again a window later. */
                if (!forced && t->raw && t->proceeding_until > now->secs) {
                    schedule(e, now);
                    continue;
                }
                txn_ended(t, 0);
                forget_txn(t);
            }
        }
        wmem_free(wmem_file_scope(), e);
    }
}

static call_t *call_of(const sip4xx_keys_t *k)
{
    if (!k->has_call)
        return NULL;
    call_t *c = (call_t *)wmem_map_lookup(calls, MAP_KEY(&k->call));
    if (!c) {
        c = wmem_new0(wmem_file_scope(), call_t);
        c->key = k->call;
        wmem_map_insert(calls, MAP_KEY(&c->key), c);
    }
    return c;
}

static gboolean room_for(const call_t *c)
{
    return open_total < sip4xx_ids.max_open_total && (!c || c->open < sip4xx_ids.max_open_per_call);
}

static gint64 ms_between(const nstime_t *from, const nstime_t *to)
{
    nstime_t d;
    nstime_delta(&d, to, from);
    return (gint64)d.secs * 1000 + d.nsecs / 1000000;
}

/* Methods compare case-sensitively (RFC 3261 §7.1), in the Request-Line
 * and in CSeq alike. */
static gboolean span_is(sip4xx_span_t s, const char *method)
{
    size_t n = strlen(method);
    return s.len == n && memcmp(s.ptr, method, n) == 0;
}

static gboolean is_method(const sip4xx_msg_t *m, const char *method)
{
    return span_is(m->method, method);
}

/* The client's next attempt after a 4xx: judge it and link both ways. */
static void judge_reaction(packet_info *pinfo, const sip4xx_msg_t *m, sip4xx_keys_t *k, size_t n_missing,
                           call_t *c, sip4xx_msg_record_t *r)
{
    char text[256];
    guint64 key, tag;
    if (is_register(m->method) ? register_waiting == 0 : (!c || c->waiting == 0))
        return;
    /* A request not captured whole cannot show what it changed. */
    if (m->truncated)
        return;
    if (!sip4xx_keys_retry(k, &key))
        return;
    reaction_t *re = (reaction_t *)wmem_map_lookup(reactions, MAP_KEY(&key));
    if (!re || re->resp_frame >= pinfo->num)
        return;
    gboolean same_call = k->has_call && k->call == re->call;
    /* A new attempt, not a retransmission: a higher CSeq in the same call
     * (RFC 3261 §8.1.3.5), or a REGISTER under a new Call-ID. */
    if (same_call && m->cseq_number <= re->orig_cseq)
        return;
    int owner = -1;
    if (c && c->has_owner && sip4xx_keys_from_tag(k, &tag))
        owner = tag == c->owner_tag;
    sip4xx_req_summary_t now;
    sip4xx_summarize_request(m, n_missing, &now);
    sip4xx_verdict_t v = sip4xx_judge_retry(&re->orig, &re->resp, &now, ms_between(&re->resp_time, &pinfo->abs_ts),
                                            owner, text, sizeof text);
    const char *kept = kept_text(text);
    r->retry_of = re->resp_frame;
    r->verdict = (guint8)v;
    r->verdict_text = kept;
    sip4xx_msg_record_t *resp_rec = sip4xx_state_msg(re->resp_frame, re->resp_ordinal);
    if (resp_rec) {
        resp_rec->retry_in = pinfo->num;
        resp_rec->verdict = (guint8)v;
        resp_rec->verdict_text = kept;
    }
    forget_reaction(re);
}

static void open_txn(packet_info *pinfo, const sip4xx_msg_t *m, sip4xx_keys_t *k, call_t *c, size_t n_missing,
                     sip4xx_msg_record_t *r);

static void track_request(packet_info *pinfo, const sip4xx_msg_t *m, sip4xx_keys_t *k, size_t n_missing,
                          sip4xx_msg_record_t *r)
{
    if (!k->has_txn)
        return;
    if (wmem_map_lookup(txns, MAP_KEY(&k->txn))) {
        r->flags |= SIP4XX_REC_RETRANSMIT;
        return;
    }
    /* Held while this request is handled: consuming a waiting 4xx may
     * otherwise release the call under our feet. */
    call_t *c = call_of(k);
    if (c)
        c->refs++;
    open_txn(pinfo, m, k, c, n_missing, r);
    if (c) {
        c->refs--;
        release_call(c);
    }
}

static void open_txn(packet_info *pinfo, const sip4xx_msg_t *m, sip4xx_keys_t *k, call_t *c, size_t n_missing,
                     sip4xx_msg_record_t *r)
{
    guint64 tag, key = k->txn;
    txn_role_t role = TXN_OTHER;
    if (c && !c->has_owner && is_method(m, "INVITE") && !m->to_tag && sip4xx_keys_from_tag(k, &tag)) {
        c->owner_tag = tag;
        c->has_owner = TRUE;
        role = TXN_OWNER_INVITE;
    } else if (c && is_method(m, "BYE")) {
        role = TXN_BYE;
    }

    judge_reaction(pinfo, m, k, n_missing, c, r);

    if (!room_for(c)) {
        r->flags |= SIP4XX_REC_STATE_LIMIT;
        if (role == TXN_OWNER_INVITE)
            c->has_owner = FALSE;      /* untracked: its end would go unseen */
        if (c) {
            /* Remembered for a window, so that its 4xx says "limit". */
            c->dropped++;
            expire_later(&state_clock, EXP_DROPPED, c->key, c, 0);
        }
        return;
    }
    txn_t *t = wmem_new0(wmem_file_scope(), txn_t);
    t->key = key;
    t->gen = ++generation;
    t->req_frame = pinfo->num;
    t->req_ordinal = r->ordinal;
    t->req_start = r->start;
    t->req_len = r->len;
    t->req_time = pinfo->abs_ts;
    t->req_missing = (guint8)MIN(n_missing, 255u);
    t->req_role = (guint8)role;
    t->req_stream = m->stream_transport;
    t->req_to_tag = m->to_tag;
    t->call = c;
    if (c)
        c->refs++;
    t->raw_len = MIN(m->msg_len, SIP4XX_RAW_MAX);
    t->req_cut = m->truncated || m->body_cut || m->msg_len > SIP4XX_RAW_MAX;
    t->raw = (guint8 *)wmem_memdup(wmem_file_scope(), m->raw.ptr, t->raw_len ? t->raw_len : 1);
    if (c)
        c->open++;
    if (++open_total > open_peak)
        open_peak = open_total;

    if (is_method(m, "CANCEL")) {
        guint64 ikey;
        txn_t *inv = sip4xx_txn_key_as(m, "INVITE", &ikey) ? (txn_t *)wmem_map_lookup(txns, MAP_KEY(&ikey)) : NULL;
        if (inv && !inv->terminator_frame) {
            inv->terminator_frame = pinfo->num;
            inv->terminator_method = "CANCEL";
        }
        t->cancel_without_target = inv == NULL;
    }
    /* A BYE from the caller before the INVITE has its final response
     * ends the INVITE too: the UAS answers it 487 (RFC 3261 §15.1.2). */
    if (c && is_method(m, "BYE") && c->pending_invite && !c->pending_invite->terminator_frame) {
        c->pending_invite->terminator_frame = pinfo->num;
        c->pending_invite->terminator_method = "BYE";
    }
    if (c && is_method(m, "INVITE"))
        c->pending_invite = t;
    /* An in-dialog INVITE/UPDATE pending on one side makes a request from
     * the other side glare; the receiver answers 491 (RFC 3261 §14.2).
     * Both crossing requests are in glare: each side receives the other's
     * while its own is in progress. Judged on arrival. */
    if (c && m->to_tag && (is_method(m, "INVITE") || is_method(m, "UPDATE")) && sip4xx_keys_from_tag(k, &tag)) {
        int side = (c->pending_frame[0] == 0 || c->pending_tag[0] == tag) ? 0 : 1;
        if (c->pending_frame[!side] && c->pending_tag[!side] != tag) {
            t->glare_frame = c->pending_frame[!side];
            if (c->pending_txn[!side] && !c->pending_txn[!side]->glare_frame)
                c->pending_txn[!side]->glare_frame = pinfo->num;
        }
        c->pending_tag[side] = tag;
        c->pending_frame[side] = pinfo->num;
        c->pending_txn[side] = t;
    }
    wmem_map_insert(txns, MAP_KEY(&t->key), t);
    /* Freed when its client would have given up, if nothing answers. */
    expire_later(&state_clock, EXP_TXN, t->key, t, t->gen);
}

static void set_delta(sip4xx_msg_record_t *r, const nstime_t *now, const nstime_t *then)
{
    nstime_t d;
    nstime_delta(&d, now, then);
    /* 68 years either way fit; a capture's clock jumping further is clamped. */
    r->delta_secs = (gint32)CLAMP(d.secs, (time_t)G_MININT32, (time_t)G_MAXINT32);
    r->delta_nsecs = d.nsecs;
}

static void clear_pending(txn_t *t)
{
    for (int side = 0; t->call && side < 2; side++)
        if (t->call->pending_txn[side] == t) {
            t->call->pending_frame[side] = 0;
            t->call->pending_txn[side] = NULL;
        }
    if (t->call && t->call->pending_invite == t)
        t->call->pending_invite = NULL;
}

static void track_response(packet_info *pinfo, const sip4xx_msg_t *m, sip4xx_keys_t *k,
                           sip4xx_msg_record_t *r)
{
    char text[320];
    gboolean is_4xx = m->code >= 400 && m->code <= 499;
    guint64 key = k->txn;
    if (m->code < 200 || !k->has_txn) {
        if (is_4xx)
            r->flags |= SIP4XX_REC_NO_REQUEST;
        return;
    }
    txn_t *t = (txn_t *)wmem_map_lookup(txns, MAP_KEY(&key));
    if (!t || t->req_frame >= pinfo->num) {
        /* Not "absent from the capture" if the limits made us skip a
         * request of this call: then say that instead. */
        call_t *c = k->has_call ? (call_t *)wmem_map_lookup(calls, MAP_KEY(&k->call)) : NULL;
        if (is_4xx)
            r->flags |= (c && c->dropped) ? SIP4XX_REC_STATE_LIMIT : SIP4XX_REC_NO_REQUEST;
        return;
    }
    if (t->final_frame && t->final_frame != pinfo->num) {
        /* A retransmitted final response (RFC 3261 §17.2.1): same links. */
        r->flags |= SIP4XX_REC_RETRANSMIT;
        if (is_4xx) {
            r->request_in = t->req_frame;
            set_delta(r, &pinfo->abs_ts, &t->req_time);
            r->cause_class = t->cause_class;
            r->cause = t->cause;
            r->flags |= t->cause_flags;
        }
        return;
    }
    t->final_frame = pinfo->num;
    clear_pending(t);
    txn_ended(t, m->code);
    if (!is_4xx) {
        /* Nothing later needs a transaction that ended without a 4xx. */
        forget_txn(t);
        return;
    }

    r->request_in = t->req_frame;
    set_delta(r, &pinfo->abs_ts, &t->req_time);
    sip4xx_msg_record_t *req_rec = sip4xx_state_msg(t->req_frame, t->req_ordinal);
    if (req_rec) {
        req_rec->response_in = pinfo->num;
        if (!req_rec->kind) {
            req_rec->kind = SIP4XX_MSG_REQUEST;
            req_rec->start = t->req_start;
            req_rec->len = t->req_len;
        }
    }

    /* Only now is the request read again and summarised. */
    sip4xx_req_summary_t req;
    gboolean have_req = FALSE;
    if (t->raw) {
        sip4xx_summarize_raw_request(t->raw, t->raw_len, t->req_stream, t->req_cut, t->req_missing, &req);
        have_req = TRUE;
    }
    sip4xx_cause_ctx_t ctx = { .have_request = have_req };
    ctx.terminator_frame = t->terminator_frame;
    ctx.terminator_method = t->terminator_method;
    ctx.cancel_without_target = t->cancel_without_target;
    ctx.glare_frame = t->glare_frame;
    bool warn = false;
    sip4xx_resp_summary_t resp_summary;
    sip4xx_summarize_response(m, &resp_summary);
    sip4xx_cause_class_t cls = sip4xx_explain_cause_with(have_req ? &req : NULL, m, &resp_summary, &ctx, text,
                                                         sizeof text, &warn);
    t->cause_class = (guint8)cls;
    t->cause = text[0] ? kept_text(text) : NULL;
    t->cause_flags = warn ? SIP4XX_REC_CAUSE_WARN : 0;
    r->cause_class = t->cause_class;
    r->cause = t->cause;
    r->flags |= t->cause_flags;

    /* Wait for the client's next attempt, judged against what this 4xx
     * asks: only if the 4xx was captured whole. */
    guint64 rkey;
    if (have_req && !m->truncated && sip4xx_keys_retry(k, &rkey)) {
        reaction_t *old = (reaction_t *)wmem_map_lookup(reactions, MAP_KEY(&rkey));
        if (old || open_total < sip4xx_ids.max_open_total) {
            reaction_t *re = wmem_new0(wmem_file_scope(), reaction_t);
            re->key = rkey;
            re->gen = ++generation;
            re->resp_frame = pinfo->num;
            re->resp_ordinal = r->ordinal;
            re->resp_time = pinfo->abs_ts;
            re->orig_cseq = m->cseq_number;
            re->call = k->has_call ? k->call : 0;
            if (is_register(m->cseq_method)) {
                register_waiting++;
            } else {
                re->counted_in = call_of(k);
                if (re->counted_in)
                    re->counted_in->waiting++;
                else
                    register_waiting++;      /* no Call-ID: cannot be retried by key anyway */
            }
            re->resp = resp_summary;
            sip4xx_attempt_of(&req, &re->orig);
            if (old)
                forget_reaction(old);
            wmem_map_insert(reactions, MAP_KEY(&re->key), re);
            if (++open_total > open_peak)
                open_peak = open_total;
            expire_later(&state_clock, EXP_REACTION, re->key, re, re->gen);
        } else {
            r->flags |= SIP4XX_REC_STATE_LIMIT;
        }
    }
    free_txn(t);
    /* Kept for retransmissions of this 4xx, then freed; a new generation,
     * so the entry made when it opened no longer applies. */
    t->gen = ++generation;
    expire_later(&state_clock, EXP_TXN, t->key, t, t->gen);
}

/* A provisional response to an INVITE: its client transaction is
 * Proceeding and Timer B no longer runs (RFC 3261 §17.1.1.2); a proxy may
 * cancel after 3 minutes without a response (Timer C, reset by each
 * provisional, §16.7 step 2), so keep the transaction that long. */
static void note_proceeding(packet_info *pinfo, const sip4xx_msg_t *m)
{
    guint64 key;
    if (!sip4xx_txn_key(m, &key))
        return;
    txn_t *t = (txn_t *)wmem_map_lookup(txns, MAP_KEY(&key));
    if (t && t->raw && t->req_frame < pinfo->num)
        t->proceeding_until = state_clock.secs + SIP4XX_PROCEEDING_WINDOW;
}

gboolean sip4xx_state_request_out_of_dialog(packet_info *pinfo, const sip4xx_msg_t *m)
{
    guint64 key;
    if (!txns || !sip4xx_txn_key(m, &key))
        return FALSE;
    const txn_t *t = (const txn_t *)wmem_map_lookup(txns, MAP_KEY(&key));
    return t && t->raw && t->req_frame < pinfo->num && !t->req_to_tag;
}

void sip4xx_state_track(packet_info *pinfo, const sip4xx_msg_t *m, size_t n_missing, sip4xx_msg_record_t *r)
{
    if (!txns)
        return;
    clock_advance(&pinfo->abs_ts);
    expire(&state_clock);
    if (m->kind == SIP4XX_MSG_UNPARSED)
        return;
    /* An ACK opens no transaction and a provisional response ends none
     * (RFC 3261 §17.1.1): a third of all messages need no keys at all. */
    if (m->kind == SIP4XX_MSG_REQUEST ? is_method(m, "ACK") : m->code < 200) {
        if (m->kind == SIP4XX_MSG_RESPONSE && m->code >= 100 && span_is(m->cseq_method, "INVITE"))
            note_proceeding(pinfo, m);
        return;
    }
    sip4xx_keys_t k;
    sip4xx_keys_init(m, &k);
    if (m->kind == SIP4XX_MSG_REQUEST)
        track_request(pinfo, m, &k, n_missing, r);
    else
        track_response(pinfo, m, &k, r);
}
