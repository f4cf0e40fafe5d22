/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the pure core's per-message work, without tshark: what the
 * Wireshark layer's examine() asks of the core for each SIP message
 * (parse with the request summary, checks, advice, exchange engine), over
 * the messages of a capture, in capture order.
 *
 *   core_bench MESSAGES [ROUNDS]
 *   core_bench --names MESSAGES
 *
 * MESSAGES is what core_messages.sh writes: one message per line,
 * "frame<TAB>epoch seconds<TAB>payload in hex". Prints how many messages,
 * requests, 4xx and findings it saw and a checksum of every outcome, so
 * that two builds can be shown to decide the same; run it under
 * `valgrind --tool=callgrind` for the instructions of each part, line by
 * line. ROUNDS (default 1) repeats the whole file, each round on a fresh
 * engine.
 *
 * --names runs instead names_only() below over the messages: not sip4xx's
 * analysis but the least of it, a lower bound for any analysis that reads
 * the bytes (tests/bench/README.md, "The floor of the analysis").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip4xx/checks.h"
#include "sip4xx/engine.h"
#include "sip4xx/model.h"
#include "sip4xx/sentences.h"
#include "sip4xx/spec.h"
#include "sip4xx/txn.h"

#include "spec/header_index.h"

typedef struct {
    uint32_t frame;
    sip4xx_time_t when;
    uint8_t *bytes;
    size_t len;
} message_t;

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static message_t *read_messages(const char *path, size_t *count)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    size_t cap = 1024, n = 0, line_cap = 0;
    message_t *msgs = malloc(cap * sizeof *msgs);
    char *line = NULL;
    ssize_t got;
    while ((got = getline(&line, &line_cap, f)) > 0) {
        char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
        if (!tab2)
            continue;
        if (n == cap)
            msgs = realloc(msgs, (cap *= 2) * sizeof *msgs);
        message_t *m = &msgs[n];
        m->frame = (uint32_t)strtoul(line, NULL, 10);
        double t = strtod(tab1 + 1, NULL);
        m->when.secs = (int64_t)t;
        m->when.nsecs = (int32_t)((t - (double)m->when.secs) * 1e9);
        const char *h = tab2 + 1;
        size_t hex_len = strcspn(h, "\r\n");
        m->bytes = malloc(hex_len / 2 + 1);
        m->len = 0;
        for (size_t i = 0; i + 1 < hex_len; i += 2) {
            int hi = hex_digit(h[i]), lo = hex_digit(h[i + 1]);
            if (hi < 0 || lo < 0)
                break;
            m->bytes[m->len++] = (uint8_t)(hi << 4 | lo);
        }
        n++;
    }
    free(line);
    fclose(f);
    *count = n;
    return msgs;
}

static void *heap_alloc(void *ctx, size_t size)
{
    (void)ctx;
    void *p = malloc(size ? size : 1);
    if (!p)
        abort();
    return p;
}

static void heap_free(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001b3ull;
}

static uint64_t mix_text(uint64_t h, const char *s)
{
    for (; s && *s; s++)
        h = mix(h, (uint8_t)*s);
    return h;
}

/* The least a reader of the bytes must do before it can say that a
 * message lacks a header: find every header line and tell its name. Each
 * line's end and its colon are found with memchr, the name is looked up
 * with the parser's own inline lookup, and the headers seen are kept as a
 * bit set: no value is read, nothing is checked or tracked, folded and
 * malformed lines are passed over. */
static __attribute__((noinline)) uint64_t names_only(const uint8_t *bytes, size_t size)
{
    const char *p = (const char *)bytes, *end = p + size;
    uint64_t present = 0;
    const char *lf = memchr(p, '\n', size);   /* past the start line */
    while (lf && lf + 1 < end) {
        const char *line = lf + 1;
        lf = memchr(line, '\n', (size_t)(end - line));
        const char *stop = lf ? lf : end;
        if (stop == line || (stop == line + 1 && *line == '\r'))
            break;   /* the empty line: the end of the header section */
        const char *colon = memchr(line, ':', (size_t)(stop - line));
        if (!colon)
            continue;
        size_t n = (size_t)(colon - line);
        while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
            n--;
        sip4xx_header_id_t id = sip4xx_header_find(line, n);
        if (id < SIP4XX_H__COUNT)
            present |= (uint64_t)1 << id;
    }
    return present;
}

static int names_main(const char *path)
{
    size_t n;
    message_t *msgs = read_messages(path, &n);
    uint64_t sum = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++)
        sum = mix(sum, names_only(msgs[i].bytes, msgs[i].len));
    printf("%zu messages: names only; checksum %016llx\n", n, (unsigned long long)sum);
    for (size_t i = 0; i < n; i++)
        free(msgs[i].bytes);
    free(msgs);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--names") == 0)
        return names_main(argv[2]);
    if (argc < 2) {
        fprintf(stderr, "usage: %s MESSAGES [ROUNDS] | --names MESSAGES\n", argv[0]);
        return 2;
    }
    size_t n;
    message_t *msgs = read_messages(argv[1], &n);
    int rounds = argc > 2 ? atoi(argv[2]) : 1;
    const sip4xx_allocator_t heap = { heap_alloc, heap_free, NULL };
    const sip4xx_limits_t limits = { 32, 200000, 10000 };   /* the plugin's defaults */
    unsigned long requests = 0, fours = 0, findings = 0;
    uint64_t sum = 14695981039346656037ull;

    for (int round = 0; round < rounds; round++) {
        sip4xx_engine_t *e = sip4xx_engine_new(&heap, &limits);
        for (size_t i = 0; i < n; i++) {
            /* As examine() does, for a message alone in its frame. */
            sip4xx_msg_t m;
            sip4xx_req_summary_t req;
            sip4xx_finding_t found[SIP4XX_MAX_FINDINGS];
            m.stream_transport = false;
            m.cut = false;
            uint32_t used = sip4xx_parse_summarize(msgs[i].bytes, msgs[i].len, &m, &req);
            if (sip4xx_needs_dialog_context(&m))
                m.request_out_of_dialog = sip4xx_engine_request_out_of_dialog(e, &m, msgs[i].frame);
            size_t n_found = sip4xx_check_msg(&m, found, SIP4XX_MAX_FINDINGS);
            if (n_found > SIP4XX_MAX_FINDINGS)
                n_found = SIP4XX_MAX_FINDINGS;
            req.missing_rules = (uint32_t)n_found;
            if (sip4xx_msg_is_4xx(&m)) {
                const sip4xx_code_t *row = sip4xx_code_lookup(m.code);
                sum = mix(sum, (uint64_t)sip4xx_code_advice_lacks(row ? row : sip4xx_code_fallback(m.code), &m));
                fours++;
            }
            sip4xx_msg_ref_t ref = { msgs[i].frame, 0, 0, used };
            sip4xx_outcome_t out;
            sip4xx_engine_track(e, &m, &req, n_found, msgs[i].when, ref, &out);

            requests += m.kind == SIP4XX_MSG_REQUEST;
            findings += n_found;
            sum = mix(sum, used);
            sum = mix(sum, m.malformed);
            for (size_t k = 0; k < n_found; k++)
                sum = mix(sum, found[k].rule);
            sum = mix(sum, out.flags);
            sum = mix(sum, out.request_in);
            sum = mix(sum, out.first_final_in);
            sum = mix(sum, out.cause_class);
            sum = mix_text(sum, out.cause);
            sum = mix(sum, out.retry_of);
            sum = mix(sum, out.verdict);
            sum = mix_text(sum, out.verdict_text);
            for (unsigned b = 0; b < out.n_backlinks; b++)
                sum = mix(mix(mix(sum, out.backlinks[b].ref.frame), out.backlinks[b].response_in),
                          out.backlinks[b].retry_in);
        }
        sip4xx_engine_free(e);
    }
    printf("%zu messages x %d: %lu requests, %lu 4xx, %lu findings; checksum %016llx\n", n, rounds,
           requests, fours, findings, (unsigned long long)sum);
    for (size_t i = 0; i < n; i++)
        free(msgs[i].bytes);
    free(msgs);
    return 0;
}
