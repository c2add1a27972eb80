#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --json: exactly one JSON document on stdout in every case, failures included (every fixture
# file through certcheck, certsplit's success/refusal/input-error/existing-file paths), its
# facts checked against the openssl CLI; -q prints nothing on stdout; --each: one document,
# results in input order, each equal to the single-input report, exit code the highest; the
# same bytes for --jobs 1, 2 and 4.
. "$(dirname "$0")/lib.sh"

# The listed codes and severities, as a python dict literal for the checks below.
LISTED="{"
while read -r code sv _; do
    LISTED+="'$code': '$sv', "
done < <("$B/certcheck" --list-codes)
LISTED+="}"

pylist()
{
    local s="[" a

    for a in "$@"; do
        s+="'$a', "
    done
    echo "$s]"
}

# report_checks INPUTS...: the common shape of a certcheck report for these inputs, whatever
# the outcome, checked against the exit code of the last run.
report_checks()
{
    local status

    case $RC in
    0) status=ok ;;
    1) status=fail ;;
    *) status=error ;;
    esac
    assert_json "d['schema'] == 1" "d['exit_code'] == $RC" "d['status'] == '$status'" \
        "d['input'] == $(pylist "$@")" "d['now'] == '2026-01-01T00:00:00Z'" \
        "isinstance(d['findings'], list)" \
        "all(f['code'] in $LISTED for f in d['findings'])" \
        "all(f['severity'] == $LISTED[f['code']] or (f['code'], f['severity']) == ('key.missing', 'warning') for f in d['findings'])" \
        "all(f['message'] for f in d['findings'])" \
        "d['status'] == 'error' or d['summary'] == {k: len([f for f in d['findings'] if f['severity'] == s]) for k, s in (('errors', 'error'), ('warnings', 'warning'), ('info', 'info'))}" \
        "d['status'] != 'error' or d['error']['message']"
}

# --- every fixture, with and without the passphrase ----------------------------------------------
# (Of the lone keys and the lone leaves, a few stand for the others: same path through the tool.)
mapfile -t inputs < <(find "$F" -path "$F/.work" -prune -o -type f -print | sort |
    grep -Ev '/(leaf-[a-z0-9-]+|int[0-9a-z-]*|x[a-z0-9-]+|other-ca|unrelated|selfsigned)\.key$' |
    grep -Ev '/leaf-(rsa1024|rsa1536|rsa3072|rsa4096|p384|p521|ed448|rsapss|dsa|md5|wildcard|ip|cnonly|clientauth|ca|longleaf|soon|imminent|notyet)\.pem$')
inputs+=("$LE")
for f in "${inputs[@]}"; do
    passes=("")
    case $f in
    *.p12 | */key-*) passes+=("--passin=pass:$PASS") ;;
    esac
    for pass in "${passes[@]}"; do
        case_ "certcheck --json ${pass:+$pass }${f#"$F"/}"
        case $f in
        *hugeiter*) run_timeout 20 "$B/certcheck" "${BASE[@]}" --batch --json $pass "$f" ;;
        *) run "$B/certcheck" "${BASE[@]}" --batch --json $pass "$f" </dev/null ;;
        esac
        assert_exit 0 1 3
        report_checks "$f"
    done
done

# --- facts, against the openssl CLI ---------------------------------------------------------------
fp()
{
    openssl x509 -in "$1" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d : | tr 'A-F' 'a-f'
}
subj()
{
    openssl x509 -in "$1" -noout -subject -nameopt RFC2253 | sed 's/^subject=//'
}
date_of()
{
    openssl x509 -in "$1" -noout "-$2" -dateopt iso_8601 | sed 's/^[^=]*=//; s/ /T/'
}
case_ "facts of bundle-good.pem"
run "$B/certcheck" "${BASE[@]}" --json "$F/bundle-good.pem"
assert_exit 0
lines=$(grep -n -- '-----BEGIN' "$F/bundle-good.pem" | cut -d: -f1 | tr '\n' ' ')
read -r l1 l2 l3 l4 <<<"$lines"
sans=$(openssl x509 -in "$F/leaf-rsa2048.pem" -noout -ext subjectAltName | tail -n +2 |
    sed 's/DNS://g; s/,/\n/g' | sed 's/^ *//' | sed "s/.*/'&'/" | paste -sd, -)
serial=$(openssl x509 -in "$F/leaf-rsa2048.pem" -noout -serial | cut -d= -f2)
assert_json "d['leaf']['sha256'] == '$(fp "$F/leaf-rsa2048.pem")'" \
    "d['leaf']['subject'] == '$(subj "$F/leaf-rsa2048.pem")'" \
    "d['leaf']['issuer'] == '$(subj "$F/int2.pem")'" \
    "d['leaf']['serial'].upper().lstrip('0') == '$serial'.lstrip('0')" \
    "d['leaf']['names'] == [$sans]" \
    "d['leaf']['not_before'] == '$(date_of "$F/leaf-rsa2048.pem" startdate)'" \
    "d['leaf']['not_after'] == '$(date_of "$F/leaf-rsa2048.pem" enddate)'" \
    "d['leaf']['key'] == 'RSA 2048'" \
    "[c['sha256'] for c in d['chain']] == ['$(fp "$F/int2.pem")', '$(fp "$F/int1.pem")']" \
    "[c['subject'] for c in d['chain']] == ['$(subj "$F/int2.pem")', '$(subj "$F/int1.pem")']" \
    "d['root']['sha256'] == '$(fp "$F/root.pem")'" "d['root']['in_input'] is False" \
    "d['trust'] == 'trusted'" \
    "[d['leaf']['source']['line'], d['chain'][0]['source']['line'], d['chain'][1]['source']['line'], d['key']['source']['line']] == [$l1, $l2, $l3, $l4]" \
    "d['key']['source']['block'] == 4 and d['key']['source']['encrypted'] is False"
case_ "facts of bundle-shuffled.pem: the chain in issuing order, the root from the input"
run "$B/certcheck" "${BASE[@]}" --json "$F/bundle-shuffled.pem"
assert_json "d['leaf']['sha256'] == '$(fp "$F/leaf-rsa2048.pem")'" \
    "[c['sha256'] for c in d['chain']] == ['$(fp "$F/int2.pem")', '$(fp "$F/int1.pem")']" \
    "d['root']['sha256'] == '$(fp "$F/root.pem")'" "d['root']['in_input'] is True"
case_ "facts: --with-root puts the root last in the chain"
run "$B/certcheck" "${BASE[@]}" --json --with-root "$F/bundle-good.pem"
assert_json "[c['sha256'] for c in d['chain']] == ['$(fp "$F/int2.pem")', '$(fp "$F/int1.pem")', '$(fp "$F/root.pem")']"
case_ "facts: PKCS#12 and the encrypted key"
run "$B/certcheck" "${BASE[@]}" --json --passin "pass:$PASS" "$F/bundle-modern.p12"
assert_json "d['leaf']['sha256'] == '$(fp "$F/leaf-rsa2048.pem")'" \
    "d['key']['source']['format'] != 'pem'"
case_ "an input error names the input in the JSON"
run "$B/certcheck" "${BASE[@]}" --json "$F/bad-base64.pem"
assert_exit 3
assert_json "'bad-base64.pem' in d['error']['message']" "'line 30' in d['error']['message']"

# --- -q -------------------------------------------------------------------------------------------
for f in bundle-good.pem bundle-expired.pem garbage.bin; do
    case_ "certcheck -q $f"
    run "$B/certcheck" "${BASE[@]}" -q "$F/$f"
    assert_out_empty
done
case_ "certcheck -q: exit codes kept"
run "$B/certcheck" "${BASE[@]}" -q "$F/bundle-expired.pem"
assert_exit 1
run "$B/certcheck" "${BASE[@]}" -q --each "$F/bundle-good.pem" "$F/garbage.bin"
assert_exit 3
assert_out_empty
case_ "certcheck -q on an input error still says why on stderr (-q: nothing on success)"
run "$B/certcheck" "${BASE[@]}" -q "$F/garbage.bin"
assert_exit 3
assert_err_contains "$F/garbage.bin"
case_ "certsplit -q"
newdir q && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" -q -o "$d" "$F/bundle-good.pem"
assert_exit 0
assert_out_empty
assert_err_empty
assert_present "$d/cert.pem" "$d/chain.pem" "$d/key.pem"
newdir q && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" -q -o "$d" "$F/bundle-wrong-key.pem"
assert_exit 1
assert_out_empty
assert_err_contains "key.mismatch"

# --- --each ---------------------------------------------------------------------------------------
each=("$F/bundle-good.pem" "$F/bundle-expired.pem" "$LE" "$F/garbage.bin" "$F/bundle-soon.pem"
    "$F/bundle-modern.p12" "$F/bundle-missing-int.pem")
want=(0 1 0 3 0 3 1)
singles=()
for f in "${each[@]}"; do
    run "$B/certcheck" "${BASE[@]}" --batch --json "$f"
    singles+=("$T_OUT")
done
case_ "--each: one document, results in input order, each the single-input report"
run "$B/certcheck" "${BASE[@]}" --batch --json --each "${each[@]}"
assert_exit 3
exprs=("d['schema'] == 1" "d['exit_code'] == 3" "len(d['results']) == ${#each[@]}"
    "[r['exit_code'] for r in d['results']] == [$(IFS=,; echo "${want[*]}")]"
    "d['exit_code'] == max(r['exit_code'] for r in d['results'])")
for i in "${!each[@]}"; do
    exprs+=("d['results'][$i]['input'] == ['${each[$i]}']"
        "d['results'][$i] == {k: v for k, v in load('${singles[$i]}').items() if k != 'schema'}")
done
assert_json "${exprs[@]}"
case_ "--each: text reports in input order"
run "$B/certcheck" "${BASE[@]}" --batch --each "${each[@]}"
assert_exit 3
assert_eq "report headers" "$(printf '%s\n' "${each[@]}")" "$(grep -v '^ ' "$T_OUT")"
case_ "--each: exit code the highest (1)"
run "$B/certcheck" "${BASE[@]}" --json --each "$F/bundle-good.pem" "$F/bundle-expired.pem"
assert_exit 1
assert_json "d['exit_code'] == 1" "[r['status'] for r in d['results']] == ['ok', 'fail']"

case_ "--each --jobs: the same bytes whatever the number of threads"
many=("$F"/bundle-*.pem "$F"/*.p12 "$LE" "$F/garbage.bin" "$F/empty.pem" "$F/chain.p7b")
run "$B/certcheck" "${BASE[@]}" --batch --json --each --jobs 1 "${many[@]}"
assert_exit 3
j1=$T_OUT
assert_json "len(d['results']) == ${#many[@]}" \
    "[r['input'][0] for r in d['results']] == $(pylist "${many[@]}")"
for jobs in 2 4 4 4; do
    run "$B/certcheck" "${BASE[@]}" --batch --json --each --jobs "$jobs" "${many[@]}"
    assert_exit 3
    assert_same "--jobs 1 vs --jobs $jobs (JSON)" "$j1" "$T_OUT"
done
run "$B/certcheck" "${BASE[@]}" --batch --json --each "${many[@]}"
assert_same "--jobs 1 vs the default (JSON)" "$j1" "$T_OUT"
run "$B/certcheck" "${BASE[@]}" --batch --each --jobs 1 "${many[@]}"
t1=$T_OUT
run "$B/certcheck" "${BASE[@]}" --batch --each --jobs 4 "${many[@]}"
assert_same "--jobs 1 vs --jobs 4 (text)" "$t1" "$T_OUT"

# --- certsplit --json -----------------------------------------------------------------------------
case_ "certsplit --json: success lists what it wrote"
newdir json && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --json --fullchain -o "$d" "$F/bundle-good.pem"
assert_exit 0
report_checks "$F/bundle-good.pem"
assert_json "d['written'] == [{'part': p, 'path': '$d/' + p + '.pem'} for p in ('cert', 'chain', 'key', 'fullchain')]"
assert_present "$d/cert.pem" "$d/chain.pem" "$d/key.pem" "$d/fullchain.pem"
case_ "certsplit --json: refusal"
newdir json && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --json -o "$d" "$F/bundle-wrong-key.pem"
assert_exit 1
report_checks "$F/bundle-wrong-key.pem"
assert_json "sev('key.mismatch') == {'error'}" "not d.get('written')"
case_ "certsplit --json --strict: refusal on an expired leaf"
newdir json && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --json --strict -o "$d" "$F/bundle-expired.pem"
assert_exit 1
report_checks "$F/bundle-expired.pem"
case_ "certsplit --json: goes ahead on an expired leaf; the JSON's exit code is the real one"
newdir json && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --json -o "$d" "$F/bundle-expired.pem"
assert_exit 0
assert_json "d['exit_code'] == 0" "sev('cert.expired') == {'error'}" "len(d['written']) == 3"
case_ "certsplit --json: input error"
newdir json && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --json -o "$d" "$F/garbage.bin"
assert_exit 3
report_checks "$F/garbage.bin"
case_ "certsplit --json: an existing file"
newdir json && d=$NEWDIR
echo old >"$d/chain.pem"
run "$B/certsplit" "${BASE[@]}" --json -o "$d" "$F/bundle-good.pem"
assert_exit 2
assert_json "d['exit_code'] == 2" "not d.get('written')"
case_ "certsplit --json --allow key.mismatch"
newdir json && d=$NEWDIR
run "$B/certsplit" "${BASE[@]}" --json --allow key.mismatch -o "$d" "$F/bundle-wrong-key.pem"
assert_json "d['exit_code'] == $RC" "sev('key.mismatch') == {'warning'}"
case_ "certsplit --json --stdout: one JSON document, or a usage error"
run "$B/certsplit" "${BASE[@]}" --json --stdout cert "$F/bundle-good.pem"
if [ "$RC" = 2 ]; then
    assert_usage certsplit
else
    assert_json "d['exit_code'] == $RC"
fi

finish
