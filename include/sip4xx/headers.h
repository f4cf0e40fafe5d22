/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sip4xx — the SIP header fields the core knows, as one X-macro table.
 *
 * Each row: X(ID, "Canonical-Name", 'compact form' or 0, "defining RFC", FORM).
 * FORM is LIST where the field-value is a comma-separated list, so the
 * header may appear several times, and ONE where it is a single value:
 * RFC 3261 §7.3.1 allows several header fields of one name "if and only if
 * the entire field-value for that header field is defined as a
 * comma-separated list" (grammar: RFC 3261 §25.1 and the RFC per row).
 * The enum, the name table and the compact-form lookup are all generated
 * from this list, so a header is added in exactly one place.
 * Compact forms: RFC 3261 §7.3.3 and the extension RFCs named per row.
 */
#ifndef SIP4XX_HEADERS_H
#define SIP4XX_HEADERS_H

#include <stdint.h>
#include <stddef.h>

#define SIP4XX_HEADER_LIST(X)                                              \
    X(VIA,                      "Via",                      'v', "RFC 3261", LIST) \
    X(FROM,                     "From",                     'f', "RFC 3261", ONE ) \
    X(TO,                       "To",                       't', "RFC 3261", ONE ) \
    X(CALL_ID,                  "Call-ID",                  'i', "RFC 3261", ONE ) \
    X(CSEQ,                     "CSeq",                     0,   "RFC 3261", ONE ) \
    X(MAX_FORWARDS,             "Max-Forwards",             0,   "RFC 3261", ONE ) \
    X(CONTACT,                  "Contact",                  'm', "RFC 3261", LIST) \
    X(CONTENT_LENGTH,           "Content-Length",           'l', "RFC 3261", ONE ) \
    X(CONTENT_TYPE,             "Content-Type",             'c', "RFC 3261", ONE ) \
    X(CONTENT_ENCODING,         "Content-Encoding",         'e', "RFC 3261", LIST) \
    X(CONTENT_LANGUAGE,         "Content-Language",         0,   "RFC 3261", LIST) \
    X(ACCEPT,                   "Accept",                   0,   "RFC 3261", LIST) \
    X(ACCEPT_ENCODING,          "Accept-Encoding",          0,   "RFC 3261", LIST) \
    X(ACCEPT_LANGUAGE,          "Accept-Language",          0,   "RFC 3261", LIST) \
    X(ALLOW,                    "Allow",                    0,   "RFC 3261", LIST) \
    X(WWW_AUTHENTICATE,         "WWW-Authenticate",         0,   "RFC 3261", LIST) \
    X(PROXY_AUTHENTICATE,       "Proxy-Authenticate",       0,   "RFC 3261", LIST) \
    X(AUTHORIZATION,            "Authorization",            0,   "RFC 3261", LIST) \
    X(PROXY_AUTHORIZATION,      "Proxy-Authorization",      0,   "RFC 3261", LIST) \
    X(REQUIRE,                  "Require",                  0,   "RFC 3261", LIST) \
    X(PROXY_REQUIRE,            "Proxy-Require",            0,   "RFC 3261", LIST) \
    X(SUPPORTED,                "Supported",                'k', "RFC 3261", LIST) \
    X(UNSUPPORTED,              "Unsupported",              0,   "RFC 3261", LIST) \
    X(EXPIRES,                  "Expires",                  0,   "RFC 3261", ONE ) \
    X(MIN_EXPIRES,              "Min-Expires",              0,   "RFC 3261", ONE ) \
    X(RETRY_AFTER,              "Retry-After",              0,   "RFC 3261", ONE ) \
    X(WARNING,                  "Warning",                  0,   "RFC 3261", LIST) \
    X(RECORD_ROUTE,             "Record-Route",             0,   "RFC 3261", LIST) \
    X(ROUTE,                    "Route",                    0,   "RFC 3261", LIST) \
    X(SUBJECT,                  "Subject",                  's', "RFC 3261", ONE ) \
    X(SESSION_EXPIRES,          "Session-Expires",          'x', "RFC 4028", ONE ) \
    X(MIN_SE,                   "Min-SE",                   0,   "RFC 4028", ONE ) \
    X(EVENT,                    "Event",                    'o', "RFC 6665", ONE ) \
    X(ALLOW_EVENTS,             "Allow-Events",             'u', "RFC 6665", LIST) \
    X(REFER_TO,                 "Refer-To",                 'r', "RFC 3515", ONE ) \
    X(REFERRED_BY,              "Referred-By",              'b', "RFC 3892", ONE ) \
    X(IDENTITY,                 "Identity",                 'y', "RFC 8224", LIST) \
    X(IDENTITY_INFO,            "Identity-Info",            'n', "RFC 4474", ONE ) \
    X(ACCEPT_CONTACT,           "Accept-Contact",           'a', "RFC 3841", LIST) \
    X(REJECT_CONTACT,           "Reject-Contact",           'j', "RFC 3841", LIST) \
    X(REQUEST_DISPOSITION,      "Request-Disposition",      'd', "RFC 3841", LIST) \
    X(RESOURCE_PRIORITY,        "Resource-Priority",        0,   "RFC 4412", LIST) \
    X(ACCEPT_RESOURCE_PRIORITY, "Accept-Resource-Priority", 0,   "RFC 4412", LIST) \
    X(GEOLOCATION,              "Geolocation",              0,   "RFC 6442", LIST) \
    X(GEOLOCATION_ERROR,        "Geolocation-Error",        0,   "RFC 6442", ONE ) \
    X(ALERTMSG_ERROR,           "AlertMsg-Error",           0,   "RFC 8876", ONE ) \
    X(RECV_INFO,                "Recv-Info",                0,   "RFC 6086", LIST) \
    X(INFO_PACKAGE,             "Info-Package",             0,   "RFC 6086", ONE ) \
    X(PERMISSION_MISSING,       "Permission-Missing",       0,   "RFC 5360", LIST) \
    X(SECURITY_SERVER,          "Security-Server",          0,   "RFC 3329", LIST) \
    X(SECURITY_CLIENT,          "Security-Client",          0,   "RFC 3329", LIST) \
    X(SECURITY_VERIFY,          "Security-Verify",          0,   "RFC 3329", LIST) \
    X(MAX_BREADTH,              "Max-Breadth",              0,   "RFC 5393", ONE ) \
    X(FLOW_TIMER,               "Flow-Timer",               0,   "RFC 5626", ONE ) \
    X(PRIVACY,                  "Privacy",                  0,   "RFC 3323", LIST) \
    X(REASON,                   "Reason",                   0,   "RFC 3326", LIST)

typedef enum {
#define SIP4XX_X_ENUM(id, name, compact, rfc, form) SIP4XX_H_##id,
    SIP4XX_HEADER_LIST(SIP4XX_X_ENUM)
#undef SIP4XX_X_ENUM
    SIP4XX_H__COUNT
} sip4xx_header_id_t;

/* A set of header ids. 64 bits are enough for the list above; the static
 * assertion in headers.c keeps it that way. */
typedef uint64_t sip4xx_hset_t;
#define SIP4XX_HBIT(id) ((sip4xx_hset_t)1 << (SIP4XX_H_##id))

/* The headers of FORM ONE: a second occurrence is malformed. */
#define SIP4XX_FORM_ONE 1
#define SIP4XX_FORM_LIST 0
#define SIP4XX_X_SINGLE(id, name, compact, rfc, form) | (SIP4XX_FORM_##form ? SIP4XX_HBIT(id) : 0)
#define SIP4XX_HSET_SINGLE ((sip4xx_hset_t)0 SIP4XX_HEADER_LIST(SIP4XX_X_SINGLE))

/* Canonical name of a header id ("Call-ID"); NULL when out of range. */
const char *sip4xx_header_name(sip4xx_header_id_t id);

/* Header id of a header-field name as it appears on the wire: any case,
 * long or compact form. Returns SIP4XX_H__COUNT for headers the core does
 * not track (and for anything that is not a name). Its cost does not grow
 * with the name's length beyond one comparison, eight bytes at a time. */
sip4xx_header_id_t sip4xx_header_lookup(const char *name, size_t len);

/* The same answer by scanning the whole table: the reference the fast
 * lookup is tested against. */
sip4xx_header_id_t sip4xx_header_scan(const char *name, size_t len);

#endif
