#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
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
      certls / (raw + empty)
  certup_runs.py upload-acm ENDPOINT BUILD ROOT_PEM BUNDLE... RAW_BUNDLE...
      per bundle: certup and certup --store acm (each first on every other bundle), empty
      program, the raw floor requests of each store (ms); prints the five medians, times the number of bundles, then the median CPU
      ms (user + system) of one certup and of one certup --store acm, then the median ms of
      reading the listing (part of ACM's raw floor), times the number of bundles
  certup_runs.py list-all ENDPOINT BUILD OUT_JSON RUNS
      per round: certls --store all --json, empty program, the raw requests one after the other
      (ListServerCertificates of 1,000, GetAccountSummary, ListCertificates of 1,000) and the
      longer of IAM's and ACM's raw listings (what running them side by side costs at best);
      prints the medians of each and of the rounds' ratios certls / (sequential raw + empty)"""
import http.client
import os
import resource
import statistics
import subprocess
import sys
import time
import urllib.parse

import raw_acm  # the same minimal clients, beside this file
import raw_iam

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


def timed(argv, out=subprocess.DEVNULL, cpu=None):
    """Wall ms of one run; its CPU ms (user + system) appended to cpu when given."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(argv, stdout=out, check=True)
    wall = (time.perf_counter() - t) * 1000
    if cpu is not None:
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append((r1.ru_utime - r.ru_utime + r1.ru_stime - r.ru_stime) * 1000)
    return wall


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


def upload_acm(endpoint, build, root, bundles, raw_bundles):
    """Per bundle, interleaved: certup (IAM) and certup --store acm (in turn first), the empty
    program, and the raw requests of each store's floor (one UploadServerCertificate;
    ListCertificates naming the leaf's key type, its answer read for earlier imports of the leaf,
    and ImportCertificate), so that both ratios are taken under the same load."""
    certup = os.path.join(build, "tools", "certup")
    empty = os.path.join(build, "bench", "bench_empty")
    url = urllib.parse.urlsplit(endpoint)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    raw_acm.list_all(conn)  # the raw client's connection is open before it is timed
    iam, acm, empty_ms, raw_iam_ms, raw_acm_ms, iam_cpu, acm_cpu = [], [], [], [], [], [], []
    read_ms = []
    for i, (b, rb) in enumerate(zip(bundles, raw_bundles)):
        leaf, chain, key = raw_iam.split(rb)
        names = raw_acm.leaf_names(leaf)
        # which store goes first alternates: the run right after a certup is slower (the
        # emulator is still closing the previous client's connection while the next starts up;
        # measured here: the second of two certups 1-9 ms slower than the first, whichever
        # store), so a fixed order charged that to the second store alone
        runs = [(iam, iam_cpu, [certup, "-q", "--ca-file", root, b]),
                (acm, acm_cpu, [certup, "-q", "--store", "acm", "--ca-file", root, b])]
        for times, cpu, argv in runs if i % 2 == 0 else reversed(runs):
            times.append(timed(argv, cpu=cpu))
        empty_ms.append(timed([empty]))
        t = time.perf_counter()
        raw_iam.post(conn, {"Version": "2010-05-08", "Action": "UploadServerCertificate",
                            "ServerCertificateName": f"raw-acm-bench-{i}", "Path": "/cloudfront/",
                            "CertificateBody": leaf, "CertificateChain": chain, "PrivateKey": key})
        raw_iam_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        listing = raw_acm.list_all(conn, raw_acm.LEAF_KEY_TYPES)
        # the listing read for earlier imports of this leaf: the least an idempotent import does
        # with it (timed apart too, so that the floor without it can be printed beside)
        r = time.perf_counter()
        raw_acm.candidates(listing, names)
        read_ms.append((time.perf_counter() - r) * 1000)
        # A new import on a connection of its own, as certup sends it (#11): ImportCertificate
        # has no idempotency token, and a request on a reused connection that dies unanswered is
        # sent again by the HTTP client (libcurl does; so do urllib3's retries), which would leave
        # a second import, an orphan. Any program that must not leave one pays this connect.
        fresh = http.client.HTTPConnection(url.hostname, url.port)
        raw_acm.import_one(fresh, leaf, chain, key)
        fresh.close()
        raw_acm_ms.append((time.perf_counter() - t) * 1000)
    # medians, scaled back to sums over the bundles: one slow start-up on a shared machine (the
    # sums' noise, ±5 ms a bundle here) weighs on neither side
    n = len(iam)
    med = statistics.median
    print(" ".join("%.3f" % (med(v) * n) for v in (iam, acm, empty_ms, raw_iam_ms, raw_acm_ms)),
          "%.3f %.3f" % (med(iam_cpu), med(acm_cpu)), "%.3f" % (med(read_ms) * n))


def list_all(endpoint, build, out_json, runs):
    certls = os.path.join(build, "tools", "certls")
    empty = os.path.join(build, "bench", "bench_empty")
    url = urllib.parse.urlsplit(endpoint)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    raw_list(conn)
    raw_acm.list_all(conn)
    a, e, seq, side, ratios = [], [], [], [], []
    for _ in range(runs):
        with open(out_json, "w") as f:
            a.append(timed([certls, "--store", "all", "--json"], f))
        e.append(timed([empty]))
        iam_ms = raw_list(conn)
        t = time.perf_counter()
        raw_acm.list_all(conn)
        acm_ms = (time.perf_counter() - t) * 1000
        seq.append(iam_ms + acm_ms)
        side.append(max(iam_ms, acm_ms))
        ratios.append(a[-1] / (e[-1] + seq[-1]))
    med = statistics.median
    print("%.3f %.3f %.3f %.3f %.4f" % (med(a), med(e), med(seq), med(side), med(ratios)))


def main():
    cmd = sys.argv[1]
    if cmd == "upload-acm":
        files = sys.argv[5:]
        half = len(files) // 2
        return upload_acm(sys.argv[2], sys.argv[3], sys.argv[4], files[:half], files[half:])
    if cmd == "list-all":
        return list_all(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    if cmd == "upload":
        upload(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:])
    elif cmd == "list":
        listing(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        raise SystemExit("certup_runs: unknown command " + cmd)


if __name__ == "__main__":
    main()
