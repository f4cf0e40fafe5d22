/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — bounded lists of header items and realms (see lists.h). */
#include "lists.h"

#include <stdio.h>
#include <string.h>

#include "sip4xx/text.h"

/* Bounded, NUL-terminated copy of a span, safe to show (sip4xx/text.h). */
void sip4xx_copy_span(char *dst, size_t cap, sip4xx_span_t s)
{
    sip4xx_text_clean(dst, cap, s.ptr, s.len);
}

void sip4xx_list_add(sip4xx_list_t *l, sip4xx_span_t item)
{
    item = sip4xx_span_trim(item);
    if (!item.len)
        return;
    size_t used = l->s[0] ? strlen(l->s) : 0;
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

/* Whether v holds none of '"', '<', ',' and ';', eight bytes a step: then
 * it is one item without parameters (most values: a media type, an
 * option tag). A byte equal to c makes (x - ones) & ~x & highs, with x =
 * w ^ c in every byte, nonzero, and only such a byte does. */
static bool one_plain_item(sip4xx_span_t v)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    if (v.len < 8) {
        for (uint32_t i = 0; i < v.len; i++)
            if (v.ptr[i] == '"' || v.ptr[i] == '<' || v.ptr[i] == ',' || v.ptr[i] == ';')
                return false;
        return true;
    }
    for (uint32_t i = 0; i < v.len; i += 8) {
        uint64_t w, q, a, c, s;
        /* The last word ends where v ends (it may go over bytes seen). */
        memcpy(&w, v.ptr + (i + 8 <= v.len ? i : v.len - 8), 8);
        q = w ^ (ones * '"');
        a = w ^ (ones * '<');
        c = w ^ (ones * ',');
        s = w ^ (ones * ';');
        if ((((q - ones) & ~q) | ((a - ones) & ~a) | ((c - ones) & ~c) | ((s - ones) & ~s)) & highs)
            return false;
    }
    return true;
}

/* Items of one header value into a list: comma-separated, ;parameters
 * dropped. */
void sip4xx_list_add_value(sip4xx_list_t *l, sip4xx_span_t v)
{
    if (v.len && one_plain_item(v)) {
        /* What the walk below gives such a value: the one item, whole. */
        sip4xx_list_add(l, v);
        return;
    }
    sip4xx_span_t item, rest = v;
    /* A value with no quoted string and no '<' (most: option tags, media
     * types) splits where memchr finds the separators, as split_at would. */
    bool plain = v.len && !memchr(v.ptr, '"', v.len) && !memchr(v.ptr, '<', v.len);
    for (int guard = 0; rest.len && guard < 64; guard++) {
        sip4xx_span_t bare, params;
        if (plain) {
            const char *comma = memchr(rest.ptr, ',', rest.len);
            item = (sip4xx_span_t){ rest.ptr, comma ? (uint32_t)(comma - rest.ptr) : rest.len };
            rest = comma ? (sip4xx_span_t){ comma + 1, (uint32_t)(rest.ptr + rest.len - comma - 1) }
                         : (sip4xx_span_t){ rest.ptr + rest.len, 0 };
            const char *semi = item.len ? memchr(item.ptr, ';', item.len) : NULL;
            bare = (sip4xx_span_t){ item.ptr, semi ? (uint32_t)(semi - item.ptr) : item.len };
        } else {
            sip4xx_split_at(rest, ',', &item, &rest);
            sip4xx_split_at(item, ';', &bare, &params);
        }
        sip4xx_list_add(l, bare);
    }
}

/* Every comma-separated item of every occurrence of header id, without
 * its ;parameters. */
void sip4xx_list_from(const sip4xx_msg_t *m, sip4xx_header_id_t id, sip4xx_list_t *l)
{
    uint32_t cur = 0;
    sip4xx_span_t v;
    memset(l, 0, sizeof *l);
    for (int guard = 0; guard < 64 && sip4xx_next_value(m, id, &cur, &v); guard++)
        sip4xx_list_add_value(l, v);
}

/* Is item one of the comma-separated items of list? Option tags, media
 * types and codings compare case-insensitively (RFC 3261 §19.2, §20.1),
 * methods exactly (§7.1); the text keeps its case. */
static bool list_find(const char *list, const char *item, size_t item_len, bool fold_case)
{
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == item_len && (fold_case ? sip4xx_eq_ci(p, item, n) : memcmp(p, item, n) == 0))
            return true;
        if (!comma)
            break;
        p = comma + 1;
    }
    return false;
}

bool sip4xx_list_has(const char *list, const char *item, size_t item_len)
{
    return list_find(list, item, item_len, true);
}

/* Media type accepted by an Accept list, ranges included (any type, any subtype). */
bool sip4xx_media_accepted(const char *accept, const char *type)
{
    if (sip4xx_list_has(accept, type, strlen(type)) || sip4xx_list_has(accept, "*/*", 3))
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
    return sip4xx_list_has(accept, range, n + 1);
}

/* Items of a that appear in b (in_b) or do not (!in_b), into out,
 * separated by ", ". */
void sip4xx_list_filter(const char *a, const char *b, bool in_b, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    const char *p = a;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (sip4xx_list_has(b, p, n) == in_b && used + n + 2 < cap) {
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

void sip4xx_list_intersect(const char *a, const char *b, char *out, size_t cap)
{
    sip4xx_list_filter(a, b, true, out, cap);
}

/* Realms compare as the text between the quotes, case-insensitively as
 * the lists do; by hash, so no length limit applies. */
void sip4xx_realms_add(sip4xx_realms_t *r, sip4xx_span_t realm)
{
    uint64_t h = sip4xx_hash_bytes(SIP4XX_HASH_START, realm.ptr, realm.len, true);
    for (uint8_t i = 0; i < r->n; i++)
        if (r->hash[i] == h)
            return;
    if (r->n < SIP4XX_REALMS_MAX)
        r->hash[r->n++] = h;
    else
        r->more = true;
    sip4xx_list_add(&r->text, realm);
}

/* Do a and b share a realm? */
bool sip4xx_realms_common(const sip4xx_realms_t *a, const sip4xx_realms_t *b)
{
    for (uint8_t i = 0; i < a->n; i++)
        for (uint8_t j = 0; j < b->n; j++)
            if (a->hash[i] == b->hash[j])
                return true;
    return false;
}

void sip4xx_realms_from(const sip4xx_msg_t *m, sip4xx_header_id_t id, sip4xx_realms_t *r, uint64_t *fp,
                        bool *stale)
{
    uint32_t cur = 0;
    sip4xx_span_t v, realm, st;
    memset(r, 0, sizeof *r);
    for (int guard = 0; guard < 32 && sip4xx_next_value(m, id, &cur, &v); guard++) {
        if (sip4xx_auth_param(v, "realm", &realm))
            sip4xx_realms_add(r, realm);
        if (fp)
            *fp = sip4xx_hash_bytes(*fp, v.ptr, v.len, false);
        if (stale && sip4xx_auth_param(v, "stale", &st) && sip4xx_span_eq_ci(st, "true"))
            *stale = true;
    }
}

/* First item of list a that fails pred against b; for the 415 check. */
bool sip4xx_first_unaccepted(const char *types, const char *accept, char *out, size_t cap)
{
    const char *p = types;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char one[SIP4XX_LIST_MAX];
        if (n < sizeof one) {
            memcpy(one, p, n);
            one[n] = '\0';
            if (!sip4xx_media_accepted(accept, one)) {
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

bool sip4xx_list_has_method(const char *list, const char *method)
{
    return list_find(list, method, strlen(method), false);
}
