/* sip4xx — transaction keys, request/response summaries, causes and
 * verdicts on retries. Pure C over the model (see include/sip4xx/txn.h). */
#include "sip4xx/txn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sip4xx/spec.h"
#include "sip4xx/sentences.h"
#include "sip4xx/text.h"

/* ---------------------------------------------------------------- text */

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }
static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static sip4xx_span_t span_trim(sip4xx_span_t s)
{
    while (s.len && is_ws(*s.ptr)) { s.ptr++; s.len--; }
    while (s.len && is_ws(s.ptr[s.len - 1])) s.len--;
    return s;
}

static bool span_ieq(sip4xx_span_t a, sip4xx_span_t b)
{
    if (a.len != b.len)
        return false;
    for (uint32_t i = 0; i < a.len; i++)
        if (lower(a.ptr[i]) != lower(b.ptr[i]))
            return false;
    return true;
}

/* Split s at the first unquoted, un-bracketed occurrence of sep. */
static bool split_at(sip4xx_span_t s, char sep, sip4xx_span_t *head, sip4xx_span_t *rest)
{
    bool quoted = false;
    int angle = 0;
    for (uint32_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];
        if (quoted) {
            if (c == '\\') i++;
            else if (c == '"') quoted = false;
        } else if (c == '"') {
            quoted = true;
        } else if (c == '<') {
            angle++;
        } else if (c == '>' && angle > 0) {
            angle--;
        } else if (c == sep && angle == 0) {
            *head = (sip4xx_span_t){ s.ptr, i };
            *rest = (sip4xx_span_t){ s.ptr + i + 1, s.len - i - 1 };
            return true;
        }
    }
    *head = s;
    *rest = (sip4xx_span_t){ s.ptr + s.len, 0 };
    return false;
}

/* The header parameters of a name-addr / addr-spec value: what follows
 * '>' or, without angle brackets, the whole value (RFC 3261 §20). */
static sip4xx_span_t header_params(sip4xx_span_t v)
{
    const char *gt = NULL;
    bool quoted = false;
    for (uint32_t i = 0; i < v.len; i++) {
        char c = v.ptr[i];
        if (c == '"') quoted = !quoted;
        else if (!quoted && c == '>') gt = v.ptr + i;
    }
    if (gt)
        return (sip4xx_span_t){ gt + 1, (uint32_t)(v.ptr + v.len - gt - 1) };
    sip4xx_span_t head, rest;
    split_at(v, ';', &head, &rest);
    return rest.len ? (sip4xx_span_t){ rest.ptr - 1, rest.len + 1 } : rest;
}

/* One "name = value" item: true with the value (quotes removed) when its
 * name is want, case-insensitively. */
static bool match_kv(sip4xx_span_t item, sip4xx_span_t want, sip4xx_span_t *out)
{
    sip4xx_span_t k, v;
    split_at(span_trim(item), '=', &k, &v);
    if (!span_ieq(span_trim(k), want))
        return false;
    v = span_trim(v);
    if (v.len >= 2 && v.ptr[0] == '"' && v.ptr[v.len - 1] == '"')
        v = (sip4xx_span_t){ v.ptr + 1, v.len - 2 };
    *out = v;
    return true;
}

/* ;name=value among semicolon parameters. */
static bool param(sip4xx_span_t params, const char *name, sip4xx_span_t *out)
{
    sip4xx_span_t want = { name, (uint32_t)strlen(name) };
    sip4xx_span_t head, rest = params;
    for (int guard = 0; rest.len && guard < 256; guard++) {
        split_at(rest, ';', &head, &rest);
        if (match_kv(head, want, out))
            return true;
    }
    return false;
}

/* name=value among the comma-separated auth-params of a challenge or
 * credentials value (RFC 3261 §25.1: "Digest" LWS digest-cln *(COMMA ...)). */
static bool auth_param(sip4xx_span_t v, const char *name, sip4xx_span_t *out)
{
    sip4xx_span_t scheme_rest = span_trim(v);
    uint32_t i = 0;
    while (i < scheme_rest.len && !is_ws(scheme_rest.ptr[i]))
        i++;
    sip4xx_span_t rest = { scheme_rest.ptr + i, scheme_rest.len - i }, head;
    sip4xx_span_t want = { name, (uint32_t)strlen(name) };
    for (int guard = 0; rest.len && guard < 256; guard++) {
        split_at(rest, ',', &head, &rest);
        if (match_kv(head, want, out))
            return true;
    }
    return false;
}

static bool to_u32(sip4xx_span_t s, uint32_t *out)
{
    uint64_t v = 0;
    s = span_trim(s);
    if (!s.len || s.len > 10)
        return false;
    for (uint32_t i = 0; i < s.len; i++) {
        if (s.ptr[i] < '0' || s.ptr[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s.ptr[i] - '0');
    }
    if (v > UINT32_MAX)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* Bounded, NUL-terminated copy of a span, safe to show (sip4xx/text.h). */
static void copy_span(char *dst, size_t cap, sip4xx_span_t s)
{
    sip4xx_text_clean(dst, cap, s.ptr, s.len);
}

static void list_add(sip4xx_list_t *l, sip4xx_span_t item)
{
    item = span_trim(item);
    if (!item.len)
        return;
    size_t used = strlen(l->s);
    size_t need = item.len + (used ? 1 : 0);
    if (used + need >= sizeof l->s) {
        /* Shown cut rather than dropped: the reader sees there was more. */
        if (!l->truncated && used + 5 < sizeof l->s) {
            if (used)
                l->s[used++] = ',';
            size_t room = sizeof l->s - used - 4;
            sip4xx_text_clean(l->s + used, room + 1, item.ptr, item.len < room ? item.len : room);
            strcat(l->s, "...");
        }
        l->truncated = true;
        return;
    }
    if (used)
        l->s[used++] = ',';
    /* The clean copy is never longer than the item, so it fits whole. */
    sip4xx_text_clean(l->s + used, sizeof l->s - used, item.ptr, item.len);
}

/* Items of one header value into a list: comma-separated, ;parameters
 * dropped. */
static void list_add_value(sip4xx_list_t *l, sip4xx_span_t v)
{
    sip4xx_span_t item, rest = v;
    for (int guard = 0; rest.len && guard < 64; guard++) {
        split_at(rest, ',', &item, &rest);
        sip4xx_span_t bare, params;
        split_at(item, ';', &bare, &params);
        list_add(l, bare);
    }
}

/* Every comma-separated item of every occurrence of header id, without
 * its ;parameters. */
static void list_from(const sip4xx_msg_t *m, sip4xx_header_id_t id, sip4xx_list_t *l)
{
    uint32_t cur = 0;
    sip4xx_span_t v;
    memset(l, 0, sizeof *l);
    for (int guard = 0; guard < 64 && sip4xx_next_value(m, id, &cur, &v); guard++)
        list_add_value(l, v);
}

static bool eq_ci(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

/* Option tags, media types, codings and methods in these lists compare
 * case-insensitively (RFC 3261 §19.2, §20.1); the text keeps its case. */
static bool list_has(const char *list, const char *item, size_t item_len)
{
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == item_len && eq_ci(p, item, n))
            return true;
        if (!comma)
            break;
        p = comma + 1;
    }
    return false;
}

/* Media type accepted by an Accept list, ranges included (any type, any subtype). */
static bool media_accepted(const char *accept, const char *type)
{
    if (list_has(accept, type, strlen(type)) || list_has(accept, "*/*", 3))
        return true;
    const char *slash = strchr(type, '/');
    if (!slash)
        return false;
    char range[SIP4XX_LIST_MAX];
    size_t n = (size_t)(slash - type) + 1;
    if (n + 2 > sizeof range)
        return false;
    memcpy(range, type, n);
    range[n] = '*';
    range[n + 1] = '\0';
    return list_has(accept, range, n + 1);
}

/* Items of a that appear in b (in_b) or do not (!in_b), into out,
 * separated by ", ". */
static void list_filter(const char *a, const char *b, bool in_b, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    const char *p = a;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (list_has(b, p, n) == in_b && used + n + 2 < cap) {
            if (used) { out[used++] = ','; out[used++] = ' '; }
            memcpy(out + used, p, n);
            used += n;
            out[used] = '\0';
        }
        if (!comma)
            break;
        p = comma + 1;
    }
}

static void list_intersect(const char *a, const char *b, char *out, size_t cap)
{
    list_filter(a, b, true, out, cap);
}

/* Sentences users read fit a Wireshark label (sip4xx/sentences.h). */
#define say sip4xx_say

/* --------------------------------------------------------------- keys */

/* The branch parameter of the top Via value. This runs for every message,
 * so it jumps from ';' to ';' with memchr instead of tracking quotes: a
 * via-param is a token or a host (RFC 3261 §25.1 via-params), and the
 * only quoted strings a Via may carry are in generic parameters, which
 * never hold the text ";branch=". */
static bool top_via_branch(const sip4xx_msg_t *m, sip4xx_span_t *branch)
{
    if (!sip4xx_msg_has(m, SIP4XX_H_VIA))
        return false;
    const char *p = m->value[SIP4XX_H_VIA].ptr;
    const char *end = p + m->value[SIP4XX_H_VIA].len;
    const char *comma = memchr(p, ',', (size_t)(end - p));
    if (comma)
        end = comma;                       /* the top Via value only */
    while ((p = memchr(p, ';', (size_t)(end - p))) != NULL) {
        p++;
        while (p < end && is_ws(*p))
            p++;
        if (end - p > 6 && eq_ci(p, "branch", 6)) {
            const char *q = p + 6;
            while (q < end && is_ws(*q))
                q++;
            if (q < end && *q == '=') {
                q++;
                while (q < end && is_ws(*q))
                    q++;
                const char *v = q;
                while (q < end && *q != ';' && !is_ws(*q))
                    q++;
                *branch = (sip4xx_span_t){ v, (uint32_t)(q - v) };
                return branch->len > 0;
            }
        }
    }
    return false;
}

static uint64_t hash_bytes(uint64_t h, const char *p, size_t n, bool fold_case);
#define HASH_START 14695981039346656037ull   /* any odd seed; FNV's offset basis */

bool sip4xx_call_key(const sip4xx_msg_t *m, uint64_t *key)
{
    if (!sip4xx_msg_has(m, SIP4XX_H_CALL_ID) || !m->value[SIP4XX_H_CALL_ID].len)
        return false;
    /* RFC 3261 §20.8: Call-IDs compare byte for byte. */
    *key = hash_bytes(HASH_START, m->value[SIP4XX_H_CALL_ID].ptr, m->value[SIP4XX_H_CALL_ID].len, false);
    return true;
}

static bool from_tag(const sip4xx_msg_t *m, sip4xx_span_t *tag)
{
    return sip4xx_msg_has(m, SIP4XX_H_FROM) && param(header_params(m->value[SIP4XX_H_FROM]), "tag", tag);
}

bool sip4xx_from_tag_key(const sip4xx_msg_t *m, uint64_t *key)
{
    sip4xx_span_t tag;
    if (!from_tag(m, &tag))
        return false;
    *key = hash_bytes(HASH_START, tag.ptr, tag.len, false);
    return true;
}

bool sip4xx_to_tag_key(const sip4xx_msg_t *m, uint64_t *key)
{
    sip4xx_span_t tag;
    if (!sip4xx_msg_has(m, SIP4XX_H_TO) || !param(header_params(m->value[SIP4XX_H_TO]), "tag", &tag))
        return false;
    *key = hash_bytes(HASH_START, tag.ptr, tag.len, false);
    return true;
}

static sip4xx_span_t cseq_method(const sip4xx_msg_t *m)
{
    return m->cseq_method.len ? m->cseq_method : m->method;
}

/* Parts of a key. fnv mixes in each part's length first, so ("ab","c")
 * and ("a","bc") differ without a separator. */
static uint64_t part(uint64_t h, const char *p, size_t n)
{
    return hash_bytes(h, p, n, false);
}

/* The From tag, read at most once per message by whichever key needs it
 * first (sip4xx_keys_t holds one). */
typedef sip4xx_tag_cache_t tag_cache_t;

static bool cached_from_tag(const sip4xx_msg_t *m, tag_cache_t *c, sip4xx_span_t *tag)
{
    if (!c->read) {
        c->read = true;
        c->found = from_tag(m, &c->tag);
        if (!c->found)
            c->tag = (sip4xx_span_t){ "", 0 };
    }
    *tag = c->tag;
    return c->found;
}

static bool txn_key_as(const sip4xx_msg_t *m, const char *method, tag_cache_t *tc, uint64_t *key)
{
    sip4xx_span_t branch, tag = { "", 0 };
    uint64_t h = HASH_START;
    if (top_via_branch(m, &branch) && branch.len >= 7 && memcmp(branch.ptr, "z9hG4bK", 7) == 0) {
        h = part(h, "b", 1);
        h = part(h, branch.ptr, branch.len);
    } else {
        if (!sip4xx_msg_has(m, SIP4XX_H_CALL_ID) || !m->value[SIP4XX_H_CALL_ID].len ||
            !sip4xx_msg_has(m, SIP4XX_H_CSEQ) || !m->cseq_method.len)
            return false;
        cached_from_tag(m, tc, &tag);
        char num[12];
        int n = snprintf(num, sizeof num, "%u", m->cseq_number);
        h = part(h, "c", 1);
        h = part(h, m->value[SIP4XX_H_CALL_ID].ptr, m->value[SIP4XX_H_CALL_ID].len);
        h = part(h, tag.ptr, tag.len);
        h = part(h, num, (size_t)(n > 0 ? n : 0));
    }
    *key = part(h, method, strlen(method));
    return true;
}

bool sip4xx_txn_key_as(const sip4xx_msg_t *m, const char *method, uint64_t *key)
{
    tag_cache_t tc = { false, false, { NULL, 0 } };
    return txn_key_as(m, method, &tc, key);
}

static bool txn_key(const sip4xx_msg_t *m, tag_cache_t *tc, uint64_t *key)
{
    char method[SIP4XX_TOKEN_MAX];
    sip4xx_span_t meth = cseq_method(m);
    if (!meth.len)
        return false;
    copy_span(method, sizeof method, meth);
    /* An ACK to a non-2xx is part of the INVITE transaction (§17.1.1.3). */
    if (strcmp(method, "ACK") == 0)
        strcpy(method, "INVITE");
    return txn_key_as(m, method, tc, key);
}

bool sip4xx_txn_key(const sip4xx_msg_t *m, uint64_t *key)
{
    tag_cache_t tc = { false, false, { NULL, 0 } };
    return txn_key(m, &tc, key);
}

static bool to_uri(const sip4xx_msg_t *m, sip4xx_span_t *uri)
{
    if (!sip4xx_msg_has(m, SIP4XX_H_TO))
        return false;
    sip4xx_span_t v = m->value[SIP4XX_H_TO];
    const char *lt = memchr(v.ptr, '<', v.len);
    if (lt) {
        const char *gt = memchr(lt, '>', (size_t)(v.ptr + v.len - lt));
        if (!gt)
            return false;
        *uri = (sip4xx_span_t){ lt + 1, (uint32_t)(gt - lt - 1) };
    } else {
        sip4xx_span_t rest;
        split_at(v, ';', uri, &rest);
    }
    *uri = span_trim(*uri);
    return uri->len > 0;
}

static bool retry_key(const sip4xx_msg_t *m, tag_cache_t *tc, uint64_t *key)
{
    sip4xx_span_t aor, tag = { "", 0 };
    /* On a response, the request it answers is named by the CSeq method. */
    sip4xx_span_t method = m->kind == SIP4XX_MSG_REQUEST ? m->method : m->cseq_method;
    uint64_t h = HASH_START;
    if (m->kind == SIP4XX_MSG_UNPARSED || !method.len)
        return false;
    if (sip4xx_span_eq_ci(method, "REGISTER") && to_uri(m, &aor)) {
        /* A registration is retried to the same registrar for the same
         * address-of-record, and "All registrations from a UAC SHOULD use
         * the same Call-ID header field value for registrations sent to a
         * particular registrar" (RFC 3261 §10.2): a REGISTER under another
         * Call-ID is a registration of its own, not a retry. A response
         * carries no Request-URI: its key is the request's without it,
         * as the request's key is (both leave the registrar out). */
        if (!sip4xx_msg_has(m, SIP4XX_H_CALL_ID) || !m->value[SIP4XX_H_CALL_ID].len)
            return false;
        h = part(h, "R", 1);
        h = part(h, aor.ptr, aor.len);
        h = part(h, m->value[SIP4XX_H_CALL_ID].ptr, m->value[SIP4XX_H_CALL_ID].len);
    } else {
        if (!sip4xx_msg_has(m, SIP4XX_H_CALL_ID) || !m->value[SIP4XX_H_CALL_ID].len)
            return false;
        cached_from_tag(m, tc, &tag);
        h = part(h, "r", 1);
        h = part(h, m->value[SIP4XX_H_CALL_ID].ptr, m->value[SIP4XX_H_CALL_ID].len);
        h = part(h, tag.ptr, tag.len);
        h = part(h, method.ptr, method.len);
    }
    *key = h;
    return true;
}

bool sip4xx_retry_key(const sip4xx_msg_t *m, uint64_t *key)
{
    tag_cache_t tc = { false, false, { NULL, 0 } };
    return retry_key(m, &tc, key);
}

void sip4xx_keys_init(const sip4xx_msg_t *m, sip4xx_keys_t *k)
{
    memset(k, 0, sizeof *k);
    k->m = m;
    k->has_txn = txn_key(m, &k->tag, &k->txn);
    k->has_call = sip4xx_call_key(m, &k->call);
}

bool sip4xx_keys_retry(sip4xx_keys_t *k, uint64_t *key)
{
    if (!k->retry_done) {
        k->retry_done = true;
        k->has_retry = retry_key(k->m, &k->tag, &k->retry);
    }
    *key = k->retry;
    return k->has_retry;
}

bool sip4xx_keys_from_tag(sip4xx_keys_t *k, uint64_t *key)
{
    if (!k->from_tag_done) {
        sip4xx_span_t tag;
        k->from_tag_done = true;
        k->has_from_tag = cached_from_tag(k->m, &k->tag, &tag);
        if (k->has_from_tag)
            k->from_tag = hash_bytes(HASH_START, tag.ptr, tag.len, false);
    }
    *key = k->from_tag;
    return k->has_from_tag;
}

void sip4xx_keys_of(const sip4xx_msg_t *m, sip4xx_keys_t *k)
{
    uint64_t unused;
    sip4xx_keys_init(m, k);
    sip4xx_keys_retry(k, &unused);
    sip4xx_keys_from_tag(k, &unused);
}

/* ---------------------------------------------------------- summaries */

static uint64_t hash_bytes(uint64_t h, const char *p, size_t n, bool fold_case)
{
    /* Eight bytes per step (a multiply-xorshift mix, as in MurmurHash3's
     * finaliser): keys are taken on every message, and this is most of
     * their cost. Case folding, rare (unknown header names in the
     * fingerprint), goes byte by byte. */
    const uint64_t mul = 0xff51afd7ed558ccdull;
    if (!p)
        return h;
    if (fold_case) {
        for (size_t i = 0; i < n; i++) {
            h ^= (uint8_t)lower(p[i]);
            h *= 1099511628211ull;
        }
        return h;
    }
    h ^= (uint64_t)n * 0x9e3779b97f4a7c15ull;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * mul;
        h ^= h >> 33;
        p += 8;
        n -= 8;
    }
    uint64_t tail = 0;
    for (size_t i = 0; i < n; i++)
        tail |= (uint64_t)(uint8_t)p[i] << (8 * i);
    h = (h ^ tail) * mul;
    return h ^ (h >> 33);
}

/* Headers a retry changes by design (new branch, new CSeq) or that hops
 * and clocks rewrite; the rest of the request is what "without
 * modification" (RFC 3261 §21.4) compares. */
static const sip4xx_hset_t fingerprint_skip_ids =
    SIP4XX_HBIT(VIA) | SIP4XX_HBIT(CSEQ) | SIP4XX_HBIT(CONTENT_LENGTH) | SIP4XX_HBIT(MAX_FORWARDS) |
    SIP4XX_HBIT(RECORD_ROUTE);

static bool fingerprint_skips(sip4xx_header_id_t id, sip4xx_span_t name)
{
    if (id < SIP4XX_H__COUNT)
        return (fingerprint_skip_ids >> id) & 1u;
    /* Headers the core does not track, compared by name. */
    return sip4xx_span_eq_ci(name, "Date") || sip4xx_span_eq_ci(name, "Timestamp");
}

/* Realms compare as the text between the quotes, case-insensitively as
 * the lists do; by hash, so no length limit applies. */
static void realms_add(sip4xx_realms_t *r, sip4xx_span_t realm)
{
    uint64_t h = hash_bytes(HASH_START, realm.ptr, realm.len, true);
    for (uint8_t i = 0; i < r->n; i++)
        if (r->hash[i] == h)
            return;
    if (r->n < SIP4XX_REALMS_MAX)
        r->hash[r->n++] = h;
    else
        r->more = true;
    list_add(&r->text, realm);
}

/* Do a and b share a realm? */
static bool realms_common(const sip4xx_realms_t *a, const sip4xx_realms_t *b)
{
    for (uint8_t i = 0; i < a->n; i++)
        for (uint8_t j = 0; j < b->n; j++)
            if (a->hash[i] == b->hash[j])
                return true;
    return false;
}

static void realms_from(const sip4xx_msg_t *m, sip4xx_header_id_t id, sip4xx_realms_t *r, uint64_t *fp,
                        bool *stale)
{
    uint32_t cur = 0;
    sip4xx_span_t v, realm, st;
    memset(r, 0, sizeof *r);
    for (int guard = 0; guard < 32 && sip4xx_next_value(m, id, &cur, &v); guard++) {
        if (auth_param(v, "realm", &realm))
            realms_add(r, realm);
        if (fp)
            *fp = hash_bytes(*fp, v.ptr, v.len, false);
        if (stale && auth_param(v, "stale", &st) && sip4xx_span_eq_ci(st, "true"))
            *stale = true;
    }
}

/* What a summary gathers header by header; shared by the two entry
 * points below so that both give the same summary. */
typedef struct {
    sip4xx_req_summary_t *s;
    uint64_t headers_fp;     /* hash of the headers a retry should keep */
    uint64_t afp;            /* hash of the credentials */
} summary_walk_t;

static void summary_header(void *ctx, const sip4xx_msg_t *m, sip4xx_header_id_t id, sip4xx_span_t name,
                           sip4xx_span_t v)
{
    summary_walk_t *w = (summary_walk_t *)ctx;
    sip4xx_req_summary_t *s = w->s;
    sip4xx_span_t head, params, e, item, rest;
    (void)m;
    switch (id) {
    case SIP4XX_H_CONTENT_TYPE:     list_add_value(&s->content_type, v); break;
    case SIP4XX_H_CONTENT_ENCODING: list_add_value(&s->content_encoding, v); break;
    case SIP4XX_H_CONTENT_LANGUAGE: list_add_value(&s->content_language, v); break;
    case SIP4XX_H_REQUIRE:          list_add_value(&s->require, v); break;
    case SIP4XX_H_PROXY_REQUIRE:    list_add_value(&s->proxy_require, v); break;
    case SIP4XX_H_SUPPORTED:        list_add_value(&s->supported, v); break;
    case SIP4XX_H_SESSION_EXPIRES:
        split_at(v, ';', &head, &params);
        if (!s->has_session_expires)
            s->has_session_expires = to_u32(head, &s->session_expires);
        break;
    case SIP4XX_H_EXPIRES:
        if (!s->has_expires && !(s->has_expires = to_u32(v, &s->expires)))
            s->defects |= SIP4XX_DEFECT_EXPIRES;
        break;
    case SIP4XX_H_MAX_FORWARDS:
        if (!s->has_max_forwards && !(s->has_max_forwards = to_u32(v, &s->max_forwards)))
            s->defects |= SIP4XX_DEFECT_MAX_FORWARDS;
        /* Its value changes hop by hop, but gaining or losing the
         * header is a modification (a fix after 400, §8.1.1). */
        w->headers_fp = hash_bytes(w->headers_fp, "Max-Forwards", 12, false);
        break;
    case SIP4XX_H_CONTACT:
        /* The smallest ;expires= over every Contact entry (RFC 3261 §10.2.1.1). */
        rest = v;
        for (int guard = 0; rest.len && guard < 32; guard++) {
            uint32_t x;
            split_at(rest, ',', &item, &rest);
            if (param(header_params(item), "expires", &e) && to_u32(e, &x) &&
                (!s->has_contact_expires || x < s->contact_expires)) {
                s->has_contact_expires = true;
                s->contact_expires = x;
            }
        }
        break;
    case SIP4XX_H_AUTHORIZATION:
    case SIP4XX_H_PROXY_AUTHORIZATION:
        if (auth_param(v, "realm", &e))
            realms_add(id == SIP4XX_H_AUTHORIZATION ? &s->auth_realms : &s->proxy_auth_realms, e);
        w->afp = hash_bytes(w->afp, v.ptr, v.len, false);
        break;
    default:
        break;
    }
    if (fingerprint_skips(id, name))
        return;
    if (id == SIP4XX_H_FROM) {
        /* A new request gets a new From tag (RFC 3261 §8.1.1.3): what a
         * retry keeps is the address, not the tag. */
        sip4xx_span_t params = header_params(v);
        v.len = (uint32_t)(params.ptr && params.len ? params.ptr - v.ptr : v.len);
    }
    /* A known header by its id (its compact and long forms are the same
     * header, RFC 3261 §7.3.3), another by its name in any case. */
    if (id < SIP4XX_H__COUNT) {
        uint8_t tag = (uint8_t)id;
        w->headers_fp = hash_bytes(w->headers_fp, (const char *)&tag, 1, false);
    } else {
        w->headers_fp = hash_bytes(w->headers_fp, name.ptr, name.len, true);
    }
    w->headers_fp = hash_bytes(w->headers_fp, v.ptr, v.len, false);
}

/* What comes from the whole parsed model, once the headers are walked. */
static void summary_finish(const sip4xx_msg_t *m, size_t n_missing, const summary_walk_t *w)
{
    sip4xx_req_summary_t *s = w->s;
    copy_span(s->method, sizeof s->method, m->method);
    s->cseq = m->cseq_number;
    const char *colon = m->request_uri.len ? memchr(m->request_uri.ptr, ':', m->request_uri.len) : NULL;
    if (colon)
        copy_span(s->uri_scheme, sizeof s->uri_scheme,
                  (sip4xx_span_t){ m->request_uri.ptr, (uint32_t)(colon - m->request_uri.ptr) });
    s->uri_len = m->request_uri.len;
    s->in_dialog = m->to_tag;
    s->body_len = m->msg_len > m->header_len ? m->msg_len - m->header_len : 0;
    if (m->has_content_length && m->content_length > s->body_len)
        s->body_len = m->content_length;
    s->malformed = m->malformed;
    s->missing_rules = (uint32_t)n_missing;
    s->incomplete = m->truncated;
    if (m->cseq_method.len && m->method.len &&
        (m->cseq_method.len != m->method.len || memcmp(m->cseq_method.ptr, m->method.ptr, m->method.len) != 0))
        s->defects |= SIP4XX_DEFECT_CSEQ_METHOD;

    uint64_t h = hash_bytes(HASH_START, m->method.ptr ? m->method.ptr : "", m->method.len, false);
    h = hash_bytes(h, m->request_uri.ptr ? m->request_uri.ptr : "", m->request_uri.len, false);
    h = hash_bytes(h, (const char *)&w->headers_fp, sizeof w->headers_fp, false);
    if (m->msg_len > m->header_len && m->raw.ptr)
        h = hash_bytes(h, m->raw.ptr + m->header_len, m->msg_len - m->header_len, false);
    s->fingerprint = h;
    s->auth_fingerprint = w->afp;
}

void sip4xx_summarize_request(const sip4xx_msg_t *m, size_t n_missing, sip4xx_req_summary_t *s)
{
    summary_walk_t w = { s, HASH_START, HASH_START };
    memset(s, 0, sizeof *s);
    uint32_t cur = 0;
    sip4xx_span_t name, v;
    sip4xx_header_id_t id;
    while (sip4xx_next_header_id(m, &cur, &name, &v, &id))
        summary_header(&w, m, id, name, v);
    summary_finish(m, n_missing, &w);
}

uint32_t sip4xx_summarize_raw_request(const uint8_t *buf, size_t len, bool stream_transport, bool cut,
                                      size_t n_missing, sip4xx_req_summary_t *s)
{
    summary_walk_t w = { s, HASH_START, HASH_START };
    sip4xx_msg_t m;
    memset(s, 0, sizeof *s);
    m.stream_transport = stream_transport;
    m.cut = cut;
    uint32_t used = sip4xx_parse_each(buf, len, &m, summary_header, &w);
    summary_finish(&m, n_missing, &w);
    return used;
}

void sip4xx_summarize_response(const sip4xx_msg_t *m, sip4xx_resp_summary_t *s)
{
    memset(s, 0, sizeof *s);
    s->code = (uint16_t)m->code;
    sip4xx_header_id_t challenge = m->code == 407 ? SIP4XX_H_PROXY_AUTHENTICATE : SIP4XX_H_WWW_AUTHENTICATE;
    realms_from(m, challenge, &s->realms, NULL, &s->stale);
    if (sip4xx_msg_has(m, SIP4XX_H_MIN_EXPIRES))
        s->has_min_expires = to_u32(m->value[SIP4XX_H_MIN_EXPIRES], &s->min_expires);
    if (sip4xx_msg_has(m, SIP4XX_H_MIN_SE)) {
        sip4xx_span_t head, params;
        split_at(m->value[SIP4XX_H_MIN_SE], ';', &head, &params);
        s->has_min_se = to_u32(head, &s->min_se);
    }
    list_from(m, SIP4XX_H_UNSUPPORTED, &s->unsupported);
    list_from(m, SIP4XX_H_ACCEPT, &s->accept);
}

/* -------------------------------------------------------------- causes */

const char *sip4xx_cause_label(sip4xx_cause_class_t c)
{
    switch (c) {
#define SIP4XX_X_CAUSE(id, val, text) case SIP4XX_CAUSE_##id: return text;
    SIP4XX_CAUSE_LIST(SIP4XX_X_CAUSE)
#undef SIP4XX_X_CAUSE
    }
    return "Unknown";
}

const char *sip4xx_verdict_label(sip4xx_verdict_t v)
{
    switch (v) {
#define SIP4XX_X_VERDICT(id, val, text) case SIP4XX_VERDICT_##id: return text;
    SIP4XX_VERDICT_LIST(SIP4XX_X_VERDICT)
#undef SIP4XX_X_VERDICT
    }
    return "Unknown";
}

static const char *or_none(const char *s) { return s[0] ? s : "none"; }

/* First item of list a that fails pred against b; for the 415 check. */
static bool first_unaccepted(const char *types, const char *accept, char *out, size_t cap)
{
    const char *p = types;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char one[SIP4XX_LIST_MAX];
        if (n < sizeof one) {
            memcpy(one, p, n);
            one[n] = '\0';
            if (!media_accepted(accept, one)) {
                snprintf(out, cap, "%s", one);
                return true;
            }
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return false;
}

sip4xx_cause_class_t sip4xx_explain_cause(const sip4xx_req_summary_t *req, const sip4xx_msg_t *resp,
                                          const sip4xx_cause_ctx_t *ctx, char *out, size_t cap, bool *warn)
{
    sip4xx_resp_summary_t rs;
    sip4xx_summarize_response(resp, &rs);
    return sip4xx_explain_cause_with(req, resp, &rs, ctx, out, cap, warn);
}

sip4xx_cause_class_t sip4xx_explain_cause_with(const sip4xx_req_summary_t *req, const sip4xx_msg_t *resp,
                                               const sip4xx_resp_summary_t *rs, const sip4xx_cause_ctx_t *ctx,
                                               char *out, size_t cap, bool *warn)
{
    char items[SIP4XX_LIST_MAX * 2];
    sip4xx_list_t l;
    *warn = false;
    out[0] = '\0';

    /* Causes the state shows, with or without the request. */
    if (resp->code == 487 && req && strcmp(req->method, "CANCEL") == 0) {
        *warn = true;
        say(out, cap, "487 sent to a CANCEL: a CANCEL is answered with 200 or 481, the 487 goes to the INVITE (RFC 3261 §9.2)");
        return SIP4XX_CAUSE_CANCEL_TERMINATED;
    }
    if (resp->code == 487 && ctx->terminator_frame) {
        say(out, cap, "the %s in frame %u ended the request", ctx->terminator_method ? ctx->terminator_method : "CANCEL",
            ctx->terminator_frame);
        return SIP4XX_CAUSE_TERMINATED;
    }
    if (resp->code == 491 && ctx->glare_frame) {
        say(out, cap, "glare: the other side's request in frame %u was still pending in the same dialog (RFC 3261 §14.1)",
            ctx->glare_frame);
        return SIP4XX_CAUSE_GLARE;
    }
    if (resp->code == 481 && ctx->cancel_without_target) {
        say(out, cap, "the CANCEL matches no INVITE transaction in the capture");
        return SIP4XX_CAUSE_NO_TRANSACTION;
    }
    /* Past here the cause is read from the request's and the response's
     * headers: both must have been captured whole (a header past a cut is
     * unknown, not absent), and a cause is named only where the request
     * shows it. */
    if (!req || req->incomplete || resp->truncated)
        return SIP4XX_CAUSE_NONE;

    switch (resp->code) {
    case 400:
        if (req->malformed || req->missing_rules || req->defects) {
            say(out, cap, "the request %s%s%s%s%s%s",
                req->malformed ? "is malformed; " : "",
                req->missing_rules ? "lacks mandatory headers (see its frame); " : "",
                (req->defects & SIP4XX_DEFECT_CSEQ_METHOD) ? "has a CSeq method other than its method (RFC 3261 §8.1.1.5); " : "",
                (req->defects & SIP4XX_DEFECT_EXPIRES) ? "has an Expires that is not a number of seconds (RFC 3261 §20.19); " : "",
                (req->defects & SIP4XX_DEFECT_MAX_FORWARDS) ? "has a Max-Forwards that is not a number (RFC 3261 §20.22); " : "",
                "");
            size_t n = strlen(out);
            if (n >= 2 && out[n - 2] == ';')
                out[n - 2] = '\0';
            return SIP4XX_CAUSE_REQUEST_BROKEN;
        }
        break;
    case 401:
    case 407: {
        const sip4xx_realms_t *had = resp->code == 401 ? &req->auth_realms : &req->proxy_auth_realms;
        if (rs->stale) {
            say(out, cap, "stale nonce: the credentials were right but the nonce had expired (stale=true, RFC 2617 §3.2.1)");
            return SIP4XX_CAUSE_STALE_NONCE;
        }
        if (realms_common(had, &rs->realms)) {
            say(out, cap, "credentials for realm %s were rejected", rs->realms.text.s);
            return SIP4XX_CAUSE_CREDENTIALS_REJECTED;
        }
        if (rs->realms.n)
            say(out, cap, "first challenge: the request carried no %s for realm %s",
                resp->code == 401 ? "Authorization" : "Proxy-Authorization", rs->realms.text.s);
        else
            say(out, cap, "the request carried no %s", resp->code == 401 ? "Authorization" : "Proxy-Authorization");
        return SIP4XX_CAUSE_FIRST_CHALLENGE;
    }
    case 405: {
        list_from(resp, SIP4XX_H_ALLOW, &l);
        if (!sip4xx_msg_has(resp, SIP4XX_H_ALLOW))
            break;
        if (list_has(l.s, req->method, strlen(req->method))) {
            *warn = true;
            say(out, cap, "%s is listed in Allow (%s) yet refused", req->method, or_none(l.s));
            return SIP4XX_CAUSE_METHOD_IN_ALLOW;
        }
        say(out, cap, "%s is not in Allow (%s)", req->method, or_none(l.s));
        return SIP4XX_CAUSE_METHOD_NOT_ALLOWED;
    }
    case 413:
        /* Only a request with a body shows a body to be too large. */
        if (!req->body_len)
            break;
        say(out, cap, "the request body is %u bytes", req->body_len);
        return SIP4XX_CAUSE_BODY_TOO_LARGE;
    case 414:
        say(out, cap, "the Request-URI is %u characters long", req->uri_len);
        return SIP4XX_CAUSE_URI_TOO_LONG;
    case 415: {
        sip4xx_list_t enc, lang;
        list_from(resp, SIP4XX_H_ACCEPT_ENCODING, &enc);
        list_from(resp, SIP4XX_H_ACCEPT_LANGUAGE, &lang);
        if (sip4xx_msg_has(resp, SIP4XX_H_ACCEPT) && first_unaccepted(req->content_type.s, rs->accept.s, items, sizeof items)) {
            say(out, cap, "Content-Type %s is not in Accept (%s)", items, or_none(rs->accept.s));
            return SIP4XX_CAUSE_MEDIA_NOT_ACCEPTED;
        }
        if (sip4xx_msg_has(resp, SIP4XX_H_ACCEPT_ENCODING) && req->content_encoding.s[0]) {
            list_intersect(req->content_encoding.s, enc.s, items, sizeof items);
            if (!items[0]) {
                say(out, cap, "Content-Encoding %s is not in Accept-Encoding (%s)", req->content_encoding.s, or_none(enc.s));
                return SIP4XX_CAUSE_MEDIA_NOT_ACCEPTED;
            }
        }
        if (sip4xx_msg_has(resp, SIP4XX_H_ACCEPT_LANGUAGE) && req->content_language.s[0]) {
            list_intersect(req->content_language.s, lang.s, items, sizeof items);
            if (!items[0]) {
                say(out, cap, "Content-Language %s is not in Accept-Language (%s)", req->content_language.s, or_none(lang.s));
                return SIP4XX_CAUSE_MEDIA_NOT_ACCEPTED;
            }
        }
        break;
    }
    case 416:
        /* Every SIP element supports the sip scheme (RFC 3261 §19.1): a
         * sip: Request-URI does not show why. */
        if (eq_ci(req->uri_scheme, "sip", 4))
            break;
        say(out, cap, "the Request-URI scheme is \"%s\"", or_none(req->uri_scheme));
        return SIP4XX_CAUSE_URI_SCHEME;
    case 420: {
        char both[SIP4XX_LIST_MAX * 2 + 2];
        snprintf(both, sizeof both, "%s%s%s", req->require.s, req->require.s[0] && req->proxy_require.s[0] ? "," : "",
                 req->proxy_require.s);
        list_intersect(both, rs->unsupported.s, items, sizeof items);
        if (items[0]) {
            say(out, cap, "option tag %s from the request's Require/Proxy-Require is Unsupported", items);
            return SIP4XX_CAUSE_EXTENSION_UNSUPPORTED;
        }
        break;
    }
    case 421: {
        /* RFC 3261 §21.4.16: an extension the request did not list in
         * Supported; where it listed them all, the request does not show why. */
        list_from(resp, SIP4XX_H_REQUIRE, &l);
        list_filter(l.s, req->supported.s, false, items, sizeof items);
        if (!items[0])
            break;
        say(out, cap, "the server requires %s, which the request's Supported (%s) does not list", items,
            or_none(req->supported.s));
        return SIP4XX_CAUSE_EXTENSION_REQUIRED;
    }
    case 422:
        if (rs->has_min_se && req->has_session_expires && req->session_expires < rs->min_se) {
            say(out, cap, "Session-Expires %u is below Min-SE %u; the request %s Supported: timer",
                req->session_expires, rs->min_se, list_has(req->supported.s, "timer", 5) ? "said" : "did not say");
            return SIP4XX_CAUSE_SESSION_TOO_SMALL;
        }
        break;
    case 423:
        if (rs->has_min_expires && (req->has_contact_expires || req->has_expires)) {
            uint32_t asked = req->has_contact_expires ? req->contact_expires : req->expires;
            if (asked == 0 || asked >= rs->min_expires)
                break;
            say(out, cap, "%s %u is below Min-Expires %u", req->has_contact_expires ? "Contact expires" : "Expires",
                asked, rs->min_expires);
            return SIP4XX_CAUSE_EXPIRES_TOO_BRIEF;
        }
        break;
    case 483:
        /* RFC 3261 §16.3 item 2, §21.4.21: 483 answers Max-Forwards zero. A
         * request sent with more hops left ran out further on (a loop
         * beyond the server): it does not show the cause. */
        if (req->has_max_forwards && req->max_forwards == 0) {
            say(out, cap, "the request arrived with Max-Forwards %u", req->max_forwards);
            return SIP4XX_CAUSE_MAX_FORWARDS;
        }
        break;
    case 481:
        if (req->in_dialog) {
            say(out, cap, "the %s was sent inside a dialog (its To has a tag) the server does not know", req->method);
            return SIP4XX_CAUSE_NO_TRANSACTION;
        }
        break;
    default:
        break;
    }
    return SIP4XX_CAUSE_NONE;
}

/* ------------------------------------------------------------- verdict */

void sip4xx_attempt_of(const sip4xx_req_summary_t *req, sip4xx_attempt_t *out)
{
    out->fingerprint = req->fingerprint;
    out->auth_fingerprint = req->auth_fingerprint;
    out->had_auth = req->auth_realms.n > 0;
    out->had_proxy_auth = req->proxy_auth_realms.n > 0;
}

bool sip4xx_verdict_is_violation(sip4xx_verdict_t v)
{
    return v != SIP4XX_VERDICT_NONE && v != SIP4XX_VERDICT_FOLLOWED;
}

sip4xx_verdict_t sip4xx_judge_retry(const sip4xx_attempt_t *orig, const sip4xx_resp_summary_t *resp,
                                    const sip4xx_req_summary_t *retry, int64_t gap_ms, int call_id_owner,
                                    char *out, size_t cap)
{
    const sip4xx_code_t *row = sip4xx_code_lookup(resp->code);
    const sip4xx_code_t *ex = row ? row : sip4xx_code_fallback(resp->code);
    bool unmodified = orig->fingerprint == retry->fingerprint;
    char items[SIP4XX_LIST_MAX * 2];

    switch (resp->code) {
    case 401:
    case 407: {
        const sip4xx_realms_t *now = resp->code == 401 ? &retry->auth_realms : &retry->proxy_auth_realms;
        bool had = resp->code == 401 ? orig->had_auth : orig->had_proxy_auth;
        bool answered = realms_common(now, &resp->realms);
        if (!answered && resp->realms.n) {
            say(out, cap, "the retry has no %s for realm %s (RFC 3261 §22.2, §22.3)",
                resp->code == 401 ? "Authorization" : "Proxy-Authorization", resp->realms.text.s);
            return SIP4XX_VERDICT_NO_CREDENTIALS;
        }
        if (had && retry->auth_fingerprint == orig->auth_fingerprint && !resp->stale) {
            say(out, cap, "the retry repeats the credentials the server just rejected");
            return SIP4XX_VERDICT_SAME_CREDENTIALS;
        }
        say(out, cap, "retried with credentials for realm %s", answered ? resp->realms.text.s : "none");
        return SIP4XX_VERDICT_FOLLOWED;
    }
    case 423:
        if (resp->has_min_expires && (retry->has_contact_expires || retry->has_expires)) {
            uint32_t asked = retry->has_contact_expires ? retry->contact_expires : retry->expires;
            if (asked < resp->min_expires && asked != 0) {
                say(out, cap, "the retry asks %u, still below Min-Expires %u (RFC 3261 §10.2.8)", asked, resp->min_expires);
                return SIP4XX_VERDICT_STILL_TOO_BRIEF;
            }
            say(out, cap, "the retry asks %u, at least Min-Expires %u", asked, resp->min_expires);
            return SIP4XX_VERDICT_FOLLOWED;
        }
        break;
    case 422:
        if (resp->has_min_se && retry->has_session_expires) {
            if (retry->session_expires < resp->min_se) {
                say(out, cap, "the retry's Session-Expires %u is still below Min-SE %u (RFC 4028 §7.4)",
                    retry->session_expires, resp->min_se);
                return SIP4XX_VERDICT_STILL_TOO_SMALL;
            }
            say(out, cap, "the retry's Session-Expires %u is at least Min-SE %u", retry->session_expires, resp->min_se);
            return SIP4XX_VERDICT_FOLLOWED;
        }
        break;
    case 420: {
        char both[SIP4XX_LIST_MAX * 2 + 2];
        snprintf(both, sizeof both, "%s%s%s", retry->require.s, retry->require.s[0] && retry->proxy_require.s[0] ? "," : "",
                 retry->proxy_require.s);
        list_intersect(both, resp->unsupported.s, items, sizeof items);
        if (items[0]) {
            say(out, cap, "the retry still requires %s, which the server listed as Unsupported (RFC 3261 §8.1.3.5)", items);
            return SIP4XX_VERDICT_STILL_UNSUPPORTED;
        }
        if (resp->unsupported.s[0]) {
            say(out, cap, "the retry dropped %s", resp->unsupported.s);
            return SIP4XX_VERDICT_FOLLOWED;
        }
        break;
    }
    case 415:
        if (resp->accept.s[0] && retry->content_type.s[0]) {
            if (first_unaccepted(retry->content_type.s, resp->accept.s, items, sizeof items)) {
                say(out, cap, "the retry's Content-Type %s is still not in Accept (%s) (RFC 3261 §8.1.3.5)", items,
                    resp->accept.s);
                return SIP4XX_VERDICT_STILL_UNACCEPTED;
            }
            say(out, cap, "the retry uses an accepted type (%s)", retry->content_type.s);
            return SIP4XX_VERDICT_FOLLOWED;
        }
        break;
    case 491: {
        /* RFC 3261 §14.1: the Call-ID's owner waits 2.1-4 s, the other
         * side 0-2 s; unknown owner: anything from 0 s is plausible, so
         * only an owner retrying before 2.1 s is flagged. */
        if (call_id_owner == 1 && gap_ms < 2100) {
            say(out, cap, "retried after %lld ms; the Call-ID owner waits 2.1 to 4 s (RFC 3261 §14.1)", (long long)gap_ms);
            return SIP4XX_VERDICT_NO_BACKOFF;
        }
        say(out, cap, "retried after %lld ms", (long long)gap_ms);
        return SIP4XX_VERDICT_FOLLOWED;
    }
    default:
        break;
    }
    if (unmodified && resp->code == 403) {
        say(out, cap, "the same request was sent again after 403; it SHOULD NOT be repeated (RFC 3261 §21.4.4)");
        return SIP4XX_VERDICT_REPEATED_FORBIDDEN;
    }
    if (unmodified && ex && ex->action != SIP4XX_ACTION_RETRY_LATER && ex->action != SIP4XX_ACTION_BACK_OFF) {
        say(out, cap, "retried without modification after %u; a client SHOULD NOT (RFC 3261 §21.4)", resp->code);
        return SIP4XX_VERDICT_UNMODIFIED;
    }
    say(out, cap, unmodified ? "retried unchanged, which %u allows" : "retried with changes", resp->code);
    return SIP4XX_VERDICT_FOLLOWED;
}
