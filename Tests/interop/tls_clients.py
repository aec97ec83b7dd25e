#!/usr/bin/env python3
"""TLS checks with python's ssl module against a running tideline serve with a certificate.

Usage: tls_clients.py IMAP IMAPS HTTPS LMTP USER PASSWORD CERT_PEM
Ports on 127.0.0.1. CERT_PEM is the server's self-signed certificate, used as the trust anchor.
Prints one line per check and a closing "N passed, N failed" line; exits 1 if any failed.
"""
import base64
import concurrent.futures
import http.client
import imaplib
import socket
import ssl
import sys

imap_port, imaps_port, https_port, lmtp_port = (int(p) for p in sys.argv[1:5])
user, password, cert = sys.argv[5], sys.argv[6], sys.argv[7]
results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f": {detail}"), flush=True)


trusted = ssl.create_default_context(cafile=cert)
trusted.check_hostname = False

# IMAPS: implicit TLS, certificate verified against the given PEM.
m = imaplib.IMAP4_SSL("127.0.0.1", imaps_port, ssl_context=trusted)
check("IMAPS handshake uses TLS 1.2 or 1.3", m.sock.version() in ("TLSv1.2", "TLSv1.3"), m.sock.version())
check("IMAPS login", m.login(user, password)[0] == "OK")
m.logout()

# STARTTLS on the plaintext IMAP port.
m = imaplib.IMAP4("127.0.0.1", imap_port)
check("plaintext IMAP offers STARTTLS", "STARTTLS" in m.capabilities, m.capabilities)
m.starttls(ssl_context=trusted)
check("STARTTLS upgrades the connection", m.sock.version() in ("TLSv1.2", "TLSv1.3"))
check("login after STARTTLS", m.login(user, password)[0] == "OK")
m.logout()

# A command pipelined behind STARTTLS in plaintext must be dropped, never run under TLS. The
# server frames it on one thread while another runs STARTTLS, so the race is tried many times
# (before a fix, one try in a hundred ran the injected LOGIN on an idle machine, one in seven
# on a busy one).
def injected_after_starttls():
    raw = socket.create_connection(("127.0.0.1", imap_port))
    raw.recv(4096)
    raw.sendall(b"a STARTTLS\r\nb LOGIN " + user.encode() + b" " + password.encode() + b"\r\n")
    reply = b""
    while b"a OK" not in reply:
        reply += raw.recv(4096)
    tls = trusted.wrap_socket(raw)
    tls.sendall(b"c NOOP\r\n")
    after = b""
    while b"c OK" not in after and b"c BAD" not in after:
        chunk = tls.recv(4096)
        if not chunk:
            break
        after += chunk
    tls.close()
    return after


with concurrent.futures.ThreadPoolExecutor(4) as pool:
    answers = list(pool.map(lambda _: injected_after_starttls(), range(200)))
wrong = [after for after in answers if b"b " in after or b"c OK" not in after]
check("an injected command after STARTTLS is dropped, 200 tries out of 200", not wrong, wrong[:1])

# HTTPS for DAV.
c = http.client.HTTPSConnection("127.0.0.1", https_port, context=trusted)
auth = base64.b64encode(f"{user}:{password}".encode()).decode()
c.request("PROPFIND", "/dav/", headers={"Depth": "0", "Authorization": "Basic " + auth})
response = c.getresponse()
body = response.read()
check("HTTPS PROPFIND answers 207", response.status == 207, (response.status, body[:200]))
c.request("GET", "/healthz")
health = c.getresponse()
health.read()
check("HTTPS keeps the connection for a second request", health.status == 200)

# LMTP STARTTLS (RFC 3207), then a delivery.
def reply(stream):
    lines = []
    while True:
        line = stream.readline().decode()
        lines.append(line.strip())
        if len(line) < 4 or line[3] != "-":
            return lines


raw = socket.create_connection(("127.0.0.1", lmtp_port))
plain = raw.makefile("rb")
reply(plain)
raw.sendall(b"LHLO test\r\n")
features = reply(plain)
check("LMTP offers STARTTLS", any("STARTTLS" in line for line in features), features)
raw.sendall(b"STARTTLS\r\n")
answer = reply(plain)
check("LMTP STARTTLS answers 220", answer[-1].startswith("220"), answer)
tls = trusted.wrap_socket(raw)
stream = tls.makefile("rb")
tls.sendall(b"LHLO test\r\n")
features = reply(stream)
check("LHLO again over TLS, without STARTTLS now", features[-1].startswith("250")
      and not any("STARTTLS" in line for line in features), features)
tls.sendall(b"MAIL FROM:<sender@example.net>\r\nRCPT TO:<" + user.encode() + b">\r\nDATA\r\n")
replies = [reply(stream)[-1] for _ in range(3)]
tls.sendall(b"Subject: over TLS\r\n\r\nhello\r\n.\r\n")
delivered = reply(stream)[-1]
check("LMTP delivery over TLS", replies[2].startswith("354") and delivered.startswith("250"), (replies, delivered))
tls.close()

failed = results.count(False)
print(f"{len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
