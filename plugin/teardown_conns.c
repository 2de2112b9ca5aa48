/* teardown_conns.c: the connection table, one row per connection: the
 * GUI's Statistics -> TCP Teardown Connections and tshark's
 * -z teardown,conns[,csv|,json][,FILTER], fed by the plugin's tap.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * A row is the connection as a whole (teardown_conn_row_at()), described at
 * the frames of it the tap is given; the description at the latest frame
 * that stands for the connection (its end) is kept, and otherwise the
 * latest.
 * Once the whole capture was read (tshark -2, the GUI), every frame
 * describes the connection as every frame did, and a row equals the
 * connection's teardown.conn fields.  The tap runs only while a table is
 * open: nothing here costs anything otherwise.
 *
 * tshark prints the table itself, in three forms; Wireshark's own printer
 * for table statistics cannot leave a cell empty.  Its command is
 * registered before tshark registers the GUI table's, which tshark then
 * leaves alone: one name, the same rows.
 */
#include "teardown_compat.h"

#include <stdio.h>
#include <string.h>

#include <epan/stat_tap_ui.h>

#include "packet-teardown.h"
#include "teardown_conn_fields.h"

#define CLI_PREFIX "teardown,conns"
static const char table_title[] = "TCP Teardown Connections";

/* ---- Rows, kept by connection index ------------------------------------ */

struct kept_row {
    bool seen;
    uint32_t table_row;      /* the GUI table's row + 1, 0: none yet */
    struct teardown_conn_row row;
};

/* The row of the connection a tapped frame belongs to, described at it;
 * NULL when the row was described at its end already and this frame is no
 * end.  In one pass a connection may seem to end and go on (an RST, then
 * its SYN tried again): its latest end stands for it, as in two passes. */
static struct kept_row *
describe_row(GArray *rows, packet_info *pinfo, const void *data)
{
    const struct teardown_tap_info *info = (const struct teardown_tap_info *)data;
    struct teardown_conn_row row;
    struct kept_row *kept;

    if (info->connection >= rows->len)
        g_array_set_size(rows, info->connection + 1);
    kept = &g_array_index(rows, struct kept_row, info->connection);
    teardown_conn_row_at(info->connection, pinfo, info->capture_end_known, &row);
    if (kept->seen && kept->row.view.conn.at_end && !row.view.conn.at_end)
        return NULL;
    kept->row = row;
    kept->seen = true;
    return kept;
}

/* ---- tshark ------------------------------------------------------------ */

enum cli_form { CLI_TEXT, CLI_CSV, CLI_JSON };

struct cli_table {
    enum cli_form form;
    char *filter;
    GArray *rows;            /* struct kept_row by connection index */
};

static tap_packet_status
cli_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    struct cli_table *table = (struct cli_table *)tapdata;

    describe_row(table->rows, pinfo, data);
    return TAP_PACKET_REDRAW;
}

static void
cli_reset(void *tapdata)
{
    struct cli_table *table = (struct cli_table *)tapdata;

    g_array_set_size(table->rows, 0);
}

/* Text: columns padded to their widest cell, '-' where nothing is known. */
static void
print_text(const struct cli_table *table)
{
    size_t width[TEARDOWN_CONN_COLUMN_COUNT];
    char text[TEARDOWN_CONN_TEXT_SIZE];
    double number;

    for (int column = 0; column < TEARDOWN_CONN_COLUMN_COUNT; column++)
        width[column] = strlen(teardown_conn_column_name((enum teardown_conn_column)column));
    for (guint i = 0; i < table->rows->len; i++) {
        const struct kept_row *kept = &g_array_index(table->rows, struct kept_row, i);

        for (int column = 0; kept->seen && column < TEARDOWN_CONN_COLUMN_COUNT; column++) {
            if (teardown_conn_column_text(&kept->row, (enum teardown_conn_column)column, text, &number) &&
                strlen(text) > width[column])
                width[column] = strlen(text);
        }
    }
    printf("%s:\nFilter: %s\n", table_title, table->filter != NULL ? table->filter : "none");
    for (int column = 0; column < TEARDOWN_CONN_COLUMN_COUNT; column++)
        printf("%s%-*s", column == 0 ? "" : "  ", column == TEARDOWN_CONN_COLUMN_COUNT - 1 ? 0 : (int)width[column],
               teardown_conn_column_name((enum teardown_conn_column)column));
    printf("\n");
    for (guint i = 0; i < table->rows->len; i++) {
        const struct kept_row *kept = &g_array_index(table->rows, struct kept_row, i);

        for (int column = 0; kept->seen && column < TEARDOWN_CONN_COLUMN_COUNT; column++) {
            bool known = teardown_conn_column_text(&kept->row, (enum teardown_conn_column)column, text, &number);

            printf("%s%-*s", column == 0 ? "" : "  ", column == TEARDOWN_CONN_COLUMN_COUNT - 1 ? 0 : (int)width[column],
                   known ? text : "-");
        }
        if (kept->seen)
            printf("\n");
    }
}

/* CSV (RFC 4180): a header line, then a line a connection; no cell holds a
 * comma or a quote (checks are separated by spaces). */
static void
print_csv(const struct cli_table *table)
{
    char text[TEARDOWN_CONN_TEXT_SIZE];
    double number;

    for (int column = 0; column < TEARDOWN_CONN_COLUMN_COUNT; column++)
        printf("%s%s", column == 0 ? "" : ",", teardown_conn_column_name((enum teardown_conn_column)column));
    printf("\n");
    for (guint i = 0; i < table->rows->len; i++) {
        const struct kept_row *kept = &g_array_index(table->rows, struct kept_row, i);

        if (!kept->seen)
            continue;
        for (int column = 0; column < TEARDOWN_CONN_COLUMN_COUNT; column++) {
            bool known = teardown_conn_column_text(&kept->row, (enum teardown_conn_column)column, text, &number);

            printf("%s%s", column == 0 ? "" : ",", known ? text : "");
        }
        printf("\n");
    }
}

/* JSON: an array of objects, one a connection; numbers and seconds as JSON
 * numbers, null where nothing is known.  No text holds a quote or a
 * backslash (addresses, ports and the plugin's own words). */
static void
print_json(const struct cli_table *table)
{
    char text[TEARDOWN_CONN_TEXT_SIZE];
    double number;
    bool first_row = true;

    printf("[");
    for (guint i = 0; i < table->rows->len; i++) {
        const struct kept_row *kept = &g_array_index(table->rows, struct kept_row, i);

        if (!kept->seen)
            continue;
        printf("%s\n  {", first_row ? "" : ",");
        first_row = false;
        for (int column = 0; column < TEARDOWN_CONN_COLUMN_COUNT; column++) {
            enum teardown_conn_column c = (enum teardown_conn_column)column;
            bool known = teardown_conn_column_text(&kept->row, c, text, &number);

            printf("%s\"%s\": ", column == 0 ? "" : ", ", teardown_conn_column_name(c));
            if (!known)
                printf("null");
            else if (teardown_conn_column_kind(c) == TEARDOWN_CONN_TEXT)
                printf("\"%s\"", text);
            else
                printf("%s", text);
        }
        printf("}");
    }
    printf("%s]\n", first_row ? "" : "\n");
}

static void
cli_draw(void *tapdata)
{
    const struct cli_table *table = (const struct cli_table *)tapdata;

    switch (table->form) {
    case CLI_TEXT: print_text(table); break;
    case CLI_CSV:  print_csv(table); break;
    case CLI_JSON: print_json(table); break;
    }
}

static void
cli_finish(void *tapdata)
{
    struct cli_table *table = (struct cli_table *)tapdata;

    g_array_free(table->rows, TRUE);
    g_free(table->filter);
    g_free(table);
}

/* -z teardown,conns[,FILTER], ...,csv[,FILTER], ...,json[,FILTER]. */
static teardown_stat_init_result
cli_init(const char *argument, void *userdata)
{
    struct cli_table *table = g_new0(struct cli_table, 1);
    const char *prefix = (const char *)userdata;
    const char *filter = argument + strlen(prefix);
    GString *error;

    table->form = strcmp(prefix, CLI_PREFIX ",csv") == 0 ? CLI_CSV
                  : strcmp(prefix, CLI_PREFIX ",json") == 0 ? CLI_JSON : CLI_TEXT;
    table->filter = *filter == ',' ? g_strdup(filter + 1) : NULL;
    table->rows = g_array_new(FALSE, TRUE, sizeof(struct kept_row));
    error = register_tap_listener("teardown", table, table->filter, 0, cli_reset, cli_packet, cli_draw, cli_finish);
    if (error != NULL) {
        fprintf(stderr, "tshark: Couldn't register teardown,conns tap: %s\n", error->str);
        g_string_free(error, TRUE);
        cli_finish(table);
        exit(1);
    }
    TEARDOWN_STAT_INIT_STARTED;
}

static void
register_cli(void)
{
    static const char *const prefixes[] = { CLI_PREFIX, CLI_PREFIX ",csv", CLI_PREFIX ",json" };

    for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        stat_tap_ui ui = {
            .group = REGISTER_PACKET_STAT_GROUP_UNSORTED, .title = table_title, .cli_string = prefixes[i],
            .tap_init_cb = cli_init, .nparams = 0, .params = NULL,
        };

        register_stat_tap_ui(&ui, (void *)prefixes[i]);
    }
}

/* ---- The GUI's table dialog -------------------------------------------- */

static stat_tap_table_item gui_columns[TEARDOWN_CONN_COLUMN_COUNT];
static tap_param gui_params[] = { { PARAM_FILTER, "filter", "Filter", NULL, TRUE } };

/* struct kept_row by connection index, for the table being filled. */
static GArray *gui_rows;

static void
free_cell(stat_tap_table_item_type *cell)
{
    if (cell->type == TABLE_ITEM_STRING)
        g_free((char *)cell->value.string_value);
    memset(cell, 0, sizeof *cell);
}

static void
gui_free_item(stat_tap_table *table _U_, guint row _U_, guint column _U_, stat_tap_table_item_type *cell)
{
    free_cell(cell);
}

/* Every row goes: a retap describes them again. */
static void
gui_reset(stat_tap_table *table)
{
    for (guint row = 0; row < table->num_elements; row++) {
        for (guint column = 0; column < table->num_fields; column++)
            free_cell(&table->elements[row][column]);
        g_free(table->elements[row]);
    }
    table->num_elements = 0;
    if (gui_rows != NULL)
        g_array_set_size(gui_rows, 0);
}

static void
gui_init(stat_tap_table_ui *ui)
{
    if (stat_tap_find_table(ui, table_title) != NULL)
        return;
    stat_tap_add_table(ui, stat_tap_init_table(table_title, TEARDOWN_CONN_COLUMN_COUNT, 0, NULL));
    if (gui_rows == NULL)
        gui_rows = g_array_new(FALSE, TRUE, sizeof(struct kept_row));
    g_array_set_size(gui_rows, 0);
}

/* Cells typed as their columns; a cell with nothing known is left empty
 * (TABLE_ITEM_NONE), sorted before every known one. */
static void
fill_cells(const struct teardown_conn_row *row, stat_tap_table_item_type cells[TEARDOWN_CONN_COLUMN_COUNT])
{
    char text[TEARDOWN_CONN_TEXT_SIZE];
    double number;

    for (int column = 0; column < TEARDOWN_CONN_COLUMN_COUNT; column++) {
        enum teardown_conn_column c = (enum teardown_conn_column)column;
        stat_tap_table_item_type *cell = &cells[column];

        free_cell(cell);
        if (!teardown_conn_column_text(row, c, text, &number)) {
            cell->value.float_value = -1e300;
            continue;
        }
        cell->type = gui_columns[column].type;
        switch (cell->type) {
        case TABLE_ITEM_UINT:   cell->value.uint_value = (guint)number; break;
        case TABLE_ITEM_FLOAT:  cell->value.float_value = number; break;
        default:                cell->value.string_value = g_strdup(text); break;
        }
    }
}

static tap_packet_status
gui_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data, tap_flags_t flags _U_)
{
    stat_data_t *stat_data = (stat_data_t *)tapdata;
    stat_tap_table *table = g_array_index(stat_data->stat_tap_data->tables, stat_tap_table *, 0);
    struct kept_row *kept = describe_row(gui_rows, pinfo, data);

    if (kept == NULL)
        return TAP_PACKET_DONT_REDRAW;
    if (kept->table_row == 0) {
        stat_tap_table_item_type cells[TEARDOWN_CONN_COLUMN_COUNT];

        memset(cells, 0, sizeof cells);
        kept->table_row = table->num_elements + 1;
        stat_tap_init_table_row(table, table->num_elements, TEARDOWN_CONN_COLUMN_COUNT, cells);
    }
    fill_cells(&kept->row, table->elements[kept->table_row - 1]);
    return TAP_PACKET_REDRAW;
}

static void
register_gui(void)
{
    static stat_tap_table_ui ui = {
        .group = REGISTER_PACKET_STAT_GROUP_UNSORTED,
        .title = table_title,
        .tap_name = "teardown",
        .cli_string = CLI_PREFIX,
        .stat_tap_init_cb = gui_init,
        .packet_func = gui_packet,
        .stat_tap_reset_table_cb = gui_reset,
        .stat_tap_free_table_item_cb = gui_free_item,
        .stat_filter_check_cb = NULL,
        .nfields = TEARDOWN_CONN_COLUMN_COUNT,
        .fields = gui_columns,
        .nparams = G_N_ELEMENTS(gui_params),
        .params = gui_params,
    };

    for (int column = 0; column < TEARDOWN_CONN_COLUMN_COUNT; column++) {
        enum teardown_conn_column c = (enum teardown_conn_column)column;
        stat_tap_table_item *item = &gui_columns[column];

        item->column_name = teardown_conn_column_title(c);
        switch (teardown_conn_column_kind(c)) {
        case TEARDOWN_CONN_NUMBER: item->type = TABLE_ITEM_UINT; item->align = TAP_ALIGN_RIGHT; item->field_format = "%u"; break;
        case TEARDOWN_CONN_TIME:   item->type = TABLE_ITEM_FLOAT; item->align = TAP_ALIGN_RIGHT; item->field_format = "%.6f"; break;
        case TEARDOWN_CONN_TEXT:   item->type = TABLE_ITEM_STRING; item->align = TAP_ALIGN_LEFT; item->field_format = "%s"; break;
        }
    }
    register_stat_tap_table_ui(&ui);
}

void
register_teardown_conns(void)
{
    register_cli();
    register_gui();
}
