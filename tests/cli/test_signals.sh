#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# certsplit and signals: an interrupt leaves no half-written file and no temporary, and the
# split stays all or nothing.
#
# How the window is hit: certsplit writes each part to ".NAME.tmp-XXXXXX" (mode 0600), fsyncs
# it, and only when all parts are written renames them into place one by one (each rename
# followed by an fsync of the directory). Those windows last microseconds, so the test runs
# certsplit under strace with every fsync delayed (strace -e inject=fsync:delay_enter=...),
# watches the out dir until it is in the state wanted, and only then sends the signal:
#   - "temporaries": all three temporaries on disk, nothing renamed yet;
#   - "committing": cert.pem already renamed into place, chain/key still temporaries.
# The signal is delivered when the delayed fsync returns, i.e. inside the window. Without
# strace (or without ptrace rights) those checks are skipped, not passed. A FIFO on stdin
# (certsplit blocked reading its input) covers the earlier, simpler window.
. "$(dirname "$0")/lib.sh"

# fsync delays tried in turn: the first is enough unless the machine is very busy (the poll
# below then misses the window, and the next, longer delay is tried).
DELAYS_US=(300000 1500000)
PREPARE=":" # shell code run in a fresh out dir "$d" before each attempt
REACHED_HOOK=":" # shell code run in "$d" once it is in the state wanted, before the signal
SYSCALL=fsync # the system call strace delays
PIDFILE=$T_DIR/certsplit.pid

state_reached()
{
    local d=$1 state=$2

    case $state in
    temporaries)
        [ -n "$(find "$d" -maxdepth 1 -name '.key.pem.tmp-*')" ] && [ ! -e "$d/cert.pem" ]
        ;;
    renaming) # every temporary written (the key's last), cert.pem's rename delayed
        [ -n "$(find "$d" -maxdepth 1 -name '.key.pem.tmp-*' -size +0)" ] && [ ! -e "$d/cert.pem" ]
        ;;
    key-temporary) # with old files in place: the key's temporary is being written
        [ -n "$(find "$d" -maxdepth 1 -name '.key.pem.tmp-*')" ]
        ;;
    committing)
        [ -e "$d/cert.pem" ] && [ -n "$(find "$d" -maxdepth 1 -name '.chain.pem.tmp-*')" ]
        ;;
    esac
}

# interrupt STATE SIGNAL DIR ARGS...: certsplit ARGS -o DIR under strace; SIGNAL once DIR is
# in STATE. Sets RC (128 + signal number if it died of it), REACHED (yes/no), BEFORE (what DIR
# held when the signal was sent) and TMP_MODE (the mode of the key's temporary then).
interrupt()
{
    local state=$1 sig=$2 d=$3 spid pid i delay

    shift 3
    for delay in "${DELAYS_US[@]}"; do
        rm -rf "$d" && mkdir "$d" && eval "$PREPARE"
        rm -f "$PIDFILE"
        _next_run "$B/certsplit" "${BASE[@]}" -o "$d" "$@"
        strace -o /dev/null -e "trace=$SYSCALL" -e "inject=$SYSCALL:delay_enter=$delay" \
            bash -c 'echo $$ >"$0" && exec "$@"' "$PIDFILE" \
            "$B/certsplit" "${BASE[@]}" -o "$d" "$@" >"$T_OUT" 2>"$T_ERR" </dev/null &
        spid=$!
        REACHED=no TMP_MODE="" BEFORE=""
        for ((i = 0; i < 1000; i++)); do
            if state_reached "$d" "$state"; then
                REACHED=yes
                break
            fi
            kill -0 "$spid" 2>/dev/null || break
            sleep 0.01
        done
        if [ "$REACHED" = yes ]; then
            TMP_MODE=$(find "$d" -maxdepth 1 -name '.key.pem.tmp-*' -printf '%m\n' | head -n 1)
            BEFORE=$(ls -A "$d" | tr '\n' ' ')
            eval "$REACHED_HOOK"
            pid=$(cat "$PIDFILE")
            kill "-$sig" "$pid"
        fi
        { wait "$spid"; } 2>/dev/null
        RC=$?
        [ "$REACHED" = yes ] && return 0
    done
}

case_ "strace can delay fsync here"
if ! command -v strace >/dev/null 2>&1; then
    skip "no strace: the interrupt-while-writing checks are not run"
    HAVE_STRACE=no
elif ! strace -o /dev/null -e trace=fsync -e inject=fsync:delay_enter=1000 true 2>/dev/null; then
    skip "strace cannot trace here (ptrace not permitted): interrupt checks not run"
    HAVE_STRACE=no
else
    HAVE_STRACE=yes
    pass
fi

if [ "$HAVE_STRACE" = yes ]; then
    case_ "SIGINT while the temporaries are written"
    newdir int && d=$NEWDIR
    interrupt temporaries INT "$d" --fullchain "$F/bundle-good.pem"
    assert_eq "window reached (temporaries on disk, nothing renamed)" yes "$REACHED"
    assert_eq "the key's temporary is 0600 from the start" 600 "$TMP_MODE"
    assert_exit 130
    assert_dir_empty "$d"

    case_ "SIGTERM while the temporaries are written"
    newdir term && d=$NEWDIR
    interrupt temporaries TERM "$d" "$F/bundle-good.pem"
    assert_eq "window reached" yes "$REACHED"
    assert_exit 143
    assert_dir_empty "$d"

    case_ "SIGHUP while the temporaries are written"
    newdir hup && d=$NEWDIR
    interrupt temporaries HUP "$d" "$F/bundle-good.pem"
    assert_eq "window reached" yes "$REACHED"
    assert_exit 129
    assert_dir_empty "$d"

    case_ "SIGINT with --force: the old files stay as they were"
    newdir force && d=$NEWDIR
    PREPARE='for p in cert chain key; do echo "old $p" >"$d/$p.pem"; done'
    interrupt key-temporary INT "$d" --force "$F/bundle-good.pem"
    PREPARE=":"
    assert_eq "window reached" yes "$REACHED"
    assert_exit 130
    for p in cert chain key; do
        assert_eq "$p.pem untouched" "old $p" "$(cat "$d/$p.pem" 2>/dev/null)"
    done
    assert_no_tmp "$d"

    case_ "SIGINT after another process created cert.pem before our rename: its file stays"
    # Issue #11: the existence check passed, then someone else created cert.pem, then the
    # interrupt came while our rename was due: the handler removes only what this run created
    # (device and inode compared), so the other process's cert.pem survives.
    newdir race && d=$NEWDIR
    SYSCALL=renameat2
    REACHED_HOOK='sleep 0.05; echo "not ours" >"$d/cert.pem"'
    interrupt renaming INT "$d" "$F/bundle-good.pem"
    SYSCALL=fsync
    REACHED_HOOK=":"
    assert_eq "window reached (before: $BEFORE)" yes "$REACHED"
    assert_exit 130
    assert_eq "the other process's cert.pem is untouched" "not ours" "$(cat "$d/cert.pem" 2>/dev/null)"
    assert_absent "$d/chain.pem" "$d/key.pem"
    assert_no_tmp "$d"

    case_ "SIGINT after cert.pem is in place and before chain.pem and key.pem are: all or nothing"
    newdir commit && d=$NEWDIR
    interrupt committing INT "$d" "$F/bundle-good.pem"
    assert_eq "window reached (before: $BEFORE)" yes "$REACHED"
    assert_exit 130
    assert_absent "$d/cert.pem" "$d/chain.pem" "$d/key.pem"
    assert_no_tmp "$d"
fi

case_ "SIGINT while reading the input from a FIFO"
newdir fifo && d=$NEWDIR
fifo=$T_DIR/input.fifo
mkfifo "$fifo"
_next_run "$B/certsplit" "${BASE[@]}" -o "$d" -
"$B/certsplit" "${BASE[@]}" -o "$d" - <"$fifo" >"$T_OUT" 2>"$T_ERR" &
spid=$!
exec 7>"$fifo"
head -c 1000 "$F/bundle-good.pem" >&7
# Wait until certsplit sleeps in read() on the FIFO, the rest of the bundle never coming.
for ((i = 0; i < 250; i++)); do
    st=$(awk '{print $3}' "/proc/$spid/stat" 2>/dev/null)
    [ "$st" = S ] && [ "$(readlink "/proc/$spid/fd/0")" = "$fifo" ] && break
    sleep 0.02
done
sleep 0.1
kill -INT "$spid"
{ wait "$spid"; } 2>/dev/null
RC=$?
exec 7>&-
assert_exit 130
assert_dir_empty "$d"

finish
