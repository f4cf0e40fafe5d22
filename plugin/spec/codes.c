/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — one row per IANA-registered SIP 4xx response code.
 *
 * Source of the list and the reason phrases: the IANA "Response Codes"
 * registry of the Session Initiation Protocol (SIP) Parameters (46 codes
 * in class 4xx). rfc/section name where the code is defined; meaning and
 * advice are our own words. plugin/spec/SOURCES.md gives, per row, the RFC
 * sentence each row rests on.
 * Rows stay sorted by code: sip4xx_code_lookup() searches them by halves.
 */
#include "sip4xx/spec.h"

#include <string.h>

#define H(id) SIP4XX_HBIT(id)

const sip4xx_code_t sip4xx_codes[] = {
    { .code = 400, .reason = "Bad Request", .rfc = 3261, .section = "21.4.1",
      .meaning = "The server could not parse the request; its syntax is broken.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Correct the syntax problem, which the reason phrase should name, before sending again." },
    { .code = 401, .reason = "Unauthorized", .rfc = 3261, .section = "21.4.2",
      .meaning = "A user agent or registrar wants the caller to prove who it is.",
      .action = SIP4XX_ACTION_AUTHENTICATE,
      .advice = "Resend with an Authorization header answering the WWW-Authenticate challenge, with a higher CSeq; never reuse credentials just refused unless the nonce was stale (RFC 3261 §22.1, §22.2).",
      .advice_needs = H(WWW_AUTHENTICATE),
      .advice_without = "This 401 lacks WWW-Authenticate, which RFC 3261 §22.2 requires: with no realm or nonce there is nothing to answer; treat it as a failure and report the faulty server." },
    { .code = 402, .reason = "Payment Required", .rfc = 3261, .section = "21.4.3",
      .meaning = "Reserved by SIP for future use; no behaviour is defined for it.",
      .action = SIP4XX_ACTION_DO_NOT_RETRY,
      .advice = "Treat it as a failure; the specification gives no way to recover." },
    { .code = 403, .reason = "Forbidden", .rfc = 3261, .section = "21.4.4",
      .meaning = "The server understood the request but will not carry it out, and authenticating is not expected to change that.",
      .action = SIP4XX_ACTION_DO_NOT_RETRY,
      .advice = "Do not repeat the request: new credentials will not change the answer." },
    { .code = 404, .reason = "Not Found", .rfc = 3261, .section = "21.4.5",
      .meaning = "The addressed user is unknown in the domain of the Request-URI, or the domain is not served here.",
      .action = SIP4XX_ACTION_TRY_ELSEWHERE,
      .advice = "Check the Request-URI: this server does not know the user or does not serve the domain, but the same request through another server may still succeed." },
    { .code = 405, .reason = "Method Not Allowed", .rfc = 3261, .section = "21.4.6",
      .meaning = "The server knows the method but does not accept it for this address.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Use one of the methods listed in the Allow header of the response.",
      .advice_needs = H(ALLOW),
      .advice_without = "This 405 lacks Allow, which RFC 3261 §21.4.6 requires: learn the methods from the Allow of an OPTIONS answer or of an earlier 2xx to INVITE, or give up on this method." },
    { .code = 406, .reason = "Not Acceptable", .rfc = 3261, .section = "21.4.7",
      .meaning = "The only content the resource can return is of a kind the request's Accept header rules out.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Widen the Accept header of the request, then send it again." },
    { .code = 407, .reason = "Proxy Authentication Required", .rfc = 3261, .section = "21.4.8",
      .meaning = "A proxy on the path wants the caller to prove who it is before forwarding.",
      .action = SIP4XX_ACTION_AUTHENTICATE,
      .advice = "Resend with a Proxy-Authorization answering the proxy's Proxy-Authenticate challenge, with a higher CSeq; never reuse credentials just refused unless the nonce was stale (RFC 3261 §22.1, §22.3).",
      .advice_needs = H(PROXY_AUTHENTICATE),
      .advice_without = "This 407 lacks Proxy-Authenticate, which RFC 3261 §22.3 requires: with no challenge there is nothing to answer; treat it as a failure and report the faulty proxy." },
    { .code = 408, .reason = "Request Timeout", .rfc = 3261, .section = "21.4.9",
      .meaning = "The server gave up before it could produce an answer, for instance while locating the user.",
      .action = SIP4XX_ACTION_RETRY_LATER,
      .advice = "Outside a dialog, the same request may be sent again unchanged later; inside a dialog, end the dialog instead (RFC 3261 §21.4.9, §12.2.1.2)." },
    { .code = 410, .reason = "Gone", .rfc = 3261, .section = "21.4.10",
      .meaning = "The resource used to exist here, is gone for good, and no forwarding address is known.",
      .action = SIP4XX_ACTION_DO_NOT_RETRY,
      .advice = "Stop using this address: the server expects the resource to stay unavailable and knows of no forwarding address." },
    { .code = 412, .reason = "Conditional Request Failed", .rfc = 3903, .section = "11.2.1",
      .meaning = "A condition set on the request failed; for PUBLISH, the SIP-If-Match entity-tag matches no publication the server still holds (it may have expired).",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Do not resend the same PUBLISH; start an initial publication without SIP-If-Match and forget the old entity-tag (RFC 3903 §5)." },
    { .code = 413, .reason = "Request Entity Too Large", .rfc = 3261, .section = "21.4.11",
      .meaning = "The request body is larger than the server is willing or able to handle.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Retry without the body or with a smaller one (RFC 3261 §8.1.3.5); if Retry-After is present, the limit is temporary." },
    { .code = 414, .reason = "Request-URI Too Long", .rfc = 3261, .section = "21.4.12",
      .meaning = "The Request-URI is longer than the server is willing to read.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Shorten the Request-URI, for instance by moving URI headers or parameters out of it." },
    { .code = 415, .reason = "Unsupported Media Type", .rfc = 3261, .section = "21.4.13",
      .meaning = "The body uses a type, encoding or language the server does not handle for this method.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Resend using only the types, encodings and languages listed in whichever of Accept, Accept-Encoding and Accept-Language the response carries (RFC 3261 §8.1.3.5).",
      .advice_needs = H(ACCEPT) | H(ACCEPT_ENCODING) | H(ACCEPT_LANGUAGE),
      .advice_without = "This 415 lacks Accept, Accept-Encoding and Accept-Language, though RFC 3261 §21.4.13 requires one: ask with OPTIONS, whose 200 should list them, or resend without a body if the method allows." },
    { .code = 416, .reason = "Unsupported URI Scheme", .rfc = 3261, .section = "21.4.14",
      .meaning = "The server does not know the scheme of the Request-URI.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Retry with a SIP URI as the Request-URI (RFC 3261 §8.1.3.5)." },
    { .code = 417, .reason = "Unknown Resource-Priority", .rfc = 4412, .section = "4.6.2",
      .meaning = "The request demanded resource priority (Require: resource-priority), but the server understands none of its Resource-Priority namespaces or values.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Resend with an authorized namespace and value taken from the response's Accept-Resource-Priority (RFC 4412 §4.7.1).",
      .advice_needs = H(ACCEPT_RESOURCE_PRIORITY),
      .advice_without = "This 417 lacks Accept-Resource-Priority, which is optional: retry with another value the user is authorized for, or without resource-priority in Require to get default priority." },
    { .code = 420, .reason = "Bad Extension", .rfc = 3261, .section = "21.4.15",
      .meaning = "An option tag in Require or Proxy-Require names an extension the server does not support.",
      .action = SIP4XX_ACTION_EXTEND,
      .advice = "Retry without the extensions listed in the response's Unsupported header (RFC 3261 §8.1.3.5).",
      .advice_needs = H(UNSUPPORTED),
      .advice_without = "This 420 lacks Unsupported, which RFC 3261 §21.4.15 requires: retry with only the Require and Proxy-Require tags the request cannot do without, or learn Supported via OPTIONS first." },
    { .code = 421, .reason = "Extension Required", .rfc = 3261, .section = "21.4.16",
      .meaning = "The server can only serve the request with an extension the request did not list in Supported.",
      .action = SIP4XX_ACTION_EXTEND,
      .advice = "Retry listing the extensions named in the response's Require header in Supported, if the client implements them.",
      .advice_needs = H(REQUIRE),
      .advice_without = "This 421 lacks Require, which RFC 3261 §21.4.16 requires: retry listing in Supported every extension the client implements, or learn what the server needs with OPTIONS." },
    { .code = 422, .reason = "Session Interval Too Small", .rfc = 4028, .section = "6",
      .meaning = "The session refresh interval asked for in Session-Expires is below the server's minimum.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Retry with Min-SE set to the largest Min-SE received so far for this call, and Session-Expires no smaller than that (RFC 4028 §7.4).",
      .advice_needs = H(MIN_SE),
      .advice_without = "This 422 lacks Min-SE, which RFC 4028 §6 requires: retry with a larger Session-Expires than before (never below 90 s), or without asking for a session timer." },
    { .code = 423, .reason = "Interval Too Brief", .rfc = 3261, .section = "21.4.17",
      .meaning = "The expiry asked for the registration or other refreshed resource is shorter than the server accepts.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Retry with an expiry at least the Min-Expires value of the response (RFC 3261 §10.2.8).",
      .advice_needs = H(MIN_EXPIRES),
      .advice_without = "This 423 lacks Min-Expires, so the server's minimum is unknown: retry with a clearly longer expiry, or stop refreshing if the user accepts that." },
    { .code = 424, .reason = "Bad Location Information", .rfc = 6442, .section = "4.3",
      .meaning = "The location information conveyed with the request was malformed or could not be used.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Correct or replace the location information, guided by the response's Geolocation-Error code, then retry.",
      .advice_needs = H(GEOLOCATION_ERROR),
      .advice_without = "This 424 lacks Geolocation-Error, which RFC 6442 §4.3 requires: resend with the location the 424 carries, if any; else check the location is well formed and any location URI can be fetched." },
    { .code = 425, .reason = "Bad Alert Message", .rfc = 8876, .section = "5.1",
      .meaning = "The alert (CAP) message carried by the request was too malformed or incomplete for a sensible emergency response to be worked out.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Fix the alert payload as indicated by the response's AlertMsg-Error code, then resend.",
      .advice_needs = H(ALERTMSG_ERROR),
      .advice_without = "This 425 lacks AlertMsg-Error, which RFC 8876 §5.1 requires: check the CAP alert for corruption, missing parts or an unreachable reference, fix it, then resend." },
    { .code = 428, .reason = "Use Identity Header", .rfc = 8224, .section = "6.2.2",
      .meaning = "The verifier's policy demands a usable Identity header, and the request had none, or only ones in an unsupported PASSporT format.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Have an authentication service sign the request with an Identity header, then resend." },
    { .code = 429, .reason = "Provide Referrer Identity", .rfc = 3892, .section = "5",
      .meaning = "The refer target (or the referee, for the REFER itself) wants a valid Referred-By token vouching for the referrer's identity.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Resend the REFER with a Referred-By carrying a signed token of the referrer's identity (RFC 3892 §2.1)." },
    /* 430: the action stays TRY_ELSEWHERE. RFC 5626 §11.5 defines 430 as sent by an
     * edge proxy to the authoritative proxy, which SHOULD forward to another flow of
     * the same instance and AOR; that is the normal receiver. An endpoint should
     * never get one and then handles it as 400, which the advice says. */
    { .code = 430, .reason = "Flow Failed", .rfc = 5626, .section = "11.5",
      .meaning = "An edge proxy tells the authoritative proxy that the flow it was asked to use towards a registered UA instance has failed.",
      .action = SIP4XX_ACTION_TRY_ELSEWHERE,
      .advice = "A proxy should try another flow registered for the same instance and AOR; an endpoint should never get a 430 and handles it like a 400 (RFC 5626 §11.5)." },
    { .code = 433, .reason = "Anonymity Disallowed", .rfc = 5079, .section = "5",
      .meaning = "The server refuses requests whose sender is anonymous.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Retry only if the user agrees to reveal its identity; otherwise give up." },
    { .code = 436, .reason = "Bad Identity Info", .rfc = 8224, .section = "6.2.2",
      .meaning = "For none of the request's Identity headers could the verifier fetch the credential that its \"info\" parameter points to.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Make the credential reference in the Identity header reachable and valid, then resend." },
    { .code = 437, .reason = "Unsupported Credential", .rfc = 8224, .section = "6.2.2",
      .meaning = "The verifier obtained the signer's credential but does not support or trust it.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Sign with a credential the verifier accepts, then resend." },
    { .code = 438, .reason = "Invalid Identity Header", .rfc = 8224, .section = "6.2.2",
      .meaning = "None of the request's Identity headers held a valid, supported PASSporT, typically because a signature did not verify.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "If the PASSporT was in compact form, have the request re-signed with the full form and retry once; also check whether the path altered signed parts such as Date (RFC 8224 §6.1.1)." },
    { .code = 439, .reason = "First Hop Lacks Outbound Support", .rfc = 5626, .section = "11.6",
      .meaning = "The registrar supports outbound but the first-hop proxy of the REGISTER does not.",
      .action = SIP4XX_ACTION_EXTEND,
      .advice = "Register without the outbound extension, or through a first hop that supports it." },
    /* 440: FIX_REQUEST, not DO_NOT_RETRY: RFC 5393 §5.1 names recovery by a less
     * broad search or a refined request, as for 483. */
    { .code = 440, .reason = "Max-Breadth Exceeded", .rfc = 5393, .section = "5.3.3",
      .meaning = "A proxy lacked the Max-Breadth to fork the request in parallel as wanted, and would not fork serially or redirect instead.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "The request did not reach every destination: do not resend it unchanged, but narrow it (a more precise target or routing) so that it needs fewer parallel branches (RFC 5393 §5.1)." },
    { .code = 469, .reason = "Bad Info Package", .rfc = 6086, .section = "11.6",
      .meaning = "The INFO request used an Info Package the recipient did not say it would receive.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Use only Info Packages listed in the response's Recv-Info.",
      .advice_needs = H(RECV_INFO),
      .advice_without = "This 469 lacks Recv-Info, which RFC 6086 §4.2.2 requires: stop sending INFO of this package in the dialog until the peer lists it in a Recv-Info; the dialog itself stays up." },
    { .code = 470, .reason = "Consent Needed", .rfc = 5360, .section = "5.9.2",
      .meaning = "A relay lacks permission to send to at least one URI in the request's URI list.",
      .action = SIP4XX_ACTION_RETRY_LATER,
      .advice = "Add the URIs named in Permission-Missing to the relay's URI list (for instance with XCAP), let the relay obtain their consent, then send the request again.",
      .advice_needs = H(PERMISSION_MISSING),
      .advice_without = "This 470 lacks Permission-Missing, which is only recommended: find out by other means, such as XCAP, which URIs lack consent, add them to the relay's list, and retry once it is given." },
    { .code = 480, .reason = "Temporarily Unavailable", .rfc = 3261, .section = "21.4.18",
      .meaning = "The callee was reached but cannot take the request now, or has no current forwarding location.",
      .action = SIP4XX_ACTION_RETRY_LATER,
      .advice = "Try again later, at the time in Retry-After if given." },
    { .code = 481, .reason = "Call/Transaction Does Not Exist", .rfc = 3261, .section = "21.4.19",
      .meaning = "The request matches no dialog or transaction the server knows.",
      .action = SIP4XX_ACTION_DO_NOT_RETRY,
      .advice = "Inside a dialog, end that dialog (by BYE for an INVITE dialog, RFC 3261 §12.2.1.2); otherwise the transaction the request refers to is gone: do not resend it." },
    { .code = 482, .reason = "Loop Detected", .rfc = 3261, .section = "21.4.20",
      .meaning = "The server saw the request come back to it, or received it twice by different paths.",
      .action = SIP4XX_ACTION_DO_NOT_RETRY,
      .advice = "Do not resend; look for a routing loop or for a forked request that already got its answer." },
    { .code = 483, .reason = "Too Many Hops", .rfc = 3261, .section = "21.4.21",
      .meaning = "The request arrived with Max-Forwards at zero.",
      .action = SIP4XX_ACTION_DO_NOT_RETRY,
      .advice = "Do not resend unchanged; check the route for a loop or a path longer than expected." },
    { .code = 484, .reason = "Address Incomplete", .rfc = 3261, .section = "21.4.22",
      .meaning = "The Request-URI is incomplete, as in overlap dialling.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Complete the address (for instance collect more digits) and send again." },
    { .code = 485, .reason = "Ambiguous", .rfc = 3261, .section = "21.4.23",
      .meaning = "The Request-URI matches more than one user.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Let the user pick one of the Contact addresses of the response, if any, and send to it." },
    { .code = 486, .reason = "Busy Here", .rfc = 3261, .section = "21.4.24",
      .meaning = "The callee was reached but will not or cannot take another call at this end system.",
      .action = SIP4XX_ACTION_RETRY_LATER,
      .advice = "Try later, at the time in Retry-After if given, or reach the user elsewhere such as voice mail." },
    { .code = 487, .reason = "Request Terminated", .rfc = 3261, .section = "21.4.25",
      .meaning = "The request was ended by a CANCEL or BYE before it completed.",
      .action = SIP4XX_ACTION_NONE,
      .advice = "Usually nothing to do: a CANCEL or BYE ended the request, normally one this client sent; if it sent none, another element on the path cancelled it." },
    { .code = 488, .reason = "Not Acceptable Here", .rfc = 3261, .section = "21.4.26",
      .meaning = "The session description offered is not acceptable to this resource.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Make a new offer that avoids what the Warning header or the capabilities in the body rule out." },
    { .code = 489, .reason = "Bad Event", .rfc = 6665, .section = "8.3.2",
      .meaning = "The server does not understand the event package named in the Event header.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Use an event package listed in the response's Allow-Events (RFC 6665 §4.4.4).",
      .advice_needs = H(ALLOW_EVENTS),
      .advice_without = "This 489 lacks Allow-Events, which RFC 6665 leaves optional: treat the event package as unsupported here; to learn which ones are, send OPTIONS and read its Allow-Events." },
    { .code = 491, .reason = "Request Pending", .rfc = 3261, .section = "21.4.27",
      .meaning = "The server already has a request of its own pending in the same dialog (glare).",
      .action = SIP4XX_ACTION_BACK_OFF,
      .advice = "For a re-INVITE, wait a random time (2.1-4 s if this side made the Call-ID, else 0-2 s), then retry only if the change is still wanted (RFC 3261 §14.1)." },
    { .code = 493, .reason = "Undecipherable", .rfc = 3261, .section = "21.4.28",
      .meaning = "The request held an encrypted MIME body that the recipient cannot or will not decrypt.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Resend encrypted with the public key the response may carry in its body (RFC 3261 §21.4.28, §23.2)." },
    { .code = 494, .reason = "Security Agreement Required", .rfc = 3329, .section = "2.3.1",
      .meaning = "The server requires a security mechanism to be agreed before it serves the request.",
      .action = SIP4XX_ACTION_EXTEND,
      .advice = "Choose the highest-q mechanism of Security-Server that the client knows, set it up, and resend with it, echoing that list in Security-Verify and keeping sec-agree in Require and Proxy-Require.",
      .advice_needs = H(SECURITY_SERVER),
      .advice_without = "This 494 lacks Security-Server, which RFC 3329 §2.3.1 requires: consider this security agreement aborted; if wanted, start again with a new request carrying Security-Client." },
};

const size_t sip4xx_codes_count = sizeof(sip4xx_codes) / sizeof(sip4xx_codes[0]);

const sip4xx_code_t *sip4xx_code_lookup(unsigned code)
{
    size_t lo = 0, hi = sip4xx_codes_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sip4xx_codes[mid].code == code)
            return &sip4xx_codes[mid];
        if (sip4xx_codes[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* RFC 3261 §8.1.3.2: "A UAC MUST treat any final response it does not
 * recognize as being equivalent to the x00 response code of that class".
 * So an unregistered 4xx is handled as 400: its action is 400's, and its
 * words say that the code is unregistered rather than claim 400's meaning. */
static const sip4xx_code_t unregistered_4xx = {
    .code = 400, .reason = "Bad Request", .rfc = 3261, .section = "8.1.3.2",
    .meaning = "Not an IANA-registered code: its meaning is the server's own; a client treats it as 400 Bad Request.",
    .action = SIP4XX_ACTION_FIX_REQUEST,
    .advice = "Handle it as a 400: the reason phrase may say what the server objects to; do not resend the request unchanged.",
};

const sip4xx_code_t *sip4xx_code_fallback(unsigned code)
{
    return code >= 400 && code <= 499 ? &unregistered_4xx : NULL;
}

const char *sip4xx_action_label(sip4xx_action_t action)
{
    switch (action) {
#define SIP4XX_X_LABEL(id, val, text) case SIP4XX_ACTION_##id: return text;
        SIP4XX_ACTION_LIST(SIP4XX_X_LABEL)
#undef SIP4XX_X_LABEL
    }
    return "Unknown";
}

static const char *const method_names[] = {
#define SIP4XX_X_METHOD(name) name,
    SIP4XX_METHOD_LIST(SIP4XX_X_METHOD)
#undef SIP4XX_X_METHOD
    "other", "unknown",
};
#define N_NAMED (sizeof method_names / sizeof method_names[0] - 2)

uint8_t sip4xx_method_index(const char *method, size_t len)
{
    /* The first byte rules out nearly every row before its length is taken. */
    for (size_t i = 0; i < N_NAMED; i++)
        if (len && method[0] == method_names[i][0] && len == strlen(method_names[i]) &&
            memcmp(method, method_names[i], len) == 0)
            return (uint8_t)(i + 1);
    return (uint8_t)(len ? N_NAMED + 1 : N_NAMED + 2);
}

const char *sip4xx_method_label(uint8_t index)
{
    return index && index <= sizeof method_names / sizeof method_names[0] ? method_names[index - 1] : NULL;
}
