#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Quick-start command 2: set up on a fresh Debian 12 machine and run every test.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh"
"$top/scripts/build.sh"
cd "${LIBCERT_BUILD_DIR:-$top/build}"
# Where only loopback exists when root can make that (scripts/netns.sh): no test may reach
# another address or resolve a name through a DNS server.
"$top/scripts/netns.sh" ctest --output-on-failure -j"$(nproc)"
