/* SPDX-License-Identifier: GPL-2.0-or-later */
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
        case SIP4XX_SCOPE_RESPONSE_METHOD:
            m = response(r->code, ALL_HEADERS);
            m.cseq_method = (sip4xx_span_t){ r->method, (uint32_t)strlen(r->method) };
            break;
        default:
            m = response(486, ALL_HEADERS);
            break;
        }
        m.stream_transport = TRUE;
        m.to_tag = r->when != SIP4XX_WHEN_NO_TO_TAG;
        m.request_out_of_dialog = TRUE;
        m.has_content_length = TRUE;   /* and a body: */
        m.content_length = 1;
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
 * request of `method`) lacking `label` must give exactly this finding.
 * For a response, `method` is its CSeq method; `tag` says whether the To
 * header has a tag; `fresh` that the response answers a request seen
 * outside a dialog (what only the exchange shows). */
typedef struct {
    unsigned code;          /* 0: a request */
    const char *method;
    gboolean tag, fresh;
    const char *finding;    /* "LEVEL label ref" prefix; NULL: no finding at all */
    const char *lacking;    /* with finding NULL: the header left out */
} obligation_t;

static const obligation_t obligations[] = {
    /* RFC 3261 §8.1.1: "A valid SIP request formulated by a UAC MUST, at a
     * minimum, contain the following header fields: To, From, CSeq,
     * Call-ID, Max-Forwards, and Via". */
    { 0, "OPTIONS", FALSE, FALSE, "MUST Via RFC 3261 §8.1.1", NULL },
    { 0, "OPTIONS", FALSE, FALSE, "MUST From RFC 3261 §8.1.1", NULL },
    { 0, "OPTIONS", FALSE, FALSE, "MUST To RFC 3261 §8.1.1", NULL },
    { 0, "OPTIONS", FALSE, FALSE, "MUST Call-ID RFC 3261 §8.1.1", NULL },
    { 0, "OPTIONS", FALSE, FALSE, "MUST CSeq RFC 3261 §8.1.1", NULL },
    { 0, "OPTIONS", TRUE, FALSE, "MUST Max-Forwards RFC 3261 §8.1.1", NULL },
    /* RFC 3261 §8.1.1.8: "The Contact header field MUST be present ... in
     * any request that can result in the establishment of a dialog": an
     * INVITE, and a SUBSCRIBE ("a dialog-creating method", RFC 6665
     * §4.1.2.1), outside a dialog. Inside one they are target refresh
     * requests: "A UAC SHOULD include a Contact header field in any target
     * refresh requests within a dialog" (RFC 3261 §12.2.1.1; RFC 6665 §3.1,
     * §3.2 for SUBSCRIBE and NOTIFY). */
    { 0, "INVITE", FALSE, FALSE, "MUST Contact RFC 3261 §8.1.1.8", NULL },
    { 0, "INVITE", TRUE, FALSE, "SHOULD Contact RFC 3261 §12.2.1.1", NULL },
    { 0, "SUBSCRIBE", FALSE, FALSE, "MUST Contact RFC 3261 §8.1.1.8", NULL },
    { 0, "SUBSCRIBE", TRUE, FALSE, "SHOULD Contact RFC 3261 §12.2.1.1", NULL },
    { 0, "NOTIFY", TRUE, FALSE, "SHOULD Contact RFC 3261 §12.2.1.1", NULL },
    /* RFC 3261 §13.2.1 (Creating the Initial INVITE): "An Allow header
     * field (Section 20.5) SHOULD be present in the INVITE." and "A
     * Supported header field (Section 20.37) SHOULD be present in the
     * INVITE." They advertise what the caller can do; sip4xx checks the
     * headers a message needs to be understood and answered, not these
     * (plugin/spec/SOURCES.md, "No row for"). */
    { 0, "INVITE", FALSE, FALSE, NULL, "Allow" },
    { 0, "INVITE", FALSE, FALSE, NULL, "Supported" },
    /* RFC 3515 §2: "REFER creates a dialog ... hence MUST contain a single
     * Contact header field value", inside a dialog or not. */
    { 0, "REFER", FALSE, FALSE, "MUST Contact RFC 3515 §2", NULL },
    { 0, "REFER", TRUE, FALSE, "MUST Contact RFC 3515 §2", NULL },
    /* Every response carries the request's Via, From, To, Call-ID, CSeq
     * (RFC 3261 §8.2.6.2: "... MUST equal ..."). */
    { 486, NULL, TRUE, FALSE, "MUST Via RFC 3261 §8.2.6.2", NULL },
    { 486, NULL, TRUE, FALSE, "MUST From RFC 3261 §8.2.6.2", NULL },
    { 486, NULL, TRUE, FALSE, "MUST To RFC 3261 §8.2.6.2", NULL },
    { 486, NULL, TRUE, FALSE, "MUST Call-ID RFC 3261 §8.2.6.2", NULL },
    { 486, NULL, TRUE, FALSE, "MUST CSeq RFC 3261 §8.2.6.2", NULL },
    /* "The UAS MUST add a Contact header field to the response" that
     * establishes a dialog (RFC 3261 §12.1.1): 2xx and 101-199 with a To
     * tag to an INVITE (§12.1); the 2xx to a REFER (RFC 3515 §2, Table 1). */
    { 200, "INVITE", TRUE, TRUE, "MUST Contact RFC 3261 §12.1.1", NULL },
    { 183, "INVITE", TRUE, TRUE, "MUST Contact RFC 3261 §12.1.1", NULL },
    { 202, "REFER", TRUE, TRUE, "MUST Contact RFC 3515 §2.2", NULL },
    /* RFC 3261 §13.3.1.3: Warning in a 488 that rejects an INVITE's offer. */
    { 488, "MESSAGE", TRUE, FALSE, NULL, "Warning" },
    /* Code-specific headers. */
    { 401, NULL, TRUE, FALSE, "MUST WWW-Authenticate RFC 3261 §22.2", NULL },
    { 405, NULL, TRUE, FALSE, "MUST Allow RFC 3261 §21.4.6", NULL },
    { 407, NULL, TRUE, FALSE, "MUST Proxy-Authenticate RFC 3261 §22.3", NULL },
    { 415, NULL, TRUE, FALSE, "MUST Accept|Accept-Encoding|Accept-Language RFC 3261 §21.4.13", NULL },
    { 420, NULL, TRUE, FALSE, "MUST Unsupported RFC 3261 §21.4.15", NULL },
    { 421, NULL, TRUE, FALSE, "MUST Require RFC 3261 §21.4.16", NULL },
    { 422, NULL, TRUE, FALSE, "MUST Min-SE RFC 4028 §6", NULL },
    /* RFC 3261 §10.3: a registrar's 423 "MUST contain a Min-Expires". */
    { 423, "REGISTER", TRUE, FALSE, "MUST Min-Expires RFC 3261 §10.3", NULL },
    /* RFC 6442 §4.3, RFC 8876 §5.1: "This header field MUST be included in
     * the 424 [425] response." */
    { 424, NULL, TRUE, FALSE, "MUST Geolocation-Error RFC 6442 §4.3", NULL },
    { 425, NULL, TRUE, FALSE, "MUST AlertMsg-Error RFC 8876 §5.1", NULL },
    { 469, NULL, TRUE, FALSE, "MUST Recv-Info RFC 6086 §4.2.2", NULL },
    /* RFC 3329 §2.3.1: "The server MUST add a Security-Server header field
     * to this response". */
    { 494, NULL, TRUE, FALSE, "MUST Security-Server RFC 3329 §2.3.1", NULL },
    { 413, NULL, TRUE, FALSE, "SHOULD Retry-After RFC 3261 §21.4.11", NULL },
    { 488, "INVITE", TRUE, FALSE, "SHOULD Warning RFC 3261 §13.3.1.3", NULL },
    { 470, NULL, TRUE, FALSE, "SHOULD Permission-Missing RFC 5360 §5.9.2", NULL },
    { 489, NULL, TRUE, FALSE, "SHOULD Allow-Events RFC 6665 §4.4.4", NULL },
    /* No obligation, so no finding. RFC 4412 §4.6.2: a 417 "MAY ...
     * include an 'Accept-Resource-Priority' header field". */
    { 417, NULL, TRUE, FALSE, NULL, "Accept-Resource-Priority" },
    /* RFC 6665 §4.2.1.1 describes a 423 to SUBSCRIBE "that contains a
     * Min-Expires" with no keyword on the header. */
    { 423, "SUBSCRIBE", TRUE, FALSE, NULL, "Min-Expires" },
    /* A 2xx to a re-INVITE refreshes the target; Contact is used "if
     * present" (RFC 3261 §12.2.1.2). */
    { 200, "INVITE", TRUE, FALSE, NULL, "Contact" },
    /* 100 Trying establishes nothing (§12.1: 101-199). */
    { 100, "INVITE", FALSE, TRUE, NULL, "Contact" },
    /* RFC 6665 has no sentence on Contact in a 2xx to SUBSCRIBE. */
    { 200, "SUBSCRIBE", TRUE, TRUE, NULL, "Contact" },
    /* Retry-After in 480/486 is MAY (RFC 3261 §21.4.18, §21.4.24). */
    { 480, NULL, TRUE, FALSE, NULL, "Retry-After" },
};

static sip4xx_msg_t obligation_msg(const obligation_t *o, sip4xx_hset_t present)
{
    sip4xx_msg_t m = o->code ? response(o->code, present) : request(o->method, present);
    if (o->code && o->method)
        m.cseq_method = (sip4xx_span_t){ o->method, (uint32_t)strlen(o->method) };
    m.to_tag = o->tag;
    m.request_out_of_dialog = o->fresh;
    return m;
}

static void test_rfc_obligations(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(obligations); i++) {
        const obligation_t *o = &obligations[i];
        gchar *label;
        if (o->finding) {
            const char *label_start = strchr(o->finding, ' ') + 1;
            label = g_strndup(label_start, (gsize)(strchr(label_start, ' ') - label_start));
        } else {
            label = g_strdup(o->lacking);
        }
        sip4xx_hset_t without = ALL_HEADERS;
        for (unsigned h = 0; h < SIP4XX_H__COUNT; h++) {
            gchar **alts = g_strsplit(label, "|", -1);
            for (gchar **a = alts; *a; a++)
                if (g_strcmp0(*a, sip4xx_header_name(h)) == 0)
                    without &= ~((sip4xx_hset_t)1 << h);
            g_strfreev(alts);
        }
        g_assert_cmpuint(without, !=, ALL_HEADERS);
        sip4xx_msg_t m = obligation_msg(o, without);
        GPtrArray *f = findings(&m);
        if (o->finding ? !has_finding(f, o->finding) || f->len != 1 : f->len != 0) {
            for (guint k = 0; k < f->len; k++)
                g_test_message("found: %s", (char *)g_ptr_array_index(f, k));
            g_error("obligation %zu: expected %s", i, o->finding ? o->finding : "no finding");
        }
        g_ptr_array_unref(f);

        m.present = ALL_HEADERS;
        f = findings(&m);
        g_assert_cmpuint(f->len, ==, 0);
        g_ptr_array_unref(f);
        g_free(label);
    }
}

/* Bytes that were not captured are not evidence: a message whose header
 * section was cut, or whose lines end in CR alone, is checked for nothing
 * it lacks. */
static void test_unread_headers_no_findings(void)
{
    sip4xx_msg_t m = response(405, 0);
    m.truncated = TRUE;
    GPtrArray *f = findings(&m);
    g_assert_cmpuint(f->len, ==, 0);
    g_ptr_array_unref(f);
    m.truncated = FALSE;
    m.malformed = SIP4XX_MAL_BARE_CR;
    f = findings(&m);
    g_assert_cmpuint(f->len, ==, 0);
    g_ptr_array_unref(f);
    m.malformed = 0;
    f = findings(&m);
    g_assert_cmpuint(f->len, >, 0);
    g_ptr_array_unref(f);
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
    /* SCTP is read as a stream but is message-based (RFC 4168 §3.2 "SCTP
     * is message-based, as opposed to TCP, which is stream-based"): §18.3
     * asks Content-Length "with stream oriented transports" only. */
    r.message_transport = TRUE;
    f = findings(&r);
    g_assert_cmpuint(f->len, ==, 0);
    g_ptr_array_unref(f);
    m.message_transport = TRUE;
    f = findings(&m);
    g_assert_cmpuint(f->len, ==, 0);
    g_ptr_array_unref(f);
}

/* RFC 3261 §20.15: "The Content-Type header field MUST be present if the
 * body is not empty." In requests and responses alike; a message without
 * a body needs none ("If the body is empty, and a Content-Type header
 * field is present, it indicates that the body of the specific type has
 * zero length"). */
static void test_content_type_with_body(void)
{
    sip4xx_msg_t msgs[] = { request("MESSAGE", ALL_HEADERS & ~SIP4XX_HBIT(CONTENT_TYPE)),
                            response(488, ALL_HEADERS & ~SIP4XX_HBIT(CONTENT_TYPE)),
                            response(200, ALL_HEADERS & ~SIP4XX_HBIT(CONTENT_TYPE)) };
    for (size_t i = 0; i < G_N_ELEMENTS(msgs); i++) {
        sip4xx_msg_t m = msgs[i];
        m.to_tag = TRUE;
        GPtrArray *f = findings(&m);
        g_assert_cmpuint(f->len, ==, 0);
        g_ptr_array_unref(f);
        m.has_content_length = TRUE;   /* Content-Length: 5, a body */
        m.content_length = 5;
        f = findings(&m);
        g_assert_cmpuint(f->len, ==, 1);
        g_assert_true(has_finding(f, "MUST Content-Type RFC 3261 §20.15"));
        g_ptr_array_unref(f);
        m.present |= SIP4XX_HBIT(CONTENT_TYPE);
        f = findings(&m);
        g_assert_cmpuint(f->len, ==, 0);
        g_ptr_array_unref(f);
    }
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

/* The checks against their plain definition: a finding for each row, in
 * table order, that applies to the message and that it does not meet.
 * checks.c walks only the rows a message can fail (lists by kind, status
 * code and method; a message with every header of its one-header rows
 * skips them): over random messages, built from the table's own methods
 * and codes and from others, with random headers, To tag, transport and
 * exchange context, both give the same findings in the same order. */
static gboolean plain_met(const sip4xx_rule_t *r, const sip4xx_msg_t *m)
{
    if (r->need == SIP4XX_NEED_ANY_HEADER)
        return (m->present & r->headers) != 0;
    return !((m->present >> SIP4XX_H_TO) & 1u) || m->to_tag;   /* SIP4XX_NEED_TO_TAG */
}

static void test_same_as_plain_walk(void)
{
    const char *methods[SIP4XX_MAX_RULES + 3];
    unsigned codes[SIP4XX_MAX_RULES + 4];
    size_t n_methods = 0, n_codes = 0;
    for (size_t i = 0; i < sip4xx_rules_count; i++) {
        if (sip4xx_rules[i].method)
            methods[n_methods++] = sip4xx_rules[i].method;
        if (sip4xx_rules[i].code)
            codes[n_codes++] = sip4xx_rules[i].code;
    }
    methods[n_methods++] = "OPTIONS";
    methods[n_methods++] = "FOO";
    methods[n_methods++] = "invite";
    codes[n_codes++] = 180;
    codes[n_codes++] = 200;
    codes[n_codes++] = 486;
    codes[n_codes++] = 603;

    GRand *rng = g_rand_new_with_seed(4242);
    for (int round = 0; round < 200000; round++) {
        sip4xx_msg_t m;
        memset(&m, 0, sizeof m);
        const char *method = methods[g_rand_int_range(rng, 0, (gint32)n_methods)];
        if (g_rand_boolean(rng)) {
            m.kind = SIP4XX_MSG_REQUEST;
            m.method = (sip4xx_span_t){ method, (uint32_t)strlen(method) };
        } else {
            m.kind = SIP4XX_MSG_RESPONSE;
            m.code = g_rand_int_range(rng, 0, 4) ? codes[g_rand_int_range(rng, 0, (gint32)n_codes)]
                                                 : (unsigned)g_rand_int_range(rng, 100, 700);
        }
        m.cseq_method = (sip4xx_span_t){ method, (uint32_t)strlen(method) };
        /* Most headers present, as in real traffic, so that the skipping
         * is taken often; now and then far fewer. */
        guint32 keep = g_rand_int_range(rng, 0, 10) ? 97 : 60;
        for (unsigned h = 0; h < SIP4XX_H__COUNT; h++)
            if ((guint32)g_rand_int_range(rng, 0, 100) < keep)
                m.present |= (sip4xx_hset_t)1 << h;
        m.to_tag = g_rand_boolean(rng);
        m.stream_transport = g_rand_boolean(rng);
        m.message_transport = m.stream_transport && !g_rand_int_range(rng, 0, 4);
        m.request_out_of_dialog = g_rand_boolean(rng);
        /* A body declared by Content-Length, none, or on a datagram without
         * Content-Length the bytes after the empty line; now and then a
         * header section with no end (no body at all). */
        static const char *const datagrams[] = { "SIP/2.0 200 OK\r\n\r\n", "SIP/2.0 200 OK\r\n\r\nhello",
                                                  "SIP/2.0 200 OK\r\n\r\n\r\n" };
        switch (g_rand_int_range(rng, 0, 4)) {
        case 0:
        case 1:
            m.has_content_length = TRUE;
            m.content_length = (uint32_t)g_rand_int_range(rng, 0, 2) * 5;
            break;
        default: {
            const char *d = datagrams[g_rand_int_range(rng, 0, (gint32)G_N_ELEMENTS(datagrams))];
            m.raw = (sip4xx_span_t){ d, (uint32_t)strlen(d) };
            m.header_len = 18;   /* the status line and the empty line */
            break;
        }
        }
        if (!g_rand_int_range(rng, 0, 20))
            m.malformed |= SIP4XX_MAL_NO_END;

        sip4xx_finding_t f[SIP4XX_MAX_FINDINGS];
        size_t n = sip4xx_check_msg(&m, f, G_N_ELEMENTS(f));
        size_t k = 0;
        for (size_t i = 0; i < sip4xx_rules_count; i++) {
            const sip4xx_rule_t *r = &sip4xx_rules[i];
            if (!sip4xx_rule_applies(r, &m) || plain_met(r, &m))
                continue;
            if (k < G_N_ELEMENTS(f)) {
                g_assert_cmpuint(k, <, n);
                g_assert_cmpuint(f[k].rule, ==, i);
            }
            k++;
        }
        g_assert_cmpuint(n, ==, k);   /* the count of every finding, kept or not */
    }
    g_rand_free(rng);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/checks/every-rule", test_every_rule_met_and_unmet);
    g_test_add_func("/checks/rfc-obligations", test_rfc_obligations);
    g_test_add_func("/checks/to-tag", test_to_tag);
    g_test_add_func("/checks/content-length-stream", test_content_length_stream_only);
    g_test_add_func("/checks/content-type-body", test_content_type_with_body);
    g_test_add_func("/checks/unparsed", test_unparsed_no_findings);
    g_test_add_func("/checks/unread-headers", test_unread_headers_no_findings);
    g_test_add_func("/checks/method-case", test_method_case);
    g_test_add_func("/checks/output-bound", test_output_bound);
    g_test_add_func("/checks/same-as-plain-walk", test_same_as_plain_walk);
    return g_test_run();
}
