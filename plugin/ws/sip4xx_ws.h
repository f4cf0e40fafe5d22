/* sip4xx — shared between the Wireshark-facing files: the per-frame record
 * the first pass computes and every pass renders, and the registered ids. */
#ifndef SIP4XX_WS_H
#define SIP4XX_WS_H

#include <epan/packet.h>
#include <epan/expert.h>

#include "sip4xx/checks.h"

/* What sip4xx keeps about one SIP message, in file scope. Rendering needs
 * nothing else, so later passes (tshark -2, a click in the GUI) show
 * exactly what the first pass found. */
typedef struct {
    guint32 start, len;       /* span in the frame's own tvb; len 0 when the
                                 message lives in a reassembled/decrypted tvb */
    guint8 kind;              /* sip4xx_msg_kind_t */
    guint16 code;             /* responses */
    guint16 malformed;        /* sip4xx_malformed_t */
    guint8 n_findings;
    guint16 *findings;        /* rule indexes, n_findings of them */
    const char *reason_sent;  /* Reason-Phrase when it differs from the registered one */
} sip4xx_msg_record_t;

typedef struct {
    guint n_msgs;
    sip4xx_msg_record_t *msgs;
} sip4xx_frame_record_t;

typedef struct {
    int proto;
    int hf_code, hf_reason, hf_reason_sent, hf_registered, hf_rfc, hf_section;
    int hf_meaning, hf_advice, hf_action, hf_missing, hf_missing_ref;
    gint ett, ett_missing;
    expert_field ei_must, ei_should, ei_explained, ei_challenge, ei_unregistered, ei_malformed;
} sip4xx_ids_t;

extern sip4xx_ids_t sip4xx_ids;

/* extract.c: read the SIP messages of this frame (first pass only). */
sip4xx_frame_record_t *sip4xx_extract_frame(tvbuff_t *frame_tvb, packet_info *pinfo,
                                            proto_tree *tree, int proto_sip, int proto_data);

/* render.c: findings -> tree items, expert infos, Info column. */
void sip4xx_render_frame(const sip4xx_frame_record_t *rec, tvbuff_t *frame_tvb,
                         packet_info *pinfo, proto_tree *tree);

#endif
