"""Runs one function over many items in worker processes, so that no item can cost the others.

`concurrent.futures` loses every pending result when one worker dies (as the OOM killer makes it) and cannot
say which item killed it. Here each worker streams back one result per item, in order: when a worker dies,
the item it was on is the first of its chunk without a result. That item gets `lost(item, reason)`, the rest
of its chunk goes back in the queue, and a new worker takes over.

Workers never outlive the run: they are killed when it ends for any reason (an exception, Ctrl-C, SIGTERM in
the parent), they ask Linux to kill them if the parent dies (PR_SET_PDEATHSIG), and they leave when their
parent changes. They ignore SIGINT, which a terminal sends to the whole process group: the parent decides.
"""

from __future__ import annotations

import os
import signal
from collections import deque

from mlcheck.engine.crash import describe

_PARENT_CHECK_SECONDS = 1.0  # how often an idle worker checks that its parent is still there
_JOIN_SECONDS = 5.0


def max_workers(requested: int, items: int) -> int:
    """Worker processes for `items` items: `requested` (0 = one per usable core), never more than two per core
    nor more than there are items (`jobs: 2000` must not fork 2,000 processes)."""
    cores = _cores()
    wanted = requested or cores
    return max(1, min(wanted, 2 * cores, items))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1  # the cores this process may use (containers, taskset)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class _Failed:
    """What a worker sends for an item whose function raised or whose result could not be sent."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


class _Worker:
    __slots__ = ("process", "conn", "chunk", "current")

    def __init__(self, process, conn):
        self.process = process
        self.conn = conn
        self.chunk: deque = deque()  # (index, item) sent and not yet answered, in order
        self.current = None  # index of the item it said it started on


_STARTED, _RESULT = "started", "result"
_MAX_DEATHS_BEFORE_WORK = 3  # workers that die before starting any item: then blame the item they were given


def map_isolated(func, items: list, jobs: int, lost) -> list:
    """[func(item) for item in items], computed by up to `jobs` worker processes. An item whose function
    raised, or whose worker died while on it, gets `lost(item, reason)` instead. `func` must be picklable
    where processes are spawned rather than forked."""
    import multiprocessing  # here, not at import: serial runs do not pay for it
    from multiprocessing.connection import wait

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork (Windows): spawn, which needs picklable arguments
        context = multiprocessing.get_context()
    results: list = [None] * len(items)
    chunk_size = max(1, len(items) // (jobs * 4))
    indexed = list(enumerate(items))
    queue = deque(indexed[i:i + chunk_size] for i in range(0, len(indexed), chunk_size))
    workers: list = []
    early_deaths = 0

    def settle(index, value):
        results[index] = lost(items[index], value.reason) if isinstance(value, _Failed) else value

    def start():
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_work, args=(child_end, func, os.getpid()), daemon=True)
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        workers.append(worker)
        feed(worker)

    def feed(worker):
        try:
            if queue:
                worker.chunk.extend(queue.popleft())
                worker.conn.send(list(worker.chunk))
            else:
                worker.conn.send(None)  # no more work: the worker exits
                retire(worker)
        except OSError:  # it died in between: its sentinel says so next
            pass

    def retire(worker):
        workers.remove(worker)
        worker.process.join(_JOIN_SECONDS)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()

    def receive(worker) -> bool:
        """Handle one message; False when the worker is gone."""
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            return False
        if message[0] == _STARTED:
            worker.current = message[1]
            return True
        _, index, value = message
        worker.chunk.popleft()
        worker.current = None
        settle(index, value)
        if not worker.chunk:
            feed(worker)
        return True

    def bury(worker):
        """A worker died: keep what it sent, blame the item it was on, requeue the rest, replace it."""
        nonlocal early_deaths
        while worker in workers and worker.conn.poll() and receive(worker):
            pass
        if worker not in workers:
            return
        workers.remove(worker)
        worker.process.join(_JOIN_SECONDS)
        worker.conn.close()
        pending = list(worker.chunk)
        if worker.current is None and pending:
            early_deaths += 1
            if early_deaths > _MAX_DEATHS_BEFORE_WORK:
                worker.current = pending[0][0]
        if worker.current is not None:
            settle(worker.current, _Failed(_death(worker.process.exitcode)))
            pending = [entry for entry in pending if entry[0] != worker.current]
        if pending:
            queue.appendleft(pending)
        if queue:
            start()

    try:
        for _ in range(min(jobs, len(queue))):
            start()
        while workers:
            by_handle = {}
            for worker in workers:
                by_handle[worker.conn] = by_handle[worker.process.sentinel] = worker
            for handle in wait(list(by_handle)):
                worker = by_handle[handle]
                if worker not in workers:
                    continue  # retired or buried earlier in this round
                if handle is worker.conn and receive(worker):
                    continue
                bury(worker)
    finally:
        _end_all(workers)
    return results


def _death(exitcode) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        return f"the worker process checking it was killed by {name}{hint}"
    return f"the worker process checking it exited unexpectedly (exit code {exitcode})"


def _end_all(workers) -> None:
    """Kill and reap every worker still running; a second Ctrl-C must not interrupt this."""
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked) if hasattr(signal, "pthread_sigmask") else None
    try:
        for worker in workers:
            if worker.process.is_alive():
                worker.process.kill()
        for worker in workers:
            worker.process.join(_JOIN_SECONDS)
            worker.conn.close()
        workers.clear()
    finally:
        if previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _work(conn, func, parent_pid) -> None:
    """A worker's life: chunks in, one (index, result) per item out, until told to stop or orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    while True:
        if os.getppid() != parent_pid:
            return
        if not conn.poll(_PARENT_CHECK_SECONDS):
            continue
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        for index, item in chunk:
            try:
                conn.send((_STARTED, index))
                value = func(item)
            except Exception as exc:
                value = _Failed(f"internal error: {describe(exc)}")
            try:
                conn.send((_RESULT, index, value))
            except (EOFError, OSError):
                return
            except Exception as exc:  # a result that cannot be pickled
                conn.send((_RESULT, index, _Failed(f"internal error: its result cannot be sent back "
                                                   f"({describe(exc)})")))


def _die_with_parent() -> None:
    """Linux: have the kernel SIGKILL this process when its parent dies, even in the middle of an item."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
