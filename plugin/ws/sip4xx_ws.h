/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — shared between the Wireshark-facing files: the per-frame record
 * the first pass computes and every pass renders, the correlation state,
 * and the registered ids. */
#ifndef SIP4XX_WS_H
#define SIP4XX_WS_H

#include <epan/packet.h>
#include <epan/expert.h>

#include "compat.h"

#include "sip4xx/checks.h"
#include "sip4xx/engine.h"
#include "sip4xx/txn.h"

/* What sip4xx keeps about one SIP message, in file scope. Rendering needs
 * nothing else, so later passes (tshark -2, a click in the GUI) show
 * exactly what the first pass found. Links to later frames (response_in,
 * retry_in) are filled in when those frames are dissected, so they show
 * from the second pass on. */
typedef struct {
    guint32 start, len;       /* span in the frame's own tvb; len 0 when the
                                 message lives in a reassembled/decrypted tvb */
    guint32 request_in;       /* on a response: the request's frame */
    union {
        guint32 response_in;    /* on a request answered by a 4xx: that response's frame */
        guint32 first_final_in; /* on a second final response: the transaction's first */
    };
    guint32 retry_in;         /* on a 4xx: the client's next request of the same kind */
    guint32 retry_of;         /* on that request: the 4xx it reacts to */
    gint32 delta_secs;        /* request to response, when request_in is set */
    gint32 delta_nsecs;
    guint16 code;             /* responses */
    guint16 malformed;        /* sip4xx_malformed_t */
    guint16 ordinal;          /* index among the frame's SIP messages */
    guint8 kind;              /* sip4xx_msg_kind_t */
    guint8 duplicate;         /* with SIP4XX_MAL_DUPLICATE: the repeated header's id */
    guint8 n_findings;
    guint8 cause_class;       /* sip4xx_cause_class_t */
    guint8 verdict;           /* sip4xx_verdict_t: on a 4xx and on its retry */
    guint8 flags;             /* SIP4XX_REC_* */
    guint8 method;            /* on a 4xx: the CSeq method, sip4xx_method_label() */
    guint16 *findings;        /* rule indexes, n_findings of them */
    const char *reason_sent;  /* Reason-Phrase when it differs from the registered one */
    const char *cause;        /* sentence, or NULL */
    const char *verdict_text; /* sentence, or NULL */
} sip4xx_msg_record_t;

/* The decoded form: records.c keeps each packed to the fields it has. */
G_STATIC_ASSERT(sizeof(sip4xx_msg_record_t) <= 80);

/* The engine's outcome flags are the record's (SIP4XX_OUT_*, engine.h). */
#define SIP4XX_REC_NO_REQUEST  SIP4XX_OUT_NO_REQUEST
#define SIP4XX_REC_STATE_LIMIT SIP4XX_OUT_STATE_LIMIT
#define SIP4XX_REC_CAUSE_WARN  SIP4XX_OUT_CAUSE_WARN
#define SIP4XX_REC_RETRANSMIT  SIP4XX_OUT_RETRANSMIT
#define SIP4XX_REC_SECOND_FINAL SIP4XX_OUT_SECOND_FINAL
#define SIP4XX_REC_TRUNCATED   0x10   /* its header section was not captured whole */
#define SIP4XX_REC_ADVICE_LACKS 0x20  /* a 4xx lacking the header its code's advice relies on */

/* SIP messages analysed in one frame: the ordinal is 16 bits. A SIP start
 * line alone takes 16 bytes or more, so no frame Wireshark can hold (a
 * 64 KiB segment, with the messages that reassembly ends in it) comes near
 * this many: every message of a frame is analysed. */
#define SIP4XX_MAX_MSGS_PER_FRAME 65535u

typedef struct {
    guint16 n_msgs;
    guint16 cap;
    sip4xx_msg_record_t msgs[];   /* in one block with the count: most frames hold one */
} sip4xx_frame_record_t;

typedef struct {
    int proto;
    int hf_code, hf_reason, hf_reason_sent, hf_registered, hf_rfc, hf_section;
    int hf_meaning, hf_advice, hf_action, hf_missing, hf_missing_ref;
    int hf_request_in, hf_response_in, hf_time, hf_cause, hf_cause_class;
    int hf_retry_in, hf_retry_of, hf_reaction, hf_reaction_ok, hf_reaction_text, hf_truncated;
    int hf_first_final_in, hf_missing_count;
    gint ett, ett_missing;
    expert_field ei_must, ei_should, ei_explained, ei_challenge, ei_unregistered, ei_malformed;
    expert_field ei_no_request, ei_cause, ei_cause_warn, ei_retry_violation, ei_retry_unmodified,
                 ei_state_limit, ei_truncated, ei_second_final;
    int tap;
    /* Preferences. */
    guint max_open_per_call;
    guint max_open_total;
    guint max_dialogs;
    sip4xx_pref_bool_t show_should;        /* SHOULD-level findings (notes) */
    sip4xx_pref_bool_t check_general;      /* headers every request/response needs */
    sip4xx_pref_bool_t check_code;         /* each 4xx code's own headers */
    sip4xx_pref_bool_t check_malformed;    /* message syntax */
    sip4xx_pref_bool_t analyse_exchange;   /* links, causes, reactions */
    sip4xx_pref_bool_t info_meaning;       /* the meaning in the Info column too */
} sip4xx_ids_t;

/* Whether a rule's findings are shown, given the preferences. Records keep
 * every finding, so changing a preference only re-renders. */
gboolean sip4xx_rule_shown(guint16 rule);
/* How many of a record's findings are shown. */
guint sip4xx_shown_findings(const sip4xx_msg_record_t *r);

extern sip4xx_ids_t sip4xx_ids;

/* extract.c: read the SIP messages of this frame (first pass only); the
 * protocol ids it needs, looked up in handoff. */
void sip4xx_extract_handoff(void);
/* Appends the protocol ids extract.c needs in the tree to the wanted list. */
void sip4xx_extract_wanted(GArray *wanted);
sip4xx_frame_record_t *sip4xx_extract_frame(tvbuff_t *frame_tvb, packet_info *pinfo,
                                            proto_tree *tree, int proto_sip, int proto_data);

/* state.c: per-file correlation state; the engine's allocator over
 * file-scope wmem. */
extern const sip4xx_allocator_t sip4xx_file_allocator;
void sip4xx_state_init(void);
void sip4xx_state_cleanup(void);

/* records.c: the per-frame records, kept compact. A frame's records,
 * decoded for rendering (valid until the end of the packet), or NULL. On
 * the first pass, this also ends the frame: its records are kept. */
sip4xx_frame_record_t *sip4xx_state_record(guint32 frame);
/* First pass: slot for message `ordinal` of the frame being read, created
 * when missing; kept when sip4xx_state_record ends the frame. */
sip4xx_msg_record_t *sip4xx_state_msg(guint32 frame, guint16 ordinal);
/* First pass: a later message changes message `ordinal` of `frame` (fn
 * gets its slot, created when missing). */
void sip4xx_records_update(guint32 frame, guint16 ordinal, void (*fn)(sip4xx_msg_record_t *r, const void *arg),
                           const void *arg);
void sip4xx_records_init(void);
/* The packet scope decoded records use (pinfo->pool), set per frame. */
void sip4xx_records_packet(wmem_allocator_t *pool);
void sip4xx_records_cleanup(void);
/* Whether the open transaction a response answers was opened by a request
 * seen outside a dialog (no To tag); FALSE when that request is unknown. */
gboolean sip4xx_state_request_out_of_dialog(packet_info *pinfo, const sip4xx_msg_t *m);
/* Correlate one parsed message (first pass); fills the link/cause/verdict
 * members of r. */
void sip4xx_state_track(packet_info *pinfo, const sip4xx_msg_t *m, const sip4xx_req_summary_t *req,
                        size_t n_missing, sip4xx_msg_record_t *r);

/* render.c: findings -> tree items, expert infos, Info column, tap. */
void sip4xx_render_frame(const sip4xx_frame_record_t *rec, tvbuff_t *frame_tvb,
                         packet_info *pinfo, proto_tree *tree);
/* Frees what render.c keeps for the process (registered as a shutdown routine). */
void sip4xx_render_shutdown(void);

/* What the statistics tree reads from the tap, one per message. */
typedef struct {
    const sip4xx_msg_record_t *rec;
} sip4xx_tap_info_t;

/* stats.c: the statistics tree (Statistics › SIP 4xx, -z sip4xx,tree). */
void sip4xx_register_stats(void);
/* stats_table.c: the per-code table (Telephony › SIP 4xx, -z sip4xx,stat). */
void sip4xx_register_stats_table(void);

#endif
