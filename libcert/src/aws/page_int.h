/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The paginator: the one loop that reads an AWS list page by page, for every list libcert
 * reads (IAM ListServerCertificates and ListServerCertificateTags, CloudFront
 * ListDistributions) and the ones to come (ACM ListCertificates, Route53
 * ListResourceRecordSets). It is the one place where a listing's stops live:
 *   - a page that says there is more must give its cursor ("IAM said IsTruncated without a
 *     Marker");
 *   - a page that says there is more must hold at least one item;
 *   - a cursor may not come back (a marker that never changes, or that cycles);
 *   - one listing holds at most items_max items (CERT_AWS_LIST_ITEMS_MAX unless the session
 *     says otherwise), counted as they arrive, so that a streamed list stops at once.
 * Each stop is CERT_E_NET (a malformed answer: retryable later, exit 5) with a message naming
 * the service and action. Together they bound a listing: every page that leads to another
 * holds an item, so pages and remembered cursors are at most items_max + 1.
 *
 * A service describes its cursor (aws_page_spec) and writes a fetch function that sends one
 * page's request, giving back the current cursor (cert_aws__page_query(), or the fields of
 * aws_pager.cursor for a JSON body), and reads its answer (whole or as it streams), telling
 * the pager each item (cert_aws__page_item()), whether the page is truncated
 * (cert_aws__page_truncated()) and its cursor fields (cert_aws__page_cursor()).
 */
#ifndef LIBCERT_AWS_PAGE_INT_H
#define LIBCERT_AWS_PAGE_INT_H

#include <stdint.h>

#include "aws_int.h"

/* The most items one listing may hold: far above what the lists libcert reads hold (IAM server
 * certificates and CloudFront distributions per account, both quota-bound; at most 50 tags a
 * certificate), and low enough to bound memory (100,000 IAM metadata records are tens of
 * MB). The session can change it (cert_aws__set_list_items_max()). */
#define CERT_AWS_LIST_ITEMS_MAX 100000

/* A cursor's fields at most: Route53's NextRecordName, NextRecordType, NextRecordIdentifier. */
#define CERT_AWS_PAGE_FIELDS 3

/* One field of a list's cursor. */
typedef struct aws_page_field {
    const char *answer;  /* its name in an answer ("NextMarker"), for messages */
    const char *request; /* the name a request gives it back under ("Marker") */
    bool optional;       /* a truncated page may leave it out (NextRecordIdentifier) */
} aws_page_field;

/* How one list action pages. */
typedef struct aws_page_spec {
    const char *service; /* "IAM", for messages */
    const char *action;  /* "ListServerCertificates", for messages */
    aws_page_field fields[CERT_AWS_PAGE_FIELDS];
    size_t nfields;
    bool more_by_cursor; /* no IsTruncated: a page with a cursor has a next (ACM's NextToken) */
} aws_page_spec;

/* One listing in progress. Fields are read by fetch functions and tests; changed only through
 * the functions below. */
typedef struct aws_pager {
    const aws_page_spec *spec;
    size_t items_max;
    size_t pages; /* pages asked for, the current one included */
    size_t items; /* items so far, the current page's included */
    /* what the next request gives back (all NULL for the first page): new strings */
    char *cursor[CERT_AWS_PAGE_FIELDS];
    /* the page being read */
    size_t page_items;
    bool truncated;
    char *next[CERT_AWS_PAGE_FIELDS]; /* its cursor, as the answer gave it: new strings */
    bool over;                        /* an item past items_max came */
    /* the cursors followed so far (64-bit hashes, open addressing; 0 marks a free slot) */
    uint64_t *seen;
    size_t seen_count, seen_cap;
} aws_pager;

/* A new listing that stops past `items_max` items (0: CERT_AWS_LIST_ITEMS_MAX). Free with
 * cert_aws__pager_free(). */
void cert_aws__pager_init(aws_pager *p, const aws_page_spec *spec, size_t items_max);
void cert_aws__pager_free(aws_pager *p);

/* ---- for a fetch function, while it reads a page ---- */

/* A page's answer begins (again, when a retry brings a new one): forget what the previous
 * answer to this request said (its items no longer count, its cursor is gone). */
void cert_aws__page_begin(aws_pager *p);

/* One more item: CERT_E_NET once the listing passes items_max (the fetch function stops
 * reading there; the pager words the message). Call it before keeping the item. */
cert_err cert_aws__page_item(aws_pager *p);

/* What the page says: whether it is truncated (IsTruncated), and a cursor field (by its index
 * in the spec; the value is copied). */
void cert_aws__page_truncated(aws_pager *p, bool truncated);
cert_err cert_aws__page_cursor(aws_pager *p, size_t field, const char *value);

/* Append the current cursor's fields to a query or form ("&Marker=..."), percent-encoded; none
 * on the first page. */
cert_err cert_aws__page_query(const aws_pager *p, cert_buf *q);

/* Whether the page read so far has a next, by the spec's rule (for a reader that reports a
 * single page, as the fuzzer's). */
bool cert_aws__page_more(const aws_pager *p);

/* ---- the loop ---- */

/* Send the request for the page the pager's cursor names and read its answer; an error stops
 * the listing with that error. */
typedef cert_err (*aws_page_fetch)(aws_pager *p, void *ud);

/* Fetch pages until one has no next, applying the stops above after each. The items are the
 * fetch function's (ud): on an error it keeps what it took, for the caller to free. */
cert_err cert_aws__page_run(aws_pager *p, aws_page_fetch fetch, void *ud);

/* cert_aws__page_run() with a new pager whose cap is the session's. */
cert_err cert_aws__page_all(cert_aws *aws, const aws_page_spec *spec, aws_page_fetch fetch,
                            void *ud);

/* The session's cap on the items of one listing (0: back to CERT_AWS_LIST_ITEMS_MAX); its
 * clones keep it. Internal for now: no tool has needed more. */
void cert_aws__set_list_items_max(cert_aws *aws, size_t max);

#endif
