#!/usr/bin/env python3
"""The timed part of bench/certup.sh. Each program is timed from this process (fork, exec, wait),
and the runs being compared are interleaved: bundle by bundle, the seed workflow, certup and the
empty program; then listing by listing, certls, the empty program and the raw requests. A drift
of the machine's speed during the run (seen here: 30%) then weighs on both sides of a ratio
alike, where timing one loop after another let it decide the ratio.

  certup_runs.py upload ENDPOINT BUILD ROOT_PEM SEED_DIR BUNDLE...
      per bundle: seed workflow, certup, empty program (ms); prints the three sums
  certup_runs.py list ENDPOINT BUILD OUT_JSON RUNS
      per round: certls --json, empty program, raw ListServerCertificates + GetAccountSummary;
      prints the medians of each, and the median of the rounds' ratios
      certls / (raw + empty)"""
import http.client
import os
import statistics
import subprocess
import sys
import time
import urllib.parse

import raw_iam  # the same minimal client, beside this file

SEED = r"""
set -e
d=$1 b=$2 i=$3
mkdir -p "$d"
openssl x509 -in "$b" -out "$d/cert.pem"
openssl pkey -in "$b" -out "$d/key.pem"
# the chain: every certificate after the first, as the OpenSSL CLI prints them
openssl crl2pkcs7 -nocrl -certfile "$b" | openssl pkcs7 -print_certs |
    awk '/BEGIN CERT/{n++} n>1' | grep -v '^subject=\|^issuer=\|^$' > "$d/chain.pem"
aws iam upload-server-certificate --server-certificate-name "seed-$i" --path /cloudfront/ \
    --certificate-body "file://$d/cert.pem" --private-key "file://$d/key.pem" \
    --certificate-chain "file://$d/chain.pem" >/dev/null
"""


def timed(argv, out=subprocess.DEVNULL):
    t = time.perf_counter()
    subprocess.run(argv, stdout=out, check=True)
    return (time.perf_counter() - t) * 1000


def upload(endpoint, build, root, seed_dir, bundles):
    certup = os.path.join(build, "tools", "certup")
    empty = os.path.join(build, "bench", "bench_empty")
    seed = certup_ms = empty_ms = 0.0
    for i, b in enumerate(bundles):
        seed += timed(["sh", "-c", SEED, "seed", os.path.join(seed_dir, str(i)), b, str(i)])
        certup_ms += timed([certup, "-q", "--ca-file", root, b])
        empty_ms += timed([empty])
    print("%.3f %.3f %.3f" % (seed, certup_ms, empty_ms))


def raw_list(conn):
    """The fewest requests that fetch 1,000 certificates and the quota, from raw_iam.py's
    minimal client."""
    t = time.perf_counter()
    raw_iam.post(conn, {"Version": "2010-05-08", "Action": "ListServerCertificates", "MaxItems": "1000"})
    raw_iam.post(conn, {"Version": "2010-05-08", "Action": "GetAccountSummary"})
    return (time.perf_counter() - t) * 1000


def listing(endpoint, build, out_json, runs):
    certls = os.path.join(build, "tools", "certls")
    empty = os.path.join(build, "bench", "bench_empty")
    url = urllib.parse.urlsplit(endpoint)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    raw_list(conn)  # the raw client's connection is open before it is timed
    a, e, r, ratios = [], [], [], []
    for _ in range(runs):
        with open(out_json, "w") as f:
            a.append(timed([certls, "--json"], f))
        e.append(timed([empty]))
        r.append(raw_list(conn))
        ratios.append(a[-1] / (e[-1] + r[-1]))
    med = statistics.median
    print("%.3f %.3f %.3f %.4f" % (med(a), med(e), med(r), med(ratios)))


def main():
    cmd = sys.argv[1]
    if cmd == "upload":
        upload(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:])
    elif cmd == "list":
        listing(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        raise SystemExit("certup_runs: unknown command " + cmd)


if __name__ == "__main__":
    main()
