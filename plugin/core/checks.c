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
        return m->stream_transport;
    case SIP4XX_WHEN_TO_TAG:
        return m->to_tag;
    case SIP4XX_WHEN_NO_TO_TAG:
        return sip4xx_msg_has(m, SIP4XX_H_TO) && !m->to_tag;
    case SIP4XX_WHEN_DIALOG_CREATED:
        return m->to_tag && m->request_out_of_dialog;
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
    }
    for (size_t k = 0; k < n_rows; k++) {
        const sip4xx_rule_t *r = &sip4xx_rules[rows[k]];
        /* This runs on every SIP message: the one-instruction test of the
         * headers goes first, then a code, then the rest. */
        if (r->need == SIP4XX_NEED_ANY_HEADER && (m->present & r->headers) != 0)
            continue;
        if (r->scope == SIP4XX_SCOPE_RESPONSE_CODE && r->code != m->code)
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
