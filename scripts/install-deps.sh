#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages fieldbrief needs and that are missing:
#   build: gcc, pkg-config and the X11/OpenGL headers for Fyne's cgo build;
#   tests: Xvfb, xdotool, xwd and ImageMagick (real-window tests and screenshots),
#          poppler-utils and qpdf (PDF checks), CUPS with the cups-pdf
#          printer (printing), Node.js and npm (a standard tus client
#          uploads to the portal), python3-openpyxl (reads the exported
#          spreadsheets back with a second implementation).
# Says what it installs; does nothing when everything is there.
set -euo pipefail

packages=(gcc pkg-config libgl1-mesa-dev xorg-dev libxkbcommon-dev
          xvfb xauth xdotool x11-utils x11-apps imagemagick poppler-utils qpdf
          cups cups-client printer-driver-cups-pdf
          python3-openpyxl)

# Node.js and npm run a standard tus client against the portal in the tests.
# Many machines have them from elsewhere (nodesource, nvm), where Debian's
# npm package would conflict: ask for Debian's only when the commands are missing.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

# `install-deps.sh dist` adds what the release build needs: the mingw-w64
# cross-compiler for the Windows executable, and file and xz for checking
# and packing the results.
if [ "${1:-}" = "dist" ]; then
  packages+=(gcc-mingw-w64-x86-64 file xz-utils)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "fieldbrief needs these packages, and this is not a Debian/Ubuntu system: ${missing[*]}" >&2
  echo "Install their equivalents with your package manager, then run make again." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing system packages needed to build and test fieldbrief: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
