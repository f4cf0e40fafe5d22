/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — a request's summary packed for keeping while its transaction
 * is open (see include/sip4xx/txn.h): a byte string that holds only the
 * parts the request has, so an OPTIONS without lists takes about 20 bytes
 * and none takes more than SIP4XX_PACKED_MAX.
 *
 * Layout: a 32-bit word saying which parts follow, the fingerprint, then
 * in the order of the P_* bits below the numbers that are there, the
 * realm hashes and the texts, NUL-terminated, written as
 * include/sip4xx/bytes.h writes numbers and values. */
#include "sip4xx/txn.h"

#include "sip4xx/bytes.h"
#include "sip4xx/text.h"

#include <stddef.h>
#include <string.h>

enum {
    P_AUTH_FP         = 1u << 0,
    P_BODY            = 1u << 1,
    P_SESSION_EXPIRES = 1u << 2,
    P_EXPIRES         = 1u << 3,
    P_CONTACT_EXPIRES = 1u << 4,
    P_MAX_FORWARDS    = 1u << 5,
    P_FAULTS          = 1u << 6,    /* malformed, defects, missing_rules in one word */
    P_AUTH_REALMS     = 1u << 7,
    P_PROXY_REALMS    = 1u << 8,
    P_IN_DIALOG       = 1u << 9,
    P_INCOMPLETE      = 1u << 10,
    P_TEXT0           = 1u << 11,   /* then one bit per text of texts[], in order */
    P_TRUNC0          = 1u << 19,   /* then one bit per text: a list's `truncated` flag */
};

/* The texts in the order they are kept: when the budget runs short, the
 * last ones are cut first. The method and the scheme are short and named
 * by the most causes; the lists follow by how often a 4xx names them. */
#define LIST(member) offsetof(sip4xx_req_summary_t, member), sizeof(((sip4xx_req_summary_t *)0)->member.s), true
static const struct {
    size_t off, cap;
    bool is_list;   /* a sip4xx_list_t, whose `truncated` is kept too */
} texts[] = {
    { offsetof(sip4xx_req_summary_t, method), SIP4XX_TOKEN_MAX, false },
    { offsetof(sip4xx_req_summary_t, uri_scheme), SIP4XX_TOKEN_MAX, false },
    { LIST(content_type) },
    { LIST(supported) },
    { LIST(require) },
    { LIST(proxy_require) },
    { LIST(content_encoding) },
    { LIST(content_language) },
};
#undef LIST
#define N_TEXTS (sizeof texts / sizeof texts[0])

static const char *text_in(const sip4xx_req_summary_t *s, size_t k)
{
    return (const char *)s + texts[k].off;
}

static bool *truncated_in(sip4xx_req_summary_t *s, size_t k)
{
    return &((sip4xx_list_t *)((char *)s + texts[k].off))->truncated;
}

/* At most SIP4XX_PACKED_REALMS hashes of each kind: a request carries
 * credentials for one realm, seldom two. The rest are lost, and only
 * that: a retry answering a third realm is still compared whole, as the
 * retry is summarised afresh. */
static void put_realms(sip4xx_out_t *o, const sip4xx_realms_t *r)
{
    uint8_t n = r->n < SIP4XX_PACKED_REALMS ? r->n : SIP4XX_PACKED_REALMS;
    uint8_t head = (uint8_t)(n | ((r->more || r->n > n) ? 0x80u : 0));
    sip4xx_put(o, &head, 1);
    sip4xx_put(o, r->hash, n * sizeof r->hash[0]);
}

/* Cut a UTF-8 text (sip4xx_text_clean's output) to at most room bytes
 * with its NUL, marking the cut with "..." as a full list is marked: back
 * off to a character boundary first. Returns the bytes written. */
static size_t put_cut(sip4xx_out_t *o, const char *s, size_t len, size_t room)
{
    if (room < 5) {
        if (room)
            sip4xx_put_u8(o, 0);
        return room ? 1 : 0;
    }
    size_t n = room - 4;   /* "..." and the NUL */
    if (n > len)
        n = len;
    while (n && ((uint8_t)s[n] & 0xc0) == 0x80)
        n--;
    sip4xx_put(o, s, n);
    sip4xx_put(o, "...", 4);
    return n + 4;
}

size_t sip4xx_req_pack(const sip4xx_req_summary_t *s, uint8_t out[SIP4XX_PACKED_MAX])
{
    uint32_t bits = 0;
    if (s->auth_fingerprint != SIP4XX_HASH_START)
        bits |= P_AUTH_FP;
    if (s->body_len)
        bits |= P_BODY;
    if (s->has_session_expires)
        bits |= P_SESSION_EXPIRES;
    if (s->has_expires)
        bits |= P_EXPIRES;
    if (s->has_contact_expires)
        bits |= P_CONTACT_EXPIRES;
    if (s->has_max_forwards)
        bits |= P_MAX_FORWARDS;
    if (s->malformed || s->defects || s->missing_rules)
        bits |= P_FAULTS;
    if (s->auth_realms.n || s->auth_realms.more)
        bits |= P_AUTH_REALMS;
    if (s->proxy_auth_realms.n || s->proxy_auth_realms.more)
        bits |= P_PROXY_REALMS;
    if (s->in_dialog)
        bits |= P_IN_DIALOG;
    if (s->incomplete)
        bits |= P_INCOMPLETE;
    /* The text bits are set where the texts are written, below: one walk
     * over the texts, not two, unrolled so that each text's offset and
     * kind are constants. */

    sip4xx_out_t o = { out, 0 };
    o.used = sizeof bits;   /* the bits, written last: a text cut to the budget changes them */
    sip4xx_put(&o, &s->fingerprint, sizeof s->fingerprint);
    sip4xx_put_varint(&o, s->uri_len);
    if (bits & P_AUTH_FP)
        sip4xx_put(&o, &s->auth_fingerprint, sizeof s->auth_fingerprint);
    if (bits & P_BODY)
        sip4xx_put_varint(&o, s->body_len);
    if (bits & P_SESSION_EXPIRES)
        sip4xx_put_varint(&o, s->session_expires);
    if (bits & P_EXPIRES)
        sip4xx_put_varint(&o, s->expires);
    if (bits & P_CONTACT_EXPIRES)
        sip4xx_put_varint(&o, s->contact_expires);
    if (bits & P_MAX_FORWARDS)
        sip4xx_put_varint(&o, s->max_forwards);
    if (bits & P_FAULTS)
        sip4xx_put_varint(&o, (uint32_t)(s->missing_rules < 255 ? s->missing_rules : 255) | (s->defects & 0xffu) << 8 |
                        (s->malformed & 0xffffu) << 16);
    if (bits & P_AUTH_REALMS)
        put_realms(&o, &s->auth_realms);
    if (bits & P_PROXY_REALMS)
        put_realms(&o, &s->proxy_auth_realms);
#ifdef __GNUC__
#pragma GCC unroll 8
#endif
    for (size_t k = 0; k < N_TEXTS; k++) {
        const char *text = text_in(s, k);
        if (texts[k].is_list && ((const sip4xx_list_t *)text)->truncated)
            bits |= P_TRUNC0 << k;
        if (!text[0])
            continue;
        bits |= P_TEXT0 << k;
        size_t len = strlen(text);
        size_t room = SIP4XX_PACKED_MAX - o.used;
        if (len + 1 <= room) {
            sip4xx_put(&o, text, len + 1);
        } else {
            if (texts[k].is_list)
                bits |= P_TRUNC0 << k;
            if (!put_cut(&o, text, len, room))
                bits &= ~(P_TEXT0 << k);
        }
    }
    memcpy(out, &bits, sizeof bits);
    return o.used;
}

static void get_realms(sip4xx_in_t *in, sip4xx_realms_t *r)
{
    uint8_t head;
    sip4xx_get(in, &head, 1);
    r->n = (uint8_t)(head & 0x7fu);
    if (r->n > SIP4XX_PACKED_REALMS)
        r->n = SIP4XX_PACKED_REALMS;
    r->more = (head & 0x80u) != 0;
    sip4xx_get(in, r->hash, r->n * sizeof r->hash[0]);
}

void sip4xx_req_unpack(const uint8_t *p, size_t n, sip4xx_req_summary_t *s)
{
    sip4xx_in_t in = { p, n, 0 };
    memset(s, 0, sizeof *s);
    uint32_t bits;
    sip4xx_get(&in, &bits, sizeof bits);
    sip4xx_get(&in, &s->fingerprint, sizeof s->fingerprint);
    s->uri_len = sip4xx_get_varint(&in);
    s->auth_fingerprint = SIP4XX_HASH_START;
    if (bits & P_AUTH_FP)
        sip4xx_get(&in, &s->auth_fingerprint, sizeof s->auth_fingerprint);
    if (bits & P_BODY)
        s->body_len = sip4xx_get_varint(&in);
    if (bits & P_SESSION_EXPIRES) {
        s->has_session_expires = true;
        s->session_expires = sip4xx_get_varint(&in);
    }
    if (bits & P_EXPIRES) {
        s->has_expires = true;
        s->expires = sip4xx_get_varint(&in);
    }
    if (bits & P_CONTACT_EXPIRES) {
        s->has_contact_expires = true;
        s->contact_expires = sip4xx_get_varint(&in);
    }
    if (bits & P_MAX_FORWARDS) {
        s->has_max_forwards = true;
        s->max_forwards = sip4xx_get_varint(&in);
    }
    if (bits & P_FAULTS) {
        uint32_t faults = sip4xx_get_varint(&in);
        s->missing_rules = faults & 0xffu;
        s->defects = (faults >> 8) & 0xffu;
        s->malformed = faults >> 16;
    }
    if (bits & P_AUTH_REALMS)
        get_realms(&in, &s->auth_realms);
    if (bits & P_PROXY_REALMS)
        get_realms(&in, &s->proxy_auth_realms);
    s->in_dialog = (bits & P_IN_DIALOG) != 0;
    s->incomplete = (bits & P_INCOMPLETE) != 0;
#ifdef __GNUC__
#pragma GCC unroll 8   /* as in sip4xx_req_pack */
#endif
    for (size_t k = 0; k < N_TEXTS; k++) {
        if (texts[k].is_list)
            *truncated_in(s, k) = (bits & (P_TRUNC0 << k)) != 0;
        if (!(bits & (P_TEXT0 << k)))
            continue;
        size_t have = in.at < in.n ? in.n - in.at : 0;
        const uint8_t *nul = memchr(in.p + in.at, '\0', have);
        size_t len = nul ? (size_t)(nul - (in.p + in.at)) : have;
        char *text = (char *)s + texts[k].off;
        memcpy(text, in.p + in.at, len < texts[k].cap ? len : texts[k].cap - 1);
        text[len < texts[k].cap ? len : texts[k].cap - 1] = '\0';
        in.at += len + 1;
    }
}
