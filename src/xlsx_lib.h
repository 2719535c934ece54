#ifndef APTERM_XLSX_LIB_H
#define APTERM_XLSX_LIB_H

/* libxlsxwriter, loaded when the first workbook is made (src/dynlib.h says
 * why): linked, it and what it needs (minizip, OpenSSL's libcrypto, zlib)
 * were loaded and relocated by every run of apterm - about 140 pages of
 * memory written and some 6 ms of CPU before main on the 2-core machine,
 * for `apterm mark` and a session's first frame alike - though only an
 * export writes a workbook.
 *
 * Included by src/xlsx_util.h after <xlsxwriter.h>: each function of the
 * library apterm calls is then named here, as a macro that calls it through
 * the table xlsx_lib_load fills, so the workbook code is written as if the
 * library were linked. xlsx_open loads it before anything else; a function
 * called before that loads it then (and ends the program, saying why, when
 * it cannot be loaded: a programming error). A function of the library not
 * listed here does not link: add it to XLSX_LIB_FUNCTIONS and below. */

#include <xlsxwriter.h>

#include "status.h"

#define XLSX_LIB_FUNCTIONS(X) \
    X(chart_add_series) \
    X(chart_axis_set_crossing_max) \
    X(chart_axis_set_max) \
    X(chart_axis_set_name) \
    X(chart_axis_set_num_format) \
    X(chart_axis_set_reverse) \
    X(chart_legend_set_position) \
    X(chart_series_set_categories) \
    X(chart_series_set_marker_type) \
    X(chart_series_set_name) \
    X(chart_series_set_values) \
    X(chart_title_set_name) \
    X(format_set_align) \
    X(format_set_bg_color) \
    X(format_set_bold) \
    X(format_set_bottom) \
    X(format_set_font_color) \
    X(format_set_font_size) \
    X(format_set_italic) \
    X(format_set_num_format) \
    X(format_set_text_wrap) \
    X(lxw_strerror) \
    X(lxw_workbook_free) \
    X(workbook_add_chart) \
    X(workbook_add_format) \
    X(workbook_add_worksheet) \
    X(workbook_close) \
    X(workbook_new_opt) \
    X(workbook_set_custom_property_string) \
    X(workbook_set_properties) \
    X(workbook_validate_sheet_name) \
    X(worksheet_activate) \
    X(worksheet_add_table) \
    X(worksheet_autofilter) \
    X(worksheet_conditional_format_range) \
    X(worksheet_fit_to_pages) \
    X(worksheet_freeze_panes) \
    X(worksheet_insert_chart_opt) \
    X(worksheet_merge_range) \
    X(worksheet_print_area) \
    X(worksheet_repeat_rows) \
    X(worksheet_set_column) \
    X(worksheet_set_footer_opt) \
    X(worksheet_set_header_opt) \
    X(worksheet_set_landscape) \
    X(worksheet_set_margins) \
    X(worksheet_set_paper) \
    X(worksheet_set_row) \
    X(worksheet_write_blank) \
    X(worksheet_write_datetime) \
    X(worksheet_write_formula_num) \
    X(worksheet_write_number) \
    X(worksheet_write_string)

#define XLSX_LIB_SLOT(f) __typeof__(&f) f;
struct xlsx_lib {
    XLSX_LIB_FUNCTIONS(XLSX_LIB_SLOT)
};

/* Loads the library once (later calls give the first call's result):
 * AP_OK, or AP_ERR_IO saying what could not be loaded, for `doing`. */
ap_status xlsx_lib_load(const char *doing);
/* The functions, loaded if they are not yet. */
const struct xlsx_lib *xlsx_lib(void);

#ifndef XLSX_LIB_ITSELF
#define chart_add_series (xlsx_lib()->chart_add_series)
#define chart_axis_set_crossing_max (xlsx_lib()->chart_axis_set_crossing_max)
#define chart_axis_set_max (xlsx_lib()->chart_axis_set_max)
#define chart_axis_set_name (xlsx_lib()->chart_axis_set_name)
#define chart_axis_set_num_format (xlsx_lib()->chart_axis_set_num_format)
#define chart_axis_set_reverse (xlsx_lib()->chart_axis_set_reverse)
#define chart_legend_set_position (xlsx_lib()->chart_legend_set_position)
#define chart_series_set_categories (xlsx_lib()->chart_series_set_categories)
#define chart_series_set_marker_type (xlsx_lib()->chart_series_set_marker_type)
#define chart_series_set_name (xlsx_lib()->chart_series_set_name)
#define chart_series_set_values (xlsx_lib()->chart_series_set_values)
#define chart_title_set_name (xlsx_lib()->chart_title_set_name)
#define format_set_align (xlsx_lib()->format_set_align)
#define format_set_bg_color (xlsx_lib()->format_set_bg_color)
#define format_set_bold (xlsx_lib()->format_set_bold)
#define format_set_bottom (xlsx_lib()->format_set_bottom)
#define format_set_font_color (xlsx_lib()->format_set_font_color)
#define format_set_font_size (xlsx_lib()->format_set_font_size)
#define format_set_italic (xlsx_lib()->format_set_italic)
#define format_set_num_format (xlsx_lib()->format_set_num_format)
#define format_set_text_wrap (xlsx_lib()->format_set_text_wrap)
#define lxw_strerror (xlsx_lib()->lxw_strerror)
#define lxw_workbook_free (xlsx_lib()->lxw_workbook_free)
#define workbook_add_chart (xlsx_lib()->workbook_add_chart)
#define workbook_add_format (xlsx_lib()->workbook_add_format)
#define workbook_add_worksheet (xlsx_lib()->workbook_add_worksheet)
#define workbook_close (xlsx_lib()->workbook_close)
#define workbook_new_opt (xlsx_lib()->workbook_new_opt)
#define workbook_set_custom_property_string (xlsx_lib()->workbook_set_custom_property_string)
#define workbook_set_properties (xlsx_lib()->workbook_set_properties)
#define workbook_validate_sheet_name (xlsx_lib()->workbook_validate_sheet_name)
#define worksheet_activate (xlsx_lib()->worksheet_activate)
#define worksheet_add_table (xlsx_lib()->worksheet_add_table)
#define worksheet_autofilter (xlsx_lib()->worksheet_autofilter)
#define worksheet_conditional_format_range (xlsx_lib()->worksheet_conditional_format_range)
#define worksheet_fit_to_pages (xlsx_lib()->worksheet_fit_to_pages)
#define worksheet_freeze_panes (xlsx_lib()->worksheet_freeze_panes)
#define worksheet_insert_chart_opt (xlsx_lib()->worksheet_insert_chart_opt)
#define worksheet_merge_range (xlsx_lib()->worksheet_merge_range)
#define worksheet_print_area (xlsx_lib()->worksheet_print_area)
#define worksheet_repeat_rows (xlsx_lib()->worksheet_repeat_rows)
#define worksheet_set_column (xlsx_lib()->worksheet_set_column)
#define worksheet_set_footer_opt (xlsx_lib()->worksheet_set_footer_opt)
#define worksheet_set_header_opt (xlsx_lib()->worksheet_set_header_opt)
#define worksheet_set_landscape (xlsx_lib()->worksheet_set_landscape)
#define worksheet_set_margins (xlsx_lib()->worksheet_set_margins)
#define worksheet_set_paper (xlsx_lib()->worksheet_set_paper)
#define worksheet_set_row (xlsx_lib()->worksheet_set_row)
#define worksheet_write_blank (xlsx_lib()->worksheet_write_blank)
#define worksheet_write_datetime (xlsx_lib()->worksheet_write_datetime)
#define worksheet_write_formula_num (xlsx_lib()->worksheet_write_formula_num)
#define worksheet_write_number (xlsx_lib()->worksheet_write_number)
#define worksheet_write_string (xlsx_lib()->worksheet_write_string)
#endif

#endif
