#!/usr/bin/env bash
# The portal's limits, measured (docs/decisions/0023):
#  1. peak RSS and /healthz of a real portal under the decompression-bomb
#     thumbnails, 10,000 slow connections and inflating gzip pushes
#     (BenchmarkPortalUnderAttack: fails past 512 MB or a 1 s health answer);
#  2. the 50-laptop sync (syncer BenchmarkFiftyLaptopsAtOnce: 50 laptops, 150
#     syncs at once) on this tree and on a base commit built in a temporary
#     git worktree, alternating, so both see the same machine load. Prints
#     each run's p50 and p99 and the medians side by side.
#   usage: scripts/bench-portal-limits.sh [base-commit] [rounds]   (default 0db7d75, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-0db7d75}
rounds=${2:-3}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git worktree add --detach "$work/base" "$base" >/dev/null 2>&1

echo "== portal under attack (this tree)"
go test -count=1 -run '^$' -bench PortalUnderAttack -benchtime 1x -v ./portal/server/ 2>&1 |
	grep -E 'Benchmark|attack |connections opened|bombs of|pulled|FAIL|ok ' || true

# fifty DIR: one run of the 50 laptops in DIR; prints "p50_ms p99_ms".
# Since issue 12 they are a benchmark (the test runs 15); older trees have
# TestFiftyLaptopsAtOnce.
fifty() {
	if grep -q 'func BenchmarkFiftyLaptopsAtOnce' "$1/syncer/load_test.go"; then
		(cd "$1" && go test -count=1 -run '^$' -bench '^BenchmarkFiftyLaptopsAtOnce$' -benchtime 1x ./syncer/ 2>&1) |
			awk '/^BenchmarkFiftyLaptopsAtOnce/ { for (i = 2; i < NF; i++) { if ($(i+1) == "p50-ms") p50 = $i; if ($(i+1) == "p99-ms") p99 = $i } print p50, p99; exit }'
		return
	fi
	(cd "$1" && go test -count=1 -run '^TestFiftyLaptopsAtOnce$' -v ./syncer/ 2>&1) |
		sed -n 's/.*p50 \([^,]*\), p99 \([^,]*\),.*/\1 \2/p' | head -1 |
		while read -r p50 p99; do echo "$(ms "$p50") $(ms "$p99")"; done
}

# ms DURATION: a Go duration (382ms, 1.32s) in milliseconds.
ms() {
	case $1 in
	*ms) echo "${1%ms}" ;;
	*s) awk -v s="${1%s}" 'BEGIN { printf "%.0f", s * 1000 }' ;;
	*) echo "$1" ;;
	esac
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "== 50 laptops at once: $base vs this tree, $rounds rounds"
: >"$work/base.txt"
: >"$work/head.txt"
for i in $(seq "$rounds"); do
	b=$(fifty "$work/base")
	h=$(fifty .)
	echo "round $i: $base p50/p99 ${b:-failed} ms | this tree ${h:-failed} ms"
	[ -n "$b" ] && echo "$b" >>"$work/base.txt"
	[ -n "$h" ] && echo "$h" >>"$work/head.txt"
done
for side in base head; do
	p50=$(cut -d' ' -f1 "$work/$side.txt" | median)
	p99=$(cut -d' ' -f2 "$work/$side.txt" | median)
	echo "median $side: p50 ${p50} ms, p99 ${p99} ms"
done
