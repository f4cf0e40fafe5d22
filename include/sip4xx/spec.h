/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — what the specifications say, as data.
 *
 * Tables: one row per IANA-registered 4xx response code
 * (plugin/spec/codes.c: reason, RFC section, meaning, advice), one row per
 * header obligation (plugin/spec/rules.c), one row per code whose
 * exchange is read (plugin/spec/behaviour.c: its cause and verdict
 * functions, plugin/core/behaviour.h), the header table (headers.h) and
 * the methods below. The checks, causes and verdicts loop over or look up
 * rows; nothing in the code switches on a status code. plugin/spec/
 * SOURCES.md quotes the RFC sentence behind every row.
 */
#ifndef SIP4XX_SPEC_H
#define SIP4XX_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip4xx/headers.h"

/* What the client should do next, as a class users can filter on
 * (sip4xx.action). Values are stable: they are shown to users and used in
 * display filters, so new classes go at the end. */
#define SIP4XX_ACTION_LIST(X)                                                         \
    X(FIX_REQUEST,   1, "Fix the request, then retry")                                \
    X(AUTHENTICATE,  2, "Retry with credentials")                                     \
    X(RETRY_LATER,   3, "Retry later, unchanged")                                     \
    X(TRY_ELSEWHERE, 4, "Try another target or server")                               \
    X(DO_NOT_RETRY,  5, "Do not retry")                                               \
    X(BACK_OFF,      6, "Wait a random interval, then retry")                         \
    X(NONE,          7, "Nothing to do: the request ended as asked")                  \
    X(EXTEND,        8, "Add or drop an extension, then retry")

typedef enum {
#define SIP4XX_X_ACTION(id, val, text) SIP4XX_ACTION_##id = val,
    SIP4XX_ACTION_LIST(SIP4XX_X_ACTION)
#undef SIP4XX_X_ACTION
} sip4xx_action_t;

/* Short label of an advice class; "Unknown" for values out of range. */
const char *sip4xx_action_label(sip4xx_action_t action);

/* One IANA-registered 4xx response code. */
typedef struct {
    uint16_t code;
    const char *reason;        /* the registered Reason-Phrase */
    uint16_t rfc;              /* the RFC that defines it (the IANA reference) */
    const char *section;       /* section of that RFC defining the code, e.g. "21.4.6" */
    const char *meaning;       /* one sentence, our own words */
    sip4xx_action_t action;    /* advice class */
    const char *advice;        /* one sentence: what the client should do next */
    sip4xx_hset_t advice_needs;   /* response headers the advice relies on (any one), or 0 */
    const char *advice_without;   /* the advice when the response carries none of them */
} sip4xx_code_t;

extern const sip4xx_code_t sip4xx_codes[];
extern const size_t sip4xx_codes_count;

/* Row of a registered 4xx code, or NULL when the code is not registered. */
const sip4xx_code_t *sip4xx_code_lookup(unsigned code);

/* Row to explain an unregistered 4xx with (NULL outside 400-499): RFC 3261
 * §8.1.3.2 makes a UAC treat an unrecognised final response as the x00 of
 * its class. Its code, reason and action are 400's; its section, meaning
 * and advice say that the code is unregistered and what that means. */
const sip4xx_code_t *sip4xx_code_fallback(unsigned code);

/* Which messages a rule applies to. */
typedef enum {
    SIP4XX_SCOPE_REQUEST = 1,       /* every request */
    SIP4XX_SCOPE_REQUEST_METHOD,    /* requests whose method is rule.method */
    SIP4XX_SCOPE_RESPONSE,          /* every response */
    SIP4XX_SCOPE_RESPONSE_NOT_100,  /* every response except 100 Trying */
    SIP4XX_SCOPE_RESPONSE_CODE,     /* responses with status rule.code */
    SIP4XX_SCOPE_MESSAGE,           /* every request and response */
    SIP4XX_SCOPE_RESPONSE_METHOD,   /* responses with a status in [rule.code, rule.code_max]
                                       whose CSeq method is rule.method */
} sip4xx_scope_t;

/* What the rule requires. */
typedef enum {
    SIP4XX_NEED_ANY_HEADER = 1,   /* at least one header of rule.headers */
    SIP4XX_NEED_TO_TAG,           /* a tag parameter on the To header */
} sip4xx_need_t;

/* Extra condition under which the rule applies. */
typedef enum {
    SIP4XX_WHEN_ALWAYS = 0,
    SIP4XX_WHEN_STREAM,           /* only over stream transports (TCP, TLS over TCP; not SCTP,
                                     which is message-based: sip4xx_msg_t.message_transport) */
    SIP4XX_WHEN_TO_TAG,           /* only when the To header carries a tag (in a dialog) */
    SIP4XX_WHEN_NO_TO_TAG,        /* only when it does not (a request outside a dialog) */
    SIP4XX_WHEN_DIALOG_CREATED,   /* a response with a To tag to a request seen outside a
                                     dialog (sip4xx_msg_t.request_out_of_dialog) */
    SIP4XX_WHEN_BODY,             /* the message carries a body (sip4xx_msg_has_body()) */
} sip4xx_when_t;
#define SIP4XX_WHEN_LAST SIP4XX_WHEN_BODY

/* Strength, from the RFC's own keyword (RFC 2119). */
typedef enum {
    SIP4XX_LEVEL_MUST = 1,        /* shown as an expert warning */
    SIP4XX_LEVEL_SHOULD,          /* shown as an expert note */
} sip4xx_level_t;

typedef struct {
    sip4xx_scope_t scope;
    uint16_t code;                /* SCOPE_RESPONSE_CODE; SCOPE_RESPONSE_METHOD: lowest status */
    uint16_t code_max;            /* SCOPE_RESPONSE_METHOD: highest status */
    const char *method;           /* SCOPE_REQUEST_METHOD, SCOPE_RESPONSE_METHOD */
    sip4xx_need_t need;
    sip4xx_hset_t headers;        /* NEED_ANY_HEADER */
    sip4xx_when_t when;
    sip4xx_level_t level;
    const char *label;            /* what is missing, as users filter it: "Allow",
                                     "Accept|Accept-Encoding|Accept-Language", "To;tag" */
    const char *ref;              /* "RFC 3261 §21.4.6" */
    const char *note;             /* NULL, or the condition/caveat the RFC attaches */
} sip4xx_rule_t;

extern const sip4xx_rule_t sip4xx_rules[];
extern const size_t sip4xx_rules_count;

/* The SIP methods statistics group 4xx by (RFC 3261 §7.1 and the
 * extension RFCs), as a one-byte index: 1..N a method of the list,
 * N+1 another method, N+2 none. Methods compare case-sensitively (§7.1). */
#define SIP4XX_METHOD_LIST(X) \
    X("ACK") X("BYE") X("CANCEL") X("INFO") X("INVITE") X("MESSAGE") X("NOTIFY") X("OPTIONS") \
    X("PRACK") X("PUBLISH") X("REFER") X("REGISTER") X("SUBSCRIBE") X("UPDATE")
uint8_t sip4xx_method_index(const char *method, size_t len);
/* "INVITE", ..., "other", "unknown"; NULL for 0 or out of range. */
const char *sip4xx_method_label(uint8_t index);

/* The default ports: 5060 for sip, 5061 for sips (RFC 3261 §18.2.1,
 * §19.1.2). Payload a SIP dissector turned down is looked at only there. */
static inline bool sip4xx_is_default_port(uint32_t port)
{
    return port == 5060 || port == 5061;
}

#endif
