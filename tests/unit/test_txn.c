/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the exchange logic (plugin/core/keys.c, summary.c, causes.c, verdicts.c): keys, summaries,
 * causes and verdicts, on messages written out as text. */
#include <glib.h>
#include <string.h>

#include "sip4xx/checks.h"
#include "sip4xx/txn.h"

typedef struct {
    sip4xx_msg_t m;
    char *text;
} msg_t;

static msg_t *msg(const char *text)
{
    msg_t *x = g_new0(msg_t, 1);
    x->text = g_strdup(text);
    sip4xx_parse((const uint8_t *)x->text, strlen(x->text), &x->m);
    return x;
}

static void msg_free(msg_t *x)
{
    g_free(x->text);
    g_free(x);
}

#define HDRS(branch, cseq) \
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=" branch "\r\n" \
    "From: <sip:alice@example.com>;tag=a1\r\n" \
    "Call-ID: c1@192.0.2.1\r\n" \
    "CSeq: " cseq "\r\n"

static msg_t *req(const char *method_line, const char *branch, const char *cseq, const char *extra)
{
    gchar *t = g_strdup_printf("%s SIP/2.0\r\n" HDRS("%s", "%s") "To: <sip:bob@example.com>\r\n"
                               "Max-Forwards: 70\r\n%sContent-Length: 0\r\n\r\n",
                               method_line, branch, cseq, extra);
    msg_t *x = msg(t);
    g_free(t);
    return x;
}

static msg_t *resp(const char *status, const char *branch, const char *cseq, const char *extra)
{
    gchar *t = g_strdup_printf("SIP/2.0 %s\r\n" HDRS("%s", "%s") "To: <sip:bob@example.com>;tag=b1\r\n"
                               "%sContent-Length: 0\r\n\r\n", status, branch, cseq, extra);
    msg_t *x = msg(t);
    g_free(t);
    return x;
}

/* RFC 3261 §17.1.3: branch + CSeq method; the response finds its request. */
static void test_keys(void)
{
    guint64 a, b;
    msg_t *q = req("INVITE sip:bob@example.com", "z9hG4bKx1", "1 INVITE", "Contact: <sip:a@192.0.2.1>\r\n");
    msg_t *r = resp("486 Busy Here", "z9hG4bKx1", "1 INVITE", "");
    g_assert_true(sip4xx_txn_key(&q->m, &a));
    g_assert_true(sip4xx_txn_key(&r->m, &b));
    g_assert_cmpuint(a, ==, b);

    /* A CANCEL has its own transaction, and names the INVITE's. */
    msg_t *c = req("CANCEL sip:bob@example.com", "z9hG4bKx1", "1 CANCEL", "");
    g_assert_true(sip4xx_txn_key(&c->m, &b));
    g_assert_cmpuint(a, !=, b);
    g_assert_true(sip4xx_txn_key_as(&c->m, "INVITE", &b));
    g_assert_cmpuint(a, ==, b);

    /* An ACK to a non-2xx belongs to the INVITE transaction (§17.1.1.3). */
    msg_t *ack = req("ACK sip:bob@example.com", "z9hG4bKx1", "1 ACK", "");
    g_assert_true(sip4xx_txn_key(&ack->m, &b));
    g_assert_cmpuint(a, ==, b);

    /* Another branch is another transaction. */
    msg_t *other = req("INVITE sip:bob@example.com", "z9hG4bKx2", "1 INVITE", "");
    g_assert_true(sip4xx_txn_key(&other->m, &b));
    g_assert_cmpuint(a, !=, b);

    /* No magic cookie: the RFC 2543 fallback on Call-ID, From tag, CSeq. */
    msg_t *old1 = req("OPTIONS sip:bob@example.com", "1234", "5 OPTIONS", "");
    msg_t *old2 = resp("404 Not Found", "9999", "5 OPTIONS", "");
    msg_t *old3 = req("OPTIONS sip:bob@example.com", "1234", "6 OPTIONS", "");
    g_assert_true(sip4xx_txn_key(&old1->m, &a));
    g_assert_true(sip4xx_txn_key(&old2->m, &b));
    g_assert_cmpuint(a, ==, b);
    g_assert_true(sip4xx_txn_key(&old3->m, &b));
    g_assert_cmpuint(a, !=, b);

    /* The retry key: same for a response and its request; a REGISTER by
     * its AOR and Call-ID, which a UA keeps for a registrar (RFC 3261
     * §10.2): another Call-ID is another registration. */
    msg_t *reg = req("REGISTER sip:example.com", "z9hG4bKr1", "1 REGISTER", "");
    msg_t *reg401 = resp("401 Unauthorized", "z9hG4bKr1", "1 REGISTER", "");
    gchar *other_call = g_strdup_printf("REGISTER sip:example.com SIP/2.0\r\n"
                                        "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKr2\r\n"
                                        "From: <sip:alice@example.com>;tag=zz\r\nCall-ID: other\r\n"
                                        "CSeq: 1 REGISTER\r\nTo: <sip:bob@example.com>\r\n\r\n");
    msg_t *reg2 = msg(other_call);
    g_assert_true(sip4xx_retry_key(&reg->m, &a));
    g_assert_true(sip4xx_retry_key(&reg401->m, &b));
    g_assert_cmpuint(a, ==, b);
    g_assert_true(sip4xx_retry_key(&reg2->m, &b));
    g_assert_cmpuint(a, !=, b);
    g_free(other_call);
    msg_free(q); msg_free(r); msg_free(c); msg_free(ack); msg_free(other); msg_free(old1); msg_free(old2);
    msg_free(old3); msg_free(reg); msg_free(reg401); msg_free(reg2);
}

/* sip4xx_keys_of, what the plugin takes per message, is each key alone. */
static void test_keys_of(void)
{
    const char *texts[] = {
        "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKk1\r\n"
        "From: \"A;tag=x\" <sip:a@h>;tag=f1\r\nTo: <sip:b@h>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n\r\n",
        /* RFC 2543 branch: the txn key needs the From tag too. */
        "OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=old\r\n"
        "f: sip:a@h;tag=f2\r\nt: <sip:b@h>\r\ni: c2\r\nCSeq: 7 OPTIONS\r\n\r\n",
        "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKk3\r\n"
        "From: <sip:a@h>\r\nTo: <sip:a@h>;tag=t\r\nCall-ID: c3\r\nCSeq: 2 REGISTER\r\n\r\n",
        "SIP/2.0 404 Not Found\r\n\r\n",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
        msg_t *x = msg(texts[i]);
        sip4xx_keys_t k;
        guint64 v = 0;
        sip4xx_keys_of(&x->m, &k);
        g_assert_cmpint(k.has_txn, ==, sip4xx_txn_key(&x->m, &v));
        if (k.has_txn)
            g_assert_cmpuint(k.txn, ==, v);
        g_assert_cmpint(k.has_retry, ==, sip4xx_retry_key(&x->m, &v));
        if (k.has_retry)
            g_assert_cmpuint(k.retry, ==, v);
        g_assert_cmpint(k.has_call, ==, sip4xx_call_key(&x->m, &v));
        if (k.has_call)
            g_assert_cmpuint(k.call, ==, v);
        g_assert_cmpint(k.has_from_tag, ==, sip4xx_from_tag_key(&x->m, &v));
        if (k.has_from_tag)
            g_assert_cmpuint(k.from_tag, ==, v);
        /* What each message has, so the comparisons above are not vacuous. */
        g_assert_cmpint(k.has_txn, ==, i < 3);
        g_assert_cmpint(k.has_from_tag, ==, i < 2);
        msg_free(x);
    }
}

/* The summary made in the parse's walk is the summary from the model,
 * folded and repeated headers included. */
static void test_summary_from_raw(void)
{
    const char *text =
        "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKq\r\n"
        "From: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
        "Require: timer,\r\n 100rel\r\nRequire: foo\r\nX-Odd: a\r\n\tb\r\nk: path\r\n"
        "Authorization: Digest realm=\"r1\", nonce=\"n\"\r\nSession-Expires: 90;refresher=uac\r\n"
        "Contact: <sip:a@h>;expires=30, <sip:a2@h>;expires=20\r\nContent-Type: application/sdp\r\n"
        "Content-Length: 4\r\n\r\nv=0\n";
    msg_t *x = msg(text);
    sip4xx_req_summary_t a, b;
    sip4xx_msg_t m = { .stream_transport = false, .cut = false };
    sip4xx_summarize_request(&x->m, 2, &a);
    g_assert_cmpuint(sip4xx_parse_summarize((const guint8 *)x->text, strlen(x->text), &m, &b), ==, x->m.msg_len);
    b.missing_rules = 2;
    g_assert_true(memcmp(&a, &b, sizeof a) == 0);
    /* And the summary read what is there. */
    g_assert_cmpstr(a.require.s, ==, "timer,100rel,foo");
    g_assert_cmpstr(a.supported.s, ==, "path");
    g_assert_cmpstr(a.auth_realms.text.s, ==, "r1");
    g_assert_cmpuint(a.contact_expires, ==, 20);
    g_assert_cmpuint(a.session_expires, ==, 90);
    g_assert_cmpuint(a.body_len, ==, 4);
    msg_free(x);
}

static sip4xx_cause_class_t cause_of(msg_t *q, msg_t *r, char *text, size_t cap, bool *warn)
{
    sip4xx_req_summary_t s;
    sip4xx_cause_ctx_t ctx = { .have_request = true };
    sip4xx_summarize_request(&q->m, 0, &s);
    return sip4xx_explain_cause(&s, &r->m, &ctx, text, cap, warn);
}

/* RFC 3261 §21.4.6: the method against Allow, every Allow line read. */
static void test_cause_405(void)
{
    char text[256];
    bool warn;
    msg_t *q = req("PUBLISH sip:bob@example.com", "z9hG4bK1", "1 PUBLISH", "");
    msg_t *r = resp("405 Method Not Allowed", "z9hG4bK1", "1 PUBLISH", "Allow: INVITE, ACK\r\nAllow: BYE\r\n");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_METHOD_NOT_ALLOWED);
    g_assert_false(warn);
    g_assert_nonnull(strstr(text, "PUBLISH"));
    g_assert_nonnull(strstr(text, "BYE"));
    msg_free(r);
    /* Methods are case-sensitive (RFC 3261 §7.1): "publish" is not PUBLISH. */
    r = resp("405 Method Not Allowed", "z9hG4bK1", "1 PUBLISH", "Allow: INVITE\r\nAllow: publish\r\n");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_METHOD_NOT_ALLOWED);
    g_assert_false(warn);
    msg_free(r);
    r = resp("405 Method Not Allowed", "z9hG4bK1", "1 PUBLISH", "Allow: INVITE\r\nAllow: PUBLISH\r\n");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_METHOD_IN_ALLOW);
    g_assert_true(warn);
    msg_free(q); msg_free(r);
}

/* RFC 3261 §22.2: first challenge vs rejected credentials; stale nonce. */
static void test_cause_401(void)
{
    char text[256];
    bool warn;
    msg_t *q = req("REGISTER sip:example.com", "z9hG4bK2", "1 REGISTER", "");
    msg_t *r = resp("401 Unauthorized", "z9hG4bK2", "1 REGISTER",
                    "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n1\"\r\n");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_FIRST_CHALLENGE);
    msg_free(q);
    q = req("REGISTER sip:example.com", "z9hG4bK3", "2 REGISTER",
            "Authorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"n1\", response=\"x\"\r\n");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_CREDENTIALS_REJECTED);
    g_assert_nonnull(strstr(text, "example.com"));
    msg_free(r);
    r = resp("401 Unauthorized", "z9hG4bK3", "2 REGISTER",
             "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n2\", stale=TRUE\r\n");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_STALE_NONCE);
    msg_free(q); msg_free(r);
}

/* RFC 3261 §21.4.13: type against Accept, with ranges. */
static void test_cause_415(void)
{
    char text[256];
    bool warn;
    msg_t *q = req("MESSAGE sip:bob@example.com", "z9hG4bK4", "1 MESSAGE", "Content-Type: text/html;charset=utf-8\r\n");
    msg_t *r = resp("415 Unsupported Media Type", "z9hG4bK4", "1 MESSAGE", "Accept: text/plain, application/*\r\n");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_MEDIA_NOT_ACCEPTED);
    g_assert_nonnull(strstr(text, "text/html"));
    msg_free(r);
    r = resp("415 Unsupported Media Type", "z9hG4bK4", "1 MESSAGE", "Accept: text/*\r\n");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_NONE);
    msg_free(q); msg_free(r);
}

/* RFC 3261 §10.3 / §21.4.17 and RFC 4028 §6, §21.4.15 and §20.23. */
static void test_cause_values(void)
{
    char text[256];
    bool warn;
    msg_t *q = req("REGISTER sip:example.com", "z9hG4bK5", "1 REGISTER",
                   "Contact: <sip:a@192.0.2.1>;expires=30, <sip:a@192.0.2.2>;expires=20\r\nExpires: 3600\r\n");
    msg_t *r = resp("423 Interval Too Brief", "z9hG4bK5", "1 REGISTER", "Min-Expires: 60\r\n");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_EXPIRES_TOO_BRIEF);
    g_assert_nonnull(strstr(text, "20 is below Min-Expires 60"));
    msg_free(q); msg_free(r);

    q = req("INVITE sip:bob@example.com", "z9hG4bK6", "1 INVITE",
            "Contact: <sip:a@192.0.2.1>\r\nSession-Expires: 60;refresher=uac\r\nk: timer\r\n");
    r = resp("422 Session Interval Too Small", "z9hG4bK6", "1 INVITE", "Min-SE: 90\r\n");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_SESSION_TOO_SMALL);
    g_assert_nonnull(strstr(text, "60 is below Min-SE 90"));
    g_assert_nonnull(strstr(text, "said Supported: timer"));
    msg_free(q); msg_free(r);

    q = req("INVITE sip:bob@example.com", "z9hG4bK7", "1 INVITE",
            "Contact: <sip:a@192.0.2.1>\r\nRequire: 100rel, foo\r\nProxy-Require: bar\r\n");
    r = resp("420 Bad Extension", "z9hG4bK7", "1 INVITE", "Unsupported: foo, bar\r\n");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_EXTENSION_UNSUPPORTED);
    g_assert_nonnull(strstr(text, "foo, bar"));
    g_assert_null(strstr(text, "100rel"));
    msg_free(q); msg_free(r);

    q = req("OPTIONS tel:+15551234", "z9hG4bK8", "1 OPTIONS", "");
    r = resp("416 Unsupported URI Scheme", "z9hG4bK8", "1 OPTIONS", "");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_URI_SCHEME);
    g_assert_nonnull(strstr(text, "\"tel\""));
    msg_free(q); msg_free(r);
}

/* A cause is named only where the request shows it. The request below
 * each 4xx does not, so each gives SIP4XX_CAUSE_NONE and no sentence. */
static void test_cause_not_shown(void)
{
    static const struct {
        const char *req_line, *cseq, *req_extra, *status, *resp_extra, *why;
    } cases[] = {
        /* RFC 3261 §16.3 item 2, §21.4.21: 483 answers Max-Forwards 0; a
         * request sent with 70 ran out further on (a loop beyond). */
        { "OPTIONS sip:bob@example.com", "1 OPTIONS", "", "483 Too Many Hops", "", "Max-Forwards 70" },
        /* 413 with no body in the request. */
        { "OPTIONS sip:bob@example.com", "1 OPTIONS", "", "413 Request Entity Too Large", "", "no body" },
        /* 416 to a sip: URI, which every element supports (§19.1). */
        { "OPTIONS sip:bob@example.com", "1 OPTIONS", "", "416 Unsupported URI Scheme", "", "sip scheme" },
        /* 422 whose Min-SE the request's Session-Expires already meets. */
        { "INVITE sip:bob@example.com", "1 INVITE", "Contact: <sip:a@h>\r\nSession-Expires: 1800\r\n",
          "422 Session Interval Too Small", "Min-SE: 90\r\n", "1800 >= 90" },
        /* 423 whose Min-Expires the request's expiry already meets. */
        { "REGISTER sip:example.com", "1 REGISTER", "Contact: <sip:a@h>\r\nExpires: 3600\r\n",
          "423 Interval Too Brief", "Min-Expires: 60\r\n", "3600 >= 60" },
        /* 421 requiring what the request lists in Supported (§21.4.16). */
        { "INVITE sip:bob@example.com", "1 INVITE", "Contact: <sip:a@h>\r\nSupported: timer\r\n",
          "421 Extension Required", "Require: timer\r\n", "timer supported" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        char text[256];
        bool warn;
        msg_t *q = req(cases[i].req_line, "z9hG4bKns", cases[i].cseq, cases[i].req_extra);
        msg_t *r = resp(cases[i].status, "z9hG4bKns", cases[i].cseq, cases[i].resp_extra);
        g_test_message("%s: %s", cases[i].status, cases[i].why);
        g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_NONE);
        g_assert_cmpstr(text, ==, "");
        msg_free(q);
        msg_free(r);
    }
    /* And where it does show it, it is named. */
    char text[256];
    bool warn;
    msg_t *q = req("OPTIONS sip:bob@example.com", "z9hG4bKmf", "1 OPTIONS", "");
    gchar *t = g_strdup(q->text);
    msg_free(q);
    gchar **parts = g_strsplit(t, "Max-Forwards: 70", 2);
    gchar *zero = g_strjoinv("Max-Forwards: 0", parts);
    q = msg(zero);
    msg_t *r = resp("483 Too Many Hops", "z9hG4bKmf", "1 OPTIONS", "");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_MAX_FORWARDS);
    g_assert_nonnull(strstr(text, "Max-Forwards 0"));
    msg_free(q);
    msg_free(r);
    g_strfreev(parts);
    g_free(zero);
    g_free(t);
}

/* A request not captured whole shows no cause: what it lacks is unknown. */
static void test_cause_incomplete_request(void)
{
    static const char cut[] = "OPTIONS sip:bob@example.com SIP/2.0\r\n" HDRS("z9hG4bKc", "1 OPTIONS") "Max-Fo";
    sip4xx_req_summary_t s;
    sip4xx_msg_t m = { .stream_transport = false, .cut = true };
    sip4xx_parse_summarize((const uint8_t *)cut, sizeof cut - 1, &m, &s);
    g_assert_true(s.incomplete);
    g_assert_cmpuint(s.malformed, ==, 0);
    msg_t *r = resp("405 Method Not Allowed", "z9hG4bKc", "1 OPTIONS", "Allow: INVITE\r\n");
    char text[256];
    bool warn;
    sip4xx_cause_ctx_t ctx = { .have_request = true };
    g_assert_cmpint(sip4xx_explain_cause(&s, &r->m, &ctx, text, sizeof text, &warn), ==, SIP4XX_CAUSE_NONE);
    msg_free(r);
}

/* A 487 sent to the CANCEL itself is wrong: §9.2 answers the CANCEL 200. */
static void test_cause_487(void)
{
    char text[256];
    bool warn;
    msg_t *q = req("CANCEL sip:bob@example.com", "z9hG4bK9", "1 CANCEL", "");
    msg_t *r = resp("487 Request Terminated", "z9hG4bK9", "1 CANCEL", "");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_CANCEL_TERMINATED);
    g_assert_true(warn);
    msg_free(q); msg_free(r);

    q = req("INVITE sip:bob@example.com", "z9hG4bK9", "1 INVITE", "Contact: <sip:a@192.0.2.1>\r\n");
    r = resp("487 Request Terminated", "z9hG4bK9", "1 INVITE", "");
    sip4xx_req_summary_t s;
    sip4xx_summarize_request(&q->m, 0, &s);
    sip4xx_cause_ctx_t ctx = { .have_request = true, .terminator_frame = 7, .terminator_method = "CANCEL" };
    g_assert_cmpint(sip4xx_explain_cause(&s, &r->m, &ctx, text, sizeof text, &warn), ==, SIP4XX_CAUSE_TERMINATED);
    g_assert_nonnull(strstr(text, "frame 7"));
    msg_free(q); msg_free(r);
}

/* RFC 3261 §21.4.1: a 400 for a request whose values break the rules. */
static void test_cause_400(void)
{
    char text[256];
    bool warn;
    msg_t *q = req("OPTIONS sip:bob@example.com", "z9hG4bKd", "1 INVITE", "Expires: soon\r\n");
    msg_t *r = resp("400 Bad Request", "z9hG4bKd", "1 INVITE", "");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_REQUEST_BROKEN);
    g_assert_nonnull(strstr(text, "§8.1.1.5"));
    g_assert_nonnull(strstr(text, "§20.19"));
    msg_free(q);
    q = req("OPTIONS sip:bob@example.com", "z9hG4bKd", "1 OPTIONS", "");
    g_assert_cmpint(cause_of(q, r, text, sizeof text, &warn), ==, SIP4XX_CAUSE_NONE);
    msg_free(q); msg_free(r);
}

static sip4xx_verdict_t judge_kept(msg_t *orig, msg_t *r, msg_t *retry, gint64 gap_ms, int owner, bool cseq_kept)
{
    sip4xx_req_summary_t a, b;
    sip4xx_attempt_t at;
    sip4xx_resp_summary_t rs;
    char text[256];
    sip4xx_summarize_request(&orig->m, 0, &a);
    sip4xx_attempt_of(&a, &at);
    sip4xx_summarize_request(&retry->m, 0, &b);
    sip4xx_summarize_response(&r->m, &rs);
    return sip4xx_judge_retry(&at, &rs, &b, gap_ms, owner, cseq_kept, text, sizeof text);
}

static sip4xx_verdict_t judge(msg_t *orig, msg_t *r, msg_t *retry, gint64 gap_ms, int owner)
{
    return judge_kept(orig, r, retry, gap_ms, owner, false);
}

/* RFC 3261 §21.4: a client SHOULD NOT retry the same request unmodified;
 * §21.4.9 lets it after 408. A new branch and CSeq are not modifications. */
static void test_verdict_unmodified(void)
{
    msg_t *a = req("MESSAGE sip:bob@example.com", "z9hG4bKa", "1 MESSAGE", "Subject: hi\r\n");
    msg_t *b = req("MESSAGE sip:bob@example.com", "z9hG4bKb", "2 MESSAGE", "Subject: hi\r\n");
    msg_t *c = req("MESSAGE sip:bob@example.com", "z9hG4bKc", "2 MESSAGE", "Subject: hello\r\n");
    msg_t *r404 = resp("404 Not Found", "z9hG4bKa", "1 MESSAGE", "");
    msg_t *r403 = resp("403 Forbidden", "z9hG4bKa", "1 MESSAGE", "");
    msg_t *r408 = resp("408 Request Timeout", "z9hG4bKa", "1 MESSAGE", "");
    g_assert_cmpint(judge(a, r404, b, 100, -1), ==, SIP4XX_VERDICT_UNMODIFIED);
    g_assert_cmpint(judge(a, r404, c, 100, -1), ==, SIP4XX_VERDICT_FOLLOWED);
    g_assert_cmpint(judge(a, r403, b, 100, -1), ==, SIP4XX_VERDICT_REPEATED_FORBIDDEN);
    g_assert_cmpint(judge(a, r408, b, 100, -1), ==, SIP4XX_VERDICT_FOLLOWED);
    /* A new transaction that does not raise the CSeq is no retry to judge
     * after these codes (§8.1.3.5's "one higher" is lower-case). */
    g_assert_cmpint(judge_kept(a, r404, c, 100, -1, true), ==, SIP4XX_VERDICT_NONE);
    g_assert_cmpint(judge_kept(a, r403, b, 100, -1, true), ==, SIP4XX_VERDICT_NONE);
    /* Gaining the Max-Forwards a 400 was about is a modification. */
    msg_t *nomf = msg("MESSAGE sip:bob@example.com SIP/2.0\r\n" HDRS("z9hG4bKa", "1 MESSAGE")
                      "To: <sip:bob@example.com>\r\nSubject: hi\r\nContent-Length: 0\r\n\r\n");
    msg_t *r400 = resp("400 Bad Request", "z9hG4bKa", "1 MESSAGE", "");
    g_assert_cmpint(judge(nomf, r400, b, 100, -1), ==, SIP4XX_VERDICT_FOLLOWED);
    msg_free(nomf); msg_free(r400);
    g_assert_true(sip4xx_verdict_is_violation(SIP4XX_VERDICT_UNMODIFIED));
    g_assert_false(sip4xx_verdict_is_violation(SIP4XX_VERDICT_FOLLOWED));
    msg_free(a); msg_free(b); msg_free(c); msg_free(r404); msg_free(r403); msg_free(r408);
}

/* RFC 3261 §22.2: answer the challenge for its realm, not with the same
 * rejected credentials. */
static void test_verdict_challenge(void)
{
    msg_t *a = req("REGISTER sip:example.com", "z9hG4bKa", "1 REGISTER", "");
    msg_t *r = resp("401 Unauthorized", "z9hG4bKa", "1 REGISTER", "WWW-Authenticate: Digest realm=\"ex\", nonce=\"n\"\r\n");
    msg_t *ok = req("REGISTER sip:example.com", "z9hG4bKb", "2 REGISTER",
                    "Authorization: Digest username=\"u\", realm=\"ex\", nonce=\"n\", response=\"1\"\r\n");
    msg_t *wrong_realm = req("REGISTER sip:example.com", "z9hG4bKb", "2 REGISTER",
                             "Authorization: Digest username=\"u\", realm=\"other\", nonce=\"n\", response=\"1\"\r\n");
    g_assert_cmpint(judge(a, r, ok, 10, -1), ==, SIP4XX_VERDICT_FOLLOWED);
    g_assert_cmpint(judge(a, r, wrong_realm, 10, -1), ==, SIP4XX_VERDICT_NO_CREDENTIALS);
    g_assert_cmpint(judge(a, r, a, 10, -1), ==, SIP4XX_VERDICT_NO_CREDENTIALS);
    msg_t *again = req("REGISTER sip:example.com", "z9hG4bKc", "3 REGISTER",
                       "Authorization: Digest username=\"u\", realm=\"ex\", nonce=\"n\", response=\"1\"\r\n");
    g_assert_cmpint(judge(ok, r, again, 10, -1), ==, SIP4XX_VERDICT_SAME_CREDENTIALS);
    /* §22.2: "When a UAC resubmits a request with its credentials after
     * receiving a 401 (Unauthorized) or 407 (Proxy Authentication
     * Required) response, it MUST increment the CSeq header field value".
     * Without credentials for the realm, that fault is the one named. */
    g_assert_cmpint(judge_kept(a, r, ok, 10, -1, true), ==, SIP4XX_VERDICT_CSEQ_NOT_INCREMENTED);
    g_assert_cmpint(judge_kept(a, r, wrong_realm, 10, -1, true), ==, SIP4XX_VERDICT_NO_CREDENTIALS);
    msg_free(a); msg_free(r); msg_free(ok); msg_free(wrong_realm); msg_free(again);
}

/* Value-bound retries: 423 (§10.2.8), 422 (RFC 4028), 420, 415; 491 (§14.1). */
static void test_verdict_values(void)
{
    msg_t *a = req("REGISTER sip:example.com", "z9hG4bKa", "1 REGISTER", "Expires: 10\r\n");
    msg_t *r = resp("423 Interval Too Brief", "z9hG4bKa", "1 REGISTER", "Min-Expires: 60\r\n");
    msg_t *ok = req("REGISTER sip:example.com", "z9hG4bKb", "2 REGISTER", "Expires: 60\r\n");
    msg_t *low = req("REGISTER sip:example.com", "z9hG4bKb", "2 REGISTER", "Expires: 59\r\n");
    g_assert_cmpint(judge(a, r, ok, 10, -1), ==, SIP4XX_VERDICT_FOLLOWED);
    g_assert_cmpint(judge(a, r, low, 10, -1), ==, SIP4XX_VERDICT_STILL_TOO_BRIEF);
    msg_free(a); msg_free(r); msg_free(ok); msg_free(low);

    a = req("INVITE sip:b@example.com", "z9hG4bKa", "1 INVITE", "Require: foo\r\n");
    r = resp("420 Bad Extension", "z9hG4bKa", "1 INVITE", "Unsupported: foo\r\n");
    ok = req("INVITE sip:b@example.com", "z9hG4bKb", "2 INVITE", "");
    g_assert_cmpint(judge(a, r, ok, 10, -1), ==, SIP4XX_VERDICT_FOLLOWED);
    g_assert_cmpint(judge(a, r, a, 10, -1), ==, SIP4XX_VERDICT_STILL_UNSUPPORTED);
    msg_free(a); msg_free(r); msg_free(ok);

    a = req("INVITE sip:b@example.com", "z9hG4bKa", "1 INVITE", "Session-Expires: 30\r\n");
    r = resp("422 Session Interval Too Small", "z9hG4bKa", "1 INVITE", "Min-SE: 90\r\n");
    ok = req("INVITE sip:b@example.com", "z9hG4bKb", "2 INVITE", "Session-Expires: 90\r\nMin-SE: 90\r\n");
    g_assert_cmpint(judge(a, r, ok, 10, -1), ==, SIP4XX_VERDICT_FOLLOWED);
    g_assert_cmpint(judge(a, r, a, 10, -1), ==, SIP4XX_VERDICT_STILL_TOO_SMALL);
    msg_free(a); msg_free(r); msg_free(ok);

    a = req("MESSAGE sip:b@example.com", "z9hG4bKa", "1 MESSAGE", "Content-Type: text/html\r\n");
    r = resp("415 Unsupported Media Type", "z9hG4bKa", "1 MESSAGE", "Accept: text/plain\r\n");
    ok = req("MESSAGE sip:b@example.com", "z9hG4bKb", "2 MESSAGE", "Content-Type: text/plain\r\n");
    g_assert_cmpint(judge(a, r, ok, 10, -1), ==, SIP4XX_VERDICT_FOLLOWED);
    g_assert_cmpint(judge(a, r, a, 10, -1), ==, SIP4XX_VERDICT_STILL_UNACCEPTED);
    msg_free(a); msg_free(r); msg_free(ok);

    a = req("INVITE sip:b@example.com", "z9hG4bKa", "5 INVITE", "");
    r = resp("491 Request Pending", "z9hG4bKa", "5 INVITE", "");
    ok = req("INVITE sip:b@example.com", "z9hG4bKb", "6 INVITE", "");
    g_assert_cmpint(judge(a, r, ok, 500, 1), ==, SIP4XX_VERDICT_NO_BACKOFF);
    g_assert_cmpint(judge(a, r, ok, 2500, 1), ==, SIP4XX_VERDICT_FOLLOWED);
    g_assert_cmpint(judge(a, r, ok, 500, 0), ==, SIP4XX_VERDICT_FOLLOWED);
    msg_free(a); msg_free(r); msg_free(ok);
}

/* What an open transaction keeps (sip4xx_req_pack) gives back the
 * summary: all of it but the request's realm texts, which no cause
 * reads. */
static void test_summary_packed(void)
{
    const char *text =
        "INVITE sips:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKq\r\n"
        "From: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\nMax-Forwards: 0\r\n"
        "Require: timer\r\nProxy-Require: sec-agree\r\nk: path, 100rel\r\nExpires: 300\r\n"
        "Authorization: Digest realm=\"r1\", nonce=\"n\"\r\nProxy-Authorization: Digest realm=\"p\"\r\n"
        "Session-Expires: 90\r\nContact: <sip:a@h>;expires=30\r\nContent-Type: application/sdp\r\n"
        "Content-Encoding: gzip\r\nContent-Language: fr\r\nContent-Length: 4\r\n\r\nv=0\n";
    msg_t *x = msg(text);
    sip4xx_req_summary_t a, b;
    uint8_t packed[SIP4XX_PACKED_MAX];
    sip4xx_summarize_request(&x->m, 3, &a);
    size_t n = sip4xx_req_pack(&a, packed);
    g_assert_cmpuint(n, <=, SIP4XX_PACKED_MAX);
    sip4xx_req_unpack(packed, n, &b);
    g_assert_cmpstr(b.auth_realms.text.s, ==, "");
    memset(&a.auth_realms.text, 0, sizeof a.auth_realms.text);
    memset(&a.proxy_auth_realms.text, 0, sizeof a.proxy_auth_realms.text);
    g_assert_true(memcmp(&a, &b, sizeof a) == 0);
    msg_free(x);

    /* An OPTIONS with no lists takes a few bytes. */
    x = req("OPTIONS sip:b@example.com", "z9hG4bKa", "1 OPTIONS", "");
    sip4xx_summarize_request(&x->m, 0, &a);
    n = sip4xx_req_pack(&a, packed);
    g_assert_cmpuint(n, <=, 32);
    sip4xx_req_unpack(packed, n, &b);
    g_assert_true(memcmp(&a, &b, sizeof a) == 0);
    msg_free(x);
}

/* The packed summary has a budget: past it, the texts kept last are cut
 * with "..." (their lists marked truncated) and the rest are empty; the
 * method and the numbers are always whole. */
static void test_summary_packed_budget(void)
{
    GString *lists = g_string_new("");
    const char *names[] = { "Content-Type", "Supported", "Require", "Proxy-Require", "Content-Encoding",
                            "Content-Language" };
    for (size_t h = 0; h < G_N_ELEMENTS(names); h++) {
        g_string_append_printf(lists, "%s: ", names[h]);
        for (int i = 0; i < 12; i++)
            g_string_append_printf(lists, "%s%s-%d", i ? ", " : "", names[h], i);
        g_string_append(lists, "\r\n");
    }
    g_string_append(lists, "Expires: 60\r\n");
    msg_t *q = req("MESSAGE sip:b@example.com", "z9hG4bKa", "1 MESSAGE", lists->str);
    sip4xx_req_summary_t a, b;
    uint8_t packed[SIP4XX_PACKED_MAX];
    sip4xx_summarize_request(&q->m, 0, &a);
    size_t n = sip4xx_req_pack(&a, packed);
    g_assert_cmpuint(n, <=, SIP4XX_PACKED_MAX);
    sip4xx_req_unpack(packed, n, &b);
    g_assert_cmpstr(b.method, ==, "MESSAGE");
    g_assert_cmpstr(b.uri_scheme, ==, "sip");
    g_assert_true(b.has_expires && b.expires == 60);
    g_assert_true(g_str_has_prefix(a.content_type.s, b.content_type.s) || g_str_has_suffix(b.content_type.s, "..."));
    g_assert_true(b.content_language.truncated || !b.content_language.s[0]);
    g_assert_cmpstr(b.content_language.s, ==, "");
    msg_free(q);
    g_string_free(lists, TRUE);
}

/* Summaries are bounded copies: a huge list is cut and says so. */
static void test_summary_bounds(void)
{
    GString *big = g_string_new("Supported: ");
    for (int i = 0; i < 200; i++)
        g_string_append_printf(big, "%sext%d", i ? ", " : "", i);
    g_string_append(big, "\r\n");
    msg_t *q = req("OPTIONS sip:b@example.com", "z9hG4bKa", "1 OPTIONS", big->str);
    sip4xx_req_summary_t s;
    sip4xx_summarize_request(&q->m, 0, &s);
    g_assert_true(s.supported.truncated);
    g_assert_cmpuint(strlen(s.supported.s), <, sizeof s.supported.s);
    msg_free(q);
    g_string_free(big, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/txn/keys", test_keys);
    g_test_add_func("/txn/keys-of", test_keys_of);
    g_test_add_func("/txn/summary-from-raw", test_summary_from_raw);
    g_test_add_func("/txn/cause/405", test_cause_405);
    g_test_add_func("/txn/cause/401", test_cause_401);
    g_test_add_func("/txn/cause/415", test_cause_415);
    g_test_add_func("/txn/cause/values", test_cause_values);
    g_test_add_func("/txn/cause/487", test_cause_487);
    g_test_add_func("/txn/cause/400", test_cause_400);
    g_test_add_func("/txn/cause/not-shown", test_cause_not_shown);
    g_test_add_func("/txn/cause/incomplete-request", test_cause_incomplete_request);
    g_test_add_func("/txn/verdict/unmodified", test_verdict_unmodified);
    g_test_add_func("/txn/verdict/challenge", test_verdict_challenge);
    g_test_add_func("/txn/verdict/values", test_verdict_values);
    g_test_add_func("/txn/summary-bounds", test_summary_bounds);
    g_test_add_func("/txn/summary-packed", test_summary_packed);
    g_test_add_func("/txn/summary-packed-budget", test_summary_packed_budget);
    return g_test_run();
}
