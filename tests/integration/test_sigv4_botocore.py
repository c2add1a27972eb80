#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Differential test: libcert's cert_sigv4_sign() against botocore's own SigV4 signer.

Generates many requests (methods, paths and queries with characters that need encoding,
repeated and empty query keys, '+', '%2F' and unicode, headers with runs of spaces and mixed
case, repeated headers, empty / binary / large bodies, session tokens, the services iam,
cloudfront and sts), signs each with botocore.auth.SigV4Auth under a frozen clock and with
tests/integration/sigv4_driver (built from the library), and compares the X-Amz-Date and
Authorization headers byte for byte.

Where botocore and our function's documented contract differ, the generator sends what our
callers send (request.c and the iam / cloudfront modules):
  * Paths and queries are passed already percent-encoded (cert_aws__uri_encode /
    cert_aws__query_add: RFC 3986 unreserved characters kept, upper-case hex, '+' as %2B).
    botocore reads the query of a URL as it is and only sorts it; we decode and re-encode each
    name and value. For queries in that encoding both give the same canonical query.
  * botocore removes dot segments and collapses "//" in the path (remove_dot_segments); our
    callers never send such paths, so segments are never "", "." or "..". (curl would remove
    dot segments before sending too: signing the path as given would then not match.)
  * Header values never hold control characters other than tab (invalid in HTTP anyway);
    Python's str.split() would also fold \\v, \\f, \\x1c-\\x1f and Unicode spaces, we fold only
    space and tab.
  * Host, User-Agent, X-Amz-Date, X-Amz-Security-Token, Authorization, Date, Expect and
    X-Amz-Content-SHA256 are not in the header list: the contract leaves them out (botocore
    treats Date and X-Amz-Content-SHA256 specially, and skips Expect / User-Agent).
  * Hosts are lower case, as botocore lower-cases the URL's host and our callers pass what
    the endpoint URL holds.

Run: python3 test_sigv4_botocore.py [--count N] [--seed S]   (ctest sets LIBCERT_BUILD)
"""

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import time
from unittest import mock
from urllib.parse import quote

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "emulator"))
import pins  # noqa: E402

pins.check("test_sigv4_botocore.py")

import botocore  # noqa: E402
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

BUILD = os.environ.get("LIBCERT_BUILD", "")
DRIVER = os.path.join(BUILD, "tests", "integration", "sigv4_driver")
# e.g. LIBCERT_TEST_WRAPPER="valgrind -q --leak-check=full --error-exitcode=99"
WRAPPER = os.environ.get("LIBCERT_TEST_WRAPPER", "").split()


def frozen_clock(epoch):
    """botocore 1.43 takes the signing time from botocore.auth.get_current_datetime()
    (botocore.compat's, a naive UTC datetime); older releases used datetime.datetime.utcnow()."""
    if not hasattr(botocore.auth, "get_current_datetime"):
        sys.exit(f"botocore {botocore.__version__}: botocore.auth.get_current_datetime is gone; "
                 "find where SigV4Auth.add_auth reads the clock and patch that")
    when = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).replace(tzinfo=None)
    return mock.patch.object(botocore.auth, "get_current_datetime", return_value=when)


def enc(s):
    """What cert_aws__uri_encode makes of a string (UTF-8, unreserved kept, upper-case hex)."""
    return quote(s, safe="-_.~", encoding="utf-8")


SEGMENT_CHARS = ["a", "Z", "0", "-", "_", ".", "~", " ", "+", "%", "/", "?", "#", "&", "=", ":",
                 "@", "!", "$", "'", "(", ")", "*", ",", ";", "é", "日本", "ሴ", "😀", "%2F", "\\"]
QUERY_CHARS = SEGMENT_CHARS + ["[", "]", "{", "}", "|", "^", "`", '"', "<", ">", "\t"]
HEADER_NAMES = ["Content-Type", "content-type", "X-Amz-Target", "x-amz-target", "If-Match",
                "X-Custom-Header", "x-CUSTOM-header", "X-Amz-Meta-Name", "Accept",
                "Content-MD5", "X-Amz-Meta-a", "x-amz-meta-b", "X-A", "x-z"]
SERVICES = {
    "iam": ["iam.amazonaws.com"],
    "cloudfront": ["cloudfront.amazonaws.com"],
    "sts": ["sts.amazonaws.com", "sts.us-east-1.amazonaws.com"],
}
REGIONS = ["us-east-1", "us-east-1", "us-east-1", "eu-west-1", "ap-southeast-2"]


def rand_text(rng, chars, lo, hi):
    return "".join(rng.choice(chars) for _ in range(rng.randint(lo, hi)))


def gen_path(rng, service):
    kind = rng.random()
    if kind < 0.15:
        return "/"
    if service == "cloudfront" and kind < 0.45:
        dist = "E" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(13))
        return rng.choice(["/2020-05-31/distribution",
                           f"/2020-05-31/distribution/{dist}/config",
                           f"/2020-05-31/distribution/{dist}"])
    segs = []
    for _ in range(rng.randint(1, 5)):
        seg = rand_text(rng, SEGMENT_CHARS, 1, 8)
        while seg in (".", ".."):  # botocore removes dot segments; callers never send them
            seg = rand_text(rng, SEGMENT_CHARS, 1, 8)
        segs.append(enc(seg))
    return "/" + "/".join(segs) + ("/" if rng.random() < 0.2 else "")


def gen_query(rng, service):
    kind = rng.random()
    if kind < 0.15:
        return ""
    pairs = []
    if service in ("iam", "sts") and kind < 0.5:
        pairs += [("Action", rng.choice(["ListServerCertificates", "GetCallerIdentity",
                                         "UploadServerCertificate"])),
                  ("Version", "2010-05-08" if service == "iam" else "2011-06-15")]
    keys = ["Marker", "MaxItems", "PathPrefix", "a", "A", "b", "key", "Key", "k%", "x y",
            "ü", "a.b", "a-b", "a_b", "a~b", ""]
    for _ in range(rng.randint(0, 6)):
        k = rng.choice(keys) if rng.random() < 0.7 else rand_text(rng, QUERY_CHARS, 1, 6)
        r = rng.random()
        if r < 0.2:
            v = ""
        elif r < 0.3:
            v = "a+b"
        elif r < 0.4:
            v = "%2F"
        elif r < 0.5:
            v = "/path/to/thing/"
        else:
            v = rand_text(rng, QUERY_CHARS, 1, 12)
        if k == "":
            k = "empty"
        pairs.append((k, v))
        if rng.random() < 0.25:  # the same key again, with another value
            pairs.append((k, rand_text(rng, QUERY_CHARS, 0, 5)))
    rng.shuffle(pairs)
    parts = []
    for k, v in pairs:
        if v == "" and rng.random() < 0.3:
            parts.append(enc(k))  # a bare key ("flag"): both sign it as "flag="
        else:
            parts.append(f"{enc(k)}={enc(v)}")
    return "&".join(parts)


def gen_header_value(rng):
    r = rng.random()
    if r < 0.1:
        return ""
    if r < 0.2:
        return "   "
    if r < 0.3:
        return "application/x-www-form-urlencoded; charset=utf-8"
    words = [rand_text(rng, "abcXYZ019-_.;=/\"'é日", 1, 6) for _ in range(rng.randint(1, 4))]
    out = rng.choice(["", " ", "  ", "\t", " \t "])
    for i, w in enumerate(words):
        if i:
            out += rng.choice([" ", "  ", "   ", "\t", " \t  "])
        out += w
    return out + rng.choice(["", " ", "   ", "\t"])


def gen_headers(rng):
    headers = []
    for _ in range(rng.randint(0, 5)):
        name = rng.choice(HEADER_NAMES)
        headers.append((name, gen_header_value(rng)))
        if rng.random() < 0.2:  # repeated, differently cased
            headers.append((name.swapcase() if rng.random() < 0.5 else name, gen_header_value(rng)))
    return headers


def gen_body(rng, method):
    r = rng.random()
    if r < 0.3 or method in ("HEAD",):
        return b""
    if r < 0.6:
        return "Action=ListServerCertificates&Version=2010-05-08&Marker=a%2Bb".encode()
    if r < 0.85:
        return rng.randbytes(rng.randint(1, 4096))
    if r < 0.99:
        return "<DistributionConfig>é日本</DistributionConfig>".encode() * rng.randint(1, 50)
    return rng.randbytes(1 << 20)  # large


def gen_case(rng, i):
    service = rng.choice(list(SERVICES))
    method = rng.choice(["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"])
    host = rng.choice(SERVICES[service])
    r = rng.random()
    if r < 0.7:
        scheme, netloc, host_header = "https", host, host
    elif r < 0.8:
        scheme, netloc, host_header = "https", host + ":443", host  # default port: not in Host
    elif r < 0.9:
        port = rng.randint(1024, 65535)
        scheme, netloc, host_header = "http", f"127.0.0.1:{port}", f"127.0.0.1:{port}"
    elif r < 0.95:
        scheme, netloc, host_header = "http", "localhost:80", "localhost"
    else:
        scheme, netloc, host_header = "http", "[::1]:4566", "[::1]:4566"
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    akid = rng.choice(["AKIA", "ASIA"]) + "".join(rng.choice(alnum) for _ in range(16))
    secret = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/")
                     for _ in range(40))
    token = None
    if rng.random() < 0.4:
        token = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
                        for _ in range(rng.randint(16, 700)))
    return {
        "id": i,
        "method": method,
        "scheme": scheme,
        "netloc": netloc,
        "host": host_header,
        "path": gen_path(rng, service),
        "query": gen_query(rng, service),
        "headers": gen_headers(rng),
        "body": gen_body(rng, method),
        "region": rng.choice(REGIONS),
        "service": service,
        "time": rng.randint(631152000, 4102444799),  # 1990 .. 2099
        "akid": akid,
        "secret": secret,
        "token": token,
    }


def botocore_sign(c):
    url = f"{c['scheme']}://{c['netloc']}{c['path']}" + (f"?{c['query']}" if c["query"] else "")
    req = AWSRequest(method=c["method"], url=url, data=c["body"])
    for name, value in c["headers"]:
        req.headers[name] = value  # HTTPHeaders keeps repeats, in order
    auth = botocore.auth.SigV4Auth(Credentials(c["akid"], c["secret"], c["token"]), c["service"],
                                   c["region"])
    with frozen_clock(c["time"]):
        auth.add_auth(req)
    return req.headers["X-Amz-Date"], req.headers["Authorization"]


def driver_input(c):
    return json.dumps({
        "method": c["method"], "host": c["host"], "path": c["path"], "query": c["query"],
        "headers": [[n, v] for n, v in c["headers"]], "body_hex": c["body"].hex(),
        "region": c["region"], "service": c["service"], "time": c["time"], "akid": c["akid"],
        "secret": c["secret"], "token": c["token"],
    }, ensure_ascii=False)


def describe(c):
    d = dict(c)
    d["body"] = f"<{len(c['body'])} bytes>"
    return json.dumps(d, ensure_ascii=False, indent=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=int(os.environ.get("LIBCERT_SIGV4_CASES", "1000")))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("LIBCERT_SIGV4_SEED", "20150830")))
    args = ap.parse_args()
    if not os.access(DRIVER, os.X_OK):
        sys.exit(f"{DRIVER} is not built (cmake --build the build tree; ctest sets LIBCERT_BUILD)")
    t0 = time.monotonic()
    rng = random.Random(args.seed)
    cases = [gen_case(rng, i) for i in range(args.count)]
    expected = [botocore_sign(c) for c in cases]
    out = subprocess.run(WRAPPER + [DRIVER], input="\n".join(driver_input(c) for c in cases).encode() + b"\n",
                         stdout=subprocess.PIPE, check=True).stdout.decode().splitlines()
    if len(out) != len(cases):
        sys.exit(f"sigv4_driver answered {len(out)} lines for {len(cases)} requests")
    failures = 0
    stats = {"token": 0, "repeated header": 0, "repeated key": 0, "body": 0, "unicode": 0}
    for c, (date, authz), line in zip(cases, expected, out):
        stats["token"] += c["token"] is not None
        names = [n.lower() for n, _ in c["headers"]]
        stats["repeated header"] += len(names) != len(set(names))
        keys = [p.split("=")[0] for p in c["query"].split("&")] if c["query"] else []
        stats["repeated key"] += len(keys) != len(set(keys))
        stats["body"] += len(c["body"]) > 0
        stats["unicode"] += "%E" in c["path"] + c["query"] or "%F0" in c["path"] + c["query"]
        want = f"OK {date} {authz}"
        if line != want:
            failures += 1
            if failures <= 5:
                print(f"MISMATCH in case {c['id']} (seed {args.seed}):\n  botocore: {want}\n"
                      f"  libcert:  {line}\n  request: {describe(c)}", file=sys.stderr)
    took = time.monotonic() - t0
    print(f"{len(cases)} requests, seed {args.seed}, botocore {botocore.__version__}: "
          f"{len(cases) - failures} identical, {failures} different ({took:.1f} s); "
          + ", ".join(f"{k}: {v}" for k, v in stats.items()))
    # The generator must really have produced what it claims to cover.
    assert all(v > 0 for v in stats.values()), stats
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
