/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — one row per 4xx code whose exchange sip4xx reads: the cause
 * function (what in the request, the response or the state around them
 * shows why the code was sent), whether it reads both messages' headers,
 * the verdict function (what the client's next attempt must change), and
 * the RFC sections they rest on. Codes without a row get no cause and the
 * general rule for retries (RFC 3261 §21.4: not unmodified). cseq_must_rise
 * marks the codes after which RFC 3261 says a retry MUST raise the CSeq:
 * §22.2 "When a UAC resubmits a request with its credentials after
 * receiving a 401 (Unauthorized) or 407 (Proxy Authentication Required)
 * response, it MUST increment the CSeq header field value as it would
 * normally when sending an updated request." (After the others §8.1.3.5
 * says only, in lower case, that "the CSeq should contain a new sequence
 * number that is one higher than the previous".) Sorted by code: looked up
 * by halves. */
#include "../core/behaviour.h"

const sip4xx_behaviour_t sip4xx_behaviours[] = {
    { 400, sip4xx_cause_request_broken,        true,  NULL,                             false, "RFC 3261 §21.4.1, §8.1.1" },
    { 401, sip4xx_cause_challenge,             true,  sip4xx_verdict_challenge,         true,  "RFC 3261 §22.2, §22.1" },
    { 403, NULL,                               false, sip4xx_verdict_forbidden,         false, "RFC 3261 §21.4.4" },
    { 405, sip4xx_cause_method_not_allowed,    true,  NULL,                             false, "RFC 3261 §21.4.6" },
    { 407, sip4xx_cause_challenge,             true,  sip4xx_verdict_challenge,         true,  "RFC 3261 §22.3, §22.1" },
    { 413, sip4xx_cause_body_too_large,        true,  NULL,                             false, "RFC 3261 §21.4.11" },
    { 414, sip4xx_cause_uri_too_long,          true,  NULL,                             false, "RFC 3261 §21.4.12" },
    { 415, sip4xx_cause_media_not_accepted,    true,  sip4xx_verdict_media,             false, "RFC 3261 §21.4.13, §8.1.3.5" },
    { 416, sip4xx_cause_uri_scheme,            true,  NULL,                             false, "RFC 3261 §21.4.14" },
    { 420, sip4xx_cause_extension_unsupported, true,  sip4xx_verdict_extension,         false, "RFC 3261 §21.4.15, §8.1.3.5" },
    { 421, sip4xx_cause_extension_required,    true,  NULL,                             false, "RFC 3261 §21.4.16" },
    { 422, sip4xx_cause_session_too_small,     true,  sip4xx_verdict_session_interval,  false, "RFC 4028 §6, §7.4" },
    { 423, sip4xx_cause_expires_too_brief,     true,  sip4xx_verdict_expiry,            false, "RFC 3261 §10.2.8, §10.3" },
    { 481, sip4xx_cause_no_transaction,        false, NULL,                             false, "RFC 3261 §21.4.19, §9.2" },
    { 483, sip4xx_cause_max_forwards,          true,  NULL,                             false, "RFC 3261 §21.4.21, §16.3" },
    { 487, sip4xx_cause_terminated,            false, NULL,                             false, "RFC 3261 §21.4.25, §9.2" },
    { 491, sip4xx_cause_glare,                 false, sip4xx_verdict_back_off,          false, "RFC 3261 §14.1, §21.4.27" },
};

const size_t sip4xx_behaviours_count = sizeof(sip4xx_behaviours) / sizeof(sip4xx_behaviours[0]);

const sip4xx_behaviour_t *sip4xx_behaviour_lookup(unsigned code)
{
    size_t lo = 0, hi = sip4xx_behaviours_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sip4xx_behaviours[mid].code == code)
            return &sip4xx_behaviours[mid];
        if (sip4xx_behaviours[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
