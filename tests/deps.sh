#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what building and testing sip4xx needs on Debian 12 (or later),
# and nothing when it is all there already. Needs root (or sudo) to install.
set -euo pipefail
pkgs=(cmake make gcc pkgconf libglib2.0-dev wireshark-dev libwireshark-dev tshark python3 util-linux parallel)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q "${missing[@]}"
