/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — reads one SIP message's start line and header section into the
 * model. Pure C, no allocation, O(len): every loop advances through buf and
 * nothing is kept per line, so a message of many header lines costs time in
 * proportion to its size and no memory. RFC 3261 sets no header count
 * limit, so none is imposed here.
 *
 * It reads the bytes itself rather than trusting what the Wireshark SIP
 * dissector recognised, because RFC 3261 §7.3.1 allows forms (whitespace
 * before the colon, folding, compact names, any case) that a "missing
 * header" warning must not trip over.
 */
#define _GNU_SOURCE   /* memrchr */
#include "sip4xx/model.h"

#include "sip4xx/text.h"

#include "../spec/header_index.h"

#include <string.h>

typedef struct {
    const char *p;     /* start of the line */
    uint32_t len;      /* without CR LF */
    uint32_t next;     /* offset just past the line terminator */
    bool terminated;   /* ended in LF (not by the end of the buffer) */
} line_t;

#define is_ws sip4xx_is_wsp
#define is_digit sip4xx_is_digit
#define lower sip4xx_lower

/* RFC 3261 §25.1 token characters, as a table: methods, CSeq methods and
 * the names of headers the core does not know are checked against it. */
#define TOK_ALNUM(c) (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') || ((c) >= '0' && (c) <= '9'))
#define TOK_MARK(c) ((c) == '-' || (c) == '.' || (c) == '!' || (c) == '%' || (c) == '*' || (c) == '_' || \
                     (c) == '+' || (c) == '`' || (c) == '\'' || (c) == '~')
#define TOK(c) (TOK_ALNUM(c) || TOK_MARK(c))
#define TOK4(c) TOK(c), TOK((c) + 1), TOK((c) + 2), TOK((c) + 3)
#define TOK16(c) TOK4(c), TOK4((c) + 4), TOK4((c) + 8), TOK4((c) + 12)
static const bool token_char[256] = {
    TOK16(0), TOK16(16), TOK16(32), TOK16(48), TOK16(64), TOK16(80), TOK16(96), TOK16(112),
};

static bool is_token(char c)
{
    return token_char[(uint8_t)c];
}

static inline line_t next_line(const char *buf, uint32_t len, uint32_t pos)
{
    line_t l = { buf + pos, 0, len, false };
    const char *lf = memchr(buf + pos, '\n', len - pos);
    uint32_t end = len;
    if (lf) {
        end = (uint32_t)(lf - buf);
        l.next = end + 1;
        l.terminated = true;
    }
    /* RFC 3261 §7.5 recommends tolerating bare LF: strip one CR if there. */
    if (end > pos && buf[end - 1] == '\r')
        end--;
    l.len = end - pos;
    return l;
}

static sip4xx_span_t trim(const char *p, uint32_t len)
{
    return sip4xx_span_trim((sip4xx_span_t){ p, len });
}

bool sip4xx_msg_has(const sip4xx_msg_t *m, sip4xx_header_id_t id)
{
    return (unsigned)id < SIP4XX_H__COUNT && (m->present >> id) & 1u;
}

/* "SIP/" 1*DIGIT "." 1*DIGIT, case-insensitive (RFC 3261 §7.1). */
static bool is_sip_version(const char *p, uint32_t len)
{
    /* Every message real software sends says "SIP/2.0" (§7.1): one
     * compare; any other spelling goes through the grammar below. */
    if (len == 7 && memcmp(p, "SIP/2.0", 7) == 0)
        return true;
    if (len < 7 || lower(p[0]) != 's' || lower(p[1]) != 'i' || lower(p[2]) != 'p' || p[3] != '/')
        return false;
    uint32_t i = 4, major = 0, minor = 0;
    while (i < len && is_digit(p[i])) { i++; major++; }
    if (i >= len || p[i] != '.')
        return false;
    i++;
    while (i < len && is_digit(p[i])) { i++; minor++; }
    return major && minor && i == len;
}

static void parse_status_line(const line_t *l, sip4xx_msg_t *m)
{
    /* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2) */
    const char *sp = memchr(l->p, ' ', l->len);
    uint32_t vlen = sp ? (uint32_t)(sp - l->p) : l->len;
    uint32_t rest = l->len - vlen;
    if (!sp || !is_sip_version(l->p, vlen) || rest < 4 ||
        !is_digit(sp[1]) || !is_digit(sp[2]) || !is_digit(sp[3]) ||
        (rest > 4 && sp[4] != ' ') || sp[1] == '0') {
        m->malformed |= SIP4XX_MAL_START_LINE;
        return;
    }
    m->kind = SIP4XX_MSG_RESPONSE;
    m->code = (unsigned)(sp[1] - '0') * 100 + (unsigned)(sp[2] - '0') * 10 + (unsigned)(sp[3] - '0');
    if (rest > 5)
        m->reason = (sip4xx_span_t){ sp + 5, rest - 5 };
}

static void parse_request_line(const line_t *l, sip4xx_msg_t *m)
{
    /* Request-Line = Method SP Request-URI SP SIP-Version (§7.1) */
    uint32_t i = 0;
    while (i < l->len && is_token(l->p[i]))
        i++;
    uint32_t method_len = i;
    if (method_len == 0 || i >= l->len || l->p[i] != ' ') {
        m->malformed |= SIP4XX_MAL_START_LINE;
        return;
    }
    uint32_t uri_start = ++i;
    const char *sp = memchr(l->p + i, ' ', l->len - i);   /* a URI is tens of bytes */
    i = sp ? (uint32_t)(sp - l->p) : l->len;
    uint32_t uri_len = i - uri_start;
    if (uri_len == 0 || i >= l->len || !is_sip_version(l->p + i + 1, l->len - i - 1)) {
        m->malformed |= SIP4XX_MAL_START_LINE;
        return;
    }
    m->kind = SIP4XX_MSG_REQUEST;
    m->method = (sip4xx_span_t){ l->p, method_len };
    m->request_uri = (sip4xx_span_t){ l->p + uri_start, uri_len };
}

/* Control bytes in the start line (RFC 3261 §25.1: neither the Request-URI
 * nor the Reason-Phrase may hold a CTL but HTAB). A CR there means lines
 * end in CR alone, not CRLF (§7): the line is cut at it and true is
 * returned. Any other control byte (a NUL) makes the start line malformed;
 * the line is still read, so a readable code is still shown. */
static bool start_line_controls(line_t *l, sip4xx_msg_t *m)
{
    /* Eight bytes a step: a word with no byte below 0x20 and none equal to
     * 0x7f (the usual case: every start line) is skipped whole. */
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint32_t i = 0;
    for (; i + 8 <= l->len; i += 8) {
        uint64_t w;
        memcpy(&w, l->p + i, 8);
        uint64_t del = w ^ (0x7f * ones);
        if (((w - 0x20 * ones) & ~w & highs) || ((del - ones) & ~del & highs))
            break;
    }
    for (; i < l->len; i++) {
        uint8_t c = (uint8_t)l->p[i];
        if (c >= 0x20 && c != 0x7f)
            continue;
        if (c == '\r') {
            m->malformed |= SIP4XX_MAL_BARE_CR;
            l->len = i;
            return true;
        }
        if (c != '\t')
            m->malformed |= SIP4XX_MAL_START_CTL;
    }
    return false;
}

/* Decimal with saturation; false if not 1*DIGIT or over UINT32_MAX. */
static bool parse_u32(sip4xx_span_t s, uint32_t *out, uint32_t *used)
{
    uint64_t v = 0;
    uint32_t i = 0;
    while (i < s.len && is_digit(s.ptr[i])) {
        v = v * 10 + (uint64_t)(s.ptr[i] - '0');
        if (v > UINT32_MAX)
            return false;
        i++;
    }
    if (i == 0)
        return false;
    *out = (uint32_t)v;
    *used = i;
    return true;
}

static void parse_cseq(sip4xx_msg_t *m)
{
    /* CSeq = "CSeq" HCOLON 1*DIGIT LWS Method (§20.16); "The sequence
     * number value MUST be expressible as a 32-bit unsigned integer and
     * MUST be less than 2**31" (§8.1.1.5). A number out of range is
     * malformed, but the method after it is still read: the transaction
     * (and the 400 that refuses the request) can still be matched. */
    sip4xx_span_t v = m->value[SIP4XX_H_CSEQ];
    uint32_t used = 0, i = 0;
    if (!parse_u32(v, &m->cseq_number, &used) || m->cseq_number >= 0x80000000u) {
        m->malformed |= SIP4XX_MAL_CSEQ;
        while (i < v.len && is_digit(v.ptr[i]))
            i++;
        used = i;
    }
    i = used;
    while (i < v.len && (is_ws(v.ptr[i]) || v.ptr[i] == '\r' || v.ptr[i] == '\n'))
        i++;
    uint32_t start = i;
    while (i < v.len && is_token(v.ptr[i]))
        i++;
    if (i == start || i == used || i != v.len) {
        m->malformed |= SIP4XX_MAL_CSEQ;
        return;
    }
    m->cseq_method = (sip4xx_span_t){ v.ptr + start, i - start };
}

/* message-header = field-name HCOLON field-value (RFC 3261 §7.3.1):
 * HCOLON allows whitespace before the colon. On success, the name's length,
 * its header id and the offset just past the colon.
 *
 * The name is what precedes the first ':', whitespace trimmed. A name the
 * core knows is token characters by construction, so only the others are
 * checked byte by byte: most lines cost two memchr and one comparison. */
static inline __attribute__((always_inline)) bool split_header_line(const line_t *l, uint32_t *name_len, uint32_t *value_at, sip4xx_header_id_t *id)
{
    const char *colon = memchr(l->p, ':', l->len);
    if (!colon)
        return false;
    uint32_t n = (uint32_t)(colon - l->p);
    while (n && is_ws(l->p[n - 1]))
        n--;
    if (n == 0)
        return false;
    *id = sip4xx_header_find(l->p, n);
    if (*id == SIP4XX_H__COUNT) {
        /* token, then only whitespace up to the colon */
        uint32_t i = 0;
        while (i < n && is_token(l->p[i]))
            i++;
        if (i != n)
            return false;
    }
    *name_len = n;
    *value_at = (uint32_t)(colon - l->p) + 1;
    return true;
}

/* Headers whose grammar has no empty form; an empty one is malformed. */
static const sip4xx_hset_t value_required =
    SIP4XX_HBIT(VIA) | SIP4XX_HBIT(FROM) | SIP4XX_HBIT(TO) | SIP4XX_HBIT(CALL_ID) |
    SIP4XX_HBIT(CSEQ) | SIP4XX_HBIT(MAX_FORWARDS) | SIP4XX_HBIT(CONTENT_LENGTH);

uint32_t sip4xx_parse(const uint8_t *bytes, size_t size, sip4xx_msg_t *m)
{
    return sip4xx_parse_each(bytes, size, m, NULL, NULL);
}

/* A header line whose value may still continue on folded lines. */
typedef struct {
    bool open;
    bool folded;             /* value is stale: trim vstart..vend again */
    sip4xx_header_id_t id;
    sip4xx_span_t name;
    sip4xx_span_t value;     /* trimmed, while not folded */
    const char *vstart, *vend;
} pending_t;

static inline __attribute__((always_inline)) void emit(pending_t *p, const sip4xx_msg_t *m, sip4xx_header_cb *cb, void *ctx)
{
    if (p->open && *cb &&
        !(*cb)(ctx, m, p->id, p->name, p->folded ? trim(p->vstart, (uint32_t)(p->vend - p->vstart)) : p->value))
        *cb = NULL;
    p->open = false;
}

uint32_t sip4xx_parse_each(const uint8_t *bytes, size_t size, sip4xx_msg_t *m, sip4xx_header_cb cb, void *ctx)
{
    pending_t pend = { false, false, SIP4XX_H__COUNT, { NULL, 0 }, { NULL, 0 }, NULL, NULL };
    bool stream = m->stream_transport, cut = m->cut;
    memset(m, 0, sizeof *m);
    m->stream_transport = stream;
    m->cut = cut;

    const char *buf = (const char *)bytes;
    uint32_t len = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
    m->raw = (sip4xx_span_t){ buf, len };
    if (len == 0) {
        m->malformed |= SIP4XX_MAL_START_LINE | SIP4XX_MAL_NO_END;
        return 0;
    }

    line_t l = next_line(buf, len, 0);
    bool bare_cr = start_line_controls(&l, m);
    if (l.len >= 4 && lower(l.p[0]) == 's' && lower(l.p[1]) == 'i' && lower(l.p[2]) == 'p' && l.p[3] == '/')
        parse_status_line(&l, m);
    else
        parse_request_line(&l, m);
    if (m->cut && !l.terminated) {
        /* The start line itself was cut: what is missing of it is not
         * malformed, and nothing of the header section was captured. */
        if (m->malformed & SIP4XX_MAL_START_LINE)
            m->kind = SIP4XX_MSG_UNPARSED;
        m->malformed &= ~(unsigned)SIP4XX_MAL_START_LINE;
        m->truncated = true;
        m->header_len = m->msg_len = len;
        return len;
    }
    if (bare_cr) {
        /* Lines end in CR alone: the header lines cannot be told apart, so
         * they are not read (and none is called missing). One finding
         * names the fault. */
        m->header_len = m->msg_len = len;
        return len;
    }

    uint32_t pos = l.next;
    bool ended = false;
    sip4xx_header_id_t last = SIP4XX_H__COUNT;   /* header a folded line continues */
    bool last_is_first = false;
    while (l.terminated && pos < len) {
        l = next_line(buf, len, pos);
        if (!l.terminated && m->cut)
            break;                /* a line the capture cut: not evidence of anything */
        pos = l.next;
        if (l.len == 0 && l.terminated) {
            ended = true;
            break;
        }
        if (l.len == 0)
            break;
        if (is_ws(l.p[0])) {
            /* RFC 3261 §7.3.1 line folding: the value goes on. */
            if (pend.open) {
                pend.vend = l.p + l.len;
                pend.folded = true;
            }
            if (last != SIP4XX_H__COUNT && last_is_first) {
                sip4xx_span_t *v = &m->value[last];
                const char *start = v->len ? v->ptr : l.p;
                *v = trim(start, (uint32_t)(l.p + l.len - start));
            }
            continue;
        }
        uint32_t name_len, value_at;
        emit(&pend, m, &cb, ctx);
        if (!split_header_line(&l, &name_len, &value_at, &last)) {
            m->malformed |= SIP4XX_MAL_HEADER_LINE;
            last = SIP4XX_H__COUNT;
            continue;
        }
        /* The value trimmed once, for the model and the callback. */
        sip4xx_span_t value = trim(l.p + value_at, l.len - value_at);
        if (cb)
            pend = (pending_t){ true, false, last, { l.p, name_len }, value, l.p + value_at, l.p + l.len };
        last_is_first = false;
        if (last == SIP4XX_H__COUNT)
            continue;
        if (!sip4xx_msg_has(m, last)) {
            m->present |= (sip4xx_hset_t)1 << last;
            m->value[last] = value;
            last_is_first = true;
        } else if (((SIP4XX_HSET_SINGLE >> last) & 1u) && !(m->malformed & SIP4XX_MAL_DUPLICATE)) {
            /* RFC 3261 §7.3.1: only a comma-separated list may repeat. */
            m->malformed |= SIP4XX_MAL_DUPLICATE;
            m->duplicate = (uint8_t)last;
        }
    }
    emit(&pend, m, &cb, ctx);
    if (!ended) {
        if (m->cut) {
            /* The end was not captured, not absent. The header section is
             * what was read whole: walks stop before the cut line. */
            m->truncated = true;
        } else {
            m->malformed |= SIP4XX_MAL_NO_END;
            pos = len;
        }
    }
    m->header_len = pos;

    /* Values that need the whole (possibly folded) header first. */
    for (sip4xx_hset_t want = m->present & value_required; want; want &= want - 1)   /* each bit set */
        if (m->value[__builtin_ctzll(want)].len == 0)
            m->malformed |= SIP4XX_MAL_EMPTY_VALUE;
    if (sip4xx_msg_has(m, SIP4XX_H_TO))
        m->to_tag = sip4xx_name_addr_tag(m->value[SIP4XX_H_TO], &m->to_tag_value);
    if (sip4xx_msg_has(m, SIP4XX_H_CSEQ) && m->value[SIP4XX_H_CSEQ].len)
        parse_cseq(m);

    uint32_t avail = len - m->header_len;
    if (sip4xx_msg_has(m, SIP4XX_H_CONTENT_LENGTH) && m->value[SIP4XX_H_CONTENT_LENGTH].len) {
        uint32_t used = 0;
        sip4xx_span_t v = m->value[SIP4XX_H_CONTENT_LENGTH];
        if (!parse_u32(v, &m->content_length, &used) || used != v.len) {
            m->malformed |= SIP4XX_MAL_CONTENT_LENGTH;
        } else {
            m->has_content_length = true;
            if (m->content_length > avail && ended) {
                if (m->cut)
                    m->body_cut = true;
                else
                    m->malformed |= SIP4XX_MAL_BODY_SHORT;
            }
        }
    }
    if (m->truncated)
        m->msg_len = len;         /* it runs past what was captured */
    else if (m->has_content_length)
        m->msg_len = m->header_len + (m->content_length < avail ? m->content_length : avail);
    else
        m->msg_len = m->stream_transport ? m->header_len : len;
    return m->msg_len;
}

bool sip4xx_next_header(const sip4xx_msg_t *m, uint32_t *cursor, sip4xx_span_t *name,
                        sip4xx_span_t *value)
{
    sip4xx_header_id_t unused;
    return sip4xx_next_header_id(m, cursor, name, value, &unused);
}

bool sip4xx_next_header_id(const sip4xx_msg_t *m, uint32_t *cursor, sip4xx_span_t *name,
                           sip4xx_span_t *value, sip4xx_header_id_t *id)
{
    const char *buf = m->raw.ptr;
    uint32_t end = m->header_len <= m->raw.len ? m->header_len : m->raw.len;
    /* Lines ending in CR alone were not read as header lines by the
     * parse: the walk does not read them either. */
    if (!buf || (m->malformed & SIP4XX_MAL_BARE_CR))
        return false;
    uint32_t pos = *cursor;
    if (pos == 0)
        pos = next_line(buf, end, 0).next;        /* skip the start line */
    while (pos < end) {
        line_t l = next_line(buf, end, pos);
        pos = l.next;
        if (l.len == 0 || is_ws(l.p[0]))
            continue;
        uint32_t name_len, value_at;
        sip4xx_header_id_t found;
        if (!split_header_line(&l, &name_len, &value_at, &found))
            continue;
        /* Take in folded continuation lines (RFC 3261 §7.3.1). */
        const char *vstart = l.p + value_at;
        const char *vend = l.p + l.len;
        while (pos < end && is_ws(buf[pos])) {
            line_t c = next_line(buf, end, pos);
            pos = c.next;
            vend = c.p + c.len;
        }
        *name = (sip4xx_span_t){ l.p, name_len };
        *value = trim(vstart, (uint32_t)(vend - vstart));
        *id = found;
        *cursor = pos;
        return true;
    }
    *cursor = end;
    return false;
}

/* The offset of the line that holds the first occurrence of id, as the
 * parse kept it (m->value[id]), or 0 when it cannot be told. Its value
 * starts on that line, or, when the line held none, on a folded line
 * after it (RFC 3261 §7.3.1): a line that starts with white space
 * continues the header above it. */
static uint32_t first_line_of(const sip4xx_msg_t *m, sip4xx_header_id_t id)
{
    const char *buf = m->raw.ptr, *v = m->value[id].ptr;
    uint32_t end = m->header_len <= m->raw.len ? m->header_len : m->raw.len;
    if (!buf || !v || v <= buf || (size_t)(v - buf) > end)
        return 0;
    uint32_t at = (uint32_t)(v - buf);
    for (;;) {
        const char *lf = memrchr(buf, '\n', at);
        if (!lf)
            return 0;
        at = (uint32_t)(lf - buf) + 1;
        if (at >= end || !is_ws(buf[at]))
            return at;
        at--;                       /* a folded line: the header is above */
    }
}

bool sip4xx_next_value(const sip4xx_msg_t *m, sip4xx_header_id_t id, uint32_t *cursor,
                       sip4xx_span_t *out)
{
    sip4xx_span_t name;
    sip4xx_header_id_t seen;
    if (!sip4xx_msg_has(m, id))
        return false;
    /* No occurrence comes before the first, which the parse found: the
     * walk starts at its line, not at the top of the header section
     * (401 and 407 challenges, Allow, Unsupported sit near the end). */
    if (*cursor == 0)
        *cursor = first_line_of(m, id);
    while (sip4xx_next_header_id(m, cursor, &name, out, &seen))
        if (seen == id)
            return true;
    return false;
}

bool sip4xx_msg_has_body(const sip4xx_msg_t *m)
{
    /* RFC 3261 §20.14: Content-Length "indicates the size of the
     * message-body"; §18.3, datagrams: "If the message has no
     * Content-Length header field, the message body is assumed to end at
     * the end of the transport packet." Padding of line ends alone is not
     * taken for a body. */
    if (m->kind == SIP4XX_MSG_UNPARSED || m->truncated || (m->malformed & (SIP4XX_MAL_NO_END | SIP4XX_MAL_BARE_CR)))
        return false;
    if (m->has_content_length)
        return m->content_length > 0;
    if (m->stream_transport || !m->raw.ptr || m->header_len >= m->raw.len)
        return false;
    return trim(m->raw.ptr + m->header_len, m->raw.len - m->header_len).len > 0;
}

bool sip4xx_looks_like_sip(const uint8_t *bytes, size_t size)
{
    const char *buf = (const char *)bytes;
    size_t len = size < 1024 ? size : 1024;
    if (len < 8)
        return false;
    const char *lf = memchr(buf, '\n', len);
    size_t line = lf ? (size_t)(lf - buf) : len;
    if (line && buf[line - 1] == '\r')
        line--;
    return sip4xx_eq_ci(buf, "SIP/", 4) || (line >= 8 && sip4xx_eq_ci(buf + line - 7, "SIP/2.0", 7));
}
