/* Unit tests of the checks (plugin/core/checks.c) over the rule table.
 *
 * Two nets: a generic one (every rule row, met and unmet), and a list of
 * obligations written by hand from the RFCs, independently of
 * plugin/spec/rules.c, so that a missing or wrongly graded row fails. */
#include <glib.h>
#include <string.h>

#include "sip4xx/checks.h"

static const sip4xx_hset_t ALL_HEADERS = ~(sip4xx_hset_t)0 >> (64 - SIP4XX_H__COUNT);

static sip4xx_msg_t response(unsigned code, sip4xx_hset_t present)
{
    sip4xx_msg_t m;
    memset(&m, 0, sizeof m);
    m.kind = SIP4XX_MSG_RESPONSE;
    m.code = code;
    m.present = present;
    m.to_tag = TRUE;
    return m;
}

static sip4xx_msg_t request(const char *method, sip4xx_hset_t present)
{
    sip4xx_msg_t m;
    memset(&m, 0, sizeof m);
    m.kind = SIP4XX_MSG_REQUEST;
    m.method = (sip4xx_span_t){ method, (uint32_t)strlen(method) };
    m.present = present;
    m.to_tag = TRUE;
    return m;
}

/* The findings of m as "LEVEL label ref" strings, for readable asserts. */
static GPtrArray *findings(const sip4xx_msg_t *m)
{
    sip4xx_finding_t f[SIP4XX_MAX_FINDINGS];
    size_t n = sip4xx_check_msg(m, f, G_N_ELEMENTS(f));
    g_assert_cmpuint(n, <=, G_N_ELEMENTS(f));
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < n; i++) {
        const sip4xx_rule_t *r = &sip4xx_rules[f[i].rule];
        g_ptr_array_add(out, g_strdup_printf("%s %s %s", r->level == SIP4XX_LEVEL_MUST ? "MUST" : "SHOULD",
                                             r->label, r->ref));
    }
    return out;
}

/* prefix "ANY label ref": the row exists, whatever its strength (used
 * where the RFC text at hand did not confirm MUST or SHOULD). */
static gboolean has_finding(GPtrArray *a, const char *prefix)
{
    for (guint i = 0; i < a->len; i++) {
        const char *f = g_ptr_array_index(a, i);
        if (g_str_has_prefix(prefix, "ANY ") ? g_str_has_prefix(strchr(f, ' ') + 1, prefix + 4)
                                             : g_str_has_prefix(f, prefix))
            return TRUE;
    }
    return FALSE;
}

/* Generic: every row is unmet when its headers are absent and met when
 * any one of them is present. */
static void test_every_rule_met_and_unmet(void)
{
    for (size_t i = 0; i < sip4xx_rules_count; i++) {
        const sip4xx_rule_t *r = &sip4xx_rules[i];
        sip4xx_msg_t m;
        switch (r->scope) {
        case SIP4XX_SCOPE_REQUEST:
        case SIP4XX_SCOPE_MESSAGE:
            m = request("OPTIONS", ALL_HEADERS);
            break;
        case SIP4XX_SCOPE_REQUEST_METHOD:
            m = request(r->method, ALL_HEADERS);
            break;
        case SIP4XX_SCOPE_RESPONSE_CODE:
            m = response(r->code, ALL_HEADERS);
            break;
        default:
            m = response(486, ALL_HEADERS);
            break;
        }
        m.stream_transport = TRUE;
        g_assert_true(sip4xx_rule_applies(r, &m));
        sip4xx_finding_t f[SIP4XX_MAX_FINDINGS];
        g_assert_cmpuint(sip4xx_check_msg(&m, f, G_N_ELEMENTS(f)), ==, 0);

        if (r->need == SIP4XX_NEED_TO_TAG) {
            m.to_tag = FALSE;
        } else {
            m.present &= ~r->headers;
            /* Each alternative alone satisfies the rule. */
            for (unsigned h = 0; h < SIP4XX_H__COUNT; h++) {
                if (!((r->headers >> h) & 1u))
                    continue;
                sip4xx_msg_t one = m;
                one.present |= (sip4xx_hset_t)1 << h;
                size_t n = sip4xx_check_msg(&one, f, G_N_ELEMENTS(f));
                for (size_t k = 0; k < n; k++)
                    g_assert_cmpuint(f[k].rule, !=, i);
            }
        }
        size_t n = sip4xx_check_msg(&m, f, G_N_ELEMENTS(f));
        gboolean found = FALSE;
        for (size_t k = 0; k < n; k++)
            found |= f[k].rule == i;
        g_assert_true(found);
    }
}

/* Obligations from the RFCs, written by hand. A response of `code` (or a
 * request of `method`) lacking `label` must give exactly this finding. */
static const struct {
    unsigned code;          /* 0: a request */
    const char *method;
    const char *finding;    /* "LEVEL label ref" prefix */
} obligations[] = {
    /* RFC 3261 §8.1.1: mandatory in every request. */
    { 0, "OPTIONS", "MUST Via RFC 3261 §8.1.1" },
    { 0, "OPTIONS", "MUST From RFC 3261 §8.1.1" },
    { 0, "OPTIONS", "MUST To RFC 3261 §8.1.1" },
    { 0, "OPTIONS", "MUST Call-ID RFC 3261 §8.1.1" },
    { 0, "OPTIONS", "MUST CSeq RFC 3261 §8.1.1" },
    { 0, "OPTIONS", "MUST Max-Forwards RFC 3261 §8.1.1" },
    /* RFC 3261 §8.1.1.8: Contact in a request that can establish a dialog. */
    { 0, "INVITE", "MUST Contact RFC 3261 §8.1.1.8" },
    /* Every response carries the request's Via, From, To, Call-ID, CSeq. */
    { 486, NULL, "MUST Via RFC 3261" },
    { 486, NULL, "MUST From RFC 3261" },
    { 486, NULL, "MUST To RFC 3261" },
    { 486, NULL, "MUST Call-ID RFC 3261" },
    { 486, NULL, "MUST CSeq RFC 3261" },
    /* Code-specific headers. */
    { 401, NULL, "MUST WWW-Authenticate RFC 3261" },
    { 405, NULL, "MUST Allow RFC 3261 §21.4.6" },
    { 407, NULL, "MUST Proxy-Authenticate RFC 3261" },
    { 415, NULL, "MUST Accept|Accept-Encoding|Accept-Language RFC 3261 §21.4.13" },
    { 420, NULL, "MUST Unsupported RFC 3261 §21.4.15" },
    { 421, NULL, "MUST Require RFC 3261 §21.4.16" },
    { 422, NULL, "MUST Min-SE RFC 4028" },
    { 423, NULL, "MUST Min-Expires RFC 3261" },
    { 469, NULL, "MUST Recv-Info RFC 6086" },
    { 494, NULL, "ANY Security-Server RFC 3329" },   /* strength not confirmed */
    { 413, NULL, "SHOULD Retry-After RFC 3261 §21.4.11" },
    { 488, NULL, "SHOULD Warning RFC 3261" },
    { 470, NULL, "SHOULD Permission-Missing RFC 5360" },
};

static void test_rfc_obligations(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(obligations); i++) {
        const char *label_start = strchr(obligations[i].finding, ' ') + 1;
        gchar *label = g_strndup(label_start, (gsize)(strchr(label_start, ' ') - label_start));
        sip4xx_hset_t without = ALL_HEADERS;
        for (unsigned h = 0; h < SIP4XX_H__COUNT; h++) {
            gchar **alts = g_strsplit(label, "|", -1);
            for (gchar **a = alts; *a; a++)
                if (g_strcmp0(*a, sip4xx_header_name(h)) == 0)
                    without &= ~((sip4xx_hset_t)1 << h);
            g_strfreev(alts);
        }
        g_assert_cmpuint(without, !=, ALL_HEADERS);
        sip4xx_msg_t m = obligations[i].code ? response(obligations[i].code, without)
                                              : request(obligations[i].method, without);
        GPtrArray *f = findings(&m);
        if (!has_finding(f, obligations[i].finding)) {
            for (guint k = 0; k < f->len; k++)
                g_test_message("found: %s", (char *)g_ptr_array_index(f, k));
            g_error("missing finding: %s", obligations[i].finding);
        }
        g_ptr_array_unref(f);

        m.present = ALL_HEADERS;
        f = findings(&m);
        g_assert_cmpuint(f->len, ==, 0);
        g_ptr_array_unref(f);
        g_free(label);
    }
}

/* RFC 3261 §8.2.6.2: a To tag on every response but 100 Trying. */
static void test_to_tag(void)
{
    sip4xx_msg_t m = response(100, ALL_HEADERS);
    m.to_tag = FALSE;
    GPtrArray *f = findings(&m);
    g_assert_cmpuint(f->len, ==, 0);
    g_ptr_array_unref(f);

    m = response(180, ALL_HEADERS);
    m.to_tag = FALSE;
    f = findings(&m);
    g_assert_true(has_finding(f, "MUST To;tag RFC 3261 §8.2.6.2"));
    g_ptr_array_unref(f);

    /* No To at all: reported once, as the missing header. */
    m = response(404, ALL_HEADERS & ~SIP4XX_HBIT(TO));
    m.to_tag = FALSE;
    f = findings(&m);
    g_assert_cmpuint(f->len, ==, 1);
    g_assert_true(has_finding(f, "MUST To "));
    g_ptr_array_unref(f);
}

/* RFC 3261 §18.3: Content-Length over stream transports only. */
static void test_content_length_stream_only(void)
{
    sip4xx_msg_t m = response(486, ALL_HEADERS & ~SIP4XX_HBIT(CONTENT_LENGTH));
    GPtrArray *f = findings(&m);
    g_assert_cmpuint(f->len, ==, 0);
    g_ptr_array_unref(f);
    m.stream_transport = TRUE;
    f = findings(&m);
    g_assert_true(has_finding(f, "MUST Content-Length RFC 3261"));
    g_ptr_array_unref(f);
    sip4xx_msg_t r = request("MESSAGE", ALL_HEADERS & ~SIP4XX_HBIT(CONTENT_LENGTH));
    r.stream_transport = TRUE;
    f = findings(&r);
    g_assert_true(has_finding(f, "MUST Content-Length RFC 3261"));
    g_ptr_array_unref(f);
}

/* A message whose start line could not be read is only "malformed": no
 * rule applies to it, so no guesses about what it lacks. */
static void test_unparsed_no_findings(void)
{
    sip4xx_msg_t m;
    memset(&m, 0, sizeof m);
    m.malformed = SIP4XX_MAL_START_LINE;
    GPtrArray *f = findings(&m);
    g_assert_cmpuint(f->len, ==, 0);
    g_ptr_array_unref(f);
}

/* Method names are case-sensitive (RFC 3261 §7.1). */
static void test_method_case(void)
{
    sip4xx_msg_t m = request("invite", ALL_HEADERS & ~SIP4XX_HBIT(CONTACT));
    GPtrArray *f = findings(&m);
    g_assert_false(has_finding(f, "MUST Contact"));
    g_ptr_array_unref(f);
}

/* The output buffer bound is respected and the count is still right. */
static void test_output_bound(void)
{
    sip4xx_msg_t m = request("INVITE", 0);
    sip4xx_finding_t f[2];
    size_t n = sip4xx_check_msg(&m, f, 2);
    g_assert_cmpuint(n, >=, 7);   /* six §8.1.1 headers and Contact */
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/checks/every-rule", test_every_rule_met_and_unmet);
    g_test_add_func("/checks/rfc-obligations", test_rfc_obligations);
    g_test_add_func("/checks/to-tag", test_to_tag);
    g_test_add_func("/checks/content-length-stream", test_content_length_stream_only);
    g_test_add_func("/checks/unparsed", test_unparsed_no_findings);
    g_test_add_func("/checks/method-case", test_method_case);
    g_test_add_func("/checks/output-bound", test_output_bound);
    return g_test_run();
}
