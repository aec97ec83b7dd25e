#!/usr/bin/env python3
"""Measures what a windowed IMAP sync costs on Tideline, next to Dovecot on the same mailbox.

Makes (or reuses from a cache under /tmp) an INBOX of --messages messages, about 150 a day,
as an mbox file and as a Maildir with the same bytes and internal dates, plus a small INBOX of
the last 5 days only. Tideline imports the mbox and serves two devices, windows of 5 and 30
days; Dovecot serves the Maildir to a client that syncs everything ("full") and to one that
asks `UID SEARCH SINCE` first ("since"). Every step is timed over loopback with imaplib.

Figures go to stdout, progress to stderr. This is a measurement, not a test: it exits 0 even
when a step fails, and lists each failure with the command and the server's answer. Without
Dovecot installed (Debian's `dovecot-imapd`) its columns are skipped with a note. The script
lowers its own priority (--nice) and its servers inherit it: the machine is shared.

Usage: bench/imap_window.py [--messages N] [--idle N] [--appends N] [--runs N] [--keep]
                            [--binary PATH] [--build] [--dovecot-user NAME] [--nice N]
"""
import base64
import ctypes
import email.utils
import grp
import imaplib
import json
import os
import pwd
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

import benchkit
from benchkit import (ROOT, STEP_ERRORS, StepFailed, bench_run, ensure_binary, free_port, get,
                      progress, table, tideline_cli)

SCRATCH = "/tmp/bench-build"
DAY = 86400
PER_DAY = 150
SMALL_DAYS = 5
WINDOWS = (5, 30)
USER = "alice@example.org"
PASSWORD = "password123"
CACHE_VERSION = 1
# imaplib is slow on huge responses; a step slower than this is run once, not --runs times.
CHEAP_SECONDS = 20


# ---------------------------------------------------------------------------------------------
# The corpus: deterministic messages, written once per (size, seed) and re-dated on reuse.

WORDS = """
account action agenda answer april archive article backup balance batch board branch budget
build calendar change chart check client cloud colour comment commit contract copy cost
customer data deadline delivery design detail device draft early editor error estimate event
family feature figure file final finance forecast garden group hardware holiday idea invoice
issue kitchen label launch letter license lunch mailbox manager market meeting memo method
minutes morning network notice number office order owner package paper partner payment
people phone picture plan policy price printer project proposal quarter question queue quote
receipt record release report request result review room route sale schedule school season
server service share shipment signal sketch spring staff station status storage summary
supplier support survey table task team ticket timeline train travel update upgrade vendor
version visit week window winter workshop
""".split()
GLUE = """a the this that our your their some every next last each one more less new old
quick small large early late final draft shared weekly monthly is was will can should might
needs has had and but or so then also still again soon today tomorrow please thanks""".split()
FIRST = """Ada Ben Carla Dmitri Elena Farid Grace Hiro Ines Jonas Kavya Liam Maya Noor Olga Pablo
Quinn Rosa Sven Tara Umar Vera Wen Ximena Yusuf Zoe""".split()
LAST = """Abbott Bauer Chen Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kowalski Lopez Moreau
Nakamura Okafor Petrov Quint Rossi Silva Tanaka Ueda Varga Weber Xu Yilmaz Zimmer""".split()
DOMAINS = """example.com example.net mail.example.org shop.example lists.example.com
corp.example travel.example bank.example school.example""".split()
SUBJECTS = ("{topic} update", "Re: {topic}", "Re: Re: {topic}", "Fwd: {topic}",
            "Weekly {team} notes", "Invoice {num} for {topic}", "Your order #{num} has shipped",
            "Meeting: {topic} on {day}", "[{team}-list] {topic}", "Question about the {topic}",
            "Reminder: {topic} due {day}", "{team} {topic} review")
DAYS = "Monday Tuesday Wednesday Thursday Friday".split()


def text_lines(rng, count):
    """Lines of plain prose-like text, each at most 72 characters, made once and reused."""
    lines = []
    for _ in range(count):
        words, width = [], rng.randint(40, 72)
        while sum(len(w) + 1 for w in words) < width - 12:
            words.append(rng.choice(WORDS if rng.random() < 0.45 else GLUE))
        words[0] = words[0].capitalize()
        lines.append(" ".join(words) + ("." if rng.random() < 0.4 else ""))
    return lines


def paragraphs(rng, lines, budget):
    """Paragraphs of random lines until about `budget` bytes; a few start with "From " so
    that the mbox has lines to quote."""
    out, size = [], 0
    while size < budget:
        para = [rng.choice(lines) for _ in range(rng.randint(2, 7))]
        if rng.random() < 0.002:
            para[0] = "From " + para[0][0].lower() + para[0][1:]
        text = "\n".join(para)
        out.append(text)
        size += len(text) + 2
    return "\n\n".join(out) + "\n"


def make_message(rng, lines, number, when, seed):
    """One message (LF line ends), its flags as Maildir letters, and the From_ line sender."""
    first, last, domain = rng.choice(FIRST), rng.choice(LAST), rng.choice(DOMAINS)
    sender = f"{first.lower()}.{last.lower()}@{domain}"
    subject = rng.choice(SUBJECTS).format(topic=rng.choice(WORDS) + " " + rng.choice(WORDS),
                                          team=rng.choice(WORDS), num=rng.randint(1000, 99999),
                                          day=rng.choice(DAYS))
    date = email.utils.format_datetime(datetime.fromtimestamp(when, timezone.utc))
    recent = time.time() - when < 3 * DAY
    flags = ("F" if rng.random() < 0.02 else "") + ("S" if rng.random() < (0.4 if recent else 0.95)
                                                    else "")
    head = [f"Return-Path: <{sender}>", f'From: "{first} {last}" <{sender}>',
            f"To: Alice Example <{USER}>", f"Subject: {subject}", f"Date: {date}",
            f"Message-ID: <{seed}.{number}.{rng.getrandbits(32):08x}@{domain}>"]
    if subject.startswith("Re:"):
        head.append(f"In-Reply-To: <{seed}.{max(0, number - rng.randint(1, 40))}@{domain}>")
    if subject.startswith("["):
        head.append(f"List-Id: <{subject[1:subject.index(']')]}.{domain}>")
    head.append("MIME-Version: 1.0")
    if "S" in flags:
        head.append("Status: RO")
    if "F" in flags:
        head.append("X-Status: F")
    budget = rng.randint(2000, 6000) - sum(len(h) + 1 for h in head) - 120
    kind = rng.random()
    if kind < 0.03:
        boundary = f"=_alt_{number}_{rng.getrandbits(24):06x}"
        text = paragraphs(rng, lines, budget // 2)
        html = "<html><body>\n<p>" + text.replace("\n\n", "</p>\n<p>") + "</p>\n</body></html>\n"
        head.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
        body = (f"This is a multi-part message in MIME format.\n\n--{boundary}\n"
                "Content-Type: text/plain; charset=utf-8\n\n" + text +
                f"\n--{boundary}\nContent-Type: text/html; charset=utf-8\n\n" + html +
                f"\n--{boundary}--\n")
    elif kind < 0.05:
        boundary = f"=_mix_{number}_{rng.getrandbits(24):06x}"
        blob = base64.encodebytes(rng.randbytes(rng.randint(600, max(700, budget // 2))))
        head.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
        body = (f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n" +
                paragraphs(rng, lines, budget // 3) +
                f"\n--{boundary}\nContent-Type: application/pdf; name=\"scan-{number}.pdf\"\n"
                "Content-Transfer-Encoding: base64\n"
                f"Content-Disposition: attachment; filename=\"scan-{number}.pdf\"\n\n" +
                blob.decode() + f"\n--{boundary}--\n")
    else:
        head += ["Content-Type: text/plain; charset=utf-8; format=flowed",
                 "Content-Transfer-Encoding: 7bit"]
        body = paragraphs(rng, lines, budget)
        if subject.startswith("Re:"):
            body += "\nOn an earlier day someone wrote:\n" + "".join(
                "> " + rng.choice(lines) + "\n" for _ in range(rng.randint(2, 8)))
    return ("\n".join(head) + "\n\n" + body).encode(), flags, sender


def quote_mboxrd(message):
    """mboxrd: a line that reads `From ` after any number of `>` gets one more `>`."""
    return re.sub(rb"(?m)^(>*From )", rb">\1", message)


def write_corpus(folder, count, seed):
    """Writes inbox.mbox, maildir/, small.mbox and small-maildir/ (the last SMALL_DAYS days,
    hard links to the same files), and index.tsv to re-date them later."""
    rng = random.Random(seed)
    lines = text_lines(rng, 4000)
    anchor = int(time.time())
    span = count / PER_DAY * DAY
    for name in ("maildir", "small-maildir"):
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(folder, name, sub), exist_ok=True)
    total = small = 0
    with open(os.path.join(folder, "inbox.mbox"), "wb") as big_mbox, \
            open(os.path.join(folder, "small.mbox"), "wb") as small_mbox, \
            open(os.path.join(folder, "index.tsv"), "w") as index:
        for number in range(count):
            # Evenly spread with jitter, oldest first; the newest is a minute old.
            age = int(60 + (count - number - rng.random()) * span / count)
            when = anchor - age
            message, flags, sender = make_message(rng, lines, number, when, seed)
            crlf_size = len(message) + message.count(b"\n")
            name = f"{when}.M{number:06d}P{seed}.bench,S={len(message)},W={crlf_size}:2,{flags}"
            path = os.path.join(folder, "maildir", "cur", name)
            with open(path, "wb") as file:
                file.write(message)
            os.utime(path, (when, when))
            stamp = time.asctime(time.gmtime(when))
            from_line = f"From {sender} ".encode()
            quoted = quote_mboxrd(message) + b"\n"
            big_offset = big_mbox.tell() + len(from_line)
            big_mbox.write(from_line + stamp.encode() + b"\n" + quoted)
            small_offset = -1
            if age < SMALL_DAYS * DAY:
                small_offset = small_mbox.tell() + len(from_line)
                small_mbox.write(from_line + stamp.encode() + b"\n" + quoted)
                os.link(path, os.path.join(folder, "small-maildir", "cur", name))
                small += 1
            index.write(f"{age}\t{big_offset}\t{small_offset}\t{name}\n")
            total += len(message)
            if number % 10000 == 9999:
                progress(f"corpus: {number + 1} of {count} messages written")
    return {"version": CACHE_VERSION, "messages": count, "seed": seed, "anchor": anchor,
            "bytes": total, "small": small}


def redate_corpus(folder, manifest):
    """Moves every date forward to now, keeping each message's age: patches the fixed-width
    asctime of each From_ line in place and sets each file's mtime."""
    anchor = int(time.time())
    with open(os.path.join(folder, "inbox.mbox"), "r+b") as big, \
            open(os.path.join(folder, "small.mbox"), "r+b") as small, \
            open(os.path.join(folder, "index.tsv")) as index:
        for row in index:
            age, big_offset, small_offset, name = row.rstrip("\n").split("\t")
            when = anchor - int(age)
            stamp = time.asctime(time.gmtime(when)).encode()
            big.seek(int(big_offset))
            big.write(stamp)
            if int(small_offset) >= 0:
                small.seek(int(small_offset))
                small.write(stamp)
            os.utime(os.path.join(folder, "maildir", "cur", name), (when, when))
    manifest["anchor"] = anchor
    return manifest


def corpus(cache, count, seed):
    """The corpus folder for this size and seed, made or re-dated as needed."""
    folder = os.path.join(cache, f"v{CACHE_VERSION}-n{count}-s{seed}")
    manifest_path = os.path.join(folder, "manifest.json")
    manifest = None
    if os.path.exists(manifest_path):
        with open(manifest_path) as file:
            manifest = json.load(file)
    if manifest is None or manifest.get("version") != CACHE_VERSION:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        progress(f"corpus: generating {count} messages in {folder}")
        manifest = write_corpus(folder, count, seed)
    elif time.time() - manifest["anchor"] > 120:
        progress(f"corpus: reusing {folder}, moving its dates forward to now")
        os.remove(manifest_path)  # an interrupted re-dating leaves no manifest: regenerate
        manifest = redate_corpus(folder, manifest)
    else:
        progress(f"corpus: reusing {folder}")
    with open(manifest_path, "w") as file:
        json.dump(manifest, file)
    manifest["folder"] = folder
    return manifest


# ---------------------------------------------------------------------------------------------
# Servers: started here, always stopped here.

def wait_for_greeting(port, process, log_path, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as probe:
                if probe.recv(200).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    with open(log_path, errors="replace") as log:
        tail = log.read()[-2000:]
    raise RuntimeError(f"no IMAP greeting on 127.0.0.1:{port}; log ends:\n{tail}")


def prepare_tideline(binary, data, mbox, windows):
    """A fresh data directory with the user, one device per window, and the mbox imported.
    Returns the devices' app passwords by window and the import's seconds."""
    os.makedirs(data)
    tideline_cli(binary, data, "domain", "add", "example.org")
    tideline_cli(binary, data, "user", "add", USER, "--password-stdin", stdin=PASSWORD + "\n")
    passwords = {}
    for days in windows:
        out = tideline_cli(binary, data, "device", "add", USER, "--name", f"phone-{days}d",
                           "--window-days", str(days), "--json")
        passwords[days] = json.loads(out)["app_password"]
    began = time.perf_counter()
    report = tideline_cli(binary, data, "import", "mbox", mbox, "--user", USER, "--json")
    seconds = time.perf_counter() - began
    return passwords, seconds, report.strip()


def start_tideline(servers, binary, data):
    port = free_port()
    log_path = data + ".log"
    process = servers.start([binary, "serve", "--data", data, "--imap", f"127.0.0.1:{port}",
                             "--dav", f"127.0.0.1:{free_port()}", "--lmtp",
                             f"127.0.0.1:{free_port()}", "--log-level", "warning"], log_path)
    wait_for_greeting(port, process, log_path)
    return process, port


def start_dovecot(servers, work, maildir, connections, mail_user):
    """Dovecot on its own config in `work`, serving a hard-linked copy of `maildir` (Dovecot
    renames and adds files, the cache must stay as it is) to USER with a plain password.
    Mail is read and written as `mail_user`: Dovecot refuses to touch mail as root."""
    account = pwd.getpwnam(mail_user)
    uid, gid = account.pw_uid, account.pw_gid
    if uid == 0:
        raise StepFailed("Dovecot will not access mail as root; pass --dovecot-user NAME")
    mail = os.path.join(work, "Maildir")
    for sub in ("new", "tmp", "cur"):
        os.makedirs(os.path.join(mail, sub))
    source = os.path.join(maildir, "cur")
    for name in os.listdir(source):
        os.link(os.path.join(source, name), os.path.join(mail, "cur", name))
    os.makedirs(os.path.join(work, "index"))
    # The mail user owns the folders; the linked files stay the cache's, readable by all.
    for folder in (work, mail, os.path.join(work, "index"),
                   *(os.path.join(mail, sub) for sub in ("new", "tmp", "cur"))):
        if os.getuid() == 0:
            os.chown(folder, uid, gid)
    os.chmod(work, 0o755)
    os.chmod(os.path.dirname(work), 0o711)
    # Dovecot's own processes run as its package users when there, else as the mail user.
    internal = next((name for name in ("dovecot",) if existing_user(name)), mail_user)
    login_user = next((name for name in ("dovenull",) if existing_user(name)), mail_user)
    group = grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name
    user = internal
    # The same slow hash as Tideline's, so that a login costs both servers alike.
    hashed = yescrypt(PASSWORD)
    secret = f"{{CRYPT}}{hashed}" if hashed else f"{{PLAIN}}{PASSWORD}"
    with open(os.path.join(work, "users"), "w") as users:
        users.write(f"{USER}:{secret}:{uid}:{gid}::{work}::\n")
    port = free_port()
    limit = connections + 100
    conf = os.path.join(work, "dovecot.conf")
    with open(conf, "w") as file:
        file.write(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {work}/run
state_dir = {work}/state
log_path = {work}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_uid = {uid}
mail_gid = {gid}
mail_location = maildir:{mail}:INDEX={work}/index
default_process_limit = {limit}
default_client_limit = {limit * 4}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {work}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {work}/users
}}
protocol imap {{
  mail_max_userip_connections = {limit}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
""")
    log_path = os.path.join(work, "dovecot.out")
    process = servers.start([DOVECOT, "-F", "-c", conf], log_path)
    wait_for_greeting(port, process, log_path)
    return process, port, "yescrypt" if hashed else "plain"


def yescrypt(password):
    """A yescrypt hash at libcrypt's default cost, as Tideline stores passwords; None when
    libcrypt cannot make one (Dovecot then gets the password in clear, and logins are cheaper
    for it)."""
    try:
        lib = ctypes.CDLL("libcrypt.so.1")
    except OSError:
        return None
    lib.crypt_gensalt.restype = ctypes.c_char_p
    lib.crypt_gensalt.argtypes = [ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p, ctypes.c_int]
    lib.crypt.restype = ctypes.c_char_p
    lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    setting = lib.crypt_gensalt(b"$y$", 0, None, 0)
    hashed = lib.crypt(password.encode(), setting) if setting else None
    if not hashed or hashed.startswith(b"*"):
        return None
    return hashed.decode()


def existing_user(name):
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None


DOVECOT = "/usr/sbin/dovecot"


def dovecot_missing():
    """Why Dovecot cannot be measured, or None when it can."""
    if not os.path.exists(DOVECOT):
        return (f"{DOVECOT} not found; install it with `apt-get install -y dovecot-imapd` "
                "to get the Dovecot columns")
    return None


# ---------------------------------------------------------------------------------------------
# Memory of a process tree.

def tree(root):
    """The pid and all descendants of `root`."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def memory(root):
    """(RSS, PSS) in bytes, summed over the process tree; PSS shares library pages fairly
    between processes, which matters for Dovecot's process per connection."""
    rss = pss = 0
    for pid in tree(root):
        try:
            with open(f"/proc/{pid}/status") as status:
                rss += next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) * 1024
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                pss += next(int(l.split()[1]) for l in rollup if l.startswith("Pss:")) * 1024
        except (OSError, StopIteration):
            continue
    return rss, pss


# ---------------------------------------------------------------------------------------------
# IMAP steps, each timed with imaplib over loopback.

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
UID_IN_FETCH = re.compile(rb"\bUID (\d+)")


def attempt(problems, label, step, *args):
    """benchkit.attempt, where imaplib's own errors are a failed step too."""
    return benchkit.attempt(problems, label, step, *args,
                            errors=STEP_ERRORS + (imaplib.IMAP4.error,))


def connect(port, nodelay=False):
    """An imaplib connection. imaplib writes a literal and the CRLF after it separately; with
    Nagle's algorithm on (`nodelay` false, imaplib's default) the CRLF waits for the server to
    acknowledge the literal, which a server that delays its ACKs makes a ~40 ms stall."""
    conn = imaplib.IMAP4("127.0.0.1", port, timeout=900)
    if nodelay:
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def expect_ok(answer, command):
    typ, data = answer
    if typ != "OK":
        raise StepFailed(f"{command} -> {typ} {data!r:.300}")
    return data


def uid_set(uids):
    """`1:5,9,12:14` for the sorted UIDs, as short as the ranges allow."""
    parts, uids = [], sorted(uids)
    start = previous = uids[0]
    for uid in uids[1:] + [None]:
        if uid is not None and uid == previous + 1:
            previous = uid
            continue
        parts.append(str(start) if start == previous else f"{start}:{previous}")
        start = previous = uid
    return ",".join(parts)


def fetched_uids(data):
    uids = []
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        found = UID_IN_FETCH.search(line or b"")
        if found:
            uids.append(int(found.group(1)))
    return uids


def since_date(days):
    """The IMAP date `days` days ago in the local time zone, as SEARCH SINCE takes it."""
    moment = time.localtime(time.time() - days * DAY)
    return f"{moment.tm_mday}-{MONTHS[moment.tm_mon - 1]}-{moment.tm_year}"


def login_select(port, password):
    began = time.perf_counter()
    conn = connect(port)
    conn.login(USER, password)
    logged_in = time.perf_counter()
    data = expect_ok(conn.select("INBOX"), "SELECT INBOX")
    done = time.perf_counter()
    return conn, int(data[0]), done - began, done - logged_in


def sync_flags(conn, mode, days):
    """The UIDs and flags a client learns first. `since` asks the server which UIDs are
    recent enough, as a client with its own window over a plain server must."""
    if mode == "since":
        command = f"UID SEARCH SINCE {since_date(days)}"
        data = expect_ok(conn.uid("SEARCH", "SINCE", since_date(days)), command)
        found = [int(uid) for uid in (data[0] or b"").split()]
        if not found:
            return []
        command = f"UID FETCH {uid_set(found)} (FLAGS)"
        data = expect_ok(conn.uid("FETCH", uid_set(found), "(FLAGS)"), command)
    else:
        data = expect_ok(conn.uid("FETCH", "1:*", "(FLAGS)"), "UID FETCH 1:* (FLAGS)")
    return fetched_uids(data)


def fetch_bodies(conn, uids):
    """Fetches every body in one command; returns (messages, bytes)."""
    if not uids:
        return 0, 0
    data = expect_ok(conn.uid("FETCH", uid_set(uids), "BODY.PEEK[]"),
                     f"UID FETCH {uid_set(uids)[:60]} BODY.PEEK[]")
    bodies = [item[1] for item in data if isinstance(item, tuple)]
    if len(bodies) != len(uids):
        raise StepFailed(f"UID FETCH {uid_set(uids)[:60]} BODY.PEEK[] -> {len(bodies)} bodies "
                         f"for {len(uids)} UIDs")
    return len(bodies), sum(len(body) for body in bodies)


def first_sync(port, password):
    """The first contact after start, before any timed run: caches and indexes are cold."""
    began = time.perf_counter()
    conn, _, _, _ = login_select(port, password)
    expect_ok(conn.uid("FETCH", "1:*", "(FLAGS)"), "UID FETCH 1:* (FLAGS)")
    seconds = time.perf_counter() - began
    conn.logout()
    return seconds


def sync_runs(port, password, mode, days, runs):
    """Login+SELECT, the flags of the view, and every body of the view, `runs` times on fresh
    connections. The body fetch repeats only while it is cheap."""
    out = {"login_select": [], "select": [], "flags": [], "bodies": []}
    for run in range(runs):
        conn, exists, seconds, select = login_select(port, password)
        out["login_select"].append(seconds)
        out["select"].append(select)
        out["exists"] = exists
        began = time.perf_counter()
        uids = sync_flags(conn, mode, days)
        out["flags"].append(time.perf_counter() - began)
        out["view"] = len(uids)
        if run == 0 or out["bodies"][0] < CHEAP_SECONDS:
            began = time.perf_counter()
            _, size = fetch_bodies(conn, uids)
            out["bodies"].append(time.perf_counter() - began)
            out["bytes"] = size
        conn.logout()
    return {key: statistics.median(value) if isinstance(value, list) else value
            for key, value in out.items()} | {"body_runs": len(out["bodies"])}


def new_message(number):
    body = "".join(f"Line {line} of a message appended during the benchmark.\r\n"
                   for line in range(40))
    return (f"From: Bench <bench@example.com>\r\nTo: {USER}\r\nSubject: appended {number}\r\n"
            f"Message-ID: <append.{number}.{time.time_ns()}@example.com>\r\n"
            f"Date: {email.utils.formatdate()}\r\n\r\n{body}").encode()


def append_messages(port, password, count, nodelay=False):
    """APPENDs `count` messages one by one on one connection; returns the seconds taken."""
    conn = connect(port, nodelay)
    conn.login(USER, password)
    began = time.perf_counter()
    for number in range(count):
        expect_ok(conn.append("INBOX", None, None, new_message(number)), "APPEND INBOX {…}")
    seconds = time.perf_counter() - began
    conn.logout()
    return seconds


def qresync_select(conn, state):
    """ENABLE QRESYNC and SELECT INBOX, with (QRESYNC (uidvalidity modseq)) when `state` has
    them; returns the new state and the UIDs the server reported changed."""
    expect_ok(conn.enable("QRESYNC"), "ENABLE QRESYNC")
    conn.untagged_responses.clear()
    command = "SELECT INBOX"
    parameters = None
    if state:
        parameters = f"(QRESYNC ({state['validity']} {state['modseq']}))"
        command += " " + parameters
    expect_ok(conn._simple_command("SELECT", "INBOX", parameters), command)
    conn.state = "SELECTED"
    found = conn.untagged_responses
    if "HIGHESTMODSEQ" not in found or "UIDVALIDITY" not in found or "UIDNEXT" not in found:
        raise StepFailed(f"{command} -> no HIGHESTMODSEQ, UIDVALIDITY or UIDNEXT; untagged: "
                         f"{sorted(found)}")
    changed = fetched_uids(found.get("FETCH", []))
    new_state = {"validity": int(found["UIDVALIDITY"][-1]),
                 "modseq": int(found["HIGHESTMODSEQ"][-1]), "uidnext": int(found["UIDNEXT"][-1])}
    return new_state, changed


def qresync_runs(port, password, runs, count=10):
    """Each run: another connection APPENDs `count` messages, then the device reconnects with
    QRESYNC and fetches the new bodies. Times ENABLE + SELECT (QRESYNC) + the fetch."""
    conn = connect(port)
    conn.login(USER, password)
    state, _ = qresync_select(conn, None)
    conn.logout()
    times, reported = [], []
    for _ in range(runs):
        append_messages(port, PASSWORD, count)
        conn = connect(port)
        conn.login(USER, password)
        began = time.perf_counter()
        new_state, changed = qresync_select(conn, state)
        fresh = [uid for uid in changed if uid >= state["uidnext"]]
        reported.append(len(fresh))
        if len(fresh) < count:
            # The server did not report them all; a client would ask from the old UIDNEXT on.
            data = expect_ok(conn.uid("FETCH", f"{state['uidnext']}:*", "(FLAGS)"),
                             f"UID FETCH {state['uidnext']}:* (FLAGS)")
            fresh = [uid for uid in fetched_uids(data) if uid >= state["uidnext"]]
        fetch_bodies(conn, fresh)
        times.append(time.perf_counter() - began)
        conn.logout()
        state = new_state
    return statistics.median(times), min(reported)


def idle_memory(port, password, count, pid):
    """Opens `count` connections that LOGIN, SELECT INBOX and IDLE; returns the growth of the
    server's memory per connection as (RSS, PSS) bytes."""
    time.sleep(1)
    before = memory(pid)
    conns = []
    try:
        for _ in range(count):
            conn, _, _, _ = login_select(port, password)
            tag = conn._new_tag()
            conn.send(tag + b" IDLE\r\n")
            for _ in range(20):
                line = conn.readline()
                if not line.startswith(b"* "):
                    break
            if not line.startswith(b"+"):
                raise StepFailed(f"{tag.decode()} IDLE -> {line!r}")
            conns.append(conn)
        time.sleep(2)
        after = memory(pid)
    finally:
        for conn in conns:
            conn.shutdown()
    return tuple((a - b) / count for a, b in zip(after, before))


# ---------------------------------------------------------------------------------------------
# The run and the report.

def sync_rows(t, full, since):
    def row(label, key, kind):
        return (label, kind, get(t, key), get(full, key), get(since, key))
    return [row("messages in view", "view", "n"),
            row("login + SELECT INBOX (s)", "login_select", "s"),
            row("  of which SELECT (s)", "select", "s"),
            row("UID FETCH 1:* (FLAGS) (s) [since: + SEARCH]", "flags", "s"),
            row("fetch every body in view (s)", "bodies", "s"),
            row("  body bytes fetched", "bytes", "n"),
            row("QRESYNC resync after 10 APPENDs (s)", "qresync", "s"),
            row("IDLE memory per connection, RSS (bytes)", "idle_rss", "n"),
            row("IDLE memory per connection, PSS (bytes)", "idle_pss", "n")]


def append_rates(problems, server, port, password, count):
    """APPENDs per second as imaplib sends them, and with TCP_NODELAY on the client socket."""
    out = {}
    for key, nodelay in (("append_rate", False), ("append_rate_nodelay", True)):
        label = f"{server}: {count} APPENDs" + (", client TCP_NODELAY" if nodelay else "")
        seconds = attempt(problems, label, append_messages, port, password, count, nodelay)
        out[key] = count / seconds if seconds else None
    return out


def measure_tideline(args, servers, binary, work, big, problems):
    data = os.path.join(work, "tideline-big")
    progress(f"tideline: importing {big['messages']} messages")
    passwords, seconds, report = prepare_tideline(binary, data, os.path.join(big["folder"],
                                                  "inbox.mbox"), WINDOWS)
    progress(f"tideline: imported in {seconds:.1f}s: {report[:200]}")
    out = {"import_s": seconds, "import_rate": big["messages"] / seconds}
    process, port = start_tideline(servers, binary, data)
    out["first_sync"] = attempt(problems, "tideline: first sync after start", first_sync, port,
                                passwords[WINDOWS[0]])
    for days in WINDOWS:
        out[days] = attempt(problems, f"tideline: {days}-day device sync",
                            sync_runs, port, passwords[days], "window", days, args.runs) or {}
    # Before the APPENDs below, which would add to the 5-day view.
    out["scaling"] = measure_scaling(args, servers, binary, work, big,
                                     (port, passwords[SMALL_DAYS]), problems)
    for days in WINDOWS:
        found = attempt(problems, f"tideline: {days}-day device QRESYNC", qresync_runs, port,
                        passwords[days], args.runs)
        if found:
            out[days]["qresync"] = found[0]
            if found[1] < 10:
                problems.append(f"tideline: {days}-day device: SELECT INBOX (QRESYNC (...)) "
                                f"reported only {found[1]} of the 10 new messages as FETCH")
    out |= append_rates(problems, "tideline", port, passwords[WINDOWS[0]], args.appends)
    out["rss_before_idle"] = memory(process.pid)[0]
    servers.stop(process)
    # Each window's IDLE test on a fresh server, so that neither reuses what the other freed.
    for days in WINDOWS:
        process, port = start_tideline(servers, binary, data)
        found = attempt(problems, f"tideline: {args.idle} IDLE connections, {days}-day device",
                        idle_memory, port, passwords[days], args.idle, process.pid)
        if found:
            out[days]["idle_rss"], out[days]["idle_pss"] = found
        servers.stop(process)
    return out


def paired_runs(big, small, rounds):
    """One 5-day sync on each server in turn, `rounds` times, so that both meet the same load
    on a shared machine; the median of each step per server."""
    found = ([], [])
    for _ in range(rounds):
        for side, (port, password) in enumerate((big, small)):
            found[side].append(sync_runs(port, password, "window", SMALL_DAYS, 1))
    return tuple({key: statistics.median(run[key] for run in runs) if key in TIMED
                  else runs[-1][key] for key in runs[-1]} for runs in found)


TIMED = ("login_select", "select", "flags", "bodies")


def measure_scaling(args, servers, binary, work, corpus_info, big_server, problems):
    """The 5-day device on the big INBOX (`big_server`: port and app password, before any
    APPEND) and on an INBOX of the last 5 days only, served at once, synced in alternation."""
    data = os.path.join(work, "tideline-small")
    progress(f"tideline small: importing {corpus_info['small']} messages")
    passwords, _, _ = prepare_tideline(binary, data,
                                       os.path.join(corpus_info["folder"], "small.mbox"),
                                       (SMALL_DAYS,))
    process, port = start_tideline(servers, binary, data)
    attempt(problems, "tideline small: first sync", first_sync, port, passwords[SMALL_DAYS])
    rounds = args.runs * 3
    out = attempt(problems, f"tideline big and small: {rounds} alternating {SMALL_DAYS}-day "
                  "syncs", paired_runs, big_server, (port, passwords[SMALL_DAYS]), rounds)
    servers.stop(process)
    return out or (None, None)


def measure_dovecot(args, servers, work, big, problems):
    folder = os.path.join(work, "dovecot")
    os.makedirs(folder)
    progress(f"dovecot: linking {big['messages']} messages into a Maildir and starting")
    try:
        process, port, scheme = start_dovecot(servers, folder,
                                              os.path.join(big["folder"], "maildir"),
                                              args.idle, args.dovecot_user)
    except (StepFailed, RuntimeError, OSError, KeyError) as error:
        problems.append(f"dovecot: could not start: {error}")
        progress(f"  failed: {error}")
        return None
    out = {"scheme": scheme,
           "first_sync": attempt(problems, "dovecot: first sync after start (builds indexes)",
                                 first_sync, port, PASSWORD)}
    out["full"] = attempt(problems, "dovecot: full sync", sync_runs, port, PASSWORD, "full",
                          0, args.runs) or {}
    for days in WINDOWS:
        out[days] = attempt(problems, f"dovecot: SEARCH SINCE {days} days sync", sync_runs, port,
                            PASSWORD, "since", days, args.runs) or {}
    # Dovecot has no window: the resync is the same for every client, so it runs once.
    found = attempt(problems, "dovecot: QRESYNC", qresync_runs, port, PASSWORD, args.runs)
    for key in ["full", *WINDOWS]:
        if found:
            out[key]["qresync"] = found[0]
    out |= append_rates(problems, "dovecot", port, PASSWORD, args.appends)
    out["rss_before_idle"] = memory(process.pid)[0]
    found = attempt(problems, f"dovecot: {args.idle} IDLE connections", idle_memory, port,
                    PASSWORD, args.idle, process.pid)
    for key in ["full", *WINDOWS]:
        if found:
            out[key]["idle_rss"], out[key]["idle_pss"] = found
    servers.stop(process)
    return out


def versions(binary):
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources"],
                           capture_output=True, text=True).stdout.strip()
    dovecot = "not installed"
    if not dovecot_missing():
        dovecot = subprocess.run([DOVECOT, "--version"], capture_output=True,
                                 text=True).stdout.strip()
    built = os.path.getmtime(binary)
    committed = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%ct"],
                               capture_output=True, text=True).stdout.strip()
    stale = ", before that commit" if committed and built < int(committed) else ""
    return (f"tideline tree {head}{'+changes' if dirty else ''} ({binary}, built "
            f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(built))}{stale}), "
            f"dovecot {dovecot}")


def report(args, big, tide, dove, problems, binary, notes):
    print(f"IMAP window benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
          f"{os.cpu_count()} cores, nice {os.nice(0)}; {versions(binary)}")
    for note in notes:
        print(f"Note: {note}")
    print(f"INBOX: {big['messages']:,} messages, {big['bytes'] / 1e6:,.1f} MB, "
          f"{PER_DAY}/day over {big['messages'] / PER_DAY:.0f} days; small INBOX: "
          f"{big['small']:,} messages (last {SMALL_DAYS} days)")
    print(f"Client: python imaplib on 127.0.0.1; each figure the median of {args.runs} runs on "
          "fresh connections, except where noted. Ratio = Tideline / Dovecot: below 1 means "
          "Tideline took less time or memory; for messages/s above 1 means Tideline was faster.")
    print("Dovecot 'full': the client syncs the whole INBOX. Dovecot 'since': UID SEARCH SINCE "
          "(the date N days ago), then FLAGS and bodies of those only.")
    if isinstance(dove, dict):
        print(f"Logins: Tideline checks a device app password against a yescrypt hash; Dovecot "
              f"checks a {dove['scheme']} password.")
    table("Server", ["tideline", "dovecot"], [
        ("import mbox (s)", "s", get(tide, "import_s"), "n/a"),
        ("import mbox (messages/s)", "n", get(tide, "import_rate"), "n/a"),
        ("first sync after start: login+SELECT+FLAGS (s)", "s", get(tide, "first_sync"),
         get(dove, "first_sync")),
        (f"APPEND, {args.appends} one by one (messages/s)", "n", get(tide, "append_rate"),
         get(dove, "append_rate")),
        ("  same, client TCP_NODELAY (messages/s)", "n",
         get(tide, "append_rate_nodelay"), get(dove, "append_rate_nodelay")),
        ("server RSS after the sync steps (bytes)", "n", get(tide, "rss_before_idle"),
         get(dove, "rss_before_idle"))])
    for days in WINDOWS:
        table(f"Window {days} days (tideline device with window-days {days})",
              ["tideline", "dovecot full", "dovecot since"],
              sync_rows(get(tide, days), get(dove, "full"), get(dove, days)))
    for label, results in [("dovecot full", get(dove, "full"))] + \
            [(f"dovecot since {d}", get(dove, d)) for d in WINDOWS] + \
            [(f"tideline {d}", get(tide, d)) for d in WINDOWS]:
        if isinstance(results, dict) and results.get("body_runs", args.runs) < args.runs:
            print(f"  note: {label}: body fetch run {results['body_runs']} time(s), "
                  f"over {CHEAP_SECONDS}s")
    big5, scale = get(tide, "scaling") or (None, None)
    steps = [("login + SELECT INBOX (s)", "login_select"),
             ("UID FETCH 1:* (FLAGS) (s)", "flags"), ("fetch every body in view (s)", "bodies")]
    rows = [("messages in view", "n", get(big5, "view"), get(scale, "view"))]
    rows += [(label, "s", get(big5, key), get(scale, key)) for label, key in steps]
    total_big = sum(get(big5, key) or 0 for _, key in steps) if big5 else None
    total_small = sum(get(scale, key) or 0 for _, key in steps) if scale else None
    rows.append(("5-day sync, the three steps (s)", "s", total_big, total_small))
    table(f"Scaling: tideline {SMALL_DAYS}-day sync, {big['messages']:,}-message INBOX vs "
          f"{big['small']:,}-message INBOX, both served at once, {args.runs * 3} syncs each in "
          "alternation", [f"{big['messages']:,}", f"{big['small']:,}"], rows)
    if total_big and total_small:
        factor = total_big / total_small
        verdict = "met" if factor <= 2 else "NOT met"
        print(f"  scaling ratio {factor:.2f}x, target within 2x: {verdict}")
    print("\nProblems" if problems else "\nProblems: none")
    for problem in problems:
        print(f"  - {problem}")


def main():
    parser = benchkit.argument_parser(__doc__, SCRATCH)
    parser.add_argument("--messages", type=int, default=100_000, help="INBOX size")
    parser.add_argument("--seed", type=int, default=7, help="corpus seed")
    parser.add_argument("--runs", type=int, default=5, help="runs per cheap step (median)")
    parser.add_argument("--appends", type=int, default=200, help="APPENDs for the rate")
    parser.add_argument("--idle", type=int, default=500, help="IDLE connections to hold")
    parser.add_argument("--cache", default="/tmp/tideline-bench-corpus", help="corpus cache")
    parser.add_argument("--dovecot-user", default=None if os.getuid() == 0 else
                        pwd.getpwuid(os.getuid()).pw_name,
                        help="the user Dovecot reads and writes mail as (default: you, or "
                        "nobody when run as root)")
    args = parser.parse_args()
    args.dovecot_user = args.dovecot_user or "nobody"
    os.nice(args.nice)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.idle + 100 > hard:
        sys.exit(f"--idle {args.idle} needs more open files than the limit of {hard}")
    problems = []
    notes = []
    with bench_run("tideline-bench-", keep=args.keep) as (servers, work):
        build_note = ensure_binary(args.binary, args.build)
        notes += [build_note] if build_note else []
        missing = dovecot_missing()
        if missing:
            progress(f"skipping Dovecot: {missing}")
            notes.append(f"Dovecot skipped: {missing}")
        big = corpus(args.cache, args.messages, args.seed)
        tide = measure_tideline(args, servers, args.binary, work, big, problems)
        dove = "skipped" if missing else measure_dovecot(args, servers, work, big, problems)
        report(args, big, tide, dove, problems, args.binary, notes)


if __name__ == "__main__":
    main()
