#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the STOCK tshark with an AddressSanitizer + UBSan build of sip4xx:
#   tests/fuzz/asan_tshark.sh [tshark arguments...]
#   tests/fuzz/asan_tshark.sh --build      (only build the plugin, then exit)
#
# - builds the plugin with -DSIP4XX_SANITIZE=ON into $SIP4XX_ASAN_BUILD
#   (default <repo>/build-asan), with $SIP4XX_ASAN_CC (default gcc; clang
#   also works) — the compiler whose ASan runtime is preloaded;
# - preloads that runtime into tshark alone (a global preload makes
#   editcap/capinfos/extcap helpers hang at exit);
# - runs tshark as uid 65534 when we are root (root's tshark ignores
#   WIRESHARK_PLUGIN_DIR), in a private HOME holding a copy of the plugin
#   (tests/lib/tshark_env.sh); file arguments that user cannot read are
#   copied there too;
# - wmem allocations through malloc, where ASan sees each one, chosen by
#   SIP4XX_ASAN_WMEM (see below), WIRESHARK_ABORT_ON_DISSECTOR_BUG=1, an
#   empty extcap folder;
# - sanitizer errors are fatal and written to $SIP4XX_SAN_LOG_DIR
#   (default /tmp/sip4xx-sanitizer-logs), and copied to stderr.
#
# Exit status: tshark's; 86 when tshark exited 0 but a sanitizer wrote a
# report; 77 when no ASan runtime is installed (ctest SKIP_RETURN_CODE).
# SIP4XX_ASAN_SKIP_BUILD=1 skips the incremental rebuild (mutate.sh builds
# once, then runs tshark thousands of times).
#
# SIP4XX_ASAN_WMEM picks Wireshark's memory allocator (wsutil/wmem/, set
# through WIRESHARK_DEBUG_WMEM_OVERRIDE, read once by wmem_init):
#   simple   (the default) every wmem allocation is its own malloc, so ASan
#            puts redzones around it and quarantines it when freed: an
#            overflow or a use after free inside file or packet scope is
#            reported with its stack. But wmem_free and wmem_realloc search
#            the scope's list of live blocks, from the newest back to the
#            block: freeing what expiry frees (blocks tens of seconds of
#            capture old) costs in proportion to what was allocated since.
#            Right for short mutation runs (a few thousand frames a file);
#            on long captures the state never expires at scale in
#            reasonable time.
#   strict   also one malloc per allocation (ASan's redzones and
#            quarantine), O(1) free (a doubly linked list). Inside each
#            malloc'd block: a 24-byte header and an 8-byte canary before
#            the data, an 8-byte canary after it, checked by an assertion
#            when the block is freed; so an overrun of 1-8 bytes past the
#            end (or 1-32 before the start) is not ASan's to see: a write
#            into a canary aborts at the free, one into the header breaks
#            the list, a read goes unseen. New memory is filled with 0xA1,
#            freed with 0x1A. For long runs that keep ASan's view of wmem.
#   default  no override: Wireshark's own block allocators (file scope
#            "block", 8 MB chunks; packet scope "block_fast", 2 MB) carve
#            what they malloc, so ASan sees nothing inside wmem; UBSan, and ASan on stack, globals and
#            plain malloc, still work. What users run: the long state
#            captures (tests/fuzz/long_run.sh).
# The first 60,000 / 120,000 frames of long_scanner.pcap
# (make_long_captures.py), -n, CPU time: default 4.5 / 11.0 s, strict
# 11.1 / 22.8 s, simple 30.9 / 90.9 s (tests/fuzz/README.md).
# (4.0 also reads "block" and "block_fast", the latter unreachable since
# wmem_init matches the prefix "block" first; neither helps ASan.)
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${SIP4XX_ASAN_BUILD:-$top/build-asan}
cc=${SIP4XX_ASAN_CC:-gcc}
tshark=${SIP4XX_TSHARK:-$(command -v tshark || true)}
logdir=${SIP4XX_SAN_LOG_DIR:-/tmp/sip4xx-sanitizer-logs}
. "$top/tests/lib/tshark_env.sh"

skip() { echo "asan_tshark.sh: SKIP: $*" >&2; exit 77; }

wmem=${SIP4XX_ASAN_WMEM:-simple}
case "$wmem" in
    simple|strict) wmem_env=(WIRESHARK_DEBUG_WMEM_OVERRIDE="$wmem") ;;
    default)       wmem_env=() ;;
    *) echo "asan_tshark.sh: SIP4XX_ASAN_WMEM=$wmem: expected simple, strict or default" >&2; exit 2 ;;
esac

command -v "$cc" >/dev/null 2>&1 || skip "compiler '$cc' not installed"
[ -n "$tshark" ] || skip "tshark not installed"
case "$("$cc" --version 2>/dev/null | head -1)" in
    *clang*) runtime=$("$cc" -print-file-name=libclang_rt.asan-x86_64.so) ;;
    *)       runtime=$("$cc" -print-file-name=libasan.so) ;;
esac
# -print-file-name echoes the bare name back when the file is not found.
[ -e "$runtime" ] || skip "no ASan runtime for $cc (install libclang-rt-14-dev for clang, libasan8 for gcc)"
runtime=$(readlink -f "$runtime")

build_plugin() {
    if [ ! -f "$build/CMakeCache.txt" ]; then
        cmake -S "$top" -B "$build" -DCMAKE_C_COMPILER="$cc" -DSIP4XX_SANITIZE=ON \
              -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null || return 1
    fi
    local cached
    cached=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")
    if [ "$(readlink -f "$(command -v "$cc")")" != "$(readlink -f "$(command -v "$cached" || echo "$cached")")" ]; then
        echo "asan_tshark.sh: $build was configured with $cached, not $cc: remove it or set SIP4XX_ASAN_BUILD" >&2
        return 1
    fi
    cmake --build "$build" --target sip4xx -j"$(nproc)" >/dev/null || {
        cmake --build "$build" --target sip4xx 2>&1 | tail -20 >&2; return 1; }
}

if [ "${1:-}" = "--build" ]; then
    build_plugin || exit 1
    echo "sip4xx ASan build: $(ls "$build"/plugins/*/epan/sip4xx.so); runtime: $runtime"
    exit 0
fi
if [ "${SIP4XX_ASAN_SKIP_BUILD:-0}" != 1 ]; then
    build_plugin || exit 1
fi
[ -d "$build/plugins" ] || { echo "asan_tshark.sh: no plugin in $build/plugins" >&2; exit 1; }

home=$(mktemp -d /tmp/sip4xx-asan-home.XXXXXX)
trap 'rm -rf "$home"' EXIT
mkdir -p "$logdir"
chmod 1777 "$logdir" 2>/dev/null || true
tshark_env_home "$home" "$build/plugins"

# Arguments naming files the unprivileged user cannot read: use a copy.
args=()
for a in "$@"; do
    if [ -f "$a" ] && [ "$(id -u)" = 0 ] && ! tshark_env_as_user test -r "$a" 2>/dev/null; then
        cp "$a" "$home/" && chmod a+r "$home/$(basename "$a")"
        a="$home/$(basename "$a")"
    fi
    args+=("$a")
done

tag="sip4xx.$$"
san_common="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$logdir/$tag"

# Wireshark 4.4+ leaks in its own code (lsan-wireshark.supp says where).
# Matching a suppression needs full malloc stacks: fast unwinding stops at
# g_malloc. Only there, since it slows every allocation down.
asan_extra=""
lsan_extra=""
ws_minor=$("$tshark" --version 2>/dev/null | sed -n '1s/.* \([0-9]*\)\.\([0-9]*\)\.[0-9]*.*/\1\2/p')
if [ -n "$ws_minor" ] && [ "$ws_minor" -ge 44 ]; then
    cp "$(dirname "$0")/lsan-wireshark.supp" "$home/lsan.supp" && chmod a+r "$home/lsan.supp"
    asan_extra=":fast_unwind_on_malloc=0"
    lsan_extra=":suppressions=$home/lsan.supp"
fi
tshark_env_run "$home" "$home/plugins" \
    ${wmem_env[@]+"${wmem_env[@]}"} \
    WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 \
    ASAN_OPTIONS="$san_common:detect_leaks=${SIP4XX_DETECT_LEAKS:-1}:detect_stack_use_after_return=1:check_initialization_order=1:strict_string_checks=1$asan_extra" \
    UBSAN_OPTIONS="$san_common" \
    LSAN_OPTIONS="$san_common$lsan_extra" \
    LD_PRELOAD="$runtime" \
    "$tshark" "${args[@]}"
rc=$?

shopt -s nullglob
reports=("$logdir/$tag".*)
if [ ${#reports[@]} -gt 0 ]; then
    for r in "${reports[@]}"; do
        echo "==== sanitizer report $r ====" >&2
        cat "$r" >&2
    done
    [ $rc -eq 0 ] && rc=86
fi
exit $rc
