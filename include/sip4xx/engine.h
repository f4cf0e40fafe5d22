/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the exchange engine: what the messages around a 4xx show.
 *
 * One parsed message at a time, with its capture time and where it is
 * (frame, ordinal): the engine links a response to its request (RFC 3261
 * §17.1.3), names the cause the request shows, judges the client's next
 * attempt after a 4xx, notices a second final response in one
 * transaction (§17.2.1, §17.2.2), and tells the caller which earlier
 * message gains a link. It keeps open transactions, 4xx waiting for a
 * retry and a little per-call context, and frees each when the RFC 3261
 * timers (T1 = 500 ms) say its client would have given up. Every table is
 * bounded by the limits given at creation.
 *
 * Pure C over the caller's allocator: Wireshark's file-scope wmem in the
 * plugin, malloc in the unit tests and the fuzzers. Nothing here knows
 * about Wireshark.
 */
#ifndef SIP4XX_ENGINE_H
#define SIP4XX_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip4xx/model.h"
#include "sip4xx/txn.h"

typedef struct {
    void *(*alloc)(void *ctx, size_t size);   /* never NULL; need not be zeroed */
    void (*free)(void *ctx, void *p);
    void *ctx;
} sip4xx_allocator_t;

/* Capture time. Arithmetic saturates and compares all 64 bits of the
 * seconds: a frame stamped in 2106 or near 2^63 s neither wraps nor
 * rewinds the clock. */
typedef struct {
    int64_t secs;
    int32_t nsecs;      /* 0 .. 999,999,999 */
} sip4xx_time_t;

typedef struct {
    uint32_t max_open_per_call;   /* unanswered transactions kept per Call-ID */
    uint32_t max_open_total;      /* unanswered transactions plus 4xx waiting for a retry */
    uint32_t max_dialogs;         /* live dialogs whose Call-ID owner is kept (RFC 3261 §14.1) */
} sip4xx_limits_t;

/* Where a message is, as the caller knows it; given back in links. */
typedef struct {
    uint32_t frame;
    uint16_t ordinal;   /* among the frame's SIP messages */
    uint32_t start, len;
} sip4xx_msg_ref_t;

/* What an earlier message gains from this one. */
typedef struct {
    sip4xx_msg_ref_t ref;
    bool is_request;            /* the earlier message is a request (to make its record) */
    uint32_t response_in;       /* the 4xx that answered it, or 0 */
    uint32_t retry_in;          /* the client's next attempt after it (a 4xx), or 0 */
    uint8_t verdict;            /* with retry_in: sip4xx_verdict_t */
    const char *verdict_text;
} sip4xx_backlink_t;

/* Outcome flags. */
#define SIP4XX_OUT_NO_REQUEST   0x01u   /* a 4xx that matches no open transaction */
#define SIP4XX_OUT_STATE_LIMIT  0x02u   /* not tracked: a limit was reached */
#define SIP4XX_OUT_CAUSE_WARN   0x04u   /* the cause is itself a protocol problem */
#define SIP4XX_OUT_RETRANSMIT   0x08u   /* a retransmission of an earlier message */
#define SIP4XX_OUT_SECOND_FINAL 0x40u   /* a different final response in a transaction that had one */

/* What the engine says about one message. Strings live as long as the
 * engine. */
typedef struct {
    uint8_t flags;              /* SIP4XX_OUT_* */
    uint32_t request_in;        /* a response: its request's frame */
    sip4xx_time_t delta;        /* from that request */
    uint32_t first_final_in;    /* a second final response: the transaction's first */
    uint8_t cause_class;        /* sip4xx_cause_class_t */
    const char *cause;
    uint32_t retry_of;          /* a request: the 4xx it reacts to */
    uint8_t verdict;            /* sip4xx_verdict_t */
    const char *verdict_text;
    unsigned n_backlinks;
    sip4xx_backlink_t backlinks[2];
} sip4xx_outcome_t;

typedef struct sip4xx_engine sip4xx_engine_t;

/* NULL if the allocator fails. */
sip4xx_engine_t *sip4xx_engine_new(const sip4xx_allocator_t *a, const sip4xx_limits_t *limits);
/* Frees everything the engine holds (the caller may instead drop a whole
 * allocator scope, as Wireshark's file scope does). */
void sip4xx_engine_free(sip4xx_engine_t *e);

/* Correlate message m (parsed by sip4xx_parse; n_missing: how many rules
 * it failed), seen at `now`, at `ref`. Messages come in capture order,
 * each once. req: a request's summary as sip4xx_parse_summarize made it
 * in the parse's walk, or NULL (the engine then walks m for it); its
 * missing_rules is taken from n_missing. The engine keeps no pointer
 * into m or req. */
void sip4xx_engine_track(sip4xx_engine_t *e, const sip4xx_msg_t *m, const sip4xx_req_summary_t *req,
                         size_t n_missing, sip4xx_time_t now, sip4xx_msg_ref_t ref, sip4xx_outcome_t *out);

/* Whether response m answers an open transaction whose request was sent
 * outside a dialog (no To tag): what makes its 101-299 response establish
 * one (RFC 3261 §12.1). False when that request is unknown. Ask before
 * sip4xx_engine_track of the same message. */
bool sip4xx_engine_request_out_of_dialog(const sip4xx_engine_t *e, const sip4xx_msg_t *m, uint32_t frame);

/* What the engine holds now, and the most it held. */
typedef struct {
    size_t calls, transactions, reactions, expiries, texts;
    uint32_t open_now, open_peak, dialogs;
} sip4xx_engine_stats_t;

void sip4xx_engine_stats(const sip4xx_engine_t *e, sip4xx_engine_stats_t *out);

/* Saturating time helpers, for the caller and the tests. */
int sip4xx_time_cmp(sip4xx_time_t a, sip4xx_time_t b);
sip4xx_time_t sip4xx_time_sub(sip4xx_time_t a, sip4xx_time_t b);   /* a - b, saturated */
sip4xx_time_t sip4xx_time_add_secs(sip4xx_time_t a, int64_t secs); /* saturated */
int64_t sip4xx_time_ms(sip4xx_time_t d);                           /* saturated */

#endif
