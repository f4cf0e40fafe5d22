/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — why the server refused the request, as the exchange shows it:
 * one function per kind of cause, chosen per code by the rows of
 * plugin/spec/behaviour.c. A cause is named only where the request (or
 * the state around it) shows it; otherwise SIP4XX_CAUSE_NONE. */
#include "sip4xx/txn.h"

#include <stdio.h>
#include <string.h>

#include "behaviour.h"
#include "lists.h"
#include "sip4xx/sentences.h"
#include "sip4xx/text.h"

#define say sip4xx_say

const char *sip4xx_cause_label(sip4xx_cause_class_t c)
{
    switch (c) {
#define SIP4XX_X_CAUSE(id, val, text) case SIP4XX_CAUSE_##id: return text;
    SIP4XX_CAUSE_LIST(SIP4XX_X_CAUSE)
#undef SIP4XX_X_CAUSE
    }
    return "Unknown";
}

/* 400 (RFC 3261 §21.4.1): the request's own faults, as sip4xx found them. */
sip4xx_cause_class_t sip4xx_cause_request_broken(const sip4xx_cause_args_t *a)
{
    const sip4xx_req_summary_t *req = a->req;
    if (!req->malformed && !req->missing_rules && !req->defects)
        return SIP4XX_CAUSE_NONE;
    say(a->out, a->cap, "the request %s%s%s%s%s%s",
        req->malformed ? "is malformed; " : "",
        req->missing_rules ? "lacks mandatory headers (see its frame); " : "",
        (req->defects & SIP4XX_DEFECT_CSEQ_METHOD) ? "has a CSeq method other than its method (RFC 3261 §8.1.1.5); " : "",
        (req->defects & SIP4XX_DEFECT_EXPIRES) ? "has an Expires that is not a number of seconds (RFC 3261 §20.19); " : "",
        (req->defects & SIP4XX_DEFECT_MAX_FORWARDS) ? "has a Max-Forwards that is not a number (RFC 3261 §20.22); " : "",
        "");
    size_t n = strlen(a->out);
    if (n >= 2 && a->out[n - 2] == ';')
        a->out[n - 2] = '\0';
    return SIP4XX_CAUSE_REQUEST_BROKEN;
}

/* 401/407 (RFC 3261 §22.1-§22.3): a stale nonce, credentials for the
 * challenged realm refused, or none sent for it. */
sip4xx_cause_class_t sip4xx_cause_challenge(const sip4xx_cause_args_t *a)
{
    bool www = a->resp->code == 401;
    const sip4xx_realms_t *had = www ? &a->req->auth_realms : &a->req->proxy_auth_realms;
    if (a->rs->stale) {
        say(a->out, a->cap, "stale nonce: the credentials were right but the nonce had expired (stale=true, RFC 2617 §3.2.1)");
        return SIP4XX_CAUSE_STALE_NONCE;
    }
    if (sip4xx_realms_common(had, &a->rs->realms)) {
        say(a->out, a->cap, "credentials for realm %s were rejected", a->rs->realms.text.s);
        return SIP4XX_CAUSE_CREDENTIALS_REJECTED;
    }
    if (a->rs->realms.n)
        say(a->out, a->cap, "first challenge: the request carried no %s for realm %s",
            www ? "Authorization" : "Proxy-Authorization", a->rs->realms.text.s);
    else
        say(a->out, a->cap, "the request carried no %s", www ? "Authorization" : "Proxy-Authorization");
    return SIP4XX_CAUSE_FIRST_CHALLENGE;
}

/* 405 (RFC 3261 §21.4.6): the method against the response's Allow, every
 * Allow line read; methods compare case-sensitively (§7.1). */
sip4xx_cause_class_t sip4xx_cause_method_not_allowed(const sip4xx_cause_args_t *a)
{
    sip4xx_list_t allow;
    if (!sip4xx_msg_has(a->resp, SIP4XX_H_ALLOW))
        return SIP4XX_CAUSE_NONE;
    sip4xx_list_from(a->resp, SIP4XX_H_ALLOW, &allow);
    if (sip4xx_list_has_method(allow.s, a->req->method)) {
        *a->warn = true;
        say(a->out, a->cap, "%s is listed in Allow (%s) yet refused", a->req->method, sip4xx_or_none(allow.s));
        return SIP4XX_CAUSE_METHOD_IN_ALLOW;
    }
    say(a->out, a->cap, "%s is not in Allow (%s)", a->req->method, sip4xx_or_none(allow.s));
    return SIP4XX_CAUSE_METHOD_NOT_ALLOWED;
}

/* 413 (RFC 3261 §21.4.11): only a request with a body shows a body to be
 * too large. */
sip4xx_cause_class_t sip4xx_cause_body_too_large(const sip4xx_cause_args_t *a)
{
    if (!a->req->body_len)
        return SIP4XX_CAUSE_NONE;
    say(a->out, a->cap, "the request body is %u bytes", a->req->body_len);
    return SIP4XX_CAUSE_BODY_TOO_LARGE;
}

/* 414 (RFC 3261 §21.4.12): the Request-URI is all a 414 can be about. */
sip4xx_cause_class_t sip4xx_cause_uri_too_long(const sip4xx_cause_args_t *a)
{
    say(a->out, a->cap, "the Request-URI is %u characters long", a->req->uri_len);
    return SIP4XX_CAUSE_URI_TOO_LONG;
}

/* 415 (RFC 3261 §21.4.13): the body's type, encoding or language against
 * what the response accepts. */
sip4xx_cause_class_t sip4xx_cause_media_not_accepted(const sip4xx_cause_args_t *a)
{
    char items[SIP4XX_LIST_MAX * 2];
    const sip4xx_req_summary_t *req = a->req;
    sip4xx_list_t enc, lang;
    sip4xx_list_from(a->resp, SIP4XX_H_ACCEPT_ENCODING, &enc);
    sip4xx_list_from(a->resp, SIP4XX_H_ACCEPT_LANGUAGE, &lang);
    if (sip4xx_msg_has(a->resp, SIP4XX_H_ACCEPT) &&
        sip4xx_first_unaccepted(req->content_type.s, a->rs->accept.s, items, sizeof items)) {
        say(a->out, a->cap, "Content-Type %s is not in Accept (%s)", items, sip4xx_or_none(a->rs->accept.s));
        return SIP4XX_CAUSE_MEDIA_NOT_ACCEPTED;
    }
    if (sip4xx_msg_has(a->resp, SIP4XX_H_ACCEPT_ENCODING) && req->content_encoding.s[0]) {
        sip4xx_list_intersect(req->content_encoding.s, enc.s, items, sizeof items);
        if (!items[0]) {
            say(a->out, a->cap, "Content-Encoding %s is not in Accept-Encoding (%s)", req->content_encoding.s,
                sip4xx_or_none(enc.s));
            return SIP4XX_CAUSE_MEDIA_NOT_ACCEPTED;
        }
    }
    if (sip4xx_msg_has(a->resp, SIP4XX_H_ACCEPT_LANGUAGE) && req->content_language.s[0]) {
        sip4xx_list_intersect(req->content_language.s, lang.s, items, sizeof items);
        if (!items[0]) {
            say(a->out, a->cap, "Content-Language %s is not in Accept-Language (%s)", req->content_language.s,
                sip4xx_or_none(lang.s));
            return SIP4XX_CAUSE_MEDIA_NOT_ACCEPTED;
        }
    }
    return SIP4XX_CAUSE_NONE;
}

/* 416 (RFC 3261 §21.4.14): every SIP element supports the sip scheme
 * (§19.1), so a sip: Request-URI does not show why. */
sip4xx_cause_class_t sip4xx_cause_uri_scheme(const sip4xx_cause_args_t *a)
{
    if (sip4xx_eq_ci(a->req->uri_scheme, "sip", 4))
        return SIP4XX_CAUSE_NONE;
    say(a->out, a->cap, "the Request-URI scheme is \"%s\"", sip4xx_or_none(a->req->uri_scheme));
    return SIP4XX_CAUSE_URI_SCHEME;
}

static void required_tags(const sip4xx_req_summary_t *r, char *out, size_t cap)
{
    snprintf(out, cap, "%s%s%s", r->require.s, r->require.s[0] && r->proxy_require.s[0] ? "," : "",
             r->proxy_require.s);
}

/* 420 (RFC 3261 §21.4.15): an option tag of Require/Proxy-Require that the
 * response lists as Unsupported. */
sip4xx_cause_class_t sip4xx_cause_extension_unsupported(const sip4xx_cause_args_t *a)
{
    char both[SIP4XX_LIST_MAX * 2 + 2], items[SIP4XX_LIST_MAX * 2];
    required_tags(a->req, both, sizeof both);
    sip4xx_list_intersect(both, a->rs->unsupported.s, items, sizeof items);
    if (!items[0])
        return SIP4XX_CAUSE_NONE;
    say(a->out, a->cap, "option tag %s from the request's Require/Proxy-Require is Unsupported", items);
    return SIP4XX_CAUSE_EXTENSION_UNSUPPORTED;
}

/* 421 (RFC 3261 §21.4.16): an extension the request did not list in
 * Supported; where it listed them all, the request does not show why. */
sip4xx_cause_class_t sip4xx_cause_extension_required(const sip4xx_cause_args_t *a)
{
    char items[SIP4XX_LIST_MAX * 2];
    sip4xx_list_t required;
    sip4xx_list_from(a->resp, SIP4XX_H_REQUIRE, &required);
    sip4xx_list_filter(required.s, a->req->supported.s, false, items, sizeof items);
    if (!items[0])
        return SIP4XX_CAUSE_NONE;
    say(a->out, a->cap, "the server requires %s, which the request's Supported (%s) does not list", items,
        sip4xx_or_none(a->req->supported.s));
    return SIP4XX_CAUSE_EXTENSION_REQUIRED;
}

/* 422 (RFC 4028 §6): Session-Expires below the response's Min-SE. */
sip4xx_cause_class_t sip4xx_cause_session_too_small(const sip4xx_cause_args_t *a)
{
    const sip4xx_req_summary_t *req = a->req;
    if (!a->rs->has_min_se || !req->has_session_expires || req->session_expires >= a->rs->min_se)
        return SIP4XX_CAUSE_NONE;
    say(a->out, a->cap, "Session-Expires %u is below Min-SE %u; the request %s Supported: timer",
        req->session_expires, a->rs->min_se, sip4xx_list_has(req->supported.s, "timer", 5) ? "said" : "did not say");
    return SIP4XX_CAUSE_SESSION_TOO_SMALL;
}

/* 423 (RFC 3261 §10.2.8, §10.3): an expiry (the Contact's, else Expires)
 * below Min-Expires; 0 (a removal) is never too brief. */
sip4xx_cause_class_t sip4xx_cause_expires_too_brief(const sip4xx_cause_args_t *a)
{
    const sip4xx_req_summary_t *req = a->req;
    if (!a->rs->has_min_expires || (!req->has_contact_expires && !req->has_expires))
        return SIP4XX_CAUSE_NONE;
    uint32_t asked = req->has_contact_expires ? req->contact_expires : req->expires;
    if (asked == 0 || asked >= a->rs->min_expires)
        return SIP4XX_CAUSE_NONE;
    say(a->out, a->cap, "%s %u is below Min-Expires %u", req->has_contact_expires ? "Contact expires" : "Expires",
        asked, a->rs->min_expires);
    return SIP4XX_CAUSE_EXPIRES_TOO_BRIEF;
}

/* 481 (RFC 3261 §21.4.19): a CANCEL whose INVITE the capture lacks (§9.2),
 * or a request inside a dialog the server does not know. */
sip4xx_cause_class_t sip4xx_cause_no_transaction(const sip4xx_cause_args_t *a)
{
    if (a->ctx->cancel_without_target) {
        say(a->out, a->cap, "the CANCEL matches no INVITE transaction in the capture");
        return SIP4XX_CAUSE_NO_TRANSACTION;
    }
    if (a->whole && a->req->in_dialog) {
        say(a->out, a->cap, "the %s was sent inside a dialog (its To has a tag) the server does not know",
            a->req->method);
        return SIP4XX_CAUSE_NO_TRANSACTION;
    }
    return SIP4XX_CAUSE_NONE;
}

/* 483 (RFC 3261 §16.3 item 2, §21.4.21): the answer to Max-Forwards zero. A
 * request sent with more hops left ran out further on (a loop beyond the
 * server): it does not show the cause. */
sip4xx_cause_class_t sip4xx_cause_max_forwards(const sip4xx_cause_args_t *a)
{
    if (!a->req->has_max_forwards || a->req->max_forwards != 0)
        return SIP4XX_CAUSE_NONE;
    say(a->out, a->cap, "the request arrived with Max-Forwards %u", a->req->max_forwards);
    return SIP4XX_CAUSE_MAX_FORWARDS;
}

/* 487 (RFC 3261 §9.2, §15.1.2): the CANCEL or BYE that ended the request;
 * a 487 to the CANCEL itself is wrong: the CANCEL is answered 200 or 481. */
sip4xx_cause_class_t sip4xx_cause_terminated(const sip4xx_cause_args_t *a)
{
    if (a->req && strcmp(a->req->method, "CANCEL") == 0) {
        *a->warn = true;
        say(a->out, a->cap, "487 sent to a CANCEL: a CANCEL is answered with 200 or 481, the 487 goes to the INVITE"
            " (RFC 3261 §9.2)");
        return SIP4XX_CAUSE_CANCEL_TERMINATED;
    }
    if (a->ctx->terminator_frame) {
        say(a->out, a->cap, "the %s in frame %u ended the request",
            a->ctx->terminator_method ? a->ctx->terminator_method : "CANCEL", a->ctx->terminator_frame);
        return SIP4XX_CAUSE_TERMINATED;
    }
    return SIP4XX_CAUSE_NONE;
}

/* 491 (RFC 3261 §14.2): the other side's request pending in the dialog. */
sip4xx_cause_class_t sip4xx_cause_glare(const sip4xx_cause_args_t *a)
{
    if (!a->ctx->glare_frame)
        return SIP4XX_CAUSE_NONE;
    say(a->out, a->cap, "glare: the other side's request in frame %u was still pending in the same dialog"
        " (RFC 3261 §14.1)", a->ctx->glare_frame);
    return SIP4XX_CAUSE_GLARE;
}

sip4xx_cause_class_t sip4xx_explain_cause(const sip4xx_req_summary_t *req, const sip4xx_msg_t *resp,
                                          const sip4xx_cause_ctx_t *ctx, char *out, size_t cap, bool *warn)
{
    sip4xx_resp_summary_t rs;
    sip4xx_summarize_response(resp, &rs);
    return sip4xx_explain_cause_with(req, resp, &rs, ctx, out, cap, warn);
}

sip4xx_cause_class_t sip4xx_explain_cause_with(const sip4xx_req_summary_t *req, const sip4xx_msg_t *resp,
                                               const sip4xx_resp_summary_t *rs, const sip4xx_cause_ctx_t *ctx,
                                               char *out, size_t cap, bool *warn)
{
    *warn = false;
    out[0] = '\0';
    const sip4xx_behaviour_t *row = sip4xx_behaviour_lookup(resp->code);
    if (!row || !row->cause)
        return SIP4XX_CAUSE_NONE;
    /* A header past a capture's cut is unknown, not absent: causes read
     * from the headers need both messages whole. */
    bool whole = req && !req->incomplete && !resp->truncated;
    if (row->needs_whole && !whole)
        return SIP4XX_CAUSE_NONE;
    sip4xx_cause_args_t a = { req, whole, resp, rs, ctx, out, cap, warn };
    return row->cause(&a);
}
