/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The names the .expect files use for causes and reactions (TERMINATED,
 * FOLLOWED), with their values as the plugin's fields carry them: printed
 * from the same X-macro lists the plugin registers its value_strings from
 * (include/sip4xx/txn.h), so the capture runner reads no C header. */
#include <stdio.h>

#include "sip4xx/txn.h"

int main(void)
{
#define SIP4XX_X_CAUSE_NAME(id, val, text) printf("CAUSE %d %s\n", val, #id);
    SIP4XX_CAUSE_LIST(SIP4XX_X_CAUSE_NAME)
#undef SIP4XX_X_CAUSE_NAME
#define SIP4XX_X_VERDICT_NAME(id, val, text) printf("VERDICT %d %s\n", val, #id);
    SIP4XX_VERDICT_LIST(SIP4XX_X_VERDICT_NAME)
#undef SIP4XX_X_VERDICT_NAME
    return 0;
}
