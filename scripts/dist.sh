#!/usr/bin/env bash
# Builds the release files into dist/:
#   fieldbrief-<version>-windows-amd64.exe  Windows 64-bit, with icon and version info
#                                           (cross-compiled with mingw-w64)
#   fieldbrief-<version>-linux-amd64.tar.xz Linux package made by the fyne tool:
#                                           binary, .desktop file, icon, Makefile to install
#   fieldbrief-portal-<version>-linux-amd64 the reference portal, a static binary
#   fieldbrief-portal.service               its systemd unit (see README, "Running the portal")
# The version comes from git (the latest tag, or 0.0.0 and the commit count).
# It builds from a clean export of HEAD, so the work tree is never touched.
# The app's main package is cmd/fieldbrief; fyne package reads its
# FyneApp.toml there (--src) and leaves the .exe beside it, the .tar.xz here.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

fyne_tool="fyne.io/tools/cmd/fyne@v1.7.4"
tag=$(git describe --tags --abbrev=0 2>/dev/null || echo "v0.0.0")
version=${tag#v}
build=$(git rev-list --count HEAD)
describe=$(git describe --tags --always 2>/dev/null || echo dev)
ldflags="-X=fieldbrief/cli.Version=${describe}"

mkdir -p dist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive HEAD | tar -x -C "$work"
gobin="$work/.tools"
GOBIN="$gobin" go install "$fyne_tool"

echo "Building the Windows executable (version $version, build $build)…"
(cd "$work" && CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 GOFLAGS="-ldflags=$ldflags" \
  "$gobin/fyne" package --os windows --release --app-version "$version" --app-build "$build" --name fieldbrief --src cmd/fieldbrief)
cp "$work/cmd/fieldbrief/fieldbrief.exe" "dist/fieldbrief-${version}-windows-amd64.exe"

echo "Building the Linux package…"
(cd "$work" && GOFLAGS="-ldflags=$ldflags" \
  "$gobin/fyne" package --os linux --release --app-version "$version" --app-build "$build" --name fieldbrief --src cmd/fieldbrief)
cp "$work/fieldbrief.tar.xz" "dist/fieldbrief-${version}-linux-amd64.tar.xz"

if [ -d "$work/cmd/fieldbrief-portal" ]; then
  echo "Building the portal (static)…"
  (cd "$work" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${describe}" \
    -o "$root/dist/fieldbrief-portal-${version}-linux-amd64" ./cmd/fieldbrief-portal)
  cp "$work/scripts/systemd/fieldbrief-portal.service" "$root/dist/fieldbrief-portal.service"
fi

ls -l dist
