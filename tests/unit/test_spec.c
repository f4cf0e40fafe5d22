/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the spec tables against the IANA registry of SIP response
 * codes ("Session Initiation Protocol (SIP) Parameters", Response Codes).
 * The list below is written from the registry, independently of
 * plugin/spec/codes.c, so a wrong row fails here. */
#include <glib.h>

#include "../../plugin/core/behaviour.h"
#include "sip4xx/checks.h"
#include <string.h>

#include "sip4xx/spec.h"

static const struct {
    unsigned code;
    const char *reason;
    unsigned rfc;
} iana_4xx[] = {
    { 400, "Bad Request", 3261 },
    { 401, "Unauthorized", 3261 },
    { 402, "Payment Required", 3261 },
    { 403, "Forbidden", 3261 },
    { 404, "Not Found", 3261 },
    { 405, "Method Not Allowed", 3261 },
    { 406, "Not Acceptable", 3261 },
    { 407, "Proxy Authentication Required", 3261 },
    { 408, "Request Timeout", 3261 },
    { 410, "Gone", 3261 },
    { 412, "Conditional Request Failed", 3903 },
    { 413, "Request Entity Too Large", 3261 },
    { 414, "Request-URI Too Long", 3261 },
    { 415, "Unsupported Media Type", 3261 },
    { 416, "Unsupported URI Scheme", 3261 },
    { 417, "Unknown Resource-Priority", 4412 },
    { 420, "Bad Extension", 3261 },
    { 421, "Extension Required", 3261 },
    { 422, "Session Interval Too Small", 4028 },
    { 423, "Interval Too Brief", 3261 },
    { 424, "Bad Location Information", 6442 },
    { 425, "Bad Alert Message", 8876 },
    { 428, "Use Identity Header", 8224 },
    { 429, "Provide Referrer Identity", 3892 },
    { 430, "Flow Failed", 5626 },
    { 433, "Anonymity Disallowed", 5079 },
    { 436, "Bad Identity Info", 8224 },
    { 437, "Unsupported Credential", 8224 },
    { 438, "Invalid Identity Header", 8224 },
    { 439, "First Hop Lacks Outbound Support", 5626 },
    { 440, "Max-Breadth Exceeded", 5393 },
    { 469, "Bad Info Package", 6086 },
    { 470, "Consent Needed", 5360 },
    { 480, "Temporarily Unavailable", 3261 },
    { 481, "Call/Transaction Does Not Exist", 3261 },
    { 482, "Loop Detected", 3261 },
    { 483, "Too Many Hops", 3261 },
    { 484, "Address Incomplete", 3261 },
    { 485, "Ambiguous", 3261 },
    { 486, "Busy Here", 3261 },
    { 487, "Request Terminated", 3261 },
    { 488, "Not Acceptable Here", 3261 },
    { 489, "Bad Event", 6665 },
    { 491, "Request Pending", 3261 },
    { 493, "Undecipherable", 3261 },
    { 494, "Security Agreement Required", 3329 },
};

static void test_registry_complete(void)
{
    g_assert_cmpuint(G_N_ELEMENTS(iana_4xx), ==, 46);
    g_assert_cmpuint(sip4xx_codes_count, ==, G_N_ELEMENTS(iana_4xx));
    for (size_t i = 0; i < G_N_ELEMENTS(iana_4xx); i++) {
        const sip4xx_code_t *row = sip4xx_code_lookup(iana_4xx[i].code);
        g_assert_nonnull(row);
        g_assert_cmpuint(row->code, ==, iana_4xx[i].code);
        g_assert_cmpstr(row->reason, ==, iana_4xx[i].reason);
        g_assert_cmpuint(row->rfc, ==, iana_4xx[i].rfc);
    }
}

/* Every row tells the user something: a section, a meaning, an advice
 * sentence and a known advice class. */
static void test_rows_complete(void)
{
    for (size_t i = 0; i < sip4xx_codes_count; i++) {
        const sip4xx_code_t *row = &sip4xx_codes[i];
        g_assert_true(row->section && row->section[0] >= '1' && row->section[0] <= '9');
        g_assert_true(row->meaning && strlen(row->meaning) > 10 && row->meaning[strlen(row->meaning) - 1] == '.');
        g_assert_true(row->advice && strlen(row->advice) > 10);
        g_assert_cmpstr(sip4xx_action_label(row->action), !=, "Unknown");
        if (i)
            g_assert_cmpuint(sip4xx_codes[i - 1].code, <, row->code);
    }
}

/* RFC 3261 §8.1.3.2: an unrecognised final response is treated as the x00
 * response of its class. */
static void test_unregistered(void)
{
    unsigned unregistered[] = { 409, 411, 418, 419, 426, 427, 431, 432, 434, 435, 441, 450, 478, 490, 492, 495, 499 };
    for (size_t i = 0; i < G_N_ELEMENTS(unregistered); i++) {
        g_assert_null(sip4xx_code_lookup(unregistered[i]));
        const sip4xx_code_t *fb = sip4xx_code_fallback(unregistered[i]);
        g_assert_nonnull(fb);
        g_assert_cmpuint(fb->code, ==, 400);
    }
    g_assert_null(sip4xx_code_lookup(200));
    g_assert_null(sip4xx_code_lookup(0));
    g_assert_null(sip4xx_code_lookup(65535));
    g_assert_null(sip4xx_code_fallback(500));
}

/* The advice classes a user would expect for the codes where the RFC is
 * explicit about what the client does next. */
static void test_actions(void)
{
    g_assert_cmpint(sip4xx_code_lookup(401)->action, ==, SIP4XX_ACTION_AUTHENTICATE); /* §22.2 */
    g_assert_cmpint(sip4xx_code_lookup(407)->action, ==, SIP4XX_ACTION_AUTHENTICATE); /* §22.3 */
    g_assert_cmpint(sip4xx_code_lookup(403)->action, ==, SIP4XX_ACTION_DO_NOT_RETRY); /* §21.4.4 */
    g_assert_cmpint(sip4xx_code_lookup(408)->action, ==, SIP4XX_ACTION_RETRY_LATER);  /* §21.4.9 */
    g_assert_cmpint(sip4xx_code_lookup(491)->action, ==, SIP4XX_ACTION_BACK_OFF);     /* §14.1 */
    g_assert_cmpint(sip4xx_code_lookup(405)->action, ==, SIP4XX_ACTION_FIX_REQUEST);  /* §21.4.6 */
}

/* Every rule row is usable: scope, strength, label and reference set, and
 * a header rule names headers that exist. */
static void test_rules_rows(void)
{
    g_assert_cmpuint(sip4xx_rules_count, >, 0);
    for (size_t i = 0; i < sip4xx_rules_count; i++) {
        const sip4xx_rule_t *r = &sip4xx_rules[i];
        g_assert_true(r->level == SIP4XX_LEVEL_MUST || r->level == SIP4XX_LEVEL_SHOULD);
        g_assert_true(r->label && r->label[0]);
        g_assert_true(r->ref && g_str_has_prefix(r->ref, "RFC "));
        if (r->scope == SIP4XX_SCOPE_RESPONSE_CODE)
            g_assert_nonnull(sip4xx_code_lookup(r->code));
        if (r->scope == SIP4XX_SCOPE_REQUEST_METHOD)
            g_assert_nonnull(r->method);
        if (r->need == SIP4XX_NEED_ANY_HEADER) {
            g_assert_cmpuint(r->headers, !=, 0);
            g_assert_cmpuint(r->headers >> SIP4XX_H__COUNT, ==, 0);
            /* The label names the headers, joined by '|'. */
            GString *want = g_string_new(NULL);
            for (unsigned h = 0; h < SIP4XX_H__COUNT; h++)
                if ((r->headers >> h) & 1u)
                    g_string_append_printf(want, "%s%s", want->len ? "|" : "", sip4xx_header_name(h));
            g_assert_cmpstr(r->label, ==, want->str);
            g_string_free(want, TRUE);
        }
    }
}

/* The per-code behaviour rows (plugin/spec/behaviour.c): sorted, one per
 * registered code, each with what it rests on. */
static void test_behaviour_rows(void)
{
    g_assert_cmpuint(sip4xx_rules_count, <=, SIP4XX_MAX_RULES);
    for (size_t i = 0; i < sip4xx_behaviours_count; i++) {
        const sip4xx_behaviour_t *b = &sip4xx_behaviours[i];
        g_assert_nonnull(sip4xx_code_lookup(b->code));
        g_assert_true(b->cause || b->verdict);
        g_assert_true(g_str_has_prefix(b->ref, "RFC "));
        g_assert_true(sip4xx_behaviour_lookup(b->code) == b);
        if (i)
            g_assert_cmpuint(sip4xx_behaviours[i - 1].code, <, b->code);
    }
    g_assert_null(sip4xx_behaviour_lookup(486));
}

/* Methods by index for the statistics: case-sensitive (RFC 3261 §7.1). */
static void test_method_index(void)
{
    uint8_t invite = sip4xx_method_index("INVITE", 6);
    g_assert_cmpstr(sip4xx_method_label(invite), ==, "INVITE");
    g_assert_cmpstr(sip4xx_method_label(sip4xx_method_index("invite", 6)), ==, "other");
    g_assert_cmpstr(sip4xx_method_label(sip4xx_method_index("", 0)), ==, "unknown");
    g_assert_null(sip4xx_method_label(0));
    g_assert_null(sip4xx_method_label(200));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/spec/registry-complete", test_registry_complete);
    g_test_add_func("/spec/rows-complete", test_rows_complete);
    g_test_add_func("/spec/unregistered", test_unregistered);
    g_test_add_func("/spec/actions", test_actions);
    g_test_add_func("/spec/rules-rows", test_rules_rows);
    g_test_add_func("/spec/behaviour-rows", test_behaviour_rows);
    g_test_add_func("/spec/method-index", test_method_index);
    return g_test_run();
}
