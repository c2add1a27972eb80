/* SPDX-License-Identifier: Apache-2.0 */
/* AWS layer internals: configuration, credentials, requests. */
#ifndef LIBCERT_AWS_INT_H
#define LIBCERT_AWS_INT_H

#include <curl/curl.h>
#include <jansson.h>
#include <libxml/tree.h>

#include "libcert/aws.h"
#include "util/buf.h"
#include "util/json_read.h"

/* A setting or field that is given: set and not empty. */
static inline bool cert_aws__given(const char *v)
{
    return v != NULL && *v != '\0';
}

/* ---- configuration files (config.c) ---- */

/* The shared config and credentials files, parsed (with inih). */
typedef struct aws_config aws_config;

/* Parse AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE (or ~/.aws/...); missing files are
 * empty. The active profile: `profile`, else AWS_PROFILE, else "default". A named profile that
 * exists in neither file is CERT_E_INVALID. */
cert_err cert_aws__config_load(const char *profile, bool explicit_profile, aws_config **out);
void cert_aws__config_free(aws_config *c);

/* The active profile's name. */
const char *cert_aws__config_profile(const aws_config *c);

/* A setting of a profile (NULL: the active one): the credentials file first, then the config
 * file, as botocore merges them. NULL when not set. Borrowed from c. */
const char *cert_aws__config_get(const aws_config *c, const char *profile, const char *key);

/* The same, from one file only (credentials: the credentials file, else the config file). */
const char *cert_aws__config_get_in(const aws_config *c, const char *profile, const char *key,
                                    bool credentials);

/* A setting of a named section of the config file ("sso-session NAME"). */
const char *cert_aws__config_section_get(const aws_config *c, const char *section, const char *key);

/* A service-specific setting from the profile's `services` section ("iam", "endpoint_url"). */
const char *cert_aws__config_service_get(const aws_config *c, const char *service, const char *key);

/* Whether a profile exists in either file. */
bool cert_aws__config_has_profile(const aws_config *c, const char *profile);

/* Where a setting came from, for messages ("~/.aws/config"). */
const char *cert_aws__config_file(const aws_config *c, bool credentials);

/* ---- credentials (creds.c) ---- */

typedef struct aws_creds {
    char *access_key_id;
    char *secret_access_key; /* secret: wiped on free */
    char *session_token;     /* secret: wiped on free */
    int64_t expiration;      /* INT64_MAX when they do not expire */
    const char *source;      /* static description */
} aws_creds;

void cert_aws__creds_clear(aws_creds *c);
cert_err cert_aws__creds_set(aws_creds *c, const char *akid, const char *secret, const char *token,
                             int64_t expiration, const char *source);

/* Run the provider chain for the session (see creds.c for the order). */
cert_err cert_aws__creds_resolve(cert_aws *aws, aws_creds *out);

/* Whether credentials need refreshing now (expiring within 5 minutes). */
bool cert_aws__creds_stale(const aws_creds *c, int64_t now);

/* ---- requests (request.c) ---- */

/* What a body sink returns for a 2xx answer that is a broken body (not well-formed, cut short,
 * not the document asked for): the attempt is retried as a truncated answer is, and when the
 * attempts run out cert_aws__send() returns CERT_E_NET with the sink's message. Never returned
 * by cert_aws__send() itself. */
#define CERT_AWS_BROKEN_BODY ((cert_err)-100)

/* Where a 2xx answer's body goes as it arrives, instead of into aws_response.body (an error
 * answer is still gathered there: it is small and read whole). start() is called when a 2xx
 * answer begins, and again when a retry brings a new one (forget what data() had). An error
 * from either stops the exchange: CERT_AWS_BROKEN_BODY from data() (the body broke: the rest is
 * not waited for) retries it, any other error (a reader that refuses: a cap) ends it with that
 * error. end(), when given, is called once the answer arrived whole and says whether it was one
 * whole document: CERT_AWS_BROKEN_BODY retries, another error ends the exchange. A request
 * without a sink has its 2xx body checked the same way (well-formed XML; a JSON object for the
 * SSO portal). */
typedef struct aws_body_sink {
    cert_err (*start)(void *ud);
    cert_err (*data)(void *ud, const char *p, size_t n);
    void *ud;
    cert_err (*end)(void *ud);
} aws_body_sink;

typedef struct aws_request {
    cert_aws_service service;
    const char *action;              /* for logs and errors */
    const char *method;              /* "GET", "POST", "PUT", "DELETE" */
    const char *path;                /* percent-encoded, "/" for none */
    const char *query;               /* percent-encoded, without "?", NULL for none */
    const cert_http_header *headers; /* extra headers (Content-Type, If-Match) */
    size_t header_count;
    const uint8_t *body;
    size_t body_len;
    const aws_creds *creds;    /* sign with these instead of the session's (STS) */
    const char *endpoint;      /* this call's endpoint instead of the service's (an SSO
                                  source profile in another region); NULL for none */
    bool anonymous;            /* not signed (AssumeRoleWithWebIdentity, the SSO portal) */
    const aws_body_sink *sink; /* a 2xx body's reader; NULL: gathered in the response */
    bool no_resend;            /* not idempotent (a new ACM import): a failure the request may
                                  have reached the service before (no whole answer, a 2xx that
                                  cannot be read) is not retried; the call fails with CERT_E_NET
                                  and aws->last_unknown set, and the caller looks. Error answers
                                  and failures to connect are retried as usual. */
    bool count_sends;          /* count libcurl's own resends too (it sends a request again,
                                  unasked, when a reused connection dies before any answer): the
                                  error's `attempts` then counts every time the request went
                                  out, so a caller sees that a refusal (412) may follow a send
                                  of its own that was made (UpdateDistribution) */
} aws_request;

typedef struct aws_response {
    long status;
    cert_buf body;             /* empty for a 2xx answer read by the request's sink */
    char *etag;                /* ETag header, NULL when absent */
    char *request_id;          /* x-amzn-RequestId / x-amz-request-id, NULL when absent */
    const aws_body_sink *sink; /* the request's, while it is sent */
    bool streaming;            /* this answer's body goes to the sink */
    bool count_sends;          /* the request's count_sends, while it is sent */
    int sends;                 /* how many times libcurl sent the request (count_sends) */
    cert_err sink_err;         /* the sink's error, which stopped the exchange */
    cJSON *json;               /* an ACM 2xx answer as the transport read it to judge it (the
                                  JSON protocol, util/json_read.h), for the client to take rather
                                  than read the body again; NULL otherwise. Freed with the
                                  response. */
    xmlDoc *xml;               /* the same for an XML 2xx answer (cert_aws__response_xml()) */
} aws_response;

/* A 2xx answer's XML document, taken from the response (the caller frees it with xmlFreeDoc()):
 * the one the transport parsed to judge the answer, or parsed now (cert_aws__xml_parse()) when
 * it was not. NULL when the body is not XML. */
xmlDoc *cert_aws__response_xml(aws_response *r);

/* Send with signing and retries. CERT_OK for a 2xx answer; CERT_E_AWS for an error answer that
 * is not retryable (aws->last holds code, message, request id; the thread's message reads
 * "IAM rejected UploadServerCertificate: Code: message (request id ...)"); CERT_E_NET when a
 * retryable failure lasted through the last attempt. resp is filled in every case where an
 * answer came. */
cert_err cert_aws__send(cert_aws *aws, const aws_request *req, aws_response *resp);
void cert_aws__response_free(aws_response *resp);

/* The largest answer body kept in memory (a larger one fails the exchange). */
#define CERT_AWS_RESPONSE_MAX (32u << 20)

/* One exchange (http.c): r emptied for an answer whose body is wiped when freed when secret. */
void cert_aws__response_reset(aws_response *r, bool secret);

/* One HTTP exchange on aws's handle (its connection cache kept: the next request reuses the
 * connection, unless fresh asks for a new one, for a request that must not be sent twice). The
 * answer's status, body and headers go to resp; libcurl's result is returned. headers stays
 * the caller's. */
CURLcode cert_aws__perform(cert_aws *aws, const char *method, const char *url,
                           struct curl_slist *headers, const void *body, size_t body_len,
                           long timeout_ms, bool no_proxy, bool fresh, aws_response *resp);

/* The retry policy (retry.c), the AWS SDKs' standard mode: whether a failed transfer (no whole
 * answer) or an error answer (its HTTP status and AWS error code, NULL when none) is retried, and
 * the wait in ms before the attempt after `attempt` (1-based; timeout: the failure was a timeout,
 * which costs more of the session's retry quota), or -1 when no attempt is left. */
bool cert_aws__retry_transfer(CURLcode rc);
bool cert_aws__retry_answer(long status, const char *code);
long cert_aws__retry_wait(cert_aws *aws, int attempt, bool timeout);
/* Sleep for ms milliseconds (a retry's wait), through signals. */
void cert_aws__sleep_ms(long ms);

/* One unsigned HTTP exchange without retries (credential endpoints). */
cert_err cert_aws__http_plain(cert_aws *aws, const char *method, const char *url,
                              const cert_http_header *headers, size_t header_count,
                              const char *body, long timeout_ms, long *status_out,
                              cert_buf *body_out);

/* Append "&key=value" (or "key=value" first), both percent-encoded as SigV4 wants. */
cert_err cert_aws__query_add(cert_buf *q, const char *key, const char *value);

/* Percent-encode into b: unreserved characters kept, and '/' too when keep_slash. */
cert_err cert_aws__uri_encode(cert_buf *b, const char *s, size_t len, bool keep_slash);

/* The clock (seconds since the epoch). */
int64_t cert_aws__now(void);

/* A -v line. */
void cert_aws__log(cert_aws *aws, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- XML (xml.c) ---- */

/* Parse AWS's XML safely: no entities expanded, no DTD loaded, no network, a size cap. NULL when
 * it is not XML. Free with xmlFreeDoc(). */
xmlDoc *cert_aws__xml_parse(const char *data, size_t len);

/* The same, keeping whitespace text nodes: for a document that is edited and sent back. */
xmlDoc *cert_aws__xml_parse_doc(const char *data, size_t len);

/* An element to pick out of a streamed answer: `name` as a child of `parent` (local names). */
typedef struct cert_aws_xml_pick {
    const char *parent;
    const char *name;
} cert_aws_xml_pick;

/* Called with a picked element, its subtree complete (valid during the call only) and its index
 * in the picks; an error stops the walk. */
typedef cert_err (*cert_aws_xml_take)(xmlNode *n, size_t pick, void *ud);

/* Read an answer element by element, with the same safety as cert_aws__xml_parse() but without
 * building the whole tree: a list of 1,000 items costs a fifth of the time and a constant
 * amount of memory. Every element matching one of `picks` is handed to take(); the rest is read
 * past. CERT_E_NET when it is not well-formed XML (items already taken stay taken). */
cert_err cert_aws__xml_stream(const char *data, size_t len, const cert_aws_xml_pick *picks,
                              size_t npicks, cert_aws_xml_take take, void *ud);

/* A picked element read flat (cert_aws_xml_flat below): its whole text, and the text of
 * each of its child elements by local name (the first of a name; at most 16 names). Valid during
 * the call only. */
#define CERT_AWS_XML_FIELDS 16
typedef struct cert_aws_xml_record {
    const char *text; /* all the text inside the element */
    size_t nfields;
    const char *names[CERT_AWS_XML_FIELDS];
    const char *values[CERT_AWS_XML_FIELDS];
} cert_aws_xml_record;

/* The text of the child element `name`, or NULL when there is none. */
const char *cert_aws__xml_record_get(const cert_aws_xml_record *r, const char *name);

typedef cert_err (*cert_aws_xml_take_record)(const cert_aws_xml_record *r, size_t pick, void *ud);

/* cert_aws__xml_stream() for flat items (an element whose children hold text, as
 * ListServerCertificates' members), fed as the answer arrives (an aws_body_sink): libxml2's
 * push parser with SAX2 handlers and no tree built at all, a third of the reader's cost, with
 * the same safety (no entity expansion, no DTD, no network). _new() starts one (free it with
 * _free(), also after an error); _feed() hands it the next bytes (split anywhere) and stops at
 * the first error: take()'s, or CERT_E_NET for XML that is not well-formed or over the size
 * cap (items already taken stay taken); _end() says whether what was fed is one whole
 * well-formed document. */
typedef struct cert_aws_xml_flat cert_aws_xml_flat;
cert_err cert_aws__xml_flat_new(const cert_aws_xml_pick *picks, size_t npicks,
                                cert_aws_xml_take_record take, void *ud, cert_aws_xml_flat **out);
cert_err cert_aws__xml_flat_feed(cert_aws_xml_flat *x, const char *p, size_t n);
cert_err cert_aws__xml_flat_end(cert_aws_xml_flat *x);
/* Whether what was fed so far is not well-formed XML (and not stopped by take()'s error). */
bool cert_aws__xml_flat_malformed(const cert_aws_xml_flat *x);
void cert_aws__xml_flat_free(cert_aws_xml_flat *x);

/* An element's text: new string (free()), NULL when out of memory. */
char *cert_aws__xml_text(xmlNode *n);

/* The first descendant element named `name` (namespace ignored), or NULL. */
xmlNode *cert_aws__xml_find(xmlNode *from, const char *name);

/* The first child element named `name`, or NULL. */
xmlNode *cert_aws__xml_child(xmlNode *parent, const char *name);

/* Text of the first child element named `name`: new string (free()), NULL when absent. */
char *cert_aws__xml_child_text(xmlNode *parent, const char *name);

/* Parse an AWS error body (query or REST XML, or JSON {"__type"/"code", "message"}) into code,
 * message and request id (new strings, "" when absent). */
void cert_aws__parse_error(const char *body, size_t len, char **code, char **message,
                           char **request_id);

/* One ListServerCertificates answer (its body): its items appended to *v (n, cap), whether IAM
 * has more, and its Marker (new string) when it has. For cert_iam_list() and the fuzzer. */
struct cert_iam_cert;
cert_err cert_iam__parse_list_page(const char *body, size_t len, struct cert_iam_cert **v,
                                   size_t *n, size_t *cap, bool *more, char **marker);

/* The same, the body handed over `chunk` bytes at a time (0: at once) as it is while it
 * arrives: for the tests and the fuzzer, which split it anywhere. */
cert_err cert_iam__parse_list_chunks(const char *body, size_t len, size_t chunk,
                                     struct cert_iam_cert **v, size_t *n, size_t *cap, bool *more,
                                     char **marker);

/* One ListDistributions answer, the same way (NextMarker). */
struct cert_cf_dist;
cert_err cert_cf__parse_list_page(const char *body, size_t len, struct cert_cf_dist **v, size_t *n,
                                  size_t *cap, bool *more, char **marker);

/* A DistributionConfig document from an answer's body and ETag (for cert_cf_config_get() and
 * the fuzzer). */
struct cert_cf_config;
cert_err cert_cf__config_from_xml(const char *id, const char *etag, const char *body, size_t len,
                                  struct cert_cf_config **out);

/* Route 53's answers (route53.c), one page whole, for the tests and the fuzzer: a
 * ListHostedZonesByName page's zones and a ListResourceRecordSets page's records appended to *v
 * (n, cap) and whether the page says there is more; a GetHealthCheckStatus answer counted. */
struct cert_r53_zone;
struct cert_r53_record;
struct cert_r53_health;
cert_err cert_r53__parse_zones_page(const char *body, size_t len, struct cert_r53_zone **v,
                                    size_t *n, size_t *cap, bool *more);
cert_err cert_r53__parse_records_page(const char *body, size_t len, struct cert_r53_record **v,
                                      size_t *n, size_t *cap, bool *more);
cert_err cert_r53__parse_health(const char *id, const char *body, size_t len,
                                struct cert_r53_health *out);

/* A GetDistribution answer read whole (cert_cf_get() and the fuzzer). */
cert_err cert_cf__parse_distribution(const char *id, const char *body, size_t len,
                                     struct cert_cf_dist *d);

/* One ListCertificates answer (JSON): its CertificateSummaryList appended to *v (n, cap), and
 * its NextToken (new string) when ACM has more. For cert_acm_list() and the fuzzer. */
struct cert_acm_cert;
cert_err cert_acm__parse_list_page(const char *body, size_t len, struct cert_acm_cert **v,
                                   size_t *n, size_t *cap, bool *more, char **token);

/* cert_acm_list() of the certificates with one key algorithm (key_type, as ACM names it:
 * "RSA_2048", "EC_prime256v1"; the request's Includes.keyTypes names only it, so ACM sends no
 * other; NULL, or a name ACM's filter does not know: every one), keeping only the summaries
 * `keep` takes (it sees the Type, the KeyAlgorithm and the NotAfter, INT64_MIN when absent;
 * strings NULL when absent): the others cost no record. keep NULL keeps every one. For finding
 * an earlier import of a leaf (ops/store_acm.c), which can only have the leaf's key type. */
typedef bool (*cert_acm__list_keep)(void *ud, const char *type, const char *key_algorithm,
                                    int64_t not_after);
cert_err cert_acm__list_matching(cert_aws *aws, unsigned int page_size, const char *key_type,
                                 cert_acm__list_keep keep, void *ud, struct cert_acm_cert **out,
                                 size_t *count_out);

/* ImportCertificate's JSON body for `r` (after the checks cert_acm_import() makes: nothing is
 * built for a request it would refuse) into `out`, a secret buffer (it holds the key) that the
 * function initialises: cert__buf_free() it. For cert_acm_import() and its unit test. */
struct cert_acm_import_req;
cert_err cert_acm__import_body(const struct cert_acm_import_req *r, cert_buf *out);

/* One DescribeCertificate answer into a record (for cert_acm_describe()'s reader and the
 * fuzzer). */
cert_err cert_acm__parse_detail(const char *body, size_t len, struct cert_acm_cert *out);
/* The document as UpdateDistribution sends it (UTF-8): *body_out for xmlFree(), NULL on failure.
 * For cert_cf_config_put() and the fuzzer. */
cert_err cert_cf__config_body(const struct cert_cf_config *c, xmlChar **body_out, int *len_out);

/* CERT_E_INVALID unless `id` looks like a distribution id (it goes into a URL path). */
cert_err cert_cf__check_id(const char *id);

/* ---- rendering ---- */

/* ---- the session ---- */

struct cert_aws {
    aws_config *cfg;
    bool explicit_profile;                  /* --profile: the environment's keys are skipped */
    char *region;                           /* the configured region; NULL when none */
    const char *partition;                  /* its partition (static) */
    char *endpoint[CERT_AWS_SERVICE_COUNT]; /* NULL: the partition has no such service */
    char *signing_region[CERT_AWS_SERVICE_COUNT]; /* the SigV4 scope's region */
    bool endpoint_own[CERT_AWS_SERVICE_COUNT];    /* the endpoint is AWS's own (not configured) */
    bool cleartext[CERT_AWS_SERVICE_COUNT]; /* endpoint[s] is plain HTTP off this machine (allowed)
                                             */
    char *ca_bundle;
    char *user_agent;
    long connect_timeout_ms, timeout_ms;
    int max_attempts;
    long retry_base_ms;
    int retry_tokens;      /* the standard mode's retry quota */
    size_t list_items_max; /* the items one listing may hold; 0: CERT_AWS_LIST_ITEMS_MAX */
    cert_aws_log_fn log;
    void *log_ud;
    bool debug; /* --debug: log each attempt's detail too (never a header's value) */
    CURL *curl;
    aws_creds creds;
    bool have_creds;
    /* the last request failed after it may have reached the service, and was not sent again
     * (aws_request.no_resend): whether it took effect is unknown */
    bool last_unknown;
    /* last error, strings owned */
    cert_aws_error last;
    char *last_code, *last_message, *last_request_id;
};

/* A new session like `parent` (same profile, endpoints, CA bundle, attempts, timeouts, log),
 * with its own connection, starting from the parent's credentials when it has fresh ones: N
 * workers run the provider chain once, not N times (no N calls to IMDS, STS or a
 * credential_process). The parent is only read, so several threads may clone it at once. The
 * clone is the caller's (cert_aws_free()) and refreshes its own credentials when they go
 * stale. */
cert_err cert_aws__clone(const cert_aws *parent, cert_aws **out);

/* Record the last error (copies the strings). */
void cert_aws__set_last(cert_aws *aws, const char *service, const char *action, const char *code,
                        const char *message, const char *request_id, long status, int attempts);

/* "IAM", "CloudFront", "STS", "SSO", "Route53", "ACM". */
const char *cert_aws__service_name(cert_aws_service s);

/* AWS's own endpoint URL of a service in a region ("https://portal.sso.eu-west-1.amazonaws.com"),
 * from the partition table: new string (free()), NULL with the thread's error set. botocore_name:
 * "iam", "cloudfront", "sts", "portal.sso", "acm"; signing_region_out (may be NULL) receives the
 * region requests are signed for, a new string. */
char *cert_aws__own_endpoint(const char *botocore_name, const char *region,
                             char **signing_region_out);

/* The tool's name the session was made for (cert_aws_opts.user_agent: what follows
 * "libcert/VERSION " in the User-Agent), borrowed; NULL when none was given. */
const char *cert_aws__tool(const cert_aws *aws);

#endif
