/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Results: freeing them, naming their states, and the one mapping from a result to the exit code
 * a tool returns (results.h).
 */
#include <stdlib.h>
#include <string.h>

#include "libcert/checks.h"
#include "report/results_int.h"

static cert_exit higher(cert_exit a, cert_exit b)
{
    return a > b ? a : b;
}

static cert_exit failure_exit(const cert_failure *f)
{
    return f->err < 0 ? cert_exit_for_err(f->err) : CERT_EXIT_OK;
}

/* ---- upload ---- */

void cert_refusals_free(cert_refusal *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        free(v[i].message);
    free(v);
}

void cert_put_result_clear(cert_put_result *r)
{
    if (r == NULL)
        return;
    cert_iam_cert_clear(&r->meta);
    free(r->body);
    free(r->chain);
    cert_iam_certs_free(r->removable, r->removable_count);
    cert_failure_clear(&r->failure);
    cert_acm_cert_clear(&r->acm);
    cert_refusals_free(r->refusals, r->refusal_count);
    memset(r, 0, sizeof(*r));
    r->version = CERT_RESULTS_VERSION;
    r->meta.upload_date = r->meta.expiration = INT64_MIN;
    cert_acm_cert_clear(&r->acm);
}

const char *cert_put_status_name(const cert_put_result *r)
{
    if (r->failure.err < 0)
        return "error";
    switch (r->status) {
    case CERT_PUT_UPLOADED:
        return r->store == CERT_STORE_ACM ? "imported" : "uploaded";
    case CERT_PUT_REIMPORTED:
        return "reimported";
    case CERT_PUT_EXISTS:
        return "exists";
    case CERT_PUT_DRY_RUN:
        return "dry-run";
    }
    return "error";
}

cert_exit cert_put_exit(const cert_put_result *r)
{
    return failure_exit(&r->failure);
}

/* ---- inventory ---- */

void cert_inventory_free(cert_inventory *inv)
{
    if (inv == NULL)
        return;
    for (size_t i = 0; inv->users != NULL && i < inv->n; i++)
        free((void *)inv->users[i]);
    free((void *)inv->users);
    free(inv->nusers);
    cert_iam_certs_free(inv->certs, inv->n);
    cert_cf_dists_free(inv->dists, inv->nd);
    for (size_t i = 0; inv->acm_users != NULL && i < inv->nacm; i++)
        free((void *)inv->acm_users[i]);
    free((void *)inv->acm_users);
    free(inv->nacm_users);
    free(inv->acm_usable);
    cert_acm_certs_free(inv->acm, inv->nacm);
    free(inv);
}

bool cert_inventory_has_store(const cert_inventory *inv, cert_store_kind k)
{
    return k == CERT_STORE_ACM ? inv->has_acm : inv->has_iam;
}

size_t cert_inventory_acm_count(const cert_inventory *inv)
{
    return inv ? inv->nacm : 0;
}

const cert_acm_cert *cert_inventory_acm_at(const cert_inventory *inv, size_t i)
{
    return inv && i < inv->nacm ? &inv->acm[i] : NULL;
}

size_t cert_inventory_acm_users(const cert_inventory *inv, size_t i, const char *const **ids_out)
{
    if (i >= inv->nacm || inv->acm_users == NULL) {
        *ids_out = NULL;
        return 0;
    }
    *ids_out = (const char *const *)inv->acm_users[i];
    return inv->nacm_users[i];
}

bool cert_inventory_acm_usable(const cert_inventory *inv, size_t i)
{
    return i < inv->nacm && inv->acm_usable != NULL && inv->acm_usable[i];
}

bool cert_inventory_acm_removable(const cert_inventory *inv, size_t i)
{
    const cert_acm_cert *c = cert_inventory_acm_at(inv, i);

    return c != NULL && inv->usage_known && c->type != NULL && strcmp(c->type, "IMPORTED") == 0 &&
           c->not_after != INT64_MIN && c->not_after < inv->now && !c->in_use &&
           inv->nacm_users[i] == 0;
}

/* A notAfter (INT64_MIN unknown) within `days` days of now, expired ones included. */
static bool expiring(int64_t not_after, int64_t now, unsigned int days)
{
    return not_after != INT64_MIN && not_after - now < (int64_t)days * 86400;
}

/* Whole days from now to a notAfter, rounded down; INT64_MIN when unknown. */
static int64_t days_left(int64_t not_after, int64_t now)
{
    int64_t d;

    if (not_after == INT64_MIN)
        return INT64_MIN;
    d = not_after - now;
    /* Floor division: a certificate that expired an hour ago has -1 days, not 0. */
    return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}

bool cert_inventory_acm_expiring(const cert_inventory *inv, size_t i, unsigned int days)
{
    const cert_acm_cert *c = cert_inventory_acm_at(inv, i);

    return c != NULL && expiring(c->not_after, inv->now, days);
}

int64_t cert_inventory_acm_days_left(const cert_inventory *inv, size_t i)
{
    const cert_acm_cert *c = cert_inventory_acm_at(inv, i);

    return c != NULL ? days_left(c->not_after, inv->now) : INT64_MIN;
}

size_t cert_inventory_count(const cert_inventory *inv)
{
    return inv ? inv->n : 0;
}

const cert_iam_cert *cert_inventory_at(const cert_inventory *inv, size_t i)
{
    return inv && i < inv->n ? &inv->certs[i] : NULL;
}

bool cert_inventory_usage_known(const cert_inventory *inv)
{
    return inv->usage_known;
}

size_t cert_inventory_users(const cert_inventory *inv, size_t i, const char *const **ids_out)
{
    if (i >= inv->n) {
        *ids_out = NULL;
        return 0;
    }
    *ids_out = (const char *const *)inv->users[i];
    return inv->nusers[i];
}

const cert_cf_dist *cert_inventory_distributions(const cert_inventory *inv, size_t *count_out)
{
    *count_out = inv->nd;
    return inv->dists;
}

bool cert_inventory_removable(const cert_inventory *inv, size_t i)
{
    const cert_iam_cert *c = cert_inventory_at(inv, i);

    return c != NULL && inv->usage_known && cert_iam_path_cloudfront(c->path) &&
           c->expiration != INT64_MIN && c->expiration < inv->now && inv->nusers[i] == 0;
}

bool cert_inventory_expiring(const cert_inventory *inv, size_t i, unsigned int days)
{
    const cert_iam_cert *c = cert_inventory_at(inv, i);

    return c != NULL && expiring(c->expiration, inv->now, days);
}

int64_t cert_inventory_days_left(const cert_inventory *inv, size_t i)
{
    const cert_iam_cert *c = cert_inventory_at(inv, i);

    return c != NULL ? days_left(c->expiration, inv->now) : INT64_MIN;
}

void cert_inventory_quota(const cert_inventory *inv, long *used_out, long *quota_out)
{
    *used_out = inv->used;
    *quota_out = inv->quota;
}

int64_t cert_inventory_now(const cert_inventory *inv)
{
    return inv->now;
}

size_t cert_inventory_shown(const cert_inventory *inv, int days)
{
    size_t n = 0;

    for (size_t i = 0; i < cert_inventory_count(inv); i++)
        n += days < 0 || cert_inventory_expiring(inv, i, (unsigned int)days);
    for (size_t i = 0; i < cert_inventory_acm_count(inv); i++)
        n += days < 0 || cert_inventory_acm_expiring(inv, i, (unsigned int)days);
    return n;
}

cert_exit cert_inventory_exit(const cert_inventory *inv, int days)
{
    return days >= 0 && cert_inventory_shown(inv, days) > 0 ? CERT_EXIT_CHECK : CERT_EXIT_OK;
}

void cert_path_fix_clear(cert_path_fix *p)
{
    if (p == NULL)
        return;
    free(p->name);
    free(p->old_path);
    free(p->new_path);
    cert_failure_clear(&p->failure);
    memset(p, 0, sizeof(*p));
    p->version = CERT_RESULTS_VERSION;
}

/* ---- prune ---- */

void cert_prune_result_free(cert_prune_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; r->items != NULL && i < r->count; i++) {
        cert_iam_cert_clear(&r->items[i].cert);
        free(r->items[i].message);
        free(r->items[i].names);
        free(r->items[i].superseded_by);
        cert_failure_clear(&r->items[i].failure);
        cert_acm_cert_clear(&r->items[i].acm);
    }
    free(r->items);
    free(r);
}

const char *cert_prune_state_name(cert_prune_state s, bool deleting)
{
    switch (s) {
    case CERT_PRUNE_CANDIDATE:
        return deleting ? "candidate" : "would-delete";
    case CERT_PRUNE_DELETED:
        return "deleted";
    case CERT_PRUNE_IN_USE_NOW:
        return "kept-in-use";
    case CERT_PRUNE_FAILED:
        return "failed";
    case CERT_PRUNE_KEPT_NEWEST:
        return "kept-newest";
    }
    return "unknown";
}

const char *cert_prune_reason_name(cert_prune_reason r)
{
    return r == CERT_PRUNE_UNUSED ? "unused" : "expired";
}

cert_exit cert_prune_exit(const cert_prune_result *r)
{
    cert_exit e = CERT_EXIT_OK;

    for (size_t i = 0; i < r->count; i++)
        e = higher(e, failure_exit(&r->items[i].failure));
    return e;
}

/* ---- attach ---- */

void cert__attach_dist_clear(cert_attach_dist *d)
{
    free(d->id);
    for (size_t k = 0; k < d->alias_count; k++)
        free(d->aliases[k]);
    free(d->aliases);
    cert_cf_viewer_clear(&d->previous);
    free(d->change);
    cert_failure_clear(&d->failure);
    cert_failure_clear(&d->rollback);
    cert_failure_clear(&d->wait);
    cert_report_free(d->report);
    free(d->replaced_id);
    free(d->note);
    cert_refusals_free(d->refusals, d->refusal_count);
    memset(d, 0, sizeof(*d));
}

void cert_attach_result_free(cert_attach_result *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->count; i++)
        cert__attach_dist_clear(&r->dists[i]);
    free(r->dists);
    for (size_t i = 0; i < r->handle_count; i++) {
        free(r->handles[i].value);
        free(r->handles[i].note);
    }
    free(r->handles);
    cert_iam_cert_clear(&r->cert);
    cert_iam_cert_clear(&r->replaced);
    cert_failure_clear(&r->failure);
    cert_acm_cert_clear(&r->acm);
    free(r);
}

const char *cert_handle_kind_name(cert_handle_kind k)
{
    switch (k) {
    case CERT_HANDLE_DISTRIBUTION:
        return "distribution";
    case CERT_HANDLE_ALIAS:
        return "alias";
    case CERT_HANDLE_REPLACE:
        return "replace";
    }
    return "unknown";
}

const char *cert_attach_state_name(cert_attach_state s)
{
    switch (s) {
    case CERT_ATTACH_PENDING:
        return "not-run";
    case CERT_ATTACH_UNCHANGED:
        return "unchanged";
    case CERT_ATTACH_UPDATED:
        return "updated";
    case CERT_ATTACH_WOULD_UPDATE:
        return "would-update";
    case CERT_ATTACH_REFUSED:
        return "refused";
    case CERT_ATTACH_FAILED:
        return "failed";
    case CERT_ATTACH_ROLLED_BACK:
        return "rolled-back";
    case CERT_ATTACH_REIMPORTED:
        return "reimported";
    case CERT_ATTACH_WOULD_REIMPORT:
        return "would-reimport";
    case CERT_ATTACH_UNKNOWN:
        return "unknown";
    }
    return "invalid";
}

const cert_failure *cert_attach_dist_failure(const cert_attach_dist *d)
{
    /* In the order they can happen: the change, its rollback, the wait after. */
    if (d->wait.err < 0)
        return &d->wait;
    if (d->rollback.err < 0)
        return &d->rollback;
    if (d->failure.err < 0)
        return &d->failure;
    return NULL;
}

cert_exit cert_attach_dist_exit(const cert_attach_dist *d)
{
    cert_exit e = higher(failure_exit(&d->failure),
                         higher(failure_exit(&d->rollback), failure_exit(&d->wait)));

    return d->state == CERT_ATTACH_UNKNOWN ? higher(e, CERT_EXIT_RETRY) : e;
}

cert_exit cert_attach_exit(const cert_attach_result *r)
{
    cert_exit e = failure_exit(&r->failure);

    for (size_t i = 0; i < r->count; i++)
        e = higher(e, cert_attach_dist_exit(&r->dists[i]));
    return e;
}

/* ---- live checks ---- */

static void strings_free(char **v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++)
        free(v[i]);
    free(v);
}

void cert_served_free(cert_served *s)
{
    if (s == NULL)
        return;
    free(s->host);
    free(s->servername);
    free(s->address);
    cert_failure_clear(&s->failure);
    free(s->protocol);
    free(s->cipher);
    free(s->leaf_subject);
    free(s->expected_label);
    free(s);
}

void cert_live_name_free(cert_live_name *n)
{
    if (n == NULL)
        return;
    free(n->alias);
    free(n->name);
    strings_free(n->cnames, n->cname_count);
    free(n->dns_server);
    cert_failure_clear(&n->failure);
    for (size_t i = 0; i < n->served_count; i++)
        cert_served_free(n->served[i]);
    free(n->served);
    free(n);
}

void cert_dns_route_free(cert_dns_route *r)
{
    if (r == NULL)
        return;
    if (r->record != NULL)
        cert_r53_records_free(r->record, 1);
    strings_free(r->via, r->via_count);
    free(r->target);
    free(r->distribution);
    free(r->note);
    if (r->health != NULL) {
        cert_r53_health_clear(r->health);
        free(r->health);
    }
    cert_failure_clear(&r->health_failure);
    free(r);
}

void cert_dns_alias_free(cert_dns_alias *a)
{
    if (a == NULL)
        return;
    free(a->alias);
    free(a->zone_id);
    free(a->zone_name);
    strings_free(a->zones, a->zone_count);
    free(a->record_name);
    for (size_t i = 0; i < a->route_count; i++)
        cert_dns_route_free(a->routes[i]);
    free(a->routes);
    cert_failure_clear(&a->failure);
    free(a);
}

void cert_live_result_free(cert_live_result *r)
{
    if (r == NULL)
        return;
    free(r->distribution);
    free(r->domain_name);
    free(r->expected_label);
    for (size_t i = 0; i < r->dns_count; i++)
        cert_dns_alias_free(r->dns[i]);
    free(r->dns);
    for (size_t i = 0; i < r->live_count; i++)
        cert_live_name_free(r->live[i]);
    free(r->live);
    free(r->resolver);
    cert_failure_clear(&r->failure);
    free(r);
}

const char *cert_dns_points_name(cert_dns_points p)
{
    switch (p) {
    case CERT_DNS_HERE:
        return "here";
    case CERT_DNS_OTHER_DISTRIBUTION:
        return "other-distribution";
    case CERT_DNS_ELSEWHERE:
        return "elsewhere";
    case CERT_DNS_NOWHERE:
        return "nowhere";
    case CERT_DNS_NO_ZONE:
        return "no-zone";
    case CERT_DNS_AMBIGUOUS:
        return "ambiguous";
    case CERT_DNS_UNKNOWN:
        break;
    }
    return "unknown";
}

const char *cert_served_state_name(cert_served_state s)
{
    switch (s) {
    case CERT_SERVED_OK:
        return "ok";
    case CERT_SERVED_FAILED:
        return "failed";
    case CERT_SERVED_SKIPPED:
        return "skipped";
    }
    return "unknown";
}

cert_exit cert_live_exit(const cert_live_result *r)
{
    cert_exit e;

    if (r == NULL)
        return CERT_EXIT_OK;
    e = failure_exit(&r->failure);
    for (size_t i = 0; i < r->dns_count; i++) {
        e = higher(e, failure_exit(&r->dns[i]->failure));
        /* a health check whose status could not be read: the check asked for was not made */
        for (size_t j = 0; j < r->dns[i]->route_count; j++)
            e = higher(e, failure_exit(&r->dns[i]->routes[j]->health_failure));
    }
    for (size_t i = 0; i < r->live_count; i++)
        e = higher(e, failure_exit(&r->live[i]->failure));
    return e;
}

/* ---- rotate ---- */

void cert_rotate_result_free(cert_rotate_result *r)
{
    if (r == NULL)
        return;
    cert_report_free(r->report);
    cert_put_result_clear(&r->put);
    cert_attach_result_free(r->attach);
    free(r->confirmed);
    for (size_t i = 0; i < r->live_count; i++) {
        free(r->live[i].distribution);
        free(r->live[i].alias);
        free(r->live[i].message);
    }
    free(r->live);
    for (size_t i = 0; r->live_detail != NULL && i < r->live_count; i++)
        cert_live_name_free(r->live_detail[i]);
    free(r->live_detail);
    free(r->live_resolver);
    free(r->delete_message);
    for (size_t i = 0; i < r->delete_count; i++) {
        cert_delete_item *d = &r->deletes[i];

        free(d->id);
        free(d->name);
        free(d->reason);
        for (size_t k = 0; k < d->user_count; k++)
            free(d->users[k]);
        free(d->users);
    }
    free(r->deletes);
    for (size_t i = 0; i < r->reimport_count; i++) {
        free(r->reimports[i].arn);
        cert_failure_clear(&r->reimports[i].failure);
    }
    free(r->reimports);
    cert_failure_clear(&r->failure);
    free(r);
}

const char *cert_delete_state_name(cert_delete_state s)
{
    switch (s) {
    case CERT_DELETE_NOT_ASKED:
        return "not-asked";
    case CERT_DELETE_DELETED:
        return "deleted";
    case CERT_DELETE_ALREADY_GONE:
        return "already-gone";
    case CERT_DELETE_WOULD_DELETE:
        return "would-delete";
    case CERT_DELETE_FAILED:
        return "failed";
    case CERT_DELETE_KEPT:
        return "kept";
    }
    return "unknown";
}

cert_exit cert_rotate_exit(const cert_rotate_result *r)
{
    cert_exit e = failure_exit(&r->failure);

    for (size_t i = 0; i < r->reimport_count; i++)
        e = higher(e, failure_exit(&r->reimports[i].failure));
    if (r->attach != NULL)
        e = higher(e, cert_attach_exit(r->attach));
    return e;
}
