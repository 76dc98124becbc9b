#!/usr/bin/env bash
# bench/lib/annotate-cpu.sh TOOL_LOG
#
# Reads the merged stdout+stderr of a side script (the Kafka peer's perf.sh, or bench/sluice-perf.sh) and adds CPU
# figures to its result lines. Both scripts print "[hh:mm:ss] workload NAME: ..." just before a workload's tool starts
# and "workload=NAME ... status=S" after it has ended. The tool runs under bench/lib/measure-cpu.sh, which appends
# the tool's CPU and the servers' CPU during its run to TOOL_LOG when it ends, before the result line is printed. So
# the tool runs of a workload are those whose line in TOOL_LOG ended after its start line was read (the tools that
# run before it, such as topic creation, end before that line is printed, with a 3 s pause in between). The result
# line gets:
#   server_cpu_ms=<sum over those runs> client_cpu_ms=<sum over those runs> servers=<server processes>
#   tool_runs=<how many> window_ms=<start line to result line> load1=<1-minute load average at the end>
# with "na" where no run was measured (a tool killed with SIGKILL, a workload skipped) or a server died.
#
# Output: result lines and "# " comment lines on stdout (and on stderr for progress); every other line on stderr.
set -euo pipefail
# shellcheck source=proc-cpu.sh
source "$(dirname "${BASH_SOURCE[0]}")/proc-cpu.sh"

tool_log="${1:?usage: annotate-cpu.sh TOOL_LOG}"

# tool_runs_between <start_ms> <end_ms>: sets CLIENT, SERVER, SERVERS and RUNS from the tool runs that ended in
# (start, end].
tool_runs_between() {
  local lo="$1" hi="$2" tag kv end
  CLIENT=0 SERVER=0 SERVERS=0 RUNS=0
  if [[ -f "$tool_log" ]]; then
    while read -r tag kv; do
      [[ "$tag" == tool && "$kv" =~ end_ms=([0-9]+)\ cpu_ms=([0-9]+)\ server_cpu_ms=([0-9]+|na)\ servers=([0-9]+) ]] ||
        continue
      end="${BASH_REMATCH[1]}"
      ((end > lo && end <= hi)) || continue
      RUNS=$((RUNS + 1))
      CLIENT=$((CLIENT + BASH_REMATCH[2]))
      SERVERS="${BASH_REMATCH[4]}"
      if [[ "$SERVER" != na && "${BASH_REMATCH[3]}" != na ]]; then SERVER=$((SERVER + BASH_REMATCH[3])); else SERVER=na; fi
    done <"$tool_log"
  fi
  if ((RUNS == 0)); then CLIENT=na SERVER=na; fi
  return 0
}

declare -A window_start
start_re='^\[[0-9:]+\] workload ([A-Za-z0-9_]+):'
while IFS= read -r line; do
  if [[ "$line" =~ $start_re ]]; then
    now_ms; window_start[${BASH_REMATCH[1]}]="$REPLY"
    printf '%s\n' "$line" >&2
  elif [[ "$line" == workload=* ]]; then
    name="${line#workload=}"; name="${name%% *}"
    CLIENT=na SERVER=na SERVERS=0 RUNS=0 window=na
    if [[ -n "${window_start[$name]:-}" ]]; then
      now_ms
      tool_runs_between "${window_start[$name]}" "$REPLY"
      window=$((REPLY - window_start[$name]))
      unset "window_start[$name]"
    fi
    read -r load1 _ </proc/loadavg
    line+=" server_cpu_ms=$SERVER client_cpu_ms=$CLIENT servers=$SERVERS tool_runs=$RUNS window_ms=$window load1=$load1"
    printf '%s\n' "$line"
    printf '%s\n' "$line" >&2
  elif [[ "$line" == "# "* ]]; then
    printf '%s\n' "$line"
    printf '%s\n' "$line" >&2
  else
    printf '%s\n' "$line" >&2
  fi
done
