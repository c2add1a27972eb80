#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The emulator's own time for IAM requests, from a minimal raw HTTP client: one keep-alive
connection, form-encoded bodies built by hand, no SDK, no signing (the emulator, started
without --auth, routes by the Version parameter). It is the network-and-server part of the
floor the benchmarks compare certup and certls against.

  raw_iam.py ENDPOINT upload BUNDLE...        one UploadServerCertificate per bundle
  raw_iam.py ENDPOINT fill N BUNDLE [FIRST]   N uploads of one bundle, named fill-FIRST on
Prints the mean milliseconds per request (upload) on stdout. The listing's raw requests are
timed by certup_runs.py, round by round beside certls."""
import http.client
import re
import sys
import time
import urllib.parse

BLOCK = re.compile(r"-----BEGIN ([A-Z ]+)-----.*?-----END \1-----\n?", re.S)


def split(path):
    text = open(path).read()
    blocks = [(m.group(1), m.group(0)) for m in BLOCK.finditer(text)]
    certs = [b for label, b in blocks if label == "CERTIFICATE"]
    key = [b for label, b in blocks if label.endswith("PRIVATE KEY")][0]
    return certs[0], "".join(certs[1:]), key


def post(conn, params):
    body = urllib.parse.urlencode(params)
    conn.request("POST", "/", body, {"Content-Type": "application/x-www-form-urlencoded"})
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200:
        raise SystemExit(f"raw_iam: HTTP {resp.status}: {data[:300]!r}")
    return data


def main():
    url = urllib.parse.urlsplit(sys.argv[1])
    conn = http.client.HTTPConnection(url.hostname, url.port)
    cmd = sys.argv[2]
    base = {"Version": "2010-05-08"}
    if cmd == "upload":
        bodies = [split(p) for p in sys.argv[3:]]
        t0 = time.perf_counter()
        for i, (leaf, chain, key) in enumerate(bodies):
            post(conn, {**base, "Action": "UploadServerCertificate",
                        "ServerCertificateName": f"raw-{i}-{int(t0 * 1000)}", "Path": "/cloudfront/",
                        "CertificateBody": leaf, "CertificateChain": chain, "PrivateKey": key})
        print("%.3f" % ((time.perf_counter() - t0) * 1000 / len(bodies)))
    elif cmd == "fill":
        n = int(sys.argv[3])
        leaf, chain, key = split(sys.argv[4])
        first = int(sys.argv[5]) if len(sys.argv) > 5 else 0
        for i in range(first, first + n):
            post(conn, {**base, "Action": "UploadServerCertificate",
                        "ServerCertificateName": f"fill-{i:05d}", "Path": "/cloudfront/fill/",
                        "CertificateBody": leaf, "CertificateChain": chain, "PrivateKey": key})
    else:
        raise SystemExit("raw_iam: unknown command " + cmd)


if __name__ == "__main__":
    main()
