#!/usr/bin/env bash
# Measures, package by package and one at a time, what "go test" spends
# compiling and linking a test binary and running it. Prints a TSV row per
# package: wall and CPU seconds (user+sys, children included) of each step.
#   scripts/test-times.sh [go test flags...]      e.g. scripts/test-times.sh -race
# Run it twice to see warm-cache figures: the first run also compiles whatever
# the build cache lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=("$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'package\tcompile_wall\tcompile_cpu\trun_wall\trun_cpu\tlinks_duckdb\n'
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for pkg in $(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' ./...); do
  duck=no
  go list -test -deps "$pkg" | grep -q 'duckdb-go-bindings$' && duck=yes
  /usr/bin/time -f '%e %U %S' -o "$tmp/c" go test "${flags[@]}" -c -o "$tmp/p.test" "$pkg" >/dev/null
  /usr/bin/time -f '%e %U %S' -o "$tmp/r" go test "${flags[@]}" -count=1 "$pkg" >"$tmp/out" 2>&1 || { cat "$tmp/out" >&2; }
  read -r cw cu cs <"$tmp/c"
  read -r rw ru rs <"$tmp/r"
  printf '%s\t%s\t%.1f\t%s\t%.1f\t%s\n' "${pkg#github.com/llmcost/llmcost/}" "$cw" "$(echo "$cu + $cs" | bc)" "$rw" "$(echo "$ru + $rs" | bc)" "$duck"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
