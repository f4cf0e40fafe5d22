# SPDX-License-Identifier: GPL-2.0-or-later
"""The one way the Python tests run tshark with a plugin folder (the shell
scripts: tests/lib/tshark_env.sh, the same setup).

tshark as root ignores WIRESHARK_PLUGIN_DIR and the personal plugin folder
(STYLE.md pitfall 6), so when we are root it runs as uid/gid 65534 with no
supplementary groups (setpriv). Always, in a private HOME (nothing of the
caller's configuration is read or written):

  HOME/plugins   a copy of the plugin folder, in the layout
                 WIRESHARK_PLUGIN_DIR expects: <dir>/<major>.<minor>/epan/
  HOME/extcap    empty: WIRESHARK_EXTCAP_DIR, so tshark probes no capture helper

and the environment holds only PATH (the caller's), HOME, TZ=UTC,
LC_ALL=C.UTF-8, WIRESHARK_PLUGIN_DIR and WIRESHARK_EXTCAP_DIR, plus what
the caller adds. What tshark reads is copied into HOME (Home.copy): a clone
under /root is not readable by the unprivileged user.

    with tshark_env.Home(plugin_dir, tshark) as home:
        cap = home.copy("captures/x.pcap")
        p = home.run(["-n", "-r", cap])          # a CompletedProcess
"""

import os
import re
import shlex
import shutil
import subprocess
import tempfile

NOBODY = 65534


def as_user(argv):
    """argv as run by the unprivileged user when we are root, else as is."""
    if os.geteuid() == 0:
        return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] + list(argv)
    return list(argv)


def environment(home, plugin_dir, extra=None):
    """The whole environment tshark runs with."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "TZ": "UTC",
        "LC_ALL": "C.UTF-8",
        "WIRESHARK_PLUGIN_DIR": plugin_dir,
        # An empty extcap folder keeps tshark from probing capture helpers.
        "WIRESHARK_EXTCAP_DIR": os.path.join(home, "extcap"),
    }
    env.update(extra or {})
    return env


def open_up(path):
    """chmod -R a+rwX: the unprivileged user reads (and may write) path."""
    def one(p):
        mode = os.stat(p).st_mode
        if os.path.isdir(p):
            os.chmod(p, 0o777)
        else:
            os.chmod(p, 0o666 | (0o111 if mode & 0o111 else 0))
    one(path)
    for d, dirs, files in os.walk(path):
        for n in dirs + files:
            one(os.path.join(d, n))


def lists_sip4xx(plugins_text):
    """The plugin check: does a `tshark -G plugins` output list sip4xx.so?"""
    return re.search(r"^sip4xx\.so\s", plugins_text, re.M) is not None


class Home:
    """A private HOME for tshark (see the module's doc), removed by close()
    or at the end of a with block."""

    def __init__(self, plugin_dir, tshark="tshark", prefix="sip4xx-home-", extra_env=None):
        self.tshark = tshark
        self.extra_env = dict(extra_env or {})
        self.dir = tempfile.mkdtemp(prefix=prefix)
        try:
            os.makedirs(os.path.join(self.dir, "extcap"))
            self.plugins = os.path.join(self.dir, "plugins")
            shutil.copytree(plugin_dir, self.plugins)
            open_up(self.dir)
        except BaseException:
            self.close()
            raise

    def copy(self, src, dest=None, ignore=None):
        """Copy a file or a folder into HOME (at dest, relative to HOME, or
        under its own name); returns the path of the copy."""
        dst = os.path.join(self.dir, dest or os.path.basename(os.path.normpath(src)))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if os.path.isdir(src):
            shutil.copytree(src, dst, ignore=ignore)
        else:
            shutil.copyfile(src, dst)
        open_up(self.dir)
        return dst

    def command(self, args, tty=False):
        """(argv, env) of `tshark args`. tty: under a pseudo-terminal
        (script(1); tshark --color colours only a terminal)."""
        cmd = [self.tshark] + list(args)
        if tty:
            cmd = ["script", "-qec", shlex.join(cmd), "/dev/null"]
        return as_user(cmd), environment(self.dir, self.plugins, self.extra_env)

    def run(self, args, tty=False, encoding=None):
        """Run tshark in HOME; a CompletedProcess with text output (decoded
        with errors="replace", or with encoding, e.g. latin-1 for the bytes)."""
        cmd, env = self.command(args, tty)
        text = {"encoding": encoding} if encoding else {"text": True, "errors": "replace"}
        return subprocess.run(cmd, env=env, capture_output=True, cwd=self.dir, **text)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
