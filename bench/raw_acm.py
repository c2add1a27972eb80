#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The emulator's own time for ACM requests, from a minimal raw HTTP client: one keep-alive
connection, JSON bodies built by hand (the JSON protocol: X-Amz-Target CertificateManager.*,
blobs base64), no SDK, no signing (the emulator, started without --auth, routes unsigned requests
by X-Amz-Target). The network-and-server part of the floor bench/certup.sh compares certup
--store acm and certls --store acm|all against.

  raw_acm.py ENDPOINT upload BUNDLE...        per bundle: the least an idempotent import does
                                              (ListCertificates naming the leaf's key type, the
                                              answer read for imports that name the leaf's names,
                                              ImportCertificate); the mean ms per bundle
  raw_acm.py ENDPOINT fill N BUNDLE           N imports of one bundle"""
import base64
import http.client
import json
import sys
import time
import urllib.parse

from raw_iam import split

KEY_TYPES = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]
# The benchmark's leaves have RSA 2048 keys (bench/mkbundles.c): an idempotent import lists that
# key type alone, as certup does.
LEAF_KEY_TYPES = ["RSA_2048"]


def call(conn, action, params):
    body = json.dumps(params)
    conn.request("POST", "/", body, {"Content-Type": "application/x-amz-json-1.1",
                                     "X-Amz-Target": f"CertificateManager.{action}"})
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200:
        raise SystemExit(f"raw_acm: HTTP {resp.status}: {data[:300]!r}")
    return data


def b64(text):
    return base64.b64encode(text.encode()).decode()


def list_all(conn, key_types=KEY_TYPES):
    """ListCertificates of these key types (default: every one, as certls lists)."""
    return call(conn, "ListCertificates", {"Includes": {"keyTypes": list(key_types)}, "MaxItems": 1000})


def leaf_names(leaf_pem):
    """The leaf's DNS names (subjectAltName, else the CN): what an earlier import of it is
    listed under. Read before any timing, as the bundle is."""
    from cryptography import x509
    cert = x509.load_pem_x509_certificate(leaf_pem.encode())
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        return set(san.get_values_for_type(x509.DNSName))
    except x509.ExtensionNotFound:
        return {a.value for a in cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)}


def candidates(listing, names):
    """The listed certificates an earlier import of a leaf with these names could be: without
    reading the listing, no program knows whether its import is one already made."""
    found = []
    for c in json.loads(listing).get("CertificateSummaryList", []):
        if c.get("DomainName") in names or names & set(c.get("SubjectAlternativeNameSummaries", [])):
            found.append(c["CertificateArn"])
    return found


def import_one(conn, leaf, chain, key):
    call(conn, "ImportCertificate", {"Certificate": b64(leaf), "PrivateKey": b64(key),
                                     "CertificateChain": b64(chain),
                                     "Tags": [{"Key": "libcert:uploaded", "Value": "raw"}]})


def main():
    url = urllib.parse.urlsplit(sys.argv[1])
    conn = http.client.HTTPConnection(url.hostname, url.port)
    cmd = sys.argv[2]
    if cmd == "upload":
        bodies = [split(p) for p in sys.argv[3:]]
        names = [leaf_names(leaf) for leaf, _, _ in bodies]
        t0 = time.perf_counter()
        for (leaf, chain, key), leaf_dns in zip(bodies, names):
            candidates(list_all(conn, LEAF_KEY_TYPES), leaf_dns)
            import_one(conn, leaf, chain, key)
        print("%.3f" % ((time.perf_counter() - t0) * 1000 / len(bodies)))
    elif cmd == "fill":
        leaf, chain, key = split(sys.argv[4])
        for _ in range(int(sys.argv[3])):
            import_one(conn, leaf, chain, key)
    else:
        raise SystemExit("raw_acm: unknown command " + cmd)


if __name__ == "__main__":
    main()
