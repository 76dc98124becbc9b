#!/usr/bin/env bash
# bench/lib/measure-cpu.sh LOG command [args...]
#
# Runs a client tool as a child and, when it ends, appends one line to LOG:
#   tool start_ms=<wall ms> end_ms=<wall ms> cpu_ms=<ms> server_cpu_ms=<ms|na> servers=<n> rc=<exit code> cmd=<argv>
# and exits with the tool's exit code (argv with spaces as _). Without LOG (empty), the command is exec'd unmeasured.
#
# cpu_ms, the tool's user+system CPU: the growth of this wrapper's cutime+cstime (/proc/self/stat fields 16-17)
# across the run. The kernel adds a child's CPU there when the child is reaped, and the child's own reaped children
# are already in it, so the figure holds the tool's whole process tree (a launcher script that execs or forks a JVM
# included), and nothing is lost when the tool exits between two readings (there are no readings in between).
#
# server_cpu_ms, the servers' CPU during the tool's run: utime+stime of every server process (all threads) read just
# before the tool starts and just after it ends; the servers are those listed in BENCH_SERVER_PID_FILE (a line of
# pids, or the Kafka peer's state file) at the start. Servers outlive the tool, so two readings lose nothing; "na"
# if no server was listed or one was gone at the end (its CPU since the start is unknown).
#
# Signals: the tool runs in the background of this non-interactive shell (so `wait` can be interrupted), and
# TERM/INT/HUP to the wrapper are passed on to it as TERM; the wrapper then waits for it to finish, so a tool stopped
# by timeout(1) or a Ctrl-C is still measured. timeout(1) also signals its whole process group, which includes the
# tool. Only a SIGKILL of the wrapper loses the line (the workload is then reported without CPU figures).
set -uo pipefail

log="${1?usage: measure-cpu.sh LOG command [args...]}"
shift
[[ -n "$log" ]] || exec "$@"
# shellcheck source=proc-cpu.sh
source "$(dirname "${BASH_SOURCE[0]}")/proc-cpu.sh"

pids_from_file "${BENCH_SERVER_PID_FILE:-}"; server_pids="$REPLY"
# shellcheck disable=SC2086 # a word list of pids
proc_cpu_sum_ms $server_pids; server_before="$REPLY" servers="$PROC_CPU_ALIVE"
proc_cpu_ms "$BASHPID" children; before="$REPLY"
now_ms; start="$REPLY"

"$@" <&0 &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
rc=0
while :; do
  wait "$child"; rc=$?
  # > 128: either the tool died of a signal, or a trapped signal interrupted the wait and the tool still runs.
  ((rc > 128)) && kill -0 "$child" 2>/dev/null && continue
  break
done
# If the interrupted wait raced with the tool's exit, bash has reaped it (so its CPU is in cutime) and usually keeps
# its status: fetch it. 127, or the -1 bash 5.2 sometimes returns here, mean it has none; rc then stays the signal's.
wait "$child" 2>/dev/null; r=$?
((r >= 0 && r != 127)) && rc=$r

now_ms; end="$REPLY"
proc_cpu_ms "$BASHPID" children; after="$REPLY"
# shellcheck disable=SC2086
proc_cpu_sum_ms $server_pids
server_cpu="na"
((servers > 0 && PROC_CPU_ALIVE == servers)) && server_cpu=$((REPLY - server_before))
cmd="$*"
printf 'tool start_ms=%s end_ms=%s cpu_ms=%s server_cpu_ms=%s servers=%s rc=%s cmd=%s\n' "$start" "$end" \
  "$((after - before))" "$server_cpu" "$servers" "$rc" "${cmd// /_}" >>"$log"
exit "$rc"
