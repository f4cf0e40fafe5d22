/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the statistics tree (tshark -z sip4xx,tree; Statistics › SIP
 * 4xx in the GUI; the per-code table under Telephony is stats_table.c): 4xx by code, by
 * request method and code, missing headers, causes, the clients'
 * reactions, second final responses. Fed by the sip4xx tap, one record
 * per SIP message, on every pass that has a listener.
 *
 * Row order. tshark prints a tree's sections in the order they were
 * created and sorts their rows by the tree's sort column; Wireshark's
 * dialog sorts everything by the name column, descending, whatever the
 * tree asks for (its header's default), which printed "Reactions" first
 * and 494 down to 400. Both sort range rows by their range, ascending,
 * under the default statistics preferences (st_sort_rng_nameonly,
 * st_sort_rng_fixorder). So every row here is given a one-value range, its
 * sort key: sections in the order below, codes by number, methods,
 * headers, causes and reactions in the order of their tables. The GUI and
 * tshark then list the same rows in the same order.
 *
 * A range row shows Average, Min and Max of the values it is given: each
 * row is given the frame number of what it counts, so Min and Max are the
 * first and the last frame to look at (the README says so).
 *
 * Counting. Every 4xx sip4xx.code matches is counted by code,
 * retransmissions too (and once more on their own row); by method and
 * cause each transaction counts once; a reaction is counted on the
 * client's next request, where it is judged, so one pass (tshark without
 * -2) and two passes count the same. */
#include "sip4xx_ws.h"

#include <epan/stats_tree.h>
#include <epan/stats_tree_priv.h>

enum section_key {
    KEY_CODES = 1,
    KEY_RETRANSMITTED,
    KEY_METHODS,
    KEY_MISSING,
    KEY_CAUSES,
    KEY_REACTIONS,
    KEY_SECOND,
};

static int st_codes, st_retransmitted, st_methods, st_missing, st_causes, st_reactions, st_second;

static const char *const node_codes = "4xx responses by code";
static const char *const node_retransmitted = "4xx retransmissions (also counted by code)";
static const char *const node_methods = "4xx responses by request method";
static const char *const node_missing = "Missing headers";
static const char *const node_causes = "Causes";
static const char *const node_reactions = "Reactions to 4xx (counted at the next request)";
static const char *const node_second = "Second final responses (RFC 3261 §17.2)";

/* Gives node `id` its sort key (a one-value range), once. stats_tree
 * frees the range with the node. */
static int keyed(stats_tree *st, int id, int key)
{
    if (id < 0 || (guint)id >= st->parents->len)
        return id;
    stat_node *node = (stat_node *)g_ptr_array_index(st->parents, id);
    if (!node->rng) {
        node->rng = g_new(range_pair_t, 1);
        node->rng->floor = key;
        node->rng->ceil = key;
    }
    return id;
}

/* Counts frame `frame` in row `name` under `parent`, a row sorted by `key`. */
static int count_row(stats_tree *st, const char *name, int parent, int key, guint32 frame)
{
    gint value = frame > (guint32)G_MAXINT ? G_MAXINT : (gint)frame;
    return keyed(st, avg_stat_node_add_value_int(st, name, parent, TRUE, value), key);
}

static int section(stats_tree *st, const char *name, int key)
{
    return keyed(st, stats_tree_create_node(st, name, 0, STAT_DT_INT, TRUE), key);
}

static void sip4xx_stats_init(stats_tree *st)
{
    st_codes = section(st, node_codes, KEY_CODES);
    st_retransmitted = section(st, node_retransmitted, KEY_RETRANSMITTED);
    st_methods = section(st, node_methods, KEY_METHODS);
    st_missing = section(st, node_missing, KEY_MISSING);
    st_causes = section(st, node_causes, KEY_CAUSES);
    st_reactions = section(st, node_reactions, KEY_REACTIONS);
    st_second = section(st, node_second, KEY_SECOND);
}

static tap_packet_status sip4xx_stats_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_,
                                             const void *data, tap_flags_t flags _U_)
{
    const sip4xx_msg_record_t *r = ((const sip4xx_tap_info_t *)data)->rec;
    guint32 frame = pinfo->num;
    gboolean is_4xx = r->kind == SIP4XX_MSG_RESPONSE && r->code >= 400 && r->code <= 499;
    gboolean analyse = sip4xx_ids.analyse_exchange;
    const sip4xx_code_t *row = sip4xx_code_lookup(r->code);
    char label[96];
    g_snprintf(label, sizeof label, "%u %s", r->code, row ? row->reason : is_4xx ? "(unregistered)" : "");

    if (is_4xx) {
        count_row(st, node_codes, 0, KEY_CODES, frame);
        count_row(st, label, st_codes, r->code, frame);
        if (r->flags & SIP4XX_REC_RETRANSMIT) {
            count_row(st, node_retransmitted, 0, KEY_RETRANSMITTED, frame);
            count_row(st, label, st_retransmitted, r->code, frame);
        }
    }
    if ((r->flags & SIP4XX_REC_SECOND_FINAL) && analyse) {
        count_row(st, node_second, 0, KEY_SECOND, frame);
        count_row(st, label, st_second, r->code, frame);
    }
    if (is_4xx && !(r->flags & SIP4XX_REC_RETRANSMIT)) {
        if (r->method) {
            count_row(st, node_methods, 0, KEY_METHODS, frame);
            int m = count_row(st, sip4xx_method_label(r->method), st_methods, r->method, frame);
            count_row(st, label, m, r->code, frame);
        }
        if (r->cause_class && analyse) {
            count_row(st, node_causes, 0, KEY_CAUSES, frame);
            count_row(st, sip4xx_cause_label((sip4xx_cause_class_t)r->cause_class), st_causes, r->cause_class,
                      frame);
        }
    }
    /* The reaction is judged on the client's next request (retry_of): one
     * pass knows it there, while the 4xx learns its retry_in only from a
     * second pass. */
    if (analyse && r->kind == SIP4XX_MSG_REQUEST && r->retry_of && r->verdict &&
        !(r->flags & SIP4XX_REC_RETRANSMIT)) {
        count_row(st, node_reactions, 0, KEY_REACTIONS, frame);
        count_row(st, sip4xx_verdict_label((sip4xx_verdict_t)r->verdict), st_reactions, r->verdict, frame);
    }
    for (guint k = 0; k < r->n_findings; k++) {
        if (!sip4xx_rule_shown(r->findings[k]))
            continue;
        count_row(st, node_missing, 0, KEY_MISSING, frame);
        count_row(st, sip4xx_rules[r->findings[k]].label, st_missing, r->findings[k], frame);
    }
    return TAP_PACKET_REDRAW;
}

void sip4xx_register_stats(void)
{
    /* A plugin's statistics tree is listed under Statistics (Wireshark
     * 4.0-4.6 give plugin trees no other menu); the per-code table of
     * stats_table.c is the one under Telephony. */
    stats_tree_register_plugin("sip4xx", "sip4xx", "SIP 4xx", 0, sip4xx_stats_packet, sip4xx_stats_init, NULL);
}
