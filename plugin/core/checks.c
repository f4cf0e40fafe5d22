/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — evaluates the header obligations of plugin/spec/rules.c against
 * one parsed message. The rules are data; this file only knows what a
 * scope, a need and a condition mean. */
#include "sip4xx/checks.h"

#include <stdint.h>
#include <string.h>

#include "sip4xx/text.h"

/* The condition first: it reads booleans, where the scope may compare a
 * method; most rows a message meets no condition of. */
static inline bool when_holds(const sip4xx_rule_t *r, const sip4xx_msg_t *m)
{
    switch (r->when) {
    case SIP4XX_WHEN_ALWAYS:
        return true;
    case SIP4XX_WHEN_STREAM:
        return m->stream_transport && !m->message_transport;
    case SIP4XX_WHEN_TO_TAG:
        return m->to_tag;
    case SIP4XX_WHEN_NO_TO_TAG:
        return sip4xx_msg_has(m, SIP4XX_H_TO) && !m->to_tag;
    case SIP4XX_WHEN_DIALOG_CREATED:
        return m->to_tag && m->request_out_of_dialog;
    case SIP4XX_WHEN_BODY:
        return sip4xx_msg_has_body(m);
    }
    return false;
}

static inline bool in_scope(const sip4xx_rule_t *r, const sip4xx_msg_t *m)
{
    switch (r->scope) {
    case SIP4XX_SCOPE_REQUEST:
        return m->kind == SIP4XX_MSG_REQUEST;
    case SIP4XX_SCOPE_REQUEST_METHOD:
        return m->kind == SIP4XX_MSG_REQUEST && sip4xx_span_is(m->method, r->method);
    case SIP4XX_SCOPE_RESPONSE:
        return m->kind == SIP4XX_MSG_RESPONSE;
    case SIP4XX_SCOPE_RESPONSE_NOT_100:
        return m->kind == SIP4XX_MSG_RESPONSE && m->code != 100;
    case SIP4XX_SCOPE_RESPONSE_CODE:
        return m->kind == SIP4XX_MSG_RESPONSE && m->code == r->code;
    case SIP4XX_SCOPE_MESSAGE:
        return m->kind != SIP4XX_MSG_UNPARSED;
    case SIP4XX_SCOPE_RESPONSE_METHOD:
        return m->kind == SIP4XX_MSG_RESPONSE && m->code >= r->code && m->code <= r->code_max &&
               sip4xx_span_is(m->cseq_method, r->method);
    }
    return false;
}

static inline bool applies(const sip4xx_rule_t *r, const sip4xx_msg_t *m)
{
    return when_holds(r, m) && in_scope(r, m);
}

bool sip4xx_rule_applies(const sip4xx_rule_t *r, const sip4xx_msg_t *m)
{
    return applies(r, m);
}

static bool rule_met(const sip4xx_rule_t *r, const sip4xx_msg_t *m)
{
    switch (r->need) {
    case SIP4XX_NEED_ANY_HEADER:
        return (m->present & r->headers) != 0;
    case SIP4XX_NEED_TO_TAG:
        /* A missing To is its own finding; don't report its tag twice. */
        return !sip4xx_msg_has(m, SIP4XX_H_TO) || m->to_tag;
    }
    return true;
}

/* The rows a request and a response can meet, found once from the table
 * (it is constant), in table order: each message walks only its own kind's
 * rows. A response walks the list of its status code: the rows of every
 * response, with those of its own code (SIP4XX_SCOPE_RESPONSE_CODE)
 * merged in, not the rows of the other codes. */
#define CODE_LISTS 32                    /* status codes with rows of their own, at most */
static uint16_t request_rows[SIP4XX_MAX_RULES], response_rows[SIP4XX_MAX_RULES];
static size_t n_request_rows, n_response_rows;
static uint16_t code_rows[CODE_LISTS + 1][SIP4XX_MAX_RULES];   /* [0]: no code rows */
static size_t n_code_rows[CODE_LISTS + 1];
static uint8_t code_list[1000];          /* list of a status code (3 digits) */
static bool code_lists_full;             /* more codes than lists: every response walks all rows */
static bool rows_ready;

/* Most messages have every header their rows ask for, and no finding. A
 * row that asks for one header (SIP4XX_NEED_ANY_HEADER with one bit) is
 * met when the message has it, whatever its scope and condition; so the
 * rows of a list are kept, besides, as the headers such rows ask for under
 * each condition (need[when]) and the rows that are not such (other). A
 * message that has every header of the conditions it meets walks only the
 * other rows, in table order: the rows it skips can find nothing. Requests
 * have a list per method of the SIP4XX_SCOPE_REQUEST_METHOD rows (a row
 * of another method is out of scope, so it is in neither part), and one
 * for the other methods; responses one per code list. */
#define METHOD_LISTS 8                   /* methods with rows of their own, at most */
typedef struct {
    sip4xx_hset_t need[SIP4XX_WHEN_LAST + 1];
    uint16_t other[SIP4XX_MAX_RULES];
    size_t n_other;
    /* The other rows but the To-tag ones (SIP4XX_NEED_TO_TAG), which a
     * message with a To tag meets: what such a message walks. */
    uint16_t other_tagged[SIP4XX_MAX_RULES];
    size_t n_other_tagged;
} quick_t;
static quick_t quick_request[METHOD_LISTS + 1];   /* [n_methods]: a method without rows of its own */
static quick_t quick_response[CODE_LISTS + 1];    /* by code list */
static const char *methods[METHOD_LISTS];
static size_t method_len[METHOD_LISTS], n_methods;
static bool methods_full;                /* more methods than lists: requests walk every row */

static bool one_header(sip4xx_hset_t h)
{
    return h && !(h & (h - 1));
}

/* Rows of one list into q. method: the method of the request list (NULL
 * for the list of the other methods and for the responses'). A response
 * list holds its code's SIP4XX_SCOPE_RESPONSE_CODE rows only, so those
 * are in scope there as SIP4XX_SCOPE_RESPONSE rows are. */
static void quick_fill(quick_t *q, const uint16_t *rows, size_t n_rows, const char *method)
{
    for (size_t k = 0; k < n_rows; k++) {
        const sip4xx_rule_t *r = &sip4xx_rules[rows[k]];
        if (r->scope == SIP4XX_SCOPE_REQUEST_METHOD && (!method || strcmp(r->method, method) != 0))
            continue;
        bool in_scope_always = r->scope == SIP4XX_SCOPE_REQUEST || r->scope == SIP4XX_SCOPE_REQUEST_METHOD ||
                               r->scope == SIP4XX_SCOPE_MESSAGE || r->scope == SIP4XX_SCOPE_RESPONSE ||
                               r->scope == SIP4XX_SCOPE_RESPONSE_CODE;
        if (in_scope_always && r->need == SIP4XX_NEED_ANY_HEADER && one_header(r->headers) &&
            (unsigned)r->when <= SIP4XX_WHEN_LAST) {
            q->need[r->when] |= r->headers;
            continue;
        }
        q->other[q->n_other++] = rows[k];
        if (r->need != SIP4XX_NEED_TO_TAG)
            q->other_tagged[q->n_other_tagged++] = rows[k];
    }
}

static void quick_rows(void)
{
    for (size_t l = 0; l <= CODE_LISTS; l++)
        quick_fill(&quick_response[l], code_rows[l], n_code_rows[l], NULL);
    for (size_t k = 0; k < n_request_rows && !methods_full; k++) {
        const sip4xx_rule_t *r = &sip4xx_rules[request_rows[k]];
        if (r->scope != SIP4XX_SCOPE_REQUEST_METHOD)
            continue;
        size_t j = 0;
        while (r->method && j < n_methods && strcmp(methods[j], r->method) != 0)
            j++;
        if (!r->method || (j == n_methods && n_methods == METHOD_LISTS)) {
            methods_full = true;
        } else if (j == n_methods) {
            methods[n_methods] = r->method;
            method_len[n_methods++] = strlen(r->method);
        }
    }
    if (!methods_full)
        for (size_t j = 0; j <= n_methods; j++)
            quick_fill(&quick_request[j], request_rows, n_request_rows, j < n_methods ? methods[j] : NULL);
}

/* The rows of q that m must walk: its other rows, or all of them (rows,
 * n_rows as they were) when m lacks a header its conditions ask for. The
 * conditions as when_holds reads them. */
static inline __attribute__((always_inline)) void quick_pick(const quick_t *q, const sip4xx_msg_t *m,
                                                            const uint16_t **rows, size_t *n_rows)
{
    sip4xx_hset_t need = q->need[SIP4XX_WHEN_ALWAYS];
    if (m->stream_transport && !m->message_transport)
        need |= q->need[SIP4XX_WHEN_STREAM];
    if (m->to_tag) {
        need |= q->need[SIP4XX_WHEN_TO_TAG];
        if (m->request_out_of_dialog)
            need |= q->need[SIP4XX_WHEN_DIALOG_CREATED];
    } else if (m->present & SIP4XX_HBIT(TO)) {
        need |= q->need[SIP4XX_WHEN_NO_TO_TAG];
    }
    /* Whether there is a body matters only to a message that lacks the
     * header a body needs (Content-Type): most of those say Content-Length
     * 0. A Content-Length above 0 is taken here for a body without the
     * rest of sip4xx_msg_has_body's conditions: that only makes the walk
     * take every row, where when_holds asks the whole question. */
    sip4xx_hset_t body_need = q->need[SIP4XX_WHEN_BODY];
    if ((body_need & ~m->present) &&
        (m->has_content_length ? m->content_length > 0 : sip4xx_msg_has_body(m)))
        need |= body_need;
    if ((m->present & need) == need) {
        *rows = m->to_tag ? q->other_tagged : q->other;
        *n_rows = m->to_tag ? q->n_other_tagged : q->n_other;
    }
}

/* The request list of m's method (exact: methods are case-sensitive,
 * RFC 3261 §7.1, as sip4xx_span_is compares them). */
static const quick_t *quick_of_method(sip4xx_span_t method)
{
    for (size_t j = 0; j < n_methods; j++) {
        if (method.len != method_len[j])
            continue;
        if (method.len >= 4 && method.len <= 8) {
            /* Most methods: as two overlapping four-byte words. */
            uint32_t a0, a1, b0, b1;
            memcpy(&a0, method.ptr, 4);
            memcpy(&a1, method.ptr + method.len - 4, 4);
            memcpy(&b0, methods[j], 4);
            memcpy(&b1, methods[j] + method.len - 4, 4);
            if (a0 == b0 && a1 == b1)
                return &quick_request[j];
        } else if (memcmp(method.ptr, methods[j], method.len) == 0) {
            return &quick_request[j];
        }
    }
    return &quick_request[n_methods];
}

static void sort_rows(void)
{
    size_t lists = 1;
    for (size_t i = 0; i < sip4xx_rules_count && i < SIP4XX_MAX_RULES; i++) {
        const sip4xx_rule_t *r = &sip4xx_rules[i];
        switch (r->scope) {
        case SIP4XX_SCOPE_REQUEST:
        case SIP4XX_SCOPE_REQUEST_METHOD:
            request_rows[n_request_rows++] = (uint16_t)i;
            break;
        case SIP4XX_SCOPE_MESSAGE:
            request_rows[n_request_rows++] = (uint16_t)i;
            response_rows[n_response_rows++] = (uint16_t)i;
            break;
        default:
            response_rows[n_response_rows++] = (uint16_t)i;
            if (r->scope != SIP4XX_SCOPE_RESPONSE_CODE || (r->code < sizeof code_list && code_list[r->code]))
                break;
            if (r->code < sizeof code_list && lists <= CODE_LISTS)
                code_list[r->code] = (uint8_t)lists++;
            else
                code_lists_full = true;
            break;
        }
    }
    for (size_t k = 0; k < n_response_rows; k++) {
        const sip4xx_rule_t *r = &sip4xx_rules[response_rows[k]];
        bool own = r->scope == SIP4XX_SCOPE_RESPONSE_CODE;
        for (size_t l = 0; l < lists; l++)
            if (!own || (r->code < sizeof code_list && code_list[r->code] == l && l))
                code_rows[l][n_code_rows[l]++] = response_rows[k];
    }
    quick_rows();
    rows_ready = true;
}

size_t sip4xx_check_msg(const sip4xx_msg_t *m, sip4xx_finding_t *out, size_t max)
{
    size_t n = 0;
    /* A header section that was not captured whole, or whose lines could
     * not be told apart, is no evidence that a header is missing. */
    if (m->truncated || (m->malformed & SIP4XX_MAL_BARE_CR) || m->kind == SIP4XX_MSG_UNPARSED)
        return 0;
    if (!rows_ready)
        sort_rows();
    const uint16_t *rows = request_rows;
    size_t n_rows = n_request_rows;
    if (m->kind != SIP4XX_MSG_REQUEST && code_lists_full) {
        rows = response_rows;
        n_rows = n_response_rows;
    } else if (m->kind != SIP4XX_MSG_REQUEST) {
        unsigned list = m->code < sizeof code_list ? code_list[m->code] : 0;
        rows = code_rows[list];
        n_rows = n_code_rows[list];
        quick_pick(&quick_response[list], m, &rows, &n_rows);
    } else if (!methods_full) {
        quick_pick(quick_of_method(m->method), m, &rows, &n_rows);
    }
    for (size_t k = 0; k < n_rows; k++) {
        const sip4xx_rule_t *r = &sip4xx_rules[rows[k]];
        /* This runs on every SIP message: the one-instruction test of the
         * headers goes first, then a code, then the rest. */
        if (r->need == SIP4XX_NEED_ANY_HEADER && (m->present & r->headers) != 0)
            continue;
        if (r->scope == SIP4XX_SCOPE_RESPONSE_CODE && r->code != m->code)
            continue;
        if (r->scope == SIP4XX_SCOPE_RESPONSE_METHOD && (m->code < r->code || m->code > r->code_max))
            continue;
        if (!applies(r, m) || rule_met(r, m))
            continue;
        if (n < max)
            out[n].rule = rows[k];
        n++;
    }
    return n;
}

bool sip4xx_needs_dialog_context(const sip4xx_msg_t *m)
{
    if (m->kind != SIP4XX_MSG_RESPONSE || !m->to_tag)
        return false;
    /* Every response with a To tag asks: test only the rows it concerns,
     * found once (the table is constant), their headers first. */
    static size_t lo = SIZE_MAX, hi;
    if (lo == SIZE_MAX) {
        lo = sip4xx_rules_count;
        hi = 0;
        for (size_t i = 0; i < sip4xx_rules_count; i++) {
            if (sip4xx_rules[i].when == SIP4XX_WHEN_DIALOG_CREATED) {
                lo = i < lo ? i : lo;
                hi = i + 1;
            }
        }
    }
    for (size_t i = lo; i < hi; i++) {
        const sip4xx_rule_t *r = &sip4xx_rules[i];
        if (r->when != SIP4XX_WHEN_DIALOG_CREATED || (m->present & r->headers) != 0)
            continue;
        if (r->scope == SIP4XX_SCOPE_RESPONSE_METHOD && m->code >= r->code && m->code <= r->code_max &&
            sip4xx_span_is(m->cseq_method, r->method))
            return true;
    }
    return false;
}
