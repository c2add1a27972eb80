/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shared config and credentials files, parsed with inih, and looked up the way botocore
 * does: [default] and [profile NAME] in the config file, [NAME] in the credentials file, the
 * credentials file winning for a profile's settings; [sso-session NAME] and [services NAME]
 * sections; nested settings ("iam =" then indented "endpoint_url = ...").
 */
#include <ini.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws_int.h"
#include "util/error_int.h"
#include "util/file.h"

typedef struct kv {
    char *section; /* as written, e.g. "profile dev" */
    char *key;     /* lower-case; "iam.endpoint_url" for a nested setting */
    char *value;
} kv;

typedef struct ini_file {
    char *path;
    kv *v;
    size_t n, cap;
    char *last_key; /* for nested settings */
    char *last_section;
    bool secret; /* the credentials file: wipe values on free */
} ini_file;

struct aws_config {
    ini_file files[2]; /* 0 config, 1 credentials */
    char *profile;
};

static void file_free(ini_file *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].section);
        free(f->v[i].key);
        if (f->v[i].value != NULL) {
            OPENSSL_cleanse(f->v[i].value, strlen(f->v[i].value));
            free(f->v[i].value);
        }
    }
    free(f->v);
    free(f->path);
    free(f->last_key);
    free(f->last_section);
    memset(f, 0, sizeof(*f));
}

void cert_aws__config_free(aws_config *c)
{
    if (c == NULL)
        return;
    file_free(&c->files[0]);
    file_free(&c->files[1]);
    free(c->profile);
    free(c);
}

static char *lower_dup(const char *s)
{
    char *d = strdup(s);

    for (char *p = d; p && *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    }
    return d;
}

static int add_kv(ini_file *f, const char *section, const char *key, const char *value)
{
    if (cert__array_reserve(&f->v, &f->cap, f->n, 32, sizeof(*f->v)) < 0)
        return 0;
    f->v[f->n].section = strdup(section);
    f->v[f->n].key = lower_dup(key);
    f->v[f->n].value = strdup(value);
    if (!f->v[f->n].section || !f->v[f->n].key || !f->v[f->n].value) {
        free(f->v[f->n].section);
        free(f->v[f->n].key);
        free(f->v[f->n].value);
        return 0;
    }
    f->n++;
    return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    ini_file *f = user;

    /* inih calls again with the same name for each indented continuation line: that is a
     * nested setting ("iam =" then "  endpoint_url = http://..."). */
    if (f->last_key != NULL && f->last_section != NULL && strcmp(f->last_key, name) == 0 &&
        strcmp(f->last_section, section) == 0) {
        const char *eq = strchr(value, '=');
        char nested[512];
        char sub[256];
        size_t n;

        if (eq == NULL)
            return 1;
        n = (size_t)(eq - value);
        while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
            n--;
        if (n == 0 || n >= sizeof(sub))
            return 1;
        memcpy(sub, value, n);
        sub[n] = '\0';
        eq++;
        while (*eq == ' ' || *eq == '\t')
            eq++;
        snprintf(nested, sizeof(nested), "%s.%s", name, sub);
        return add_kv(f, section, nested, eq);
    }
    free(f->last_key);
    free(f->last_section);
    f->last_key = strdup(name);
    f->last_section = strdup(section);
    return add_kv(f, section, name, value);
}

/* What one file may hold: a credentials file with a few hundred profiles is tens of KB; a
 * 200 MB one took 800 MB of memory before the cap (issue #11). A line may be as long as a
 * session token several times over; inih needs three bytes more than the longest line ('\r',
 * '\n', '\0'). */
#define CONFIG_FILE_MAX (1u << 20)
#define CONFIG_LINE_MAX 65536

/* inih reads a line longer than its buffer as two, the tail parsed as a line of its own (which
 * could set aws_access_key_id), and a NUL ends a line early: neither may reach it. Every line is
 * measured here first; an error names the file and the line. */
static cert_err check_lines(const char *path, const cert_buf *b)
{
    size_t line = 1, start = 0;

    for (size_t i = 0; i <= b->len; i++) {
        if (i < b->len && b->ptr[i] == '\0')
            return cert__error_set(CERT_E_INPUT,
                                   "%s: line %zu holds a NUL byte; this is not a text file the "
                                   "AWS CLI reads; fix the file",
                                   path, line);
        if (i < b->len && b->ptr[i] != '\n')
            continue;
        if (i - start > CONFIG_LINE_MAX)
            return cert__error_set(CERT_E_INPUT,
                                   "%s: line %zu is longer than %u characters; fix the file", path,
                                   line, CONFIG_LINE_MAX);
        line++;
        start = i + 1;
    }
    return CERT_OK;
}

static cert_err file_load(ini_file *f, const char *path, bool secret)
{
    cert_buf b;
    cert_err err;
    int rc;

    f->path = strdup(path);
    f->secret = secret;
    if (f->path == NULL)
        return cert__error_nomem();
    /* A file that is missing or cannot be opened is an empty one, as for the AWS CLI
     * (configparser's read() skips it). */
    if (access(path, R_OK) != 0)
        return CERT_OK;
    if ((err = cert__file_read(path, CONFIG_FILE_MAX, &b)) < 0)
        return err;
    if ((err = check_lines(path, &b)) < 0) {
        cert__buf_free(&b);
        return err;
    }
    /* Session tokens are longer than inih's default 200-character lines; botocore's
     * configparser takes no inline comments. */
    ini_use_stack = false;
    ini_allow_realloc = true;
    ini_max_line = CONFIG_LINE_MAX + 3;
    ini_allow_inline_comments = false;
    rc = ini_parse_string(b.ptr, handler, f);
    cert__buf_free(&b); /* wiped: the credentials file holds secrets */
    if (rc > 0)
        return cert__error_set(CERT_E_INPUT, "%s: line %d cannot be parsed; fix the file", path,
                               rc);
    if (rc < 0)
        return cert__error_set(CERT_E_INPUT, "%s: cannot be read", path);
    return CERT_OK;
}

static char *home_path(const char *rel)
{
    const char *home = getenv("HOME");
    char *p = NULL;

    if (home == NULL)
        home = "";
    if (asprintf(&p, "%s/%s", home, rel) < 0)
        return NULL;
    return p;
}

static char *expand_user(const char *path)
{
    char *p = NULL;

    if (path[0] == '~' && (path[1] == '/' || path[1] == '\0'))
        return home_path(path[1] ? path + 2 : "");
    p = strdup(path);
    return p;
}

cert_err cert_aws__config_load(const char *profile, bool explicit_profile, aws_config **out)
{
    cert_err err = CERT_OK;
    aws_config *c = NULL;
    const char *env_cfg = getenv("AWS_CONFIG_FILE");
    const char *env_creds = getenv("AWS_SHARED_CREDENTIALS_FILE");
    char *cfg_path = NULL, *creds_path = NULL;

    *out = NULL;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        CERT_NOMEM();
    cfg_path = env_cfg && *env_cfg ? expand_user(env_cfg) : home_path(".aws/config");
    creds_path = env_creds && *env_creds ? expand_user(env_creds) : home_path(".aws/credentials");
    if (cfg_path == NULL || creds_path == NULL)
        CERT_NOMEM();
    CERT_TRY(file_load(&c->files[0], cfg_path, false));
    CERT_TRY(file_load(&c->files[1], creds_path, true));
    if (profile == NULL || *profile == '\0') {
        profile = getenv("AWS_PROFILE");
        explicit_profile = profile != NULL && *profile != '\0';
        if (!explicit_profile) {
            profile = getenv("AWS_DEFAULT_PROFILE");
            explicit_profile = profile != NULL && *profile != '\0';
        }
        if (!explicit_profile)
            profile = "default";
    }
    c->profile = strdup(profile);
    if (c->profile == NULL)
        CERT_NOMEM();
    if (explicit_profile && !cert_aws__config_has_profile(c, profile))
        CERT_FAIL(CERT_E_INPUT, "the profile %s is not in %s or %s; check --profile / AWS_PROFILE",
                  profile, cfg_path, creds_path);
    *out = c;
    c = NULL;

done:
    free(cfg_path);
    free(creds_path);
    cert_aws__config_free(c);
    return err;
}

const char *cert_aws__config_profile(const aws_config *c)
{
    return c->profile;
}

const char *cert_aws__config_file(const aws_config *c, bool credentials)
{
    return c->files[credentials ? 1 : 0].path;
}

static const char *lookup(const ini_file *f, const char *section, const char *key)
{
    const char *found = NULL;

    /* The last assignment wins, as in configparser. */
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->v[i].section, section) == 0 && strcmp(f->v[i].key, key) == 0)
            found = f->v[i].value;
    }
    return found;
}

static bool has_section(const ini_file *f, const char *section)
{
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->v[i].section, section) == 0)
            return true;
    }
    return false;
}

/* The config file's section for a profile: "default" is [default] (or [profile default]). */
static void profile_section(const char *profile, char *buf, size_t size)
{
    snprintf(buf, size, "profile %s", profile);
}

bool cert_aws__config_has_profile(const aws_config *c, const char *profile)
{
    char sec[300];

    profile_section(profile, sec, sizeof(sec));
    return has_section(&c->files[1], profile) || has_section(&c->files[0], sec) ||
           (strcmp(profile, "default") == 0 && has_section(&c->files[0], "default"));
}

const char *cert_aws__config_get_in(const aws_config *c, const char *profile, const char *key,
                                    bool credentials)
{
    char sec[300];
    const char *v;

    if (profile == NULL)
        profile = c->profile;
    if (credentials)
        return lookup(&c->files[1], profile, key);
    profile_section(profile, sec, sizeof(sec));
    v = lookup(&c->files[0], sec, key);
    if (v == NULL && strcmp(profile, "default") == 0)
        v = lookup(&c->files[0], "default", key);
    return v;
}

const char *cert_aws__config_get(const aws_config *c, const char *profile, const char *key)
{
    char sec[300];
    const char *v;

    if (profile == NULL)
        profile = c->profile;
    v = lookup(&c->files[1], profile, key);
    if (v != NULL)
        return v;
    profile_section(profile, sec, sizeof(sec));
    v = lookup(&c->files[0], sec, key);
    if (v == NULL && strcmp(profile, "default") == 0)
        v = lookup(&c->files[0], "default", key);
    return v;
}

const char *cert_aws__config_section_get(const aws_config *c, const char *section, const char *key)
{
    return lookup(&c->files[0], section, key);
}

const char *cert_aws__config_service_get(const aws_config *c, const char *service, const char *key)
{
    const char *services = cert_aws__config_get(c, NULL, "services");
    char sec[300], nested[300];

    if (services == NULL)
        return NULL;
    snprintf(sec, sizeof(sec), "services %s", services);
    snprintf(nested, sizeof(nested), "%s.%s", service, key);
    return lookup(&c->files[0], sec, nested);
}
