/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the per-file state of the Wireshark layer: the exchange engine
 * of the core (include/sip4xx/engine.h) over file-scope wmem, feeding the
 * per-frame records (records.c) that every pass renders from and that a
 * later frame's link reaches back into. Built on the first pass only. */
#include "sip4xx_ws.h"

#include <string.h>

#include "sip4xx/engine.h"

static sip4xx_engine_t *engine;

static void *file_alloc(void *ctx _U_, size_t size)
{
    return wmem_alloc(wmem_file_scope(), size);
}

static void file_free(void *ctx _U_, void *p)
{
    wmem_free(wmem_file_scope(), p);
}

const sip4xx_allocator_t sip4xx_file_allocator = { file_alloc, file_free, NULL };

void sip4xx_state_init(void)
{
    sip4xx_records_init();
    sip4xx_limits_t limits = { sip4xx_ids.max_open_per_call, sip4xx_ids.max_open_total, sip4xx_ids.max_dialogs };
    engine = sip4xx_engine_new(&sip4xx_file_allocator, &limits);
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
    sip4xx_records_cleanup();
}

gboolean sip4xx_state_request_out_of_dialog(packet_info *pinfo, const sip4xx_msg_t *m)
{
    return engine && sip4xx_engine_request_out_of_dialog(engine, m, pinfo->num);
}

/* An earlier message gains a link: its record is made if it had none (a
 * request with nothing else to say, now answered by a 4xx). */
static void apply_backlink(sip4xx_msg_record_t *rec, const void *arg)
{
    const sip4xx_backlink_t *b = (const sip4xx_backlink_t *)arg;
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
        sip4xx_records_update(out.backlinks[i].ref.frame, out.backlinks[i].ref.ordinal, apply_backlink,
                              &out.backlinks[i]);
}
