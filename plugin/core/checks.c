/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — evaluates the header obligations of plugin/spec/rules.c against
 * one parsed message. The rules are data; this file only knows what a
 * scope, a need and a condition mean. */
#include "sip4xx/checks.h"

#include <string.h>

#include "sip4xx/text.h"

static inline bool applies(const sip4xx_rule_t *r, const sip4xx_msg_t *m)
{
    bool in_scope = false;
    switch (r->scope) {
    case SIP4XX_SCOPE_REQUEST:
        in_scope = m->kind == SIP4XX_MSG_REQUEST;
        break;
    case SIP4XX_SCOPE_REQUEST_METHOD:
        in_scope = m->kind == SIP4XX_MSG_REQUEST && sip4xx_span_is(m->method, r->method);
        break;
    case SIP4XX_SCOPE_RESPONSE:
        in_scope = m->kind == SIP4XX_MSG_RESPONSE;
        break;
    case SIP4XX_SCOPE_RESPONSE_NOT_100:
        in_scope = m->kind == SIP4XX_MSG_RESPONSE && m->code != 100;
        break;
    case SIP4XX_SCOPE_RESPONSE_CODE:
        in_scope = m->kind == SIP4XX_MSG_RESPONSE && m->code == r->code;
        break;
    case SIP4XX_SCOPE_MESSAGE:
        in_scope = m->kind != SIP4XX_MSG_UNPARSED;
        break;
    case SIP4XX_SCOPE_RESPONSE_METHOD:
        in_scope = m->kind == SIP4XX_MSG_RESPONSE && m->code >= r->code && m->code <= r->code_max &&
                   sip4xx_span_is(m->cseq_method, r->method);
        break;
    }
    if (!in_scope)
        return false;
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

size_t sip4xx_check_msg(const sip4xx_msg_t *m, sip4xx_finding_t *out, size_t max)
{
    size_t n = 0;
    /* A header section that was not captured whole, or whose lines could
     * not be told apart, is no evidence that a header is missing. */
    if (m->truncated || (m->malformed & SIP4XX_MAL_BARE_CR))
        return 0;
    for (size_t i = 0; i < sip4xx_rules_count; i++) {
        const sip4xx_rule_t *r = &sip4xx_rules[i];
        /* This runs on every SIP message: the one-instruction test of the
         * headers goes first, the scope (which may compare a method) after. */
        if (r->need == SIP4XX_NEED_ANY_HEADER && (m->present & r->headers) != 0)
            continue;
        if (!applies(r, m) || rule_met(r, m))
            continue;
        if (n < max)
            out[n].rule = (uint16_t)i;
        n++;
    }
    return n;
}

bool sip4xx_needs_dialog_context(const sip4xx_msg_t *m)
{
    if (m->kind != SIP4XX_MSG_RESPONSE || !m->to_tag)
        return false;
    for (size_t i = 0; i < sip4xx_rules_count; i++) {
        const sip4xx_rule_t *r = &sip4xx_rules[i];
        if (r->when == SIP4XX_WHEN_DIALOG_CREATED && (m->present & r->headers) == 0 &&
            r->scope == SIP4XX_SCOPE_RESPONSE_METHOD && m->code >= r->code && m->code <= r->code_max &&
            sip4xx_span_is(m->cseq_method, r->method))
            return true;
    }
    return false;
}
