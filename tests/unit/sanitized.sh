#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The pure core's unit tests and the fuzz corpus replays again, built with
# AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer
# (-DSIP4XX_SANITIZE=ON) in their own build folder: a read out of bounds, a
# use after free, undefined behaviour or a leak in the core or in a test
# fails here, where the plain build would pass.
#   tests/unit/sanitized.sh BUILD_DIR
# Exit 77 (skipped) when the compiler has no ASan runtime.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: $0 BUILD_DIR}
shift
cc=${CC:-cc}
runtime=$("$cc" -print-file-name=libasan.so 2>/dev/null || true)
case "$runtime" in
    /*) [ -e "$runtime" ] || { echo "sanitized.sh: SKIP: no ASan runtime for $cc" >&2; exit 77; } ;;
    *) echo "sanitized.sh: SKIP: no ASan runtime for $cc" >&2; exit 77 ;;
esac
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$top" -B "$build" -DCMAKE_C_COMPILER="$cc" -DSIP4XX_SANITIZE=ON \
          -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
targets="test_parse test_spec test_checks test_txn test_sentences test_engine test_map fuzz_parse_replay fuzz_engine_replay"
# shellcheck disable=SC2086
for t in $targets; do set -- "$@" --target "$t"; done
cmake --build "$build" "$@" -j"$(nproc)" >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build" && ctest --output-on-failure -R '^unit/test_|^fuzz/(corpus|engine-corpus)-replay$'
