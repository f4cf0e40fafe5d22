/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the client's next attempt after a 4xx, judged against what the
 * code asks: one function per kind of request, chosen per code by the
 * rows of plugin/spec/behaviour.c, then the general rule of RFC 3261
 * §21.4 ("The client SHOULD NOT retry the same request without
 * modification"). */
#include "sip4xx/txn.h"

#include <stdio.h>
#include <string.h>

#include "behaviour.h"
#include "lists.h"
#include "sip4xx/sentences.h"
#include "sip4xx/spec.h"

#define say sip4xx_say

const char *sip4xx_verdict_label(sip4xx_verdict_t v)
{
    switch (v) {
#define SIP4XX_X_VERDICT(id, val, text) case SIP4XX_VERDICT_##id: return text;
    SIP4XX_VERDICT_LIST(SIP4XX_X_VERDICT)
#undef SIP4XX_X_VERDICT
    }
    return "Unknown";
}

void sip4xx_attempt_of(const sip4xx_req_summary_t *req, sip4xx_attempt_t *out)
{
    out->fingerprint = req->fingerprint;
    out->auth_fingerprint = req->auth_fingerprint;
    out->had_auth = req->auth_realms.n > 0;
    out->had_proxy_auth = req->proxy_auth_realms.n > 0;
}

bool sip4xx_verdict_is_violation(sip4xx_verdict_t v)
{
    return v != SIP4XX_VERDICT_NONE && v != SIP4XX_VERDICT_FOLLOWED;
}

/* 401/407 (RFC 3261 §22.2, §22.3): credentials for the challenged realm;
 * "A UAC MUST NOT re-attempt requests with the credentials that have just
 * been rejected (though the request may be retried if the nonce was
 * stale)" (§22.1). */
sip4xx_verdict_t sip4xx_verdict_challenge(const sip4xx_verdict_args_t *a)
{
    bool www = a->resp->code == 401;
    const sip4xx_realms_t *now = www ? &a->retry->auth_realms : &a->retry->proxy_auth_realms;
    bool had = www ? a->orig->had_auth : a->orig->had_proxy_auth;
    bool answered = sip4xx_realms_common(now, &a->resp->realms);
    if (!answered && a->resp->realms.n) {
        say(a->out, a->cap, "the retry has no %s for realm %s (RFC 3261 §22.2, §22.3)",
            www ? "Authorization" : "Proxy-Authorization", a->resp->realms.text.s);
        return SIP4XX_VERDICT_NO_CREDENTIALS;
    }
    if (a->cseq_kept) {
        say(a->out, a->cap, "the retry does not raise the CSeq, which RFC 3261 §22.2 says MUST be incremented"
            " when credentials are resubmitted after a %u", (unsigned)a->resp->code);
        return SIP4XX_VERDICT_CSEQ_NOT_INCREMENTED;
    }
    if (had && a->retry->auth_fingerprint == a->orig->auth_fingerprint && !a->resp->stale) {
        say(a->out, a->cap, "the retry repeats the credentials the server just rejected");
        return SIP4XX_VERDICT_SAME_CREDENTIALS;
    }
    say(a->out, a->cap, "retried with credentials for realm %s", answered ? a->resp->realms.text.s : "none");
    return SIP4XX_VERDICT_FOLLOWED;
}

/* 415 (RFC 3261 §8.1.3.5): "only using content with types listed in the
 * Accept header field in the response". */
sip4xx_verdict_t sip4xx_verdict_media(const sip4xx_verdict_args_t *a)
{
    char items[SIP4XX_LIST_MAX * 2];
    if (!a->resp->accept.s[0] || !a->retry->content_type.s[0])
        return SIP4XX_VERDICT_NONE;
    if (sip4xx_first_unaccepted(a->retry->content_type.s, a->resp->accept.s, items, sizeof items)) {
        say(a->out, a->cap, "the retry's Content-Type %s is still not in Accept (%s) (RFC 3261 §8.1.3.5)", items,
            a->resp->accept.s);
        return SIP4XX_VERDICT_STILL_UNACCEPTED;
    }
    say(a->out, a->cap, "the retry uses an accepted type (%s)", a->retry->content_type.s);
    return SIP4XX_VERDICT_FOLLOWED;
}

/* 420 (RFC 3261 §8.1.3.5): "omitting any extensions listed in the
 * Unsupported header field in the response". */
sip4xx_verdict_t sip4xx_verdict_extension(const sip4xx_verdict_args_t *a)
{
    char both[SIP4XX_LIST_MAX * 2 + 2], items[SIP4XX_LIST_MAX * 2];
    snprintf(both, sizeof both, "%s%s%s", a->retry->require.s,
             a->retry->require.s[0] && a->retry->proxy_require.s[0] ? "," : "", a->retry->proxy_require.s);
    sip4xx_list_intersect(both, a->resp->unsupported.s, items, sizeof items);
    if (items[0]) {
        say(a->out, a->cap, "the retry still requires %s, which the server listed as Unsupported (RFC 3261 §8.1.3.5)",
            items);
        return SIP4XX_VERDICT_STILL_UNSUPPORTED;
    }
    if (!a->resp->unsupported.s[0])
        return SIP4XX_VERDICT_NONE;
    say(a->out, a->cap, "the retry dropped %s", a->resp->unsupported.s);
    return SIP4XX_VERDICT_FOLLOWED;
}

/* 422 (RFC 4028 §7.4): Session-Expires at least the Min-SE received. */
sip4xx_verdict_t sip4xx_verdict_session_interval(const sip4xx_verdict_args_t *a)
{
    if (!a->resp->has_min_se || !a->retry->has_session_expires)
        return SIP4XX_VERDICT_NONE;
    if (a->retry->session_expires < a->resp->min_se) {
        say(a->out, a->cap, "the retry's Session-Expires %u is still below Min-SE %u (RFC 4028 §7.4)",
            a->retry->session_expires, a->resp->min_se);
        return SIP4XX_VERDICT_STILL_TOO_SMALL;
    }
    say(a->out, a->cap, "the retry's Session-Expires %u is at least Min-SE %u", a->retry->session_expires,
        a->resp->min_se);
    return SIP4XX_VERDICT_FOLLOWED;
}

/* 423 (RFC 3261 §10.2.8): an expiry at least Min-Expires. */
sip4xx_verdict_t sip4xx_verdict_expiry(const sip4xx_verdict_args_t *a)
{
    if (!a->resp->has_min_expires || (!a->retry->has_contact_expires && !a->retry->has_expires))
        return SIP4XX_VERDICT_NONE;
    uint32_t asked = a->retry->has_contact_expires ? a->retry->contact_expires : a->retry->expires;
    if (asked < a->resp->min_expires && asked != 0) {
        say(a->out, a->cap, "the retry asks %u, still below Min-Expires %u (RFC 3261 §10.2.8)", asked,
            a->resp->min_expires);
        return SIP4XX_VERDICT_STILL_TOO_BRIEF;
    }
    say(a->out, a->cap, "the retry asks %u, at least Min-Expires %u", asked, a->resp->min_expires);
    return SIP4XX_VERDICT_FOLLOWED;
}

/* 491 (RFC 3261 §14.1): the Call-ID's owner waits 2.1-4 s, the other side
 * 0-2 s; with the owner unknown, anything from 0 s is plausible, so only
 * an owner retrying before 2.1 s is flagged. */
sip4xx_verdict_t sip4xx_verdict_back_off(const sip4xx_verdict_args_t *a)
{
    if (a->call_id_owner == 1 && a->gap_ms < 2100) {
        say(a->out, a->cap, "retried after %lld ms; the Call-ID owner waits 2.1 to 4 s (RFC 3261 §14.1)",
            (long long)a->gap_ms);
        return SIP4XX_VERDICT_NO_BACKOFF;
    }
    say(a->out, a->cap, "retried after %lld ms", (long long)a->gap_ms);
    return SIP4XX_VERDICT_FOLLOWED;
}

/* 403 (RFC 3261 §21.4.4): "the request SHOULD NOT be repeated". */
sip4xx_verdict_t sip4xx_verdict_forbidden(const sip4xx_verdict_args_t *a)
{
    if (a->orig->fingerprint != a->retry->fingerprint)
        return SIP4XX_VERDICT_NONE;
    say(a->out, a->cap, "the same request was sent again after 403; it SHOULD NOT be repeated (RFC 3261 §21.4.4)");
    return SIP4XX_VERDICT_REPEATED_FORBIDDEN;
}

sip4xx_verdict_t sip4xx_judge_retry(const sip4xx_attempt_t *orig, const sip4xx_resp_summary_t *resp,
                                    const sip4xx_req_summary_t *retry, int64_t gap_ms, int call_id_owner,
                                    bool cseq_kept, char *out, size_t cap)
{
    const sip4xx_behaviour_t *row = sip4xx_behaviour_lookup(resp->code);
    sip4xx_verdict_args_t a = { orig, resp, retry, gap_ms, call_id_owner, cseq_kept, out, cap };
    if (cseq_kept && !(row && row->cseq_must_rise)) {
        say(out, cap, "%s", "");   /* no retry: no sentence, but still a string */
        return SIP4XX_VERDICT_NONE;
    }
    if (row && row->verdict) {
        sip4xx_verdict_t v = row->verdict(&a);
        if (v != SIP4XX_VERDICT_NONE)
            return v;
    }
    /* The general rule (RFC 3261 §21.4), except for codes whose advice is
     * to send the same request later (408, 480, 486: §21.4.9 "MAY repeat
     * the request without modifications") or after a back-off. */
    const sip4xx_code_t *code = sip4xx_code_lookup(resp->code);
    const sip4xx_code_t *ex = code ? code : sip4xx_code_fallback(resp->code);
    bool unmodified = orig->fingerprint == retry->fingerprint;
    if (unmodified && ex && ex->action != SIP4XX_ACTION_RETRY_LATER && ex->action != SIP4XX_ACTION_BACK_OFF) {
        say(out, cap, "retried without modification after %u; a client SHOULD NOT (RFC 3261 §21.4)", resp->code);
        return SIP4XX_VERDICT_UNMODIFIED;
    }
    say(out, cap, unmodified ? "retried unchanged, which %u allows" : "retried with changes", resp->code);
    return SIP4XX_VERDICT_FOLLOWED;
}
