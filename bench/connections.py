#!/usr/bin/env python3
"""Measures the server core: memory per idle IMAP connection and connections accepted per second.

Starts a release build of `tideline serve` on loopback with a throw-away data directory,
prints figures, and stops it. Usage: bench/connections.py [--idle N] [--seconds S]
"""
import argparse
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build():
    subprocess.run(["swift", "build", "-c", "release", "--product", "tideline"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return os.path.join(ROOT, ".build", "release", "tideline")


def start_server(binary, data):
    proc = subprocess.Popen(
        [binary, "serve", "--data", data, "--imap", "127.0.0.1:0", "--dav", "127.0.0.1:0",
         "--lmtp", "127.0.0.1:0", "--log-level", "warning", "--max-connections", "100000"],
        stderr=subprocess.PIPE, text=True)
    # With --log-level warning only errors print; find the ports by asking the kernel instead.
    deadline = time.time() + 20
    ports = {}
    while time.time() < deadline and len(ports) < 3:
        time.sleep(0.1)
        out = subprocess.run(["ss", "-ltnpH"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if f"pid={proc.pid}," in line:
                port = int(line.split()[3].rsplit(":", 1)[1])
                ports[port] = True
    if len(ports) < 3:
        proc.kill()
        sys.exit("bench: the server did not start: " + proc.stderr.read())
    return proc, sorted(ports)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def imap_port(ports):
    for port in ports:
        with socket.create_connection(("127.0.0.1", port)) as probe:
            probe.settimeout(2)
            try:
                if probe.recv(100).startswith(b"* OK"):
                    return port
            except socket.timeout:
                continue
    sys.exit("bench: no IMAP listener found")


def churn(port, seconds, queue):
    count = 0
    end = time.time() + seconds
    while time.time() < end:
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.recv(200)  # the greeting: the connection was accepted and served
        count += 1
    queue.put(count)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--idle", type=int, default=5000, help="idle IMAP connections to hold")
    parser.add_argument("--seconds", type=float, default=5, help="length of the accept-rate run")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    binary = build()
    with tempfile.TemporaryDirectory() as data:
        proc, ports = start_server(binary, data)
        try:
            port = imap_port(ports)
            time.sleep(0.5)
            before = rss_kib(proc.pid)
            conns = []
            for _ in range(args.idle):
                conn = socket.create_connection(("127.0.0.1", port))
                conn.recv(200)
                conns.append(conn)
            time.sleep(1)
            after = rss_kib(proc.pid)
            per_conn = (after - before) * 1024 / args.idle
            print(f"idle IMAP connections: {args.idle}")
            print(f"server RSS before: {before} KiB, after: {after} KiB")
            print(f"memory per idle connection: {per_conn:.0f} bytes")
            for conn in conns:
                conn.close()
            time.sleep(1)

            workers = 2
            queue = multiprocessing.Queue()
            procs = [multiprocessing.Process(target=churn, args=(port, args.seconds, queue)) for _ in range(workers)]
            for p in procs:
                p.start()
            total = sum(queue.get() for _ in procs)
            for p in procs:
                p.join()
            print(f"connections accepted and greeted: {total} in {args.seconds:.0f} s "
                  f"= {total / args.seconds:.0f} per second ({workers} client processes)")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
