/* sip4xx — correlation state, built on the first pass only and kept in
 * file scope: open transactions (request summaries until the final
 * response), the 4xx responses waiting for the client's next attempt, a
 * little per-call context (Call-ID owner, pending in-dialog requests for
 * glare), and the frame -> record map that lets a later frame add a link
 * to an earlier frame's record.
 *
 * Bounds: at most max_open_per_call open transactions per Call-ID and
 * max_open_total open transactions plus waiting 4xx in the whole file
 * (both preferences); past them a message is not tracked and says so
 * (sip4xx.state_limit). A transaction that ends without a 4xx is removed.
 */
#include "sip4xx_ws.h"

#include <string.h>

typedef struct {
    guint open;                      /* open transactions of this Call-ID */
    guint dropped;                   /* requests not tracked for the limits */
    char owner_tag[48];              /* From tag of the dialog-creating INVITE (RFC 3261 §14.1) */
    char pending_tag[2][48];         /* the latest pending in-dialog INVITE/UPDATE, per side */
    guint32 pending_frame[2];
    struct txn *pending_txn[2];
} call_t;

typedef struct txn {
    guint32 req_frame, req_start, req_len;
    guint8 req_ordinal;
    nstime_t req_time;
    guint32 final_frame;
    guint16 final_code;
    guint8 cause_class;
    guint8 cause_flags;
    const char *cause;               /* kept for retransmitted final responses */
    guint32 terminator_frame;        /* the CANCEL that ended it */
    guint32 glare_frame;             /* the other side's pending in-dialog request at arrival */
    gboolean cancel_without_target;  /* a CANCEL whose INVITE is not in the capture */
    sip4xx_req_summary_t *req;       /* NULL once closed */
    call_t *call;
} txn_t;

typedef struct {
    guint32 resp_frame;
    guint8 resp_ordinal;
    nstime_t resp_time;
    guint32 orig_cseq;
    char call_id[64];
    sip4xx_resp_summary_t resp;
    sip4xx_req_summary_t orig;
} reaction_t;

static wmem_map_t *txns;        /* txn key -> txn_t */
static wmem_map_t *calls;       /* Call-ID -> call_t */
static wmem_map_t *reactions;   /* retry key -> reaction_t */
static wmem_map_t *records;     /* frame number -> sip4xx_frame_record_t */
static guint open_total;

void sip4xx_state_init(void)
{
    txns = wmem_map_new(wmem_file_scope(), wmem_str_hash, g_str_equal);
    calls = wmem_map_new(wmem_file_scope(), wmem_str_hash, g_str_equal);
    reactions = wmem_map_new(wmem_file_scope(), wmem_str_hash, g_str_equal);
    records = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    open_total = 0;
}

void sip4xx_state_cleanup(void)
{
    /* The maps live in file scope: Wireshark frees them with the file. */
    txns = calls = reactions = records = NULL;
    open_total = 0;
}

size_t sip4xx_state_bytes_per_transaction(void)
{
    return sizeof(txn_t) + sizeof(sip4xx_req_summary_t) + SIP4XX_KEY_MAX;
}

sip4xx_frame_record_t *sip4xx_state_record(guint32 frame)
{
    return records ? (sip4xx_frame_record_t *)wmem_map_lookup(records, GUINT_TO_POINTER(frame)) : NULL;
}

void sip4xx_state_set_record(guint32 frame, sip4xx_frame_record_t *rec)
{
    if (records)
        wmem_map_insert(records, GUINT_TO_POINTER(frame), rec);
}

sip4xx_msg_record_t *sip4xx_state_msg(guint32 frame, guint8 ordinal)
{
    if (!records)
        return NULL;
    sip4xx_frame_record_t *rec = sip4xx_state_record(frame);
    if (!rec) {
        rec = wmem_new0(wmem_file_scope(), sip4xx_frame_record_t);
        sip4xx_state_set_record(frame, rec);
    }
    for (guint i = 0; i < rec->n_msgs; i++)
        if (rec->msgs[i].ordinal == ordinal)
            return &rec->msgs[i];
    if (rec->n_msgs == rec->cap) {
        rec->cap = rec->cap ? rec->cap * 2 : 2;
        rec->msgs = (sip4xx_msg_record_t *)wmem_realloc(wmem_file_scope(), rec->msgs, rec->cap * sizeof *rec->msgs);
    }
    /* Keep the messages in frame order: they render in that order. */
    guint at = rec->n_msgs;
    while (at > 0 && rec->msgs[at - 1].ordinal > ordinal)
        at--;
    memmove(&rec->msgs[at + 1], &rec->msgs[at], (rec->n_msgs - at) * sizeof *rec->msgs);
    rec->n_msgs++;
    memset(&rec->msgs[at], 0, sizeof rec->msgs[at]);
    rec->msgs[at].ordinal = ordinal;
    return &rec->msgs[at];
}

static call_t *call_of(const sip4xx_msg_t *m)
{
    char id[64];
    if (!sip4xx_call_id(m, id, sizeof id))
        return NULL;
    call_t *c = (call_t *)wmem_map_lookup(calls, id);
    if (!c) {
        c = wmem_new0(wmem_file_scope(), call_t);
        wmem_map_insert(calls, wmem_strdup(wmem_file_scope(), id), c);
    }
    return c;
}

static gboolean room_for(const call_t *c)
{
    return open_total < sip4xx_ids.max_open_total && (!c || c->open < sip4xx_ids.max_open_per_call);
}

static void close_txn(txn_t *t)
{
    if (t->req) {
        wmem_free(wmem_file_scope(), t->req);
        t->req = NULL;
        if (t->call && t->call->open)
            t->call->open--;
        if (open_total)
            open_total--;
    }
}

static gint64 ms_between(const nstime_t *from, const nstime_t *to)
{
    nstime_t d;
    nstime_delta(&d, to, from);
    return (gint64)d.secs * 1000 + d.nsecs / 1000000;
}

static gboolean is_method(const sip4xx_msg_t *m, const char *method)
{
    size_t n = strlen(method);
    return m->method.len == n && memcmp(m->method.ptr, method, n) == 0;
}

/* The client's next attempt after a 4xx: judge it and link both ways. */
static void judge_reaction(packet_info *pinfo, const sip4xx_msg_t *m, const sip4xx_req_summary_t *now,
                           call_t *c, sip4xx_msg_record_t *r)
{
    char key[SIP4XX_KEY_MAX], callid[64], tag[48], text[256];
    if (!sip4xx_retry_key(m, key, sizeof key))
        return;
    reaction_t *re = (reaction_t *)wmem_map_lookup(reactions, key);
    if (!re || re->resp_frame >= pinfo->num)
        return;
    gboolean same_call = sip4xx_call_id(m, callid, sizeof callid) && strcmp(callid, re->call_id) == 0;
    /* A new attempt, not a retransmission: a higher CSeq in the same call
     * (RFC 3261 §8.1.3.5), or a REGISTER under a new Call-ID. */
    if (same_call && m->cseq_number <= re->orig_cseq)
        return;
    int owner = -1;
    if (c && c->owner_tag[0] && sip4xx_from_tag(m, tag, sizeof tag))
        owner = strcmp(tag, c->owner_tag) == 0;
    sip4xx_verdict_t v = sip4xx_judge_retry(&re->orig, &re->resp, now, ms_between(&re->resp_time, &pinfo->abs_ts),
                                            owner, text, sizeof text);
    const char *kept = wmem_strdup(wmem_file_scope(), text);
    r->retry_of = re->resp_frame;
    r->verdict = (guint8)v;
    r->verdict_text = kept;
    sip4xx_msg_record_t *resp_rec = sip4xx_state_msg(re->resp_frame, re->resp_ordinal);
    if (resp_rec) {
        resp_rec->retry_in = pinfo->num;
        resp_rec->verdict = (guint8)v;
        resp_rec->verdict_text = kept;
    }
    wmem_map_remove(reactions, key);
    wmem_free(wmem_file_scope(), re);
    if (open_total)
        open_total--;
}

static void track_request(packet_info *pinfo, const sip4xx_msg_t *m, size_t n_missing, sip4xx_msg_record_t *r)
{
    char key[SIP4XX_KEY_MAX], tag[48];
    if (is_method(m, "ACK") || !sip4xx_txn_key(m, key, sizeof key))
        return;
    if (wmem_map_lookup(txns, key)) {
        r->flags |= SIP4XX_REC_RETRANSMIT;
        return;
    }
    call_t *c = call_of(m);
    sip4xx_req_summary_t now;
    sip4xx_summarize_request(m, n_missing, &now);

    if (c && is_method(m, "INVITE") && !m->to_tag && !c->owner_tag[0] && sip4xx_from_tag(m, tag, sizeof tag))
        g_strlcpy(c->owner_tag, tag, sizeof c->owner_tag);

    judge_reaction(pinfo, m, &now, c, r);

    if (!room_for(c)) {
        r->flags |= SIP4XX_REC_STATE_LIMIT;
        if (c)
            c->dropped++;
        return;
    }
    txn_t *t = wmem_new0(wmem_file_scope(), txn_t);
    t->req_frame = pinfo->num;
    t->req_ordinal = r->ordinal;
    t->req_start = r->start;
    t->req_len = r->len;
    t->req_time = pinfo->abs_ts;
    t->call = c;
    t->req = (sip4xx_req_summary_t *)wmem_memdup(wmem_file_scope(), &now, sizeof now);
    if (c)
        c->open++;
    open_total++;

    if (is_method(m, "CANCEL")) {
        char ikey[SIP4XX_KEY_MAX];
        txn_t *inv = sip4xx_txn_key_as(m, "INVITE", ikey, sizeof ikey) ? (txn_t *)wmem_map_lookup(txns, ikey) : NULL;
        if (inv && !inv->terminator_frame)
            inv->terminator_frame = pinfo->num;
        t->cancel_without_target = inv == NULL;
    }
    /* An in-dialog INVITE/UPDATE pending on one side makes a request from
     * the other side glare; the receiver answers 491 (RFC 3261 §14.2).
     * Judged on arrival: the first 491 of a crossing closes one side. */
    if (c && m->to_tag && (is_method(m, "INVITE") || is_method(m, "UPDATE")) && sip4xx_from_tag(m, tag, sizeof tag)) {
        int side = strcmp(c->pending_tag[0], tag) == 0 || !c->pending_tag[0][0] ? 0 : 1;
        /* Both crossing requests are in glare: each side receives the
         * other's while its own is in progress. */
        if (c->pending_frame[!side] && strcmp(c->pending_tag[!side], tag) != 0) {
            t->glare_frame = c->pending_frame[!side];
            if (c->pending_txn[!side] && !c->pending_txn[!side]->glare_frame)
                c->pending_txn[!side]->glare_frame = pinfo->num;
        }
        g_strlcpy(c->pending_tag[side], tag, sizeof c->pending_tag[side]);
        c->pending_frame[side] = pinfo->num;
        c->pending_txn[side] = t;
    }
    wmem_map_insert(txns, wmem_strdup(wmem_file_scope(), key), t);
}

static void clear_pending(call_t *c, guint32 req_frame)
{
    for (int side = 0; c && side < 2; side++)
        if (c->pending_frame[side] == req_frame) {
            c->pending_frame[side] = 0;
            c->pending_txn[side] = NULL;
        }
}

static void track_response(packet_info *pinfo, const sip4xx_msg_t *m, sip4xx_msg_record_t *r)
{
    char key[SIP4XX_KEY_MAX], text[320];
    gboolean is_4xx = m->code >= 400 && m->code <= 499;
    if (m->code < 200 || !sip4xx_txn_key(m, key, sizeof key)) {
        if (is_4xx)
            r->flags |= SIP4XX_REC_NO_REQUEST;
        return;
    }
    txn_t *t = (txn_t *)wmem_map_lookup(txns, key);
    if (!t || t->req_frame >= pinfo->num) {
        /* Not "absent from the capture" if the limits made us skip a
         * request of this call: then say that instead. */
        char id[64];
        call_t *c = sip4xx_call_id(m, id, sizeof id) ? (call_t *)wmem_map_lookup(calls, id) : NULL;
        if (is_4xx)
            r->flags |= (c && c->dropped) ? SIP4XX_REC_STATE_LIMIT : SIP4XX_REC_NO_REQUEST;
        return;
    }
    if (t->final_frame && t->final_frame != pinfo->num) {
        /* A retransmitted final response (RFC 3261 §17.2.1): same links. */
        r->flags |= SIP4XX_REC_RETRANSMIT;
        if (is_4xx) {
            r->request_in = t->req_frame;
            nstime_delta(&r->delta, &pinfo->abs_ts, &t->req_time);
            r->cause_class = t->cause_class;
            r->cause = t->cause;
            r->flags |= t->cause_flags;
        }
        return;
    }
    t->final_frame = pinfo->num;
    t->final_code = (guint16)m->code;
    clear_pending(t->call, t->req_frame);
    if (!is_4xx) {
        /* Nothing later needs a transaction that ended without a 4xx:
         * give its memory back. */
        gpointer stored_key = NULL, stored = NULL;
        close_txn(t);
        if (wmem_map_lookup_extended(txns, key, (const void **)&stored_key, &stored)) {
            wmem_map_remove(txns, key);
            wmem_free(wmem_file_scope(), stored_key);
        }
        wmem_free(wmem_file_scope(), t);
        return;
    }

    r->request_in = t->req_frame;
    nstime_delta(&r->delta, &pinfo->abs_ts, &t->req_time);
    sip4xx_msg_record_t *req_rec = sip4xx_state_msg(t->req_frame, t->req_ordinal);
    if (req_rec) {
        req_rec->response_in = pinfo->num;
        if (!req_rec->kind) {
            req_rec->kind = SIP4XX_MSG_REQUEST;
            req_rec->start = t->req_start;
            req_rec->len = t->req_len;
        }
    }

    sip4xx_cause_ctx_t ctx = { .have_request = t->req != NULL };
    ctx.terminator_frame = t->terminator_frame;
    ctx.terminator_method = "CANCEL";
    ctx.cancel_without_target = t->cancel_without_target;
    ctx.glare_frame = t->glare_frame;
    bool warn = false;
    sip4xx_cause_class_t cls = sip4xx_explain_cause(t->req, m, &ctx, text, sizeof text, &warn);
    t->cause_class = (guint8)cls;
    t->cause = text[0] ? wmem_strdup(wmem_file_scope(), text) : NULL;
    t->cause_flags = warn ? SIP4XX_REC_CAUSE_WARN : 0;
    r->cause_class = t->cause_class;
    r->cause = t->cause;
    r->flags |= t->cause_flags;

    /* Wait for the client's next attempt. */
    char rkey[SIP4XX_KEY_MAX];
    if (t->req && sip4xx_retry_key(m, rkey, sizeof rkey)) {
        reaction_t *old = (reaction_t *)wmem_map_lookup(reactions, rkey);
        if (old || open_total < sip4xx_ids.max_open_total) {
            reaction_t *re = old ? old : wmem_new0(wmem_file_scope(), reaction_t);
            re->resp_frame = pinfo->num;
            re->resp_ordinal = r->ordinal;
            re->resp_time = pinfo->abs_ts;
            re->orig_cseq = m->cseq_number;
            if (!sip4xx_call_id(m, re->call_id, sizeof re->call_id))
                re->call_id[0] = '\0';
            sip4xx_summarize_response(m, &re->resp);
            re->orig = *t->req;
            if (!old) {
                wmem_map_insert(reactions, wmem_strdup(wmem_file_scope(), rkey), re);
                open_total++;
            }
        } else {
            r->flags |= SIP4XX_REC_STATE_LIMIT;
        }
    }
    close_txn(t);
}

void sip4xx_state_track(packet_info *pinfo, const sip4xx_msg_t *m, size_t n_missing, sip4xx_msg_record_t *r)
{
    if (!txns)
        return;
    if (m->kind == SIP4XX_MSG_REQUEST)
        track_request(pinfo, m, n_missing, r);
    else if (m->kind == SIP4XX_MSG_RESPONSE)
        track_response(pinfo, m, r);
}
