/* sip4xx — the SIP header fields the core knows, as one X-macro table.
 *
 * Each row: X(ID, "Canonical-Name", 'compact form' or 0, "defining RFC").
 * The enum, the name table and the compact-form lookup are all generated
 * from this list, so a header is added in exactly one place.
 * Compact forms: RFC 3261 §7.3.3 and the extension RFCs named per row.
 */
#ifndef SIP4XX_HEADERS_H
#define SIP4XX_HEADERS_H

#include <stdint.h>
#include <stddef.h>

#define SIP4XX_HEADER_LIST(X)                                              \
    X(VIA,                      "Via",                      'v', "RFC 3261") \
    X(FROM,                     "From",                     'f', "RFC 3261") \
    X(TO,                       "To",                       't', "RFC 3261") \
    X(CALL_ID,                  "Call-ID",                  'i', "RFC 3261") \
    X(CSEQ,                     "CSeq",                     0,   "RFC 3261") \
    X(MAX_FORWARDS,             "Max-Forwards",             0,   "RFC 3261") \
    X(CONTACT,                  "Contact",                  'm', "RFC 3261") \
    X(CONTENT_LENGTH,           "Content-Length",           'l', "RFC 3261") \
    X(CONTENT_TYPE,             "Content-Type",             'c', "RFC 3261") \
    X(CONTENT_ENCODING,         "Content-Encoding",         'e', "RFC 3261") \
    X(CONTENT_LANGUAGE,         "Content-Language",         0,   "RFC 3261") \
    X(ACCEPT,                   "Accept",                   0,   "RFC 3261") \
    X(ACCEPT_ENCODING,          "Accept-Encoding",          0,   "RFC 3261") \
    X(ACCEPT_LANGUAGE,          "Accept-Language",          0,   "RFC 3261") \
    X(ALLOW,                    "Allow",                    0,   "RFC 3261") \
    X(WWW_AUTHENTICATE,         "WWW-Authenticate",         0,   "RFC 3261") \
    X(PROXY_AUTHENTICATE,       "Proxy-Authenticate",       0,   "RFC 3261") \
    X(AUTHORIZATION,            "Authorization",            0,   "RFC 3261") \
    X(PROXY_AUTHORIZATION,      "Proxy-Authorization",      0,   "RFC 3261") \
    X(REQUIRE,                  "Require",                  0,   "RFC 3261") \
    X(PROXY_REQUIRE,            "Proxy-Require",            0,   "RFC 3261") \
    X(SUPPORTED,                "Supported",                'k', "RFC 3261") \
    X(UNSUPPORTED,              "Unsupported",              0,   "RFC 3261") \
    X(EXPIRES,                  "Expires",                  0,   "RFC 3261") \
    X(MIN_EXPIRES,              "Min-Expires",              0,   "RFC 3261") \
    X(RETRY_AFTER,              "Retry-After",              0,   "RFC 3261") \
    X(WARNING,                  "Warning",                  0,   "RFC 3261") \
    X(RECORD_ROUTE,             "Record-Route",             0,   "RFC 3261") \
    X(ROUTE,                    "Route",                    0,   "RFC 3261") \
    X(SUBJECT,                  "Subject",                  's', "RFC 3261") \
    X(SESSION_EXPIRES,          "Session-Expires",          'x', "RFC 4028") \
    X(MIN_SE,                   "Min-SE",                   0,   "RFC 4028") \
    X(EVENT,                    "Event",                    'o', "RFC 6665") \
    X(ALLOW_EVENTS,             "Allow-Events",             'u', "RFC 6665") \
    X(REFER_TO,                 "Refer-To",                 'r', "RFC 3515") \
    X(REFERRED_BY,              "Referred-By",              'b', "RFC 3892") \
    X(IDENTITY,                 "Identity",                 'y', "RFC 8224") \
    X(IDENTITY_INFO,            "Identity-Info",            'n', "RFC 4474") \
    X(ACCEPT_CONTACT,           "Accept-Contact",           'a', "RFC 3841") \
    X(REJECT_CONTACT,           "Reject-Contact",           'j', "RFC 3841") \
    X(REQUEST_DISPOSITION,      "Request-Disposition",      'd', "RFC 3841") \
    X(RESOURCE_PRIORITY,        "Resource-Priority",        0,   "RFC 4412") \
    X(ACCEPT_RESOURCE_PRIORITY, "Accept-Resource-Priority", 0,   "RFC 4412") \
    X(GEOLOCATION,              "Geolocation",              0,   "RFC 6442") \
    X(GEOLOCATION_ERROR,        "Geolocation-Error",        0,   "RFC 6442") \
    X(ALERTMSG_ERROR,           "AlertMsg-Error",           0,   "RFC 8876") \
    X(RECV_INFO,                "Recv-Info",                0,   "RFC 6086") \
    X(INFO_PACKAGE,             "Info-Package",             0,   "RFC 6086") \
    X(PERMISSION_MISSING,       "Permission-Missing",       0,   "RFC 5360") \
    X(SECURITY_SERVER,          "Security-Server",          0,   "RFC 3329") \
    X(SECURITY_CLIENT,          "Security-Client",          0,   "RFC 3329") \
    X(SECURITY_VERIFY,          "Security-Verify",          0,   "RFC 3329") \
    X(MAX_BREADTH,              "Max-Breadth",              0,   "RFC 5393") \
    X(FLOW_TIMER,               "Flow-Timer",               0,   "RFC 5626") \
    X(PRIVACY,                  "Privacy",                  0,   "RFC 3323") \
    X(REASON,                   "Reason",                   0,   "RFC 3326")

typedef enum {
#define SIP4XX_X_ENUM(id, name, compact, rfc) SIP4XX_H_##id,
    SIP4XX_HEADER_LIST(SIP4XX_X_ENUM)
#undef SIP4XX_X_ENUM
    SIP4XX_H__COUNT
} sip4xx_header_id_t;

/* A set of header ids. 64 bits are enough for the list above; the static
 * assertion in headers.c keeps it that way. */
typedef uint64_t sip4xx_hset_t;
#define SIP4XX_HBIT(id) ((sip4xx_hset_t)1 << (SIP4XX_H_##id))

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
