#!/usr/bin/env bash
# Prints the bytes each Go module (and the C/C++ linked through cgo) adds to a
# binary, from the symbol table of an unstripped build: code, read-only data and
# data; zero-initialised memory (.bss) takes no room in the file and is left out.
# Go's own tables (pclntab, func metadata) are not attributed to a module.
#   scripts/size-by-module.sh BINARY
set -euo pipefail
bin=${1:?usage: size-by-module.sh BINARY}
bss=$(readelf -SW "$bin" | awk '$2 == ".bss" {print $4}')
go version -m "$bin" | awk '$1 == "dep" || $1 == "=>" {print $2}' >"${TMPDIR:-/tmp}/mods.$$"
trap 'rm -f "${TMPDIR:-/tmp}/mods.$$"' EXIT
go tool nm -size "$bin" | awk -v bss="$bss" -v mods="${TMPDIR:-/tmp}/mods.$$" '
BEGIN {
	while ((getline m < mods) > 0) modlist[++n] = m
	bssaddr = pad(bss)
}
{
	addr = pad($1); size = $2; kind = $3; name = $4
	if (kind ~ /[bBU]/ || addr >= bssaddr || size == 0) next
	total += size
	s = name
	sub(/^(type:|go:itab\.|go:info\.|go:cuinfo\.)/, "", s)
	sub(/^\*+/, "", s)
	cut = match(s, /[\[\(]/); if (cut) s = substr(s, 1, cut - 1)
	if (name ~ /^go:/ || name ~ /^runtime\./ && size > 65536) { by["(Go tables)"] += size; next }
	if (s !~ /\./ || s ~ /^_Z/ || name ~ /^[A-Za-z_][A-Za-z0-9_]*$/) { by["(C/C++ via cgo: DuckDB, ICU…)"] += size; next }
	slash = 0; for (i = length(s); i > 0; i--) if (substr(s, i, 1) == "/") { slash = i; break }
	rest = substr(s, slash + 1); dot = index(rest, ".")
	pkg = dot ? substr(s, 1, slash + dot - 1) : s
	first = pkg; sub(/\/.*/, "", first)
	if (first !~ /\./) { by["(Go standard library)"] += size; next }
	best = ""
	for (i = 1; i <= n; i++) {
		m = modlist[i]
		if ((pkg == m || index(pkg, m "/") == 1) && length(m) > length(best)) best = m
	}
	if (best == "") best = "github.com/llmcost/llmcost"
	by[best] += size
}
function pad(h) { h = tolower(h); sub(/^0+/, "", h); while (length(h) < 16) h = "0" h; return h }
END {
	for (k in by) printf "%12d  %5.1f%%  %s\n", by[k], 100 * by[k] / total, k
	printf "%12d  100.0%%  (total attributed)\n", total
}' | sort -rn
