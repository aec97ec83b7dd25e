#!/usr/bin/env python3
"""Interop checks with python caldav and vdirsyncer against a running tideline serve.

Usage: dav_clients.py BASE_URL USER PASSWORD WORKDIR
BASE_URL is the server's root (http://127.0.0.1:PORT). The user's own login gets the default
5-day window. Prints one line per check and a closing "N passed, N failed" line; exits 1 if any
check failed.
"""
import datetime
import os
import subprocess
import sys
import textwrap

import caldav

base, user, password, workdir = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
results = []
UTC = datetime.timezone.utc
now = datetime.datetime.now(UTC).replace(microsecond=0)


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else f": {detail}"), flush=True)


def stamp(moment):
    return moment.strftime("%Y%m%dT%H%M%SZ")


def event(uid, start, hours=1, extra=()):
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tideline interop//EN", "BEGIN:VEVENT", f"UID:{uid}",
             f"DTSTAMP:{stamp(now)}", f"DTSTART:{stamp(start)}",
             f"DTEND:{stamp(start + datetime.timedelta(hours=hours))}", f"SUMMARY:{uid}", *extra,
             "END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"


# --- python caldav: discovery, create, search with expansion, sync tokens -------------------
client = caldav.DAVClient(url=base + "/.well-known/caldav", username=user, password=password)
principal = client.principal()
check("caldav finds the principal through /.well-known/caldav", principal is not None)
calendars = principal.calendars()
check("caldav lists the default calendars", len(calendars) >= 2, calendars)
calendar = principal.make_calendar(name="Interop", cal_id="interop")
check("caldav makes a calendar", calendar is not None)

tomorrow = now + datetime.timedelta(days=1)
calendar.save_event(event("single", tomorrow))
calendar.save_event(event("weekly", now - datetime.timedelta(days=60), extra=["RRULE:FREQ=WEEKLY;COUNT=20"]))
calendar.save_event(event("ancient", now - datetime.timedelta(days=400)))
names = sorted(str(e.icalendar_component.get("uid")) for e in calendar.events())
check("the 5-day view holds the future and the running series, not the old event",
      names == ["single", "weekly"], names)

found = calendar.search(start=now - datetime.timedelta(days=2), end=now + datetime.timedelta(days=15),
                        event=True, expand=True)
instances = sorted(str(e.icalendar_component.get("uid")) for e in found)
# 20 weekly instances from 60 days ago reach about 73 days ahead: two or three fall inside the
# 17-day range, plus the single event tomorrow.
weekly = instances.count("weekly")
check("a time-range search with expansion returns the instances in range",
      instances.count("single") == 1 and weekly in (2, 3), instances)
recurrence_ids = [e.icalendar_component.get("recurrence-id") for e in found
                  if str(e.icalendar_component.get("uid")) == "weekly"]
check("expanded instances carry RECURRENCE-ID", all(r is not None for r in recurrence_ids), recurrence_ids)

objects = calendar.objects_by_sync_token(load_objects=False)
token = objects.sync_token
check("an initial sync gives a token and the two visible objects", token and len(list(objects)) == 2,
      (token, list(objects)))
calendar.save_event(event("added", tomorrow + datetime.timedelta(hours=3)))
changed = calendar.objects_by_sync_token(sync_token=token, load_objects=True)
urls = [str(o.url) for o in changed]
check("a sync with the token returns only the new object", len(urls) == 1 and urls[0].endswith(".ics"), urls)
check("the new token differs", changed.sync_token != token, changed.sync_token)

todo_list = [c for c in calendars if "tasks" in str(c.url)][0]
todo_list.save_todo(textwrap.dedent(f"""\
    BEGIN:VCALENDAR
    VERSION:2.0
    PRODID:-//Tideline interop//EN
    BEGIN:VTODO
    UID:task-1
    DTSTAMP:{stamp(now)}
    SUMMARY:Open task
    END:VTODO
    END:VCALENDAR
    """).replace("\n", "\r\n"))
check("a task is stored and listed", [str(t.icalendar_component.get("uid")) for t in todo_list.todos()] == ["task-1"])

# --- vdirsyncer: a calendar and an address book, both ways ------------------------------------
local_cal = os.path.join(workdir, "calendar")
local_book = os.path.join(workdir, "contacts")
status = os.path.join(workdir, "status")
for folder in (local_cal, local_book):
    os.makedirs(folder, exist_ok=True)
config = os.path.join(workdir, "config")
with open(config, "w") as out:
    out.write(textwrap.dedent(f"""\
        [general]
        status_path = "{status}"

        [pair cal]
        a = "cal_local"
        b = "cal_remote"
        collections = [["interop", "interop", "interop"]]
        conflict_resolution = "b wins"

        [storage cal_local]
        type = "filesystem"
        path = "{local_cal}"
        fileext = ".ics"

        [storage cal_remote]
        type = "caldav"
        url = "{base}/"
        username = "{user}"
        password = "{password}"

        [pair book]
        a = "book_local"
        b = "book_remote"
        collections = [["default", "default", "default"]]

        [storage book_local]
        type = "filesystem"
        path = "{local_book}"
        fileext = ".vcf"

        [storage book_remote]
        type = "carddav"
        url = "{base}/"
        username = "{user}"
        password = "{password}"
        """))


def vdirsyncer(*args):
    run = subprocess.run([os.path.join(os.path.dirname(sys.executable), "vdirsyncer"), "-c", config, *args],
                         capture_output=True, text=True, input="y\n" * 10)
    return run.returncode, run.stdout + run.stderr


code, output = vdirsyncer("discover")
check("vdirsyncer discovers the calendar and the address book", code == 0, output)
code, output = vdirsyncer("sync")
check("vdirsyncer syncs down", code == 0, output)
pulled = sorted(os.listdir(os.path.join(local_cal, "interop")))
check("the local calendar holds the three visible events", len(pulled) == 3, pulled)

with open(os.path.join(local_book, "default", "local-card.vcf"), "w") as out:
    out.write("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:local-card\r\nFN:Local Person\r\nN:Person;Local;;;\r\n"
              "EMAIL:local@example.net\r\nEND:VCARD\r\n")
with open(os.path.join(local_cal, "interop", "local-event.ics"), "w") as out:
    out.write(event("local-event", tomorrow + datetime.timedelta(hours=6)))
code, output = vdirsyncer("sync")
check("vdirsyncer syncs up", code == 0, output)
uploaded = [str(e.icalendar_component.get("uid")) for e in calendar.events()]
check("the event made locally is on the server", "local-event" in uploaded, uploaded)

book_client = caldav.DAVClient(url=base + "/dav/addressbooks/" + user + "/default/", username=user,
                               password=password)
listing = book_client.propfind(base + "/dav/addressbooks/" + user + "/default/",
                               '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>', depth=1)
check("the card made locally is on the server", b"local-card" in listing.raw.encode()
      if isinstance(listing.raw, str) else b"local-card" in listing.raw, listing.raw)

single = calendar.event_by_uid("single")
single.icalendar_component["summary"] = "changed on the server"
single.save()
code, output = vdirsyncer("sync")
texts = []
for name in os.listdir(os.path.join(local_cal, "interop")):
    with open(os.path.join(local_cal, "interop", name)) as handle:
        texts.append(handle.read())
check("a change made on the server reaches the local copy",
      code == 0 and any("changed on the server" in t for t in texts), output)

failed = results.count(False)
print(f"{len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
