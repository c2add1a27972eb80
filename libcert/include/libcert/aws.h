/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AWS access: configuration and credentials resolved as the AWS CLI resolves them, endpoints,
 * Signature Version 4, one reused HTTPS connection, retries as the SDKs' standard mode, and AWS
 * error answers turned into errors a caller can act on.
 *
 * Nothing here ever logs or returns in a message an Authorization header, a secret key, a
 * session token or a private key.
 */
#ifndef LIBCERT_AWS_H
#define LIBCERT_AWS_H

#include <stdio.h>

#include "common.h"
#include "error.h"
#include "records.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A session: configuration, credentials, one HTTP connection. Not thread-safe: one per thread.
 * Opaque. */
typedef struct cert_aws cert_aws;

/** The services libcert talks to. Where each is reached and which region its requests are signed
 * for follow the session's region and its partition (partition.h): IAM, CloudFront and Route 53
 * are global in a partition (us-east-1 in aws; IAM cn-north-1, CloudFront and Route 53
 * cn-northwest-1 in aws-cn), ACM is always CloudFront's region (us-east-1), STS the region's own
 * endpoint (the global one without a region, or with sts_regional_endpoints = legacy), the SSO
 * portal the profile's sso_region. */
typedef enum cert_aws_service {
    CERT_AWS_IAM = 0,
    CERT_AWS_CLOUDFRONT,
    CERT_AWS_STS,
    CERT_AWS_SSO,     /**< the IAM Identity Center portal (GetRoleCredentials) */
    CERT_AWS_ROUTE53, /**< Route 53's DNS API (hosted zones, records, health checks) */
    CERT_AWS_ACM,     /**< AWS Certificate Manager, in the region CloudFront takes ACM from */
} cert_aws_service;

/** How many services cert_aws_service names. */
#define CERT_AWS_SERVICE_COUNT 6

/** Receives one line per request at -v ("IAM UploadServerCertificate iam.amazonaws.com 200
 * attempt 1 42 ms"); never a secret. */
typedef void (*cert_aws_log_fn)(const char *line, void *ud);

/** Options for cert_aws_new(). Initialise with CERT_AWS_OPTS_INIT. */
typedef struct cert_aws_opts {
    unsigned int version;
    const char *profile; /**< --profile; beats keys in the environment (AWS_PROFILE does not) */
    const char
        *endpoint_url;       /**< --endpoint-url: every service (the tools talk to one at a time) */
    const char *ca_bundle;   /**< --ca-bundle; else AWS_CA_BUNDLE, else the profile's ca_bundle */
    long connect_timeout_ms; /**< 0: 10 s */
    long timeout_ms;         /**< per attempt, --timeout; 0: 60 s */
    int max_attempts;        /**< 0: AWS_MAX_ATTEMPTS, else the profile's max_attempts, else 3 */
    const char *user_agent;  /**< the tool's name, appended to "libcert/VERSION"; may be NULL */
    cert_aws_log_fn log;     /**< -v output; NULL for none */
    void *log_ud;
    const char *region; /**< (version 2) --region; else AWS_REGION, AWS_DEFAULT_REGION, the
                           profile's region; none: partition aws, global endpoints */
    /** --allow-insecure-endpoint (version 2): let a service endpoint be plain HTTP to a host
     * that is not a loopback literal or localhost. Without it such an endpoint is refused by
     * cert_aws_new(), before any request: signatures, session tokens and what the requests
     * carry (an uploaded private key) would travel in cleartext. */
    bool allow_insecure_endpoint;
    /** (version 3) --debug: with `log`, also the session's region, partition and endpoints,
     * where the credentials came from, and for each attempt its method, URL, body size and the
     * names of the headers sent (never a value: the Authorization and X-Amz-Security-Token
     * values, secrets and request bodies are never logged at any level), and the answer's
     * request id and size. */
    bool debug;
} cert_aws_opts;

#define CERT_AWS_OPTS_VERSION 3
#define CERT_AWS_OPTS_INIT                                                                         \
    {                                                                                              \
        CERT_AWS_OPTS_VERSION, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL, false, false     \
    }

/**
 * The versions of the libraries the AWS layer runs on, as linked, one a line: "libcurl 7.88.1
 * (OpenSSL/3.0.19)\nlibxml2 2.9.14". For --version.
 * @return a static string; never NULL
 */
CERT_EXTERN const char *cert_aws_library_versions(void);

/**
 * Read the configuration (environment, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, the
 * profile). Credentials are resolved on the first request, not here, and nothing is sent.
 * @param opts borrowed; NULL means CERT_AWS_OPTS_INIT
 * @param out  new session owned by the caller (cert_aws_free()); NULL on failure
 * @return CERT_OK; CERT_E_INPUT (local configuration: a config or credentials file that cannot
 *         be parsed or breaks a limit, a profile that does not exist, a malformed setting, a
 *         service endpoint that is plain HTTP to a host that is not loopback without
 *         allow_insecure_endpoint; the message names the file, setting or endpoint);
 *         CERT_E_INVALID (opts->version is newer than this library's); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_aws_new(const cert_aws_opts *opts, cert_aws **out);

/** Free a session, wiping its credentials. NULL is a no-op. */
CERT_EXTERN void cert_aws_free(cert_aws *aws);

/**
 * The endpoint a service is reached at: --endpoint-url, AWS_ENDPOINT_URL_<SERVICE>,
 * AWS_ENDPOINT_URL, the profile's services section or endpoint_url, else AWS's.
 * @return borrowed, valid as long as the session ("https://iam.amazonaws.com")
 */
CERT_EXTERN const char *cert_aws_endpoint(const cert_aws *aws, cert_aws_service service);

/**
 * The region the session was configured with (--region, AWS_REGION, AWS_DEFAULT_REGION, the
 * profile's region), borrowed; NULL when none was.
 */
CERT_EXTERN const char *cert_aws_region(const cert_aws *aws);

/** The session's partition ("aws", "aws-cn", "aws-us-gov", ...): its region's. Static. */
CERT_EXTERN const char *cert_aws_partition(const cert_aws *aws);

/** The region a service's requests are signed for ("us-east-1"), borrowed. */
CERT_EXTERN const char *cert_aws_signing_region(const cert_aws *aws, cert_aws_service service);

/**
 * Whether the session's partition has the service at all (botocore's endpoint data): CloudFront
 * exists only in aws and aws-cn. A configured endpoint does not change the answer.
 * @return CERT_OK; CERT_E_INPUT with a message naming the service, the partition and the region
 */
CERT_EXTERN cert_err cert_aws_service_check(const cert_aws *aws, cert_aws_service service);

/**
 * Whether a service's endpoint is plain HTTP to a host that is not a loopback literal
 * (127.0.0.0/8, ::1) or localhost, which only allow_insecure_endpoint lets through: its
 * requests, their signatures, any session token and what they carry travel in cleartext. A
 * tool warns about it.
 */
CERT_EXTERN bool cert_aws_endpoint_cleartext(const cert_aws *aws, cert_aws_service service);

/**
 * Resolve credentials now (as the first request would) and say where they came from.
 * @param source_out a static description ("environment", "shared credentials file",
 *                   "credential_process", "assume role", "web identity", "SSO",
 *                   "container", "instance metadata"); may be NULL
 * @return CERT_OK; CERT_E_INPUT (local configuration: no credentials anywhere, a profile loop,
 *         a credential_process that failed, a token file or SSO cache that cannot be used: the
 *         message says which and what to do); CERT_E_AWS (STS or the SSO portal answered with an
 *         error); CERT_E_NET (a credentials service failing after its attempts, or answering
 *         something malformed)
 */
CERT_EXTERN cert_err cert_aws_resolve_credentials(cert_aws *aws, const char **source_out);

/** Details of the last AWS error answer on this session. */
typedef struct cert_aws_error {
    const char *service; /**< "IAM", "CloudFront", "STS", ... */
    const char *action;  /**< "UploadServerCertificate" */
    const char *code;    /**< AWS's error code ("EntityAlreadyExists"); "" for a network failure */
    const char *message; /**< AWS's message */
    const char *request_id; /**< "" when none */
    long status;            /**< HTTP status; 0 when no answer came */
    int attempts;           /**< how many times the request went out (libcurl's own resend of a
                                 request whose reused connection died counts for an
                                 UpdateDistribution) */
} cert_aws_error;

/**
 * The last error answer (or network failure) seen by a request on this session; every string
 * is "" (never NULL) when there was none. Valid until the next request.
 */
CERT_EXTERN const cert_aws_error *cert_aws_last_error(const cert_aws *aws);

/**
 * Keep a failure with a result: the calling thread's last message, and AWS's code, request id
 * and HTTP status when err is CERT_E_AWS (AWS answered with an error) on this session.
 * @param aws the session; may be NULL (no AWS detail)
 * @param out written; what it held before is freed (cert_failure_clear())
 * @return CERT_OK or CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_aws_failure(const cert_aws *aws, cert_err err, cert_failure *out);

/* ---- Signature Version 4, as one pure function ---- */

/** Credentials to sign with (borrowed strings). */
typedef struct cert_aws_credentials {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token; /**< NULL when the credentials are not temporary */
} cert_aws_credentials;

/** One HTTP header (borrowed strings). */
typedef struct cert_http_header {
    const char *name;
    const char *value;
} cert_http_header;

/** What SigV4 signs. */
typedef struct cert_sigv4_request {
    const char *method; /**< "GET", "POST", ... */
    const char *host;   /**< the Host header value, with ":port" when not the default */
    const char *path;   /**< the request path as sent (percent-encoded), "/" for none */
    const char *query;  /**< the query string as sent, without "?"; "" or NULL for none */
    const cert_http_header *headers; /**< every header that is sent, except Host, User-Agent,
                                          X-Amz-Date and X-Amz-Security-Token */
    size_t header_count;
    const uint8_t *body;
    size_t body_len;
    const char *region;  /**< "us-east-1" */
    const char *service; /**< signing name: "iam", "cloudfront", "sts" */
    int64_t time;        /**< seconds since the epoch */
} cert_sigv4_request;

/** The headers to add to the request. */
typedef struct cert_sigv4_signed {
    char amz_date[17];       /**< X-Amz-Date: "20150830T123600Z" */
    char authorization[512]; /**< Authorization */
    char signature[65];      /**< the hex signature inside authorization (for tests) */
    char canonical_hash[65]; /**< SHA-256 of the canonical request (for tests) */
} cert_sigv4_signed;

/**
 * Sign a request with AWS Signature Version 4 (HMAC-SHA256 from OpenSSL). Pure: same inputs,
 * same outputs; the derived signing key is wiped before return. X-Amz-Security-Token, when the
 * credentials carry a session token, is signed too: send it.
 * @param req   borrowed
 * @param creds borrowed
 * @param out   written
 * @return CERT_OK; CERT_E_INVALID (a missing field, a header value with a newline); CERT_E_NOMEM
 */
CERT_EXTERN cert_err cert_sigv4_sign(const cert_sigv4_request *req,
                                     const cert_aws_credentials *creds, cert_sigv4_signed *out);

#ifdef __cplusplus
}
#endif

#endif
