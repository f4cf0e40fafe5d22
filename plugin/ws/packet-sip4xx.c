/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — registration and the post-dissector entry point.
 *
 * A post-dissector over Wireshark's SIP dissector (the transum plugin's
 * shape): the `sip` protocol items are the wanted field, asked for only
 * while sip4xx is enabled; the first pass computes a per-frame record in
 * file scope and every pass renders from it, because wanted fields are
 * primed on the first pass only (STYLE.md pitfall 2).
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <wsutil/report_message.h>

#include "compat.h"
#include "sip4xx_ws.h"

#ifndef SIP4XX_VERSION
#define SIP4XX_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = SIP4XX_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
WS_DLL_PUBLIC void plugin_register(void);
SIP4XX_DECLARE_PLUGIN_DESCRIBE()

#define SIP4XX_DEFAULT_MAX_OPEN_PER_CALL 128
#define SIP4XX_DEFAULT_MAX_OPEN_TOTAL 200000
#define SIP4XX_DEFAULT_MAX_DIALOGS 200000

sip4xx_ids_t sip4xx_ids = {
    .proto = -1, .hf_code = -1, .hf_reason = -1, .hf_reason_sent = -1, .hf_registered = -1,
    .hf_rfc = -1, .hf_section = -1, .hf_meaning = -1, .hf_advice = -1, .hf_action = -1,
    .hf_missing = -1, .hf_missing_ref = -1, .ett = -1, .ett_missing = -1,
    .ei_must = EI_INIT, .ei_should = EI_INIT, .ei_explained = EI_INIT, .ei_challenge = EI_INIT,
    .ei_unregistered = EI_INIT, .ei_malformed = EI_INIT,
    .hf_request_in = -1, .hf_response_in = -1, .hf_time = -1, .hf_cause = -1, .hf_cause_class = -1,
    .hf_retry_in = -1, .hf_retry_of = -1, .hf_reaction = -1, .hf_reaction_ok = -1, .hf_reaction_text = -1,
    .hf_truncated = -1, .hf_first_final_in = -1, .hf_missing_count = -1,
    .ei_no_request = EI_INIT, .ei_cause = EI_INIT, .ei_cause_warn = EI_INIT, .ei_retry_violation = EI_INIT,
    .ei_retry_unmodified = EI_INIT, .ei_state_limit = EI_INIT, .ei_truncated = EI_INIT, .ei_second_final = EI_INIT,
    .tap = -1,
    .max_open_per_call = SIP4XX_DEFAULT_MAX_OPEN_PER_CALL,
    .max_open_total = SIP4XX_DEFAULT_MAX_OPEN_TOTAL,
    .max_dialogs = SIP4XX_DEFAULT_MAX_DIALOGS,
    .show_should = TRUE,
    .check_general = TRUE,
    .check_code = TRUE,
    .check_malformed = TRUE,
    .analyse_exchange = TRUE,
};

static dissector_handle_t sip4xx_handle;
static int proto_sip = -1;
static int proto_data = -1;   /* payload SIP turned down: see extract.c */

static const value_string action_vals[] = {
#define SIP4XX_X_VAL(id, val, text) { val, text },
    SIP4XX_ACTION_LIST(SIP4XX_X_VAL)
#undef SIP4XX_X_VAL
    { 0, NULL }
};

static const value_string cause_vals[] = {
#define SIP4XX_X_VAL(id, val, text) { val, text },
    SIP4XX_CAUSE_LIST(SIP4XX_X_VAL)
#undef SIP4XX_X_VAL
    { 0, NULL }
};

static const value_string verdict_vals[] = {
#define SIP4XX_X_VAL(id, val, text) { val, text },
    SIP4XX_VERDICT_LIST(SIP4XX_X_VAL)
#undef SIP4XX_X_VAL
    { 0, NULL }
};

static int dissect_sip4xx(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    sip4xx_frame_record_t *rec;
    sip4xx_records_packet(pinfo->pool);
    if (!PINFO_FD_VISITED(pinfo)) {
        if (!tree)
            return 0;
        rec = sip4xx_extract_frame(tvb, pinfo, tree, proto_sip, proto_data);
    } else {
        rec = sip4xx_state_record(pinfo->num);
    }
    if (!rec || rec->n_msgs == 0)
        return 0;
    sip4xx_render_frame(rec, tvb, pinfo, tree);
    return tvb_captured_length(tvb);
}

/* Ask for the `sip` items only while sip4xx is enabled: asking makes
 * tshark build a tree for every frame (STYLE.md pitfall 1). */
static void sip4xx_init(void)
{
    sip4xx_state_init();
    if (!proto_is_protocol_enabled(find_protocol_by_id(sip4xx_ids.proto)) || proto_sip < 0) {
        set_postdissector_wanted_hfids(sip4xx_handle, NULL);
        return;
    }
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    g_array_append_val(wanted, proto_sip);
    if (proto_data > 0)
        g_array_append_val(wanted, proto_data);
    sip4xx_extract_wanted(wanted);
    set_postdissector_wanted_hfids(sip4xx_handle, wanted);
}

static void sip4xx_cleanup(void)
{
    sip4xx_state_cleanup();
    set_postdissector_wanted_hfids(sip4xx_handle, NULL);
}

/* The limits bound what sip4xx keeps; there is no "no limit" value.
 * 0 reads as "unlimited" to many users but would turn correlation off
 * without saying so: it is refused, with a message, and the default kept. */
static void refuse_zero(guint *value, guint fallback, const char *name)
{
    if (*value)
        return;
    *value = fallback;
    report_warning("sip4xx: the preference sip4xx.%s cannot be 0 (sip4xx keeps no unlimited state);"
                   " using %u. To turn correlation off, set sip4xx.analyse_exchange to FALSE.", name, fallback);
}

static void sip4xx_prefs_apply(void)
{
    refuse_zero(&sip4xx_ids.max_open_per_call, SIP4XX_DEFAULT_MAX_OPEN_PER_CALL, "max_open_per_call");
    refuse_zero(&sip4xx_ids.max_open_total, SIP4XX_DEFAULT_MAX_OPEN_TOTAL, "max_open_total");
    refuse_zero(&sip4xx_ids.max_dialogs, SIP4XX_DEFAULT_MAX_DIALOGS, "max_dialogs");
}

static void proto_register_sip4xx(void)
{
    static hf_register_info hf[] = {
        { &sip4xx_ids.hf_code, { "Status code", "sip4xx.code", FT_UINT16, BASE_DEC, NULL, 0x0,
          "The 4xx status code of the response", HFILL } },
        { &sip4xx_ids.hf_reason, { "Registered reason phrase", "sip4xx.reason", FT_STRING, BASE_NONE, NULL, 0x0,
          "Reason-Phrase of the code in the IANA SIP response code registry", HFILL } },
        { &sip4xx_ids.hf_reason_sent, { "Reason phrase sent", "sip4xx.reason_sent", FT_STRING, BASE_NONE, NULL, 0x0,
          "The response's own Reason-Phrase, shown when it differs from the registered one (allowed: RFC 3261 §21)", HFILL } },
        { &sip4xx_ids.hf_registered, { "Registered", "sip4xx.registered", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "Whether the code is in the IANA SIP response code registry", HFILL } },
        { &sip4xx_ids.hf_rfc, { "RFC", "sip4xx.rfc", FT_UINT16, BASE_DEC, NULL, 0x0,
          "Number of the RFC that defines the code", HFILL } },
        { &sip4xx_ids.hf_section, { "Section", "sip4xx.section", FT_STRING, BASE_NONE, NULL, 0x0,
          "Section of that RFC that defines the code", HFILL } },
        { &sip4xx_ids.hf_meaning, { "Meaning", "sip4xx.meaning", FT_STRING, BASE_NONE, NULL, 0x0,
          "What the code means, in one sentence", HFILL } },
        { &sip4xx_ids.hf_advice, { "Advice", "sip4xx.advice", FT_STRING, BASE_NONE, NULL, 0x0,
          "What the client should do next", HFILL } },
        { &sip4xx_ids.hf_action, { "Action", "sip4xx.action", FT_UINT8, BASE_DEC, VALS(action_vals), 0x0,
          "Class of what the client should do next", HFILL } },
        { &sip4xx_ids.hf_missing, { "Missing header", "sip4xx.missing_header", FT_STRING, BASE_NONE, NULL, 0x0,
          "A header field the message is required to carry but does not (one per missing header)", HFILL } },
        { &sip4xx_ids.hf_missing_count, { "Missing headers", "sip4xx.missing_count", FT_UINT16, BASE_DEC, NULL, 0x0,
          "How many missing headers this message's sip4xx tree reports (0 included). Hidden: on every sip4xx"
          " tree, in order, so that -T fields output pairs each tree with its sip4xx.missing_header values", HFILL } },
        { &sip4xx_ids.hf_missing_ref, { "Required by", "sip4xx.missing_header.ref", FT_STRING, BASE_NONE, NULL, 0x0,
          "The RFC section that makes the header required", HFILL } },
        { &sip4xx_ids.hf_request_in, { "Request in", "sip4xx.request_in", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
          "The request this 4xx answers (RFC 3261 §17.1.3 transaction matching). For the 487 that ends an"
          " INVITE it is the INVITE (RFC 3261 §9.1), where sip.response-request names the CANCEL", HFILL } },
        { &sip4xx_ids.hf_response_in, { "4xx response in", "sip4xx.response_in", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
          "The 4xx that answered this request (shown from the second pass on)", HFILL } },
        { &sip4xx_ids.hf_time, { "Time from request (ms)", "sip4xx.time", FT_DOUBLE, BASE_NONE, NULL, 0x0,
          "Milliseconds from the request in sip4xx.request_in to this 4xx, the unit of sip.response-time."
          " For the 487 that ends an INVITE it counts from the INVITE, sip.response-time from the CANCEL", HFILL } },
        { &sip4xx_ids.hf_cause, { "Cause", "sip4xx.cause", FT_STRING, BASE_NONE, NULL, 0x0,
          "Why the server refused the request, as the request shows it", HFILL } },
        { &sip4xx_ids.hf_cause_class, { "Cause class", "sip4xx.cause_class", FT_UINT8, BASE_DEC, VALS(cause_vals), 0x0,
          "Class of the cause, for filters and statistics", HFILL } },
        { &sip4xx_ids.hf_retry_in, { "Client's next attempt in", "sip4xx.retry_in", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
          "The client's next request of the same kind after this 4xx (shown from the second pass on)", HFILL } },
        { &sip4xx_ids.hf_retry_of, { "Retry after 4xx in", "sip4xx.retry_of", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
          "The 4xx this request reacts to", HFILL } },
        { &sip4xx_ids.hf_reaction, { "Reaction", "sip4xx.reaction", FT_UINT8, BASE_DEC, VALS(verdict_vals), 0x0,
          "How the client reacted to the 4xx, judged against the RFC", HFILL } },
        { &sip4xx_ids.hf_reaction_ok, { "Reaction followed the RFC", "sip4xx.reaction.ok", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "Whether the client's next attempt did what the RFC asks after this 4xx", HFILL } },
        { &sip4xx_ids.hf_reaction_text, { "Reaction detail", "sip4xx.reaction.text", FT_STRING, BASE_NONE, NULL, 0x0,
          "The reaction, with the values compared", HFILL } },
        { &sip4xx_ids.hf_first_final_in, { "First final response in", "sip4xx.first_final_in", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
          "On a second, different final response of one transaction: the transaction's first final response"
          " (RFC 3261 §17.2.1, §17.2.2)", HFILL } },
        { &sip4xx_ids.hf_truncated, { "Not captured whole", "sip4xx.truncated", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The message's header section was not captured whole (snaplen, a lost or unreassembled segment, the first"
          " IP fragment of a datagram read without reassembly):"
          " headers past the cut are not checked", HFILL } },
    };
    static gint *ett[] = { &sip4xx_ids.ett, &sip4xx_ids.ett_missing };
    /* Severities: Note and above is what deserves a look (a missing
     * SHOULD header, an unregistered code, a check sip4xx could not
     * make); what only explains a normal 4xx, its cause or a request
     * not in the capture is Chat, Wireshark's level for normal
     * protocol events. Warnings are for what breaks a MUST. */
    static ei_register_info ei[] = {
        { &sip4xx_ids.ei_must, { "sip4xx.missing_header.must", PI_PROTOCOL, PI_WARN,
          "A header the RFC says MUST be present is missing", EXPFILL } },
        { &sip4xx_ids.ei_should, { "sip4xx.missing_header.should", PI_PROTOCOL, PI_NOTE,
          "A header the RFC says SHOULD be present is missing", EXPFILL } },
        { &sip4xx_ids.ei_explained, { "sip4xx.explained", PI_RESPONSE_CODE, PI_CHAT,
          "A SIP 4xx response, explained", EXPFILL } },
        { &sip4xx_ids.ei_challenge, { "sip4xx.explained.challenge", PI_RESPONSE_CODE, PI_CHAT,
          "An authentication challenge (401/407), explained", EXPFILL } },
        { &sip4xx_ids.ei_unregistered, { "sip4xx.unregistered", PI_PROTOCOL, PI_NOTE,
          "A 4xx code that is not IANA-registered", EXPFILL } },
        { &sip4xx_ids.ei_malformed, { "sip4xx.malformed", PI_MALFORMED, PI_WARN,
          "The SIP message does not follow the RFC 3261 message syntax", EXPFILL } },
        { &sip4xx_ids.ei_no_request, { "sip4xx.no_request", PI_SEQUENCE, PI_CHAT,
          "No open transaction matches this 4xx: its request is not in the capture (or not whole) or timed out", EXPFILL } },
        { &sip4xx_ids.ei_cause, { "sip4xx.cause.found", PI_RESPONSE_CODE, PI_CHAT,
          "The request shows why it was refused", EXPFILL } },
        { &sip4xx_ids.ei_cause_warn, { "sip4xx.cause.problem", PI_PROTOCOL, PI_WARN,
          "The exchange itself breaks the RFC (a 487 to a CANCEL; a 405 for a method in Allow)", EXPFILL } },
        { &sip4xx_ids.ei_retry_violation, { "sip4xx.retry.violation", PI_SEQUENCE, PI_WARN,
          "The client's next attempt did not do what the RFC asks after this 4xx", EXPFILL } },
        { &sip4xx_ids.ei_retry_unmodified, { "sip4xx.retry.unmodified", PI_SEQUENCE, PI_WARN,
          "The request was sent again without modification after a 4xx (RFC 3261 §21.4)", EXPFILL } },
        { &sip4xx_ids.ei_state_limit, { "sip4xx.state_limit", PI_SEQUENCE, PI_NOTE,
          "Not correlated: the open-transaction limit was reached (Preferences › Protocols › SIP4XX)", EXPFILL } },
        { &sip4xx_ids.ei_second_final, { "sip4xx.second_final", PI_PROTOCOL, PI_WARN,
          "A second, different final response in a transaction that already had one (RFC 3261 §17.2.1, §17.2.2)",
          EXPFILL } },
        { &sip4xx_ids.ei_truncated, { "sip4xx.truncated.note", PI_UNDECODED, PI_NOTE,
          "SIP message not captured whole: headers past the cut are not checked, and it is not used to judge a cause or a retry",
          EXPFILL } },
    };

    sip4xx_ids.proto = proto_register_protocol("SIP 4xx analysis", "SIP4XX", "sip4xx");
    proto_register_field_array(sip4xx_ids.proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(sip4xx_ids.proto), ei, array_length(ei));

    module_t *prefs = prefs_register_protocol(sip4xx_ids.proto, sip4xx_prefs_apply);
    prefs_register_bool_preference(prefs, "show_should", "Show SHOULD-level findings",
        "Report headers the RFC says SHOULD be present (expert notes), not only MUST ones", &sip4xx_ids.show_should);
    prefs_register_bool_preference(prefs, "check_general", "Check the headers every message needs",
        "Via, From, To, Call-ID, CSeq, Max-Forwards, Contact, the To tag, Content-Length on streams, Content-Type with a body (RFC 3261 §8, §18.3, §20.15)",
        &sip4xx_ids.check_general);
    prefs_register_bool_preference(prefs, "check_code", "Check each 4xx code's own headers",
        "405 Allow, 401 WWW-Authenticate, 415 Accept, 423 Min-Expires, ...", &sip4xx_ids.check_code);
    prefs_register_bool_preference(prefs, "check_malformed", "Report malformed SIP",
        "Start line, header lines, Content-Length, CSeq syntax (RFC 3261 §7, §25)", &sip4xx_ids.check_malformed);
    prefs_register_bool_preference(prefs, "analyse_exchange", "Analyse the exchange",
        "Link each 4xx to its request, name the cause, judge the client's next attempt", &sip4xx_ids.analyse_exchange);
    prefs_register_bool_preference(prefs, "info_meaning", "Meaning in the Info column",
        "Append the meaning of each 4xx to its Info note (it is always in the sip4xx.meaning field and the"
        " tree); off by default so that the Info column leads with what is wrong and stays short",
        &sip4xx_ids.info_meaning);
    prefs_register_uint_preference(prefs, "max_open_per_call", "Open transactions kept per call",
        "How many unanswered transactions of one Call-ID sip4xx keeps to correlate; past it, new ones are not"
        " tracked and say so (sip4xx.state_limit). At least 1: 0 is refused and the default kept", 10,
        &sip4xx_ids.max_open_per_call);
    prefs_register_uint_preference(prefs, "max_open_total", "Open transactions kept in all",
        "How many unanswered transactions and unanswered 4xx sip4xx keeps for the whole capture. At least 1:"
        " 0 is refused and the default kept (to turn correlation off, untick \"Analyse the exchange\")", 10,
        &sip4xx_ids.max_open_total);
    prefs_register_uint_preference(prefs, "max_dialogs", "Dialogs whose Call-ID owner is kept",
        "How many live dialogs sip4xx remembers the Call-ID owner of (RFC 3261 §14.1, for the 491 back-off);"
        " past it, a new dialog's owner is not kept and its 491 retries are judged without it. At least 1:"
        " 0 is refused and the default kept", 10,
        &sip4xx_ids.max_dialogs);

    sip4xx_ids.tap = register_tap("sip4xx");
    sip4xx_register_stats();
    sip4xx_register_stats_table();
    sip4xx_handle = create_dissector_handle(dissect_sip4xx, sip4xx_ids.proto);
    register_postdissector(sip4xx_handle);
    register_init_routine(sip4xx_init);
    register_cleanup_routine(sip4xx_cleanup);
    register_shutdown_routine(sip4xx_render_shutdown);
}

static void proto_reg_handoff_sip4xx(void)
{
    proto_sip = proto_get_id_by_filter_name("sip");
    proto_data = proto_get_id_by_filter_name("data");
    sip4xx_extract_handoff();
}

void plugin_register(void)
{
    static proto_plugin plug;
    plug.register_protoinfo = proto_register_sip4xx;
    plug.register_handoff = proto_reg_handoff_sip4xx;
    proto_register_plugin(&plug);
}
