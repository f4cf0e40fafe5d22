/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of what users read: wire text made safe to show
 * (plugin/core/text.c) and the sentences of plugin/core/sentences.c.
 *
 * Wireshark cuts an item label at ITEM_LABEL_LENGTH (240 bytes with the
 * NUL) and shows "[truncated]": every sentence, and every field label
 * ("Advice: " + advice), must fit. */
#include <glib.h>
#include <string.h>

#include "sip4xx/sentences.h"
#include "sip4xx/text.h"

static void test_clean(void)
{
    char out[64];
    /* Valid UTF-8 is kept, as is. */
    sip4xx_text_clean(out, sizeof out, "N\xc3\xa3o encontrado", 15);
    g_assert_cmpstr(out, ==, "N\xc3\xa3o encontrado");
    /* 0xFF, a stray continuation byte, an overlong form, a surrogate and a
     * NUL are each one '?'; HTAB is a space. */
    static const char bad[] = "a\xff" "b\x80" "c\xc0\xaf" "d\xed\xa0\x80" "e\0f\tg";
    sip4xx_text_clean(out, sizeof out, bad, sizeof bad - 1);
    g_assert_cmpstr(out, ==, "a?b?c??d???e?f g");
    g_assert_true(g_utf8_validate(out, -1, NULL));
    /* A character that does not fit whole is left out, never split. */
    sip4xx_text_clean(out, 3, "a\xc3\xa3", 3);
    g_assert_cmpstr(out, ==, "a");
    /* Cut sequence at the end of the input. */
    sip4xx_text_clean(out, sizeof out, "a\xe2\x82", 3);
    g_assert_cmpstr(out, ==, "a??");
}

/* Short texts (a method, a URI scheme, a media type) are copied in one
 * step when every byte is printable: at every length up to 24 and every
 * room, with a control byte at each place or none, the copy is the plain
 * definition's (printable bytes as they are, HTAB a space, other controls
 * '?', as many as fit before the NUL). */
static void test_clean_short(void)
{
    char in[24], out[32], want[32];
    for (size_t n = 0; n <= sizeof in; n++) {
        for (size_t bad = 0; bad <= n; bad++) {           /* bad == n: none */
            for (size_t i = 0; i < n; i++)
                in[i] = (char)('A' + (i * 7) % 58);       /* 'A'..'z', '[', '`' and the like */
            if (bad < n)
                in[bad] = bad % 3 == 0 ? '\t' : bad % 3 == 1 ? '\x01' : '\x7f';
            for (size_t cap = 1; cap <= sizeof out; cap++) {
                size_t w = 0;
                for (size_t i = 0; i < n && w + 1 < cap; i++) {
                    uint8_t c = (uint8_t)in[i];
                    want[w++] = c >= 0x20 && c < 0x7f ? (char)c : c == '\t' ? ' ' : '?';
                }
                want[w] = '\0';
                memset(out, 'x', sizeof out);
                size_t got = sip4xx_text_clean(out, cap, in, n);
                g_assert_cmpstr(out, ==, want);
                g_assert_cmpuint(got, ==, w);
            }
        }
    }
}

/* The word-at-a-time scan agrees with the plain definition (the first
 * ';' or LWS byte) wherever the terminator sits, with bytes around it that
 * the word tests must not take for one: other controls, '!', high bytes. */
static void test_param_value_end(void)
{
    const char stops[] = { ';', ' ', '\t', '\r', '\n' };
    const char decoys[] = { 'a', '\x01', '\x0b', '\x1f', '!', '<', '\x80', '\xff' };
    char buf[40];
    for (size_t d = 0; d < sizeof decoys; d++) {
        for (size_t s = 0; s < sizeof stops; s++) {
            for (size_t at = 0; at <= sizeof buf; at++) {
                memset(buf, decoys[d], sizeof buf);
                if (at < sizeof buf)
                    buf[at] = stops[s];
                for (size_t from = 0; from < 9; from++) {
                    const char *want = buf + (at < from ? sizeof buf : at);
                    if (at < from)
                        for (want = buf + from; want < buf + sizeof buf && *want != ';' && !sip4xx_is_lws(*want);)
                            want++;
                    g_assert_true(sip4xx_param_value_end(buf + from, buf + sizeof buf) == want);
                }
            }
        }
    }
}

static void assert_fits(const char *prefix, const char *text)
{
    gsize n = strlen(prefix) + strlen(text);
    if (n > SIP4XX_LABEL_MAX)
        g_error("%zu bytes, over a Wireshark label: %s%s", (size_t)n, prefix, text);
    g_assert_true(g_utf8_validate(text, -1, NULL));
}

/* Every static text, behind the longest field name it is shown under. */
static void test_every_text_fits(void)
{
    char text[512];
    for (unsigned code = 400; code <= 499; code++) {
        sip4xx_say_explained(text, sizeof text, code);
        assert_fits("", text);
        const sip4xx_code_t *row = sip4xx_code_lookup(code);
        if (!row) {
            sip4xx_say_unregistered(text, sizeof text, code);
            assert_fits("", text);
            row = sip4xx_code_fallback(code);
        }
        assert_fits("Meaning: ", row->meaning);
        assert_fits("Advice: ", row->advice);
        if (row->advice_without)
            assert_fits("Advice: ", row->advice_without);
    }
    for (size_t i = 0; i < sip4xx_rules_count; i++) {
        sip4xx_say_missing(text, sizeof text, &sip4xx_rules[i]);
        assert_fits("", text);
        sip4xx_say_missing_value(text, sizeof text, &sip4xx_rules[i]);
        assert_fits("Missing header: ", text);
    }
    for (size_t i = 0; i < sip4xx_malformed_bits_count; i++) {
        sip4xx_say_malformed(text, sizeof text, sip4xx_malformed_bits[i], SIP4XX_H_ACCEPT_RESOURCE_PRIORITY);
        g_assert_cmpstr(text, !=, "");
        assert_fits("", text);
    }
}

/* Sentences built from wire values end at a word, with "...", and leave
 * room for the prefix they are shown behind ("Cause: ", "Reaction to the
 * 4xx in frame N: "). */
static void test_say_cuts_at_a_word(void)
{
    char out[320];
    GString *long_list = g_string_new("");
    for (int i = 0; i < 40; i++)
        g_string_append_printf(long_list, "%soption-tag-%d", i ? ", " : "", i);
    sip4xx_say(out, sizeof out, "the server requires %s", long_list->str);
    g_assert_cmpuint(strlen(out), <=, SIP4XX_SENTENCE_MAX);
    g_assert_true(g_str_has_suffix(out, "..."));
    /* The cut falls after a whole item: what precedes "..." is a separator. */
    char before = out[strlen(out) - 4];
    g_assert_true(before == ',' || before == ' ' || g_ascii_isdigit(before));
    g_string_free(long_list, TRUE);
    sip4xx_say(out, sizeof out, "short %d", 1);
    g_assert_cmpstr(out, ==, "short 1");
}

/* The advice of a 4xx that lacks the header its advice relies on says so;
 * a header past a capture's cut is unknown, not absent. */
static void test_advice_without_header(void)
{
    const sip4xx_code_t *row = sip4xx_code_lookup(405);
    sip4xx_msg_t m = { 0 };
    m.kind = SIP4XX_MSG_RESPONSE;
    m.code = 405;
    g_assert_true(sip4xx_code_advice(row, &m) == row->advice_without);
    g_assert_nonnull(strstr(row->advice_without, "Allow"));
    m.present = SIP4XX_HBIT(ALLOW);
    g_assert_true(sip4xx_code_advice(row, &m) == row->advice);
    m.present = 0;
    m.truncated = true;
    g_assert_true(sip4xx_code_advice(row, &m) == row->advice);

    /* Every code whose advice names a header of the response has the
     * other sentence, and it names that header. */
    static const struct { unsigned code; const char *header; } relies[] = {
        { 401, "WWW-Authenticate" }, { 405, "Allow" }, { 407, "Proxy-Authenticate" }, { 415, "Accept" },
        { 417, "Accept-Resource-Priority" }, { 420, "Unsupported" }, { 421, "Require" }, { 422, "Min-SE" },
        { 423, "Min-Expires" }, { 424, "Geolocation-Error" }, { 425, "AlertMsg-Error" }, { 469, "Recv-Info" },
        { 470, "Permission-Missing" }, { 489, "Allow-Events" }, { 494, "Security-Server" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(relies); i++) {
        row = sip4xx_code_lookup(relies[i].code);
        g_assert_nonnull(row->advice_without);
        g_assert_nonnull(strstr(row->advice_without, relies[i].header));
        g_assert_cmpuint(row->advice_needs, !=, 0);
    }
}

/* RFC 3261 §8.1.3.2: an unregistered 4xx is handled as 400, and its words
 * say it is unregistered instead of claiming 400's meaning. */
static void test_unregistered_words(void)
{
    const sip4xx_code_t *row = sip4xx_code_fallback(477);
    const sip4xx_code_t *bad_request = sip4xx_code_lookup(400);
    g_assert_cmpuint(row->code, ==, 400);
    g_assert_cmpint(row->action, ==, bad_request->action);
    g_assert_cmpstr(row->meaning, !=, bad_request->meaning);
    g_assert_nonnull(strstr(row->meaning, "registered"));
    g_assert_nonnull(strstr(row->advice, "400"));
    g_assert_cmpstr(row->section, ==, "8.1.3.2");
    char text[256];
    sip4xx_say_explained(text, sizeof text, 477);
    g_assert_true(g_str_has_prefix(text, "477 (unregistered)"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/text/clean", test_clean);
    g_test_add_func("/text/clean-short", test_clean_short);
    g_test_add_func("/text/param-value-end", test_param_value_end);
    g_test_add_func("/sentences/every-text-fits", test_every_text_fits);
    g_test_add_func("/sentences/say-cuts-at-a-word", test_say_cuts_at_a_word);
    g_test_add_func("/sentences/advice-without-header", test_advice_without_header);
    g_test_add_func("/sentences/unregistered", test_unregistered_words);
    return g_test_run();
}
