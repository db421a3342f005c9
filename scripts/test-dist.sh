#!/usr/bin/env bash
# Checks the release files that scripts/dist.sh made: the Windows executable
# is a 64-bit PE for x86-64, and the Linux package, unpacked into a clean
# folder, starts and draws its window under Xvfb (the e2e window test run
# against the packaged binary).
set -euo pipefail
cd "$(dirname "$0")/.."
exe=$(ls dist/fieldbrief-*-windows-amd64.exe | tail -1)
pkg=$(ls dist/fieldbrief-*-linux-amd64.tar.xz | tail -1)
portal=$(ls dist/fieldbrief-portal-*-linux-amd64 | tail -1)

kind=$(file -b "$exe")
echo "$exe: $kind"
case "$kind" in
  PE32+\ executable*x86-64*) ;;
  *) echo "FAIL: the Windows build is not a PE32+ x86-64 executable" >&2; exit 1 ;;
esac
# Four embedded font faces grow the binary; the .exe is copied to inspectors'
# laptops from USB sticks and mail, so it stays under 90 MB (issue 15).
size=$(stat -c %s "$exe")
echo "$exe: $((size / 1024 / 1024)) MiB"
if [ "$size" -ge $((90 * 1000 * 1000)) ]; then
  echo "FAIL: the Windows executable is $size bytes, over 90 MB" >&2; exit 1
fi

kind=$(file -b "$portal")
echo "$portal: $kind"
case "$kind" in
  *statically\ linked*) ;;
  *) echo "FAIL: the portal is not a static binary" >&2; exit 1 ;;
esac
grep -q '^ExecStart=.*fieldbrief-portal serve' dist/fieldbrief-portal.service ||
  { echo "FAIL: dist/fieldbrief-portal.service is missing or does not start the portal" >&2; exit 1; }

clean=$(mktemp -d)
trap 'rm -rf "$clean"' EXIT
tar -xJf "$pkg" -C "$clean"
bin=$(find "$clean" -path '*/bin/fieldbrief' -type f | head -1)
desktop=$(find "$clean" -name '*.desktop' | head -1)
[ -x "$bin" ] || { echo "FAIL: no executable fieldbrief in $pkg" >&2; exit 1; }
[ -n "$desktop" ] || { echo "FAIL: no .desktop file in $pkg" >&2; exit 1; }
echo "unpacked $pkg: $(cd "$clean" && find . -type f | sort | tr '\n' ' ')"
"$bin" --version
FIELDBRIEF_BINARY="$bin" go test -count=1 -run 'TestRealWindow|TestDemoProjectsCheck' ./e2e/
echo "dist-test: passed"
