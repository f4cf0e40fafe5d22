/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of the message parser (plugin/core/parse.c). */
#include <glib.h>
#include <string.h>

#include "sip4xx/model.h"
#include "sip4xx/sentences.h"

static sip4xx_msg_t parse_str(const char *s, gboolean stream)
{
    sip4xx_msg_t m = { 0 };
    m.stream_transport = stream;
    sip4xx_parse((const uint8_t *)s, strlen(s), &m);
    return m;
}

static gboolean span_is(sip4xx_span_t s, const char *lit)
{
    return s.len == strlen(lit) && memcmp(s.ptr, lit, s.len) == 0;
}

static void test_response_basic(void)
{
    const char *msg =
        "SIP/2.0 405 Method Not Allowed\r\n"
        "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1\r\n"
        "From: <sip:a@x>;tag=1\r\n"
        "To: <sip:b@x>;tag=2\r\n"
        "Call-ID: abc\r\n"
        "CSeq: 7 MESSAGE\r\n"
        "Allow: INVITE, ACK\r\n"
        "Content-Length: 0\r\n"
        "\r\n";
    sip4xx_msg_t m = parse_str(msg, FALSE);
    g_assert_cmpint(m.kind, ==, SIP4XX_MSG_RESPONSE);
    g_assert_cmpuint(m.code, ==, 405);
    g_assert_true(span_is(m.reason, "Method Not Allowed"));
    g_assert_cmpuint(m.malformed, ==, 0);
    g_assert_true(sip4xx_msg_has(&m, SIP4XX_H_ALLOW));
    g_assert_true(span_is(m.value[SIP4XX_H_ALLOW], "INVITE, ACK"));
    g_assert_true(m.to_tag);
    g_assert_cmpuint(m.cseq_number, ==, 7);
    g_assert_true(span_is(m.cseq_method, "MESSAGE"));
    g_assert_cmpuint(m.msg_len, ==, strlen(msg));
    g_assert_cmpuint(m.header_len, ==, strlen(msg));
}

static void test_request_basic(void)
{
    const char *msg =
        "INVITE sip:bob@example.com SIP/2.0\r\n"
        "Max-Forwards: 70\r\n"
        "Content-Length: 4\r\n"
        "\r\n"
        "v=0\n";
    sip4xx_msg_t m = parse_str(msg, TRUE);
    g_assert_cmpint(m.kind, ==, SIP4XX_MSG_REQUEST);
    g_assert_true(span_is(m.method, "INVITE"));
    g_assert_true(span_is(m.request_uri, "sip:bob@example.com"));
    g_assert_true(m.has_content_length);
    g_assert_cmpuint(m.content_length, ==, 4);
    g_assert_cmpuint(m.msg_len, ==, strlen(msg));
}

/* RFC 3261 §7.3.1 and §7.3.3: the forms a valid message may use. */
static void test_valid_forms(void)
{
    const char *msg =
        "SIP/2.0 486 Busy Here\n"                         /* bare LF, §7.5 */
        "v: SIP/2.0/UDP h;branch=z9hG4bK2\n"
        "f: <sip:a@x>;tag=1\n"
        "TO   :  <sip:b@x>\n"                              /* whitespace before colon, case */
        "  ;TAG = zz\n"                                    /* folded, parameter in any case */
        "i: 1@h\n"
        "cseq: 1 INVITE\n"
        "l: 0\n"
        "\n";
    sip4xx_msg_t m = parse_str(msg, FALSE);
    g_assert_cmpuint(m.malformed, ==, 0);
    g_assert_true(sip4xx_msg_has(&m, SIP4XX_H_VIA));
    g_assert_true(sip4xx_msg_has(&m, SIP4XX_H_FROM));
    g_assert_true(sip4xx_msg_has(&m, SIP4XX_H_TO));
    g_assert_true(sip4xx_msg_has(&m, SIP4XX_H_CALL_ID));
    g_assert_true(sip4xx_msg_has(&m, SIP4XX_H_CSEQ));
    g_assert_true(sip4xx_msg_has(&m, SIP4XX_H_CONTENT_LENGTH));
    g_assert_true(m.to_tag);
}

/* RFC 3261 §20: a tag inside <...> is a URI parameter, not the header's. */
static void test_to_tag_inside_uri(void)
{
    sip4xx_msg_t m = parse_str("SIP/2.0 404 Not Found\r\nTo: <sip:b@x;tag=uri>\r\n\r\n", FALSE);
    g_assert_false(m.to_tag);
    m = parse_str("SIP/2.0 404 Not Found\r\nTo: sip:b@x;tag=hdr\r\n\r\n", FALSE);
    g_assert_true(m.to_tag);
    m = parse_str("SIP/2.0 404 Not Found\r\nTo: \"a;tag=x\" <sip:b@x>\r\n\r\n", FALSE);
    g_assert_false(m.to_tag);
    m = parse_str("SIP/2.0 404 Not Found\r\nTo: <sip:b@x>;tagx=1\r\n\r\n", FALSE);
    g_assert_false(m.to_tag);
}

static void test_malformed(void)
{
    sip4xx_msg_t m = parse_str("SIP/2.0 4xx Bad\r\n\r\n", FALSE);
    g_assert_cmpint(m.kind, ==, SIP4XX_MSG_UNPARSED);
    g_assert_true(m.malformed & SIP4XX_MAL_START_LINE);

    m = parse_str("SIP/2.0 4000 Big\r\n\r\n", FALSE);
    g_assert_true(m.malformed & SIP4XX_MAL_START_LINE);

    m = parse_str("SIP/2.0 400 Bad\r\nno colon here\r\n\r\n", FALSE);
    g_assert_true(m.malformed & SIP4XX_MAL_HEADER_LINE);

    /* A colon, but a name that is not a token (RFC 3261 §25.1 header-name
     * = token): a byte of "User-Agent" changed to 0xEB, as sipsak's random
     * mode sends it. The line is malformed, and the sentence does not say
     * the colon is missing. */
    m = parse_str("SIP/2.0 400 Bad\r\nUser-A\xeb" "ent: sipsak\r\n\r\n", FALSE);
    g_assert_true(m.malformed & SIP4XX_MAL_HEADER_LINE);
    char said[256];
    sip4xx_say_malformed(said, sizeof said, SIP4XX_MAL_HEADER_LINE, 0);
    g_assert_null(strstr(said, "without a colon"));
    g_assert_nonnull(strstr(said, "token"));

    m = parse_str("SIP/2.0 400 Bad\r\nVia: x\r\n", FALSE);
    g_assert_true(m.malformed & SIP4XX_MAL_NO_END);

    m = parse_str("SIP/2.0 400 Bad\r\nContent-Length: ten\r\n\r\n", FALSE);
    g_assert_true(m.malformed & SIP4XX_MAL_CONTENT_LENGTH);

    m = parse_str("SIP/2.0 400 Bad\r\nContent-Length: 99999999999\r\n\r\n", FALSE);
    g_assert_true(m.malformed & SIP4XX_MAL_CONTENT_LENGTH);

    m = parse_str("SIP/2.0 400 Bad\r\nContent-Length: 50\r\n\r\nshort", FALSE);
    g_assert_true(m.malformed & SIP4XX_MAL_BODY_SHORT);
    g_assert_cmpuint(m.msg_len, ==, strlen("SIP/2.0 400 Bad\r\nContent-Length: 50\r\n\r\nshort"));

    m = parse_str("SIP/2.0 400 Bad\r\nCSeq: INVITE\r\n\r\n", FALSE);
    g_assert_true(m.malformed & SIP4XX_MAL_CSEQ);

    m = parse_str("SIP/2.0 400 Bad\r\nTo:\r\n\r\n", FALSE);
    g_assert_true(m.malformed & SIP4XX_MAL_EMPTY_VALUE);

    m = parse_str("INVITE  SIP/2.0\r\n\r\n", FALSE);
    g_assert_true(m.malformed & SIP4XX_MAL_START_LINE);
}

/* RFC 3261 sets no limit on the number of header lines: 3000 extension
 * headers after the mandatory ones are read through, not flagged. */
static void test_many_header_lines(void)
{
    GString *s = g_string_new("SIP/2.0 400 Bad\r\nVia: x\r\n");
    for (int i = 0; i < 3000; i++)
        g_string_append(s, "X-a: b\r\n");
    g_string_append(s, "Allow: INVITE\r\n\r\n");
    sip4xx_msg_t m = { 0 };
    m.stream_transport = FALSE;
    sip4xx_parse((const uint8_t *)s->str, s->len, &m);
    g_assert_cmpuint(m.malformed, ==, 0);
    g_assert_true(sip4xx_msg_has(&m, SIP4XX_H_ALLOW));
    g_assert_cmpuint(m.header_len, ==, s->len);
    g_string_free(s, TRUE);
}

/* Framing: two messages in one stream buffer; no Content-Length. */
static void test_stream_framing(void)
{
    const char *two = "SIP/2.0 100 Trying\r\nContent-Length: 0\r\n\r\nSIP/2.0 486 Busy Here\r\n\r\n";
    sip4xx_msg_t m = { 0 };
    m.stream_transport = TRUE;
    uint32_t used = sip4xx_parse((const uint8_t *)two, strlen(two), &m);
    g_assert_cmpuint(used, ==, strlen("SIP/2.0 100 Trying\r\nContent-Length: 0\r\n\r\n"));
    m.stream_transport = TRUE;
    used = sip4xx_parse((const uint8_t *)two + used, strlen(two) - used, &m);
    g_assert_cmpuint(m.code, ==, 486);
    g_assert_false(m.has_content_length);
    g_assert_cmpuint(used, ==, strlen("SIP/2.0 486 Busy Here\r\n\r\n"));
}

static void test_empty_and_nul(void)
{
    sip4xx_msg_t m = { 0 };
    m.stream_transport = FALSE;
    g_assert_cmpuint(sip4xx_parse((const uint8_t *)"", 0, &m), ==, 0);
    g_assert_true(m.malformed & SIP4XX_MAL_START_LINE);
    static const uint8_t nul[] = "SIP/2.0 400 Bad\r\nVi\0a: x\r\n\r\n";
    sip4xx_parse(nul, sizeof nul - 1, &m);
    g_assert_true(m.malformed & SIP4XX_MAL_HEADER_LINE);
}

/* Every occurrence, folded lines joined, compact forms included. */
static void test_next_value(void)
{
    const char *msg =
        "SIP/2.0 405 Method Not Allowed\r\n"
        "Allow: INVITE\r\n"
        "Subject: x\r\n"
        "allow : ACK,\r\n"
        " BYE\r\n"
        "\r\n";
    sip4xx_msg_t m = parse_str(msg, FALSE);
    uint32_t cur = 0;
    sip4xx_span_t v;
    g_assert_true(sip4xx_next_value(&m, SIP4XX_H_ALLOW, &cur, &v));
    g_assert_true(span_is(v, "INVITE"));
    g_assert_true(sip4xx_next_value(&m, SIP4XX_H_ALLOW, &cur, &v));
    g_assert_true(v.len > 4 && memcmp(v.ptr, "ACK,", 4) == 0 && v.ptr[v.len - 1] == 'E');
    g_assert_false(sip4xx_next_value(&m, SIP4XX_H_ALLOW, &cur, &v));
    cur = 0;
    g_assert_false(sip4xx_next_value(&m, SIP4XX_H_VIA, &cur, &v));
}

/* The walk starts at the first occurrence's line (parse.c first_line_of):
 * one whose value is only on a folded line, bare LF line ends, and an
 * empty value are still found, in order. */
static void test_next_value_first_line(void)
{
    const char *msg =
        "SIP/2.0 401 Unauthorized\n"
        "Via: SIP/2.0/UDP h\n"
        "WWW-Authenticate:\n"
        " \n"
        "  Digest realm=\"a\"\n"
        "Subject: x\n"
        "WWW-Authenticate: Digest realm=\"b\"\n"
        "Allow:\n"
        "\n";
    sip4xx_msg_t m = parse_str(msg, FALSE);
    uint32_t cur = 0;
    sip4xx_span_t v;
    g_assert_true(sip4xx_next_value(&m, SIP4XX_H_WWW_AUTHENTICATE, &cur, &v));
    g_assert_true(span_is(v, "Digest realm=\"a\""));
    g_assert_true(sip4xx_next_value(&m, SIP4XX_H_WWW_AUTHENTICATE, &cur, &v));
    g_assert_true(span_is(v, "Digest realm=\"b\""));
    g_assert_false(sip4xx_next_value(&m, SIP4XX_H_WWW_AUTHENTICATE, &cur, &v));
    cur = 0;
    g_assert_true(sip4xx_next_value(&m, SIP4XX_H_ALLOW, &cur, &v));
    g_assert_cmpuint(v.len, ==, 0);
    g_assert_false(sip4xx_next_value(&m, SIP4XX_H_ALLOW, &cur, &v));
}

static void test_header_lookup(void)
{
    g_assert_cmpint(sip4xx_header_lookup("call-id", 7), ==, SIP4XX_H_CALL_ID);
    g_assert_cmpint(sip4xx_header_lookup("I", 1), ==, SIP4XX_H_CALL_ID);
    g_assert_cmpint(sip4xx_header_lookup("x", 1), ==, SIP4XX_H_SESSION_EXPIRES);
    g_assert_cmpint(sip4xx_header_lookup("X-Foo", 5), ==, SIP4XX_H__COUNT);
    /* Case folding touches letters only: CR | 0x20 is '-', yet no match. */
    g_assert_cmpint(sip4xx_header_lookup("Call\rID", 7), ==, SIP4XX_H__COUNT);
    g_assert_cmpint(sip4xx_header_lookup("Proxy-Authorization", 19), ==, SIP4XX_H_PROXY_AUTHORIZATION);
    g_assert_cmpint(sip4xx_header_lookup("Proxy\rAuthorization", 19), ==, SIP4XX_H__COUNT);
    g_assert_cmpint(sip4xx_header_lookup("Proxy-Authorizatio\r", 19), ==, SIP4XX_H__COUNT);
    g_assert_cmpstr(sip4xx_header_name(SIP4XX_H_MIN_SE), ==, "Min-SE");

    /* The fast lookup agrees with the full scan: every name in upper and
     * lower case, and names that are near misses. */
    for (unsigned id = 0; id < SIP4XX_H__COUNT; id++) {
        const char *name = sip4xx_header_name(id);
        gchar *up = g_ascii_strup(name, -1), *down = g_ascii_strdown(name, -1);
        g_assert_cmpint(sip4xx_header_lookup(up, strlen(up)), ==, id);
        g_assert_cmpint(sip4xx_header_lookup(down, strlen(down)), ==, id);
        /* One byte wrong, at each place: the compare reads names in
         * overlapping words (headers.c same_lower_name), each must count. */
        size_t len = strlen(down);
        for (size_t k = 0; k < len; k++) {
            char keep = down[k];
            down[k] = keep == 'q' ? 'z' : 'q';
            if (len > 1)
                g_assert_cmpint(sip4xx_header_lookup(down, len), ==, SIP4XX_H__COUNT);
            g_assert_cmpint(sip4xx_header_lookup(down, len), ==, sip4xx_header_scan(down, len));
            down[k] = keep;
        }
        g_free(up);
        g_free(down);
    }
    GRand *rng = g_rand_new_with_seed(4);
    for (int i = 0; i < 20000; i++) {
        char buf[24];
        size_t n = (size_t)g_rand_int_range(rng, 0, (gint32)sizeof buf);
        for (size_t k = 0; k < n; k++)
            buf[k] = "ACEFILMSTVXaceilmstvx-"[g_rand_int_range(rng, 0, 22)];
        g_assert_cmpint(sip4xx_header_lookup(buf, n), ==, sip4xx_header_scan(buf, n));
    }
    g_rand_free(rng);
}

/* Whether a message has a body (RFC 3261 §20.15 asks Content-Type of
 * one): what Content-Length declares; without it, on a datagram, the
 * bytes after the empty line ("If the message has no Content-Length
 * header field, the message body is assumed to end at the end of the
 * transport packet", §18.3), padding of line ends aside; on a stream, a
 * message without Content-Length has none that can be told. */
static void test_has_body(void)
{
    const char *head = "MESSAGE sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                       "From: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\n"
                       "Max-Forwards: 70\r\n";
    struct {
        const char *rest;
        gboolean stream, body;
    } cases[] = {
        { "Content-Length: 5\r\n\r\nhello", FALSE, TRUE },
        { "Content-Length: 5\r\n\r\nhello", TRUE, TRUE },
        { "Content-Length: 0\r\n\r\n", FALSE, FALSE },
        { "Content-Length: 0\r\n\r\n", TRUE, FALSE },
        { "l: 2\r\n\r\nhi", FALSE, TRUE },
        { "\r\nhello", FALSE, TRUE },                 /* no Content-Length, datagram */
        { "\r\n", FALSE, FALSE },
        { "\r\n\r\n \t\r\n", FALSE, FALSE },           /* padding only */
        { "\r\nhello", TRUE, FALSE },                  /* a stream: ends at the empty line */
        { "Content-Length: 5\r\n", FALSE, FALSE },     /* no empty line: no body */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        gchar *msg = g_strconcat(head, cases[i].rest, NULL);
        sip4xx_msg_t m = parse_str(msg, cases[i].stream);
        if (sip4xx_msg_has_body(&m) != cases[i].body)
            g_error("case %zu: has a body: %d", i, sip4xx_msg_has_body(&m));
        g_free(msg);
    }
}

/* Bytes that were not captured are not evidence. A message cut before the
 * end of its header section (snaplen, a lost segment) is `truncated`: its
 * last, partial line is ignored, and nothing is malformed for lacking its
 * end. The same bytes without `cut` are malformed (RFC 3261 §7). */
static sip4xx_msg_t parse_cut(const char *s)
{
    sip4xx_msg_t m = { 0 };
    m.cut = TRUE;
    sip4xx_parse((const uint8_t *)s, strlen(s), &m);
    return m;
}

static void test_cut(void)
{
    const char *cut_in_headers = "SIP/2.0 405 Method Not Allowed\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCon";
    sip4xx_msg_t m = parse_cut(cut_in_headers);
    g_assert_cmpint(m.kind, ==, SIP4XX_MSG_RESPONSE);
    g_assert_cmpuint(m.code, ==, 405);
    g_assert_true(m.truncated);
    g_assert_cmpuint(m.malformed, ==, 0);            /* "Con" has no colon: cut, not malformed */
    g_assert_true(sip4xx_msg_has(&m, SIP4XX_H_VIA));

    m = parse_str(cut_in_headers, FALSE);
    g_assert_false(m.truncated);
    g_assert_true(m.malformed & SIP4XX_MAL_NO_END);
    g_assert_true(m.malformed & SIP4XX_MAL_HEADER_LINE);

    /* A value cut mid-way is not read: "Content-Length: 1" of "12". */
    m = parse_cut("SIP/2.0 486 Busy Here\r\nContent-Length: 1");
    g_assert_true(m.truncated);
    g_assert_false(sip4xx_msg_has(&m, SIP4XX_H_CONTENT_LENGTH));

    /* Cut inside the start line: nothing to say, not even malformed. */
    m = parse_cut("INVITE sip:bob@exa");
    g_assert_cmpint(m.kind, ==, SIP4XX_MSG_UNPARSED);
    g_assert_true(m.truncated);
    g_assert_cmpuint(m.malformed, ==, 0);

    /* Header section whole, body cut: body_cut, not BODY_SHORT (§18.3). */
    m = parse_cut("SIP/2.0 488 Not Acceptable Here\r\nContent-Length: 50\r\n\r\nv=0\r\n");
    g_assert_false(m.truncated);
    g_assert_true(m.body_cut);
    g_assert_cmpuint(m.malformed, ==, 0);
}

/* RFC 3261 §7: lines end in CRLF (bare LF is tolerated, §7.5). A message
 * whose lines end in CR alone is malformed once, its code is still read,
 * and its header lines are not (so nothing is called missing). */
static void test_bare_cr(void)
{
    sip4xx_msg_t m = parse_str("SIP/2.0 486 Busy Here\rVia: SIP/2.0/UDP h;branch=z9hG4bK1\rFrom: <sip:a@h>;tag=1\r"
                               "To: <sip:b@h>;tag=2\rCall-ID: x\rCSeq: 1 INVITE\r\r", FALSE);
    g_assert_cmpint(m.kind, ==, SIP4XX_MSG_RESPONSE);
    g_assert_cmpuint(m.code, ==, 486);
    g_assert_true(span_is(m.reason, "Busy Here"));
    g_assert_cmpuint(m.malformed, ==, SIP4XX_MAL_BARE_CR);
    g_assert_cmpuint(m.present, ==, 0);
}

/* RFC 3261 §25.1: Reason-Phrase and Request-URI hold no control byte but
 * HTAB. A NUL in the status line is malformed; the code is still read. */
static void test_start_line_control(void)
{
    static const char nul[] = "SIP/2.0 486 Busy\0Here\r\nCSeq: 1 INVITE\r\n\r\n";
    sip4xx_msg_t m = { 0 };
    sip4xx_parse((const uint8_t *)nul, sizeof nul - 1, &m);
    g_assert_cmpuint(m.code, ==, 486);
    g_assert_true(m.malformed & SIP4XX_MAL_START_CTL);
    g_assert_true(sip4xx_msg_has(&m, SIP4XX_H_CSEQ));

    m = parse_str("SIP/2.0 486 Busy\tHere\r\n\r\n", FALSE);
    g_assert_cmpuint(m.malformed, ==, 0);
}

/* RFC 3261 §7.3.1: several rows of one header only where its value is a
 * comma-separated list (and the four authentication headers). */
static void test_duplicate_headers(void)
{
    sip4xx_msg_t m = parse_str("SIP/2.0 404 Not Found\r\nTo: <sip:b@h>;tag=1\r\nt: <sip:c@h>;tag=2\r\n\r\n", FALSE);
    g_assert_true(m.malformed & SIP4XX_MAL_DUPLICATE);
    g_assert_cmpuint(m.duplicate, ==, SIP4XX_H_TO);
    m = parse_str("SIP/2.0 404 Not Found\r\nCall-ID: a\r\nCSeq: 1 INVITE\r\nCSeq: 2 INVITE\r\n\r\n", FALSE);
    g_assert_cmpuint(m.duplicate, ==, SIP4XX_H_CSEQ);
    m = parse_str("SIP/2.0 404 Not Found\r\nContent-Length: 0\r\nl: 0\r\n\r\n", FALSE);
    g_assert_cmpuint(m.duplicate, ==, SIP4XX_H_CONTENT_LENGTH);
    /* Lists may repeat; so may the authentication headers. */
    m = parse_str("SIP/2.0 401 Unauthorized\r\nVia: a\r\nVia: b\r\nAllow: INVITE\r\nAllow: BYE\r\n"
                  "WWW-Authenticate: Digest realm=\"a\"\r\nWWW-Authenticate: Digest realm=\"b\"\r\n"
                  "Supported: timer\r\nSupported: 100rel\r\n\r\n", FALSE);
    g_assert_cmpuint(m.malformed, ==, 0);
}

/* What is not SIP is not malformed SIP: a segment that continues a
 * message, or HTTP on port 5060. */
static void test_looks_like_sip(void)
{
    static const struct { const char *text; gboolean sip; } cases[] = {
        { "SIP/2.0 486 Busy Here\r\n", TRUE },
        { "sip/2.0 4xx Bad\r\n", TRUE },                    /* a broken status line is still an attempt */
        { "INVITE sip:bob@example.com SIP/2.0\r\n", TRUE },
        { "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n", FALSE },
        { "GET / HTTP/1.1\r\nHost: x\r\n", FALSE },
        { "a=rtpmap:0 PCMU/8000\r\nm=audio 49170 RTP/AVP 0\r\n", FALSE },
        { "Max-Forwards: 70\r\nCSeq: 1 INVITE\r\n", FALSE },  /* the middle of a header section */
        { "SIP/", FALSE },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
        g_assert_cmpint(sip4xx_looks_like_sip((const uint8_t *)cases[i].text, strlen(cases[i].text)), ==,
                        cases[i].sip);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/parse/response", test_response_basic);
    g_test_add_func("/parse/request", test_request_basic);
    g_test_add_func("/parse/valid-forms", test_valid_forms);
    g_test_add_func("/parse/to-tag-inside-uri", test_to_tag_inside_uri);
    g_test_add_func("/parse/malformed", test_malformed);
    g_test_add_func("/parse/many-header-lines", test_many_header_lines);
    g_test_add_func("/parse/stream-framing", test_stream_framing);
    g_test_add_func("/parse/empty-and-nul", test_empty_and_nul);
    g_test_add_func("/parse/header-lookup", test_header_lookup);
    g_test_add_func("/parse/next-value", test_next_value);
    g_test_add_func("/parse/next-value-first-line", test_next_value_first_line);
    g_test_add_func("/parse/has-body", test_has_body);
    g_test_add_func("/parse/cut", test_cut);
    g_test_add_func("/parse/bare-cr", test_bare_cr);
    g_test_add_func("/parse/start-line-control", test_start_line_control);
    g_test_add_func("/parse/duplicate-headers", test_duplicate_headers);
    g_test_add_func("/parse/looks-like-sip", test_looks_like_sip);
    return g_test_run();
}
