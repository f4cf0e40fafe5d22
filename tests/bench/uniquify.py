#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Make copy K of a sipload capture look like a different run, byte for byte
the same length (so IP/UDP lengths and TCP sequence numbers stay right):

- the run id that sipload.py puts in every Call-ID, From tag and branch of
  its own ("<8 hex>-<worker>-<n>") is replaced by another 8-hex id;
- Kamailio's branch parameters ("z9hG4bK<4 hex>.<32 hex>.<n>") get a new
  32-hex part, a function of (K, old value), so a request and its
  responses still agree.

Without this, copies 2..K of the 1M-frame capture repeat every transaction,
and a correlating post-dissector would keep no new state for them.
usage: uniquify.py IN OUT K"""
import hashlib
import re
import sys

src, dst, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, "rb").read()
m = re.search(rb"Call-ID: ([0-9a-f]{8})-\d+-\d+@load", data)
if not m:
    sys.exit("uniquify: no sipload Call-ID found in %s" % src)
old = m.group(1)
new = hashlib.md5(b"run%d" % k + old).hexdigest()[:8].encode()
data = data.replace(old + b"-", new + b"-")


def kam(mo):
    h = hashlib.md5(b"%d" % k + mo.group(2)).hexdigest().encode()
    return mo.group(1) + h


data = re.sub(rb"(z9hG4bK[0-9a-f]{1,8}\.)([0-9a-f]{32})", kam, data)
open(dst, "wb").write(data)
