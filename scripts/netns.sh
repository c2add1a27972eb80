#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Run a command where only the loopback interface exists: a new network namespace (unshare -n)
# with lo up. A test that tries to reach any other address, or to resolve a name through a DNS
# server, then fails at once instead of leaving the machine. Needs root (CI is) and util-linux's
# unshare and iproute2's ip; without them (or with LIBCERT_NETNS=0) the command runs as it is,
# with a note on stderr.
#   scripts/netns.sh ctest --output-on-failure
set -eu
if [ "${LIBCERT_NETNS:-1}" != 0 ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 &&
    command -v ip >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
    exec unshare -n sh -c 'ip link set lo up && exec "$@"' netns "$@"
fi
echo "netns.sh: not isolated from the network (needs root, unshare and ip; LIBCERT_NETNS=${LIBCERT_NETNS:-1})" >&2
exec "$@"
