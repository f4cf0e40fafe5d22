/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the per-frame records every pass renders from, kept compact:
 * a frame's records are encoded into one byte string, its length first
 * (include/sip4xx/bytes.h), holding only the fields each message has (a
 * request the limits left untracked takes about 10 bytes, a 4xx with its
 * links and cause about 30), the strings
 * as pointers to their file-scope copies, in chunks of file-scope memory,
 * found through a frame -> bytes map (include/sip4xx/map.h). Rendering
 * gets the records decoded into the packet's scope; the first pass builds
 * the current frame's records decoded (staged) and encodes them once the
 * frame is done.
 *
 * A frame has records only for messages with something to show
 * (extract.c): most SIP frames have none. A later message's link to an
 * earlier one (the 4xx that answered a request, the retry after a 4xx)
 * re-encodes that earlier frame's records, made when it had none. */
#include "sip4xx_ws.h"

#include <string.h>

#include "sip4xx/bytes.h"
#include "sip4xx/map.h"

/* Which optional fields follow a record's fixed part. */
enum {
    R_CODE         = 1u << 0,
    R_MALFORMED    = 1u << 1,    /* malformed and duplicate */
    R_FINDINGS     = 1u << 2,
    R_REQUEST_IN   = 1u << 3,    /* request_in and the delta */
    R_RESPONSE_IN  = 1u << 4,    /* response_in / first_final_in */
    R_RETRY_IN     = 1u << 5,
    R_RETRY_OF     = 1u << 6,
    R_CAUSE_CLASS  = 1u << 7,
    R_VERDICT      = 1u << 8,
    R_METHOD       = 1u << 9,
    R_REASON       = 1u << 10,
    R_CAUSE        = 1u << 11,
    R_VERDICT_TEXT = 1u << 12,
};

/* The most bytes a record encodes to: the fixed part and every optional
 * number at 5 bytes, three pointers, and 3 bytes a finding. */
#define RECORD_FIXED_MAX (2 + 5 + 1 + 1 + 5 + 5 + 5 + 5 + 1 + 1 + 5 + 5 + 5 + 5 + 5 + 5 + 1 + 1 + 1 + 3 * 8)

/* Chunks records are carved from: never freed one by one (file scope
 * frees them with the file), so no header per record. */
#define CHUNK_SIZE (64 * 1024)

static sip4xx_map_t frames;          /* frame number -> encoded records */
static gboolean ready;
static guint8 *chunk;
static size_t chunk_used;

/* The frame the first pass is reading, its records decoded (their
 * findings in the packet's scope); kept once the frame is done (flushed),
 * and then only rendered from, in that packet. */
static guint32 staged_frame;
static sip4xx_frame_record_t *staged;
static gboolean staged_dirty, staged_flushed;

/* The block an earlier frame's records are decoded into to be updated. */
static sip4xx_frame_record_t *scratch;

/* ------------------------------------------------------------ encoding */

static void put_ptr(sip4xx_out_t *o, const char *s)
{
    sip4xx_put(o, &s, sizeof s);
}

static void encode_one(sip4xx_out_t *o, const sip4xx_msg_record_t *r)
{
    guint16 bits = (guint16)((r->code ? R_CODE : 0) | (r->malformed || r->duplicate ? R_MALFORMED : 0) |
                             (r->n_findings ? R_FINDINGS : 0) | (r->request_in ? R_REQUEST_IN : 0) |
                             (r->response_in ? R_RESPONSE_IN : 0) | (r->retry_in ? R_RETRY_IN : 0) |
                             (r->retry_of ? R_RETRY_OF : 0) | (r->cause_class ? R_CAUSE_CLASS : 0) |
                             (r->verdict ? R_VERDICT : 0) | (r->method ? R_METHOD : 0) |
                             (r->reason_sent ? R_REASON : 0) | (r->cause ? R_CAUSE : 0) |
                             (r->verdict_text ? R_VERDICT_TEXT : 0));
    sip4xx_put_u8(o, (guint8)bits);
    sip4xx_put_u8(o, (guint8)(bits >> 8));
    sip4xx_put_varint(o, r->ordinal);
    sip4xx_put_u8(o, r->kind);
    sip4xx_put_u8(o, r->flags);
    sip4xx_put_varint(o, r->start);
    sip4xx_put_varint(o, r->len);
    if (bits & R_CODE)
        sip4xx_put_varint(o, r->code);
    if (bits & R_MALFORMED) {
        sip4xx_put_varint(o, r->malformed);
        sip4xx_put_u8(o, r->duplicate);
    }
    if (bits & R_FINDINGS) {
        sip4xx_put_u8(o, r->n_findings);
        for (guint k = 0; k < r->n_findings; k++)
            sip4xx_put_varint(o, r->findings[k]);
    }
    if (bits & R_REQUEST_IN) {
        sip4xx_put_varint(o, r->request_in);
        /* zigzag: a capture's clock may step back */
        sip4xx_put_varint(o, ((guint32)r->delta_secs << 1) ^ (guint32)(r->delta_secs >> 31));
        sip4xx_put_varint(o, (guint32)r->delta_nsecs);
    }
    if (bits & R_RESPONSE_IN)
        sip4xx_put_varint(o, r->response_in);
    if (bits & R_RETRY_IN)
        sip4xx_put_varint(o, r->retry_in);
    if (bits & R_RETRY_OF)
        sip4xx_put_varint(o, r->retry_of);
    if (bits & R_CAUSE_CLASS)
        sip4xx_put_u8(o, r->cause_class);
    if (bits & R_VERDICT)
        sip4xx_put_u8(o, r->verdict);
    if (bits & R_METHOD)
        sip4xx_put_u8(o, r->method);
    if (bits & R_REASON)
        put_ptr(o, r->reason_sent);
    if (bits & R_CAUSE)
        put_ptr(o, r->cause);
    if (bits & R_VERDICT_TEXT)
        put_ptr(o, r->verdict_text);
}

/* File-scope bytes for an encoded frame: from the current chunk, or a
 * block of its own when large (a TCP segment of many messages). */
static guint8 *keep_bytes(size_t n)
{
    if (n > CHUNK_SIZE / 4)
        return (guint8 *)wmem_alloc(wmem_file_scope(), n);
    if (!chunk || chunk_used + n > CHUNK_SIZE) {
        chunk = (guint8 *)wmem_alloc(wmem_file_scope(), CHUNK_SIZE);
        chunk_used = 0;
    }
    guint8 *p = chunk + chunk_used;
    chunk_used += n;
    return p;
}

/* Encode rec as frame's records (replacing any it had). Their length
 * goes first, so the bytes read back bounded without a separate size. */
static void store(guint32 frame, const sip4xx_frame_record_t *rec)
{
    guint8 small[1024];
    size_t need = 5;
    for (guint i = 0; i < rec->n_msgs; i++)
        need += RECORD_FIXED_MAX + 3u * rec->msgs[i].n_findings;
    guint8 *tmp = need <= sizeof small ? small : (guint8 *)g_malloc(need);
    sip4xx_out_t o = { tmp, 0 };
    sip4xx_put_varint(&o, rec->n_msgs);
    for (guint i = 0; i < rec->n_msgs; i++)
        encode_one(&o, &rec->msgs[i]);
    sip4xx_out_t kept = { keep_bytes(sip4xx_varint_size((guint32)o.used) + o.used), 0 };
    sip4xx_put_varint(&kept, (guint32)o.used);
    sip4xx_put(&kept, tmp, o.used);
    if (tmp != small)
        g_free(tmp);
    sip4xx_map_put(&frames, frame, kept.p);
}

/* ------------------------------------------------------------ decoding */

static const char *get_ptr(sip4xx_in_t *in)
{
    const char *s;
    sip4xx_get(in, &s, sizeof s);
    return s;
}

/* The scope of the packet being dissected (pinfo->pool), set by
 * dissect_sip4xx for each frame: decoded findings live until the end of
 * the packet. Wireshark 4.6 has no wmem_packet_scope(). */
static wmem_allocator_t *packet_pool;

void sip4xx_records_packet(wmem_allocator_t *pool)
{
    packet_pool = pool;
}

static void decode_one(sip4xx_in_t *in, sip4xx_msg_record_t *r)
{
    memset(r, 0, sizeof *r);
    guint16 bits = sip4xx_get_u8(in);
    bits = (guint16)(bits | sip4xx_get_u8(in) << 8);
    r->ordinal = (guint16)sip4xx_get_varint(in);
    r->kind = sip4xx_get_u8(in);
    r->flags = sip4xx_get_u8(in);
    r->start = sip4xx_get_varint(in);
    r->len = sip4xx_get_varint(in);
    if (bits & R_CODE)
        r->code = (guint16)sip4xx_get_varint(in);
    if (bits & R_MALFORMED) {
        r->malformed = (guint16)sip4xx_get_varint(in);
        r->duplicate = sip4xx_get_u8(in);
    }
    if (bits & R_FINDINGS) {
        r->n_findings = sip4xx_get_u8(in);
        r->findings = wmem_alloc_array(packet_pool, guint16, r->n_findings);
        for (guint k = 0; k < r->n_findings; k++)
            r->findings[k] = (guint16)sip4xx_get_varint(in);
    }
    if (bits & R_REQUEST_IN) {
        r->request_in = sip4xx_get_varint(in);
        guint32 z = sip4xx_get_varint(in);
        r->delta_secs = (gint32)((z >> 1) ^ (0u - (z & 1u)));
        r->delta_nsecs = (gint32)sip4xx_get_varint(in);
    }
    if (bits & R_RESPONSE_IN)
        r->response_in = sip4xx_get_varint(in);
    if (bits & R_RETRY_IN)
        r->retry_in = sip4xx_get_varint(in);
    if (bits & R_RETRY_OF)
        r->retry_of = sip4xx_get_varint(in);
    if (bits & R_CAUSE_CLASS)
        r->cause_class = sip4xx_get_u8(in);
    if (bits & R_VERDICT)
        r->verdict = sip4xx_get_u8(in);
    if (bits & R_METHOD)
        r->method = sip4xx_get_u8(in);
    if (bits & R_REASON)
        r->reason_sent = get_ptr(in);
    if (bits & R_CAUSE)
        r->cause = get_ptr(in);
    if (bits & R_VERDICT_TEXT)
        r->verdict_text = get_ptr(in);
}

/* frame's records decoded (room for `extra` more), or NULL when it has
 * none and extra is 0: the record in scope (NULL: g_malloc, to grow or
 * free), or into *reuse (g_malloc'd, grown when short) when given; its
 * findings in the packet's scope. */
static sip4xx_frame_record_t *load(guint32 frame, wmem_allocator_t *scope, guint extra,
                                   sip4xx_frame_record_t *reuse)
{
    const guint8 *bytes = ready ? (const guint8 *)sip4xx_map_get(&frames, frame) : NULL;
    if (!bytes && !extra)
        return NULL;
    sip4xx_in_t in = { bytes, 5, 0 };
    if (bytes) {
        in.n = sip4xx_get_varint(&in);   /* the length store() put first */
        in.p += in.at;
        in.at = 0;
    }
    guint n = bytes ? sip4xx_get_varint(&in) : 0;
    guint cap = n + extra;
    sip4xx_frame_record_t *rec = reuse;
    if (!rec || rec->cap < cap) {
        size_t size = sizeof *rec + cap * sizeof rec->msgs[0];
        rec = reuse ? (sip4xx_frame_record_t *)g_realloc(reuse, size)
                    : (sip4xx_frame_record_t *)wmem_alloc(scope, size);
        rec->cap = (guint16)cap;
    }
    rec->n_msgs = (guint16)n;
    for (guint i = 0; i < n; i++)
        decode_one(&in, &rec->msgs[i]);
    return rec;
}

/* ---------------------------------------------------------------- API */

void sip4xx_records_init(void)
{
    ready = sip4xx_map_init(&frames, &sip4xx_file_allocator);
    chunk = NULL;
    chunk_used = 0;
    staged_frame = 0;
    staged = NULL;
    staged_dirty = staged_flushed = FALSE;
}

void sip4xx_records_cleanup(void)
{
    /* Everything lives in file scope: Wireshark frees it with the file. */
    ready = FALSE;
    chunk = NULL;
    g_free(staged);
    staged = NULL;
    g_free(scratch);
    scratch = NULL;
}

/* The first pass is done with the staged frame: keep its records. */
static void flush_staged(void)
{
    if (staged && staged_dirty && staged->n_msgs && ready)
        store(staged_frame, staged);
    staged_dirty = FALSE;
    staged_flushed = TRUE;
}

static gboolean is_staged(guint32 frame)
{
    return staged && frame == staged_frame && !staged_flushed;
}

sip4xx_frame_record_t *sip4xx_state_record(guint32 frame)
{
    if (is_staged(frame)) {
        /* The end of the frame's first pass: kept, and rendered from. */
        flush_staged();
        return staged->n_msgs ? staged : NULL;
    }
    return load(frame, packet_pool, 0, NULL);
}

/* The slot of message `ordinal` in rec, made (in frame order) when
 * missing; rec must have room. */
static sip4xx_msg_record_t *slot_in(sip4xx_frame_record_t *rec, guint16 ordinal)
{
    for (guint i = 0; i < rec->n_msgs; i++)
        if (rec->msgs[i].ordinal == ordinal)
            return &rec->msgs[i];
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

sip4xx_msg_record_t *sip4xx_state_msg(guint32 frame, guint16 ordinal)
{
    if (!ready)
        return NULL;
    if (!is_staged(frame)) {
        /* A new frame on the first pass: the previous one is done. The
         * staging block is reused (most frames hold one message). */
        flush_staged();
        if (!staged) {
            staged = (sip4xx_frame_record_t *)g_malloc(sizeof *staged + 4 * sizeof staged->msgs[0]);
            staged->cap = 4;
        }
        staged = load(frame, NULL, 1, staged);
        staged_frame = frame;
        staged_flushed = FALSE;
    } else if (staged->n_msgs == staged->cap) {
        if (staged->cap >= SIP4XX_MAX_MSGS_PER_FRAME)
            return NULL;
        guint cap = MIN(staged->cap * 2u, SIP4XX_MAX_MSGS_PER_FRAME);
        staged = (sip4xx_frame_record_t *)g_realloc(staged, sizeof *staged + cap * sizeof staged->msgs[0]);
        staged->cap = (guint16)cap;
    }
    staged_dirty = TRUE;
    return slot_in(staged, ordinal);
}

void sip4xx_records_update(guint32 frame, guint16 ordinal, void (*fn)(sip4xx_msg_record_t *r, const void *arg),
                           const void *arg)
{
    if (!ready)
        return;
    if (is_staged(frame)) {
        sip4xx_msg_record_t *r = sip4xx_state_msg(frame, ordinal);
        if (r)
            fn(r, arg);
        return;
    }
    /* An earlier frame: its records decoded, changed, encoded again, in
     * a block kept from one update to the next (a 4xx makes one). */
    sip4xx_frame_record_t *rec = load(frame, NULL, 1, scratch);
    scratch = rec;
    fn(slot_in(rec, ordinal), arg);
    store(frame, rec);
}
