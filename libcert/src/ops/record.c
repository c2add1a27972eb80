/* SPDX-License-Identifier: Apache-2.0 */
/* The replaced-certificates record, kept as IAM tags on the new certificate (record_int.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcert/iam.h"
#include "ops/record_int.h"
#include "util/buf.h"
#include "util/error_int.h"

#define TAG_VALUE_MAX 256

void cert_ops__record_free(replaced *v, size_t n)
{
    for (size_t i = 0; v != NULL && i < n; i++) {
        free(v[i].id);
        free(v[i].name);
        for (size_t k = 0; k < v[i].ndists; k++)
            free(v[i].dists[k]);
        free(v[i].dists);
    }
    free(v);
}

static replaced *find_id(replaced *v, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].id, id) == 0)
            return &v[i];
    }
    return NULL;
}

const replaced *cert_ops__record_find(const replaced *v, size_t n, const char *s)
{
    const char *slash = strncmp(s, "arn:", 4) == 0 ? strrchr(s, '/') : NULL;

    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].id, s) == 0) /* an id, or an ACM certificate's ARN */
            return &v[i];
    }
    if (slash != NULL)
        s = slash + 1; /* an ARN ends in the name */
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].id, s) == 0 || (v[i].name != NULL && strcmp(v[i].name, s) == 0))
            return &v[i];
    }
    return NULL;
}

static cert_err add_dist(replaced *r, const char *dist)
{
    char **nd;

    for (size_t k = 0; k < r->ndists; k++) {
        if (strcmp(r->dists[k], dist) == 0)
            return CERT_OK;
    }
    nd = realloc(r->dists, (r->ndists + 1) * sizeof(*nd));
    if (nd == NULL)
        return cert__error_nomem();
    r->dists = nd;
    if ((r->dists[r->ndists] = strdup(dist)) == NULL)
        return cert__error_nomem();
    r->ndists++;
    r->fresh = true;
    return CERT_OK;
}

static cert_err entry(replaced **v, size_t *n, size_t *cap, const char *id, replaced **out)
{
    if ((*out = find_id(*v, *n, id)) != NULL)
        return CERT_OK;
    if (cert__array_reserve(v, cap, *n, 4, sizeof(**v)) < 0)
        return CERT_E_NOMEM;
    *out = &(*v)[(*n)++];
    memset(*out, 0, sizeof(**out));
    return ((*out)->id = strdup(id)) ? CERT_OK : cert__error_nomem();
}

cert_err cert_ops__record_add(replaced **v, size_t *n, size_t *cap, const char *id,
                              const char *name, const char *dist)
{
    replaced *r;
    cert_err err = entry(v, n, cap, id, &r);

    if (err < 0)
        return err;
    if (r->name == NULL && name != NULL) {
        if ((r->name = strdup(name)) == NULL)
            return cert__error_nomem();
        r->fresh = true;
    }
    return add_dist(r, dist);
}

/* The continuation suffix of a record tag's key (":2", ":3", ...): where it starts, or NULL. An
 * ACM ARN holds colons too, but never ends in ":<digits>" (its resource is certificate/ID). */
static const char *continuation(const char *rest)
{
    const char *colon = strrchr(rest, ':');

    if (colon == NULL || colon[1] == '\0')
        return NULL;
    for (const char *p = colon + 1; *p; p++) {
        if (*p < '0' || *p > '9')
            return NULL;
    }
    return colon;
}

/* One tag: its key, and the words of its value. */
static cert_err parse_one(replaced **v, size_t *n, size_t *cap, const cert_aws_tag *t)
{
    char id[129], *words = NULL, *save = NULL, *w;
    const char *rest = t->key + strlen(RECORD_TAG_PREFIX), *colon = continuation(rest);
    size_t idlen = colon ? (size_t)(colon - rest) : strlen(rest);
    bool first = colon == NULL; /* the base tag starts with the name */
    replaced *r;
    cert_err err;

    if (idlen == 0 || idlen >= sizeof(id))
        return CERT_OK; /* not ours after all */
    memcpy(id, rest, idlen);
    id[idlen] = '\0';
    if ((err = entry(v, n, cap, id, &r)) < 0)
        return err;
    if ((words = strdup(t->value ? t->value : "")) == NULL)
        return cert__error_nomem();
    for (w = strtok_r(words, " ", &save); w != NULL && err == CERT_OK;
         w = strtok_r(NULL, " ", &save)) {
        if (first && strcmp(w, "-") != 0 && (r->name = strdup(w)) == NULL)
            err = cert__error_nomem();
        else if (!first)
            err = add_dist(r, w);
        first = false;
    }
    free(words);
    return err;
}

cert_err cert_ops__record_parse(const cert_aws_tag *tags, size_t ntags, replaced **out,
                                size_t *count)
{
    size_t cap = 0;
    cert_err err = CERT_OK;

    *out = NULL;
    *count = 0;
    for (size_t i = 0; i < ntags && err == CERT_OK; i++) {
        if (tags[i].key != NULL &&
            strncmp(tags[i].key, RECORD_TAG_PREFIX, strlen(RECORD_TAG_PREFIX)) == 0)
            err = parse_one(out, count, &cap, &tags[i]);
    }
    for (size_t i = 0; i < *count; i++)
        (*out)[i].fresh = false; /* what was read is on the certificate already */
    return err;
}

static bool tag_safe(const char *s)
{
    /* IAM's tag value class [\p{L}\p{Z}\p{N}_.:/=+\-@]*, in ASCII; names hold [\w+=,.@-]. */
    for (; *s; s++) {
        if (*s == ',' || *s == ' ')
            return false;
    }
    return true;
}

static cert_err push_tag(cert_aws_tag **out, size_t *count, const char *key, const char *value)
{
    cert_aws_tag *n = realloc(*out, (*count + 1) * sizeof(*n));

    if (n == NULL)
        return cert__error_nomem();
    *out = n;
    n[*count].key = strdup(key);
    n[*count].value = strdup(value);
    (*count)++;
    return n[*count - 1].key && n[*count - 1].value ? CERT_OK : cert__error_nomem();
}

static void tag_key(char *key, size_t size, const char *id, size_t part)
{
    if (part == 1)
        snprintf(key, size, "%s%s", RECORD_TAG_PREFIX, id);
    else
        snprintf(key, size, "%s%s:%zu", RECORD_TAG_PREFIX, id, part);
}

/* One entry's tags: the base one with the name, continuations as the value fills. */
static cert_err entry_tags(const replaced *r, cert_aws_tag **out, size_t *count)
{
    char key[160], value[TAG_VALUE_MAX + 1];
    size_t len, part = 1;
    cert_err err;

    len = (size_t)snprintf(value, sizeof(value), "%s",
                           r->name && tag_safe(r->name) && strlen(r->name) < 128 ? r->name : "-");
    for (size_t k = 0; k < r->ndists; k++) {
        if (len + 1 + strlen(r->dists[k]) > TAG_VALUE_MAX) {
            tag_key(key, sizeof(key), r->id, part);
            if ((err = push_tag(out, count, key, value)) < 0)
                return err;
            part++;
            len = 0;
            value[0] = '\0';
        }
        len +=
            (size_t)snprintf(value + len, sizeof(value) - len, "%s%s", len ? " " : "", r->dists[k]);
    }
    tag_key(key, sizeof(key), r->id, part);
    return push_tag(out, count, key, value);
}

cert_err cert_ops__record_tags(const replaced *v, size_t n, bool fresh_only, cert_aws_tag **out,
                               size_t *count)
{
    cert_err err = CERT_OK;

    *out = NULL;
    *count = 0;
    for (size_t i = 0; i < n && err == CERT_OK; i++) {
        if (!fresh_only || v[i].fresh)
            err = entry_tags(&v[i], out, count);
    }
    if (err < 0) {
        cert_iam_tags_free(*out, *count);
        *out = NULL;
        *count = 0;
    }
    return err;
}
