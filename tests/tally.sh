# tally.sh — sourced by tests/run_all.sh and tests/tsan_check.sh.
# tally FILE NAME STATUS adds the counts of the last `N passed, N failed` line
# of FILE (the output of the test NAME, which exited with STATUS) to
# total_pass / total_fail; a missing summary line, or a nonzero status with no
# failed check, counts as one more failure.
tally() {
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -1)
  if [ -z "$line" ]; then
    echo "FAIL: $2 printed no summary line (exit status $3)"
    total_fail=$((total_fail + 1))
    return
  fi
  p=$(echo "$line" | cut -d' ' -f1)
  f=$(echo "$line" | cut -d' ' -f3)
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
  if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "FAIL: $2 exited with status $3"
    total_fail=$((total_fail + 1))
  fi
}
