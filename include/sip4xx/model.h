/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — a plain C model of ONE SIP message.
 *
 * The model holds only what the checks and the correlation need. Text is
 * kept as spans into the caller's buffer (never copied, never
 * NUL-terminated), so the model lives exactly as long as that buffer.
 * Nothing here knows about Wireshark.
 */
#ifndef SIP4XX_MODEL_H
#define SIP4XX_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip4xx/headers.h"

typedef struct {
    const char *ptr;
    uint32_t len;
} sip4xx_span_t;

typedef enum {
    SIP4XX_MSG_UNPARSED = 0, /* no start line could be read */
    SIP4XX_MSG_REQUEST,
    SIP4XX_MSG_RESPONSE,
} sip4xx_msg_kind_t;

/* What made the parser unhappy. Several may be set at once. */
typedef enum {
    SIP4XX_MAL_START_LINE     = 1u << 0, /* neither a Request-Line nor a Status-Line (RFC 3261 §7.1, §7.2) */
    SIP4XX_MAL_HEADER_LINE    = 1u << 1, /* a header line without a colon, or whose name is not a token
                                            (RFC 3261 §7.3.1, §25.1 header-name = token) */
    SIP4XX_MAL_NO_END         = 1u << 2, /* no empty line ends the header section (RFC 3261 §7) */
    SIP4XX_MAL_CONTENT_LENGTH = 1u << 3, /* Content-Length is not a number (RFC 3261 §20.14) */
    SIP4XX_MAL_BODY_SHORT     = 1u << 4, /* fewer body bytes than Content-Length (RFC 3261 §18.3) */
    SIP4XX_MAL_CSEQ           = 1u << 5, /* CSeq is not "number method" with a number below 2^31
                                            (RFC 3261 §8.1.1.5, §20.16) */
    SIP4XX_MAL_EMPTY_VALUE    = 1u << 6, /* a mandatory header with an empty value (RFC 3261 §25.1 grammar) */
    SIP4XX_MAL_BARE_CR        = 1u << 7, /* lines end in CR alone, not CRLF (RFC 3261 §7): the
                                            header section cannot be read */
    SIP4XX_MAL_START_CTL      = 1u << 8, /* a NUL or other control byte in the start line (RFC 3261 §25.1) */
    SIP4XX_MAL_DUPLICATE      = 1u << 9, /* a header that is not a comma-separated list appears
                                            twice (RFC 3261 §7.3.1) */
} sip4xx_malformed_t;

/* Malformations of the start line itself: a message with one of these is
 * not a readable request or response. */
#define SIP4XX_MAL_START_ANY (SIP4XX_MAL_START_LINE | SIP4XX_MAL_START_CTL)

typedef struct {
    sip4xx_msg_kind_t kind;
    unsigned malformed;          /* sip4xx_malformed_t bits */

    /* Start line. */
    sip4xx_span_t method;        /* requests: the method; responses: empty */
    sip4xx_span_t request_uri;   /* requests only */
    unsigned code;               /* responses only: 100..699 */
    sip4xx_span_t reason;        /* responses only: the Reason-Phrase as sent */

    /* Header section. */
    sip4xx_hset_t present;                 /* headers seen at least once */
    sip4xx_span_t value[SIP4XX_H__COUNT];  /* first occurrence, trimmed, folding kept */
    bool to_tag;                           /* the To header carries a tag parameter */
    sip4xx_span_t to_tag_value;            /* with to_tag: the tag, read once by the parse for the
                                              keys that compare it (sip4xx_to_tag_key) */
    uint32_t cseq_number;
    sip4xx_span_t cseq_method;

    /* The bytes parsed, for walking every occurrence of a header. */
    sip4xx_span_t raw;

    /* Framing. The two inputs are set by the caller before the parse. */
    bool stream_transport;       /* input: framed by Content-Length (TCP, TLS, SCTP; not
                                    WebSocket, which frames each message: RFC 7118 §5) */
    bool cut;                    /* input: bytes of this message exist past the buffer that
                                    were not captured (snaplen, a lost or unreassembled
                                    segment): the end of the buffer is not the message's */
    bool truncated;              /* the header section was cut before its empty line: headers
                                    past the cut are unknown, so none is called missing */
    bool body_cut;               /* the body was cut (fewer bytes than Content-Length, not
                                    malformed because the rest was not captured) */
    uint8_t duplicate;           /* with SIP4XX_MAL_DUPLICATE: the first repeated header id */

    /* Exchange context, set by the caller before the checks: this response
     * answers a request that was seen, and that request had no To tag. */
    bool request_out_of_dialog;
    /* Transport context, set by the caller after the parse, before the
     * checks: with stream_transport, a reliable transport that still
     * delimits each message (SCTP: RFC 4168 §3.2 "SCTP is message-based,
     * as opposed to TCP, which is stream-based"). Its messages are framed
     * as on a stream (no body is inferred past the header section without
     * Content-Length, and a message at the end of the data may be cut),
     * but Content-Length, which RFC 3261 §18.3 requires "with stream
     * oriented transports", is not required of them. */
    bool message_transport;
    uint32_t header_len;         /* start line + headers + the empty line */
    bool has_content_length;
    uint32_t content_length;     /* as declared */
    uint32_t msg_len;            /* header_len + the body bytes available */
} sip4xx_msg_t;

/* Parse one SIP message from buf[0..len). Never reads outside it, never
 * allocates, runs in O(len). Returns the number of bytes the message spans
 * (header_len + body as far as Content-Length and len allow; len when the
 * message has no Content-Length and is not on a stream transport).
 * stream_transport and cut must be set in *out by the caller before the
 * call; every other field is overwritten.
 *
 * Bytes that were not captured are not evidence: with cut set, a header
 * section that runs to the end of the buffer is `truncated` (its last,
 * unterminated line is ignored, and neither NO_END nor a line without a
 * colon there is malformed), and a short body is `body_cut`, not
 * BODY_SHORT. */
uint32_t sip4xx_parse(const uint8_t *buf, size_t len, sip4xx_msg_t *out);

/* sip4xx_parse that also hands every header line, in order, to cb: the
 * same (id, name, value) the walker below yields, folded lines joined; the
 * start line is already in *m, the rest of *m is not final yet. One pass
 * where a parse and a walk would make two. cb may be NULL; it returns
 * false to hear no more of this message (a response, to a callback that
 * wants requests). */
typedef bool (*sip4xx_header_cb)(void *ctx, const sip4xx_msg_t *m, sip4xx_header_id_t id,
                                 sip4xx_span_t name, sip4xx_span_t value);
uint32_t sip4xx_parse_each(const uint8_t *buf, size_t len, sip4xx_msg_t *out, sip4xx_header_cb cb, void *ctx);

/* Every header line, in order, known or not: start with *cursor = 0; each
 * call stores the next header's name and (trimmed, unfolded span of its)
 * value and returns true, or returns false at the end. */
bool sip4xx_next_header(const sip4xx_msg_t *m, uint32_t *cursor, sip4xx_span_t *name,
                        sip4xx_span_t *value);

/* The same walk, with each header's id (SIP4XX_H__COUNT for headers the
 * core does not track), looked up on the way. */
bool sip4xx_next_header_id(const sip4xx_msg_t *m, uint32_t *cursor, sip4xx_span_t *name,
                           sip4xx_span_t *value, sip4xx_header_id_t *id);

/* Every occurrence of header id, in order: start with *cursor = 0; each
 * call stores the next value (trimmed) in *out and returns true, or
 * returns false at the end. Bounded by the header section. */
bool sip4xx_next_value(const sip4xx_msg_t *m, sip4xx_header_id_t id, uint32_t *cursor,
                       sip4xx_span_t *out);

/* Does buf begin like a SIP message: a Status-Line ("SIP/...") or a first
 * line ending in " SIP/2.0" (a Request-Line)? What does not is no SIP
 * message at all: a TCP segment that continues one (a capture that starts
 * mid-message, a lost segment, desegmentation off), or another protocol
 * on a SIP port; it is not a malformed SIP message. Reads at most the
 * first 1024 bytes. */
bool sip4xx_looks_like_sip(const uint8_t *buf, size_t len);

/* A response of class 4xx. */
static inline bool sip4xx_msg_is_4xx(const sip4xx_msg_t *m)
{
    return m->kind == SIP4XX_MSG_RESPONSE && m->code >= 400 && m->code <= 499;
}

/* Helpers over spans: see sip4xx/text.h. */
bool sip4xx_msg_has(const sip4xx_msg_t *m, sip4xx_header_id_t id);

/* Whether m carries a body that is not empty (RFC 3261 §20.15 asks
 * Content-Type of it): Content-Length above 0, or, with no Content-Length
 * on a datagram, bytes after the empty line other than white space and
 * line ends (§18.3). A header section with no empty line has no body; on a
 * stream a message without Content-Length has none that can be told.
 * Worked out when asked: only a message without Content-Type needs it. */
bool sip4xx_msg_has_body(const sip4xx_msg_t *m);

#endif
