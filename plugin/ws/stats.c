/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the statistics tree (tshark -z sip4xx,tree; Statistics ›
 * SIP 4xx in the GUI): 4xx by code, by request method and code, missing
 * headers, causes, and the clients' reactions. Fed by the sip4xx tap, one
 * record per SIP message, on every pass that has a listener. */
#include "sip4xx_ws.h"

#include <epan/stats_tree.h>

static int st_codes, st_methods, st_missing, st_causes, st_reactions, st_second;

static const char *const node_codes = "4xx responses by code";
static const char *const node_methods = "4xx responses by request method";
static const char *const node_missing = "Missing headers";
static const char *const node_causes = "Causes";
static const char *const node_reactions = "Reactions to 4xx";
static const char *const node_second = "Second final responses (RFC 3261 §17.2)";
static const char *const node_retransmitted = "4xx retransmissions (counted above)";

static void sip4xx_stats_init(stats_tree *st)
{
    st_codes = stats_tree_create_node(st, node_codes, 0, STAT_DT_INT, TRUE);
    st_methods = stats_tree_create_node(st, node_methods, 0, STAT_DT_INT, TRUE);
    st_missing = stats_tree_create_node(st, node_missing, 0, STAT_DT_INT, TRUE);
    st_causes = stats_tree_create_node(st, node_causes, 0, STAT_DT_INT, TRUE);
    st_reactions = stats_tree_create_node(st, node_reactions, 0, STAT_DT_INT, TRUE);
    st_second = stats_tree_create_node(st, node_second, 0, STAT_DT_INT, TRUE);
}

static tap_packet_status sip4xx_stats_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                             const void *data, tap_flags_t flags _U_)
{
    const sip4xx_msg_record_t *r = ((const sip4xx_tap_info_t *)data)->rec;
    gboolean is_4xx = r->kind == SIP4XX_MSG_RESPONSE && r->code >= 400 && r->code <= 499;
    const sip4xx_code_t *row = sip4xx_code_lookup(r->code);
    char label[96];
    g_snprintf(label, sizeof label, "%u %s", r->code, row ? row->reason : is_4xx ? "(unregistered)" : "");
    /* Every 4xx sip4xx.code matches is counted by code, retransmissions
     * too (and once more on their own line); by method, cause and reaction
     * each transaction counts once. */
    if (is_4xx) {
        tick_stat_node(st, node_codes, 0, FALSE);
        tick_stat_node(st, label, st_codes, FALSE);
        if (r->flags & SIP4XX_REC_RETRANSMIT)
            tick_stat_node(st, node_retransmitted, 0, FALSE);
    }
    if ((r->flags & SIP4XX_REC_SECOND_FINAL) && sip4xx_ids.analyse_exchange) {
        tick_stat_node(st, node_second, 0, FALSE);
        tick_stat_node(st, label, st_second, FALSE);
    }
    if (is_4xx && !(r->flags & SIP4XX_REC_RETRANSMIT)) {
        if (r->method) {
            tick_stat_node(st, node_methods, 0, FALSE);
            int m = tick_stat_node(st, sip4xx_method_label(r->method), st_methods, TRUE);
            tick_stat_node(st, label, m, FALSE);
        }
        if (r->cause_class && sip4xx_ids.analyse_exchange) {
            tick_stat_node(st, node_causes, 0, FALSE);
            tick_stat_node(st, sip4xx_cause_label((sip4xx_cause_class_t)r->cause_class), st_causes, FALSE);
        }
        if (r->retry_in && r->verdict && sip4xx_ids.analyse_exchange) {
            tick_stat_node(st, node_reactions, 0, FALSE);
            tick_stat_node(st, sip4xx_verdict_label((sip4xx_verdict_t)r->verdict), st_reactions, FALSE);
        }
    }
    for (guint k = 0; k < r->n_findings; k++) {
        if (!sip4xx_rule_shown(r->findings[k]))
            continue;
        tick_stat_node(st, node_missing, 0, FALSE);
        tick_stat_node(st, sip4xx_rules[r->findings[k]].label, st_missing, FALSE);
    }
    return TAP_PACKET_REDRAW;
}

void sip4xx_register_stats(void)
{
    stats_tree_register_plugin("sip4xx", "sip4xx", "SIP 4xx", 0, sip4xx_stats_packet, sip4xx_stats_init, NULL);
}
