/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the byte strings the plugin packs what it keeps into: a
 * request's summary while its transaction is open (core/packed.c) and a
 * frame's records (ws/records.c). Numbers are written seven bits a byte,
 * low bits first (most are below 16384: two bytes); other values as their
 * bytes, in native order (the bytes never leave the process).
 *
 * The writer trusts its caller to have room (each packer bounds what it
 * writes). The reader is bounded: past the end it reads zeros and stops
 * advancing its input, so a short or damaged string decodes to empty
 * fields, never to a read out of bounds. */
#ifndef SIP4XX_BYTES_H
#define SIP4XX_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint8_t *p;
    size_t used;
} sip4xx_out_t;

static inline void sip4xx_put(sip4xx_out_t *o, const void *v, size_t n)
{
    memcpy(o->p + o->used, v, n);
    o->used += n;
}

static inline void sip4xx_put_u8(sip4xx_out_t *o, uint8_t v)
{
    o->p[o->used++] = v;
}

static inline void sip4xx_put_varint(sip4xx_out_t *o, uint32_t v)
{
    while (v >= 0x80) {
        o->p[o->used++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    o->p[o->used++] = (uint8_t)v;
}

/* The bytes sip4xx_put_varint writes for v. */
static inline size_t sip4xx_varint_size(uint32_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

typedef struct {
    const uint8_t *p;
    size_t n, at;
} sip4xx_in_t;

static inline void sip4xx_get(sip4xx_in_t *in, void *v, size_t n)
{
    size_t have = in->at < in->n ? in->n - in->at : 0;
    size_t k = n < have ? n : have;
    memcpy(v, in->p + in->at, k);
    memset((uint8_t *)v + k, 0, n - k);
    in->at += k;
}

static inline uint8_t sip4xx_get_u8(sip4xx_in_t *in)
{
    return in->at < in->n ? in->p[in->at++] : 0;
}

static inline uint32_t sip4xx_get_varint(sip4xx_in_t *in)
{
    uint32_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        uint8_t b = sip4xx_get_u8(in);
        v |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
    }
    return v;
}

#endif
