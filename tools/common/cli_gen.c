/*
 * What the build generates from the option tables, so that neither can drift from --help: the
 * bash and zsh completions, and the man pages' section on the shared options.
 */
#include <stdio.h>
#include <string.h>

#include "cli_int.h"

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
    {"STORE", V_WORDS, "iam acm all"},
    {"FORMAT", V_WORDS, "json text table"},
    {"SHELL", V_WORDS, "bash zsh"},
};

static value_kind kind_of(const cli_opt *o, const char **words)
{
    *words = NULL;
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
        value_kind k = kind_of(o, &words);

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
        value_kind k = kind_of(o, &words);

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
