/* certrotate --verify-live: what the edge serves for each alias of the distributions moved. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcert/net.h"
#include "ops/rotate_int.h"
#include "util/error_int.h"

/* The host and port to connect to for an alias, and the name to send as SNI. */
static void target(const char *connect, const char *alias, char *host, size_t hsize, char *port,
                   size_t psize, char *sni, size_t ssize)
{
    /* SNI cannot be a wildcard: ask for a name the wildcard covers. */
    if (alias[0] == '*' && alias[1] == '.')
        snprintf(sni, ssize, "libcert-verify%s", alias + 1);
    else
        snprintf(sni, ssize, "%s", alias);
    snprintf(host, hsize, "%s", connect ? connect : sni);
    snprintf(port, psize, "443");
    if (connect != NULL) {
        char *colon = strrchr(host, ':');

        if (colon != NULL && strchr(colon, ']') == NULL) {
            snprintf(port, psize, "%s", colon + 1);
            *colon = '\0';
        }
    }
}

static void check_alias(const char *connect, const char *alias, X509 *leaf, cert_live_check *lc)
{
    char host[300], port[16], sni[300], subj[300];
    X509 *served = NULL;

    target(connect, alias, host, sizeof(host), port, sizeof(port), sni, sizeof(sni));
    if (cert_tls_served_leaf(host, port, sni, 10000, &served) < 0) {
        lc->ok = false;
        lc->message = strdup(cert_error_last()->message);
        return;
    }
    lc->ok = X509_cmp(served, leaf) == 0;
    if (lc->ok) {
        lc->message = strdup("serves the new certificate");
    } else {
        X509_NAME_oneline(X509_get_subject_name(served), subj, sizeof(subj));
        if (asprintf(&lc->message, "serves another certificate (%s)", subj) < 0)
            lc->message = NULL;
    }
    X509_free(served);
}

cert_err cert_rotate__live_checks(const cert_rotate_opts *o, cert_rotate_result *r, X509 *leaf)
{
    size_t n = 0;

    for (size_t i = 0; i < r->attach->count; i++)
        n += r->confirmed[i] ? r->attach->dists[i].alias_count : 0;
    r->live = calloc(n ? n : 1, sizeof(*r->live));
    if (r->live == NULL)
        return cert__error_nomem();
    for (size_t i = 0; i < r->attach->count; i++) {
        const cert_attach_dist *d = &r->attach->dists[i];

        for (size_t k = 0; r->confirmed[i] && k < d->alias_count; k++) {
            cert_live_check *lc = &r->live[r->live_count++];

            lc->distribution = strdup(d->id);
            lc->alias = strdup(d->aliases[k]);
            if (lc->distribution == NULL || lc->alias == NULL)
                return cert__error_nomem();
            check_alias(o->connect, d->aliases[k], leaf, lc);
            if (o->progress != NULL) {
                char line[1024];

                snprintf(line, sizeof(line), "verify-live %s (%s): %s", d->aliases[k], d->id,
                         lc->message ? lc->message : "");
                o->progress(line, o->progress_ud);
            }
        }
    }
    return CERT_OK;
}
