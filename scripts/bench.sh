#!/usr/bin/env bash
# make bench: runs the benchmarks whose targets BENCHMARKS.md states, prints
# each figure beside its target, and exits 1 when one is missed. Not part of
# CI (the race detector and a shared runner make the figures meaningless);
# run it on a quiet machine before a release and after a change to storage,
# sync, photos or the screens' queries (README, "Benchmarks").
# Targets here and in BENCHMARKS.md change together.
#   usage: scripts/bench.sh [regexp]   (only the rows whose label matches)
set -uo pipefail
cd "$(dirname "$0")/.."
only=${1:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
missed=0

# run PKG BENCH BENCHTIME: runs one benchmark once and keeps its output.
run() {
	local file="$out/$(echo "$1 $2" | tr -c 'A-Za-z0-9' _)"
	if [ ! -f "$file" ]; then
		echo "… go test -run '^\$' -bench '$2' -benchtime $3 $1" >&2
		if ! go test -run '^$' -bench "$2" -benchtime "$3" -timeout 30m "$1" >"$file" 2>&1; then
			cat "$file" >&2
			echo "benchmark $2 in $1 failed" >&2
		fi
	fi
	echo "$file"
}

# check LABEL PKG BENCH BENCHTIME LINE UNIT OP TARGET: every result line of
# the benchmark matching LINE must have UNIT OP TARGET (OP is < or <=, or
# "reported": the benchmark fails itself when its claim does not hold).
check() {
	local label=$1 pkg=$2 bench=$3 benchtime=$4 line=$5 unit=$6 op=$7 target=$8
	if [ -n "$only" ] && ! [[ $label =~ $only ]]; then return; fi
	local file
	file=$(run "$pkg" "$bench" "$benchtime")
	local found=0
	while read -r name value; do
		found=1
		local ok
		ok=$(awk -v v="$value" -v t="$target" -v op="$op" 'BEGIN { print (op == "reported" || (op == "<" && v < t) || (op == "<=" && v <= t)) ? "ok" : "MISSED" }')
		printf '%-58s %12s %-12s target %s %s  %s\n' "$label ${name#Benchmark}" "$value" "$unit" "$op" "$target" "$ok"
		if [ "$ok" != ok ]; then missed=1; fi
	done < <(awk -v line="$line" -v unit="$unit" '$1 ~ line { for (i = 2; i < NF; i++) if ($(i+1) == unit) print $1, $i }' "$file")
	if [ "$found" = 0 ]; then
		printf '%-58s %12s %-12s target %s %s  %s\n' "$label" "—" "$unit" "$op" "$target" "NO FIGURE"
		missed=1
	fi
}

check "storage: save one answer vs bare bbolt" ./storage/ 'SaveAnswer$' 200x '^BenchmarkSaveAnswer' ratio '<=' 1.5
check "storage: dashboard, five-year store" ./storage/ 'Dashboard$' 20x '^BenchmarkDashboard' 5y-ms/op '<' 50
check "photo: process one 12 MP photo vs decode (CPU)" ./photo/ 'ProcessVsDecode' 2x '^BenchmarkProcessVsDecode/q85' process/decode-cpu '<=' 2
check "photo: import 100 vs read+decode (wall)" ./photo/ 'Import100' 2x '^BenchmarkImport100' import/decode '<=' 2
check "photo: import 100, peak RSS" ./photo/ 'Import100' 2x '^BenchmarkImport100' peak-RSS-MiB '<' 600
check "screens: five-year store" ./app/ 'BenchmarkScreens' 20x '^BenchmarkScreens/' ms/op '<' 100
check "sync: first sync through 2 MB/s, × bytes÷bandwidth" ./syncer/ 'FirstSyncThrottled' 1x '^BenchmarkFirstSyncThrottled' ×ideal '<=' 1.15
check "sync: fifty laptops at once, 150 syncs, p99" ./syncer/ 'FiftyLaptopsAtOnce' 1x '^BenchmarkFiftyLaptopsAtOnce' p99-ms reported "no-errors"

echo "Not checked here: start-up (make bench-startup, needs Xvfb); the brief's speed, whose target is"
echo "\"no slower than the previous release\", side by side (BENCHMARKS.md, \"PDF briefs\")."
if [ "$missed" != 0 ]; then
	echo "make bench: a target was missed (see above)." >&2
	exit 1
fi
echo "make bench: every target met."
