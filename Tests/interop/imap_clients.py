#!/usr/bin/env python3
"""Interop checks with python's imaplib and imapclient against a running tideline serve.

Usage: imap_clients.py PORT USER PASSWORD DEVICE_PASSWORD
The INBOX holds three messages inside a 5-day window and three from 2020. Prints one line per
check and a closing "N passed, N failed" line; exits 1 if any check failed.
"""
import imaplib
import sys

import imapclient

port, user, password, device_password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f": {detail}"))


# imaplib, the user's own login (5-day default window).
m = imaplib.IMAP4("127.0.0.1", port)
check("imaplib greeting lists IMAP4rev1", b"IMAP4REV1" in [c.upper().encode() if isinstance(c, str) else c
                                                          for c in m.capabilities] or "IMAP4REV1" in m.capabilities,
      m.capabilities)
typ, _ = m.login(user, password)
check("imaplib LOGIN", typ == "OK")
typ, data = m.select("INBOX")
check("imaplib SELECT counts the window", typ == "OK" and data == [b"3"], data)
typ, data = m.uid("SEARCH", None, "ALL")
uids = data[0].split()
check("imaplib UID SEARCH ALL gives three UIDs", typ == "OK" and len(uids) == 3, data)
typ, data = m.uid("FETCH", b",".join(uids).decode(), "(RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
subjects = [part[1] for part in data if isinstance(part, tuple)]
check("imaplib UID FETCH returns the headers", typ == "OK" and len(subjects) == 3
      and all(b"Subject:" in s for s in subjects), data)
typ, data = m.append("INBOX", r"(\Seen)", imaplib.Time2Internaldate(1_600_000_000), b"Subject: old\r\n\r\nx\r\n")
check("imaplib APPEND of an old message succeeds", typ == "OK" and b"APPENDUID" in data[0], data)
typ, data = m.select("INBOX")
check("the old message stays outside the window", data == [b"3"], data)
typ, data = m.list()
check("imaplib LIST shows the special-use folders", typ == "OK" and any(b"\\Sent" in line for line in data), data)
typ, data = m.create("Projects/2026")
check("imaplib CREATE of a nested folder", typ == "OK", data)
typ, data = m.status("INBOX", "(MESSAGES UNSEEN UIDNEXT)")
check("imaplib STATUS speaks of the window", typ == "OK" and b"MESSAGES 3" in data[0], data)
m.logout()

# imapclient, as the registered 5-day device.
c = imapclient.IMAPClient("127.0.0.1", port=port, ssl=False)
c.login(user, device_password)
caps = c.capabilities()
check("imapclient sees IDLE, MOVE, CONDSTORE, QRESYNC",
      all(x in caps for x in (b"IDLE", b"MOVE", b"CONDSTORE", b"QRESYNC")), caps)
check("imapclient LSUB shows INBOX alone (inbox-only)",
      [f[2] for f in c.list_sub_folders()] == ["INBOX"], c.list_sub_folders())
info = c.select_folder("INBOX", readonly=False)
check("imapclient select_folder", info[b"EXISTS"] == 3, info)
messages = c.search(["ALL"])
check("imapclient search ALL", len(messages) == 3, messages)
fetched = c.fetch(messages, ["ENVELOPE", "FLAGS", "INTERNALDATE", "BODYSTRUCTURE"])
check("imapclient parses ENVELOPE and BODYSTRUCTURE", len(fetched) == 3 and all(
    fetched[uid][b"ENVELOPE"].subject for uid in fetched), fetched)
c.add_flags(messages[:1], [imapclient.SEEN, b"$Important"])
flags = c.get_flags(messages[:1])
check("imapclient add_flags", imapclient.SEEN in flags[messages[0]] and b"$Important" in flags[messages[0]], flags)
c.move(messages[-1:], "Archive")
check("imapclient MOVE to Archive", len(c.search(["ALL"])) == 2)
c.idle()
responses = c.idle_check(timeout=0.3)
c.idle_done()
check("imapclient IDLE round trip", isinstance(responses, list))
c.logout()

failed = results.count(False)
print(f"{len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
