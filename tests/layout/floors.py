#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The floors of libcert (ARCHITECTURE.md), checked from the #include lines.

Every source under libcert/src/FLOOR/ and every public header in libcert/include/libcert/ has a
floor; an #include may only point at the same floor or one it stands on:

    util  <  x509  <  report
    util  <  aws
    util  <  net
    util, x509, report, aws, net  <  ops  <  tools

So report never includes aws, net or ops; aws never includes x509, report, net or ops; x509
never includes anything above util. The tools include only libcert/libcert.h (through
tools/common/cli.h). Usage: floors.py [REPO]   exit 0 when every arrow runs downwards, 1 with a
line per wrong arrow. `floors.py --self-test` checks that a wrong arrow is caught.
"""
import os
import re
import sys
import tempfile

FLOORS = ["util", "x509", "report", "aws", "net", "ops", "tools"]

# What each floor may include, itself included.
ALLOWED = {
    "util": {"util"},
    "x509": {"util", "x509"},
    "report": {"util", "x509", "report"},
    "aws": {"util", "aws"},
    "net": {"util", "net"},
    "ops": {"util", "x509", "report", "aws", "net", "ops"},
    "tools": {"tools", "umbrella"},
    "umbrella": {"util", "x509", "report", "aws", "net", "ops", "umbrella"},
}

# The public headers, each on the floor of the code it declares.
PUBLIC = {
    "common.h": "util", "error.h": "util", "records.h": "util", "process.h": "util",
    "text.h": "util",
    "bundle.h": "x509", "chain.h": "x509", "checks.h": "x509", "key.h": "x509",
    "split.h": "x509",
    "report.h": "report", "results.h": "report", "render.h": "report", "gate.h": "report",
    "aws.h": "aws", "iam.h": "aws", "cloudfront.h": "aws", "acm.h": "aws", "route53.h": "aws",
    "partition.h": "aws",
    "net.h": "net",
    "upload.h": "ops", "inventory.h": "ops", "prune.h": "ops", "attach.h": "ops",
    "rotate.h": "ops", "remote.h": "ops", "store.h": "ops", "live.h": "ops",
    "libcert.h": "umbrella",
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def floor_of_file(repo, path):
    rel = os.path.relpath(path, repo).replace(os.sep, "/")
    if rel.startswith("libcert/include/libcert/"):
        name = rel.rsplit("/", 1)[1]
        return PUBLIC.get(name, "unknown public header " + name)
    if rel.startswith("libcert/src/"):
        part = rel.split("/")[2]
        return part if part in ALLOWED else "unknown folder " + part
    if rel.startswith("tools/"):
        return "tools"
    return None


def floor_of_include(repo, src, inc):
    """The floor of what `src` includes as "inc" (None: not ours)."""
    if inc.startswith("libcert/"):
        return PUBLIC.get(inc.split("/", 1)[1], "unknown public header " + inc)
    here = os.path.dirname(src)
    # beside the includer (x509_int.h from x509/), or from libcert/src (util/buf.h)
    for base in (here, os.path.join(repo, "libcert", "src"), os.path.join(repo, "tools")):
        cand = os.path.normpath(os.path.join(base, inc))
        if os.path.exists(cand):
            return floor_of_file(repo, cand)
    return None


def sources(repo):
    for top in ("libcert/src", "libcert/include/libcert", "tools"):
        for d, _, files in os.walk(os.path.join(repo, top)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.join(d, f)


def check(repo):
    wrong = []
    for path in sources(repo):
        floor = floor_of_file(repo, path)
        if floor is None:
            continue
        if floor.startswith("unknown"):
            wrong.append("%s: %s (give it a floor in tests/layout/floors.py)" % (path, floor))
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for m in INCLUDE.finditer(text):
            inc = m.group(1)
            to = floor_of_include(repo, path, inc)
            if to is None:
                continue
            if to.startswith("unknown"):
                wrong.append("%s: includes %s: %s" % (path, inc, to))
            elif to not in ALLOWED[floor]:
                wrong.append("%s (%s) includes %s (%s): the arrow runs the wrong way"
                             % (os.path.relpath(path, repo), floor, inc, to))
        if floor == "tools" and path.endswith(".c"):
            for inc in INCLUDE.findall(text):
                if inc.startswith("libcert/") and inc != "libcert/libcert.h":
                    wrong.append("%s: a tool includes %s; tools include only libcert/libcert.h"
                                 % (os.path.relpath(path, repo), inc))
    return wrong


def self_test():
    """A tree with one wrong arrow (report including an AWS header) must fail, and the same tree
    without it must pass: the check can fail."""
    with tempfile.TemporaryDirectory() as t:
        for d in ("libcert/src/report", "libcert/src/aws", "libcert/include/libcert", "tools"):
            os.makedirs(os.path.join(t, d))
        def put(rel, text):
            with open(os.path.join(t, rel), "w") as f:
                f.write(text)
        put("libcert/include/libcert/iam.h", "")
        put("libcert/include/libcert/report.h", "")
        put("libcert/src/aws/iam.c", '#include "libcert/iam.h"\n')
        put("libcert/src/report/report.c", '#include "libcert/report.h"\n')
        if check(t):
            return "a clean tree was reported wrong: %s" % check(t)
        put("libcert/src/report/report.c", '#include "libcert/report.h"\n#include "libcert/iam.h"\n')
        if not any("wrong way" in w for w in check(t)):
            return "report including iam.h was not caught"
        put("libcert/src/report/report.c", '#include "aws/aws_int.h"\n')
        put("libcert/src/aws/aws_int.h", "")
        if not any("wrong way" in w for w in check(t)):
            return "report including aws/aws_int.h was not caught"
    return None


def main():
    if sys.argv[1:] == ["--self-test"]:
        why = self_test()
        print("floors: self-test " + ("failed: " + why if why else "passed"))
        return 1 if why else 0
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    repo = os.path.abspath(repo)
    why = self_test()
    if why:
        print("floors: the check itself is broken: " + why)
        return 1
    wrong = check(repo)
    for w in wrong:
        print(w)
    n = sum(1 for _ in sources(repo))
    print("floors: %d files read, %d wrong arrows" % (n, len(wrong)))
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
