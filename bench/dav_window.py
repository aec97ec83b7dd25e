#!/usr/bin/env python3
"""Measures CalDAV and CardDAV sync on Tideline next to Radicale and Xandikos, on the same data.

Makes a calendar of --events events over three years that ends a week from now (2% of them
weekly series: some with COUNT, some with UNTIL, some open-ended; a few in a VTIMEZONE; a few
all-day) and an address book of --cards vCards 3.0, from a seeded random generator. Tideline
gets every item over PUT; a peer gets the first and last ones over PUT and the middle written
into its storage (its PUT slows down as a collection grows). Then every step is timed over
loopback with http.client on a kept-alive connection: calendar-query over the last 5 and 30
days (open-ended, as a device's view is, and again closed a year ahead), a multiget of 100
events, PROPFIND Depth 1, sync-collection (initial, and after one change), addressbook-query,
a PROPFIND Depth 1 and a multiget of 100 of the address book. Tideline is asked by devices with
windows of 5 and 30 days; the peers have no windows, so they get the same requests, and the
calendar-query with a time range of N days is the fair match of a device's view. Last, a
second Tideline holds only the events that end in the last 7 days or later (the small
calendar), and the 5-day device's sync on both calendars is timed in alternation: that cost
must follow the window, not the calendar's size.

Peers: Radicale 3.9.0 and Xandikos 0.4.10 from PyPI (with dulwich 1.2.21), installed by the
script into --venv (/tmp/bench-venv) when missing; a peer that cannot be installed or started
is skipped with a note. Radicale checks a plain htpasswd file; Xandikos serves without
authentication (its Basic auth needs TLS). Each runs on loopback with a private storage folder.

Figures go to stdout, progress to stderr. This is a measurement, not a test: it exits 0 even
when a step fails, and lists each failure with the request sent and the answer received. The
script lowers its own priority (--nice) and its servers inherit it: the machine is shared.

Usage: bench/dav_window.py [--events N] [--cards N] [--seed N] [--runs N] [--step-budget S]
                           [--upload-connections N] [--head-events N] [--head-cards N]
                           [--tail-items N] [--binary PATH] [--build] [--keep]
                           [--no-radicale] [--no-xandikos] [--venv DIR] [--nice N]
"""
import base64
import concurrent.futures
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from functools import partial
from zoneinfo import ZoneInfo

import benchkit
from benchkit import (ROOT, StepFailed, attempt, bench_run, ensure_binary, free_port, get,
                      progress, tideline_cli)

SCRATCH = "/tmp/bench-build-dav"
# The DAV tables have longer labels and narrower figures than the IMAP ones.
table = partial(benchkit.table, widths=(52, 12, 12, 7))
DAY = 86400
YEARS = 3
FUTURE_DAYS = 7
SMALL_DAYS = 7
WINDOWS = (5, 30)
USER = "alice@example.org"
PASSWORD = "password123"
PEER_USER = "alice"
PEER_VERSIONS = {"radicale": "3.9.0", "xandikos": "0.4.10", "dulwich": "1.2.21"}


# ---------------------------------------------------------------------------------------------
# The data: deterministic events and cards, dated from the hour the run starts.

WORDS = """
agenda audit backlog board budget call check-in client coffee course dentist design demo
dinner doctor draft estimate family forecast garden gym handover hiring interview kickoff
launch lunch meeting offsite onboarding party planning practice presentation release
retrospective review sales school security sprint standup strategy sync team training travel
visit webinar workshop yoga""".split()
PLACES = ("Room 1", "Room 2", "Main office", "Cafe Lindner", "Online", "Town hall", "Library",
          "Station", "Client site", "Home")
FIRST = """Ada Ben Carla Dmitri Elena Farid Grace Hiro Ines Jonas Kavya Liam Maya Noor Olga Pablo
Quinn Rosa Sven Tara Umar Vera Wen Ximena Yusuf Zoe""".split()
LAST = """Abbott Bauer Chen Dubois Eriksen Fischer Garcia Haddad Ito Jensen Kowalski Lopez Moreau
Nakamura Okafor Petrov Quint Rossi Silva Tanaka Ueda Varga Weber Xu Yilmaz Zimmer""".split()
DOMAINS = "example.com example.net corp.example school.example shop.example".split()
CITIES = "Berlin Lisbon Osaka Lyon Porto Oslo Austin Lagos Quito Turin".split()
# The last name the addressbook-query looks for; about 1/26 of the cards carry it.
QUERY_NAME = "Nakamura"

# Time zones as VTIMEZONE blocks (their rules since 2007), and the tz names that check them.
ZONES = {
    "Europe/Berlin": ("+0100", "+0200", "CET", "CEST", "19700329T020000", "BYMONTH=3;BYDAY=-1SU",
                      "19701025T030000", "BYMONTH=10;BYDAY=-1SU"),
    "America/New_York": ("-0500", "-0400", "EST", "EDT", "19700308T020000",
                         "BYMONTH=3;BYDAY=2SU", "19701101T020000", "BYMONTH=11;BYDAY=1SU"),
}


def vtimezone(tzid):
    standard, daylight, std_name, dst_name, dst_start, dst_rule, std_start, std_rule = ZONES[tzid]
    return [
        "BEGIN:VTIMEZONE", f"TZID:{tzid}",
        "BEGIN:DAYLIGHT", f"TZOFFSETFROM:{standard}", f"TZOFFSETTO:{daylight}",
        f"TZNAME:{dst_name}", f"DTSTART:{dst_start}", f"RRULE:FREQ=YEARLY;{dst_rule}",
        "END:DAYLIGHT",
        "BEGIN:STANDARD", f"TZOFFSETFROM:{daylight}", f"TZOFFSETTO:{standard}",
        f"TZNAME:{std_name}", f"DTSTART:{std_start}", f"RRULE:FREQ=YEARLY;{std_rule}",
        "END:STANDARD", "END:VTIMEZONE"]


def utc_stamp(moment):
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def fold(line):
    """Content lines folded at 75 octets (RFC 5545 section 3.1); the data is ASCII."""
    parts = [line[:75]]
    line = line[75:]
    while line:
        parts.append(" " + line[:74])
        line = line[74:]
    return "\r\n".join(parts)


class Event:
    """One calendar object: its name, text, and the UTC end of its last instance (None when
    the series never ends), which decides the windows it belongs to."""

    def __init__(self, uid, text, first_start, last_end, recurring):
        self.uid, self.text, self.first_start = uid, text, first_start
        self.last_end, self.recurring = last_end, recurring
        self.name = uid + ".ics"

    def ends_after(self, moment):
        return self.last_end is None or self.last_end > moment


def make_event(rng, number, start_utc, seed, stamp):
    uid = f"bench-{seed}-{number:05d}"
    kind = rng.random()
    minutes = rng.choice((30, 45, 60, 60, 60, 90, 120, 180))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tideline bench//dav_window//EN",
             "CALSCALE:GREGORIAN"]
    event = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp}", f"CREATED:{stamp}",
             f"LAST-MODIFIED:{stamp}", "SEQUENCE:0"]
    if kind < 0.05:
        day = start_utc.date()
        start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        length = timedelta(days=rng.choice((1, 1, 1, 2, 3)))
        event += [f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                  f"DTEND;VALUE=DATE:{(day + length):%Y%m%d}", "TRANSP:TRANSPARENT"]
    elif kind < 0.08:
        tzid = "Europe/Berlin" if rng.random() < 0.6 else "America/New_York"
        zone = ZoneInfo(tzid)
        local = start_utc.astimezone(zone).replace(tzinfo=None)
        local = local.replace(hour=rng.randint(8, 18), minute=rng.choice((0, 15, 30, 45)))
        start = local.replace(tzinfo=zone).astimezone(timezone.utc)
        length = timedelta(minutes=minutes)
        lines += vtimezone(tzid)
        event += [f"DTSTART;TZID={tzid}:{local:%Y%m%dT%H%M%S}",
                  f"DTEND;TZID={tzid}:{(local + length):%Y%m%dT%H%M%S}"]
    else:
        start = start_utc.replace(hour=rng.randint(7, 19), minute=rng.choice((0, 15, 30, 45)),
                                  second=0, microsecond=0)
        length = timedelta(minutes=minutes)
        event += [f"DTSTART:{utc_stamp(start)}", f"DTEND:{utc_stamp(start + length)}"]
    last_end = start + length
    recurring = rng.random() < 0.02
    if recurring:
        shape = rng.random()
        if shape < 0.55:
            count = rng.randint(4, 52)
            event.append(f"RRULE:FREQ=WEEKLY;COUNT={count}")
            last_end = start + timedelta(weeks=count - 1) + length
        elif shape < 0.75:
            weeks = rng.randint(4, 60)
            until = start + timedelta(weeks=weeks)
            event.append(f"RRULE:FREQ=WEEKLY;UNTIL={utc_stamp(until)}")
            last_end = start + timedelta(weeks=weeks) + length
        else:
            event.append("RRULE:FREQ=WEEKLY" + (";INTERVAL=2" if rng.random() < 0.3 else ""))
            last_end = None
    what = rng.choice(WORDS)
    event.append(f"SUMMARY:{what.capitalize()} {rng.choice(WORDS)} #{number}")
    if rng.random() < 0.6:
        event.append(f"LOCATION:{rng.choice(PLACES)}")
    if rng.random() < 0.3:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60)))
        event.append(f"DESCRIPTION:Notes: {words}.")
    if rng.random() < 0.15:
        event.append("ORGANIZER;CN=Alice Example:mailto:" + USER)
        for _ in range(rng.randint(1, 4)):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            event.append(f"ATTENDEE;CN={first} {last};PARTSTAT=NEEDS-ACTION;RSVP=TRUE:"
                         f"mailto:{first.lower()}.{last.lower()}@{rng.choice(DOMAINS)}")
    if rng.random() < 0.2:
        event += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:Reminder",
                  f"TRIGGER:-PT{rng.choice((5, 10, 15, 30))}M", "END:VALARM"]
    event.append("END:VEVENT")
    text = "\r\n".join(fold(line) for line in lines + event + ["END:VCALENDAR"]) + "\r\n"
    return Event(uid, text, start, last_end, recurring)


def make_events(count, seed, now):
    """`count` events whose starts spread over YEARS years ending FUTURE_DAYS from `now`."""
    rng = random.Random(seed)
    end = now + timedelta(days=FUTURE_DAYS)
    span = timedelta(days=365 * YEARS).total_seconds()
    starts = sorted(end - timedelta(seconds=rng.random() * span) for _ in range(count))
    stamp = utc_stamp(now - timedelta(days=365 * YEARS))
    return [make_event(rng, n, start, seed, stamp) for n, start in enumerate(starts)]


def make_cards(count, seed):
    rng = random.Random(seed + 1)
    cards = []
    for number in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        uid = f"bench-card-{seed}-{number:05d}"
        domain = rng.choice(DOMAINS)
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{uid}", f"FN:{first} {last}",
                 f"N:{last};{first};;;", f"EMAIL;TYPE=INTERNET,WORK:{first.lower()}."
                 f"{last.lower()}{number}@{domain}",
                 f"TEL;TYPE=CELL:+{rng.randint(1, 99)} {rng.randint(100, 999)} "
                 f"{rng.randint(1000000, 9999999)}"]
        if rng.random() < 0.5:
            lines.append(f"ORG:{rng.choice(LAST)} {rng.choice(('GmbH', 'Ltd', 'SA', 'Inc'))}")
        if rng.random() < 0.3:
            lines.append(f"ADR;TYPE=HOME:;;{rng.randint(1, 200)} {rng.choice(LAST)} Street;"
                         f"{rng.choice(CITIES)};;{rng.randint(10000, 99999)};")
        if rng.random() < 0.2:
            lines.append(f"BDAY:{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-"
                         f"{rng.randint(1, 28):02d}")
        if rng.random() < 0.1:
            lines.append("NOTE:Met at the " + " ".join(rng.choice(WORDS) for _ in range(6)))
        lines += ["REV:20240101T000000Z", "END:VCARD"]
        cards.append((uid + ".vcf", "\r\n".join(fold(line) for line in lines) + "\r\n", last))
    return cards


# ---------------------------------------------------------------------------------------------
# The HTTP client: one kept-alive connection per client object.

class Client:
    """A WebDAV client on one kept-alive http.client connection, reconnecting when the server
    closed it between requests."""

    def __init__(self, port, user=None, password=None):
        self.port = port
        self.auth = None
        if user is not None:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            self.auth = f"Basic {token}"
        self.conn = None

    def request(self, method, path, body=None, headers=None, expect=(200, 201, 204, 207)):
        sent = {"Content-Type": "application/xml; charset=utf-8"} if body else {}
        sent.update(headers or {})
        if self.auth:
            sent["Authorization"] = self.auth
        data = body.encode() if isinstance(body, str) else body
        for attempt_number in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            try:
                self.conn.request(method, path, body=data, headers=sent)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt_number == 2:
                    raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        if response.status not in expect:
            shown = (body or "")[:300] if isinstance(body, str) else ""
            raise StepFailed(f"{method} {path} {shown!r} -> {response.status} {response.reason}: "
                             f"{payload[:400].decode(errors='replace')!r}")
        return response.status, response, payload

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def hrefs(payload):
    """(href, has a 200 propstat or status) of each response of a multistatus."""
    found = []
    for block in re.findall(rb"<(?:\w+:)?response\b.*?</(?:\w+:)?response>", payload, re.S):
        href = re.search(rb"<(?:\w+:)?href>\s*(.*?)\s*</(?:\w+:)?href>", block, re.S)
        ok = re.search(rb"<(?:\w+:)?status>[^<]*\b200\b", block) is not None
        found.append((href.group(1).decode() if href else "", ok))
    return found


def sync_token(payload):
    match = re.search(rb"<(?:\w+:)?sync-token>\s*(.*?)\s*</(?:\w+:)?sync-token>", payload, re.S)
    if not match:
        raise StepFailed(f"no sync-token in the answer: {payload[-300:]!r}")
    return match.group(1).decode()


def object_count(payload, collection):
    """Responses with a 200 for members of `collection` (not the collection itself)."""
    return sum(1 for href, ok in hrefs(payload) if ok and href.rstrip("/") != collection.rstrip("/")
               and not href.endswith(collection))


NS = 'xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"'
CARD_NS = 'xmlns:D="DAV:" xmlns:A="urn:ietf:params:xml:ns:carddav"'


def propfind_body():
    return (f'<?xml version="1.0" encoding="utf-8"?><D:propfind {NS}><D:prop><D:getetag/>'
            "<D:getcontenttype/><D:resourcetype/></D:prop></D:propfind>")


def calendar_query_body(start, end=None):
    """A calendar-query for VEVENTs from `start` on; with `end`, only up to then."""
    until = f' end="{utc_stamp(end)}"' if end else ""
    return (f'<?xml version="1.0" encoding="utf-8"?><C:calendar-query {NS}><D:prop><D:getetag/>'
            '<C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR">'
            f'<C:comp-filter name="VEVENT"><C:time-range start="{utc_stamp(start)}"{until}/>'
            "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>")


def multiget_body(paths, card=False):
    refs = "".join(f"<D:href>{path}</D:href>" for path in paths)
    if card:
        return (f'<?xml version="1.0" encoding="utf-8"?><A:addressbook-multiget {CARD_NS}>'
                f"<D:prop><D:getetag/><A:address-data/></D:prop>{refs}</A:addressbook-multiget>")
    return (f'<?xml version="1.0" encoding="utf-8"?><C:calendar-multiget {NS}><D:prop>'
            f"<D:getetag/><C:calendar-data/></D:prop>{refs}</C:calendar-multiget>")


def sync_body(token):
    return ('<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:">'
            f"<D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>"
            "<D:prop><D:getetag/></D:prop></D:sync-collection>")


def addressbook_query_body(name):
    return (f'<?xml version="1.0" encoding="utf-8"?><A:addressbook-query {CARD_NS}><D:prop>'
            '<D:getetag/><A:address-data/></D:prop><A:filter><A:prop-filter name="FN">'
            '<A:text-match collation="i;unicode-casemap" match-type="contains">'
            f"{name}</A:text-match></A:prop-filter></A:filter></A:addressbook-query>")


# ---------------------------------------------------------------------------------------------
# Servers: started here, always stopped here.

def wait_for_http(port, process, log_path, path="/", seconds=60):
    """Waits until the server answers any HTTP status on `path`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("OPTIONS", path)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    with open(log_path, errors="replace") as log:
        tail = log.read()[-2000:]
    raise RuntimeError(f"no HTTP answer on 127.0.0.1:{port}; log ends:\n{tail}")


def tree_rss(pid):
    """Resident bytes of a process and its children."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending += [int(child) for child in children.read().split()]
        except OSError:
            pass
    return total


def disk_bytes(folder):
    total = 0
    for base, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(base, name)).st_blocks * 512
            except OSError:
                pass
    return total


class Server:
    """A running DAV server as the steps see it: where its collections are and how to log in
    for each view ("5", "30" for Tideline's devices; peers have one view)."""

    def __init__(self, name, process, port, calendar, addressbook, logins, storage):
        self.name, self.process, self.port = name, process, port
        self.calendar, self.addressbook = calendar, addressbook
        self.logins, self.storage = logins, storage

    def client(self, view=None):
        user, password = self.logins.get(view, self.logins[None])
        return Client(self.port, user, password)


def start_tideline(servers, binary, data, name="tideline"):
    """A fresh data directory with the user and one device per window, served on loopback."""
    os.makedirs(data)
    tideline_cli(binary, data, "domain", "add", USER.split("@")[1])
    tideline_cli(binary, data, "user", "add", USER, "--password-stdin", stdin=PASSWORD + "\n")
    logins = {None: (USER, PASSWORD)}
    for days in WINDOWS:
        out = tideline_cli(binary, data, "device", "add", USER, "--name", f"phone-{days}d",
                           "--window-days", str(days), "--json")
        logins[str(days)] = (USER, json.loads(out)["app_password"])
    port = free_port()
    log_path = data + ".log"
    process = servers.start([binary, "serve", "--data", data, "--dav", f"127.0.0.1:{port}",
                             "--imap", f"127.0.0.1:{free_port()}", "--lmtp",
                             f"127.0.0.1:{free_port()}", "--log-level", "warning"], log_path)
    wait_for_http(port, process, log_path, "/dav/")
    return Server(name, process, port, f"/dav/calendars/{USER}/default/",
                  f"/dav/addressbooks/{USER}/default/", logins, data)


def venv_python(venv):
    return os.path.join(venv, "bin", "python")


def ensure_venv(venv, want):
    """The venv with the peers installed, or a reason why not. Installs when missing."""
    missing = [name for name in want if not os.path.exists(os.path.join(venv, "bin", name))]
    if not missing:
        return None
    progress(f"installing {', '.join(missing)} into {venv}")
    try:
        if not os.path.exists(venv_python(venv)):
            subprocess.run([sys.executable, "-m", "venv", venv], check=True, capture_output=True,
                           timeout=300)
        pins = [f"{name}=={PEER_VERSIONS[name]}" for name in missing]
        result = subprocess.run([venv_python(venv), "-m", "pip", "install", "-q", *pins],
                                capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            return f"pip install {' '.join(pins)} failed: {result.stderr.strip()[-300:]}"
    except (OSError, subprocess.SubprocessError) as error:
        return f"could not make the venv {venv}: {error}"
    return None


def peer_version(venv, module):
    result = subprocess.run([venv_python(venv), "-c", f"import importlib.metadata as m; "
                             f"print(m.version('{module}'))"], capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def start_radicale(servers, venv, work):
    folder = os.path.join(work, "radicale")
    os.makedirs(os.path.join(folder, "collections"))
    with open(os.path.join(folder, "users"), "w") as users:
        users.write(f"{PEER_USER}:{PASSWORD}\n")
    port = free_port()
    config = os.path.join(folder, "config")
    with open(config, "w") as file:
        file.write(f"[server]\nhosts = 127.0.0.1:{port}\n"
                   "[auth]\ntype = htpasswd\n"
                   f"htpasswd_filename = {folder}/users\nhtpasswd_encryption = plain\n"
                   f"[storage]\nfilesystem_folder = {folder}/collections\n"
                   "[rights]\ntype = owner_only\n[logging]\nlevel = warning\n"
                   "[web]\ntype = none\n")
    log_path = folder + ".log"
    process = servers.start([os.path.join(venv, "bin", "radicale"), "-C", config], log_path)
    wait_for_http(port, process, log_path)
    base = f"/{PEER_USER}/"
    client = Client(port, PEER_USER, PASSWORD)
    client.request("MKCALENDAR", base + "calendar/", expect=(201,))
    client.request("MKCOL", base + "contacts/", body=(
        f'<?xml version="1.0" encoding="utf-8"?><D:mkcol {CARD_NS}><D:set><D:prop>'
        "<D:resourcetype><D:collection/><A:addressbook/></D:resourcetype></D:prop></D:set>"
        "</D:mkcol>"), expect=(201,))
    client.close()
    return Server("radicale", process, port, base + "calendar/", base + "contacts/",
                  {None: (PEER_USER, PASSWORD)}, folder)


def start_xandikos(servers, venv, work):
    folder = os.path.join(work, "xandikos")
    port = free_port()
    log_path = folder + ".log"
    process = servers.start([os.path.join(venv, "bin", "xandikos"), "serve", "--defaults",
                             "-d", folder, "-l", "127.0.0.1", "-p", str(port),
                             "--state-dir", folder + "-state"], log_path)
    wait_for_http(port, process, log_path)
    return Server("xandikos", process, port, "/user/calendars/calendar/",
                  "/user/contacts/addressbook/", {None: (None, None)}, folder)


# ---------------------------------------------------------------------------------------------
# Loading: PUT at the start and the end, the middle straight into a peer's storage.

CALENDAR_TYPE = {"Content-Type": "text/calendar; charset=utf-8"}
CARD_TYPE = {"Content-Type": "text/vcard; charset=utf-8"}


def put_items(server, collection, items, headers, connections, view=None):
    """PUTs (name, text) pairs over `connections` kept-alive connections; returns seconds."""
    chunks = [items[i::connections] for i in range(connections)]

    def worker(chunk):
        client = server.client(view)
        try:
            for name, text in chunk:
                client.request("PUT", collection + name, text,
                               dict(headers, **{"If-None-Match": "*"}), expect=(201, 204))
        finally:
            client.close()

    began = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        for done in pool.map(worker, chunks):
            pass
    return time.perf_counter() - began


def storage_folder(server, collection):
    """Where a peer keeps the files of a collection."""
    if server.name == "radicale":
        return os.path.join(server.storage, "collections", "collection-root",
                            collection.strip("/"))
    # Xandikos maps a URL path onto the same path under its -d folder (user/calendars/...).
    return os.path.join(server.storage, collection.strip("/"))


def bulk_load(server, collection, items):
    """Writes items straight into a peer's storage, as its own PUT would have stored them:
    one file each; for Xandikos also one git commit of them all."""
    folder = storage_folder(server, collection)
    for name, text in items:
        with open(os.path.join(folder, name), "w", newline="") as file:
            file.write(text)
    if server.name == "xandikos":
        for argv in (["add", "-A", "."], ["-c", "user.name=bench", "-c",
                                          "user.email=bench@example.org", "commit", "-q",
                                          "-m", f"bulk load of {len(items)} items"]):
            result = subprocess.run(["git", "-C", folder, *argv], capture_output=True,
                                    text=True, timeout=600)
            if result.returncode != 0:
                raise StepFailed(f"git {' '.join(argv)} in {folder}: {result.stderr.strip()}")


def load(server, events, cards, args, out):
    """Loads the calendar and the address book. Tideline takes every item by PUT; a peer takes
    the first and last ones by PUT and the middle from its storage, since its PUT slows down
    as the collection grows (a 10,000-event upload would take most of an hour)."""
    event_items = [(event.name, event.text) for event in events]
    card_items = [(name, text) for name, text, _ in cards]
    view = "30" if server.name.startswith("tideline") else None
    for kind, items, collection, headers, head in (
            ("events", event_items, server.calendar, CALENDAR_TYPE, args.head_events),
            ("cards", card_items, server.addressbook, CARD_TYPE, args.head_cards)):
        head = min(head, len(items))
        tail = min(args.tail_items, len(items) - head)
        progress(f"{server.name}: PUT {head} {kind}")
        seconds = put_items(server, collection, items[:head], headers,
                            args.upload_connections, view)
        out[f"put_head_{kind}"] = head / seconds
        middle = items[head:len(items) - tail]
        if server.name.startswith("tideline"):
            progress(f"{server.name}: PUT {len(middle)} {kind}")
            middle_seconds = put_items(server, collection, middle, headers,
                                       args.upload_connections, view)
        else:
            progress(f"{server.name}: {len(middle)} {kind} written to its storage")
            bulk_load(server, collection, middle)
            middle_seconds = None
        progress(f"{server.name}: PUT the last {tail} {kind}")
        tail_seconds = put_items(server, collection, items[len(items) - tail:], headers,
                                 args.upload_connections, view)
        out[f"put_tail_{kind}"] = tail / tail_seconds
        if middle_seconds is not None:
            out[f"put_all_{kind}"] = len(items) / (seconds + middle_seconds + tail_seconds)
        else:
            out[f"put_all_{kind}"] = "bulk"


# ---------------------------------------------------------------------------------------------
# Steps: each timed `runs` times (fewer when slow), the median kept.

def timed(runs, budget, step):
    """Median seconds of `step()` over `runs` runs, stopping early once `budget` seconds were
    spent (at least one run); also the last result and the number of runs."""
    times, result = [], None
    began = time.monotonic()
    for _ in range(runs):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
        if time.monotonic() - began > budget:
            break
    return statistics.median(times), result, len(times)


def record(out, key, runs, budget, step, count=None):
    """Times a step into out[key] and, with `count`, what it returned into out[key + "_n"]."""
    seconds, result, done = timed(runs, budget, step)
    out[key] = seconds
    if count:
        out[key + "_n"] = count(result)
    if done < runs:
        out.setdefault("short", []).append(f"{key}: {done} run(s)")
    return result


def in_view(events, days):
    """The events with an instance ending in the last `days` days or later, as of now."""
    edge = datetime.now(timezone.utc) - timedelta(days=days)
    return [event for event in events if event.ends_after(edge)]


def changed_text(event, number):
    text = event.text.replace("SEQUENCE:0", f"SEQUENCE:{number}", 1)
    return text.replace("SUMMARY:", f"SUMMARY:(changed {number}) ", 1)


def measure_calendar(server, view, events, args, out, problems, multiget=True):
    """The calendar steps of one view: a Tideline device (`view` "5" or "30") or a peer
    (`view` None), whose PROPFIND and sync-collection see everything."""
    client = server.client(view)
    cal = server.calendar
    runs, budget = args.runs, args.step_budget
    days_list = [int(view)] if view else list(WINDOWS)

    def step(label, action):
        attempt(problems, f"{server.name}{' ' + view + '-day' if view else ''}: {label}", action)

    for days in days_list:
        step(f"calendar-query, last {days} days", lambda days=days: record(
            out, f"query_{days}", runs, budget,
            lambda: client.request("REPORT", cal, calendar_query_body(
                datetime.now(timezone.utc) - timedelta(days=days)), {"Depth": "1"})[2],
            lambda payload: object_count(payload, cal)))
        out[f"query_{days}_expected"] = len(in_view(events, days))
        # The same range closed a year ahead: every event in view has an instance by then.
        step(f"calendar-query, last {days} days to a year ahead", lambda days=days: record(
            out, f"query_{days}_closed", runs, budget,
            lambda: client.request("REPORT", cal, calendar_query_body(
                datetime.now(timezone.utc) - timedelta(days=days),
                datetime.now(timezone.utc) + timedelta(days=365)), {"Depth": "1"})[2],
            lambda payload: object_count(payload, cal)))
    step("PROPFIND Depth 1", lambda: record(
        out, "propfind", runs, budget,
        lambda: client.request("PROPFIND", cal, propfind_body(), {"Depth": "1"})[2],
        lambda payload: object_count(payload, cal)))
    tokens = []

    def initial_sync():
        payload = client.request("REPORT", cal, sync_body(""), {"Depth": "1"})[2]
        tokens.append(sync_token(payload))
        return payload

    step("sync-collection, initial", lambda: record(
        out, "sync_initial", runs, budget, initial_sync,
        lambda payload: object_count(payload, cal)))
    if multiget:
        chosen = sorted(in_view(events, 5), key=lambda event: event.name)[:100]
        body = multiget_body([cal + event.name for event in chosen])
        step(f"multiget of {len(chosen)}", lambda: record(
            out, "multiget", runs, budget,
            lambda: client.request("REPORT", cal, body, {"Depth": "1"})[2],
            lambda payload: object_count(payload, cal)))
    if tokens:
        # A recent event changes (not timed), then the device syncs from its last token.
        target = max(in_view(events, 5), key=lambda event: event.first_start)
        counter = [int(time.time()) % 100000]

        def change_then_sync():
            counter[0] += 1
            client.request("PUT", cal + target.name, changed_text(target, counter[0]),
                           CALENDAR_TYPE, expect=(201, 204))
            began = time.perf_counter()
            payload = client.request("REPORT", cal, sync_body(tokens[-1]), {"Depth": "1"})[2]
            seconds = time.perf_counter() - began
            tokens.append(sync_token(payload))
            return seconds, payload

        def sync_runs():
            samples = [change_then_sync() for _ in range(runs)]
            out["sync_change"] = statistics.median(seconds for seconds, _ in samples)
            out["sync_change_n"] = len(hrefs(samples[-1][1]))

        step("sync-collection after one change", sync_runs)
    client.close()


def measure_addressbook(server, cards, args, out, problems):
    client = server.client(None)
    book = server.addressbook
    runs, budget = args.runs, args.step_budget
    out["abquery_expected"] = sum(1 for _, _, last in cards if last == QUERY_NAME)
    attempt(problems, f"{server.name}: addressbook-query", lambda: record(
        out, "abquery", runs, budget,
        lambda: client.request("REPORT", book, addressbook_query_body(QUERY_NAME),
                               {"Depth": "1"})[2],
        lambda payload: object_count(payload, book)))
    attempt(problems, f"{server.name}: address book PROPFIND Depth 1", lambda: record(
        out, "ab_propfind", runs, budget,
        lambda: client.request("PROPFIND", book, propfind_body(), {"Depth": "1"})[2],
        lambda payload: object_count(payload, book)))
    names = sorted(name for name, _, _ in cards)[::max(1, len(cards) // 100)][:100]
    body = multiget_body([book + name for name in names], card=True)
    attempt(problems, f"{server.name}: addressbook-multiget of {len(names)}", lambda: record(
        out, "ab_multiget", runs, budget,
        lambda: client.request("REPORT", book, body, {"Depth": "1"})[2],
        lambda payload: object_count(payload, book)))
    client.close()


def warm_up(server, problems):
    """One untimed PROPFIND of each collection, so that caches a server builds on first use
    (Radicale's item cache after the bulk load) are in place; returns its seconds."""
    def run():
        client = server.client("30" if server.name.startswith("tideline") else None)
        began = time.perf_counter()
        for collection in (server.calendar, server.addressbook):
            client.request("PROPFIND", collection, propfind_body(), {"Depth": "1"})
        client.request("REPORT", server.calendar, calendar_query_body(
            datetime.now(timezone.utc) - timedelta(days=30)), {"Depth": "1"})
        client.close()
        return time.perf_counter() - began
    return attempt(problems, f"{server.name}: first PROPFIND and query after loading", run)


# ---------------------------------------------------------------------------------------------
# The run and the report.

def measure_server(server, events, cards, args, problems):
    out = {"views": {}}
    attempt(problems, f"{server.name}: load", load, server, events, cards, args, out)
    out["first"] = warm_up(server, problems)
    if server.name.startswith("tideline"):
        for days in WINDOWS:
            view = out["views"][days] = {}
            measure_calendar(server, str(days), events, args, view, problems,
                             multiget=days == 5)
    else:
        whole = {}
        measure_calendar(server, None, events, args, whole, problems)
        for days in WINDOWS:
            out["views"][days] = whole
    measure_addressbook(server, cards, args, out, problems)
    out["rss"] = tree_rss(server.process.pid)
    out["disk"] = disk_bytes(server.storage)
    return out


def measure_scaling(big, small, events, args, problems):
    """The 5-day device's sync on the big and the small calendar, both served at once and
    synced in alternation (the order swapped each round), so both meet the same load."""
    steps = {
        "propfind": lambda client, cal: client.request("PROPFIND", cal, propfind_body(),
                                                       {"Depth": "1"})[2],
        "sync_initial": lambda client, cal: client.request("REPORT", cal, sync_body(""),
                                                           {"Depth": "1"})[2],
        "query_5": lambda client, cal: client.request("REPORT", cal, calendar_query_body(
            datetime.now(timezone.utc) - timedelta(days=5)), {"Depth": "1"})[2],
    }
    clients = {"big": big.client("5"), "small": small.client("5")}
    servers = {"big": big, "small": small}
    samples = {side: {key: [] for key in steps} for side in servers}
    counts = {side: {} for side in servers}
    for round_number in range(args.runs * 3):
        order = ("big", "small") if round_number % 2 == 0 else ("small", "big")
        for key, action in steps.items():
            for side in order:
                began = time.perf_counter()
                payload = action(clients[side], servers[side].calendar)
                samples[side][key].append(time.perf_counter() - began)
                counts[side][key + "_n"] = object_count(payload, servers[side].calendar)
    for client in clients.values():
        client.close()
    result = {}
    for side in servers:
        result[side] = {key: statistics.median(times) for key, times in samples[side].items()}
        result[side].update(counts[side])
        result[side]["events"] = len(events) if side == "big" else None
    return result


def versions(binary, venv, peers):
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources"],
                           capture_output=True, text=True).stdout.strip()
    built = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(binary)))
    text = f"tideline tree {head}{'+changes' if dirty else ''} ({binary}, built {built})"
    for name in peers:
        text += f", {name} {peer_version(venv, name)}"
    return text


def check_counts(name, results, problems_seen):
    """Findings where a server's answer holds another number of items than the data says."""
    findings = []
    for days in WINDOWS:
        view = get(results, "views", days) or {}
        expected = view.get(f"query_{days}_expected")
        for key, shape in ((f"query_{days}_n", ""),
                           (f"query_{days}_closed_n", " (closed a year ahead)")):
            got = view.get(key)
            if isinstance(got, int) and expected is not None and got != expected:
                findings.append(f"{name}: calendar-query of the last {days} days{shape} returned "
                                f"{got} events; {expected} have an instance ending in that range "
                                "or later")
    return findings


def report(args, events, cards, small_count, results, scaling, problems, notes, binary):
    peers = [name for name in ("radicale", "xandikos") if name in results]
    running = [name for name in peers if isinstance(results[name], dict)]
    print(f"DAV window benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, "
          f"nice {os.nice(0)}; {versions(binary, args.venv, running)}")
    for note in notes:
        print(f"Note: {note}")
    recurring = sum(1 for event in events if event.recurring)
    open_ended = sum(1 for event in events if event.recurring and event.last_end is None)
    print(f"Calendar: {len(events):,} events over {YEARS} years to {FUTURE_DAYS} days ahead, "
          f"{recurring} weekly series ({open_ended} open-ended), "
          f"{sum(len(event.text) for event in events) / 1e6:.1f} MB; address book: "
          f"{len(cards):,} vCards 3.0; small calendar: {small_count} events (those ending in "
          f"the last {SMALL_DAYS} days or later)")
    print(f"Client: python http.client on 127.0.0.1, one kept-alive connection; each figure the "
          f"median of {args.runs} runs (fewer past {args.step_budget:.0f} s a step, noted). "
          f"Uploads: {args.upload_connections} connections at once. Ratio = Tideline / peer: "
          "below 1 means Tideline took less time; for items/s above 1 means Tideline was faster.")
    print("Tideline is asked by devices with windows of 5 and 30 days; the peers have no windows "
          "and answer PROPFIND and sync-collection with the whole calendar. Radicale checks a "
          "plain htpasswd password; Xandikos has no authentication.")
    names = ["tideline"] + peers
    cols = [results.get(name) if isinstance(results.get(name), dict) else results.get(name)
            for name in names]

    def row(label, kind, *path):
        return (label, kind, *[get(col, *path) for col in cols])

    head, tail = args.head_events, args.tail_items
    table("Upload (PUT with If-None-Match: *)", names, [
        row(f"PUT the first {head:,} events (events/s)", "n", "put_head_events"),
        row(f"PUT the last {tail} events, calendar full (events/s)", "n", "put_tail_events"),
        row(f"PUT all {len(events):,} events (events/s)", "n", "put_all_events"),
        row(f"PUT the first {args.head_cards:,} cards (cards/s)", "n", "put_head_cards"),
        row(f"PUT the last {tail} cards, book full (cards/s)", "n", "put_tail_cards"),
        row(f"PUT all {len(cards):,} cards (cards/s)", "n", "put_all_cards"),
        row("first PROPFIND + query after loading (s)", "s", "first")])
    for days in WINDOWS:
        rows = [row(f"calendar-query, last {days} days (s)", "s", "views", days, f"query_{days}"),
                row("  events returned", "n", "views", days, f"query_{days}_n"),
                row("  same, time-range end a year ahead (s)", "s", "views", days,
                    f"query_{days}_closed"),
                row("  events returned", "n", "views", days, f"query_{days}_closed_n"),
                row("PROPFIND Depth 1 (s)", "s", "views", days, "propfind"),
                row("  members listed", "n", "views", days, "propfind_n"),
                row("sync-collection, initial (s)", "s", "views", days, "sync_initial"),
                row("  members listed", "n", "views", days, "sync_initial_n"),
                row("sync-collection after one change (s)", "s", "views", days, "sync_change"),
                row("  responses", "n", "views", days, "sync_change_n")]
        if days == 5:
            rows[4:4] = [row("calendar-multiget of 100 (s)", "s", "views", days, "multiget"),
                         row("  events returned", "n", "views", days, "multiget_n")]
        expected = get(results, "tideline", "views", days, f"query_{days}_expected")
        table(f"Calendar, {days}-day view (tideline: device with window-days {days}; "
              f"{expected if expected is not None else '?'} events end in the last {days} days "
              "or later)", names, rows)
    table(f"Address book, {len(cards):,} cards", names, [
        row(f"addressbook-query, FN contains {QUERY_NAME} (s)", "s", "abquery"),
        row("  cards returned", "n", "abquery_n"),
        row("PROPFIND Depth 1 (s)", "s", "ab_propfind"),
        row("  members listed", "n", "ab_propfind_n"),
        row("addressbook-multiget of 100 (s)", "s", "ab_multiget"),
        row("  cards returned", "n", "ab_multiget_n")])
    table("Server", names, [row("RSS after the steps (bytes)", "n", "rss"),
                            row("storage on disk (bytes)", "n", "disk")])
    for name in names:
        for view in (get(results, name, "views") or {}).values():
            for short in view.get("short", []):
                print(f"  note: {name}: {short}")
    big, small = get(scaling, "big"), get(scaling, "small")
    keys = [("PROPFIND Depth 1 (s)", "propfind"), ("sync-collection, initial (s)", "sync_initial"),
            ("calendar-query, last 5 days (s)", "query_5")]
    rows = []
    for label, key in keys:
        rows += [(label, "s", get(big, key), get(small, key)),
                 ("  members returned", "n", get(big, key + "_n"), get(small, key + "_n"))]
    total_big = sum(get(big, key) or 0 for _, key in keys) if isinstance(big, dict) else None
    total_small = sum(get(small, key) or 0 for _, key in keys) if isinstance(small, dict) else None
    rows.append(("5-day sync, the three requests (s)", "s", total_big, total_small))
    table(f"Scaling: tideline 5-day device, {len(events):,}-event calendar vs {small_count}-event "
          f"calendar, both served at once, {args.runs * 3} rounds in alternation",
          [f"{len(events):,}", f"{small_count}"], rows)
    if total_big and total_small:
        factor = total_big / total_small
        verdict = "met" if factor <= 2 else "NOT met"
        print(f"  scaling ratio {factor:.2f}x, target within 2x: {verdict}")
    findings = []
    for name in names:
        findings += check_counts(name, results.get(name), problems)
    print("\nCount differences" if findings else "\nCount differences: none")
    for finding in findings:
        print(f"  - {finding}")
    print("\nProblems" if problems else "\nProblems: none")
    for problem in problems:
        print(f"  - {problem}")


def start_peer(name, servers, venv, work, problems):
    starter = start_radicale if name == "radicale" else start_xandikos
    return attempt(problems, f"starting {name}", starter, servers, venv, work)


def main():
    parser = benchkit.argument_parser(__doc__, SCRATCH)
    parser.add_argument("--events", type=int, default=10_000, help="calendar size")
    parser.add_argument("--cards", type=int, default=5_000, help="address book size")
    parser.add_argument("--seed", type=int, default=7, help="data seed")
    parser.add_argument("--runs", type=int, default=5, help="runs per step (median)")
    parser.add_argument("--step-budget", type=float, default=30,
                        help="seconds after which a step stops repeating (default 30)")
    parser.add_argument("--upload-connections", type=int, default=2,
                        help="connections that PUT at once (default 2)")
    parser.add_argument("--head-events", type=int, default=1000,
                        help="events every server gets by PUT first (default 1000)")
    parser.add_argument("--head-cards", type=int, default=500,
                        help="cards every server gets by PUT first (default 500)")
    parser.add_argument("--tail-items", type=int, default=100,
                        help="events and cards PUT last, into the full collection (default 100)")
    parser.add_argument("--venv", default="/tmp/bench-venv", help="venv of the peers")
    parser.add_argument("--no-radicale", action="store_true", help="skip Radicale")
    parser.add_argument("--no-xandikos", action="store_true", help="skip Xandikos")
    args = parser.parse_args()
    os.nice(args.nice)
    problems, notes, results = [], [], {}
    with bench_run("tideline-dav-bench-", keep=args.keep) as (servers, work):
        build_note = ensure_binary(args.binary, args.build)
        notes += [build_note] if build_note else []
        now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
        events = make_events(args.events, args.seed, now)
        cards = make_cards(args.cards, args.seed)
        small_events = [event for event in events
                        if event.ends_after(now - timedelta(days=SMALL_DAYS))]
        progress(f"data: {len(events)} events, {len(cards)} cards, small calendar "
                 f"{len(small_events)} events")
        tideline = start_tideline(servers, args.binary, os.path.join(work, "tideline"))
        results["tideline"] = measure_server(tideline, events, cards, args, problems)
        progress("tideline: the small calendar")
        small = attempt(problems, "starting the small tideline", start_tideline, servers,
                        args.binary, os.path.join(work, "tideline-small"), "tideline-small")
        scaling = None
        if small:
            attempt(problems, "tideline-small: PUT the small calendar", put_items, small,
                    small.calendar, [(e.name, e.text) for e in small_events], CALENDAR_TYPE,
                    args.upload_connections, "30")
            scaling = attempt(problems, "scaling: 5-day syncs in alternation", measure_scaling,
                              tideline, small, events, args, problems)
            servers.stop(small.process)
        servers.stop(tideline.process)
        wanted = [name for name, off in (("radicale", args.no_radicale),
                                         ("xandikos", args.no_xandikos)) if not off]
        missing = ensure_venv(args.venv, wanted) if wanted else None
        for name in ("radicale", "xandikos"):
            if name not in wanted:
                continue
            if missing:
                results[name] = "skipped"
                notes.append(f"{name} skipped: {missing}")
                progress(f"skipping {name}: {missing}")
                continue
            server = start_peer(name, servers, args.venv, work, problems)
            if server is None:
                results[name] = "skipped"
                notes.append(f"{name} skipped: it did not start (see Problems)")
                continue
            results[name] = measure_server(server, events, cards, args, problems)
            servers.stop(server.process)
        report(args, events, cards, len(small_events), results, scaling, problems, notes,
               args.binary)


if __name__ == "__main__":
    main()
