/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — per-code behaviour as rows: what in the exchange shows why a
 * code was sent, and what a client's next attempt must change. The table
 * (plugin/spec/behaviour.c) names one cause function and one verdict
 * function per code; plugin/core/causes.c and verdicts.c hold them and
 * the dispatch. Private to the core. */
#ifndef SIP4XX_BEHAVIOUR_H
#define SIP4XX_BEHAVIOUR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip4xx/txn.h"

typedef struct {
    const sip4xx_req_summary_t *req;    /* NULL: the request is not in the capture */
    bool whole;                         /* req and the response were both captured whole */
    const sip4xx_msg_t *resp;
    const sip4xx_resp_summary_t *rs;
    const sip4xx_cause_ctx_t *ctx;
    char *out;
    size_t cap;
    bool *warn;
} sip4xx_cause_args_t;

typedef struct {
    const sip4xx_attempt_t *orig;
    const sip4xx_resp_summary_t *resp;
    const sip4xx_req_summary_t *retry;
    int64_t gap_ms;
    int call_id_owner;
    bool cseq_kept;               /* the retry is a new transaction in the same call whose CSeq
                                     is not above the refused request's */
    char *out;
    size_t cap;
} sip4xx_verdict_args_t;

/* A cause function returns SIP4XX_CAUSE_NONE where the exchange does not
 * show a cause; a verdict function returns SIP4XX_VERDICT_NONE where the
 * code asks nothing particular, and the general rule of RFC 3261 §21.4
 * (no unmodified retry) judges. */
typedef sip4xx_cause_class_t (*sip4xx_cause_fn)(const sip4xx_cause_args_t *a);
typedef sip4xx_verdict_t (*sip4xx_verdict_fn)(const sip4xx_verdict_args_t *a);

typedef struct {
    uint16_t code;
    sip4xx_cause_fn cause;        /* NULL: no cause is read for the code */
    bool needs_whole;             /* the cause is read from both messages' headers */
    sip4xx_verdict_fn verdict;    /* NULL: the general rule only */
    bool cseq_must_rise;          /* a retry MUST raise the CSeq: one that does not is judged
                                     (by the verdict function); for other codes it is no retry */
    const char *ref;              /* where the behaviour rests, as users read it */
} sip4xx_behaviour_t;

extern const sip4xx_behaviour_t sip4xx_behaviours[];
extern const size_t sip4xx_behaviours_count;
const sip4xx_behaviour_t *sip4xx_behaviour_lookup(unsigned code);

/* Cause functions (causes.c). */
sip4xx_cause_class_t sip4xx_cause_request_broken(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_challenge(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_method_not_allowed(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_body_too_large(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_uri_too_long(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_media_not_accepted(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_uri_scheme(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_extension_unsupported(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_extension_required(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_session_too_small(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_expires_too_brief(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_no_transaction(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_max_forwards(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_terminated(const sip4xx_cause_args_t *a);
sip4xx_cause_class_t sip4xx_cause_glare(const sip4xx_cause_args_t *a);

/* Verdict functions (verdicts.c). */
sip4xx_verdict_t sip4xx_verdict_challenge(const sip4xx_verdict_args_t *a);
sip4xx_verdict_t sip4xx_verdict_media(const sip4xx_verdict_args_t *a);
sip4xx_verdict_t sip4xx_verdict_extension(const sip4xx_verdict_args_t *a);
sip4xx_verdict_t sip4xx_verdict_session_interval(const sip4xx_verdict_args_t *a);
sip4xx_verdict_t sip4xx_verdict_expiry(const sip4xx_verdict_args_t *a);
sip4xx_verdict_t sip4xx_verdict_back_off(const sip4xx_verdict_args_t *a);
sip4xx_verdict_t sip4xx_verdict_forbidden(const sip4xx_verdict_args_t *a);

#endif
