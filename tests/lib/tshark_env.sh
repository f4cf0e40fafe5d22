# SPDX-License-Identifier: GPL-2.0-or-later
# The one way the shell scripts of tests/ run tshark (or Wireshark, or a
# wrapper such as valgrind) with a plugin folder; the Python tests use
# tests/lib/tshark_env.py, the same setup. Source it:
#
#   . "$top/tests/lib/tshark_env.sh"
#   tshark_env_home "$home" "$build/plugins"
#   tshark_env_run "$home" "$home/plugins" [NAME=VALUE...] tshark -n -r "$cap"
#
# tshark as root ignores WIRESHARK_PLUGIN_DIR and the personal plugin
# folder (STYLE.md pitfall 6), so when we are root the command runs as
# uid/gid 65534 with no supplementary groups (setpriv). Always in a private
# HOME, with nothing of the caller's environment: only PATH=/usr/bin:/bin,
# HOME, TZ=UTC, LC_ALL=C.UTF-8, WIRESHARK_PLUGIN_DIR, WIRESHARK_EXTCAP_DIR
# (HOME/extcap, empty: tshark probes no capture helper), plus the NAME=VALUE
# words given before the command. Files the command reads must be readable
# by that user: copy them into HOME (a clone under /root is not).
#
# POSIX sh: sourced by bash and dash scripts alike.

TSHARK_ENV_UID=65534

# tshark_env_as_user COMMAND [ARG...]: COMMAND as uid/gid 65534 when we are
# root, as ourselves otherwise.
tshark_env_as_user() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=$TSHARK_ENV_UID --regid=$TSHARK_ENV_UID --clear-groups "$@"
    else
        "$@"
    fi
}

# tshark_env_home DIR PLUGINS: DIR (made if missing) as a private HOME: an
# empty DIR/extcap and DIR/plugins, a copy of the plugin folder PLUGINS (the
# layout WIRESHARK_PLUGIN_DIR expects: <dir>/<major>.<minor>/epan/), all of
# it open to the user the command runs as (chmod -R a+rwX).
tshark_env_home() {
    mkdir -p "$1/extcap" &&
    cp -r "$2" "$1/plugins" &&
    chmod -R a+rwX "$1"
}

# tshark_env_run HOME PLUGIN_DIR [NAME=VALUE...] COMMAND [ARG...]: run
# COMMAND in that environment (see above); its exit status.
tshark_env_run() {
    _tshark_env "" "$@"
}

# tshark_env_exec: the same, replacing the shell (in a ( ... ) & subshell,
# $! is then the process itself).
tshark_env_exec() {
    _tshark_env exec "$@"
}

_tshark_env() {
    _tshark_env_exec=$1 _tshark_env_home=$2 _tshark_env_plugins=$3
    shift 3
    set -- env -i PATH=/usr/bin:/bin HOME="$_tshark_env_home" TZ=UTC LC_ALL=C.UTF-8 \
        WIRESHARK_PLUGIN_DIR="$_tshark_env_plugins" WIRESHARK_EXTCAP_DIR="$_tshark_env_home/extcap" "$@"
    if [ "$(id -u)" = 0 ]; then
        set -- setpriv --reuid=$TSHARK_ENV_UID --regid=$TSHARK_ENV_UID --clear-groups "$@"
    fi
    $_tshark_env_exec "$@"
}

# tshark_env_lists_sip4xx: the plugin check. True when the `tshark -G
# plugins` output on stdin lists sip4xx.so.
tshark_env_lists_sip4xx() {
    grep -q '^sip4xx\.so[[:space:]]'
}
