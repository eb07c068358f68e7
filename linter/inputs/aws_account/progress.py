"""A progress line on stderr while a scan reads the account, when stderr is a terminal and the scan lasts
more than a few seconds (a CI log gets nothing)."""

from __future__ import annotations

import contextlib
import sys
import threading

DELAY = 3.0  # seconds before the line appears: short scans print nothing
INTERVAL = 0.5


@contextlib.contextmanager
def progress(reader, what: str, stream=None):
    stream = stream or sys.stderr
    if not getattr(stream, "isatty", lambda: False)():
        yield
        return
    done = threading.Event()
    shown = []

    def show():
        if done.wait(DELAY):
            return
        while not done.wait(INTERVAL):
            line = f"\rreading {what}: {len(reader.operations)} API calls, {reader.elapsed:.0f} s"
            stream.write(line)
            stream.flush()
            shown.append(len(line))

    thread = threading.Thread(target=show, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        if shown:
            stream.write("\r" + " " * max(shown) + "\r")
            stream.flush()
