/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the per-file state of the Wireshark layer: the exchange engine
 * of the core (include/sip4xx/engine.h) over file-scope wmem, and the
 * frame -> record map that every pass renders from and that a later
 * frame's link reaches back into. Built on the first pass only. */
#include "sip4xx_ws.h"

#include <string.h>

#include "sip4xx/engine.h"

static wmem_map_t *records;     /* frame number -> sip4xx_frame_record_t */
static sip4xx_engine_t *engine;
/* The record last made or looked up: the first pass asks for the current
 * frame's record once per kept message, and the map is large. */
static guint32 last_frame;
static sip4xx_frame_record_t *last_rec;

static void *file_alloc(void *ctx _U_, size_t size)
{
    return wmem_alloc(wmem_file_scope(), size);
}

static void file_free(void *ctx _U_, void *p)
{
    wmem_free(wmem_file_scope(), p);
}

static const sip4xx_allocator_t file_allocator = { file_alloc, file_free, NULL };

void sip4xx_state_init(void)
{
    records = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    sip4xx_limits_t limits = { sip4xx_ids.max_open_per_call, sip4xx_ids.max_open_total, sip4xx_ids.max_dialogs };
    engine = sip4xx_engine_new(&file_allocator, &limits);
    last_frame = 0;
    last_rec = NULL;
}

void sip4xx_state_cleanup(void)
{
    /* What the first pass left, to check the bounds on a real capture:
     * tshark --log-debug sip4xx. */
    if (engine) {
        sip4xx_engine_stats_t st;
        sip4xx_engine_stats(engine, &st);
        ws_info("state at close: %zu calls, %zu transactions, %zu 4xx waiting for a retry, %zu expiry entries;"
                " at most %u open at once (max_open_total %u); %u dialogs kept",
                st.calls, st.transactions, st.reactions, st.expiries, st.open_peak, sip4xx_ids.max_open_total,
                st.dialogs);
    }
    /* Everything lives in file scope: Wireshark frees it with the file. */
    engine = NULL;
    records = NULL;
    last_rec = NULL;
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
        if (cap > G_MAXUINT16)
            return NULL;
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

gboolean sip4xx_state_request_out_of_dialog(packet_info *pinfo, const sip4xx_msg_t *m)
{
    return engine && sip4xx_engine_request_out_of_dialog(engine, m, pinfo->num);
}

/* An earlier message gains a link: its record is made if it had none (a
 * request with nothing else to say, now answered by a 4xx). */
static void apply_backlink(const sip4xx_backlink_t *b)
{
    sip4xx_msg_record_t *rec = sip4xx_state_msg(b->ref.frame, b->ref.ordinal);
    if (!rec)
        return;
    if (b->is_request) {
        rec->response_in = b->response_in;
        if (!rec->kind) {
            rec->kind = SIP4XX_MSG_REQUEST;
            rec->start = b->ref.start;
            rec->len = b->ref.len;
        }
    } else {
        rec->retry_in = b->retry_in;
        rec->verdict = b->verdict;
        rec->verdict_text = b->verdict_text;
    }
}

void sip4xx_state_track(packet_info *pinfo, const sip4xx_msg_t *m, const sip4xx_req_summary_t *req,
                        size_t n_missing, sip4xx_msg_record_t *r)
{
    if (!engine)
        return;
    sip4xx_time_t now = { (int64_t)pinfo->abs_ts.secs, pinfo->abs_ts.nsecs };
    sip4xx_msg_ref_t ref = { pinfo->num, r->ordinal, r->start, r->len };
    sip4xx_outcome_t out;
    sip4xx_engine_track(engine, m, req, n_missing, now, ref, &out);

    r->flags |= out.flags;
    if (out.request_in) {
        r->request_in = out.request_in;
        /* 68 years either way fit; a capture's clock jumping further is clamped. */
        r->delta_secs = (gint32)CLAMP(out.delta.secs, (gint64)G_MININT32, (gint64)G_MAXINT32);
        r->delta_nsecs = out.delta.nsecs;
    }
    if (out.flags & SIP4XX_OUT_SECOND_FINAL)
        r->first_final_in = out.first_final_in;
    r->cause_class = out.cause_class;
    r->cause = out.cause;
    r->retry_of = out.retry_of;
    r->verdict = out.verdict;
    r->verdict_text = out.verdict_text;
    for (unsigned i = 0; i < out.n_backlinks; i++)
        apply_backlink(&out.backlinks[i]);
}
