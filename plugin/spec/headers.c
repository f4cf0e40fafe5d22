/* sip4xx — header names and compact forms, generated from headers.h. */
#include "sip4xx/headers.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    const char *name;
    uint8_t name_len;
    char compact;     /* lower-case compact form, or 0 */
} header_row_t;

static const header_row_t header_rows[SIP4XX_H__COUNT] = {
#define SIP4XX_X_ROW(id, name, compact, rfc) \
    [SIP4XX_H_##id] = { name, (uint8_t)(sizeof(name) - 1), compact },
    SIP4XX_HEADER_LIST(SIP4XX_X_ROW)
#undef SIP4XX_X_ROW
};

_Static_assert(SIP4XX_H__COUNT <= 64, "sip4xx_hset_t holds at most 64 header ids");

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

const char *sip4xx_header_name(sip4xx_header_id_t id)
{
    return ((unsigned)id < SIP4XX_H__COUNT) ? header_rows[id].name : NULL;
}

/* Long names by (length, first letter, last letter), folded into a small
 * table built on first use: a lookup compares one or two candidates, not
 * the whole list. Built from header_rows, so it can never disagree. */
#define BUCKETS 128u
#define PER_BUCKET 4u
static uint8_t bucket[BUCKETS][PER_BUCKET];   /* id + 1; 0 ends a bucket */
static bool bucket_ready;

static unsigned bucket_of(const char *name, size_t len)
{
    return ((unsigned)len * 7u + (unsigned)(uint8_t)ascii_lower(name[0]) * 3u +
            (unsigned)(uint8_t)ascii_lower(name[len - 1])) % BUCKETS;
}

static bool build_buckets(void)
{
    for (unsigned i = 0; i < SIP4XX_H__COUNT; i++) {
        uint8_t *b = bucket[bucket_of(header_rows[i].name, header_rows[i].name_len)];
        unsigned k = 0;
        while (k < PER_BUCKET && b[k])
            k++;
        if (k == PER_BUCKET)
            return false;                 /* too crowded: fall back to the scan */
        b[k] = (uint8_t)(i + 1);
    }
    return true;
}

static bool same_name(const header_row_t *row, const char *name, size_t len)
{
    if (row->name_len != len)
        return false;
    /* RFC 3261 §7.3.1: header field names are case-insensitive. */
    for (size_t k = 0; k < len; k++)
        if (ascii_lower(row->name[k]) != ascii_lower(name[k]))
            return false;
    return true;
}

sip4xx_header_id_t sip4xx_header_lookup(const char *name, size_t len)
{
    static bool use_buckets;
    if (!bucket_ready) {
        use_buckets = build_buckets();
        bucket_ready = true;
    }
    if (len > 1 && use_buckets) {
        const uint8_t *b = bucket[bucket_of(name, len)];
        for (unsigned k = 0; k < PER_BUCKET && b[k]; k++)
            if (same_name(&header_rows[b[k] - 1], name, len))
                return (sip4xx_header_id_t)(b[k] - 1);
        return SIP4XX_H__COUNT;
    }
    return sip4xx_header_scan(name, len);
}

sip4xx_header_id_t sip4xx_header_scan(const char *name, size_t len)
{
    if (len == 1) {
        /* RFC 3261 §7.3.3: compact forms are single letters, any case. */
        char c = ascii_lower(name[0]);
        for (unsigned i = 0; i < SIP4XX_H__COUNT; i++)
            if (header_rows[i].compact == c)
                return (sip4xx_header_id_t)i;
        return SIP4XX_H__COUNT;
    }
    for (unsigned i = 0; i < SIP4XX_H__COUNT; i++)
        if (same_name(&header_rows[i], name, len))
            return (sip4xx_header_id_t)i;
    return SIP4XX_H__COUNT;
}
