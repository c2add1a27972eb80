#!/bin/sh
# Print the path of a python3 that has moto (the AWS emulator the tests and the demo use) and
# the AWS CLI's botocore. The installed python3 is used when it has them; otherwise a virtual
# environment is made in build/.venv and moto[server], boto3 and awscli are installed into it
# (Debian 12 refuses pip installs into the system Python).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
venv=${LIBCERT_VENV:-$top/build/.venv}
has() { "$1" -c 'import moto, moto.server, boto3, botocore' >/dev/null 2>&1; }
if command -v python3 >/dev/null 2>&1 && has "$(command -v python3)"; then
    command -v python3
    exit 0
fi
if [ -x "$venv/bin/python3" ] && has "$venv/bin/python3"; then
    echo "$venv/bin/python3"
    exit 0
fi
echo "python.sh: moto is not installed; installing it into $venv" >&2
python3 -m venv "$venv" >&2
"$venv/bin/pip" install --quiet 'moto[server]' boto3 awscli >&2
echo "$venv/bin/python3"
