/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the keys that tie messages together: the transaction key
 * (RFC 3261 §17.1.3, with the RFC 2543 fallback), the retry key of a
 * client's successive attempts, the Call-ID and the tags (see
 * include/sip4xx/txn.h). Pure C over the model. */
#include "sip4xx/txn.h"

#include <stdio.h>
#include <string.h>

#include "lists.h"
#include "sip4xx/text.h"

/* --------------------------------------------------------------- keys */

/* sip4xx_msg_has for the headers named here (all below SIP4XX_H__COUNT):
 * the bit of m->present, read inline, as keys are taken on every message
 * and a call per header read cost more than the test. */
static inline bool has(const sip4xx_msg_t *m, sip4xx_header_id_t id)
{
    return (m->present >> id) & 1u;
}

/* The branch parameter of the top Via value. This runs for every message,
 * so it jumps from ';' to ';' with memchr instead of tracking quotes: a
 * via-param is a token or a host (RFC 3261 §25.1 via-params), and the
 * only quoted strings a Via may carry are in generic parameters, which
 * never hold the text ";branch=". */
static bool top_via_branch(const sip4xx_msg_t *m, sip4xx_span_t *branch)
{
    if (!has(m, SIP4XX_H_VIA))
        return false;
    const char *p = m->value[SIP4XX_H_VIA].ptr;
    const char *end = p + m->value[SIP4XX_H_VIA].len;
    const char *comma = memchr(p, ',', (size_t)(end - p));
    if (comma)
        end = comma;                       /* the top Via value only */
    while ((p = memchr(p, ';', (size_t)(end - p))) != NULL) {
        p++;
        while (p < end && sip4xx_is_lws(*p))
            p++;
        if (end - p > 6 && sip4xx_eq_ci(p, "branch", 6)) {
            const char *q = p + 6;
            while (q < end && sip4xx_is_lws(*q))
                q++;
            if (q < end && *q == '=') {
                q++;
                while (q < end && sip4xx_is_lws(*q))
                    q++;
                const char *v = q;
                q = sip4xx_param_value_end(q, end);
                *branch = (sip4xx_span_t){ v, (uint32_t)(q - v) };
                return branch->len > 0;
            }
        }
    }
    return false;
}


/* Parts of a key, each hashed with its length first (sip4xx_hash_words),
 * inline: a transaction key is three or four parts on nearly every
 * message, and a constant part ("b", "c") folds to a constant. */
static inline uint64_t part(uint64_t h, const char *p, size_t n)
{
    return p ? sip4xx_hash_words(h, p, n, false) : h;
}

bool sip4xx_call_key(const sip4xx_msg_t *m, uint64_t *key)
{
    if (!has(m, SIP4XX_H_CALL_ID) || !m->value[SIP4XX_H_CALL_ID].len)
        return false;
    /* RFC 3261 §20.8: Call-IDs compare byte for byte. */
    *key = part(SIP4XX_HASH_START, m->value[SIP4XX_H_CALL_ID].ptr, m->value[SIP4XX_H_CALL_ID].len);
    return true;
}

static bool from_tag(const sip4xx_msg_t *m, sip4xx_span_t *tag)
{
    return has(m, SIP4XX_H_FROM) && sip4xx_name_addr_tag(m->value[SIP4XX_H_FROM], tag);
}

bool sip4xx_from_tag_key(const sip4xx_msg_t *m, uint64_t *key)
{
    sip4xx_span_t tag;
    if (!from_tag(m, &tag))
        return false;
    *key = part(SIP4XX_HASH_START, tag.ptr, tag.len);
    return true;
}

bool sip4xx_to_tag_key(const sip4xx_msg_t *m, uint64_t *key)
{
    /* The parse read the tag already (it decides to_tag): not again. */
    if (!m->to_tag)
        return false;
    *key = part(SIP4XX_HASH_START, m->to_tag_value.ptr, m->to_tag_value.len);
    return true;
}

static sip4xx_span_t cseq_method(const sip4xx_msg_t *m)
{
    return m->cseq_method.len ? m->cseq_method : m->method;
}


/* The From tag, read at most once per message by whichever key needs it
 * first (sip4xx_keys_t holds one). */
typedef sip4xx_tag_cache_t tag_cache_t;

static bool cached_from_tag(const sip4xx_msg_t *m, tag_cache_t *c, sip4xx_span_t *tag)
{
    if (!c->read) {
        c->read = true;
        c->found = from_tag(m, &c->tag);
        if (!c->found)
            c->tag = (sip4xx_span_t){ "", 0 };
    }
    *tag = c->tag;
    return c->found;
}

static bool txn_key_as(const sip4xx_msg_t *m, const char *method, size_t method_len, tag_cache_t *tc, uint64_t *key)
{
    sip4xx_span_t branch, tag = { "", 0 };
    uint64_t h = SIP4XX_HASH_START;
    if (top_via_branch(m, &branch) && branch.len >= 7 && memcmp(branch.ptr, "z9hG4bK", 7) == 0) {
        h = part(h, "b", 1);
        h = part(h, branch.ptr, branch.len);
    } else {
        if (!has(m, SIP4XX_H_CALL_ID) || !m->value[SIP4XX_H_CALL_ID].len ||
            !has(m, SIP4XX_H_CSEQ) || !m->cseq_method.len)
            return false;
        cached_from_tag(m, tc, &tag);
        char num[12];
        int n = snprintf(num, sizeof num, "%u", m->cseq_number);
        h = part(h, "c", 1);
        h = part(h, m->value[SIP4XX_H_CALL_ID].ptr, m->value[SIP4XX_H_CALL_ID].len);
        h = part(h, tag.ptr, tag.len);
        h = part(h, num, (size_t)(n > 0 ? n : 0));
    }
    *key = part(h, method, method_len);
    return true;
}

bool sip4xx_txn_key_as(const sip4xx_msg_t *m, const char *method, uint64_t *key)
{
    tag_cache_t tc = { false, false, { NULL, 0 } };
    return txn_key_as(m, method, strlen(method), &tc, key);
}

static bool txn_key(const sip4xx_msg_t *m, tag_cache_t *tc, uint64_t *key)
{
    sip4xx_span_t meth = cseq_method(m);
    if (!meth.len)
        return false;
    /* An ACK to a non-2xx is part of the INVITE transaction (§17.1.1.3). */
    if (sip4xx_span_is(meth, "ACK"))
        meth = (sip4xx_span_t){ "INVITE", 6 };
    return txn_key_as(m, meth.ptr, meth.len, tc, key);
}

bool sip4xx_txn_key(const sip4xx_msg_t *m, uint64_t *key)
{
    tag_cache_t tc = { false, false, { NULL, 0 } };
    return txn_key(m, &tc, key);
}

static bool to_uri(const sip4xx_msg_t *m, sip4xx_span_t *uri)
{
    if (!has(m, SIP4XX_H_TO))
        return false;
    sip4xx_span_t v = m->value[SIP4XX_H_TO];
    const char *lt = memchr(v.ptr, '<', v.len);
    if (lt) {
        const char *gt = memchr(lt, '>', (size_t)(v.ptr + v.len - lt));
        if (!gt)
            return false;
        *uri = (sip4xx_span_t){ lt + 1, (uint32_t)(gt - lt - 1) };
    } else {
        sip4xx_span_t rest;
        sip4xx_split_at(v, ';', uri, &rest);
    }
    *uri = sip4xx_span_trim(*uri);
    return uri->len > 0;
}

static bool retry_key(const sip4xx_msg_t *m, tag_cache_t *tc, uint64_t *key)
{
    sip4xx_span_t aor, tag = { "", 0 };
    /* On a response, the request it answers is named by the CSeq method. */
    sip4xx_span_t method = m->kind == SIP4XX_MSG_REQUEST ? m->method : m->cseq_method;
    uint64_t h = SIP4XX_HASH_START;
    if (m->kind == SIP4XX_MSG_UNPARSED || !method.len)
        return false;
    /* As sip4xx_span_eq_ci, with the literal's length known here. */
    if (method.len == 8 && sip4xx_eq_ci(method.ptr, "REGISTER", 8) && to_uri(m, &aor)) {
        /* A registration is retried to the same registrar for the same
         * address-of-record, and "All registrations from a UAC SHOULD use
         * the same Call-ID header field value for registrations sent to a
         * particular registrar" (RFC 3261 §10.2): a REGISTER under another
         * Call-ID is a registration of its own, not a retry. A response
         * carries no Request-URI: its key is the request's without it,
         * as the request's key is (both leave the registrar out). */
        if (!has(m, SIP4XX_H_CALL_ID) || !m->value[SIP4XX_H_CALL_ID].len)
            return false;
        h = part(h, "R", 1);
        h = part(h, aor.ptr, aor.len);
        h = part(h, m->value[SIP4XX_H_CALL_ID].ptr, m->value[SIP4XX_H_CALL_ID].len);
    } else {
        if (!has(m, SIP4XX_H_CALL_ID) || !m->value[SIP4XX_H_CALL_ID].len)
            return false;
        cached_from_tag(m, tc, &tag);
        h = part(h, "r", 1);
        h = part(h, m->value[SIP4XX_H_CALL_ID].ptr, m->value[SIP4XX_H_CALL_ID].len);
        h = part(h, tag.ptr, tag.len);
        h = part(h, method.ptr, method.len);
    }
    *key = h;
    return true;
}

bool sip4xx_retry_key(const sip4xx_msg_t *m, uint64_t *key)
{
    tag_cache_t tc = { false, false, { NULL, 0 } };
    return retry_key(m, &tc, key);
}

void sip4xx_keys_init(const sip4xx_msg_t *m, sip4xx_keys_t *k)
{
    memset(k, 0, sizeof *k);
    k->m = m;
    k->has_txn = txn_key(m, &k->tag, &k->txn);
    k->has_call = sip4xx_call_key(m, &k->call);
}

bool sip4xx_keys_retry(sip4xx_keys_t *k, uint64_t *key)
{
    if (!k->retry_done) {
        k->retry_done = true;
        k->has_retry = retry_key(k->m, &k->tag, &k->retry);
    }
    *key = k->retry;
    return k->has_retry;
}

bool sip4xx_keys_from_tag(sip4xx_keys_t *k, uint64_t *key)
{
    if (!k->from_tag_done) {
        sip4xx_span_t tag;
        k->from_tag_done = true;
        k->has_from_tag = cached_from_tag(k->m, &k->tag, &tag);
        if (k->has_from_tag)
            k->from_tag = part(SIP4XX_HASH_START, tag.ptr, tag.len);
    }
    *key = k->from_tag;
    return k->has_from_tag;
}

void sip4xx_keys_of(const sip4xx_msg_t *m, sip4xx_keys_t *k)
{
    uint64_t unused;
    sip4xx_keys_init(m, k);
    sip4xx_keys_retry(k, &unused);
    sip4xx_keys_from_tag(k, &unused);
}
