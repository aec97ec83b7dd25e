"""What the benchmark scripts share: progress lines, the servers they start, the release build,
steps that may fail, and the tables of figures they print.

Standard library only; the scripts import it from their own folder.
"""
import argparse
import contextlib
import ctypes
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STARTED = time.monotonic()


def progress(text):
    print(f"[{time.monotonic() - STARTED:7.1f}s] {text}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Servers: started here, always stopped here.

class Servers:
    """Every process this run started, stopped on exit whatever happens."""

    def __init__(self):
        self.running = []

    def start(self, argv, log_path, env=None):
        log = open(log_path, "ab")
        process = subprocess.Popen(argv, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                   start_new_session=True, preexec_fn=die_with_parent, env=env)
        log.close()
        self.running.append(process)
        return process

    def stop(self, process):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if process in self.running:
            self.running.remove(process)

    def stop_all(self):
        for process in list(self.running):
            try:
                self.stop(process)
            except (OSError, subprocess.SubprocessError) as error:
                progress(f"could not stop pid {process.pid}: {error}")


def argument_parser(description, scratch):
    """A parser with the options every benchmark takes: the binary (SCRATCH/release/tideline
    by default) and whether to rebuild it, keeping the data, and the niceness."""
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(scratch, "release", "tideline"))
    parser.add_argument("--build", action="store_true", help="rebuild the binary first")
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    parser.add_argument("--nice", type=int, default=10, help="niceness to add (default 10)")
    return parser


@contextlib.contextmanager
def bench_run(prefix, keep=False):
    """A run's servers and scratch folder: yields (servers, work). At the end, however it comes,
    every server is stopped and the folder removed (kept with `keep`); a clean end prints the
    wall time. SIGTERM unwinds like Ctrl-C, so this cleanup runs then too."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    servers = Servers()
    work = tempfile.mkdtemp(prefix=prefix, dir="/tmp")
    began = time.monotonic()
    try:
        yield servers, work
        print(f"\nWall time {time.monotonic() - began:.0f}s")
    finally:
        servers.stop_all()
        if keep:
            progress(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def die_with_parent():
    """In the child: get SIGTERM when this script dies, even by SIGKILL (PR_SET_PDEATHSIG)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tideline_cli(binary, data, *args, stdin=None, timeout=3600):
    """Runs an admin command on a data directory; a failure stops the run with its output."""
    result = subprocess.run([binary, *args, "--data", data], input=stdin, capture_output=True,
                            text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"tideline {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def ensure_binary(path, rebuild):
    """Builds the release binary when asked or missing, in the scratch path that `path` lies in
    (SCRATCH/release/tideline). A failed build falls back to the binary already there, with a
    note, since other modules may be mid-edit. Gives the note, or None."""
    if os.path.exists(path) and not rebuild:
        return None
    scratch = os.path.dirname(os.path.dirname(path))
    progress(f"building tideline (release) in {scratch}")
    result = subprocess.run(["nice", "swift", "build", "-c", "release", "--product", "tideline",
                             "--scratch-path", scratch], cwd=ROOT, capture_output=True,
                            text=True)
    if result.returncode == 0:
        return None
    tail = (result.stdout + result.stderr).strip()[-1500:]
    if not os.path.exists(path):
        sys.exit(f"swift build failed and there is no earlier binary at {path}:\n{tail}")
    progress(f"swift build failed; measuring the earlier binary {path}:\n{tail}")
    built = time.ctime(os.path.getmtime(path))
    return f"the build failed; measured the earlier binary, built {built}"


# ---------------------------------------------------------------------------------------------
# Steps that may fail: a failure is a figure "error" and a line under Problems, not an abort.

class StepFailed(Exception):
    """A step the server answered wrongly: the command or request sent and what came back."""


# What a step may raise when a server misbehaves; the scripts add their client's own errors.
STEP_ERRORS = (StepFailed, OSError, ValueError, KeyError, RuntimeError,
               http.client.HTTPException, subprocess.SubprocessError)


def attempt(problems, label, step, *args, errors=STEP_ERRORS):
    """Runs a step; a failure is recorded with its command and answer, and gives None."""
    progress(label)
    try:
        return step(*args)
    except errors as error:
        problems.append(f"{label}: {type(error).__name__}: {error}")
        progress(f"  failed: {error}")
        return None


# ---------------------------------------------------------------------------------------------
# The report.

def figure(value, kind):
    """A value as printed: "error" for a step that failed, a word such as "n/a" as given.
    Kinds: "s" seconds, "n" a count, "r" a rate or other fraction."""
    if isinstance(value, str):
        return value
    if value is None:
        return "error"
    if kind == "s":
        return f"{value:.4f}" if value < 10 else f"{value:.1f}"
    if kind == "n":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def ratio(mine, theirs):
    if not isinstance(mine, (int, float)) or not isinstance(theirs, (int, float)) or not theirs:
        return "-"
    return f"{mine / theirs:.2f}"


def table(title, columns, rows, widths=(44, 13, 15, 8)):
    """Prints rows of (label, kind, values...) with a Tideline/other ratio after each other.
    `widths`: the label column, the first figure, each other figure, each ratio."""
    label_width, first_width, other_width, ratio_width = widths
    print(f"\n{title}")
    head = f"{'':{label_width}}{columns[0]:>{first_width}}"
    for column in columns[1:]:
        head += f"{column:>{other_width}}{'ratio':>{ratio_width}}"
    print(head)
    for label, kind, *values in rows:
        line = f"{label:{label_width}}{figure(values[0], kind):>{first_width}}"
        for value in values[1:]:
            line += f"{figure(value, kind):>{other_width}}{ratio(values[0], value):>{ratio_width}}"
        print(line)


def get(results, *path):
    """results[path[0]][path[1]]..., None when missing; a word (a skipped server) stays."""
    for key in path:
        if results is None or isinstance(results, str):
            return results
        results = results.get(key) if isinstance(results, dict) else None
    return results
