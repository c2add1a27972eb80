#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The man pages and the shell completions against what each tool says of itself (issue #15):
# every option --help prints is documented in the tool's man page, the pages format without
# warnings, and the generated completions load in bash and zsh and complete options and values.
. "$(dirname "$0")/lib.sh"

TOOLS="certcheck certsplit certup certls certattach certrotate certprune"
D=$LIBCERT_BUILD/docs
C=$LIBCERT_BUILD/completions

for tool in $TOOLS; do
    case_ "$tool(1) documents every option of $tool --help"
    run "$B/$tool" --help
    assert_exit 0
    scd=$D/$tool.1.scd
    if [ ! -f "$scd" ]; then
        fail "no $scd (the build makes it from docs/$tool.1.scd)"
        continue
    fi
    for opt in $(grep -oE -- '--[a-z0-9][a-z0-9-]*' "$T_OUT" | sort -u); do
        if grep -qF -- "*$opt*" "$scd"; then
            pass
        else
            fail "$opt is in $tool --help but not in $tool(1)"
        fi
    done
    assert_true "$tool(1) has EXIT STATUS" grep -q '^# EXIT STATUS' "$scd"
    assert_true "$tool(1) has EXAMPLES" grep -q '^# EXAMPLES' "$scd"
    assert_true "$tool(1) has ENVIRONMENT" grep -q '^# ENVIRONMENT' "$scd"
    assert_true "$tool(1) has FILES" grep -q '^# FILES' "$scd"
    case_ "$tool(1) formats without warnings"
    run man --warnings -l "$D/$tool.1"
    assert_exit 0
    assert_err_empty
done

case_ "every environment variable the code reads is in the AWS tools' ENVIRONMENT"
S=$LIBCERT_SRC
vars=$(grep -rhoE 'getenv\("[A-Z0-9_]+"\)|"(AWS|LIBCERT)_[A-Z0-9_]+"' "$S/libcert/src" "$S/tools" |
    grep -oE '[A-Z0-9_]{3,}' | sort -u)
assert_true "the code reads environment variables" test -n "$vars"
for tool in certup certcheck; do
    plain=$(sed 's/\\_/_/g' "$D/$tool.1.scd")
    for v in $vars; do
        case $tool:$v in certcheck:AWS_* | certcheck:LIBCERT_*) continue ;; esac
        if grep -qw -- "$v" <<<"$plain"; then pass; else fail "$v is read but not in $tool(1)"; fi
    done
done

case_ "bash completions load and complete"
for tool in $TOOLS; do
    assert_true "bash -n $tool" bash -n "$C/bash/$tool"
    run bash -c 'source "$1" && complete -p "$2"' _ "$C/bash/$tool" "$tool"
    assert_exit 0
    assert_out_contains "_$tool $tool"
done
complete_bash() { # TOOL WORD...: the candidates for the last word
    local tool=$1
    shift
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _'"$tool"'; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$C/bash/$tool" "$tool" "$@"
}
assert_true "--col completes to --color" test "$(complete_bash certcheck --col)" = "--color"
assert_true "--allow completes finding codes" \
    grep -qx key.mismatch <(complete_bash certcheck --allow key.m)
assert_true "--min-tls completes CloudFront's versions" \
    grep -qx TLSv1.2_2021 <(complete_bash certattach --min-tls TLSv1.2_20)
assert_true "--stdout completes parts" grep -qx fullchain <(complete_bash certsplit --stdout f)
for tool in $TOOLS; do
    assert_true "$tool --output completes json text table" \
        test "$(complete_bash "$tool" --output '' | tr '\n' ' ')" = "json text table "
done
for tool in certup certrotate certprune; do
    assert_true "$tool --store completes iam acm" \
        test "$(complete_bash "$tool" --store '' | tr '\n' ' ')" = "iam acm "
done
assert_true "certls --store completes iam acm all" \
    test "$(complete_bash certls --store '' | tr '\n' ' ')" = "iam acm all "
assert_true "--deb completes to --debug" test "$(complete_bash certup --deb)" = "--debug"

case_ "zsh completions load"
if command -v zsh >/dev/null; then
    for tool in $TOOLS; do
        assert_true "zsh -n _$tool" zsh -n "$C/zsh/_$tool"
    done
    run zsh -fc 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$2/zcompdump"
        for t in certcheck certsplit certup certls certattach certrotate certprune; do
            print -- "$t=${_comps[$t]}"; done' _ "$C/zsh" "$T_DIR"
    assert_exit 0
    assert_err_empty
    for tool in $TOOLS; do
        assert_out_contains "$tool=_$tool"
    done
    # each function loaded after compinit (+X: read and defined now, as a first Tab would; a
    # file sourced outside completion only meets _arguments' "can only be called from
    # completion function")
    for tool in $TOOLS; do
        run zsh -fc 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$2/zcompdump"
            autoload -Uz +X "_$3" && whence -w "_$3"' _ "$C/zsh" "$T_DIR" "$tool"
        assert_exit 0
        assert_err_empty
        assert_out_contains "_$tool: function"
        assert_true "_$tool lists --output's values" grep -q "FORMAT:(json text table)" "$C/zsh/_$tool"
    done
    assert_true "_certls lists --store all" grep -q "STORE:(iam acm all)" "$C/zsh/_certls"
    assert_true "_certup lists --store iam acm" grep -q "STORE:(iam acm)'" "$C/zsh/_certup"
else
    skip "zsh is not installed (scripts/deps.sh installs it)"
fi

finish
