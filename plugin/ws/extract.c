/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — finds the SIP messages of a frame through the `sip` items the
 * SIP dissector added, reads each one's bytes into the core model, runs
 * the checks and keeps the result as the frame's record.
 *
 * Only the start of each `sip` item is trusted (STYLE.md pitfall 4: its
 * length is not reliable in invisible trees); the message's extent comes
 * from our own parse, bounded by the next message in the same data source.
 */
#include "compat.h"
#include "sip4xx_ws.h"

#include <string.h>

#include "sip4xx/sentences.h"
#include "sip4xx/text.h"

/* Protocols that change how a frame's SIP is read. They are wanted
 * fields too, so that their presence in a frame is one lookup in the
 * tree's field index, not a walk over the frame's layers. */
static int proto_icmp = -1, proto_icmpv6 = -1, proto_websocket = -1;

void sip4xx_extract_handoff(void)
{
    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
    proto_websocket = proto_get_id_by_filter_name("websocket");
}

void sip4xx_extract_wanted(GArray *wanted)
{
    int ids[] = { proto_icmp, proto_icmpv6, proto_websocket };
    for (guint i = 0; i < G_N_ELEMENTS(ids); i++)
        if (ids[i] > 0)
            g_array_append_val(wanted, ids[i]);
}

static gboolean frame_has(proto_tree *tree, int proto)
{
    return proto > 0 && proto_get_finfo_ptr_array(tree, proto) != NULL;
}

/* Whether the UDP datagram that carries the message at ds[start..] goes
 * on past what ds holds, in IP fragments this frame does not hold (IP
 * reassembly off, or a fragment lost). The UDP dissector never lets its
 * payload claim more bytes than the frame has, so only the length the
 * UDP header states says so (RFC 768: "the length in octets of this user
 * datagram including this header and the data"). It is read from the
 * eight bytes before the message when they are this packet's UDP header
 * (its two ports), and only for a message that looks incomplete: asking
 * the tree for udp.length would make it a real item on every UDP frame. */
static gboolean datagram_goes_on(packet_info *pinfo, tvbuff_t *ds, gint start)
{
    if (pinfo->ptype != PT_UDP || start < 8 || tvb_captured_length_remaining(ds, start - 8) < 8)
        return FALSE;
    if (tvb_get_ntohs(ds, start - 8) != pinfo->srcport || tvb_get_ntohs(ds, start - 6) != pinfo->destport)
        return FALSE;
    guint stated = tvb_get_ntohs(ds, start - 4);   /* below 8 is bogus: it states no end */
    return stated >= 8 && (gint64)start - 8 + stated > (gint64)tvb_captured_length(ds);
}

/* The first bytes of ds[start..] as the core reads them. */
static gboolean starts_like_sip(tvbuff_t *ds, gint start, gint avail)
{
    gint n = MIN(avail, 1024);
    return n > 0 && sip4xx_looks_like_sip(tvb_get_ptr(ds, start, n), (size_t)n);
}

static const char *reason_if_different(const sip4xx_msg_t *m)
{
    const sip4xx_code_t *row = sip4xx_code_lookup(m->code);
    if (!row || !m->reason.len || sip4xx_span_eq_ci(m->reason, row->reason))
        return NULL;
    /* Keep at most a line's worth (the record lives as long as the file),
     * as valid UTF-8: the wire may hold any byte (STYLE.md pitfall 10). */
    char text[129];
    sip4xx_text_clean(text, sizeof text, m->reason.ptr, m->reason.len);
    return wmem_strdup(wmem_file_scope(), text);
}

/* Read one message at ds[start, start+avail), correlate it, and keep its
 * record when there is something to show. Returns the bytes it spans. */
static guint32 examine(tvbuff_t *frame_tvb, packet_info *pinfo, gboolean stream, tvbuff_t *ds, gint start,
                       gint avail, gboolean only_if_broken_start, guint16 ordinal, gboolean *kept)
{
    sip4xx_msg_t m;
    sip4xx_req_summary_t req;   /* a request's, made in the parse's walk, for the engine */
    sip4xx_finding_t found[SIP4XX_MAX_FINDINGS];
    m.stream_transport = stream;
    /* Bytes that were not captured are not evidence (STYLE.md pitfall 9):
     * the message runs to the end of what its data source holds, and
     * either the frame was cut (snaplen) or, on a stream, the rest may
     * be in a segment this data source does not hold. */
    gboolean at_end = avail == tvb_captured_length_remaining(ds, start);
    m.cut = at_end && (tvb_reported_length_remaining(ds, start) > avail || m.stream_transport);
    const guint8 *bytes = tvb_get_ptr(ds, start, avail);
    guint32 used = sip4xx_parse_summarize(bytes, (size_t)avail, &m, &req);
    /* A datagram that ends before its message does (no empty line, a
     * short body) may go on in IP fragments this frame does not hold. */
    if (at_end && !m.cut && (m.malformed & (SIP4XX_MAL_NO_END | SIP4XX_MAL_BODY_SHORT)) &&
        datagram_goes_on(pinfo, ds, start)) {
        m.cut = true;
        used = sip4xx_parse_summarize(bytes, (size_t)avail, &m, &req);
    }
    /* SCTP delimits each message (RFC 4168 §3.2): no Content-Length is
     * asked of it, though it is read as a stream. */
    m.message_transport = stream && pinfo->ptype == PT_SCTP;
    if (only_if_broken_start && !(m.malformed & SIP4XX_MAL_START_ANY))
        return used;
    if ((m.malformed & SIP4XX_MAL_START_LINE) && !starts_like_sip(ds, start, avail))
        return used;
    /* What only the exchange shows (the request of a response that
     * establishes a dialog), asked only where a rule needs it. */
    if (sip4xx_ids.analyse_exchange && sip4xx_needs_dialog_context(&m))
        m.request_out_of_dialog = sip4xx_state_request_out_of_dialog(pinfo, &m);
    size_t n_found = sip4xx_check_msg(&m, found, G_N_ELEMENTS(found));
    n_found = MIN(n_found, G_N_ELEMENTS(found));
    req.missing_rules = (uint32_t)n_found;

    sip4xx_msg_record_t r;
    memset(&r, 0, sizeof r);
    r.ordinal = ordinal;
    if (ds == frame_tvb) {
        r.start = (guint32)start;
        r.len = used;
    }
    r.kind = (guint8)m.kind;
    r.code = (guint16)(m.kind == SIP4XX_MSG_RESPONSE ? m.code : 0);
    r.malformed = (guint16)m.malformed;
    r.duplicate = m.duplicate;
    r.n_findings = (guint8)n_found;
    if (m.truncated)
        r.flags |= SIP4XX_REC_TRUNCATED;
    if (sip4xx_msg_is_4xx(&m)) {
        const sip4xx_code_t *row = sip4xx_code_lookup(m.code);
        if (sip4xx_code_advice_lacks(row ? row : sip4xx_code_fallback(m.code), &m))
            r.flags |= SIP4XX_REC_ADVICE_LACKS;
    }
    if (sip4xx_ids.analyse_exchange)
        sip4xx_state_track(pinfo, &m, &req, n_found, &r);
    /* A request the limits left untracked says so itself, not only the
     * 4xx that later finds no transaction. */
    if (!n_found && !m.malformed && !sip4xx_msg_is_4xx(&m) && !r.retry_of &&
        !(r.flags & (SIP4XX_REC_STATE_LIMIT | SIP4XX_REC_TRUNCATED | SIP4XX_REC_SECOND_FINAL)))
        return used;

    if (n_found) {
        r.findings = wmem_alloc_array(pinfo->pool, guint16, n_found);   /* records.c keeps a copy */
        for (size_t k = 0; k < n_found; k++)
            r.findings[k] = found[k].rule;
    }
    r.reason_sent = reason_if_different(&m);
    if (m.kind == SIP4XX_MSG_RESPONSE)
        r.method = sip4xx_method_index(m.cseq_method.ptr, m.cseq_method.len);
    sip4xx_msg_record_t *slot = sip4xx_state_msg(pinfo->num, ordinal);
    *kept = TRUE;
    if (slot) {
        /* A later message of this same frame may already have linked here. */
        guint32 response_in = slot->kind == SIP4XX_MSG_RESPONSE ? 0 : slot->response_in, retry_in = slot->retry_in;
        *slot = r;
        if (r.kind == SIP4XX_MSG_REQUEST)
            slot->response_in = response_in ? response_in : r.response_in;
        slot->retry_in = retry_in ? retry_in : r.retry_in;
    }
    return used;
}

/* Payload the SIP dissector turned down, on a SIP port, that starts like a
 * SIP message: a broken Status-Line or Request-Line (or a NUL in one) would
 * otherwise be silent. RFC 3261 §18.2.1 and §19.1.2 give 5060 and 5061 as
 * the defaults. */
static gboolean rejected_sip(packet_info *pinfo, tvbuff_t *ds, gint start, gint avail)
{
    if (!sip4xx_is_default_port(pinfo->srcport) && !sip4xx_is_default_port(pinfo->destport))
        return FALSE;
    return starts_like_sip(ds, start, avail);
}

sip4xx_frame_record_t *sip4xx_extract_frame(tvbuff_t *frame_tvb, packet_info *pinfo,
                                            proto_tree *tree, int proto_sip, int proto_data)
{
    GPtrArray *items = proto_get_finfo_ptr_array(tree, proto_sip);
    GPtrArray *data_items = proto_data > 0 ? proto_get_finfo_ptr_array(tree, proto_data) : NULL;
    guint ordinal = 0;
    gboolean kept = FALSE;   /* a record of this frame was made */

    if (!items && !data_items)
        return NULL;
    /* SIP quoted in an ICMP error is a copy of a packet sent earlier (and
     * usually cut), not traffic: nothing to check (STYLE.md pitfall 9). */
    if (frame_has(tree, proto_icmp) || frame_has(tree, proto_icmpv6))
        return NULL;
    /* RFC 3261 §18.3: framing by Content-Length on stream transports (TCP,
     * TLS over it). SCTP is read the same way (a message at the end of the
     * data may be cut, no body is inferred without Content-Length), but is
     * message-based and not asked for Content-Length (message_transport).
     * WebSocket frames each message itself, so Content-Length is not
     * needed there (RFC 7118 §5). */
    gboolean stream = (pinfo->ptype == PT_TCP || pinfo->ptype == PT_SCTP) && !frame_has(tree, proto_websocket);

    for (guint i = 0; data_items && i < data_items->len && ordinal < SIP4XX_MAX_MSGS_PER_FRAME; i++) {
        const field_info *fi = (const field_info *)data_items->pdata[i];
        if (!fi->ds_tvb || fi->start < 0 || fi->length <= 0)
            continue;
        gint avail = MIN(fi->length, tvb_captured_length_remaining(fi->ds_tvb, fi->start));
        if (avail <= 0 || !rejected_sip(pinfo, fi->ds_tvb, fi->start, avail))
            continue;
        examine(frame_tvb, pinfo, stream, fi->ds_tvb, fi->start, avail, TRUE, (guint16)ordinal++, &kept);
    }

    tvbuff_t *last_ds = NULL;
    gint last_end = 0;
    for (guint i = 0; items && i < items->len && ordinal < SIP4XX_MAX_MSGS_PER_FRAME; i++) {
        const field_info *fi = (const field_info *)items->pdata[i];
        tvbuff_t *ds = fi->ds_tvb;
        gint start = fi->start;
        if (!ds || start < 0)
            continue;
        /* A `sip` item inside the previous message (a message/sipfrag body)
         * belongs to that message. */
        if (ds == last_ds && start < last_end)
            continue;
        gint avail = tvb_captured_length_remaining(ds, start);
        if (avail <= 0)
            continue;
        for (guint j = i + 1; j < items->len; j++) {
            const field_info *next = (const field_info *)items->pdata[j];
            if (next->ds_tvb == ds && next->start > start && next->start - start < avail)
                avail = next->start - start;
        }
        guint32 used = examine(frame_tvb, pinfo, stream, ds, start, avail, FALSE, (guint16)ordinal++, &kept);
        last_ds = ds;
        last_end = start + (gint)MAX(used, 1u);
    }
    /* Only this frame's own messages make its record on the first pass
     * (a 4xx linking back to its request in the same frame is kept
     * itself), so a frame that kept nothing needs no lookup: most frames. */
    return kept ? sip4xx_state_record(pinfo->num) : NULL;
}
