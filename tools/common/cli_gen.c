/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the build generates from the option tables, so that neither can drift from --help: the
 * bash and zsh completions, and the man pages' section on the shared options.
 */
#include <stdio.h>
#include <string.h>

#include "cli_int.h"
#include "cli_live.h"

/* How the shell completes an option's value, from its placeholder (cli.h). */
typedef enum value_kind { V_NONE, V_FILES, V_DIRS, V_WORDS } value_kind;

static const struct {
    const char *arg;
    value_kind kind;
    const char *words; /* V_WORDS; "@codes" and "@tls" come from the library */
} placeholders[] = {
    {"FILE", V_FILES, NULL},
    {"INPUT", V_FILES, NULL},
    {"BUNDLE", V_FILES, NULL},
    {"DIR", V_DIRS, NULL},
    {"WHEN", V_WORDS, "auto always never"},
    {"FMT", V_WORDS, "pkcs8 traditional"},
    {"PART", V_WORDS, "cert chain key fullchain"},
    {"M", V_WORDS, "sni-only vip static-ip"},
    {"V", V_WORDS, "@tls"},
    {"CODE", V_WORDS, "@codes"},
    {"STORE", V_WORDS, "iam acm"},
    {"FORMAT", V_WORDS, "json text table"},
    {"SHELL", V_WORDS, "bash zsh"},
};

/* Values one tool's option takes beyond its placeholder's: certls lists both stores at once. */
static const struct {
    const char *tool, *option, *words;
} tool_values[] = {
    {"certls", "store", "iam acm all"},
};

static value_kind kind_of(const cli *c, const cli_opt *o, const char **words)
{
    *words = NULL;
    for (size_t i = 0; i < sizeof(tool_values) / sizeof(tool_values[0]); i++) {
        if (strcmp(c->tool, tool_values[i].tool) == 0 &&
            strcmp(o->name, tool_values[i].option) == 0) {
            *words = tool_values[i].words;
            return V_WORDS;
        }
    }
    for (size_t i = 0; o->arg != NULL && i < sizeof(placeholders) / sizeof(placeholders[0]); i++) {
        if (strcmp(o->arg, placeholders[i].arg) == 0) {
            *words = placeholders[i].words;
            return placeholders[i].kind;
        }
    }
    return V_NONE;
}

/* The words of a V_WORDS placeholder, space-separated, on f. */
static void put_words(const char *words, FILE *f)
{
    if (strcmp(words, "@codes") == 0) {
        const char *code;

        for (size_t i = 0; (code = cert_check_code_at(i, NULL, NULL)) != NULL; i++)
            fprintf(f, "%s%s", i ? " " : "", code);
    } else if (strcmp(words, "@tls") == 0) {
        const char *const *v = cert_cf_min_protocol_versions();

        for (size_t i = 0; v[i] != NULL; i++)
            fprintf(f, "%s%s", i ? " " : "", v[i]);
    } else {
        fputs(words, f);
    }
}

#define EACH_OPT(c, o)                                                                             \
    for (size_t t_ = 0; t_ < 6 && (c)->tables[t_] != NULL; t_++)                                   \
        for (const cli_opt *o = (c)->tables[t_]; o->name != NULL; o++)

/* The tool's name as a shell function name (certcheck -> _certcheck). */
void cli_print_completion_bash(const cli *c)
{
    printf("# bash completion for %s, generated from its option tables (%s --completion bash)\n",
           c->tool, c->tool);
    printf("_%s()\n{\n    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n\n",
           c->tool);
    printf("    case $prev in\n");
    EACH_OPT(c, o)
    {
        const char *words;
        value_kind k = kind_of(c, o, &words);

        if (o->help == NULL || !o->has_arg)
            continue;
        if (o->short_name)
            printf("    --%s|-%c)\n", o->name, o->short_name);
        else
            printf("    --%s)\n", o->name);
        if (k == V_FILES)
            printf("        COMPREPLY=($(compgen -f -- \"$cur\"))\n");
        else if (k == V_DIRS)
            printf("        COMPREPLY=($(compgen -d -- \"$cur\"))\n");
        else if (k == V_WORDS) {
            printf("        COMPREPLY=($(compgen -W \"");
            put_words(words, stdout);
            printf("\" -- \"$cur\"))\n");
        } else
            printf("        COMPREPLY=()\n");
        printf("        return\n        ;;\n");
    }
    printf("    esac\n    if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W \"");
    {
        bool first = true;

        EACH_OPT(c, o)
        {
            if (o->help == NULL)
                continue;
            printf("%s--%s", first ? "" : " ", o->name);
            first = false;
        }
    }
    printf("\" -- \"$cur\"))\n        return\n    fi\n");
    printf("    COMPREPLY=($(compgen -f -- \"$cur\"))\n}\n");
    printf("complete -o filenames -o bashdefault -F _%s %s\n", c->tool, c->tool);
}

/* A description inside zsh's [...] and '...': no brackets, colons escaped, quotes closed. */
static void zsh_text(const char *s)
{
    for (; *s; s++) {
        if (*s == '[')
            putchar('(');
        else if (*s == ']')
            putchar(')');
        else if (*s == ':')
            fputs("\\:", stdout);
        else if (*s == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*s);
    }
}

void cli_print_completion_zsh(const cli *c)
{
    printf("#compdef %s\n# zsh completion for %s, generated from its option tables (%s "
           "--completion zsh)\n\n_arguments -s -S \\\n",
           c->tool, c->tool, c->tool);
    EACH_OPT(c, o)
    {
        const char *words;
        value_kind k = kind_of(c, o, &words);

        if (o->help == NULL)
            continue;
        printf("  '%s--%s[", o->has_arg ? "*" : "", o->name);
        zsh_text(o->help);
        printf("]");
        if (o->has_arg) {
            printf(":%s:", o->arg);
            if (k == V_FILES)
                printf("_files");
            else if (k == V_DIRS)
                printf("_files -/");
            else if (k == V_WORDS) {
                printf("(");
                put_words(words, stdout);
                printf(")");
            } else
                printf(" ");
        }
        printf("' \\\n");
        if (o->short_name)
            printf("  '%s-%c[see --%s]%s' \\\n", o->has_arg ? "*" : "", o->short_name, o->name,
                   o->has_arg ? ":value: " : "");
    }
    printf("  '*:input:_files'\n");
}

/* scdoc text: * and _ would start emphasis, \ escapes. */
static void scdoc_text(const char *s)
{
    for (; *s; s++) {
        if (*s == '*' || *s == '_' || *s == '\\')
            putchar('\\');
        putchar(*s);
    }
}

void cli_print_scdoc_shared(const cli *c)
{
    printf("# SHARED OPTIONS\n\nThe options every libcert tool takes, those of every tool that "
           "reads a bundle (see *certcheck*(1)) and those of every tool that talks to AWS (see "
           "*certup*(1)), as *%s* takes them:\n\n",
           c->tool);
    for (size_t t = 0; t < 6 && c->tables[t] != NULL; t++) {
        const cli_opt *table = c->tables[t];

        if (table != cli_common_opts && table != cli_check_opts && table != cli_aws_opts)
            continue;
        for (const cli_opt *o = table; o->name != NULL; o++) {
            if (o->help == NULL)
                continue;
            if (o->short_name)
                printf("*-%c*, ", o->short_name);
            printf("*--%s*", o->name);
            if (o->arg != NULL) {
                printf(" _");
                scdoc_text(o->arg);
                printf("_");
            }
            printf("\n\t");
            scdoc_text(o->help);
            printf(".\n\n");
        }
    }
}

typedef struct env_doc {
    const char *name, *text;
} env_doc;

/* What every tool reads. */
static const env_doc env_all[] = {
    {"NO\\_COLOR", "when set and not empty, no colour (no-color.org); *--color* overrides it"},
    {"TERM", "*dumb*: no colour, and no redrawn progress block"},
    {"LIBCERT\\_ALLOW\\_CORE",
     "*1*: keep core dumps and debugger attachment (*gdb -p*) possible, for debugging only. At "
     "start every tool turns core dumps off (*RLIMIT\\_CORE* 0) and makes itself undumpable "
     "(*PR\\_SET\\_DUMPABLE* 0), so that a crash never writes a private key, a passphrase or "
     "an AWS secret to a core file; OpenSSL's private key components stay in its secure heap, "
     "which core dumps leave out, either way"},
};

/* What a tool that reads and checks a bundle reads. */
static const env_doc env_check[] = {
    {"SSL\\_CERT\\_FILE, SSL\\_CERT\\_DIR",
     "OpenSSL's system trust store, used when neither *--ca-file* nor *--ca-path* is given; a "
     "store they name other than the distribution's is trusted locally, as with *--ca-file*: "
     "the CT and validity-limit rules of public roots do not apply under it"},
    {"LIBCERT\\_PUBLIC\\_STORE",
     "*1*: the roots of the system trust store are public even when *SSL\\_CERT\\_FILE* or "
     "*SSL\\_CERT\\_DIR* names it (the CT and validity-limit rules apply); *0*: never"},
    {"LIBCERT\\_PUBLIC\\_ROOTS",
     "the directory of the root program's own roots (default */usr/share/ca-certificates/mozilla*, "
     "Debian's): a root of the system store counts as public only when its key is among them, so "
     "a CA installed locally (*/usr/local/share/ca-certificates*) is not held to the CT and "
     "validity-limit rules; where the directory does not exist, every root of the store counts"},
};

/* What a tool that talks to AWS reads, as the AWS CLI reads it (README, "Credentials"). */
static const env_doc env_aws[] = {
    {"AWS\\_PROFILE, AWS\\_DEFAULT\\_PROFILE",
     "the profile of the config and credentials files (*--profile* beats both, and keys in the "
     "environment)"},
    {"AWS\\_ACCESS\\_KEY\\_ID, AWS\\_SECRET\\_ACCESS\\_KEY, AWS\\_SESSION\\_TOKEN",
     "credentials, before any profile's"},
    {"AWS\\_CONFIG\\_FILE, AWS\\_SHARED\\_CREDENTIALS\\_FILE",
     "the config and credentials files (default *~/.aws/config*, *~/.aws/credentials*)"},
    {"AWS\\_REGION, AWS\\_DEFAULT\\_REGION",
     "the region, hence the partition (*aws*, *aws-cn*, *aws-us-gov*, ...) and its endpoints "
     "(*--region* beats both, the profile's *region* comes after them); ACM is us-east-1 for "
     "CloudFront whatever the region"},
    {"AWS\\_STS\\_REGIONAL\\_ENDPOINTS",
     "*legacy*: STS's global endpoint in partition aws (default *regional*: the region's own)"},
    {"AWS\\_ENDPOINT\\_URL, AWS\\_ENDPOINT\\_URL\\_IAM, AWS\\_ENDPOINT\\_URL\\_CLOUDFRONT, "
     "AWS\\_ENDPOINT\\_URL\\_ROUTE\\_53, AWS\\_ENDPOINT\\_URL\\_ACM, AWS\\_ENDPOINT\\_URL\\_STS, "
     "AWS\\_ENDPOINT\\_URL\\_SSO",
     "where requests go, per service, then for all (*--endpoint-url* beats them; a local "
     "emulator is reached this way)"},
    {"AWS\\_IGNORE\\_CONFIGURED\\_ENDPOINT\\_URLS",
     "*true*: ignore the endpoint variables and the profile's endpoint settings"},
    {"AWS\\_CA\\_BUNDLE", "CA certificates to verify AWS's TLS with (*--ca-bundle* beats it)"},
    {"AWS\\_MAX\\_ATTEMPTS", "attempts per request (*--max-attempts* beats it; default 3)"},
    {"AWS\\_ROLE\\_ARN, AWS\\_WEB\\_IDENTITY\\_TOKEN\\_FILE, AWS\\_ROLE\\_SESSION\\_NAME",
     "web identity credentials (AssumeRoleWithWebIdentity)"},
    {"AWS\\_CONTAINER\\_CREDENTIALS\\_RELATIVE\\_URI, AWS\\_CONTAINER\\_CREDENTIALS\\_FULL\\_URI, "
     "AWS\\_CONTAINER\\_AUTHORIZATION\\_TOKEN, AWS\\_CONTAINER\\_AUTHORIZATION\\_TOKEN\\_FILE",
     "container credentials (ECS, EKS Pod Identity)"},
    {"AWS\\_EC2\\_METADATA\\_DISABLED, AWS\\_EC2\\_METADATA\\_SERVICE\\_ENDPOINT, "
     "AWS\\_EC2\\_METADATA\\_SERVICE\\_ENDPOINT\\_MODE, AWS\\_METADATA\\_SERVICE\\_TIMEOUT, "
     "AWS\\_METADATA\\_SERVICE\\_NUM\\_ATTEMPTS",
     "instance metadata credentials (IMDSv2); *AWS\\_EC2\\_METADATA\\_DISABLED=true* skips them"},
    {"HOME", "where *~/.aws* is"},
    {"LIBCERT\\_RETRY\\_BASE\\_MS, LIBCERT\\_WAIT\\_SCALE, "
     "LIBCERT\\_CREDENTIAL\\_PROCESS\\_TIMEOUT\\_MS",
     "for tests only: the retries' base delay in milliseconds, a factor for the waits' "
     "intervals, the credential_process timeout"},
};

static bool has_table(const cli *c, const cli_opt *table)
{
    for (size_t t = 0; t < 6 && c->tables[t] != NULL; t++) {
        if (c->tables[t] == table)
            return true;
    }
    return false;
}

static void env_list(const env_doc *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("*%s*\n\t%s.\n\n", v[i].name, v[i].text);
}

void cli_print_scdoc_env(const cli *c)
{
    bool aws = has_table(c, cli_aws_opts), check = has_table(c, cli_check_opts);
    bool live = has_table(c, cli_live_opts);

    printf("# ENVIRONMENT\n\n");
    env_list(env_all, sizeof(env_all) / sizeof(env_all[0]));
    if (check)
        env_list(env_check, sizeof(env_check) / sizeof(env_check[0]));
    if (aws)
        env_list(env_aws, sizeof(env_aws) / sizeof(env_aws[0]));
    printf("A profile's *output* setting and *AWS\\_DEFAULT\\_OUTPUT* are not read.\n\n");
    printf("# FILES\n\n");
    if (check)
        printf("_/etc/ssl/certs_\n\tThe system trust store (Debian's ca-certificates), read "
               "lazily through its hashed directory.\n\n");
    if (aws)
        printf("_~/.aws/config_, _~/.aws/credentials_\n\tThe AWS CLI's config and credentials "
               "files, with their profiles, *credential\\_process*, *role\\_arn*, "
               "*sso\\_session*, *services* and *endpoint\\_url*.\n\n"
               "_~/.aws/sso/cache/_\n\tThe token cache of *aws sso login*.\n\n");
    if (live)
        printf("_/etc/resolv.conf_\n\tThe DNS servers the live checks ask (its *nameserver* "
               "lines, *options timeout:* and *attempts:*), unless *--dns-server* names one; "
               "names are never looked up through the C library.\n\n");
    if (!aws && !check)
        printf("None.\n\n");
}
