/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — what a 4xx says about the exchange around it: the transaction
 * key that links a response to its request (RFC 3261 §17.1.3), the cause
 * the request shows, and whether the client's next request followed the
 * RFC. Pure C over the model; the Wireshark layer keeps the state.
 *
 * Summaries are fixed-size copies (no pointers into packet bytes), so what
 * is kept per open transaction is bounded and its size is known:
 * sizeof(sip4xx_req_summary_t).
 */
#ifndef SIP4XX_TXN_H
#define SIP4XX_TXN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip4xx/model.h"

/* Bounded text copies; longer values are cut and marked truncated. */
#define SIP4XX_TOKEN_MAX 24
#define SIP4XX_LIST_MAX  96

typedef struct {
    char s[SIP4XX_LIST_MAX];
    bool truncated;
} sip4xx_list_t;

/* Realms of challenges or credentials. A realm may be of any length
 * (RFC 3261 §25.1 realm = quoted-string): realms compare by hash, so a
 * long one still matches; the text is for display and may be cut. */
#define SIP4XX_REALMS_MAX 4
typedef struct {
    uint64_t hash[SIP4XX_REALMS_MAX];
    uint8_t n;
    bool more;                         /* more than SIP4XX_REALMS_MAX distinct realms */
    sip4xx_list_t text;
} sip4xx_realms_t;

typedef struct {
    char method[SIP4XX_TOKEN_MAX];
    char uri_scheme[SIP4XX_TOKEN_MAX];
    uint32_t uri_len;
    bool in_dialog;                    /* To carried a tag */
    uint32_t body_len;
    sip4xx_list_t content_type, content_encoding, content_language;
    sip4xx_list_t require, proxy_require, supported;
    bool has_session_expires;  uint32_t session_expires;
    bool has_expires;          uint32_t expires;          /* Expires header */
    bool has_contact_expires;  uint32_t contact_expires;  /* smallest ;expires= on Contact */
    bool has_max_forwards;     uint32_t max_forwards;
    sip4xx_realms_t auth_realms, proxy_auth_realms;       /* realms with credentials */
    uint64_t auth_fingerprint;         /* hash of Authorization + Proxy-Authorization values */
    uint64_t fingerprint;              /* hash of the request minus what a retry must change */
    unsigned malformed;                /* sip4xx_malformed_t of the request */
    unsigned defects;                  /* SIP4XX_DEFECT_* found while summarising */
    uint32_t missing_rules;            /* how many obligations the request missed */
    bool incomplete;                   /* the request was not captured whole: what it lacks
                                          is unknown, so it shows no cause */
} sip4xx_req_summary_t;

/* Request defects a 400 may be about that are not framing errors: values
 * that break a header's grammar, and the CSeq/method rule. */
#define SIP4XX_DEFECT_CSEQ_METHOD   0x1u  /* CSeq method differs from the method (RFC 3261 §8.1.1.5) */
#define SIP4XX_DEFECT_EXPIRES       0x2u  /* Expires is not delta-seconds (RFC 3261 §20.19) */
#define SIP4XX_DEFECT_MAX_FORWARDS  0x4u  /* Max-Forwards is not 1*DIGIT (RFC 3261 §20.22) */

/* What a retry is compared with: the refused request, reduced to what
 * sip4xx_judge_retry reads. Kept per 4xx until the client's next attempt. */
typedef struct {
    uint64_t fingerprint;
    uint64_t auth_fingerprint;
    bool had_auth, had_proxy_auth;
} sip4xx_attempt_t;

void sip4xx_attempt_of(const sip4xx_req_summary_t *req, sip4xx_attempt_t *out);

/* What a 4xx response asks of the next request; kept until that request
 * arrives. */
typedef struct {
    uint16_t code;
    sip4xx_realms_t realms;            /* challenged realms (401/407) */
    bool stale;                        /* a challenge with stale=true */
    bool has_min_expires;  uint32_t min_expires;
    bool has_min_se;       uint32_t min_se;
    sip4xx_list_t unsupported;         /* 420 */
    sip4xx_list_t accept;              /* 415 */
} sip4xx_resp_summary_t;

/* Keys are 64-bit hashes (a multiply-xorshift mix, eight bytes a step) of
 * the parts named below, so the state maps compare integers and nothing is
 * formatted per message. Two
 * different transactions share a key with probability about n^2 / 2^65:
 * negligible at capture sizes.
 *
 * Transaction key of a message: the top Via branch and the CSeq method
 * when the branch carries the RFC 3261 magic cookie (§8.1.1.7, §17.1.3);
 * otherwise the RFC 2543 way: Call-ID, From tag, CSeq number and method
 * (§17.1.3 last paragraph). ACK to a non-2xx shares the INVITE's branch
 * and so matches it by method "INVITE". Returns false when the message
 * lacks what a key needs. */
bool sip4xx_txn_key(const sip4xx_msg_t *m, uint64_t *key);

/* Key of the transaction of method `method` sharing m's branch: a CANCEL
 * names its INVITE this way. */
bool sip4xx_txn_key_as(const sip4xx_msg_t *m, const char *method, uint64_t *key);

/* Key that groups a client's successive attempts at the same request:
 * Call-ID, From tag and method; REGISTER by its address of record (To URI)
 * since RFC 3261 §10.2 only says a UA SHOULD keep the Call-ID. On a
 * response, the key of the request it answers. */
bool sip4xx_retry_key(const sip4xx_msg_t *m, uint64_t *key);

/* Hashes of the Call-ID and of the From tag; false without one. */
bool sip4xx_call_key(const sip4xx_msg_t *m, uint64_t *key);
bool sip4xx_from_tag_key(const sip4xx_msg_t *m, uint64_t *key);
/* Hash of the To tag; false without one. The parse read it (to_tag,
 * to_tag_value) with the same name-addr parameter parser as the From tag. */
bool sip4xx_to_tag_key(const sip4xx_msg_t *m, uint64_t *key);

/* The keys above of one message, as the Wireshark layer takes them: the
 * transaction and call keys at once, the retry and From-tag keys only when
 * asked (most messages never need them), the From tag read at most once.
 * Each has_* says whether the key function would have returned true; the
 * value is then the same. m must outlive k. */
typedef struct {
    bool read, found;
    sip4xx_span_t tag;
} sip4xx_tag_cache_t;

typedef struct {
    const sip4xx_msg_t *m;
    bool has_txn, has_call;
    uint64_t txn, call;
    bool retry_done, has_retry, from_tag_done, has_from_tag;
    uint64_t retry, from_tag;
    sip4xx_tag_cache_t tag;
} sip4xx_keys_t;

void sip4xx_keys_init(const sip4xx_msg_t *m, sip4xx_keys_t *k);
bool sip4xx_keys_retry(sip4xx_keys_t *k, uint64_t *key);
bool sip4xx_keys_from_tag(sip4xx_keys_t *k, uint64_t *key);
/* All four at once (tests and the fuzzer compare them with each alone). */
void sip4xx_keys_of(const sip4xx_msg_t *m, sip4xx_keys_t *k);

void sip4xx_summarize_request(const sip4xx_msg_t *m, size_t n_missing, sip4xx_req_summary_t *out);
/* sip4xx_parse (stream_transport and cut set in *m by the caller) that
 * also summarises a request in the same pass: the walk the summary needs
 * is the parse's own. On a request, *s is what sip4xx_summarize_request
 * with n_missing 0 gives (the checks, which count the missing rules, come
 * after the parse: set s->missing_rules then); on an ACK (which opens no
 * transaction, RFC 3261 §17.1.1.3) and on anything else, *s is not
 * written. Returns what sip4xx_parse would. */
uint32_t sip4xx_parse_summarize(const uint8_t *buf, size_t len, sip4xx_msg_t *m, sip4xx_req_summary_t *s);
void sip4xx_summarize_response(const sip4xx_msg_t *m, sip4xx_resp_summary_t *out);

/* A request summary packed for keeping while its transaction is open:
 * only the parts the request has (about 20 bytes for an OPTIONS without
 * lists, 60 for an INVITE with a body type and Supported), at most
 * SIP4XX_PACKED_MAX. sip4xx_req_unpack gives back the summary, with these
 * losses, none of which a cause reads:
 *   - the texts of the realms (a cause names the response's realms; the
 *     request's compare by hash), and hashes past SIP4XX_PACKED_REALMS
 *     per header kind (`more` is set then);
 *   - missing_rules past 255 (read as "some");
 *   - text past the budget: the texts are kept in the order method,
 *     Request-URI scheme, Content-Type, Supported, Require, Proxy-Require,
 *     Content-Encoding, Content-Language, and the first that does not fit
 *     whole is cut with "..." (its list marked truncated, as a list longer
 *     than SIP4XX_LIST_MAX is), the rest left empty.
 * The budget is what keeps an open transaction within 256 bytes, all
 * included (engine.c). */
#define SIP4XX_PACKED_MAX 112
#define SIP4XX_PACKED_REALMS 2
size_t sip4xx_req_pack(const sip4xx_req_summary_t *s, uint8_t out[SIP4XX_PACKED_MAX]);
void sip4xx_req_unpack(const uint8_t *p, size_t n, sip4xx_req_summary_t *out);

/* What the state around a 4xx shows, filled by the caller from its maps. */
typedef struct {
    bool have_request;
    uint32_t terminator_frame;     /* CANCEL (or BYE) that ended the request, 0 if none seen */
    const char *terminator_method;
    uint32_t glare_frame;          /* the other side's in-dialog request that was pending when
                                      this request arrived (RFC 3261 §14.2), 0 if none */
    bool cancel_without_target;    /* a CANCEL whose INVITE is not in the capture */
} sip4xx_cause_ctx_t;

/* Cause classes, for statistics and filters (sip4xx.cause_class). */
#define SIP4XX_CAUSE_LIST(X)                                                     \
    X(NONE,                 0, "No cause found in the request")                  \
    X(REQUEST_BROKEN,       1, "Request malformed or lacking mandatory headers") \
    X(FIRST_CHALLENGE,      2, "First challenge: request had no credentials")    \
    X(CREDENTIALS_REJECTED, 3, "Credentials for the realm were rejected")        \
    X(STALE_NONCE,          4, "Stale nonce")                                    \
    X(METHOD_NOT_ALLOWED,   5, "Method not in Allow")                            \
    X(METHOD_IN_ALLOW,      6, "Method listed in Allow yet refused")             \
    X(BODY_TOO_LARGE,       7, "Body size")                                      \
    X(URI_TOO_LONG,         8, "Request-URI length")                             \
    X(MEDIA_NOT_ACCEPTED,   9, "Body type/encoding/language not accepted")       \
    X(URI_SCHEME,          10, "Request-URI scheme")                             \
    X(EXTENSION_UNSUPPORTED, 11, "Required extension unsupported")               \
    X(EXTENSION_REQUIRED,  12, "Extension required but not supported by client") \
    X(SESSION_TOO_SMALL,   13, "Session-Expires below Min-SE")                   \
    X(EXPIRES_TOO_BRIEF,   14, "Expiry below Min-Expires")                       \
    X(MAX_FORWARDS,        15, "Max-Forwards exhausted")                         \
    X(TERMINATED,          16, "Request ended by CANCEL/BYE")                    \
    X(CANCEL_TERMINATED,   17, "487 sent to a CANCEL")                           \
    X(NO_TRANSACTION,      18, "No matching dialog or transaction")              \
    X(GLARE,               19, "Glare: both sides sent requests")

typedef enum {
#define SIP4XX_X_CAUSE(id, val, text) SIP4XX_CAUSE_##id = val,
    SIP4XX_CAUSE_LIST(SIP4XX_X_CAUSE)
#undef SIP4XX_X_CAUSE
} sip4xx_cause_class_t;

const char *sip4xx_cause_label(sip4xx_cause_class_t c);

/* Explain why the server refused the request: a sentence naming the values
 * into out (NUL-terminated, cut to cap), and its class. warn is set when
 * the cause is itself worth a warning (487 to a CANCEL; 405 to a method it
 * lists in Allow). */
sip4xx_cause_class_t sip4xx_explain_cause(const sip4xx_req_summary_t *req, const sip4xx_msg_t *resp,
                                          const sip4xx_cause_ctx_t *ctx, char *out, size_t cap,
                                          bool *warn);
/* The same, with resp's summary (sip4xx_summarize_response) already made:
 * the plugin keeps that summary for the retry anyway. */
sip4xx_cause_class_t sip4xx_explain_cause_with(const sip4xx_req_summary_t *req, const sip4xx_msg_t *resp,
                                               const sip4xx_resp_summary_t *rs, const sip4xx_cause_ctx_t *ctx,
                                               char *out, size_t cap, bool *warn);

/* The client's reaction to a 4xx, judged on its next request of the same
 * kind. */
#define SIP4XX_VERDICT_LIST(X)                                                               \
    X(NONE,                0, "No later request of the same kind")                           \
    X(FOLLOWED,            1, "Followed the RFC")                                            \
    X(UNMODIFIED,          2, "Retried without modification")                                \
    X(SAME_CREDENTIALS,    3, "Retried with the credentials already rejected")               \
    X(NO_CREDENTIALS,      4, "Retried without credentials for the challenged realm")        \
    X(STILL_TOO_BRIEF,     5, "Retry still below Min-Expires")                               \
    X(STILL_TOO_SMALL,     6, "Retry Session-Expires still below Min-SE")                    \
    X(STILL_UNSUPPORTED,   7, "Retry still requires the unsupported extension")              \
    X(STILL_UNACCEPTED,    8, "Retry body still of a type not accepted")                     \
    X(NO_BACKOFF,          9, "Retried before the back-off of RFC 3261 §14.1")               \
    X(REPEATED_FORBIDDEN, 10, "Repeated a request refused with 403")                         \
    X(CSEQ_NOT_INCREMENTED, 11, "Retried with credentials without incrementing CSeq")

typedef enum {
#define SIP4XX_X_VERDICT(id, val, text) SIP4XX_VERDICT_##id = val,
    SIP4XX_VERDICT_LIST(SIP4XX_X_VERDICT)
#undef SIP4XX_X_VERDICT
} sip4xx_verdict_t;

const char *sip4xx_verdict_label(sip4xx_verdict_t v);

/* Judge a retry. orig: the refused request; resp: the 4xx; retry: the next
 * request of the same kind; gap_ms: time from the 4xx to the retry;
 * call_id_owner: the retrying side generated the Call-ID (RFC 3261 §14.1),
 * -1 if unknown; cseq_kept: the retry is a new transaction in the same call
 * whose CSeq is not above the refused request's, judged only for the codes
 * whose behaviour row says a retry MUST raise it (SIP4XX_VERDICT_NONE for
 * the others: no retry to judge). Writes a sentence into out. */
sip4xx_verdict_t sip4xx_judge_retry(const sip4xx_attempt_t *orig, const sip4xx_resp_summary_t *resp,
                                    const sip4xx_req_summary_t *retry, int64_t gap_ms, int call_id_owner,
                                    bool cseq_kept, char *out, size_t cap);

/* Does the verdict break the RFC (an expert warning)? */
bool sip4xx_verdict_is_violation(sip4xx_verdict_t v);

#endif
