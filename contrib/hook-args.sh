# SPDX-License-Identifier: Apache-2.0
# Shared by the ACME hooks: read the certrotate options of one certificate from FILE, one option
# per line ("--alias www.example.com", "--delete-old"; # starts a comment), into the positional
# parameters, without letting the shell interpret them. Sourced, not run.
libcert_hook_args() {
    _file=$1
    set --
    while IFS= read -r _line || [ -n "$_line" ]; do
        case $_line in '' | '#'*) continue ;; esac
        _opt=${_line%%[ 	]*}
        _val=${_line#"$_opt"}
        _val=${_val#"${_val%%[! 	]*}"}
        case $_opt in
        --*) ;;
        *)
            echo "libcert hook: $_file: '$_line' is not an option (one --option [VALUE] a line)" >&2
            return 2
            ;;
        esac
        if [ -n "$_val" ]; then
            printf '%s\n%s\n' "$_opt" "$_val"
        else
            printf '%s\n' "$_opt"
        fi
    done <"$_file"
}
