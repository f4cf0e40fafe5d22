/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — turns a frame record into what users see: the sip4xx subtree
 * (every item generated: sip4xx infers, the capture does not say it),
 * expert infos and a short note in the Info column. Runs on every pass. */
#include "sip4xx_ws.h"

#include <string.h>

#include <epan/tap.h>

#include "sip4xx/sentences.h"

gboolean sip4xx_rule_shown(guint16 rule)
{
    if (rule >= sip4xx_rules_count)
        return FALSE;
    const sip4xx_rule_t *r = &sip4xx_rules[rule];
    if (r->level == SIP4XX_LEVEL_SHOULD && !sip4xx_ids.show_should)
        return FALSE;
    return r->scope == SIP4XX_SCOPE_RESPONSE_CODE ? sip4xx_ids.check_code : sip4xx_ids.check_general;
}

guint sip4xx_shown_findings(const sip4xx_msg_record_t *r)
{
    guint n = 0;
    for (guint k = 0; k < r->n_findings; k++)
        n += sip4xx_rule_shown(r->findings[k]);
    return n;
}

/* The expert sentence that explains a 4xx depends on the code alone:
 * format it once per code, not once per response (this runs for every 4xx
 * on every pass). Freed at shutdown. */
static char *explained_text[100];

static const char *explanation_of(guint code)
{
    if (code < 400 || code > 499)
        return NULL;
    char **slot = &explained_text[code - 400];
    if (!*slot) {
        char text[SIP4XX_LABEL_MAX + 1];
        sip4xx_say_explained(text, sizeof text, code);
        *slot = g_strdup(text);
    }
    return *slot;
}

void sip4xx_render_shutdown(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(explained_text); i++) {
        g_free(explained_text[i]);
        explained_text[i] = NULL;
    }
}

static proto_item *add_gen(proto_item *ti)
{
    proto_item_set_generated(ti);
    return ti;
}

static void render_code(const sip4xx_msg_record_t *r, tvbuff_t *tvb, packet_info *pinfo,
                        proto_item *top, proto_tree *st)
{
    const sip4xx_code_t *row = sip4xx_code_lookup(r->code);
    const sip4xx_code_t *ex = row ? row : sip4xx_code_fallback(r->code);
    proto_item *code_ti = add_gen(proto_tree_add_uint(st, sip4xx_ids.hf_code, tvb, r->start, r->len, r->code));
    add_gen(proto_tree_add_boolean(st, sip4xx_ids.hf_registered, tvb, r->start, r->len, row != NULL));
    if (row) {
        proto_item_append_text(top, ": %u %s", r->code, row->reason);
        add_gen(proto_tree_add_string(st, sip4xx_ids.hf_reason, tvb, r->start, r->len, row->reason));
    } else {
        char text[SIP4XX_LABEL_MAX + 1];
        proto_item_append_text(top, ": %u (unregistered, handled as %u)", r->code, ex->code);
        sip4xx_say_unregistered(text, sizeof text, r->code);
        expert_add_info_format(pinfo, code_ti, &sip4xx_ids.ei_unregistered, "%s", text);
    }
    if (r->reason_sent)
        add_gen(proto_tree_add_string(st, sip4xx_ids.hf_reason_sent, tvb, r->start, r->len, r->reason_sent));
    add_gen(proto_tree_add_uint(st, sip4xx_ids.hf_rfc, tvb, r->start, r->len, ex->rfc));
    add_gen(proto_tree_add_string(st, sip4xx_ids.hf_section, tvb, r->start, r->len, ex->section));
    add_gen(proto_tree_add_string(st, sip4xx_ids.hf_meaning, tvb, r->start, r->len, ex->meaning));
    add_gen(proto_tree_add_uint(st, sip4xx_ids.hf_action, tvb, r->start, r->len, ex->action));
    /* Where the response lacks the header the advice relies on, the
     * advice says so and what the client can still do. */
    add_gen(proto_tree_add_string(st, sip4xx_ids.hf_advice, tvb, r->start, r->len,
                                  (r->flags & SIP4XX_REC_ADVICE_LACKS) && ex->advice_without ? ex->advice_without
                                                                                             : ex->advice));

    /* 401/407 are a normal step of digest authentication, not a failure
     * to worry about: the challenge class is chat level. */
    expert_field *ei = ex->action == SIP4XX_ACTION_AUTHENTICATE ? &sip4xx_ids.ei_challenge
                                                                 : &sip4xx_ids.ei_explained;
    expert_add_info_format(pinfo, code_ti, ei, "%s", explanation_of(r->code));
}

static void render_findings(const sip4xx_msg_record_t *r, tvbuff_t *tvb, packet_info *pinfo,
                            proto_tree *st)
{
    for (guint k = 0; k < r->n_findings; k++) {
        if (!sip4xx_rule_shown(r->findings[k]))
            continue;
        const sip4xx_rule_t *rule = &sip4xx_rules[r->findings[k]];
        gboolean must = rule->level == SIP4XX_LEVEL_MUST;
        char value[SIP4XX_LABEL_MAX + 1], text[SIP4XX_LABEL_MAX + 1];
        sip4xx_say_missing_value(value, sizeof value, rule);
        sip4xx_say_missing(text, sizeof text, rule);
        proto_item *ti = add_gen(proto_tree_add_string_format_value(
            st, sip4xx_ids.hf_missing, tvb, r->start, r->len, rule->label, "%s", value));
        proto_tree *mt = proto_item_add_subtree(ti, sip4xx_ids.ett_missing);
        add_gen(proto_tree_add_string(mt, sip4xx_ids.hf_missing_ref, tvb, r->start, r->len, rule->ref));
        expert_add_info_format(pinfo, ti, must ? &sip4xx_ids.ei_must : &sip4xx_ids.ei_should, "%s", text);
    }
}

static void render_malformed(const sip4xx_msg_record_t *r, packet_info *pinfo, proto_item *top)
{
    if (!r->malformed || !sip4xx_ids.check_malformed)
        return;
    for (size_t k = 0; k < sip4xx_malformed_bits_count; k++) {
        if (r->malformed & sip4xx_malformed_bits[k]) {
            char text[SIP4XX_LABEL_MAX + 1];
            sip4xx_say_malformed(text, sizeof text, sip4xx_malformed_bits[k], r->duplicate);
            expert_add_info_format(pinfo, top, &sip4xx_ids.ei_malformed, "%s", text);
        }
    }
}

/* A message whose header section was not captured whole: said once, so
 * that the silence about its headers is not read as "all present". */
static void render_truncated(const sip4xx_msg_record_t *r, tvbuff_t *tvb, packet_info *pinfo, proto_tree *st)
{
    if (!(r->flags & SIP4XX_REC_TRUNCATED))
        return;
    proto_item *ti = add_gen(proto_tree_add_boolean(st, sip4xx_ids.hf_truncated, tvb, r->start, r->len, TRUE));
    expert_add_info(pinfo, ti, &sip4xx_ids.ei_truncated);
}

/* Links, cause and reaction (RFC 3261 §17 transactions; the client's next
 * attempt after a 4xx). */
static void render_exchange(const sip4xx_msg_record_t *r, tvbuff_t *tvb, packet_info *pinfo,
                            proto_item *top, proto_tree *st)
{
    if (!sip4xx_ids.analyse_exchange)
        return;
    if (r->request_in) {
        add_gen(proto_tree_add_uint(st, sip4xx_ids.hf_request_in, tvb, r->start, r->len, r->request_in));
        double ms = (double)r->delta_secs * 1000.0 + (double)r->delta_nsecs / 1e6;
        add_gen(proto_tree_add_double(st, sip4xx_ids.hf_time, tvb, r->start, r->len, ms));
    }
    if (r->flags & SIP4XX_REC_NO_REQUEST)
        expert_add_info_format(pinfo, top, &sip4xx_ids.ei_no_request,
                               "No open transaction matches this %u: its request is not in the capture or not"
                               " captured whole, or its transaction timed out first (64*T1, RFC 3261 §17.1.1.2,"
                               " §17.1.2.2); cause and reaction not analysed", r->code);
    if (r->cause) {
        proto_item *ti = add_gen(proto_tree_add_string(st, sip4xx_ids.hf_cause, tvb, r->start, r->len, r->cause));
        add_gen(proto_tree_add_uint(st, sip4xx_ids.hf_cause_class, tvb, r->start, r->len, r->cause_class));
        expert_add_info_format(pinfo, ti, (r->flags & SIP4XX_REC_CAUSE_WARN) ? &sip4xx_ids.ei_cause_warn
                                                                            : &sip4xx_ids.ei_cause,
                               "Cause: %s", r->cause);
    }
    if (r->kind == SIP4XX_MSG_REQUEST && r->response_in)
        add_gen(proto_tree_add_uint(st, sip4xx_ids.hf_response_in, tvb, r->start, r->len, r->response_in));
    if (r->retry_in)
        add_gen(proto_tree_add_uint(st, sip4xx_ids.hf_retry_in, tvb, r->start, r->len, r->retry_in));
    if (r->retry_of)
        add_gen(proto_tree_add_uint(st, sip4xx_ids.hf_retry_of, tvb, r->start, r->len, r->retry_of));
    if ((r->retry_in || r->retry_of) && r->verdict) {
        gboolean bad = sip4xx_verdict_is_violation((sip4xx_verdict_t)r->verdict);
        add_gen(proto_tree_add_uint(st, sip4xx_ids.hf_reaction, tvb, r->start, r->len, r->verdict));
        add_gen(proto_tree_add_boolean(st, sip4xx_ids.hf_reaction_ok, tvb, r->start, r->len, !bad));
        proto_item *ti = add_gen(proto_tree_add_string(st, sip4xx_ids.hf_reaction_text, tvb, r->start, r->len,
                                                       r->verdict_text ? r->verdict_text : ""));
        /* The violation is the retry's: flag it there, once. */
        if (bad && r->retry_of)
            expert_add_info_format(pinfo, ti,
                                   r->verdict == SIP4XX_VERDICT_UNMODIFIED || r->verdict == SIP4XX_VERDICT_REPEATED_FORBIDDEN
                                       ? &sip4xx_ids.ei_retry_unmodified : &sip4xx_ids.ei_retry_violation,
                                   "Reaction to the 4xx in frame %u: %s", r->retry_of,
                                   r->verdict_text ? r->verdict_text : "");
    }
    if (r->flags & SIP4XX_REC_STATE_LIMIT)
        expert_add_info(pinfo, top, &sip4xx_ids.ei_state_limit);
    if (r->flags & SIP4XX_REC_SECOND_FINAL) {
        proto_item *ti = add_gen(proto_tree_add_uint(st, sip4xx_ids.hf_first_final_in, tvb, r->start, r->len,
                                                     r->first_final_in));
        expert_add_info_format(pinfo, ti, &sip4xx_ids.ei_second_final,
                               "Second final response of this transaction (the first was in frame %u): a server"
                               " transaction that has sent a final response only retransmits it (RFC 3261 §17.2.1,"
                               " §17.2.2)", r->first_final_in);
    }
}

/* The Info note, one bracket per message, in a fixed shape scripts can
 * split on "; " (no label contains it). It leads with what is wrong and
 * stays short; the meaning belongs to the Meaning column and the tree, and
 * is appended only when the info_meaning preference asks for it:
 *   [405: missing Allow, To;tag; malformed; second final; retry: <verdict>]
 *   [405]   a 4xx sip4xx has nothing against */
static void append_info(const sip4xx_msg_record_t *r, gboolean is_4xx, gboolean second_final,
                        gboolean bad_retry, packet_info *pinfo)
{
    wmem_strbuf_t *info = wmem_strbuf_new(pinfo->pool, " [");
    const char *sep = "";
    if (is_4xx) {
        wmem_strbuf_append_printf(info, "%u", r->code);
        sep = ": ";
    }
    for (guint k = 0, shown = 0; k < r->n_findings; k++) {
        if (sip4xx_rule_shown(r->findings[k])) {
            wmem_strbuf_append(info, shown++ ? ", " : sep);
            if (shown == 1)
                wmem_strbuf_append(info, "missing ");
            wmem_strbuf_append(info, sip4xx_rules[r->findings[k]].label);
            sep = "; ";
        }
    }
    if (r->malformed && sip4xx_ids.check_malformed) {
        wmem_strbuf_append_printf(info, "%smalformed", sep);
        sep = "; ";
    }
    if (second_final) {
        wmem_strbuf_append_printf(info, "%ssecond final", sep);
        sep = "; ";
    }
    if (bad_retry) {
        wmem_strbuf_append_printf(info, "%sretry: %s", sep, sip4xx_verdict_label((sip4xx_verdict_t)r->verdict));
        sep = "; ";
    }
    if (is_4xx && sip4xx_ids.info_meaning) {
        const sip4xx_code_t *row = sip4xx_code_lookup(r->code);
        const sip4xx_code_t *ex = row ? row : sip4xx_code_fallback(r->code);
        /* The sentence without its full stop reads better in a column. */
        size_t n = strlen(ex->meaning);
        wmem_strbuf_append(info, sep);
        wmem_strbuf_append_len(info, ex->meaning, n && ex->meaning[n - 1] == '.' ? n - 1 : n);
    }
    wmem_strbuf_append_c(info, ']');
    col_append_str(pinfo->cinfo, COL_INFO, wmem_strbuf_get_str(info));
}

/* The subtree's own line names its most severe finding, so that a folded
 * tree already says what is wrong: Wireshark's order of expert severities
 * (malformed and MUST warnings, then notes), then what merely links the
 * message to others. "(+N more)" counts the other findings of note level
 * and above. */
static void summarise(const sip4xx_msg_record_t *r, gboolean is_4xx, proto_item *top)
{
    const char *sep = is_4xx ? "; " : ": ";
    guint problems = 0;
    char worst[SIP4XX_LABEL_MAX + 1] = "";
    const sip4xx_rule_t *should = NULL;
    gboolean analyse = sip4xx_ids.analyse_exchange;

#define SIP4XX_NOTE(...)                                                         \
    do {                                                                         \
        if (!problems++)                                                         \
            snprintf(worst, sizeof worst, __VA_ARGS__);                          \
    } while (0)

    if (r->malformed && sip4xx_ids.check_malformed)
        SIP4XX_NOTE("malformed");
    for (guint k = 0; k < r->n_findings; k++) {
        if (!sip4xx_rule_shown(r->findings[k]))
            continue;
        const sip4xx_rule_t *rule = &sip4xx_rules[r->findings[k]];
        if (rule->level == SIP4XX_LEVEL_MUST)
            SIP4XX_NOTE("missing %s (MUST, %s)", rule->label, rule->ref);
        else if (!should)
            should = rule;
    }
    if (analyse && (r->flags & SIP4XX_REC_SECOND_FINAL))
        SIP4XX_NOTE("second final response (the first in frame %u)", r->first_final_in);
    if (analyse && r->cause && (r->flags & SIP4XX_REC_CAUSE_WARN))
        SIP4XX_NOTE("%s", sip4xx_cause_label((sip4xx_cause_class_t)r->cause_class));
    if (analyse && r->retry_of && r->verdict && sip4xx_verdict_is_violation((sip4xx_verdict_t)r->verdict))
        SIP4XX_NOTE("%s (after the 4xx in frame %u)", sip4xx_verdict_label((sip4xx_verdict_t)r->verdict),
                    r->retry_of);
    if (should)
        SIP4XX_NOTE("missing %s (SHOULD, %s)", should->label, should->ref);
    for (guint k = 0, seen = 0; k < r->n_findings; k++) {
        /* The other SHOULD findings count, the first was named above. */
        if (sip4xx_rule_shown(r->findings[k]) && sip4xx_rules[r->findings[k]].level != SIP4XX_LEVEL_MUST &&
            seen++)
            problems++;
    }
    if (r->flags & SIP4XX_REC_TRUNCATED)
        SIP4XX_NOTE("not captured whole");
    if (analyse && (r->flags & SIP4XX_REC_STATE_LIMIT))
        SIP4XX_NOTE("not correlated (open-transaction limit)");
#undef SIP4XX_NOTE

    if (problems) {
        proto_item_append_text(top, "%s%s", sep, worst);
        if (problems > 1)
            proto_item_append_text(top, " (+%u more)", problems - 1);
        return;
    }
    /* Nothing wrong: say what sip4xx linked the message to. */
    if (!analyse)
        return;
    if (is_4xx && r->cause)
        proto_item_append_text(top, "%scause: %s", sep, sip4xx_cause_label((sip4xx_cause_class_t)r->cause_class));
    else if (is_4xx && (r->flags & SIP4XX_REC_NO_REQUEST))
        proto_item_append_text(top, "%sno request matched", sep);
    else if (r->kind == SIP4XX_MSG_REQUEST && r->retry_of && r->verdict)
        proto_item_append_text(top, "%snext attempt after the 4xx in frame %u: %s", sep, r->retry_of,
                               sip4xx_verdict_label((sip4xx_verdict_t)r->verdict));
    else if (r->kind == SIP4XX_MSG_REQUEST && r->retry_of)
        proto_item_append_text(top, "%snext attempt after the 4xx in frame %u", sep, r->retry_of);
    else if (r->kind == SIP4XX_MSG_REQUEST && r->response_in)
        proto_item_append_text(top, "%sanswered by a 4xx in frame %u", sep, r->response_in);
}

void sip4xx_render_frame(const sip4xx_frame_record_t *rec, tvbuff_t *tvb, packet_info *pinfo,
                         proto_tree *tree)
{
    for (guint i = 0; i < rec->n_msgs; i++) {
        const sip4xx_msg_record_t *r = &rec->msgs[i];
        gboolean is_4xx = r->kind == SIP4XX_MSG_RESPONSE && r->code >= 400 && r->code <= 499;
        guint shown = sip4xx_shown_findings(r);
        gboolean malformed = r->malformed && sip4xx_ids.check_malformed;
        /* Linked to another frame, or left uncorrelated by a limit. */
        gboolean exchange = sip4xx_ids.analyse_exchange &&
                            ((r->kind == SIP4XX_MSG_REQUEST && r->response_in) || r->retry_of ||
                             (r->flags & SIP4XX_REC_STATE_LIMIT));
        gboolean truncated = (r->flags & SIP4XX_REC_TRUNCATED) != 0;
        gboolean second_final = sip4xx_ids.analyse_exchange && (r->flags & SIP4XX_REC_SECOND_FINAL);
        /* Preferences may leave nothing to say about this message. */
        if (!is_4xx && !shown && !malformed && !exchange && !truncated && !second_final)
            continue;

        proto_item *top = add_gen(proto_tree_add_item(tree, sip4xx_ids.proto, tvb, r->start, r->len, ENC_NA));
        proto_tree *st = proto_item_add_subtree(top, sip4xx_ids.ett);
        /* On every tree, 0 included: -T fields flattens a frame's trees,
         * and this count per tree is what pairs each tree with its
         * sip4xx.missing_header values (sip4xx-report relies on it). */
        proto_item_set_hidden(add_gen(proto_tree_add_uint(st, sip4xx_ids.hf_missing_count, tvb, r->start, r->len,
                                                          shown)));
        if (is_4xx)
            render_code(r, tvb, pinfo, top, st);
        render_findings(r, tvb, pinfo, st);
        render_malformed(r, pinfo, top);
        render_truncated(r, tvb, pinfo, st);
        render_exchange(r, tvb, pinfo, top, st);
        summarise(r, is_4xx, top);
        gboolean bad_retry = exchange && r->retry_of && r->verdict &&
                             sip4xx_verdict_is_violation((sip4xx_verdict_t)r->verdict);
        if (is_4xx || shown || malformed || second_final || bad_retry)
            append_info(r, is_4xx, second_final, bad_retry, pinfo);
        sip4xx_tap_info_t *ti = wmem_new(pinfo->pool, sip4xx_tap_info_t);
        ti->rec = r;
        tap_queue_packet(sip4xx_ids.tap, pinfo, ti);
    }
}
