/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the exchange engine (plugin/core/engine.c) with a
 * synthetic clock and a counting allocator: each behaviour names the RFC
 * sentence it rests on, and every test ends with nothing left allocated. */
#include <glib.h>
#include <string.h>

#include "sip4xx/checks.h"
#include "sip4xx/engine.h"

/* ------------------------------------------------------------ harness */

static gssize live_blocks;
/* What the live blocks would cost in Wireshark's file scope: its block
 * allocator rounds every block up to 16 bytes and puts a 16-byte chunk
 * header before it (wsutil/wmem/wmem_allocator_block.c, 4.0). */
static gsize live_bytes;
#define WMEM_CHARGE(n) ((((n) + 15) & ~(gsize)15) + 16)

static void *count_alloc(void *ctx, size_t n)
{
    (void)ctx;
    live_blocks++;
    live_bytes += WMEM_CHARGE(n);
    gsize *p = g_malloc(n + 16);   /* the size in front, for count_free */
    p[0] = n;
    return (char *)p + 16;
}

static void count_free(void *ctx, void *p)
{
    (void)ctx;
    gsize *block = (gsize *)((char *)p - 16);
    live_blocks--;
    live_bytes -= WMEM_CHARGE(block[0]);
    g_free(block);
}

static const sip4xx_allocator_t counting = { count_alloc, count_free, NULL };

typedef struct {
    sip4xx_engine_t *e;
    uint32_t frame;
    GPtrArray *texts;   /* message texts, kept while the engine may point at them */
} world_t;

static world_t *world_with(uint32_t per_call, uint32_t total, uint32_t dialogs)
{
    world_t *w = g_new0(world_t, 1);
    sip4xx_limits_t l = { per_call, total, dialogs };
    live_blocks = 0;
    live_bytes = 0;
    w->e = sip4xx_engine_new(&counting, &l);
    g_assert_nonnull(w->e);
    w->texts = g_ptr_array_new_with_free_func(g_free);
    return w;
}

static world_t *world(uint32_t per_call, uint32_t total)
{
    return world_with(per_call, total, 1000);
}

static void world_end(world_t *w)
{
    sip4xx_engine_free(w->e);
    g_assert_cmpint(live_blocks, ==, 0);
    g_ptr_array_unref(w->texts);
    g_free(w);
}

/* Feed one message at time t (seconds); the outcome into *out. */
static void feed(world_t *w, double t, const char *text, sip4xx_outcome_t *out)
{
    char *copy = g_strdup(text);
    g_ptr_array_add(w->texts, copy);
    sip4xx_msg_t m = { 0 };
    sip4xx_parse((const uint8_t *)copy, strlen(copy), &m);
    sip4xx_finding_t f[SIP4XX_MAX_FINDINGS];
    size_t n = sip4xx_check_msg(&m, f, G_N_ELEMENTS(f));
    sip4xx_time_t now = { (int64_t)t, (int32_t)((t - (double)(int64_t)t) * 1e9) };
    sip4xx_msg_ref_t ref = { ++w->frame, 0, 0, (uint32_t)strlen(copy) };
    sip4xx_engine_track(w->e, &m, NULL, n, now, ref, out);
}

static char *request(const char *method, const char *branch, const char *call, unsigned cseq, const char *extra)
{
    return g_strdup_printf("%s sip:bob@example.com SIP/2.0\r\n"
                           "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=%s\r\n"
                           "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>\r\n"
                           "Call-ID: %s\r\nCSeq: %u %s\r\nMax-Forwards: 70\r\n"
                           "Contact: <sip:alice@192.0.2.1>\r\n%sContent-Length: 0\r\n\r\n",
                           method, branch, call, cseq, method, extra);
}

static char *response(unsigned code, const char *reason, const char *branch, const char *call, unsigned cseq,
                      const char *method, const char *extra)
{
    return g_strdup_printf("SIP/2.0 %u %s\r\n"
                           "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=%s\r\n"
                           "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=b1\r\n"
                           "Call-ID: %s\r\nCSeq: %u %s\r\n%sContent-Length: 0\r\n\r\n",
                           code, reason, branch, call, cseq, method, extra);
}

/* The request sent inside the dialog its 2xx (To tag b1) made: owned text
 * in, owned text out. */
static char *in_dialog_of(char *req)
{
    char *to = strstr(req, "To: <sip:bob@example.com>");
    gchar *tagged = g_strdup_printf("%.*sTo: <sip:bob@example.com>;tag=b1%s", (int)(to - req), req,
                                    to + strlen("To: <sip:bob@example.com>"));
    g_free(req);
    return tagged;
}

static void feed_owned(world_t *w, double t, char *text, sip4xx_outcome_t *out)
{
    feed(w, t, text, out);
    g_free(text);
}

/* -------------------------------------------------------------- tests */

/* RFC 3261 §17.1.3: "the response matches a client transaction if ... the
 * branch parameter in the response is equal to the one in the top Via
 * header field of the request ... [and] the method parameter in the CSeq
 * header field matches the method of the request". The request gains the
 * link back. */
static void test_match(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    feed_owned(w, 10.0, request("OPTIONS", "z9hG4bK1", "c1", 1, ""), &o);
    g_assert_cmpuint(o.flags, ==, 0);
    feed_owned(w, 10.25, response(404, "Not Found", "z9hG4bK1", "c1", 1, "OPTIONS", ""), &o);
    g_assert_cmpuint(o.request_in, ==, 1);
    g_assert_cmpint(sip4xx_time_ms(o.delta), ==, 250);
    g_assert_cmpuint(o.n_backlinks, ==, 1);
    g_assert_true(o.backlinks[0].is_request);
    g_assert_cmpuint(o.backlinks[0].ref.frame, ==, 1);
    g_assert_cmpuint(o.backlinks[0].response_in, ==, 2);
    /* The same 404 again is a retransmission (RFC 3261 §17.2.1) with the
     * same link. */
    feed_owned(w, 10.5, response(404, "Not Found", "z9hG4bK1", "c1", 1, "OPTIONS", ""), &o);
    g_assert_true(o.flags & SIP4XX_OUT_RETRANSMIT);
    g_assert_cmpuint(o.request_in, ==, 1);
    /* Another branch is another transaction: no request for it. */
    feed_owned(w, 11.0, response(404, "Not Found", "z9hG4bK9", "c1", 1, "OPTIONS", ""), &o);
    g_assert_true(o.flags & SIP4XX_OUT_NO_REQUEST);
    /* A 4xx without a CSeq names no transaction: that no request matches
     * it is not said (its missing CSeq is a finding of its own). */
    char *r = response(404, "Not Found", "z9hG4bK1", "c1", 1, "OPTIONS", "");
    char *cseq = strstr(r, "CSeq: 1 OPTIONS\r\n");
    memmove(cseq, cseq + strlen("CSeq: 1 OPTIONS\r\n"), strlen(cseq + strlen("CSeq: 1 OPTIONS\r\n")) + 1);
    feed_owned(w, 11.5, r, &o);
    g_assert_false(o.flags & SIP4XX_OUT_NO_REQUEST);
    g_assert_cmpuint(o.request_in, ==, 0);
    world_end(w);
}

/* Timer F (RFC 3261 §17.1.2.2): "If Timer F fires while the client
 * transaction is still in the 'Trying' state, the client transaction
 * SHOULD inform the TU about the timeout" — 64*T1 = 32 s after the
 * request, the transaction is gone, and a later 4xx matches nothing. */
static void test_timer_f(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    feed_owned(w, 100.0, request("OPTIONS", "z9hG4bK2", "c2", 1, ""), &o);
    feed_owned(w, 120.0, request("MESSAGE", "z9hG4bK3", "c3", 1, ""), &o);
    feed_owned(w, 133.0, response(404, "Not Found", "z9hG4bK2", "c2", 1, "OPTIONS", ""), &o);
    g_assert_true(o.flags & SIP4XX_OUT_NO_REQUEST);
    feed_owned(w, 133.5, response(404, "Not Found", "z9hG4bK3", "c3", 1, "MESSAGE", ""), &o);
    g_assert_cmpuint(o.request_in, ==, 2);
    world_end(w);
}

/* Timer C (RFC 3261 §16.6 step 11, §13.3.1.1 "a gap of 3 minutes between
 * responses"): an INVITE with a provisional response is kept 3 minutes
 * after the latest one; Timer B (§17.1.1.2, 64*T1) without one. */
static void test_timer_b_and_c(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    feed_owned(w, 0.0, request("INVITE", "z9hG4bKb", "cb", 1, ""), &o);
    feed_owned(w, 40.0, response(486, "Busy Here", "z9hG4bKb", "cb", 1, "INVITE", ""), &o);
    g_assert_true(o.flags & SIP4XX_OUT_NO_REQUEST);          /* Timer B: gone after 32 s */

    feed_owned(w, 50.0, request("INVITE", "z9hG4bKc", "cc", 1, ""), &o);
    feed_owned(w, 50.1, response(180, "Ringing", "z9hG4bKc", "cc", 1, "INVITE", "Contact: <sip:b@h>\r\n"), &o);
    feed_owned(w, 150.0, response(486, "Busy Here", "z9hG4bKc", "cc", 1, "INVITE", ""), &o);
    g_assert_cmpuint(o.request_in, ==, 3);                   /* kept: within 3 min of the 180 */

    feed_owned(w, 200.0, request("INVITE", "z9hG4bKd", "cd", 1, ""), &o);
    feed_owned(w, 200.1, response(180, "Ringing", "z9hG4bKd", "cd", 1, "INVITE", "Contact: <sip:b@h>\r\n"), &o);
    feed_owned(w, 500.0, response(480, "Temporarily Unavailable", "z9hG4bKd", "cd", 1, "INVITE", ""), &o);
    g_assert_true(o.flags & SIP4XX_OUT_NO_REQUEST);          /* 300 s after the 180: gone */
    world_end(w);
}

/* A capture whose time steps back (files merged out of order) pauses the
 * clock; it does not rewind it, so what is due still falls due. Time far
 * in the future (2106, or near 2^63 s) neither wraps nor overflows. */
static void test_clock(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    feed_owned(w, 1000.0, request("OPTIONS", "z9hG4bKt1", "t1", 1, ""), &o);
    feed_owned(w, 10.0, request("OPTIONS", "z9hG4bKt2", "t2", 1, ""), &o);   /* an hour... back */
    feed_owned(w, 43.0, response(404, "Not Found", "z9hG4bKt1", "t1", 1, "OPTIONS", ""), &o);
    g_assert_true(o.flags & SIP4XX_OUT_NO_REQUEST);          /* 33 s of forward time have passed */

    /* 2106-02-07, past 32-bit time: the clock moves on and still expires. */
    feed_owned(w, 4294967396.0, request("OPTIONS", "z9hG4bKt3", "t3", 1, ""), &o);
    feed_owned(w, 4294967440.0, response(404, "Not Found", "z9hG4bKt3", "t3", 1, "OPTIONS", ""), &o);
    g_assert_true(o.flags & SIP4XX_OUT_NO_REQUEST);

    sip4xx_time_t big = { INT64_MAX - 5, 999999999 };
    sip4xx_time_t far = sip4xx_time_add_secs(big, 3600);
    g_assert_cmpint(far.secs, ==, INT64_MAX);
    g_assert_cmpint(sip4xx_time_cmp(far, big), >, 0);
    sip4xx_time_t small = { INT64_MIN + 1, 0 };
    g_assert_cmpint(sip4xx_time_sub(big, small).secs, ==, INT64_MAX);
    g_assert_cmpint(sip4xx_time_ms(sip4xx_time_sub(big, small)), ==, INT64_MAX);
    world_end(w);
}

/* The limits: max_open_total unanswered transactions in all; past it a
 * request is not tracked and says so, and so does its 4xx. */
static void test_limits(void)
{
    world_t *w = world(128, 2);
    sip4xx_outcome_t o;
    feed_owned(w, 0.0, request("OPTIONS", "z9hG4bKl1", "l1", 1, ""), &o);
    feed_owned(w, 0.1, request("OPTIONS", "z9hG4bKl2", "l2", 1, ""), &o);
    feed_owned(w, 0.2, request("OPTIONS", "z9hG4bKl3", "l3", 1, ""), &o);
    g_assert_true(o.flags & SIP4XX_OUT_STATE_LIMIT);
    feed_owned(w, 0.3, response(404, "Not Found", "z9hG4bKl3", "l3", 1, "OPTIONS", ""), &o);
    g_assert_true(o.flags & SIP4XX_OUT_STATE_LIMIT);
    sip4xx_engine_stats_t st;
    sip4xx_engine_stats(w->e, &st);
    g_assert_cmpuint(st.open_peak, ==, 2);
    world_end(w);

    w = world(1, 1000);                                      /* one per call */
    feed_owned(w, 0.0, request("OPTIONS", "z9hG4bKp1", "p", 1, ""), &o);
    feed_owned(w, 0.1, request("OPTIONS", "z9hG4bKp2", "p", 2, ""), &o);
    g_assert_true(o.flags & SIP4XX_OUT_STATE_LIMIT);
    world_end(w);
}

/* RFC 3261 §9.1/§9.2: a CANCEL ends the INVITE, which is answered 487; a
 * 487 to the CANCEL itself is wrong ("the 487 goes to the INVITE"). */
static void test_cancel(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    feed_owned(w, 0.0, request("INVITE", "z9hG4bKi", "ci", 1, ""), &o);
    feed_owned(w, 0.1, response(180, "Ringing", "z9hG4bKi", "ci", 1, "INVITE", "Contact: <sip:b@h>\r\n"), &o);
    feed_owned(w, 1.0, request("CANCEL", "z9hG4bKi", "ci", 1, ""), &o);
    feed_owned(w, 1.1, response(200, "OK", "z9hG4bKi", "ci", 1, "CANCEL", ""), &o);
    feed_owned(w, 1.2, response(487, "Request Terminated", "z9hG4bKi", "ci", 1, "INVITE", ""), &o);
    g_assert_cmpuint(o.request_in, ==, 1);
    g_assert_cmpint(o.cause_class, ==, SIP4XX_CAUSE_TERMINATED);
    g_assert_nonnull(strstr(o.cause, "frame 3"));
    world_end(w);
}

/* RFC 3261 §22.2: after a 401 the client retries with credentials for the
 * challenged realm and a higher CSeq; the retry links to the 4xx and the
 * 4xx gains the link forward with the verdict. */
static void test_retry(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    feed_owned(w, 0.0, request("REGISTER", "z9hG4bKr1", "r", 1, ""), &o);
    feed_owned(w, 0.1, response(401, "Unauthorized", "z9hG4bKr1", "r", 1, "REGISTER",
                                "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"n\"\r\n"), &o);
    g_assert_cmpint(o.cause_class, ==, SIP4XX_CAUSE_FIRST_CHALLENGE);
    feed_owned(w, 0.2, request("REGISTER", "z9hG4bKr2", "r", 2,
                               "Authorization: Digest username=\"a\", realm=\"example.com\", nonce=\"n\","
                               " uri=\"sip:example.com\", response=\"x\"\r\n"), &o);
    g_assert_cmpuint(o.retry_of, ==, 2);
    g_assert_cmpint(o.verdict, ==, SIP4XX_VERDICT_FOLLOWED);
    g_assert_cmpuint(o.n_backlinks, ==, 1);
    g_assert_false(o.backlinks[0].is_request);
    g_assert_cmpuint(o.backlinks[0].ref.frame, ==, 2);
    g_assert_cmpuint(o.backlinks[0].retry_in, ==, 3);
    world_end(w);
}

/* Frozen time: no window passes, so the expiry ring is bounded by its cap
 * (4 * max_open_total + 64) instead of growing with the capture. */
static void test_frozen_clock(void)
{
    world_t *w = world(128, 10);
    sip4xx_outcome_t o;
    for (unsigned i = 0; i < 500; i++) {
        char branch[32], call[32];
        g_snprintf(branch, sizeof branch, "z9hG4bKf%u", i);
        g_snprintf(call, sizeof call, "f%u", i);
        feed_owned(w, 7.0, request("OPTIONS", branch, call, 1, ""), &o);
        feed_owned(w, 7.0, response(404, "Not Found", branch, call, 1, "OPTIONS", ""), &o);
    }
    sip4xx_engine_stats_t st;
    sip4xx_engine_stats(w->e, &st);
    g_assert_cmpuint(st.expiries, <=, 4 * 10 + 64 + 2);
    g_assert_cmpuint(st.transactions, <=, 4 * 10 + 64 + 2);
    g_assert_cmpuint(st.open_peak, <=, 10);
    world_end(w);
}

/* RFC 3261 §17.2.2: "Any other final responses passed by the TU to the
 * server transaction MUST be discarded while in the "Completed" state"
 * (and an INVITE server transaction in Completed only retransmits its
 * final response, §17.2.1). Kamailio's sl_send_reply then t_reply sends
 * two: the second, with another code or another To tag, is flagged and
 * points to the first, which keeps its cause; a byte-identical resend is a
 * retransmission. */
static void test_second_final(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    feed_owned(w, 0.0, request("INVITE", "z9hG4bKs1", "s1", 1, "Session-Expires: 30\r\n"), &o);
    feed_owned(w, 0.1, response(422, "Session Interval Too Small", "z9hG4bKs1", "s1", 1, "INVITE",
                                "Min-SE: 90\r\n"), &o);
    g_assert_cmpint(o.cause_class, ==, SIP4XX_CAUSE_SESSION_TOO_SMALL);
    g_assert_false(o.flags & SIP4XX_OUT_SECOND_FINAL);
    feed_owned(w, 0.2, response(422, "Session Interval Too Small", "z9hG4bKs1", "s1", 1, "INVITE",
                                "Min-SE: 90\r\n"), &o);
    g_assert_true(o.flags & SIP4XX_OUT_RETRANSMIT);          /* the same final again */
    g_assert_false(o.flags & SIP4XX_OUT_SECOND_FINAL);
    feed_owned(w, 0.3, response(404, "Not Found", "z9hG4bKs1", "s1", 1, "INVITE", ""), &o);
    g_assert_true(o.flags & SIP4XX_OUT_SECOND_FINAL);
    g_assert_false(o.flags & SIP4XX_OUT_RETRANSMIT);
    g_assert_cmpuint(o.first_final_in, ==, 2);
    g_assert_cmpuint(o.request_in, ==, 1);
    g_assert_cmpint(o.cause_class, ==, SIP4XX_CAUSE_NONE);   /* not the 422's cause */
    /* A 2xx after the 4xx is a second final too. */
    feed_owned(w, 0.4, response(200, "OK", "z9hG4bKs1", "s1", 1, "INVITE", "Contact: <sip:b@h>\r\n"), &o);
    g_assert_true(o.flags & SIP4XX_OUT_SECOND_FINAL);
    g_assert_cmpuint(o.first_final_in, ==, 2);
    world_end(w);

    /* Same code, another To tag: 477 from sl then 477 from tm. */
    w = world(128, 1000);
    feed_owned(w, 0.0, request("OPTIONS", "z9hG4bKs2", "s2", 1, ""), &o);
    feed_owned(w, 0.1, response(477, "Unfortunately error on sending to next hop", "z9hG4bKs2", "s2", 1, "OPTIONS",
                                ""), &o);
    char *other = response(477, "Unfortunately error on sending to next hop", "z9hG4bKs2", "s2", 1, "OPTIONS", "");
    char *tag = strstr(other, "tag=b1");
    tag[5] = '2';
    feed_owned(w, 0.2, other, &o);
    g_assert_true(o.flags & SIP4XX_OUT_SECOND_FINAL);
    g_assert_cmpuint(o.first_final_in, ==, 2);
    world_end(w);
}

/* RFC 3261 §8.2.6.2: "The Call-ID header field of the response MUST equal
 * the Call-ID header field of the request." A scanner reusing one branch
 * for different requests does not make a 403 of another call answer an
 * INVITE. */
static void test_call_id_must_match(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    feed_owned(w, 0.0, request("INVITE", "z9hG4bKsame", "scan-1", 1, ""), &o);
    feed_owned(w, 0.1, response(403, "Forbidden", "z9hG4bKsame", "scan-2", 1, "INVITE", ""), &o);
    g_assert_cmpuint(o.request_in, ==, 0);
    g_assert_true(o.flags & SIP4XX_OUT_NO_REQUEST);
    feed_owned(w, 0.2, response(403, "Forbidden", "z9hG4bKsame", "scan-1", 1, "INVITE", ""), &o);
    g_assert_cmpuint(o.request_in, ==, 1);
    world_end(w);
}

/* RFC 3261 §8.1.1.7: "The branch parameter value MUST be unique across
 * space and time for all requests sent by the UA." A request that reuses a branch and method
 * under another Call-ID or CSeq number is no retransmission (a
 * retransmission repeats the request; a response copies its Call-ID and
 * CSeq, §8.2.6.2): it is the request its responses answer, not "absent
 * from the capture", and its final response is not a second final of the
 * earlier request. What sipsak's random mode and devices reusing one
 * branch send. */
static void test_branch_reused(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    feed_owned(w, 0.0, request("OPTIONS", "z9hG4bKr", "r-1", 1, ""), &o);
    feed_owned(w, 0.1, response(403, "Forbidden", "z9hG4bKr", "r-1", 1, "OPTIONS", ""), &o);
    g_assert_cmpuint(o.request_in, ==, 1);
    /* Another Call-ID, the same branch: a request of its own. */
    feed_owned(w, 0.2, request("OPTIONS", "z9hG4bKr", "r-2", 1, ""), &o);
    g_assert_false(o.flags & SIP4XX_OUT_RETRANSMIT);
    feed_owned(w, 0.3, response(403, "Forbidden", "z9hG4bKr", "r-2", 1, "OPTIONS", ""), &o);
    g_assert_cmpuint(o.request_in, ==, 3);
    g_assert_false(o.flags & (SIP4XX_OUT_NO_REQUEST | SIP4XX_OUT_SECOND_FINAL | SIP4XX_OUT_RETRANSMIT));
    /* Its real retransmission is one, and a 403 to it is a retransmitted
     * final response linked to the same request. */
    feed_owned(w, 0.4, request("OPTIONS", "z9hG4bKr", "r-2", 1, ""), &o);
    g_assert_true(o.flags & SIP4XX_OUT_RETRANSMIT);
    feed_owned(w, 0.5, response(403, "Forbidden", "z9hG4bKr", "r-2", 1, "OPTIONS", ""), &o);
    g_assert_true(o.flags & SIP4XX_OUT_RETRANSMIT);
    g_assert_cmpuint(o.request_in, ==, 3);
    world_end(w);

    /* A REGISTER retried with credentials (CSeq 2) under the branch of the
     * one its 401 challenged: the retry of that 401 (§22.2), and the 200
     * it gets is its own first final, not a second final after the 401. */
    w = world(128, 1000);
    feed_owned(w, 0.0, request("REGISTER", "z9hG4bKg", "g1", 1, ""), &o);
    feed_owned(w, 0.1, response(401, "Unauthorized", "z9hG4bKg", "g1", 1, "REGISTER",
                                "WWW-Authenticate: Digest realm=\"h\", nonce=\"n\"\r\n"), &o);
    g_assert_cmpint(o.cause_class, ==, SIP4XX_CAUSE_FIRST_CHALLENGE);
    feed_owned(w, 0.2, request("REGISTER", "z9hG4bKg", "g1", 2,
                               "Authorization: Digest username=\"a\", realm=\"h\", nonce=\"n\", uri=\"sip:h\","
                               " response=\"0123456789abcdef0123456789abcdef\"\r\n"), &o);
    g_assert_false(o.flags & SIP4XX_OUT_RETRANSMIT);
    g_assert_cmpuint(o.retry_of, ==, 2);
    feed_owned(w, 0.3, response(200, "OK", "z9hG4bKg", "g1", 2, "REGISTER", "Contact: <sip:a@h>;expires=60\r\n"), &o);
    g_assert_false(o.flags & (SIP4XX_OUT_SECOND_FINAL | SIP4XX_OUT_RETRANSMIT | SIP4XX_OUT_NO_REQUEST));
    g_assert_cmpuint(o.first_final_in, ==, 0);
    /* A response with another CSeq number answers neither. */
    feed_owned(w, 30.2, response(403, "Forbidden", "z9hG4bKg", "g1", 7, "REGISTER", ""), &o);
    g_assert_cmpuint(o.request_in, ==, 0);
    g_assert_true(o.flags & SIP4XX_OUT_NO_REQUEST);
    world_end(w);
}

/* RFC 3261 §22.2: "When a UAC resubmits a request with its credentials
 * after receiving a 401 (Unauthorized) or 407 (Proxy Authentication
 * Required) response, it MUST increment the CSeq header field value as it
 * would normally when sending an updated request." Credentials sent again
 * under a new branch and the challenged CSeq (sipvicious' svcrack) are a
 * retry that breaks it. After another 4xx, a new branch with the same CSeq
 * is left unjudged (§8.1.3.5 words its "one higher" in lower case). */
static void test_challenge_cseq_kept(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    const char *creds = "Authorization: Digest username=\"a\", realm=\"h\", nonce=\"n\", uri=\"sip:h\","
                        " response=\"0123456789abcdef0123456789abcdef\"\r\n";
    feed_owned(w, 0.0, request("REGISTER", "z9hG4bKk1", "k1", 1, ""), &o);
    feed_owned(w, 0.1, response(401, "Unauthorized", "z9hG4bKk1", "k1", 1, "REGISTER",
                                "WWW-Authenticate: Digest realm=\"h\", nonce=\"n\"\r\n"), &o);
    feed_owned(w, 0.2, request("REGISTER", "z9hG4bKk2", "k1", 1, creds), &o);
    g_assert_false(o.flags & SIP4XX_OUT_RETRANSMIT);
    g_assert_cmpuint(o.retry_of, ==, 2);
    g_assert_cmpint(o.verdict, ==, SIP4XX_VERDICT_CSEQ_NOT_INCREMENTED);
    g_assert_true(sip4xx_verdict_is_violation(o.verdict));
    g_assert_nonnull(strstr(o.verdict_text, "§22.2"));
    /* Incremented, the same credentials are judged as before. */
    feed_owned(w, 0.3, response(401, "Unauthorized", "z9hG4bKk2", "k1", 1, "REGISTER",
                                "WWW-Authenticate: Digest realm=\"h\", nonce=\"n2\"\r\n"), &o);
    feed_owned(w, 0.4, request("REGISTER", "z9hG4bKk3", "k1", 2, creds), &o);
    g_assert_cmpuint(o.retry_of, ==, 4);
    g_assert_cmpint(o.verdict, ==, SIP4XX_VERDICT_SAME_CREDENTIALS);
    world_end(w);

    /* After a 423, the same CSeq under a new branch is not judged. */
    w = world(128, 1000);
    feed_owned(w, 0.0, request("REGISTER", "z9hG4bKm1", "m1", 1, "Expires: 10\r\n"), &o);
    feed_owned(w, 0.1, response(423, "Interval Too Brief", "z9hG4bKm1", "m1", 1, "REGISTER", "Min-Expires: 60\r\n"),
               &o);
    feed_owned(w, 0.2, request("REGISTER", "z9hG4bKm2", "m1", 1, "Expires: 60\r\n"), &o);
    g_assert_cmpuint(o.retry_of, ==, 0);
    g_assert_cmpint(o.verdict, ==, SIP4XX_VERDICT_NONE);
    world_end(w);
}

/* RFC 3261 §9.2: the INVITE a CANCEL ends is answered 487. When the INVITE
 * is not in the capture but the CANCEL is, the 487 names the CANCEL. */
static void test_487_cancel_only(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    feed_owned(w, 0.0, request("CANCEL", "z9hG4bKo", "o1", 1, ""), &o);
    feed_owned(w, 0.1, response(200, "OK", "z9hG4bKo", "o1", 1, "CANCEL", ""), &o);
    feed_owned(w, 0.2, response(487, "Request Terminated", "z9hG4bKo", "o1", 1, "INVITE", ""), &o);
    g_assert_cmpint(o.cause_class, ==, SIP4XX_CAUSE_TERMINATED);
    g_assert_nonnull(strstr(o.cause, "CANCEL in frame 1"));
    g_assert_false(o.flags & SIP4XX_OUT_NO_REQUEST);
    world_end(w);
}

/* text with the first `from` replaced by `to` (a new string). */
static char *replace_once(const char *text, const char *from, const char *to)
{
    gchar **parts = g_strsplit(text, from, 2);
    char *out = g_strjoinv(to, parts);
    g_strfreev(parts);
    return out;
}

/* RFC 3261 §8.1.1.5: a CSeq number of 2^31 or more is malformed, but the
 * request still opens its transaction (top Via branch and method), so the
 * 400 that refuses it links to it and names the fault. */
static void test_malformed_cseq_opens(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    char *q = request("OPTIONS", "z9hG4bKq", "q1", 1, "");
    char *big = replace_once(q, "CSeq: 1 OPTIONS", "CSeq: 2147483648 OPTIONS");
    feed(w, 0.0, big, &o);
    char *r = response(400, "Bad Request", "z9hG4bKq", "q1", 1, "OPTIONS", "");
    char *rbig = replace_once(r, "CSeq: 1 OPTIONS", "CSeq: 2147483648 OPTIONS");
    feed(w, 0.1, rbig, &o);
    g_assert_cmpuint(o.request_in, ==, 1);
    g_assert_cmpint(o.cause_class, ==, SIP4XX_CAUSE_REQUEST_BROKEN);
    g_assert_nonnull(strstr(o.cause, "malformed"));
    g_free(q);
    g_free(big);
    g_free(r);
    g_free(rbig);
    world_end(w);
}

/* A realm is a quoted-string of any length (RFC 3261 §25.1). A 100-byte
 * realm is kept: a retry without credentials for it breaks RFC 3261 §22.2,
 * one with them follows it. */
static void test_long_realm(void)
{
    GString *realm = g_string_new("");
    for (int i = 0; i < 10; i++)
        g_string_append(realm, "realm-long");
    gchar *challenge = g_strdup_printf("WWW-Authenticate: Digest realm=\"%s\", nonce=\"n\"\r\n", realm->str);
    gchar *creds = g_strdup_printf("Authorization: Digest username=\"a\", realm=\"%s\", nonce=\"n\","
                                   " uri=\"sip:example.com\", response=\"x\"\r\n", realm->str);
    for (int with_creds = 0; with_creds < 2; with_creds++) {
        world_t *w = world(128, 1000);
        sip4xx_outcome_t o;
        feed_owned(w, 0.0, request("REGISTER", "z9hG4bKlr1", "lr", 1, ""), &o);
        feed_owned(w, 0.1, response(401, "Unauthorized", "z9hG4bKlr1", "lr", 1, "REGISTER", challenge), &o);
        g_assert_cmpint(o.cause_class, ==, SIP4XX_CAUSE_FIRST_CHALLENGE);
        g_assert_nonnull(strstr(o.cause, "realm-longrealm-long"));
        feed_owned(w, 0.2, request("REGISTER", "z9hG4bKlr2", "lr", 2, with_creds ? creds : ""), &o);
        g_assert_cmpint(o.verdict, ==, with_creds ? SIP4XX_VERDICT_FOLLOWED : SIP4XX_VERDICT_NO_CREDENTIALS);
        world_end(w);
    }
    g_free(challenge);
    g_free(creds);
    g_string_free(realm, TRUE);
}

/* A registration's retry (RFC 3261 §10.2): same AOR, same Call-ID ("All
 * registrations from a UAC SHOULD use the same Call-ID ... for
 * registrations sent to a particular registrar"), a higher CSeq. What it
 * must change is what the 4xx asked; branch, CSeq and From tag change on
 * every new request and do not count. Both directions: */
static void test_register_retry(void)
{
    /* 1. Resent after 483 with only branch, CSeq and From tag changed: not
     * modified, which §21.4 says a client SHOULD NOT do. */
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    feed_owned(w, 0.0, request("REGISTER", "z9hG4bKg1", "reg-a", 1, "Expires: 3600\r\n"), &o);
    feed_owned(w, 0.1, response(483, "Too Many Hops", "z9hG4bKg1", "reg-a", 1, "REGISTER", ""), &o);
    char *again = request("REGISTER", "z9hG4bKg2", "reg-a", 2, "Expires: 3600\r\n");
    char *tag = strstr(again, "tag=a1");
    tag[5] = '9';
    feed_owned(w, 5.0, again, &o);
    g_assert_cmpuint(o.retry_of, ==, 2);
    g_assert_cmpint(o.verdict, ==, SIP4XX_VERDICT_UNMODIFIED);
    world_end(w);

    /* 2. A fresh registration under another Call-ID 18 s after a 407 is
     * not a retry of it: not judged for lacking Proxy-Authorization. */
    w = world(128, 1000);
    feed_owned(w, 0.0, request("REGISTER", "z9hG4bKh1", "reg-b", 1, ""), &o);
    feed_owned(w, 0.1, response(407, "Proxy Authentication Required", "z9hG4bKh1", "reg-b", 1, "REGISTER",
                                "Proxy-Authenticate: Digest realm=\"proxy\", nonce=\"n\"\r\n"), &o);
    feed_owned(w, 18.0, request("REGISTER", "z9hG4bKh2", "reg-c", 1, ""), &o);
    g_assert_cmpuint(o.retry_of, ==, 0);
    g_assert_cmpint(o.verdict, ==, SIP4XX_VERDICT_NONE);
    world_end(w);

    /* 3. The same Call-ID with what 423 asked changed: followed. */
    w = world(128, 1000);
    feed_owned(w, 0.0, request("REGISTER", "z9hG4bKj1", "reg-d", 1, "Expires: 60\r\n"), &o);
    feed_owned(w, 0.1, response(423, "Interval Too Brief", "z9hG4bKj1", "reg-d", 1, "REGISTER",
                                "Min-Expires: 3600\r\n"), &o);
    feed_owned(w, 0.2, request("REGISTER", "z9hG4bKj2", "reg-d", 2, "Expires: 3600\r\n"), &o);
    g_assert_cmpint(o.verdict, ==, SIP4XX_VERDICT_FOLLOWED);
    world_end(w);
}

/* RFC 3261 §17.1.3: "the branch parameter ... in responses to requests
 * from RFC 2543 implementations" lacks the magic cookie; then the
 * transaction is matched the RFC 2543 way: Call-ID, From tag, CSeq number
 * and method. Two transactions of one call with old-style branches. */
static void test_rfc2543_matching(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    feed_owned(w, 0.0, request("OPTIONS", "old1", "o2543", 1, ""), &o);
    feed_owned(w, 0.1, request("OPTIONS", "old2", "o2543", 2, ""), &o);
    feed_owned(w, 0.2, response(404, "Not Found", "whatever", "o2543", 2, "OPTIONS", ""), &o);
    g_assert_cmpuint(o.request_in, ==, 2);
    feed_owned(w, 0.3, response(404, "Not Found", "whatever", "o2543", 1, "OPTIONS", ""), &o);
    g_assert_cmpuint(o.request_in, ==, 1);
    world_end(w);
}

/* RFC 3261 §15.1.2: a BYE from the caller in the early dialog ends the
 * INVITE, which "the UAS ... SHOULD ... respond with a 487". */
static void test_bye_in_early_dialog(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    feed_owned(w, 0.0, request("INVITE", "z9hG4bKe1", "early", 1, ""), &o);
    feed_owned(w, 0.1, response(180, "Ringing", "z9hG4bKe1", "early", 1, "INVITE", "Contact: <sip:b@h>\r\n"), &o);
    feed_owned(w, 1.0, in_dialog_of(request("BYE", "z9hG4bKe2", "early", 2, "")), &o);
    feed_owned(w, 1.1, response(200, "OK", "z9hG4bKe2", "early", 2, "BYE", ""), &o);
    feed_owned(w, 1.2, response(487, "Request Terminated", "z9hG4bKe1", "early", 1, "INVITE", ""), &o);
    g_assert_cmpint(o.cause_class, ==, SIP4XX_CAUSE_TERMINATED);
    g_assert_nonnull(strstr(o.cause, "BYE in frame 3"));
    world_end(w);
}

static char *in_dialog(const char *method, const char *branch, unsigned cseq, bool from_owner)
{
    /* A re-INVITE inside the dialog of call "g": From/To tags by side. */
    return g_strdup_printf("%s sip:%s@example.com SIP/2.0\r\n"
                           "Via: SIP/2.0/UDP 192.0.2.%d:5060;branch=%s\r\n"
                           "From: <sip:%s@example.com>;tag=%s\r\nTo: <sip:%s@example.com>;tag=%s\r\n"
                           "Call-ID: g\r\nCSeq: %u %s\r\nMax-Forwards: 70\r\n"
                           "Contact: <sip:x@192.0.2.1>\r\nContent-Length: 0\r\n\r\n",
                           method, from_owner ? "bob" : "alice", from_owner ? 1 : 2, branch,
                           from_owner ? "alice" : "bob", from_owner ? "a1" : "b1",
                           from_owner ? "bob" : "alice", from_owner ? "b1" : "a1", cseq, method);
}

static char *in_dialog_resp(unsigned code, const char *reason, const char *branch, unsigned cseq, bool to_owner)
{
    return g_strdup_printf("SIP/2.0 %u %s\r\nVia: SIP/2.0/UDP 192.0.2.%d:5060;branch=%s\r\n"
                           "From: <sip:%s@example.com>;tag=%s\r\nTo: <sip:%s@example.com>;tag=%s\r\n"
                           "Call-ID: g\r\nCSeq: %u INVITE\r\nContent-Length: 0\r\n\r\n",
                           code, reason, to_owner ? 1 : 2, branch, to_owner ? "alice" : "bob", to_owner ? "a1" : "b1",
                           to_owner ? "bob" : "alice", to_owner ? "b1" : "a1", cseq);
}

/* RFC 3261 §14.2: a UAS that has a re-INVITE of its own pending answers
 * the other side's 491; §14.1: the side that generated the Call-ID (the
 * owner: its INVITE created the dialog) waits "between 2.1 and 4 seconds",
 * the other "between 0 and 2 seconds". */
static void test_glare_back_off(void)
{
    world_t *w = world(128, 1000);
    sip4xx_outcome_t o;
    /* The dialog: alice (owner) INVITEs bob, 200. */
    feed_owned(w, 0.0, request("INVITE", "z9hG4bKg0", "g", 1, ""), &o);
    feed_owned(w, 0.1, response(200, "OK", "z9hG4bKg0", "g", 1, "INVITE", "Contact: <sip:b@h>\r\n"), &o);
    /* Both send a re-INVITE; each is answered 491. */
    feed_owned(w, 10.0, in_dialog("INVITE", "z9hG4bKga", 2, true), &o);     /* frame 3, alice */
    feed_owned(w, 10.0, in_dialog("INVITE", "z9hG4bKgb", 1, false), &o);    /* frame 4, bob */
    feed_owned(w, 10.1, in_dialog_resp(491, "Request Pending", "z9hG4bKga", 2, true), &o);
    g_assert_cmpint(o.cause_class, ==, SIP4XX_CAUSE_GLARE);
    g_assert_nonnull(strstr(o.cause, "frame 4"));
    feed_owned(w, 10.1, in_dialog_resp(491, "Request Pending", "z9hG4bKgb", 1, false), &o);
    g_assert_cmpint(o.cause_class, ==, SIP4XX_CAUSE_GLARE);
    /* The owner retries after 0.5 s: too soon. */
    feed_owned(w, 10.6, in_dialog("INVITE", "z9hG4bKga2", 3, true), &o);
    g_assert_cmpint(o.verdict, ==, SIP4XX_VERDICT_NO_BACKOFF);
    /* The other side after 1 s: within its 0-2 s. */
    feed_owned(w, 11.1, in_dialog("INVITE", "z9hG4bKgb2", 2, false), &o);
    g_assert_cmpint(o.verdict, ==, SIP4XX_VERDICT_FOLLOWED);
    world_end(w);
}

/* max_dialogs: live dialogs whose Call-ID owner is kept for the §14.1
 * back-off. Past it a new dialog keeps no owner (its 491 retries are
 * judged without one); a BYE that ends a dialog frees its place. */
static void test_dialog_cap(void)
{
    world_t *w = world_with(128, 1000, 1);
    sip4xx_outcome_t o;
    sip4xx_engine_stats_t st;
    feed_owned(w, 0.0, request("INVITE", "z9hG4bKd1", "d1", 1, ""), &o);
    feed_owned(w, 0.1, response(200, "OK", "z9hG4bKd1", "d1", 1, "INVITE", "Contact: <sip:b@h>\r\n"), &o);
    feed_owned(w, 0.2, request("INVITE", "z9hG4bKd2", "d2", 1, ""), &o);
    feed_owned(w, 0.3, response(200, "OK", "z9hG4bKd2", "d2", 1, "INVITE", "Contact: <sip:b@h>\r\n"), &o);
    sip4xx_engine_stats(w->e, &st);
    g_assert_cmpuint(st.dialogs, ==, 1);
    g_assert_cmpuint(st.calls, ==, 1);                        /* d2 kept no owner, so no call */
    feed_owned(w, 1.0, in_dialog_of(request("BYE", "z9hG4bKd3", "d1", 2, "")), &o);
    feed_owned(w, 1.1, response(200, "OK", "z9hG4bKd3", "d1", 2, "BYE", ""), &o);
    sip4xx_engine_stats(w->e, &st);
    g_assert_cmpuint(st.dialogs, ==, 0);
    world_end(w);
}

/* What one open transaction costs, all included: its record and packed
 * request summary, its call, its slots in the maps, its expiry entry and
 * the allocator's headers, as the engine's live bytes over the number of
 * transactions open. Requests nobody answers, one Call-ID each (a
 * scanner's: the call is all theirs), and the same requests two hundred
 * to a call; measured at several counts, since the maps and the ring grow
 * in steps. At most 256 bytes for the requests real traffic sends, 300
 * for a request at the packing budget (while open transactions kept a
 * copy of their request: 790 to 1,140 for these, 4.6 KiB for a 4 KiB
 * request). */
static void open_many(const char *method, const char *extra, guint per_call, guint n, double *per_txn)
{
    world_t *w = world(200, 1000000);
    gsize base = live_bytes;
    sip4xx_outcome_t o;
    for (guint i = 0; i < n; i++) {
        char branch[32], call[32];
        g_snprintf(branch, sizeof branch, "z9hG4bK%u", i);
        g_snprintf(call, sizeof call, "%u@scanner.example", i / per_call);
        char *text = request(method, branch, call, 1 + i % per_call, extra);
        feed(w, 1000.0 + i * 0.0002, text, &o);   /* nothing falls due (64*T1) */
        g_free(text);
        g_assert_cmpuint(o.flags, ==, 0);
    }
    sip4xx_engine_stats_t st;
    sip4xx_engine_stats(w->e, &st);
    g_assert_cmpuint(st.open_now, ==, n);
    *per_txn = (double)(live_bytes - base) / n;
    g_ptr_array_set_size(w->texts, 0);
    world_end(w);
}

static void test_bytes_per_transaction(void)
{
    static const struct {
        const char *method, *extra;
        guint per_call;
        double most;    /* bytes per open transaction */
    } kinds[] = {
        { "OPTIONS", "", 1, 256 },
        { "REGISTER", "Expires: 3600\r\n", 1, 256 },
        { "INVITE", "Supported: replaces, 100rel, timer, path\r\nContent-Type: application/sdp\r\n", 1, 256 },
        { "MESSAGE", "Content-Type: text/plain\r\n", 200, 256 },
        /* Everything the summary keeps, past the packing budget
         * (SIP4XX_PACKED_MAX): the most a transaction can hold. */
        { "INVITE", "Supported: replaces, 100rel, timer, path, gruu, outbound, norefersub\r\n"
          "Require: timer, 100rel\r\nProxy-Require: sec-agree\r\nContent-Type: application/sdp\r\n"
          "Content-Encoding: gzip\r\nContent-Language: fr\r\nSession-Expires: 1800\r\nExpires: 120\r\n"
          "Authorization: Digest realm=\"example.com\", nonce=\"1\"\r\n"
          "Proxy-Authorization: Digest realm=\"proxy.example.com\", nonce=\"2\"\r\n", 1, 300 },
    };
    for (gsize k = 0; k < G_N_ELEMENTS(kinds); k++) {
        double worst = 0;
        for (guint n = 1000; n <= 64000; n = n * 3 / 2) {
            double per_txn;
            open_many(kinds[k].method, kinds[k].extra, kinds[k].per_call, n, &per_txn);
            if (g_test_verbose())
                g_printerr("%s x %u (%u per call): %.1f bytes per open transaction\n", kinds[k].method, n,
                           kinds[k].per_call, per_txn);
            worst = MAX(worst, per_txn);
        }
        if (g_test_verbose())
            g_printerr("%s (%u per call): at most %.1f bytes per open transaction\n", kinds[k].method,
                       kinds[k].per_call, worst);
        g_assert_cmpfloat(worst, <=, kinds[k].most);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/engine/match", test_match);
    g_test_add_func("/engine/timer-f", test_timer_f);
    g_test_add_func("/engine/timer-b-and-c", test_timer_b_and_c);
    g_test_add_func("/engine/clock", test_clock);
    g_test_add_func("/engine/limits", test_limits);
    g_test_add_func("/engine/cancel", test_cancel);
    g_test_add_func("/engine/retry", test_retry);
    g_test_add_func("/engine/frozen-clock", test_frozen_clock);
    g_test_add_func("/engine/second-final", test_second_final);
    g_test_add_func("/engine/call-id-must-match", test_call_id_must_match);
    g_test_add_func("/engine/branch-reused", test_branch_reused);
    g_test_add_func("/engine/challenge-cseq-kept", test_challenge_cseq_kept);
    g_test_add_func("/engine/487-cancel-only", test_487_cancel_only);
    g_test_add_func("/engine/malformed-cseq-opens", test_malformed_cseq_opens);
    g_test_add_func("/engine/long-realm", test_long_realm);
    g_test_add_func("/engine/register-retry", test_register_retry);
    g_test_add_func("/engine/rfc2543-matching", test_rfc2543_matching);
    g_test_add_func("/engine/bye-in-early-dialog", test_bye_in_early_dialog);
    g_test_add_func("/engine/glare-back-off", test_glare_back_off);
    g_test_add_func("/engine/dialog-cap", test_dialog_cap);
    g_test_add_func("/engine/bytes-per-transaction", test_bytes_per_transaction);
    return g_test_run();
}
