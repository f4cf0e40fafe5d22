/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — what a 4xx needs of its request and what a retry is compared
 * with: request and response summaries, bounded copies with no pointers
 * into packet bytes (see include/sip4xx/txn.h). */
#include "sip4xx/txn.h"

#include <stddef.h>
#include <string.h>

#include "lists.h"
#include "sip4xx/text.h"

/* ---------------------------------------------------------- summaries */


/* Headers a retry changes by design (new branch, new CSeq) or that hops
 * and clocks rewrite; the rest of the request is what "without
 * modification" (RFC 3261 §21.4) compares. */
static const sip4xx_hset_t fingerprint_skip_ids =
    SIP4XX_HBIT(VIA) | SIP4XX_HBIT(CSEQ) | SIP4XX_HBIT(CONTENT_LENGTH) | SIP4XX_HBIT(MAX_FORWARDS) |
    SIP4XX_HBIT(RECORD_ROUTE);

/* Whether v holds the text "expires" in any case: a Contact value without
 * it (most) has no ;expires= to parse. Its 'x' (or 'X') is looked for
 * eight bytes a step, at the places the byte loop below looks (from 1, so
 * that the 'e' fits before it). */
static bool mentions_expires(sip4xx_span_t v)
{
    uint32_t i = 1;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (i + 8 <= v.len) {
        uint64_t w;
        memcpy(&w, v.ptr + i, 8);
        /* Bytes equal to 'x' once 0x20 is set ('x' and 'X' only) are
         * marked; the lowest mark is exact (a borrow marks only bytes
         * above a match), and the search goes on after it. */
        uint64_t x = (w | ones * 0x20) ^ (ones * 'x');
        uint64_t hit = (x - ones) & ~x & highs;
        if (!hit) {
            i += 8;
            continue;
        }
        i += (uint32_t)__builtin_ctzll(hit) >> 3;
        if (i + 6 <= v.len && sip4xx_eq_ci(v.ptr + i - 1, "expires", 7))
            return true;
        i++;
    }
#endif
    for (; i + 6 <= v.len; i++)
        if ((v.ptr[i] | 0x20) == 'x' && sip4xx_eq_ci(v.ptr + i - 1, "expires", 7))
            return true;
    return false;
}

/* What a summary gathers header by header; shared by the two entry
 * points below so that both give the same summary. */
typedef struct {
    sip4xx_req_summary_t *s;
    uint64_t headers_fp;     /* hash of the headers a retry should keep */
    uint64_t afp;            /* hash of the credentials */
    bool started;            /* *s zeroed (sip4xx_parse_summarize) */
    bool refused;            /* a response or an ACK, seen at the first header */
} summary_walk_t;

/* What the summary reads of the headers it reads: one reader per header
 * (SUMMARY_LISTS and SUMMARY_READERS below). A header without a reader
 * only goes into the fingerprint. */
typedef void summary_reader_fn(summary_walk_t *w, sip4xx_header_id_t id, sip4xx_span_t v);

/* A header whose values the summary keeps as a list: the list is the
 * field of the summary that SUMMARY_LISTS names for the header. */
static void read_list(summary_walk_t *w, sip4xx_header_id_t id, sip4xx_span_t v);

static void read_session_expires(summary_walk_t *w, sip4xx_header_id_t id, sip4xx_span_t v)
{
    sip4xx_req_summary_t *s = w->s;
    sip4xx_span_t head, params;
    (void)id;
    sip4xx_split_at(v, ';', &head, &params);
    if (!s->has_session_expires)
        s->has_session_expires = sip4xx_to_u32(head, &s->session_expires);
}

static void read_expires(summary_walk_t *w, sip4xx_header_id_t id, sip4xx_span_t v)
{
    sip4xx_req_summary_t *s = w->s;
    (void)id;
    if (!s->has_expires && !(s->has_expires = sip4xx_to_u32(v, &s->expires)))
        s->defects |= SIP4XX_DEFECT_EXPIRES;
}

static void read_max_forwards(summary_walk_t *w, sip4xx_header_id_t id, sip4xx_span_t v)
{
    sip4xx_req_summary_t *s = w->s;
    (void)id;
    if (!s->has_max_forwards && !(s->has_max_forwards = sip4xx_to_u32(v, &s->max_forwards)))
        s->defects |= SIP4XX_DEFECT_MAX_FORWARDS;
    /* Its value changes hop by hop, but gaining or losing the header is a
     * modification (a fix after 400, §8.1.1). */
    w->headers_fp = sip4xx_hash_words(w->headers_fp, "Max-Forwards", 12, false);
}

static void read_contact(summary_walk_t *w, sip4xx_header_id_t id, sip4xx_span_t v)
{
    sip4xx_req_summary_t *s = w->s;
    sip4xx_span_t e, item;
    (void)id;
    /* The smallest ;expires= over every Contact entry (RFC 3261 §10.2.1.1). */
    sip4xx_span_t rest = mentions_expires(v) ? v : (sip4xx_span_t){ v.ptr, 0 };
    for (int guard = 0; rest.len && guard < 32; guard++) {
        uint32_t x;
        sip4xx_split_at(rest, ',', &item, &rest);
        if (sip4xx_param(sip4xx_header_params(item), "expires", &e) && sip4xx_to_u32(e, &x) &&
            (!s->has_contact_expires || x < s->contact_expires)) {
            s->has_contact_expires = true;
            s->contact_expires = x;
        }
    }
}

static void read_credentials(summary_walk_t *w, sip4xx_header_id_t id, sip4xx_span_t v)
{
    sip4xx_req_summary_t *s = w->s;
    sip4xx_span_t e;
    if (sip4xx_auth_param(v, "realm", &e))
        sip4xx_realms_add(id == SIP4XX_H_AUTHORIZATION ? &s->auth_realms : &s->proxy_auth_realms, e);
    w->afp = sip4xx_hash_bytes(w->afp, v.ptr, v.len, false);
}

/* The headers the summary reads, listed once: those kept as a list
 * (header, field of the summary) and the others (header, reader). The
 * reader table, the lists' places and the bit set the hot path tests
 * all come from these two lists. */
#define SUMMARY_LISTS(X)                                                                         \
    X(CONTENT_TYPE, content_type) X(CONTENT_ENCODING, content_encoding)                          \
    X(CONTENT_LANGUAGE, content_language) X(REQUIRE, require)                                   \
    X(PROXY_REQUIRE, proxy_require) X(SUPPORTED, supported)
#define SUMMARY_READERS(X)                                                                       \
    X(SESSION_EXPIRES, read_session_expires) X(EXPIRES, read_expires)                           \
    X(MAX_FORWARDS, read_max_forwards) X(CONTACT, read_contact)                                 \
    X(AUTHORIZATION, read_credentials) X(PROXY_AUTHORIZATION, read_credentials)

#define LIST_ENTRY(hdr, field) [SIP4XX_H_##hdr] = read_list,
#define LIST_PLACE(hdr, field) [SIP4XX_H_##hdr] = offsetof(sip4xx_req_summary_t, field),
#define READER_ENTRY(hdr, fn) [SIP4XX_H_##hdr] = fn,
#define READER_BIT(hdr, any) SIP4XX_HBIT(hdr) |
static summary_reader_fn *const summary_readers[SIP4XX_H__COUNT] = {
    SUMMARY_LISTS(LIST_ENTRY) SUMMARY_READERS(READER_ENTRY)
};
static const size_t summary_list_at[SIP4XX_H__COUNT] = { SUMMARY_LISTS(LIST_PLACE) };
static const sip4xx_hset_t read_ids = SUMMARY_LISTS(READER_BIT) SUMMARY_READERS(READER_BIT) 0;
#undef LIST_ENTRY
#undef LIST_PLACE
#undef READER_ENTRY
#undef READER_BIT

static void read_list(summary_walk_t *w, sip4xx_header_id_t id, sip4xx_span_t v)
{
    sip4xx_list_add_value((sip4xx_list_t *)(void *)((char *)w->s + summary_list_at[id]), v);
}

/* Kept out of line where summary_header_of_request reaches them by a
 * tail call: its common case then saves two registers, not six. */
#if defined(__GNUC__)
#define SUMMARY_COLD __attribute__((noinline))
#else
#define SUMMARY_COLD
#endif

/* A header the core does not track into the fingerprint: by its name, in
 * any case, then its value. */
static SUMMARY_COLD bool fingerprint_other(summary_walk_t *w, sip4xx_span_t name, sip4xx_span_t v)
{
    if ((name.len == 4 && sip4xx_eq_ci(name.ptr, "Date", 4)) ||
        (name.len == 9 && sip4xx_eq_ci(name.ptr, "Timestamp", 9)))
        return true;
    /* Folded: names the core does not know compare in any case (RFC 3261 §7.3.1). */
    w->headers_fp = sip4xx_hash_words(w->headers_fp, name.ptr, name.len, true);
    w->headers_fp = sip4xx_hash_words(w->headers_fp, v.ptr, v.len, false);
    return true;
}

/* A header that only goes into the fingerprint (most of them). */
static inline bool fingerprint_only(summary_walk_t *w, sip4xx_header_id_t id, sip4xx_span_t name, sip4xx_span_t v)
{
    if (id >= SIP4XX_H__COUNT)
        return fingerprint_other(w, name, v);
    if ((fingerprint_skip_ids >> id) & 1u)
        return true;
    /* A known header by its id (its compact and long forms are the same
     * header, RFC 3261 §7.3.3), mixed into the hash before its value in
     * one step. */
    w->headers_fp = (w->headers_fp ^ (uint64_t)(id + 1)) * 0xff51afd7ed558ccdull;
    w->headers_fp = sip4xx_hash_words(w->headers_fp, v.ptr, v.len, false);
    return true;
}

static SUMMARY_COLD bool summary_header(void *ctx, const sip4xx_msg_t *m, sip4xx_header_id_t id,
                                        sip4xx_span_t name, sip4xx_span_t v)
{
    summary_walk_t *w = (summary_walk_t *)ctx;
    (void)m;
    if (id < SIP4XX_H__COUNT && ((read_ids >> id) & 1u))
        summary_readers[id](w, id, v);
    if (id == SIP4XX_H_FROM) {
        /* A new request gets a new From tag (RFC 3261 §8.1.1.3): what a
         * retry keeps is the address, not the tag. */
        sip4xx_span_t params = sip4xx_header_params(v);
        v.len = (uint32_t)(params.ptr && params.len ? params.ptr - v.ptr : v.len);
    }
    return fingerprint_only(w, id, name, v);
}

/* Whether a and b, n bytes each, are the same; a method (4 to 8 bytes,
 * most) as two overlapping four-byte words. */
static inline bool same_bytes(const char *a, const char *b, size_t n)
{
    if (n >= 4 && n <= 8) {
        uint32_t a0, a1, b0, b1;
        memcpy(&a0, a, 4);
        memcpy(&b0, b, 4);
        memcpy(&a1, a + n - 4, 4);
        memcpy(&b1, b + n - 4, 4);
        return a0 == b0 && a1 == b1;
    }
    return memcmp(a, b, n) == 0;
}

/* What comes from the whole parsed model, once the headers are walked. */
static void summary_finish(const sip4xx_msg_t *m, size_t n_missing, const summary_walk_t *w)
{
    sip4xx_req_summary_t *s = w->s;
    sip4xx_copy_span(s->method, sizeof s->method, m->method);
    /* The scheme's ':' is a few bytes in: looked for in a loop, not with
     * a call. */
    const char *colon = NULL;
    for (uint32_t i = 0; i < m->request_uri.len; i++)
        if (m->request_uri.ptr[i] == ':') {
            colon = m->request_uri.ptr + i;
            break;
        }
    if (colon)
        sip4xx_copy_span(s->uri_scheme, sizeof s->uri_scheme,
                  (sip4xx_span_t){ m->request_uri.ptr, (uint32_t)(colon - m->request_uri.ptr) });
    s->uri_len = m->request_uri.len;
    s->in_dialog = m->to_tag;
    s->body_len = m->msg_len > m->header_len ? m->msg_len - m->header_len : 0;
    if (m->has_content_length && m->content_length > s->body_len)
        s->body_len = m->content_length;
    s->malformed = m->malformed;
    s->missing_rules = (uint32_t)n_missing;
    s->incomplete = m->truncated;
    if (m->cseq_method.len && m->method.len &&
        (m->cseq_method.len != m->method.len || !same_bytes(m->cseq_method.ptr, m->method.ptr, m->method.len)))
        s->defects |= SIP4XX_DEFECT_CSEQ_METHOD;

    /* sip4xx_hash_words reads nothing of an empty span (a null ptr included). */
    uint64_t h = sip4xx_hash_words(SIP4XX_HASH_START, m->method.ptr, m->method.len, false);
    h = sip4xx_hash_words(h, m->request_uri.ptr, m->request_uri.len, false);
    h = sip4xx_hash_words(h, (const char *)&w->headers_fp, sizeof w->headers_fp, false);
    if (m->msg_len > m->header_len && m->raw.ptr)
        h = sip4xx_hash_words(h, m->raw.ptr + m->header_len, m->msg_len - m->header_len, false);
    s->fingerprint = h;
    s->auth_fingerprint = w->afp;
}

void sip4xx_summarize_request(const sip4xx_msg_t *m, size_t n_missing, sip4xx_req_summary_t *s)
{
    summary_walk_t w = { s, SIP4XX_HASH_START, SIP4XX_HASH_START, true, false };
    memset(s, 0, sizeof *s);
    uint32_t cur = 0;
    sip4xx_span_t name, v;
    sip4xx_header_id_t id;
    while (sip4xx_next_header_id(m, &cur, &name, &v, &id))
        summary_header(&w, m, id, name, v);
    summary_finish(m, n_missing, &w);
}

/* Whether a request's summary can be read: an ACK opens no transaction
 * and is no retry (RFC 3261 §17.1.1.3, §13.2.2.4), so nothing reads its. */
static bool summary_wanted(const sip4xx_msg_t *m)
{
    return m->kind == SIP4XX_MSG_REQUEST && !sip4xx_span_is(m->method, "ACK");
}

/* The first header of sip4xx_parse_summarize's walk: a response or an
 * ACK (its start line is read before any header) is left alone, and the
 * parse stops calling; a request's summary is zeroed. */
static SUMMARY_COLD bool summary_first_header(void *ctx, const sip4xx_msg_t *m, sip4xx_header_id_t id, sip4xx_span_t name,
                                 sip4xx_span_t v)
{
    summary_walk_t *w = (summary_walk_t *)ctx;
    if (!summary_wanted(m)) {
        w->refused = true;
        return false;
    }
    memset(w->s, 0, sizeof *w->s);
    w->started = true;
    return summary_header(ctx, m, id, name, v);
}

/* The walk's callback, on every header line of every message: what is
 * not the common case (the first header, a header the summary reads) is
 * a tail call, so that the common case is a leaf. */
static bool summary_header_of_request(void *ctx, const sip4xx_msg_t *m, sip4xx_header_id_t id, sip4xx_span_t name,
                                      sip4xx_span_t v)
{
    summary_walk_t *w = (summary_walk_t *)ctx;
    if (!w->started)
        return summary_first_header(ctx, m, id, name, v);
    /* the headers the summary reads, and From, whose tag the fingerprint
     * leaves out */
    if (id < SIP4XX_H__COUNT && (((read_ids | SIP4XX_HBIT(FROM)) >> id) & 1u))
        return summary_header(ctx, m, id, name, v);
    return fingerprint_only(w, id, name, v);
}

uint32_t sip4xx_parse_summarize(const uint8_t *buf, size_t len, sip4xx_msg_t *m, sip4xx_req_summary_t *s)
{
    summary_walk_t w = { s, SIP4XX_HASH_START, SIP4XX_HASH_START, false, false };
    uint32_t used = sip4xx_parse_each(buf, len, m, summary_header_of_request, &w);
    /* The kind and the method come from the start line, read before any
     * header: the walk's first header decided, and a message without
     * headers is decided here. */
    if (w.started || (!w.refused && summary_wanted(m))) {
        if (!w.started)
            memset(s, 0, sizeof *s);
        summary_finish(m, 0, &w);
    }
    return used;
}

void sip4xx_summarize_response(const sip4xx_msg_t *m, sip4xx_resp_summary_t *s)
{
    memset(s, 0, sizeof *s);
    s->code = (uint16_t)m->code;
    sip4xx_header_id_t challenge = m->code == 407 ? SIP4XX_H_PROXY_AUTHENTICATE : SIP4XX_H_WWW_AUTHENTICATE;
    sip4xx_realms_from(m, challenge, &s->realms, NULL, &s->stale);
    if (sip4xx_msg_has(m, SIP4XX_H_MIN_EXPIRES))
        s->has_min_expires = sip4xx_to_u32(m->value[SIP4XX_H_MIN_EXPIRES], &s->min_expires);
    if (sip4xx_msg_has(m, SIP4XX_H_MIN_SE)) {
        sip4xx_span_t head, params;
        sip4xx_split_at(m->value[SIP4XX_H_MIN_SE], ';', &head, &params);
        s->has_min_se = sip4xx_to_u32(head, &s->min_se);
    }
    sip4xx_list_from(m, SIP4XX_H_UNSUPPORTED, &s->unsupported);
    sip4xx_list_from(m, SIP4XX_H_ACCEPT, &s->accept);
}
