/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The retry policy of cert_aws__send(): the AWS SDKs' "standard" mode (AWS SDKs and Tools
 * reference guide, "Retry behavior"): at most max_attempts (default 3); exponential backoff with
 * full jitter, base 1 s, at most 20 s; retry throttling errors, 500/502/503/504, connection
 * errors and timeouts; a retry quota of 500 tokens, 5 a retry and 10 a timeout. Validation
 * errors are never retried.
 */
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "aws_int.h"

#define RETRY_COST 5
#define RETRY_TIMEOUT_COST 10
#define BACKOFF_MAX_MS 20000

/* Throttling and transient error codes the SDKs retry (botocore's standard retry mode). */
static const char *const retryable_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "RequestTimeout",
    "RequestTimeoutException",
    "ServiceUnavailable",
    "InternalError",
    "InternalFailure",
    "ServiceFailure",
};

bool cert_aws__retry_transfer(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
        return true;
    default:
        return false;
    }
}

bool cert_aws__retry_answer(long status, const char *code)
{
    /* 429 is throttling whatever the code says (the SSO portal's TooManyRequestsException
     * arrives with no code the XML and JSON readers know). */
    if (status == 429 || status == 500 || status == 502 || status == 503 || status == 504)
        return true;
    for (size_t i = 0; code != NULL && i < sizeof(retryable_codes) / sizeof(retryable_codes[0]);
         i++) {
        if (strcmp(code, retryable_codes[i]) == 0)
            return true;
    }
    return false;
}

/* Full jitter: uniform in [0, min(20 s, base * 2^(attempt - 1))). */
static long backoff_ms(const cert_aws *aws, int attempt)
{
    double cap = (double)aws->retry_base_ms, u;
    uint32_t r = 0;

    for (int i = 1; i < attempt && cap < BACKOFF_MAX_MS; i++)
        cap *= 2;
    if (cap > BACKOFF_MAX_MS)
        cap = BACKOFF_MAX_MS;
    if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
        r = (uint32_t)rand();
    u = (double)r / 4294967296.0;
    return (long)(u * cap);
}

long cert_aws__retry_wait(cert_aws *aws, int attempt, bool timeout)
{
    int cost = timeout ? RETRY_TIMEOUT_COST : RETRY_COST;

    if (attempt >= aws->max_attempts || aws->retry_tokens < cost)
        return -1;
    aws->retry_tokens -= cost;
    return backoff_ms(aws, attempt);
}
