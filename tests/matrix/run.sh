#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build sip4xx and run its whole ctest suite against several Wireshark
# versions: 4.0 on the host (Debian 12), 4.4 in a Debian trixie chroot and
# 4.6 in a Debian sid chroot. See tests/matrix/README.md.
#
#   tests/matrix/run.sh [4.0|4.4|4.6|all]...     (default: all)
#
# Environment:
#   SIP4XX_MATRIX_CACHE   where the chroots live (default /var/cache/sip4xx-matrix)
#   SIP4XX_MATRIX_MIRROR  Debian mirror (default: the first active Debian URI
#                         of the host's apt sources that serves trixie, else
#                         http://deb.debian.org/debian)
#   SIP4XX_MATRIX_REFRESH=1  apt-get update/upgrade an existing chroot first
#   SIP4XX_MATRIX_CTEST_ARGS extra ctest arguments, e.g. "-LE fuzz" to leave
#                         out the fuzz-labelled tests (default: whole suite)
#
# Needs root (debootstrap, chroot, mounts). Exit status is non-zero when any
# version fails to configure/build, has a compiler warning, or fails a test.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${SIP4XX_MATRIX_CACHE:-/var/cache/sip4xx-matrix}
pkgs=(cmake make gcc pkgconf libglib2.0-dev wireshark-dev libwireshark-dev tshark python3 util-linux)
jobs=$(nproc)

die() { echo "matrix: $*" >&2; exit 2; }
log() { echo "matrix: $*" >&2; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap and chroot)"

suite_of() {
    case $1 in
        4.0) echo host ;;
        4.4) echo trixie ;;
        4.6) echo sid ;;
        *) die "unknown version '$1' (want 4.0, 4.4, 4.6 or all)" ;;
    esac
}

pick_mirror() {
    if [ -n "${SIP4XX_MATRIX_MIRROR:-}" ]; then echo "$SIP4XX_MATRIX_MIRROR"; return; fi
    # The host's active (uncommented) Debian sources, deb822 or one-line
    # style; the first one whose trixie Release answers wins.
    local u
    for u in $( { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | sed 's/^URIs://';
                  grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'; } \
                | tr ' ' '\n' | grep -E '/debian/?$' ) http://deb.debian.org/debian; do
        if curl -fsS -o /dev/null -m 20 "${u%/}/dists/trixie/InRelease" 2>/dev/null; then
            echo "${u%/}"; return
        fi
    done
    echo http://deb.debian.org/debian
}

# --- chroot lifecycle -------------------------------------------------------

# Every mount under the cache is ours: one run at a time holds $cache/.run.lock.
# Unmounting all of them (deepest first), not just the ones this run made,
# also clears mounts a killed run left behind, before anything is removed.
umount_under() {  # umount_under <dir>
    local m
    awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts | sort -r | while read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
}
cleanup() { [ -d "$cache" ] && umount_under "$cache"; return 0; }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

mount_in() {  # mount_in <root>
    local root=$1 m
    for m in proc dev dev/pts; do mkdir -p "$root/$m"; done
    mountpoint -q "$root/proc"    || mount -t proc proc "$root/proc"
    mountpoint -q "$root/dev"     || mount --bind /dev "$root/dev"
    mountpoint -q "$root/dev/pts" || mount --bind /dev/pts "$root/dev/pts"
}

in_root() {  # in_root <root> <command...>
    local root=$1; shift
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
        LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# Create (once) and return a chroot with the packages installed. Idempotent:
# a root is only used once its .ready stamp (listing the packages) exists;
# a half-made root (interrupted debootstrap) is removed and redone. A lock
# serialises concurrent runs on the same suite.
ensure_root() {  # ensure_root <suite>  -> prints root dir
    local suite=$1
    local dir="$cache/$suite"
    local root="$dir/root" stamp="$dir/.ready" want="${pkgs[*]}"
    mkdir -p "$dir"
    exec 9>"$dir/.lock"
    flock 9 || die "cannot lock $dir/.lock"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -z "${SIP4XX_MATRIX_REFRESH:-}" ]; then
        exec 9>&-; echo "$root"; return 0
    fi
    command -v debootstrap >/dev/null || {
        log "installing debootstrap on the host"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2 || die "no debootstrap"
    }
    local mirror; mirror=$(pick_mirror)
    if [ ! -f "$dir/.bootstrapped" ]; then
        umount_under "$root"
        rm -rf --one-file-system "$root"
        log "debootstrap $suite from $mirror into $root (once)"
        debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$dir/debootstrap.log" 2>&1 \
            || { tail -20 "$dir/debootstrap.log" >&2; die "debootstrap $suite failed (log: $dir/debootstrap.log)"; }
        touch "$dir/.bootstrapped"
    fi
    # sid (and snapshot mirrors) can carry an expired Release file.
    echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99sip4xx-matrix"
    echo 'APT::Install-Recommends "false";' >>"$root/etc/apt/apt.conf.d/99sip4xx-matrix"
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    mount_in "$root"
    log "installing packages in $suite: $want"
    { in_root "$root" apt-get update -q &&
      { [ -z "${SIP4XX_MATRIX_REFRESH:-}" ] || in_root "$root" apt-get -y -q upgrade; } &&
      in_root "$root" apt-get install -y -q "${pkgs[@]}" &&
      in_root "$root" apt-get clean; } >"$dir/apt.log" 2>&1 \
        || { cleanup; tail -20 "$dir/apt.log" >&2; die "apt-get in $suite failed (log: $dir/apt.log)"; }
    cleanup
    echo "$want" >"$stamp"
    exec 9>&-
    echo "$root"
}

# --- one version ------------------------------------------------------------

declare -A R_WS R_WARN R_PASS R_FAIL R_SECS R_SETUP R_STATUS

# run_version <ver>: configure with -Werror, build with -k (so every warning
# is seen), run the whole ctest suite. On the host for 4.0, in the suite's
# chroot otherwise, always from the same snapshot of the work tree.
run_version() {
    local ver=$1 suite root="" src build logdir t0 rc=0
    suite=$(suite_of "$ver")
    logdir="$cache/logs/$ver"
    rm -rf "$logdir"; mkdir -p "$logdir"
    R_WS[$ver]="?"; R_WARN[$ver]="?"; R_PASS[$ver]=0; R_FAIL[$ver]=0; R_SECS[$ver]=0; R_SETUP[$ver]=0; R_STATUS[$ver]="FAIL"

    t0=$(date +%s)
    if [ "$suite" = host ]; then
        "$top/tests/deps.sh" >"$logdir/deps.log" 2>&1 || { log "$ver: tests/deps.sh failed (see $logdir/deps.log)"; return 1; }
        src=$snap; build="$cache/host/build"
        mkdir -p "$cache/host"
        run() { ( cd / && /usr/bin/env LC_ALL=C.UTF-8 "$@" ); }
    else
        root=$(ensure_root "$suite") || return 1
        mount_in "$root"
        # The source is copied, not bind-mounted: the chroot's build can
        # then never write into the repository.
        rm -rf --one-file-system "$root/src/sip4xx" "$root/build/sip4xx"
        mkdir -p "$root/src" "$root/build"
        cp -a "$snap" "$root/src/sip4xx"
        src=/src/sip4xx; build=/build/sip4xx
        run() { in_root "$root" "$@"; }
    fi
    rm -rf "${root}${build}"
    R_SETUP[$ver]=$(( $(date +%s) - t0 ))
    R_WS[$ver]=$(run tshark --version 2>/dev/null | head -1 | sed -E 's/^TShark \(Wireshark\) //; s/[ (].*//; s/\.$//')

    t0=$(date +%s)
    log "$ver ($suite): Wireshark ${R_WS[$ver]}: configure + build"
    if ! run cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS=-Werror \
            >"$logdir/configure.log" 2>&1; then
        log "$ver: configure failed:"; tail -25 "$logdir/configure.log" >&2; rc=1
    else
        run cmake --build "$build" -j"$jobs" -- -k >"$logdir/build.log" 2>&1 || rc=1
        # Diagnostics located in the project's own files (with -Werror a
        # warning is printed as "error: ... [-Werror=...]").
        R_WARN[$ver]=$(grep -E "^$src/[^:]+:[0-9]+:[0-9]+: (warning|error): " "$logdir/build.log" \
                       | grep -cE 'warning: |\[-Werror' || true)
        if [ $rc -ne 0 ]; then
            log "$ver: build failed:"
            grep -E ': (warning|error): |Error [0-9]|undefined reference' "$logdir/build.log" | head -30 >&2
        fi
        log "$ver ($suite): ctest"
        run ctest --test-dir "$build" --output-on-failure -j"$jobs" --timeout 900 \
            ${SIP4XX_MATRIX_CTEST_ARGS:-} >"$logdir/ctest.log" 2>&1 || rc=1
        local line
        line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$logdir/ctest.log" | tail -1)
        if [ -n "$line" ]; then
            local failed total
            failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
            total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
            R_FAIL[$ver]=$failed; R_PASS[$ver]=$((total - failed))
        else
            rc=1
        fi
        if grep -q 'The following tests FAILED' "$logdir/ctest.log"; then
            log "$ver: failing tests:"; sed -n '/The following tests FAILED/,$p' "$logdir/ctest.log" | head -40 >&2
        fi
    fi
    R_SECS[$ver]=$(( $(date +%s) - t0 ))
    [ "$suite" = host ] || cleanup
    [ "${R_WARN[$ver]}" = 0 ] || rc=1
    [ $rc -eq 0 ] && R_STATUS[$ver]="ok"
    log "$ver: ${R_STATUS[$ver]} (logs: $logdir)"
    return $rc
}

# --- main -------------------------------------------------------------------

versions=()
for a in "${@:-all}"; do
    case $a in
        all) versions+=(4.0 4.4 4.6) ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) suite_of "$a" >/dev/null; versions+=("$a") ;;
    esac
done

mkdir -p "$cache"
exec 8>"$cache/.run.lock"
flock -n 8 || { log "another matrix run holds $cache/.run.lock; waiting"; flock 8; }
# One snapshot of the work tree for every version (other people may be
# editing it meanwhile); build directories and .git are left out.
snap=$(mktemp -d "${TMPDIR:-/tmp}/sip4xx-matrix-src.XXXXXX")
trap 'cleanup; rm -rf "$snap"' EXIT
tar -C "$top" --exclude=./.git --exclude='./build' --exclude='./build-*' --exclude='__pycache__' -cf - . \
    | tar -C "$snap" -xf - || die "cannot snapshot $top"
chmod 755 "$snap"

n_ok=0; n_bad=0
for v in "${versions[@]}"; do
    if run_version "$v"; then n_ok=$((n_ok + 1)); else n_bad=$((n_bad + 1)); fi
done

# seconds: configure + build + ctest; setup: chroot creation/mount and copy
# (minutes the first time, about a second once cached).
printf '\n%-7s %-8s %-10s %8s %7s %7s %8s %6s  %s\n' version suite wireshark warnings passed failed seconds setup status
for v in "${versions[@]}"; do
    printf '%-7s %-8s %-10s %8s %7s %7s %8s %6s  %s\n' "$v" "$(suite_of "$v")" "${R_WS[$v]}" "${R_WARN[$v]}" \
        "${R_PASS[$v]}" "${R_FAIL[$v]}" "${R_SECS[$v]}" "${R_SETUP[$v]}" "${R_STATUS[$v]}"
done
echo "matrix: $n_ok passed, $n_bad failed"
[ $n_bad -eq 0 ]
