# shellcheck shell=bash
# CPU time of processes from /proc/<pid>/stat, for the bench scripts. Sourced, not executed. The functions return
# their result in REPLY and fork nothing, so calling them costs no measurable CPU themselves.
#
# /proc/<pid>/stat fields (proc(5)): 14 utime, 15 stime (this process, all its threads), 16 cutime, 17 cstime (its
# children that it has waited for, including their own waited-for children), in clock ticks of 1/CLK_TCK s (100 on
# Linux). Field 2 (comm) may contain spaces and parentheses, so the fields are counted after its last ')'.

PROC_CPU_TICK_MS="${PROC_CPU_TICK_MS:-$((1000 / $(getconf CLK_TCK 2>/dev/null || echo 100)))}"
export PROC_CPU_TICK_MS

# proc_cpu_ms <pid> <self|children>: REPLY = the process's own CPU ms (utime+stime) or that of its reaped children
# (cutime+cstime); fails (REPLY empty) if the process is gone.
proc_cpu_ms() {
  local stat
  REPLY=""
  { IFS= read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  local -a f
  read -r -a f <<<"${stat##*) }" # f[0] is field 3 (state), so field N is f[N-3]
  if [[ "$2" == children ]]; then
    REPLY=$(((f[13] + f[14]) * PROC_CPU_TICK_MS))
  else
    REPLY=$(((f[11] + f[12]) * PROC_CPU_TICK_MS))
  fi
}

# proc_cpu_sum_ms <pid>...: REPLY = own CPU ms summed over the given processes; PROC_CPU_ALIVE = how many were alive.
proc_cpu_sum_ms() {
  local pid sum=0
  PROC_CPU_ALIVE=0
  for pid in "$@"; do
    if proc_cpu_ms "$pid" self; then
      sum=$((sum + REPLY))
      PROC_CPU_ALIVE=$((PROC_CPU_ALIVE + 1))
    fi
  done
  REPLY="$sum"
}

# now_ms: REPLY = wall clock in ms, from bash's EPOCHREALTIME (no fork).
now_ms() {
  local t="${EPOCHREALTIME/[.,]/}"
  REPLY=$((10#$t / 1000))
}

# pids_from_file <file>: REPLY = the pids listed in a pid file: either a line of space-separated pids (what
# bench/lib/sluice-cluster.sh writes to BENCH_SERVER_PID_FILE) or the Kafka peer's state file (PEER_PIDS="...").
# Empty if the file is missing or lists none.
pids_from_file() {
  local line
  REPLY=""
  [[ -n "$1" && -f "$1" ]] || return 0
  while IFS= read -r line; do
    if [[ "$line" =~ ^PEER_PIDS=\"?([0-9\ ]*)\"?$ || "$line" =~ ^([0-9][0-9\ ]*)$ ]]; then
      REPLY="${BASH_REMATCH[1]}"
    fi
  done <"$1"
}
