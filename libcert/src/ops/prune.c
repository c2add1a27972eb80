/* certprune: delete the expired certificates under /cloudfront/ that no distribution uses. */
#include "libcert/prune.h"

#include <stdlib.h>
#include <string.h>

#include "libcert/cloudfront.h"
#include "libcert/inventory.h"
#include "util/error_int.h"

/* Whether any distribution uses the certificate now (every page listed again). */
static cert_err used_now(cert_aws *aws, const char *id, bool *used)
{
    cert_cf_dist *v = NULL;
    size_t n = 0;
    cert_err err = cert_cf_list(aws, &v, &n);

    *used = false;
    for (size_t i = 0; err == CERT_OK && i < n; i++)
        *used = *used || (v[i].iam_certificate_id && strcmp(v[i].iam_certificate_id, id) == 0);
    cert_cf_dists_free(v, n);
    return err;
}

/* The candidates: expired, unused, under /cloudfront/. */
static cert_err candidates(cert_aws *aws, int64_t now, cert_prune_result *r)
{
    cert_err err;
    cert_inventory *inv = NULL;
    cert_inventory_opts io = CERT_INVENTORY_OPTS_INIT;
    size_t n = 0;

    io.path_prefix = "/cloudfront/";
    io.in_use = true;
    io.now = now;
    CERT_TRY(cert_inventory_build(aws, &io, &inv));
    r->items = calloc(cert_inventory_count(inv) ? cert_inventory_count(inv) : 1, sizeof(*r->items));
    if (r->items == NULL)
        CERT_NOMEM();
    for (size_t i = 0; i < cert_inventory_count(inv); i++) {
        /* The prefix filter is IAM's; check the rule again here: never outside /cloudfront/. */
        if (!cert_inventory_removable(inv, i))
            continue;
        r->count = ++n;
        CERT_TRY(cert_iam_cert_copy(&r->items[n - 1].cert, cert_inventory_at(inv, i)));
        r->items[n - 1].state = CERT_PRUNE_CANDIDATE;
    }

done:
    cert_inventory_free(inv);
    return err;
}

/* Right before the delete, a distribution may have taken it up since the listing. */
static cert_err delete_one(cert_aws *aws, cert_prune_item *it)
{
    bool used = false;
    cert_err err = used_now(aws, it->cert.id, &used);

    if (err == CERT_OK && used) {
        it->state = CERT_PRUNE_IN_USE_NOW;
        it->message = strdup("a distribution uses it now; kept");
        return it->message ? CERT_OK : cert__error_nomem();
    }
    if (err == CERT_OK)
        err = cert_iam_delete(aws, it->cert.name);
    if (err == CERT_OK) {
        it->state = CERT_PRUNE_DELETED;
        return CERT_OK;
    }
    if (err == CERT_E_NOMEM)
        return err;
    it->state = err == CERT_E_AWS && strcmp(cert_aws_last_error(aws)->code, "DeleteConflict") == 0
                    ? CERT_PRUNE_IN_USE_NOW
                    : CERT_PRUNE_FAILED;
    it->message = strdup(cert_error_last()->message);
    if (it->message == NULL)
        return cert__error_nomem();
    if (it->state == CERT_PRUNE_FAILED)
        return cert_aws_failure(aws, err, &it->failure);
    return CERT_OK;
}

cert_err cert_prune_run(cert_aws *aws, bool yes, int64_t now, cert_prune_result **out)
{
    cert_err err = CERT_OK;
    cert_prune_result *r = NULL;

    if (out == NULL || aws == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_prune_run: NULL argument");
    *out = NULL;
    if ((r = calloc(1, sizeof(*r))) == NULL)
        return cert__error_nomem();
    r->version = CERT_RESULTS_VERSION;
    r->deleting = yes;
    CERT_TRY(candidates(aws, now, r));
    for (size_t i = 0; yes && i < r->count; i++)
        CERT_TRY(delete_one(aws, &r->items[i]));
    *out = r;
    r = NULL;

done:
    cert_prune_result_free(r);
    return err;
}
