/* SPDX-License-Identifier: Apache-2.0 */
/* A rotation as certrotate shows it (render.h). */
#include <stdlib.h>
#include <string.h>

#include "libcert/text.h"
#include "report/render_int.h"
#include "report/report_int.h"
#include "util/error_int.h"

static const char *put_name(const cert_rotate_result *r)
{
    if (r->put.name[0] == '\0')
        return "not-run";
    return cert_put_status_name(&r->put);
}

/* The id a distribution had before this job moved it: this run's read, or the record (an IAM
 * id or an ACM ARN). */
static const char *previous_id(const cert_attach_dist *d)
{
    if (d->replaced_id != NULL)
        return d->replaced_id;
    return d->previous.iam_certificate_id ? d->previous.iam_certificate_id
                                          : d->previous.acm_certificate_arn;
}

static bool is_arn(const char *id)
{
    return id != NULL && strncmp(id, "arn:", 4) == 0;
}

static json_t *dist_json(const cert_rotate_result *r, size_t i)
{
    const cert_attach_dist *d = &r->attach->dists[i];
    const cert_failure *why = cert_attach_dist_failure(d);
    json_t *dj = json_object(), *al = json_array();
    const char *prev = previous_id(d);

    json_object_set_new(dj, "Id", json_string(d->id));
    for (size_t k = 0; k < d->alias_count; k++)
        json_array_append_new(al, json_string(d->aliases[k]));
    json_object_set_new(dj, "Aliases", al);
    json_object_set_new(dj, "status", json_string(cert_attach_state_name(d->state)));
    json_object_set_new(dj, "PreviousIAMCertificateId",
                        cert__str_or_null(is_arn(prev) ? NULL : prev));
    json_object_set_new(dj, "PreviousACMCertificateArn",
                        cert__str_or_null(is_arn(prev) ? prev : NULL));
    json_object_set_new(dj, "confirmed", json_boolean(r->confirmed != NULL && r->confirmed[i]));
    json_object_set_new(dj, "deployed", json_boolean(d->deployed));
    json_object_set_new(dj, "change", cert__str_or_null(d->change));
    json_object_set_new(dj, "exit_code", json_integer(cert_attach_dist_exit(d)));
    if (why != NULL)
        json_object_set_new(dj, "error", cert__failure_json(why));
    if (d->guard != NULL)
        json_object_set_new(dj, "guard", json_string(d->guard));
    if (d->note != NULL)
        json_object_set_new(dj, "note", json_string(d->note));
    if (d->refusal_count > 0)
        json_object_set_new(dj, "refusals", cert__refusals_json(d->refusals, d->refusal_count));
    return dj;
}

static json_t *reimports_json(const cert_rotate_result *r)
{
    json_t *a = json_array();

    for (size_t i = 0; i < r->reimport_count; i++) {
        json_t *x = json_object();

        json_object_set_new(x, "CertificateArn", json_string(r->reimports[i].arn));
        json_object_set_new(x, "status", json_string(r->reimports[i].status));
        if (r->reimports[i].failure.err < 0)
            json_object_set_new(x, "error", cert__failure_json(&r->reimports[i].failure));
        json_array_append_new(a, x);
    }
    return a;
}

static json_t *live_json(const cert_rotate_result *r)
{
    json_t *lv = json_array();

    for (size_t i = 0; i < r->live_count; i++) {
        json_t *x = json_object();
        const cert_live_name *n = r->live_detail != NULL ? r->live_detail[i] : NULL;

        json_object_set_new(x, "Id", json_string(r->live[i].distribution));
        json_object_set_new(x, "alias", json_string(r->live[i].alias));
        json_object_set_new(x, "ok", json_boolean(r->live[i].ok));
        json_object_set_new(x, "message",
                            json_string(r->live[i].message ? r->live[i].message : ""));
        if (n != NULL) { /* what certcheck --live shows for the name */
            json_t *addrs = json_array();

            json_object_set_new(x, "name", json_string(n->name));
            json_object_set_new(x, "dns_status", cert__str_or_null(n->dns_status));
            for (size_t k = 0; k < n->served_count; k++)
                json_array_append_new(addrs, cert_report__served_json(n->served[k]));
            json_object_set_new(x, "addresses", addrs);
        }
        json_array_append_new(lv, x);
    }
    return lv;
}

static json_t *delete_item_json(const cert_delete_item *it)
{
    json_t *x = json_object(), *u = json_array();

    if (it->store == CERT_STORE_ACM) {
        json_object_set_new(x, "CertificateArn", json_string(it->id));
    } else {
        json_object_set_new(x, "ServerCertificateId", json_string(it->id));
        json_object_set_new(x, "ServerCertificateName", cert__str_or_null(it->name));
    }
    json_object_set_new(x, "store", json_string(it->store == CERT_STORE_ACM ? "acm" : "iam"));
    json_object_set_new(x, "status", json_string(cert_delete_state_name(it->state)));
    if (it->reason != NULL)
        json_object_set_new(x, "reason", json_string(it->reason));
    for (size_t k = 0; k < it->user_count; k++)
        json_array_append_new(u, json_string(it->users[k]));
    json_object_set_new(x, "used_by", u);
    return x;
}

static json_t *delete_json(const cert_rotate_result *r)
{
    json_t *d = json_object(), *c = json_array();

    json_object_set_new(d, "status", json_string(cert_delete_state_name(r->deleted)));
    for (size_t i = 0; i < r->delete_count; i++)
        json_array_append_new(c, delete_item_json(&r->deletes[i]));
    json_object_set_new(d, "certificates", c);
    return d;
}

static cert_err rotate_json(const cert_rotate_result *r, FILE *f)
{
    json_t *o = json_object(), *lc = json_object(), *up = json_object(), *dists = json_array();

    if (r->put.store == CERT_STORE_ACM && r->put.acm.arn != NULL) {
        json_object_set_new(o, "CertificateArn", json_string(r->put.acm.arn));
        json_object_set_new(o, "Certificate", cert__acm_json(&r->put.acm, false));
    } else if (r->put.store == CERT_STORE_IAM && r->put.meta.name != NULL) {
        json_object_set_new(o, "ServerCertificateMetadata", cert__meta_json(&r->put.meta));
    }
    json_object_set_new(up, "status", json_string(put_name(r)));
    json_object_set_new(up, "name", json_string(r->put.name));
    json_object_set_new(up, "store", json_string(r->put.store == CERT_STORE_ACM ? "acm" : "iam"));
    json_object_set_new(o, "upload", up);
    if (r->reimport_count > 0)
        json_object_set_new(o, "reimports", reimports_json(r));
    for (size_t i = 0; r->attach != NULL && i < r->attach->count; i++)
        json_array_append_new(dists, dist_json(r, i));
    json_object_set_new(o, "Distributions", dists);
    if (r->live_count > 0)
        json_object_set_new(o, "verify_live", live_json(r));
    json_object_set_new(o, "delete_old", delete_json(r));
    cert__envelope_set(lc, CERT_SCHEMA_CERTROTATE, cert_rotate_exit(r), &r->failure);
    json_object_set_new(lc, "stage", json_string(r->stage ? r->stage : ""));
    json_object_set_new(lc, "finished", json_boolean(r->finished));
    if (r->attach != NULL)
        json_object_set_new(lc, "handles", cert__handles_json(r->attach));
    json_object_set_new(o, "libcert", lc);
    return cert__json_emit(o, f);
}

static void dist_text(const cert_rotate_result *r, size_t i, FILE *f)
{
    const cert_attach_dist *d = &r->attach->dists[i];
    const cert_failure *why = cert_attach_dist_failure(d);
    const char *prev = previous_id(d);

    cert_text_writef(f, "distribution %s: %s (previous %s %s)%s%s%s%s\n", d->id,
                     cert_attach_state_name(d->state),
                     is_arn(prev) ? "ACMCertificateArn" : "IAMCertificateId", prev ? prev : "none",
                     r->confirmed && r->confirmed[i] ? ", confirmed" : "",
                     d->deployed ? ", Deployed" : "", why && why->message ? ": " : "",
                     why && why->message ? why->message : "");
    if (d->change != NULL && d->state != CERT_ATTACH_UNCHANGED)
        cert_text_writef(f, "  %s\n", d->change);
    if (d->note != NULL)
        cert_text_writef(f, "  %s\n", d->note);
    for (size_t k = 0; k < d->refusal_count; k++)
        cert_text_writef(f, "  %s\n", d->refusals[k].message);
}

static void delete_text(const cert_rotate_result *r, FILE *f)
{
    if (r->deleted != CERT_DELETE_NOT_ASKED && r->delete_count == 0)
        cert_text_writef(f, "old certificates: nothing this job replaced is left\n");
    for (size_t i = 0; i < r->delete_count; i++) {
        const cert_delete_item *it = &r->deletes[i];

        cert_text_writef(f, "old certificate %s (%s): %s%s%s\n", it->name ? it->name : "?", it->id,
                         cert_delete_state_name(it->state), it->reason ? ": " : "",
                         it->reason ? it->reason : "");
        for (size_t k = 0; k < it->user_count; k++)
            cert_text_writef(f, "  used by %s\n", it->users[k]);
    }
}

static void rotate_text(const cert_rotate_result *r, FILE *f)
{
    cert_exit exit = cert_rotate_exit(r);

    if (r->put.name[0] != '\0' && r->put.store == CERT_STORE_ACM)
        cert_text_writef(f, "import: %s %s\n", put_name(r),
                         r->put.meta.arn && r->put.meta.arn[0] ? r->put.meta.arn
                                                               : "(new ACM import)");
    else if (r->put.name[0] != '\0')
        cert_text_writef(f, "upload: %s %s%s%s\n", put_name(r), r->put.name,
                         r->put.meta.id ? " " : "", r->put.meta.id ? r->put.meta.id : "");
    for (size_t i = 0; i < r->reimport_count; i++)
        cert_text_writef(f, "re-import: %s %s%s%s\n", r->reimports[i].status, r->reimports[i].arn,
                         r->reimports[i].failure.message ? ": " : "",
                         r->reimports[i].failure.message ? r->reimports[i].failure.message : "");
    for (size_t i = 0; r->attach != NULL && i < r->attach->count; i++)
        dist_text(r, i, f);
    for (size_t i = 0; i < r->live_count; i++)
        cert_text_writef(f, "verify-live %s (%s): %s\n", r->live[i].alias, r->live[i].distribution,
                         r->live[i].message ? r->live[i].message : "");
    delete_text(r, f);
    if (exit == CERT_EXIT_OK && r->finished)
        cert_text_writef(f, "done\n");
    else if (exit == CERT_EXIT_OK && r->stage != NULL && strcmp(r->stage, "done") == 0)
        /* a dry run that went through every stage: said as what it is, never as "done" */
        cert_text_writef(f, "dry run: nothing changed; a run would take the steps above\n");
    else if (exit == CERT_EXIT_OK)
        cert_text_writef(f, "dry run: nothing changed (stage %s)\n", r->stage ? r->stage : "");
    else
        cert_text_writef(f, "stopped (stage %s, exit %d)%s\n", r->stage ? r->stage : "", (int)exit,
                         (r->put.status == CERT_PUT_UPLOADED || r->reimport_count > 0) &&
                                 !r->finished
                             ? "; the new certificate is in the store: run again to finish the job"
                             : "");
}

/* --output text / table: UPLOAD, REIMPORT, DISTRIBUTIONS, VERIFYLIVE, DELETE (one a
 * certificate --delete-old considered) and LIBCERT (stage, finished, exit code). */
static cert_err rotate_rows(const cert_rotate_result *r, cert_output fmt, FILE *f)
{
    cert__rows *t = cert__rows_new(fmt, f);
    char code[24];

    cert__row(t, "UPLOAD", "Status", put_name(r), "Store",
              r->put.store == CERT_STORE_ACM ? "acm" : "iam", "Name",
              r->put.name[0] ? r->put.name : CERT__NONE, "Id", r->put.meta.id, "Arn",
              r->put.meta.arn, CERT__NONE);
    for (size_t i = 0; i < r->reimport_count; i++)
        cert__row(t, "REIMPORT", "CertificateArn", r->reimports[i].arn, "Status",
                  r->reimports[i].status, "Error", r->reimports[i].failure.message, CERT__NONE);
    for (size_t i = 0; r->attach != NULL && i < r->attach->count; i++) {
        const cert_attach_dist *d = &r->attach->dists[i];
        const cert_failure *why = cert_attach_dist_failure(d);
        char *aliases = cert__rows_join((const char *const *)d->aliases, d->alias_count), dc[24];

        cert__row(t, "DISTRIBUTIONS", "Id", d->id, "Aliases", aliases, "Status",
                  cert_attach_state_name(d->state), "Previous", previous_id(d), "Confirmed",
                  cert__rows_bool(r->confirmed != NULL && r->confirmed[i]), "Deployed",
                  cert__rows_bool(d->deployed), "Change", d->change, "ExitCode",
                  cert__rows_int(cert_attach_dist_exit(d), dc), "Error",
                  why ? why->message : CERT__NONE, CERT__NONE);
        free(aliases);
    }
    for (size_t i = 0; i < r->live_count; i++)
        cert__row(t, "VERIFYLIVE", "Distribution", r->live[i].distribution, "Alias",
                  r->live[i].alias, "Ok", cert__rows_bool(r->live[i].ok), "Message",
                  r->live[i].message, CERT__NONE);
    for (size_t i = 0; i < r->delete_count; i++) {
        const cert_delete_item *it = &r->deletes[i];
        char *users = cert__rows_join((const char *const *)it->users, it->user_count);

        cert__row(t, "DELETE", "Id", it->id, "Name", it->name, "Store",
                  it->store == CERT_STORE_ACM ? "acm" : "iam", "Status",
                  cert_delete_state_name(it->state), "Reason", it->reason, "UsedBy", users,
                  CERT__NONE);
        free(users);
    }
    cert__row(t, "LIBCERT", "Stage", r->stage, "Finished", cert__rows_bool(r->finished),
              "DeleteOld", cert_delete_state_name(r->deleted), "ExitCode",
              cert__rows_int(cert_rotate_exit(r), code), "Error",
              r->failure.err < 0 ? r->failure.message : CERT__NONE, CERT__NONE);
    return cert__rows_end(t);
}

cert_err cert_rotate_write(const cert_rotate_result *r, cert_output fmt, FILE *f)
{
    if (r == NULL || f == NULL)
        return cert__error_set(CERT_E_INVALID, "cert_rotate_write: NULL argument");
    if (fmt == CERT_OUTPUT_JSON)
        return rotate_json(r, f);
    if (CERT__ROWS(fmt))
        return rotate_rows(r, fmt, f);
    if (fmt == CERT_OUTPUT_TEXT)
        rotate_text(r, f);
    return ferror(f) ? cert__error_set(CERT_E_IO, "cannot write the result") : CERT_OK;
}
