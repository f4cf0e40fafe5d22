/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the Telephony › SIP 4xx table (tshark -z sip4xx,stat): one row
 * per 4xx code (its registered reason), and how many of those responses
 * were retransmissions, lacked a MUST or a SHOULD header, were malformed,
 * had no request in the capture (sip4xx.no_request), or had a cause found.
 *
 * Why a table as well as the tree (stats.c): Wireshark's Telephony menu,
 * next to SIP Flows and SIP Statistics, lists statistics tables
 * (register_stat_tap_table_ui, the Telephony group of compat.h). A
 * plugin's statistics *tree* can only go under Statistics
 * (WiresharkMainWindow::addStatsPluginsToMenu, Wireshark 4.0 to 4.6). So
 * the per-code summary a VoIP engineer wants first is this table, where
 * they look; the detailed breakdown stays in the tree.
 *
 * Rows are kept in code order as they appear (the dialog sorts by its
 * first column, tshark prints rows as stored: both then list 400 first).
 * Every column is known on the 4xx itself, so one pass and two passes
 * count the same. */
#include "sip4xx_ws.h"
#include "compat.h"

#include <epan/stat_tap_ui.h>

enum {
    COL_CODE,
    COL_REASON,
    COL_RESPONSES,
    COL_RETRANSMITTED,
    COL_MISSING_MUST,
    COL_MISSING_SHOULD,
    COL_MALFORMED,
    COL_NO_REQUEST,
    COL_CAUSE_FOUND,
    COL_COUNT
};

static stat_tap_table_item table_fields[COL_COUNT] = {
    [COL_CODE] = { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Code", "%u" },
    [COL_REASON] = { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Reason", "%-32s" },
    [COL_RESPONSES] = { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Responses", "%u" },
    [COL_RETRANSMITTED] = { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Retransmitted", "%u" },
    [COL_MISSING_MUST] = { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Missing MUST", "%u" },
    [COL_MISSING_SHOULD] = { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Missing SHOULD", "%u" },
    [COL_MALFORMED] = { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Malformed", "%u" },
    [COL_NO_REQUEST] = { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "No request", "%u" },
    [COL_CAUSE_FOUND] = { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Cause found", "%u" },
};

static const char table_name[] = "SIP 4xx responses by code";

static void table_init(stat_tap_table_ui *ui)
{
    stat_tap_table *table = stat_tap_find_table(ui, table_name);
    if (table) {
        if (ui->stat_tap_reset_table_cb)
            ui->stat_tap_reset_table_cb(table);
        return;
    }
    table = stat_tap_init_table(table_name, COL_COUNT, 0, NULL);
    stat_tap_add_table(ui, table);
}

/* The row of `code`, made in code order when it is the first of its code. */
static guint row_of(stat_tap_table *table, guint code)
{
    guint pos = 0;
    for (; pos < table->num_elements; pos++) {
        guint have = stat_tap_get_field_data(table, pos, COL_CODE)->value.uint_value;
        if (have == code)
            return pos;
        if (have > code)
            break;
    }
    stat_tap_table_item_type items[COL_COUNT];
    memset(items, 0, sizeof items);
    for (guint c = 0; c < COL_COUNT; c++)
        items[c].type = table_fields[c].type;
    const sip4xx_code_t *row = sip4xx_code_lookup(code);
    items[COL_CODE].value.uint_value = code;
    items[COL_REASON].value.string_value = g_strdup(row ? row->reason : "(unregistered)");
    /* Appended, then moved up to keep the rows in code order. */
    guint last = table->num_elements;
    stat_tap_init_table_row(table, last, COL_COUNT, items);
    stat_tap_table_item_type *moved = table->elements[last];
    memmove(&table->elements[pos + 1], &table->elements[pos], (last - pos) * sizeof table->elements[0]);
    table->elements[pos] = moved;
    return pos;
}

static void add_one(stat_tap_table *table, guint row, guint col)
{
    stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, col);
    item->value.uint_value++;
    stat_tap_set_field_data(table, row, col, item);
}

static tap_packet_status table_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                      const void *data, tap_flags_t flags _U_)
{
    const sip4xx_msg_record_t *r = ((const sip4xx_tap_info_t *)data)->rec;
    if (r->kind != SIP4XX_MSG_RESPONSE || r->code < 400 || r->code > 499)
        return TAP_PACKET_DONT_REDRAW;
    stat_data_t *stat_data = (stat_data_t *)tapdata;
    stat_tap_table *table = g_array_index(stat_data->stat_tap_data->tables, stat_tap_table *, 0);
    guint row = row_of(table, r->code);

    add_one(table, row, COL_RESPONSES);
    if (r->flags & SIP4XX_REC_RETRANSMIT)
        add_one(table, row, COL_RETRANSMITTED);
    gboolean must = FALSE, should = FALSE;
    for (guint k = 0; k < r->n_findings; k++) {
        if (!sip4xx_rule_shown(r->findings[k]))
            continue;
        if (sip4xx_rules[r->findings[k]].level == SIP4XX_LEVEL_MUST)
            must = TRUE;
        else
            should = TRUE;
    }
    if (must)
        add_one(table, row, COL_MISSING_MUST);
    if (should)
        add_one(table, row, COL_MISSING_SHOULD);
    if (r->malformed && sip4xx_ids.check_malformed)
        add_one(table, row, COL_MALFORMED);
    if (sip4xx_ids.analyse_exchange && (r->flags & SIP4XX_REC_NO_REQUEST))
        add_one(table, row, COL_NO_REQUEST);
    if (sip4xx_ids.analyse_exchange && r->cause_class)
        add_one(table, row, COL_CAUSE_FOUND);
    return TAP_PACKET_REDRAW;
}

static void table_reset(stat_tap_table *table)
{
    for (guint row = 0; row < table->num_elements; row++) {
        for (guint col = COL_RESPONSES; col < COL_COUNT; col++) {
            stat_tap_table_item_type *item = stat_tap_get_field_data(table, row, col);
            item->value.uint_value = 0;
            stat_tap_set_field_data(table, row, col, item);
        }
    }
}

static void table_free_item(stat_tap_table *table _U_, guint row _U_, guint column,
                            stat_tap_table_item_type *field_data)
{
    if (column != COL_REASON)
        return;
    g_free((char *)field_data->value.string_value);
    field_data->value.string_value = NULL;
}

void sip4xx_register_stats_table(void)
{
    static tap_param params[] = {
        { PARAM_FILTER, "filter", "Filter", NULL, TRUE },
    };
    static stat_tap_table_ui ui = {
        .group = SIP4XX_STAT_GROUP_TELEPHONY,
        .title = "SIP 4xx",
        .tap_name = "sip4xx",
        .cli_string = "sip4xx,stat",
        .stat_tap_init_cb = table_init,
        .packet_func = table_packet,
        .stat_tap_reset_table_cb = table_reset,
        .stat_tap_free_table_item_cb = table_free_item,
        .stat_filter_check_cb = NULL,
        .nfields = G_N_ELEMENTS(table_fields),
        .fields = table_fields,
        .nparams = G_N_ELEMENTS(params),
        .params = params,
        .tables = NULL,
        .refcount = 0,
    };
    register_stat_tap_table_ui(&ui);
}
