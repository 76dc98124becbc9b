# deploy/k8s/test/lib/checks.sh: sourced by the test scripts. Records named checks and prints the summary.

K8S_CHECKS_PASSED=0
K8S_CHECKS_FAILED=()

pass() {
  K8S_CHECKS_PASSED=$((K8S_CHECKS_PASSED + 1))
  printf 'PASS  %s\n' "$*"
}

fail() {
  K8S_CHECKS_FAILED+=("$1")
  printf 'FAIL  %s\n' "$*"
}

# check NAME EXPECTED ACTUAL: passes when they are equal.
check_eq() {
  if [[ "$2" == "$3" ]]; then pass "$1 ($3)"; else fail "$1: expected '$2', got '$3'"; fi
}

# summary SCRIPT STARTED_EPOCH: the verdict line; returns non-zero when a check failed or none ran.
summary() {
  local name="$1" started="$2" total elapsed
  total=$((K8S_CHECKS_PASSED + ${#K8S_CHECKS_FAILED[@]}))
  elapsed=$(($(date +%s) - started))
  echo
  if ((${#K8S_CHECKS_FAILED[@]} == 0 && total > 0)); then
    printf '%s: PASS (%d checks, %d s)\n' "$name" "$total" "$elapsed"
    return 0
  fi
  printf '%s: FAIL (%d of %d checks failed, %d s)\n' "$name" "${#K8S_CHECKS_FAILED[@]}" "$total" "$elapsed"
  local f
  for f in "${K8S_CHECKS_FAILED[@]}"; do printf '  failed: %s\n' "$f"; done
  return 1
}
