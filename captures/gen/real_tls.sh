#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates captures/real_openssl_tls.pcapng: SIP over TLS on loopback
# (port 5061, RFC 3261 §26.2), between openssl s_client and s_server, with
# the TLS session keys embedded in the capture (editcap --inject-secrets),
# so Wireshark decrypts it with no preference set. The client sends a
# MESSAGE with a text/html body; the server answers 415 without Accept.
# Needs root (dumpcap on lo), openssl, tshark/editcap. Frame numbers may
# shift by a TCP ACK or two from run to run: check the .expect after.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../real_openssl_tls.pcapng}
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
cd "$tmp"
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
    -subj "/CN=sip.example.com" 2>/dev/null
crlf() { sed 's/$/\r/'; }
crlf > req.txt <<'SIP'
MESSAGE sip:bob@example.com SIP/2.0
Via: SIP/2.0/TLS 127.0.0.1:40123;branch=z9hG4bKtls1
Max-Forwards: 70
From: <sip:alice@example.com>;tag=t1
To: <sip:bob@example.com>
Call-ID: tls-1@127.0.0.1
CSeq: 1 MESSAGE
Content-Type: text/html
Content-Length: 5

hello
SIP
# The body is the last line: drop its CRLF so Content-Length (5) is exact.
truncate -s -2 req.txt
crlf > resp.txt <<'SIP'
SIP/2.0 415 Unsupported Media Type
Via: SIP/2.0/TLS 127.0.0.1:40123;branch=z9hG4bKtls1
From: <sip:alice@example.com>;tag=t1
To: <sip:bob@example.com>;tag=s1
Call-ID: tls-1@127.0.0.1
CSeq: 1 MESSAGE
Content-Length: 0

SIP
dumpcap -q -i lo -f "tcp port 5061" -w raw.pcapng &
dumpcap_pid=$!
sleep 1.5
( sleep 1.2; cat resp.txt; sleep 1 ) |
    timeout 5 openssl s_server -quiet -accept 5061 -cert cert.pem -key key.pem >/dev/null 2>&1 &
sleep 0.5
( cat req.txt; sleep 2 ) |
    timeout 4 openssl s_client -quiet -connect 127.0.0.1:5061 -keylogfile keys.log >/dev/null 2>&1 || true
sleep 1
kill "$dumpcap_pid"
wait "$dumpcap_pid" 2>/dev/null || true
editcap --inject-secrets tls,keys.log raw.pcapng "$out"
echo "wrote $out"
