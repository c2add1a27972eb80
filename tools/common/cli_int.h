/* SPDX-License-Identifier: Apache-2.0 */
/* CLI plumbing's own: what the build generates from the option tables (cli_gen.c), and the AWS
 * options' parser (cli_aws.c). */
#ifndef LIBCERT_TOOLS_CLI_INT_H
#define LIBCERT_TOOLS_CLI_INT_H

#include "cli.h"

/* The bash completion of the tool (complete -F), from its option tables. */
void cli_print_completion_bash(const cli *c);

/* The zsh completion of the tool (#compdef, _arguments), from its option tables. */
void cli_print_completion_zsh(const cli *c);

/* The shared options of the tool (the common, check and AWS tables) as a scdoc section, for the
 * man page's %%SHARED_OPTIONS%% line. */
void cli_print_scdoc_shared(const cli *c);

/* The ENVIRONMENT and FILES sections of the tool's man page (the %%ENVIRONMENT%% line): what
 * it reads, by the tables it has (a bundle, AWS). */
void cli_print_scdoc_env(const cli *c);

/* One option of the AWS table (cli_aws_opts) into c; false when id is not one of them. Exits
 * with a usage error on a bad value. */
bool cli__aws_option(cli *c, int id, const char *arg);

#endif
