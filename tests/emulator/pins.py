# SPDX-License-Identifier: Apache-2.0
"""The Python packages the tests run on, checked against tests/constraints.txt.

The emulator's rules, the AWS CLI's read-backs and botocore's signatures are what the tests
compare libcert with: a moto or botocore that moved underneath changes what a test means. So the
versions are pinned (tests/constraints.txt, installed exactly by scripts/python.sh), and
check() stops a test run whose installed versions differ, naming each and the way out.
LIBCERT_PINS=warn turns the stop into a warning (for trying a new moto before pinning it).
"""

import importlib.metadata
import os
import re
import sys

CONSTRAINTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "constraints.txt")


def pinned(path=CONSTRAINTS):
    """{name: version} from a constraints file (name==version lines; comments and blanks skipped)."""
    pins = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
            if m is None:
                raise ValueError(f"{path}: '{line}' is not name==version")
            pins[m.group(1)] = m.group(2)
    return pins


def differences(path=CONSTRAINTS):
    """[(name, pinned version, installed version or None)] for every pin not met."""
    out = []
    for name, want in sorted(pinned(path).items()):
        try:
            have = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            have = None
        if have != want:
            out.append((name, want, have))
    return out


def check(who="tests"):
    """Exit (status 1) with a message naming every package whose installed version is not the
    pinned one; LIBCERT_PINS=warn prints the message and goes on."""
    diff = differences()
    if not diff:
        return
    lines = [f"{who}: the installed Python packages differ from {CONSTRAINTS}:"]
    for name, want, have in diff:
        lines.append(f"  {name}: pinned {want}, installed {have or 'none'}")
    lines.append(f"  ({sys.executable}) run scripts/python.sh for a virtual environment with the "
                 "pinned versions and point LIBCERT_PYTHON at it, or update the pins "
                 "(tests/constraints.txt says how)")
    sys.stderr.write("\n".join(lines) + "\n")
    if os.environ.get("LIBCERT_PINS") != "warn":
        sys.exit(1)


if __name__ == "__main__":
    check("pins")
    print(f"pins: {len(pinned())} packages as pinned in {CONSTRAINTS}")
