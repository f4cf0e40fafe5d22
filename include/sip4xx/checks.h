/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the checks: a parsed message in, findings out. */
#ifndef SIP4XX_CHECKS_H
#define SIP4XX_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "sip4xx/model.h"
#include "sip4xx/spec.h"

/* How many rows rules.c may hold (the checks index them by kind of message
 * in arrays of this size; test_spec asserts the table fits). */
#define SIP4XX_MAX_RULES 128

/* Upper bound on findings one message can produce: every rule at most once. */
#define SIP4XX_MAX_FINDINGS 64u

typedef struct {
    uint16_t rule;                 /* index into sip4xx_rules[] that is not met */
} sip4xx_finding_t;

/* Does rule r apply to message m (scope and condition), whatever the headers? */
bool sip4xx_rule_applies(const sip4xx_rule_t *r, const sip4xx_msg_t *m);

/* Whether a rule that only the exchange can decide (a response that
 * establishes a dialog, SIP4XX_WHEN_DIALOG_CREATED) could be unmet by m:
 * the caller then sets m->request_out_of_dialog from its state before
 * sip4xx_check_msg. False for most messages. */
bool sip4xx_needs_dialog_context(const sip4xx_msg_t *m);

/* Evaluate every rule against m; write the unmet ones, in table order, to
 * out[0..max). Returns how many rules are unmet (may exceed max; only max
 * are written). */
size_t sip4xx_check_msg(const sip4xx_msg_t *m, sip4xx_finding_t *out, size_t max);

#endif
