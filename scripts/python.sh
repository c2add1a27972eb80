#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Print the path of a python3 that has the pinned test packages (tests/constraints.txt: moto,
# the AWS emulator the tests and the demo use, boto3/botocore and the AWS CLI, and what they
# pull in). The installed python3 is used when its versions are exactly the pinned ones;
# otherwise a virtual environment is made in build/.venv (or $LIBCERT_VENV) and exactly those
# versions are installed into it (Debian 12 refuses pip installs into the system Python).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
venv=${LIBCERT_VENV:-$top/build/.venv}
req=$top/tests/requirements.txt
cons=$top/tests/constraints.txt
# has PYTHON: it imports moto and its versions are the pinned ones (tests/emulator/pins.py).
has()
{
    "$1" -c 'import moto, moto.server, boto3, botocore' >/dev/null 2>&1 &&
        "$1" "$top/tests/emulator/pins.py" >/dev/null 2>&1
}
if command -v python3 >/dev/null 2>&1 && has "$(command -v python3)"; then
    command -v python3
    exit 0
fi
if [ -x "$venv/bin/python3" ] && has "$venv/bin/python3"; then
    echo "$venv/bin/python3"
    exit 0
fi
echo "python.sh: the pinned test packages are not installed; installing them into $venv" >&2
python3 -m venv "$venv" >&2
"$venv/bin/pip" install --quiet -r "$req" -c "$cons" >&2
if ! has "$venv/bin/python3"; then
    "$venv/bin/python3" "$top/tests/emulator/pins.py" >&2 || true
    echo "python.sh: $venv does not hold the pinned versions" >&2
    exit 1
fi
echo "$venv/bin/python3"
