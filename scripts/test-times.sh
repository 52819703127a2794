#!/usr/bin/env bash
# Measures, package by package and one at a time, what "go test" spends
# compiling and linking a test binary and running it. Prints a TSV row per
# package: wall and CPU seconds (user+sys, children included) of each step.
# Packages named in RACE_PKGS (import paths, space-separated, as in the
# Makefile) are built and run with -race, the others without.
#   RACE_PKGS="$(make -s print-race-pkgs)" scripts/test-times.sh [PACKAGE...]
# Run it twice to see warm-cache figures: the first run also compiles whatever
# the build cache lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
race=" ${RACE_PKGS:-} "
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'package\trace\tcompile_wall\tcompile_cpu\trun_wall\trun_cpu\tlinks_duckdb\tresult\n'
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for pkg in $(go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' "${@:-./...}"); do
  flags=() r=no
  case "$race" in *" $pkg "*) flags=(-race) r=yes ;; esac
  duck=no
  go list -test -deps "$pkg" | grep -c 'duckdb-go-bindings$' >/dev/null && duck=yes
  /usr/bin/time -f '%e %U %S' -o "$tmp/c" go test "${flags[@]}" -c -o "$tmp/p.test" "$pkg" >/dev/null 2>&1 || true
  result=ok
  /usr/bin/time -f '%e %U %S' -o "$tmp/r" go test "${flags[@]}" -count=1 "$pkg" >"$tmp/out" 2>&1 || { result=FAIL; cat "$tmp/out" >&2; }
  tail -n1 "$tmp/c" >"$tmp/c1"; tail -n1 "$tmp/r" >"$tmp/r1"
  read -r cw cu cs <"$tmp/c1"
  read -r rw ru rs <"$tmp/r1"
  printf '%s\t%s\t%s\t%.1f\t%s\t%.1f\t%s\t%s\n' "${pkg#github.com/llmcost/llmcost/}" "$r" "$cw" "$(echo "$cu + $cs" | bc)" \
    "$rw" "$(echo "$ru + $rs" | bc)" "$duck" "$result"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
