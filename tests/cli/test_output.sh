#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The AWS CLI's output habits (issue #15, "Conventions"): --output json|text|table on every tool,
# --debug everywhere, quiet success for the acting tools, and their man pages. The AWS tools'
# records against the emulator are in tests/integration/test_output.py.
. "$(dirname "$0")/lib.sh"

TOOLS="certcheck certsplit certup certls certattach certrotate certprune"
GOOD=$F/bundle-good.pem

for tool in $TOOLS; do
    case_ "$tool takes --output and --debug"
    run "$B/$tool" --help
    assert_exit 0
    assert_out_contains "--output FORMAT"
    assert_out_contains "--debug"
    run "$B/$tool" --output yaml
    assert_usage "$tool"
    assert_err_contains "--output yaml: give json, text or table"
    run "$B/$tool" --json --output table
    assert_usage "$tool"
done

case_ "--output json is --json"
run "$B/certcheck" "${BASE[@]}" --json "$GOOD"
json_out=$T_OUT
run "$B/certcheck" "${BASE[@]}" --output json "$GOOD"
assert_exit 0
assert_same_text "--output json and --json" "$json_out" "$T_OUT"
run "$B/certcheck" "${BASE[@]}" --output json --json "$GOOD"
assert_exit 0

case_ "without --output the text is unchanged"
run "$B/certcheck" "${BASE[@]}" "$GOOD"
assert_exit 0
assert_out_contains "  leaf   CN=www.example.com"
assert_out_contains "OK: 0 errors, 0 warnings"

# check_records FILE TYPE:FIELDS...: every line is TYPE<TAB>... with the number of fields its
# type has; no header, no colour.
check_records()
{
    local file=$1 line type n ok
    shift
    declare -A want=()
    for spec in "$@"; do
        want[${spec%%:*}]=${spec#*:}
    done
    ok=1
    while IFS= read -r line; do
        type=${line%%$'\t'*}
        n=$(awk -F'\t' '{print NF}' <<<"$line")
        if [ -z "${want[$type]:-}" ] || [ "${want[$type]}" != "$n" ] || [[ $line == *$'\e'* ]]; then
            fail "record '$line' is not one of $* (type $type, $n fields)"
            ok=0
        fi
    done <"$file"
    [ "$ok" = 1 ] && pass
}

case_ "certcheck --output text: tab-separated records"
run "$B/certcheck" "${BASE[@]}" --output text "$F/bundle-shuffled.pem"
assert_exit 0
check_records "$T_OUT" REPORT:7 CERTIFICATE:7 FINDING:5
assert_eq "the first record" "REPORT	$F/bundle-shuffled.pem	ok	0	0	0	None" "$(head -n 1 "$T_OUT")"
assert_true "the leaf, its chain and the root" \
    test "$(cut -f1,3 "$T_OUT" | grep '^CERTIFICATE' | cut -f2 | tr '\n' ' ')" = "leaf chain chain root "
assert_true "findings by code" grep -q "^FINDING	$F/bundle-shuffled.pem	info	chain.order	" "$T_OUT"
assert_err_empty

case_ "certcheck --output text on a failing bundle: exit 1, the error as a record"
run "$B/certcheck" "${BASE[@]}" --output text "$F/bundle-wrong-key.pem"
assert_exit 1
check_records "$T_OUT" REPORT:7 CERTIFICATE:7 FINDING:5
assert_true "status fail" grep -q "^REPORT	[^	]*	fail	" "$T_OUT"
assert_true "key.mismatch" grep -q "	error	key.mismatch	" "$T_OUT"

case_ "certcheck --output table: aligned columns under a header"
run "$B/certcheck" "${BASE[@]}" --output table "$F/bundle-shuffled.pem"
assert_exit 0
assert_out_contains "CERTIFICATE"
assert_true "a header line" grep -qE '^Input +Role +Subject +Issuer +NotAfter +SHA256$' "$T_OUT"
assert_true "no tab" bash -c '! grep -q "	" "$1"' _ "$T_OUT"
# the columns line up: each header word starts where its values start
col=$(grep -E '^Input +Role' "$T_OUT" | awk '{print index($0, "Subject")}')
assert_true "the Subject column is aligned" \
    bash -c 'grep -E "^[^ ]+ +(leaf|chain|root) " "$1" | while IFS= read -r l; do
        [ "${l:$(($2 - 1)):3}" = "CN=" ] || exit 1; done' _ "$T_OUT" "$col"

case_ "a tab or a line feed in a value cannot break a record"
weird="$T_DIR/a	tab
newline.pem"
cp "$GOOD" "$weird"
run "$B/certcheck" "${BASE[@]}" --output text "$weird"
assert_exit 0
check_records "$T_OUT" REPORT:7 CERTIFICATE:7 FINDING:5
assert_out_contains 'a\x09tab\x0anewline.pem'
run "$B/certcheck" "${BASE[@]}" --output table "$weird"
assert_exit 0
assert_out_contains 'a\x09tab\x0anewline.pem'
assert_true "still no tab in a table" bash -c '! grep -q "	" "$1"' _ "$T_OUT"

case_ "certcheck --each --output text: each report's records, each naming its input"
run "$B/certcheck" "${BASE[@]}" --each --jobs 2 --output text "$GOOD" "$F/bundle-wrong-key.pem"
assert_exit 1
check_records "$T_OUT" REPORT:7 CERTIFICATE:7 FINDING:5
assert_eq "two reports" 2 "$(grep -c '^REPORT	' "$T_OUT")"

case_ "certsplit: success is one line a file, nothing on stderr"
newdir split
run "$B/certsplit" "${BASE[@]}" -o "$NEWDIR" "$GOOD"
assert_exit 0
assert_err_empty
assert_eq "three lines" "$NEWDIR/cert.pem
$NEWDIR/chain.pem
$NEWDIR/key.pem" "$(cat "$T_OUT")"

case_ "certsplit -v: the report too"
newdir split
run "$B/certsplit" "${BASE[@]}" -v -o "$NEWDIR" "$GOOD"
assert_exit 0
assert_err_contains "OK: 0 errors, 0 warnings"

case_ "certsplit: a warning shows the report"
newdir split
run "$B/certsplit" "${BASE[@]}" --days 400 -o "$NEWDIR" "$GOOD"
assert_exit 0
assert_err_contains "cert.expires_soon"
assert_err_contains "1 warning"

case_ "certsplit -q: nothing on success"
newdir split
run "$B/certsplit" "${BASE[@]}" -q -o "$NEWDIR" "$GOOD"
assert_exit 0
assert_out_empty
assert_err_empty

case_ "certsplit --output text: the report's records and one WRITTEN a file"
newdir split
run "$B/certsplit" "${BASE[@]}" --output text --fullchain -o "$NEWDIR" "$GOOD"
assert_exit 0
check_records "$T_OUT" REPORT:7 CERTIFICATE:7 FINDING:5 WRITTEN:4
assert_eq "the files written" "cert chain key fullchain" \
    "$(grep '^WRITTEN' "$T_OUT" | cut -f3 | tr '\n' ' ' | sed 's/ $//')"
assert_true "each path" grep -qx "WRITTEN	$GOOD	key	$NEWDIR/key.pem" "$T_OUT"
newdir split
run "$B/certsplit" "${BASE[@]}" --output table -o "$NEWDIR" "$GOOD"
assert_exit 0
assert_true "a WRITTEN table" grep -qE '^Input +Part +Path$' "$T_OUT"
run "$B/certsplit" "${BASE[@]}" --output text --stdout cert "$GOOD"
assert_usage certsplit

case_ "certup --dry-run --output text: LIBCERT dry-run, never 'done'"
run "$B/certup" "${BASE[@]}" --dry-run --output text "$GOOD"
assert_exit 0
check_records "$T_OUT" LIBCERT:8
assert_true "status dry-run" grep -q "^LIBCERT	dry-run	iam	" "$T_OUT"
run "$B/certup" "${BASE[@]}" --dry-run "$GOOD"
assert_exit 0
assert_true "a dry run does not end with done" bash -c '! tail -n 1 "$1" | grep -qw done' _ "$T_OUT"
assert_out_lacks "BEGIN PRIVATE KEY"

case_ "an AWS tool that cannot connect names the URL"
for tool in certls certprune; do
    run env AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret AWS_MAX_ATTEMPTS=1 \
        AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
        "$B/$tool" --endpoint-url http://127.0.0.1:9 --output text
    assert_exit 5
    assert_out_empty
    assert_err_contains "http://127.0.0.1:9/"
done

finish
