/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — one row per header obligation, with the strength the RFC gives
 * it (RFC 2119 keyword) and the section holding the sentence.
 *
 * A row is MUST only where the cited sentence says MUST for that header in
 * that message, SHOULD where it says SHOULD; SOURCES.md quotes each one.
 * MAY headers (Retry-After in 480/486, RFC 3261 §21.4.18/§21.4.24;
 * Accept-Resource-Priority in 417, RFC 4412 §4.6.2) get no row.
 * plugin/core/checks.c loops over these rows; nothing switches on a code
 * or a method. One row per line, so that grep finds a code's obligations.
 */
#include "sip4xx/spec.h"

#define H(id) SIP4XX_HBIT(id)

const sip4xx_rule_t sip4xx_rules[] = {
    /* Every request: "A valid SIP request formulated by a UAC MUST, at a
     * minimum, contain ... To, From, CSeq, Call-ID, Max-Forwards, and Via". */
    { .scope = SIP4XX_SCOPE_REQUEST, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(VIA), .level = SIP4XX_LEVEL_MUST, .label = "Via", .ref = "RFC 3261 §8.1.1" },
    { .scope = SIP4XX_SCOPE_REQUEST, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(FROM), .level = SIP4XX_LEVEL_MUST, .label = "From", .ref = "RFC 3261 §8.1.1" },
    { .scope = SIP4XX_SCOPE_REQUEST, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(TO), .level = SIP4XX_LEVEL_MUST, .label = "To", .ref = "RFC 3261 §8.1.1" },
    { .scope = SIP4XX_SCOPE_REQUEST, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CALL_ID), .level = SIP4XX_LEVEL_MUST, .label = "Call-ID", .ref = "RFC 3261 §8.1.1" },
    { .scope = SIP4XX_SCOPE_REQUEST, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CSEQ), .level = SIP4XX_LEVEL_MUST, .label = "CSeq", .ref = "RFC 3261 §8.1.1" },
    { .scope = SIP4XX_SCOPE_REQUEST, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(MAX_FORWARDS), .level = SIP4XX_LEVEL_MUST, .label = "Max-Forwards", .ref = "RFC 3261 §8.1.1" },

    /* Contact in requests. Outside a dialog (no To tag), a request that can
     * establish a dialog MUST carry it (RFC 3261 §8.1.1.8): INVITE, and
     * SUBSCRIBE, "a dialog-creating method" (RFC 6665 §4.1.2.1). Inside
     * one, INVITE, SUBSCRIBE and NOTIFY are target refresh requests (RFC
     * 3261 §12.2; RFC 6665 §3.1, §3.2), which SHOULD carry it (RFC 3261
     * §12.2.1.1). REFER "creates a dialog ... hence MUST contain a single
     * Contact header field value" (RFC 3515 §2), with no condition. */
    { .scope = SIP4XX_SCOPE_REQUEST_METHOD, .method = "INVITE", .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CONTACT), .when = SIP4XX_WHEN_NO_TO_TAG, .level = SIP4XX_LEVEL_MUST, .label = "Contact", .ref = "RFC 3261 §8.1.1.8" },
    { .scope = SIP4XX_SCOPE_REQUEST_METHOD, .method = "INVITE", .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CONTACT), .when = SIP4XX_WHEN_TO_TAG, .level = SIP4XX_LEVEL_SHOULD, .label = "Contact", .ref = "RFC 3261 §12.2.1.1", .note = "a re-INVITE refreshes the target" },
    { .scope = SIP4XX_SCOPE_REQUEST_METHOD, .method = "SUBSCRIBE", .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CONTACT), .when = SIP4XX_WHEN_NO_TO_TAG, .level = SIP4XX_LEVEL_MUST, .label = "Contact", .ref = "RFC 3261 §8.1.1.8, RFC 6665 §4.1.2.1" },
    { .scope = SIP4XX_SCOPE_REQUEST_METHOD, .method = "SUBSCRIBE", .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CONTACT), .when = SIP4XX_WHEN_TO_TAG, .level = SIP4XX_LEVEL_SHOULD, .label = "Contact", .ref = "RFC 3261 §12.2.1.1, RFC 6665 §3.1", .note = "a refresh inside the dialog" },
    { .scope = SIP4XX_SCOPE_REQUEST_METHOD, .method = "NOTIFY", .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CONTACT), .level = SIP4XX_LEVEL_SHOULD, .label = "Contact", .ref = "RFC 3261 §12.2.1.1, RFC 6665 §3.2" },
    { .scope = SIP4XX_SCOPE_REQUEST_METHOD, .method = "REFER", .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CONTACT), .level = SIP4XX_LEVEL_MUST, .label = "Contact", .ref = "RFC 3515 §2" },

    /* Contact in a response that establishes a dialog: "The UAS MUST add a
     * Contact header field to the response" (RFC 3261 §12.1.1), for 2xx and
     * 101-199 responses with a To tag to an INVITE (§12.1, §13.3.1.1,
     * §13.3.1.4), and for the 2xx to a REFER (RFC 3515 §2, Table 1 "Contact
     * 2xx m"). Only where the request was seen outside a dialog: a 2xx to
     * a re-INVITE refreshes the target, and Contact is then "if present"
     * (§12.2.1.2). No row for SUBSCRIBE: RFC 6665 has no such sentence. */
    { .scope = SIP4XX_SCOPE_RESPONSE_METHOD, .code = 101, .code_max = 299, .method = "INVITE", .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CONTACT), .when = SIP4XX_WHEN_DIALOG_CREATED, .level = SIP4XX_LEVEL_MUST, .label = "Contact", .ref = "RFC 3261 §12.1.1", .note = "this response establishes a dialog" },
    { .scope = SIP4XX_SCOPE_RESPONSE_METHOD, .code = 200, .code_max = 299, .method = "REFER", .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CONTACT), .when = SIP4XX_WHEN_DIALOG_CREATED, .level = SIP4XX_LEVEL_MUST, .label = "Contact", .ref = "RFC 3515 §2.2, RFC 3261 §12.1.1", .note = "this response establishes a dialog" },

    /* Every response: the UAS copies these from the request. The MUST is
     * worded as "the ... of the response MUST equal the ... of the request",
     * which a response without the header cannot satisfy. */
    { .scope = SIP4XX_SCOPE_RESPONSE, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(VIA), .level = SIP4XX_LEVEL_MUST, .label = "Via", .ref = "RFC 3261 §8.2.6.2", .note = "worded as: must equal the request's Via values, in order" },
    { .scope = SIP4XX_SCOPE_RESPONSE, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(FROM), .level = SIP4XX_LEVEL_MUST, .label = "From", .ref = "RFC 3261 §8.2.6.2", .note = "worded as: must equal the request's From" },
    { .scope = SIP4XX_SCOPE_RESPONSE, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(TO), .level = SIP4XX_LEVEL_MUST, .label = "To", .ref = "RFC 3261 §8.2.6.2", .note = "worded as: must equal the request's To (its URI when the request had no tag)" },
    { .scope = SIP4XX_SCOPE_RESPONSE, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CALL_ID), .level = SIP4XX_LEVEL_MUST, .label = "Call-ID", .ref = "RFC 3261 §8.2.6.2", .note = "worded as: must equal the request's Call-ID" },
    { .scope = SIP4XX_SCOPE_RESPONSE, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CSEQ), .level = SIP4XX_LEVEL_MUST, .label = "CSeq", .ref = "RFC 3261 §8.2.6.2", .note = "worded as: must equal the request's CSeq" },

    /* The UAS adds a To tag to every response but 100 (Trying). */
    { .scope = SIP4XX_SCOPE_RESPONSE_NOT_100, .need = SIP4XX_NEED_TO_TAG, .level = SIP4XX_LEVEL_MUST, .label = "To;tag", .ref = "RFC 3261 §8.2.6.2" },

    /* Stream transports frame messages by Content-Length (also §20.14).
     * Not over WebSocket, which frames each message: "the use of the
     * Content-Length header ... is not necessary" there (RFC 7118 §5); the
     * Wireshark layer does not count WebSocket as a stream. */
    { .scope = SIP4XX_SCOPE_MESSAGE, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CONTENT_LENGTH), .when = SIP4XX_WHEN_STREAM, .level = SIP4XX_LEVEL_MUST, .label = "Content-Length", .ref = "RFC 3261 §18.3" },

    /* Per response code, sorted by code. */
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 401, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(WWW_AUTHENTICATE), .level = SIP4XX_LEVEL_MUST, .label = "WWW-Authenticate", .ref = "RFC 3261 §22.2" },
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 405, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(ALLOW), .level = SIP4XX_LEVEL_MUST, .label = "Allow", .ref = "RFC 3261 §21.4.6" },
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 407, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(PROXY_AUTHENTICATE), .level = SIP4XX_LEVEL_MUST, .label = "Proxy-Authenticate", .ref = "RFC 3261 §22.3" },
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 413, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(RETRY_AFTER), .level = SIP4XX_LEVEL_SHOULD, .label = "Retry-After", .ref = "RFC 3261 §21.4.11", .note = "when the condition is temporary" },
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 415, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(ACCEPT) | H(ACCEPT_ENCODING) | H(ACCEPT_LANGUAGE), .level = SIP4XX_LEVEL_MUST, .label = "Accept|Accept-Encoding|Accept-Language", .ref = "RFC 3261 §21.4.13", .note = "which one depends on what was not understood (RFC 3261 §8.2.3)" },
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 420, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(UNSUPPORTED), .level = SIP4XX_LEVEL_MUST, .label = "Unsupported", .ref = "RFC 3261 §21.4.15" },
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 421, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(REQUIRE), .level = SIP4XX_LEVEL_MUST, .label = "Require", .ref = "RFC 3261 §21.4.16" },
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 422, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(MIN_SE), .level = SIP4XX_LEVEL_MUST, .label = "Min-SE", .ref = "RFC 4028 §6" },
    /* "This response MUST contain a Min-Expires header field" is said of a
     * registrar's 423 (RFC 3261 §10.3); for SUBSCRIBE, RFC 6665 §4.2.1.1
     * describes a 423 "that contains" it with no keyword: no row. */
    { .scope = SIP4XX_SCOPE_RESPONSE_METHOD, .code = 423, .code_max = 423, .method = "REGISTER", .need = SIP4XX_NEED_ANY_HEADER, .headers = H(MIN_EXPIRES), .level = SIP4XX_LEVEL_MUST, .label = "Min-Expires", .ref = "RFC 3261 §10.3" },
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 424, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(GEOLOCATION_ERROR), .level = SIP4XX_LEVEL_MUST, .label = "Geolocation-Error", .ref = "RFC 6442 §4.3" },
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 425, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(ALERTMSG_ERROR), .level = SIP4XX_LEVEL_MUST, .label = "AlertMsg-Error", .ref = "RFC 8876 §5.1" },
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 469, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(RECV_INFO), .level = SIP4XX_LEVEL_MUST, .label = "Recv-Info", .ref = "RFC 6086 §4.2.2" },
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 470, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(PERMISSION_MISSING), .level = SIP4XX_LEVEL_SHOULD, .label = "Permission-Missing", .ref = "RFC 5360 §5.9.2" },
    { .scope = SIP4XX_SCOPE_RESPONSE_METHOD, .code = 488, .code_max = 488, .method = "INVITE", .need = SIP4XX_NEED_ANY_HEADER, .headers = H(WARNING), .level = SIP4XX_LEVEL_SHOULD, .label = "Warning", .ref = "RFC 3261 §13.3.1.3", .note = "when a UAS rejects the offer in an INVITE" },
    /* No sentence names 489: a notifier SHOULD list its packages in Allow-Events
     * in the responses to dialog-initiating methods (RFC 6665 §4.4.4). */
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 489, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(ALLOW_EVENTS), .level = SIP4XX_LEVEL_SHOULD, .label = "Allow-Events", .ref = "RFC 6665 §4.4.4", .note = "from a notifier" },
    { .scope = SIP4XX_SCOPE_RESPONSE_CODE, .code = 494, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(SECURITY_SERVER), .level = SIP4XX_LEVEL_MUST, .label = "Security-Server", .ref = "RFC 3329 §2.3.1" },

    /* Every message with a body. Last, because SOURCES.md numbers the
     * rows by position and the ones above had their numbers first.
     * "The Content-Type header field MUST be present if the body is not
     * empty" (RFC 3261 §20.15), in any message; sip4xx_msg_has_body()
     * says when a body is there. */
    { .scope = SIP4XX_SCOPE_MESSAGE, .need = SIP4XX_NEED_ANY_HEADER, .headers = H(CONTENT_TYPE), .when = SIP4XX_WHEN_BODY, .level = SIP4XX_LEVEL_MUST, .label = "Content-Type", .ref = "RFC 3261 §20.15", .note = "the message has a body" },
};

const size_t sip4xx_rules_count = sizeof(sip4xx_rules) / sizeof(sip4xx_rules[0]);
