#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite: install what is missing, build, run ctest
# (unit tests of the core and capture regressions through tshark).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/tests/deps.sh"
build=${SIP4XX_BUILD_DIR:-$top/build}
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "$@"
