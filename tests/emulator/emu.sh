#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Start or stop the AWS emulator in the background, for shell tests and the README demo.
#
#   tests/emulator/emu.sh start DIR [emulator.py flags...]   prints http(s)://127.0.0.1:PORT
#   tests/emulator/emu.sh stop DIR
#
# DIR holds the emulator's pid, port and log (emulator.pid, emulator.port, emulator.log).
# EMU_START_TIMEOUT (seconds, default 30) bounds the wait for the port file.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}

usage() {
    echo "usage: $0 start DIR [emulator flags...] | stop DIR" >&2
    exit 2
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$2
shift 2

case $cmd in
start)
    mkdir -p "$dir"
    if [ -f "$dir/emulator.pid" ] && kill -0 "$(cat "$dir/emulator.pid")" 2>/dev/null; then
        echo "$0: an emulator is already running from $dir (pid $(cat "$dir/emulator.pid"))" >&2
        exit 1
    fi
    rm -f "$dir/emulator.port"
    scheme=http
    for a in "$@"; do
        [ "$a" = "--tls-cert" ] && scheme=https
    done
    "$python" "$here/emulator.py" --port 0 --port-file "$dir/emulator.port" "$@" \
        </dev/null >"$dir/emulator.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/emulator.pid"
    timeout=${EMU_START_TIMEOUT:-30}
    waited=0
    # Poll every 0.1 s; give up after $timeout seconds or when the process died.
    while [ ! -s "$dir/emulator.port" ]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$0: emulator exited during start-up; its log:" >&2
            cat "$dir/emulator.log" >&2
            rm -f "$dir/emulator.pid"
            exit 1
        fi
        if [ "$waited" -ge "$((timeout * 10))" ]; then
            echo "$0: emulator not ready after ${timeout}s; stopping it" >&2
            kill "$pid" 2>/dev/null || true
            rm -f "$dir/emulator.pid"
            exit 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    echo "$scheme://127.0.0.1:$(cat "$dir/emulator.port")"
    ;;
stop)
    if [ ! -f "$dir/emulator.pid" ]; then
        echo "$0: no emulator.pid in $dir" >&2
        exit 1
    fi
    pid=$(cat "$dir/emulator.pid")
    if kill "$pid" 2>/dev/null; then
        # Wait up to 10 s for it to go, then insist.
        n=0
        while kill -0 "$pid" 2>/dev/null; do
            if [ "$n" -ge 100 ]; then
                kill -9 "$pid" 2>/dev/null || true
                break
            fi
            sleep 0.1
            n=$((n + 1))
        done
    fi
    rm -f "$dir/emulator.pid" "$dir/emulator.port"
    ;;
*)
    usage
    ;;
esac
