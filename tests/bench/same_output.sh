#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Does a change to the plugin leave what tshark prints untouched? Runs the
# same tshark commands with two plugin folders (a build before the change,
# one after) on the bench slice and compares the outputs byte for byte.
# Optimisations must pass it: faster, never different.
#
# usage: tests/bench/same_output.sh BEFORE_PLUGINS AFTER_PLUGINS [CAPTURE]
#   BEFORE_PLUGINS, AFTER_PLUGINS  plugin folders (<dir>/4.0/epan/sip4xx.so),
#                                  e.g. a copy of build/plugins made before
#                                  the change, and build/plugins
#   CAPTURE   default: the first FRAMES frames of
#             /var/cache/sip4xx-bench/sip-300k.pcapng (make_captures.sh)
# Environment: FRAMES (20000), MODES (default "-n -V|-n -2 -V|-n -T fields
# -e sip4xx.cause -e sip4xx.reaction.text -e sip4xx.response_in"): the tshark
# arguments of each comparison, separated by '|'.
# Exit status 0 when every output is the same, 1 otherwise (the first lines
# of the difference on stderr).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/tests/lib/tshark_env.sh"

[[ $# -ge 2 ]] || { echo "usage: $0 BEFORE_PLUGINS AFTER_PLUGINS [CAPTURE]" >&2; exit 2; }
BEFORE=$1 AFTER=$2
FRAMES=${FRAMES:-20000}
MODES=${MODES:--n -V|-n -2 -V|-n -T fields -e frame.number -e sip4xx.cause -e sip4xx.reaction.text -e sip4xx.response_in}

W=$(mktemp -d /tmp/sip4xx-same.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/before" "$W/after"
chmod 755 "$W"   # readable by the user tshark runs as (tshark_env.sh)
tshark_env_home "$W/before" "$BEFORE"
tshark_env_home "$W/after" "$AFTER"
if [[ $# -ge 3 ]]; then
	cp "$3" "$W/capture"
else
	editcap -r /var/cache/sip4xx-bench/sip-300k.pcapng "$W/capture" "1-$FRAMES"
fi
chmod 644 "$W/capture"

for side in before after; do
	tshark_env_run "$W/$side" "$W/$side/plugins" tshark -G plugins | tshark_env_lists_sip4xx ||
		{ echo "same_output: tshark does not load sip4xx from the $side folder" >&2; exit 2; }
done

status=0
IFS='|' read -r -a modes <<<"$MODES"
for args in "${modes[@]}"; do
	for side in before after; do
		# shellcheck disable=SC2086
		tshark_env_run "$W/$side" "$W/$side/plugins" tshark $args -r "$W/capture" >"$W/$side.out" 2>"$W/$side.err"
	done
	if cmp -s "$W/before.out" "$W/after.out" && cmp -s "$W/before.err" "$W/after.err"; then
		echo "same: tshark $args ($(wc -c <"$W/after.out") bytes)"
	else
		echo "DIFFERENT: tshark $args" >&2
		diff "$W/before.out" "$W/after.out" | head -40 >&2 || true
		diff "$W/before.err" "$W/after.err" | head -10 >&2 || true
		status=1
	fi
done
exit $status
