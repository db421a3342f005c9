#!/usr/bin/env bash
# Start-up benchmark: time from launching fieldbrief to its window being
# visible and drawn under Xvfb, on an empty data folder and on a store with
# five years of history (20 projects × 60 visits), alternating in one run.
# Prints per-run times, the medians and their ratio (target: the five-year
# store adds less than 20 %). It then closes the window with Ctrl+Q and
# times that too, until the process has exited (quitting waits for the
# window's work and the preferences; decision 0019).
#   usage: scripts/bench-startup.sh [rounds]   (default 7)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
bin=$(mktemp -d)/fieldbrief
go build -o "$bin" ./cmd/fieldbrief
work=$(mktemp -d)
trap 'kill "${xvfb_pid:-}" 2>/dev/null || true; rm -rf "$work" "$(dirname "$bin")"' EXIT
"$bin" demo --data "$work/five" --months 60 >/dev/null

# Xvfb picks a free display number itself and writes it to fd 3 when ready;
# it is stopped with SIGTERM (the trap) so it removes its socket and lock.
Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 200); do [ -s "$work/display" ] && break; sleep 0.05; done
[ -s "$work/display" ] || { echo "Xvfb did not start" >&2; exit 1; }
export DISPLAY=:$(tr -d '[:space:]' <"$work/display") FYNE_SCALE=1
# The app's settings go to the scratch folder, not the user's.
export XDG_CONFIG_HOME="$work/config"

# launch DATA: prints milliseconds until the window is visible and its
# pixels are no longer uniform (the first frame with content), then the
# milliseconds from Ctrl+Q to the process's exit.
launch() {
  local data=$1 start end id
  start=$(date +%s%N)
  "$bin" --data "$data" >/dev/null 2>&1 &
  local pid=$!
  id=""
  local deadline=$(( $(date +%s) + 30 ))
  while [ -z "$id" ]; do
    id=$(xdotool search --onlyvisible --name "重点项目督查" 2>/dev/null | head -1 || true)
    [ -n "$id" ] || sleep 0.01
    if ! kill -0 "$pid" 2>/dev/null || [ "$(date +%s)" -gt "$deadline" ]; then
      echo "fieldbrief did not show its window within 30 s" >&2; kill "$pid" 2>/dev/null; exit 1
    fi
  done
  # Drawn: the window shows more than one colour.
  while [ "$(import -window "$id" -format '%k' info: 2>/dev/null || echo 1)" -le 1 ]; do
    sleep 0.01
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "fieldbrief's window stayed blank for 30 s" >&2; kill "$pid" 2>/dev/null; exit 1
    fi
  done
  end=$(date +%s%N)
  xdotool windowfocus --sync "$id"
  local quit=$(date +%s%N)
  xdotool key ctrl+q
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.005
    if [ "$(date +%s)" -gt $(( deadline + 10 )) ]; then
      echo "fieldbrief did not quit on Ctrl+Q" >&2; kill "$pid"; exit 1
    fi
  done
  local gone=$(date +%s%N)
  wait "$pid" 2>/dev/null || { echo "fieldbrief exited with an error on Ctrl+Q" >&2; exit 1; }
  echo "$(( (end - start) / 1000000 )) $(( (gone - quit) / 1000000 ))"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

empty_times=(); five_times=(); quit_times=()
for r in $(seq "$rounds"); do
  rm -rf "$work/empty"; mkdir -p "$work/empty"
  read -r e qe < <(launch "$work/empty"); read -r f qf < <(launch "$work/five")
  [ -n "${qe:-}" ] && [ -n "${qf:-}" ] || { echo "a launch failed (see above)" >&2; exit 1; }
  empty_times+=("$e"); five_times+=("$f"); quit_times+=("$qe" "$qf")
  echo "round $r: empty ${e} ms, five-year ${f} ms; quit ${qe} ms, ${qf} ms"
done
me=$(printf '%s\n' "${empty_times[@]}" | median)
mf=$(printf '%s\n' "${five_times[@]}" | median)
mq=$(printf '%s\n' "${quit_times[@]}" | median)
echo "median: empty ${me} ms, five-year ${mf} ms, ratio $(awk -v a="$mf" -v b="$me" 'BEGIN{printf "%.2f", a/b}'); quit ${mq} ms"
