/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — libFuzzer harness over the pure core: bytes -> sip4xx_parse ->
 * sip4xx_check_msg, on datagram and on stream framing.
 *
 * Then every reader of the model: the header walkers (sip4xx_next_header,
 * sip4xx_next_value), the keys and summaries of txn.h, and the exchange
 * logic (causes, verdicts) over consecutive messages, whose text goes into
 * exact-size heap buffers down to one byte, so a write past cap is an
 * ASan report.
 *
 * Every span the parser returns is read byte by byte, so a span that points
 * outside the input is an ASan report here rather than a silent over-read in
 * tshark. The model's own invariants (model.h) are checked with abort():
 * libFuzzer and the replay runner both count an abort as a crash.
 *
 * Built two ways (tests/fuzz/CMakeLists.txt): with clang -fsanitize=fuzzer
 * when SIP4XX_FUZZ=ON, and with replay_main.c in the normal build, where
 * ctest replays tests/fuzz/corpus/ through it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip4xx/checks.h"
#include "sip4xx/model.h"
#include "sip4xx/spec.h"
#include "sip4xx/text.h"
#include "sip4xx/txn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps the sums alive so the reads are not optimised away. */
static volatile unsigned sink;

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "CHECK failed: line %d\n", __LINE__); abort(); } } while (0)

static unsigned touch(sip4xx_span_t s, const uint8_t *data, size_t size)
{
    unsigned sum = 0;
    if (s.len == 0)
        return 0;
    /* A non-empty span lies inside the caller's buffer (model.h). */
    CHECK(s.ptr != NULL);
    CHECK((const uint8_t *)s.ptr >= data);
    CHECK((size_t)((const uint8_t *)s.ptr - data) + s.len <= size);
    for (uint32_t i = 0; i < s.len; i++)
        sum += (unsigned char)s.ptr[i];
    return sum;
}

static bool key_as_invite(const sip4xx_msg_t *m, uint64_t *key)
{
    return sip4xx_txn_key_as(m, "INVITE", key);
}

/* The keys of txn.h: whatever the input, they compute (or decline) and
 * read only inside it. */
typedef bool (*key_fn)(const sip4xx_msg_t *m, uint64_t *key);

static unsigned txn_helpers(const sip4xx_msg_t *m, size_t n_missing)
{
    static const key_fn fns[] = { sip4xx_txn_key, key_as_invite, sip4xx_retry_key,
                                  sip4xx_call_key, sip4xx_from_tag_key };
    unsigned sum = 0;
    bool has[5];
    uint64_t keys[5];
    for (size_t f = 0; f < sizeof fns / sizeof fns[0]; f++) {
        keys[f] = 0;
        has[f] = fns[f](m, &keys[f]);
        if (has[f])
            sum += (unsigned)(keys[f] >> 32) ^ (unsigned)keys[f];
    }
    /* All keys at once (the From tag read once) agree with each alone. */
    sip4xx_keys_t all;
    sip4xx_keys_of(m, &all);
    CHECK(all.has_txn == has[0] && (!has[0] || all.txn == keys[0]));
    CHECK(all.has_retry == has[2] && (!has[2] || all.retry == keys[2]));
    CHECK(all.has_call == has[3] && (!has[3] || all.call == keys[3]));
    CHECK(all.has_from_tag == has[4] && (!has[4] || all.from_tag == keys[4]));
    if (m->kind == SIP4XX_MSG_REQUEST) {
        sip4xx_req_summary_t *req = malloc(sizeof *req);
        CHECK(req != NULL);
        sip4xx_summarize_request(m, n_missing, req);
        /* From the bytes in one pass (the parse's own walk), the same
         * summary and the same model; an ACK's summary is not made (the
         * bytes stay as they were). */
        sip4xx_req_summary_t *from_raw = malloc(sizeof *from_raw);
        CHECK(from_raw != NULL);
        memset(from_raw, 0x5a, sizeof *from_raw);
        sip4xx_msg_t again;
        memset(&again, 0, sizeof again);
        again.stream_transport = m->stream_transport;
        again.cut = m->cut;
        CHECK(sip4xx_parse_summarize((const uint8_t *)m->raw.ptr, m->raw.len, &again, from_raw) == m->msg_len);
        CHECK(again.kind == m->kind && again.present == m->present && again.malformed == m->malformed);
        if (sip4xx_span_is(m->method, "ACK")) {
            CHECK(from_raw->fingerprint == 0x5a5a5a5a5a5a5a5aull);
        } else {
            from_raw->missing_rules = (uint32_t)n_missing;
            CHECK(memcmp(req, from_raw, sizeof *req) == 0);
        }
        /* What an open transaction keeps gives the summary back: all of it
         * but the realm texts, when it fits the budget; otherwise every
         * text is a prefix of the original, or a prefix and "...". */
        uint8_t packed[SIP4XX_PACKED_MAX];
        size_t plen = sip4xx_req_pack(req, packed);
        CHECK(plen >= 13 && plen <= SIP4XX_PACKED_MAX);
        sip4xx_req_unpack(packed, plen, from_raw);
        CHECK(from_raw->fingerprint == req->fingerprint && from_raw->auth_fingerprint == req->auth_fingerprint);
        CHECK(from_raw->uri_len == req->uri_len && from_raw->body_len == req->body_len);
        CHECK(from_raw->malformed == req->malformed && from_raw->defects == req->defects);
        CHECK(from_raw->in_dialog == req->in_dialog && from_raw->incomplete == req->incomplete);
        CHECK(from_raw->has_expires == req->has_expires && from_raw->expires == req->expires);
        CHECK(from_raw->has_contact_expires == req->has_contact_expires &&
              from_raw->contact_expires == req->contact_expires);
        CHECK(from_raw->has_session_expires == req->has_session_expires &&
              from_raw->session_expires == req->session_expires);
        CHECK(from_raw->has_max_forwards == req->has_max_forwards && from_raw->max_forwards == req->max_forwards);
        const sip4xx_realms_t *rk[] = { &from_raw->auth_realms, &from_raw->proxy_auth_realms };
        const sip4xx_realms_t *ro[] = { &req->auth_realms, &req->proxy_auth_realms };
        for (size_t k = 0; k < 2; k++) {
            CHECK(rk[k]->n == (ro[k]->n < SIP4XX_PACKED_REALMS ? ro[k]->n : SIP4XX_PACKED_REALMS));
            CHECK(memcmp(rk[k]->hash, ro[k]->hash, rk[k]->n * sizeof rk[k]->hash[0]) == 0);
        }
        const char *kept[] = { from_raw->method, from_raw->uri_scheme, from_raw->content_type.s,
                               from_raw->supported.s, from_raw->require.s, from_raw->proxy_require.s,
                               from_raw->content_encoding.s, from_raw->content_language.s };
        const char *orig[] = { req->method, req->uri_scheme, req->content_type.s, req->supported.s,
                               req->require.s, req->proxy_require.s, req->content_encoding.s,
                               req->content_language.s };
        for (size_t k = 0; k < sizeof kept / sizeof kept[0]; k++) {
            size_t n = strlen(kept[k]);
            if (n >= 3 && strcmp(kept[k] + n - 3, "...") == 0 && strcmp(kept[k], orig[k]) != 0)
                n -= 3;
            CHECK(strncmp(kept[k], orig[k], n) == 0);
        }
        free(from_raw);
        CHECK(memchr(req->method, '\0', sizeof req->method) != NULL);
        CHECK(memchr(req->uri_scheme, '\0', sizeof req->uri_scheme) != NULL);
        const sip4xx_list_t *lists[] = { &req->content_type, &req->content_encoding,
                                         &req->content_language, &req->require,
                                         &req->proxy_require, &req->supported,
                                         &req->auth_realms.text, &req->proxy_auth_realms.text };
        for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
            CHECK(memchr(lists[k]->s, '\0', sizeof lists[k]->s) != NULL);
            sum += (unsigned)strlen(lists[k]->s);
        }
        free(req);
    } else if (m->kind == SIP4XX_MSG_RESPONSE) {
        sip4xx_resp_summary_t *resp = malloc(sizeof *resp);
        CHECK(resp != NULL);
        sip4xx_summarize_response(m, resp);
        const sip4xx_list_t *lists[] = { &resp->realms.text, &resp->unsupported, &resp->accept };
        for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++) {
            CHECK(memchr(lists[k]->s, '\0', sizeof lists[k]->s) != NULL);
            sum += (unsigned)strlen(lists[k]->s);
        }
        free(resp);
    }
    return sum;
}

static uint32_t one(const uint8_t *data, size_t size, bool stream, bool cut)
{
    sip4xx_msg_t m = { 0 };
    memset(&m, 0xA5, sizeof m);          /* parse must overwrite everything but the inputs */
    m.stream_transport = stream;
    m.cut = cut;
    uint32_t used = sip4xx_parse(data, size, &m);

    CHECK(m.stream_transport == stream && m.cut == cut);
    /* Bytes not captured are never evidence: a cut message is not
     * malformed for lacking its end, and is checked for nothing it lacks. */
    CHECK(!cut || !(m.malformed & (SIP4XX_MAL_NO_END | SIP4XX_MAL_BODY_SHORT)));
    CHECK(!m.truncated || cut);
    CHECK(used == m.msg_len);
    CHECK(m.header_len <= size);
    CHECK(m.msg_len >= m.header_len && m.msg_len <= size);
    CHECK(m.kind == SIP4XX_MSG_UNPARSED || m.kind == SIP4XX_MSG_REQUEST ||
          m.kind == SIP4XX_MSG_RESPONSE);
    CHECK(m.kind != SIP4XX_MSG_RESPONSE || (m.code >= 100 && m.code <= 999));
    CHECK(m.kind != SIP4XX_MSG_UNPARSED || (m.malformed & SIP4XX_MAL_START_LINE) || m.truncated);
    CHECK(!(m.malformed & SIP4XX_MAL_BARE_CR) || m.present == 0);
    CHECK(m.present >> SIP4XX_H__COUNT == 0 || SIP4XX_H__COUNT == 64);

    unsigned sum = touch(m.method, data, size) + touch(m.request_uri, data, size) +
                   touch(m.reason, data, size) + touch(m.cseq_method, data, size);
    for (unsigned id = 0; id < SIP4XX_H__COUNT; id++) {
        bool has = sip4xx_msg_has(&m, (sip4xx_header_id_t)id);
        if (has)
            sum += touch(m.value[id], data, size);
        else
            CHECK(m.value[id].len == 0);
        sum += sip4xx_span_eq_ci(m.value[id], "INVITE");
    }

    /* raw is the whole input; header_len and msg_len lie inside it. */
    CHECK(m.raw.len == 0 || ((const uint8_t *)m.raw.ptr == data && m.raw.len <= size));
    sum += touch(m.raw, data, size);

    /* Every header line: the cursor moves forward, spans stay inside. */
    uint32_t cursor = 0, prev = 0, lines = 0;
    sip4xx_span_t name, value;
    sip4xx_header_id_t walked;
    while (sip4xx_next_header_id(&m, &cursor, &name, &value, &walked)) {
        CHECK(cursor > prev && cursor <= size);
        CHECK(name.len > 0);
        /* The fast lookup agrees with the plain scan on every name seen. */
        CHECK(walked == sip4xx_header_scan(name.ptr, name.len));
        CHECK(walked == sip4xx_header_lookup(name.ptr, name.len));
        prev = cursor;
        sum += touch(name, data, size) + touch(value, data, size);
        CHECK(++lines <= size);
    }
    for (unsigned id = 0; id < SIP4XX_H__COUNT; id++) {
        uint32_t n_values = 0;
        cursor = prev = 0;
        while (sip4xx_next_value(&m, (sip4xx_header_id_t)id, &cursor, &value)) {
            CHECK(cursor > prev && cursor <= size);
            prev = cursor;
            sum += touch(value, data, size);
            CHECK(++n_values <= size);
        }
        /* A header the parser saw is found again by the walker. */
        CHECK(sip4xx_msg_has(&m, (sip4xx_header_id_t)id) == (n_values > 0));
    }

    sip4xx_finding_t found[SIP4XX_MAX_FINDINGS];
    size_t n = sip4xx_check_msg(&m, found, SIP4XX_MAX_FINDINGS);
    CHECK(!m.truncated || n == 0);
    CHECK(n <= sip4xx_rules_count);
    for (size_t k = 0; k < n && k < SIP4XX_MAX_FINDINGS; k++) {
        CHECK(found[k].rule < sip4xx_rules_count);
        CHECK(sip4xx_rule_applies(&sip4xx_rules[found[k].rule], &m));
        sum += found[k].rule;
    }
    /* What the render layer looks up for a response. */
    if (m.kind == SIP4XX_MSG_RESPONSE) {
        const sip4xx_code_t *row = sip4xx_code_lookup(m.code);
        if (!row)
            row = sip4xx_code_fallback(m.code);
        if (row) {
            CHECK(row->code >= 400 && row->code <= 499);
            sum += (unsigned)strlen(row->reason) + sip4xx_span_eq_ci(m.reason, row->reason);
        }
    }
    sum += txn_helpers(&m, n);
    sink += sum;
    return used;
}

/* The exchange logic over consecutive messages of a stream: each response
 * is explained against the request before it, each request after a
 * response is judged as a retry. Output buffers of several sizes, down to
 * one byte, must come back NUL-terminated. */
static void exchange(const uint8_t *data, size_t size)
{
    static const size_t caps[] = { 1, 17, 320 };
    sip4xx_req_summary_t req, now;
    sip4xx_resp_summary_t resp;
    bool have_req = false, have_resp = false;
    size_t off = 0;
    for (unsigned round = 0; off < size && round < 64; round++) {
        sip4xx_msg_t m = { 0 };
        m.stream_transport = true;
        uint32_t used = sip4xx_parse(data + off, size - off, &m);
        if (m.kind == SIP4XX_MSG_REQUEST) {
            sip4xx_summarize_request(&m, round & 3, &now);
            if (have_req && have_resp) {
                for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
                    char *out = malloc(caps[c]);
                    CHECK(out != NULL);
                    sip4xx_attempt_t at;
                    sip4xx_attempt_of(&req, &at);
                    sip4xx_verdict_t v = sip4xx_judge_retry(&at, &resp, &now, (int64_t)(round * 700) - 500,
                                                            (int)(round % 3) - 1, (round & 4) != 0, out,
                                                            caps[c]);
                    CHECK(memchr(out, '\0', caps[c]) != NULL);
                    sink += (unsigned)v + (unsigned)sip4xx_verdict_is_violation(v);
                    free(out);
                }
            }
            req = now;
            have_req = true;
            have_resp = false;
        } else if (m.kind == SIP4XX_MSG_RESPONSE) {
            sip4xx_cause_ctx_t ctx = { .have_request = have_req, .terminator_frame = round & 1 ? 7 : 0,
                                       .terminator_method = "CANCEL", .glare_frame = round & 2 ? 9 : 0,
                                       .cancel_without_target = (round & 4) != 0 };
            for (size_t c = 0; c < sizeof caps / sizeof caps[0]; c++) {
                char *out = malloc(caps[c]);
                bool warn;
                CHECK(out != NULL);
                sip4xx_cause_class_t k = sip4xx_explain_cause(have_req ? &req : NULL, &m, &ctx, out, caps[c], &warn);
                CHECK(memchr(out, '\0', caps[c]) != NULL);
                sink += (unsigned)k + (unsigned)strlen(sip4xx_cause_label(k));
                free(out);
            }
            sip4xx_summarize_response(&m, &resp);
            have_resp = true;
        }
        if (used == 0)
            break;
        off += used;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(data, size, false, false);
    /* The same bytes as the captured part of a longer message. */
    one(data, size, false, true);
    exchange(data, size);
    /* On a stream, several messages follow one another (RFC 3261 §18.3):
     * parse on from where each one ends, as a TCP segment would be read.
     * Each round consumes at least one byte, so this ends. */
    size_t off = 0;
    while (off < size) {
        uint32_t used = one(data + off, size - off, true, false);
        if (used == 0)
            break;
        off += used;
    }
    if (size == 0)
        one(data, 0, true, false);
    return 0;
}
