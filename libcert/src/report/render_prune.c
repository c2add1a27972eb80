/* A prune run as certprune shows it (render.h). */
#include "report/render_int.h"
#include "util/error_int.h"
#include "util/time_int.h"

static cert_err prune_json(const cert_prune_result *r, FILE *f)
{
    json_t *o = json_object(), *list = json_array(), *lc = json_object();

    for (size_t i = 0; i < r->count; i++) {
        const cert_prune_item *it = &r->items[i];
        json_t *m = cert__meta_json(&it->cert), *x = json_object();

        json_object_set_new(x, "status",
                            json_string(cert_prune_state_name(it->state, r->deleting)));
        if (it->message)
            json_object_set_new(x, "message", json_string(it->message));
        if (it->failure.err < 0)
            json_object_set_new(x, "error", cert__failure_json(&it->failure));
        json_object_set_new(m, "libcert", x);
        json_array_append_new(list, m);
    }
    json_object_set_new(o, "ServerCertificateMetadataList", list);
    cert__envelope_set(lc, CERT_SCHEMA_CERTPRUNE, cert_prune_exit(r), NULL);
    json_object_set_new(lc, "deleted", json_boolean(r->deleting));
    json_object_set_new(lc, "note",
                        json_string("certificates used only by Elastic Load "
                                    "Balancing are not visible here"));
    json_object_set_new(o, "libcert", lc);
    return cert__json_emit(o, f);
}

cert_err cert_prune_write(const cert_prune_result *r, cert_output fmt, FILE *f)
{
    if (r == NULL || f == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_prune_write: NULL argument");
    if (fmt == CERT_OUTPUT_JSON)
        return prune_json(r, f);
    if (fmt == CERT_OUTPUT_QUIET)
        return CERT_OK;
    if (r->count == 0)
        fprintf(f, "no expired, unused certificate under /cloudfront/\n");
    for (size_t i = 0; i < r->count; i++) {
        const cert_prune_item *it = &r->items[i];
        char exp[32] = "?";

        if (it->cert.expiration != INT64_MIN)
            cert__time_format(it->cert.expiration, exp, sizeof(exp));
        exp[10] = '\0';
        fprintf(f, "%-13s %s (id %s, path %s, expired %s)%s%s\n",
                cert_prune_state_name(it->state, r->deleting), it->cert.name, it->cert.id,
                it->cert.path, exp, it->message ? ": " : "", it->message ? it->message : "");
    }
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the result") : CERT_OK;
}
