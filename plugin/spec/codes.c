/* sip4xx — one row per IANA-registered SIP 4xx response code.
 *
 * Source of the list and the reason phrases: the IANA "Response Codes"
 * registry of the Session Initiation Protocol (SIP) Parameters (46 codes
 * in class 4xx). rfc/section name where the code is defined; meaning and
 * advice are our own words. plugin/spec/SOURCES.md gives, per row, the RFC
 * sentence each row rests on and the sections that are not yet confirmed.
 * Rows stay sorted by code: sip4xx_code_lookup() searches them by halves.
 */
#include "sip4xx/spec.h"

const sip4xx_code_t sip4xx_codes[] = {
    { .code = 400, .reason = "Bad Request", .rfc = 3261, .section = "21.4.1",
      .meaning = "The server could not parse the request; its syntax is broken.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Correct the syntax problem, which the reason phrase should name, before sending again." },
    { .code = 401, .reason = "Unauthorized", .rfc = 3261, .section = "21.4.2",
      .meaning = "A user agent or registrar wants the caller to prove who it is.",
      .action = SIP4XX_ACTION_AUTHENTICATE,
      .advice = "Send the request again with an Authorization header holding credentials for the realm challenged in WWW-Authenticate (RFC 3261 §22.2), with a higher CSeq." },
    { .code = 402, .reason = "Payment Required", .rfc = 3261, .section = "21.4.3",
      .meaning = "Reserved by SIP for future use; no behaviour is defined for it.",
      .action = SIP4XX_ACTION_DO_NOT_RETRY,
      .advice = "Treat it as a failure; the specification gives no way to recover." },
    { .code = 403, .reason = "Forbidden", .rfc = 3261, .section = "21.4.4",
      .meaning = "The server understood the request and refuses it, whoever is asking.",
      .action = SIP4XX_ACTION_DO_NOT_RETRY,
      .advice = "Do not repeat the request: new credentials will not change the answer." },
    { .code = 404, .reason = "Not Found", .rfc = 3261, .section = "21.4.5",
      .meaning = "The addressed user is unknown in the domain of the Request-URI, or the domain is not served here.",
      .action = SIP4XX_ACTION_TRY_ELSEWHERE,
      .advice = "Check the Request-URI; only a different target can succeed." },
    { .code = 405, .reason = "Method Not Allowed", .rfc = 3261, .section = "21.4.6",
      .meaning = "The server knows the method but does not accept it for this address.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Use one of the methods listed in the Allow header of the response." },
    { .code = 406, .reason = "Not Acceptable", .rfc = 3261, .section = "21.4.7",
      .meaning = "The only content the resource can return is of a kind the request's Accept header rules out.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Widen the Accept header of the request, then send it again." },
    { .code = 407, .reason = "Proxy Authentication Required", .rfc = 3261, .section = "21.4.8",
      .meaning = "A proxy on the path wants the caller to prove who it is before forwarding.",
      .action = SIP4XX_ACTION_AUTHENTICATE,
      .advice = "Send the request again with a Proxy-Authorization header for the realm challenged in Proxy-Authenticate (RFC 3261 §22.3), with a higher CSeq." },
    { .code = 408, .reason = "Request Timeout", .rfc = 3261, .section = "21.4.9",
      .meaning = "The server gave up before it could produce an answer, for instance while locating the user.",
      .action = SIP4XX_ACTION_RETRY_LATER,
      .advice = "The same request may be sent again, unchanged, at a later time (RFC 3261 §21.4.9)." },
    { .code = 410, .reason = "Gone", .rfc = 3261, .section = "21.4.10",
      .meaning = "The resource used to exist here, is gone for good, and no forwarding address is known.",
      .action = SIP4XX_ACTION_DO_NOT_RETRY,
      .advice = "Stop using this address; drop it from address books and caches." },
    { .code = 412, .reason = "Conditional Request Failed", .rfc = 3903, .section = "11.2",
      .meaning = "The entity-tag in SIP-If-Match of a PUBLISH matches no publication the server holds.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Do not resend the same PUBLISH; start an initial publication without SIP-If-Match and forget the old entity-tag." },
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
      .advice = "Resend using only the types, encodings and languages listed in the response's Accept, Accept-Encoding and Accept-Language (RFC 3261 §8.1.3.5)." },
    { .code = 416, .reason = "Unsupported URI Scheme", .rfc = 3261, .section = "21.4.14",
      .meaning = "The server does not know the scheme of the Request-URI.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Retry with a SIP URI as the Request-URI (RFC 3261 §8.1.3.5)." },
    { .code = 417, .reason = "Unknown Resource-Priority", .rfc = 4412, .section = "4.6.2",
      .meaning = "The request's Resource-Priority uses a namespace or priority value the server does not understand.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Resend with a namespace and value taken from the response's Accept-Resource-Priority." },
    { .code = 420, .reason = "Bad Extension", .rfc = 3261, .section = "21.4.15",
      .meaning = "An option tag in Require or Proxy-Require names an extension the server does not support.",
      .action = SIP4XX_ACTION_EXTEND,
      .advice = "Retry without the extensions listed in the response's Unsupported header (RFC 3261 §8.1.3.5)." },
    { .code = 421, .reason = "Extension Required", .rfc = 3261, .section = "21.4.16",
      .meaning = "The server can only serve the request with an extension the request did not list in Supported.",
      .action = SIP4XX_ACTION_EXTEND,
      .advice = "Retry listing the extensions named in the response's Require header in Supported, if the client implements them." },
    { .code = 422, .reason = "Session Interval Too Small", .rfc = 4028, .section = "6",
      .meaning = "The session refresh interval asked for in Session-Expires is below the server's minimum.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Retry with Session-Expires and Min-SE at least the value in the response's Min-SE." },
    { .code = 423, .reason = "Interval Too Brief", .rfc = 3261, .section = "21.4.17",
      .meaning = "The expiry asked for the registration or other refreshed resource is shorter than the server accepts.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Retry with an expiry at least the Min-Expires value of the response." },
    { .code = 424, .reason = "Bad Location Information", .rfc = 6442, .section = "4.3",
      .meaning = "The location information conveyed with the request was malformed or could not be used.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Correct or replace the location information, guided by the response's Geolocation-Error code, then retry." },
    { .code = 425, .reason = "Bad Alert Message", .rfc = 8876, .section = "5.1",
      .meaning = "The alert payload of a non-interactive emergency call was missing, unreadable or of no known purpose.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Fix the alert payload as indicated by the response's AlertMsg-Error code, then resend." },
    { .code = 428, .reason = "Use Identity Header", .rfc = 8224, .section = "6.2.2",
      .meaning = "The verifier only accepts the request with an Identity header, and there was none.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Have an authentication service sign the request with an Identity header, then resend." },
    { .code = 429, .reason = "Provide Referrer Identity", .rfc = 3892, .section = "5",
      .meaning = "The referee will only act on the REFER when the referrer's identity is vouched for in Referred-By.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Resend the REFER with a Referred-By carrying a signed token of the referrer's identity." },
    { .code = 430, .reason = "Flow Failed", .rfc = 5626, .section = "11",
      .meaning = "The outbound flow the request was to use to reach a registered instance no longer works.",
      .action = SIP4XX_ACTION_TRY_ELSEWHERE,
      .advice = "Try another flow or registered contact for the same instance." },
    { .code = 433, .reason = "Anonymity Disallowed", .rfc = 5079, .section = "5",
      .meaning = "The server refuses requests whose sender is anonymous.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Retry only if the user agrees to reveal its identity; otherwise give up." },
    { .code = 436, .reason = "Bad Identity Info", .rfc = 8224, .section = "6.2.2",
      .meaning = "The verifier could not obtain or use the credential that the Identity header points to.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Make the credential reference in the Identity header reachable and valid, then resend." },
    { .code = 437, .reason = "Unsupported Credential", .rfc = 8224, .section = "6.2.2",
      .meaning = "The verifier obtained the signer's credential but does not support or trust it.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Sign with a credential the verifier accepts, then resend." },
    { .code = 438, .reason = "Invalid Identity Header", .rfc = 8224, .section = "6.2.2",
      .meaning = "The Identity header's signature did not verify against the request.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Check that nothing signed was altered on the path, re-sign the request, then resend." },
    { .code = 439, .reason = "First Hop Lacks Outbound Support", .rfc = 5626, .section = "12",
      .meaning = "The registrar supports outbound but the first-hop proxy of the REGISTER does not.",
      .action = SIP4XX_ACTION_EXTEND,
      .advice = "Register without the outbound extension, or through a first hop that supports it." },
    { .code = 440, .reason = "Max-Breadth Exceeded", .rfc = 5393, .section = "5",
      .meaning = "Forking the request further would exceed the parallel branches allowed by Max-Breadth.",
      .action = SIP4XX_ACTION_DO_NOT_RETRY,
      .advice = "Do not resend as is; the fan-out limit protects the network from amplification." },
    { .code = 469, .reason = "Bad Info Package", .rfc = 6086, .section = "11.6",
      .meaning = "The INFO request used an Info Package the recipient did not say it would receive.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Use only Info Packages listed in the response's Recv-Info." },
    { .code = 470, .reason = "Consent Needed", .rfc = 5360, .section = "5.9.2",
      .meaning = "A relay lacks permission to send to at least one URI in the request's URI list.",
      .action = SIP4XX_ACTION_RETRY_LATER,
      .advice = "Obtain consent from the targets named in Permission-Missing, then send the request again." },
    { .code = 480, .reason = "Temporarily Unavailable", .rfc = 3261, .section = "21.4.18",
      .meaning = "The callee was reached but cannot take the request now, or has no current forwarding location.",
      .action = SIP4XX_ACTION_RETRY_LATER,
      .advice = "Try again later, at the time in Retry-After if given." },
    { .code = 481, .reason = "Call/Transaction Does Not Exist", .rfc = 3261, .section = "21.4.19",
      .meaning = "The request matches no dialog or transaction the server knows.",
      .action = SIP4XX_ACTION_DO_NOT_RETRY,
      .advice = "Consider the dialog gone; within a dialog this ends it (RFC 3261 §12.2.1.2)." },
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
      .advice = "Nothing to do: this answers the request that the client itself cancelled." },
    { .code = 488, .reason = "Not Acceptable Here", .rfc = 3261, .section = "21.4.26",
      .meaning = "The session description offered is not acceptable to this resource.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Make a new offer that avoids what the Warning header or the capabilities in the body rule out." },
    { .code = 489, .reason = "Bad Event", .rfc = 6665, .section = "8.3.1",
      .meaning = "The server does not understand the event package named in the Event header.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Use an event package listed in the response's Allow-Events." },
    { .code = 491, .reason = "Request Pending", .rfc = 3261, .section = "21.4.27",
      .meaning = "The server already has a request of its own pending in the same dialog (glare).",
      .action = SIP4XX_ACTION_BACK_OFF,
      .advice = "Wait the random interval of RFC 3261 §14.1 (2.1-4 s if this side owns the Call-ID, else 0-2 s), then retry." },
    { .code = 493, .reason = "Undecipherable", .rfc = 3261, .section = "21.4.28",
      .meaning = "The request held an encrypted MIME body that the recipient cannot or will not decrypt.",
      .action = SIP4XX_ACTION_FIX_REQUEST,
      .advice = "Resend encrypted with the public key the response may carry in its body (RFC 3261 §21.4.28, §23.2)." },
    { .code = 494, .reason = "Security Agreement Required", .rfc = 3329, .section = "2.3.1",
      .meaning = "The server requires a security mechanism to be agreed before it serves the request.",
      .action = SIP4XX_ACTION_EXTEND,
      .advice = "Pick a mechanism from Security-Server, set it up, and resend with Security-Verify over the protected connection." },
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

const sip4xx_code_t *sip4xx_code_fallback(unsigned code)
{
    /* RFC 3261 §8.1.3.2: a UAC treats an unrecognised final response as
     * the x00 response of its class. */
    if (code >= 400 && code <= 499)
        return sip4xx_code_lookup(400);
    return NULL;
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
