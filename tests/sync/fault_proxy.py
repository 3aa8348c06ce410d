"""A fault-injecting TCP proxy for tests: cuts, latency, bandwidth limits and outages between a client and a server."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import sys
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, TypeVar

Direction = Literal["up", "down"]
_T = TypeVar("_T")

_READ_SIZE = 16 * 1024  # bytes taken from a socket at once
_PIECE = 1024  # largest write while throttled, and the token bucket's burst
_QUEUE_CHUNKS = 64  # chunks held per direction (read but not yet forwarded) before reading pauses
_BACKLOG = 128
_CLOSE_GRACE = 1.0  # seconds a cut connection may take to flush before it is reset
_STOP_TIMEOUT = 10.0


class _Cut(Exception):
    """A cut fault fired: close both sides of the connection after what was forwarded."""


@dataclass
class _CutFault:
    nbytes: int
    times: int


@dataclass
class _Queued:
    due: float  # loop time at which the item may leave the proxy
    data: bytes | None  # None: end of stream
    error: OSError | None = None


class _TokenBucket:
    """A token bucket shared by all connections of one direction; tokens may go negative (debt) so rates stay exact."""

    def __init__(self, capacity: int) -> None:
        self._capacity = float(capacity)
        self._tokens = float(capacity)
        self._stamp = time.monotonic()

    async def take(self, nbytes: int, bits_per_second: int) -> None:
        byte_rate = bits_per_second / 8
        now = time.monotonic()
        self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * byte_rate)
        self._stamp = now
        self._tokens -= nbytes
        if self._tokens < 0:
            await asyncio.sleep(-self._tokens / byte_rate)


@dataclass(eq=False)
class _Conn:
    cut_budget: dict[Direction, int | None]
    forwarded: dict[Direction, int] = field(default_factory=lambda: {"up": 0, "down": 0})
    writers: list[asyncio.StreamWriter] = field(default_factory=list)
    task: asyncio.Task[None] | None = None

    def reset(self) -> None:
        for writer in self.writers:
            _reset(writer)


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close at once with a TCP RST, dropping anything still buffered."""
    if writer.transport.is_closing():
        return
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _close(writers: list[asyncio.StreamWriter]) -> None:
    """Close gracefully (flushing what was written, then FIN); reset whatever does not finish in time."""
    for writer in writers:
        if not writer.transport.is_closing():
            writer.close()
    for writer in writers:
        try:
            await asyncio.wait_for(writer.wait_closed(), _CLOSE_GRACE)
        except (OSError, TimeoutError):
            writer.transport.abort()


class FaultProxy:
    """A TCP proxy on 127.0.0.1 (free port) to (target_host, target_port), with faults the test can change any time.

    It runs its own asyncio loop in a background thread. Every setter is thread-safe and takes effect for data that
    arrives afterwards (``drop_all`` takes effect before it returns). Per connection and direction, a reader stamps each
    chunk with ``arrival + delay`` and a writer forwards the chunks in order once due, throttled by a token bucket
    shared by all connections of that direction (one emulated link), so delay and bandwidth pipeline like a real line.
    Half-closes (EOF one way) are forwarded as half-closes; a reset on one side resets the other.
    The TCP handshake itself is not delayed. Up is client to server, down is server to client.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target_host = target_host
        self.target_port = target_port
        self._lock = threading.Lock()
        self._delay = 0.0
        self._bandwidth: int | None = None
        self._cuts: dict[Direction, _CutFault | None] = {"up": None, "down": None}
        self._bytes: dict[Direction, int] = {"up": 0, "down": 0}
        self._connections = 0
        self._dropped = False
        self._listening = False  # loop thread only
        self._port = 0
        self._listener: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        self._accept_task: asyncio.Task[None] | None = None
        self._conns: set[_Conn] = set()
        self._buckets: dict[Direction, _TokenBucket] = {"up": _TokenBucket(_PIECE), "down": _TokenBucket(_PIECE)}
        self._started = False
        self._stopped = False

    # --- lifecycle -------------------------------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        if self._started:
            raise RuntimeError("FaultProxy.start() called twice")
        self._started = True
        self._listener = self._bind_free_port()
        self._port = self._listener.getsockname()[1]
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(ready, failure), name=f"FaultProxy-{self._port}", daemon=True
        )
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join(_STOP_TIMEOUT)
            raise RuntimeError("FaultProxy failed to start") from failure[0]
        return self

    def stop(self) -> None:
        """Close the listener and every connection (reset), and join the thread. Safe to call more than once."""
        if not self._started or self._stopped:
            return
        self._stopped = True
        loop, thread, stopping = self._loop, self._thread, self._stopping
        if loop is not None and stopping is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended
                loop.call_soon_threadsafe(stopping.set)
        if thread is not None:
            thread.join(_STOP_TIMEOUT)
            if thread.is_alive():
                raise RuntimeError("FaultProxy thread did not stop")

    def __enter__(self) -> FaultProxy:
        if not self._started:
            self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError("FaultProxy is not started")
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- faults ----------------------------------------------------------------------------------------------------

    def cut_request_after(self, nbytes: int, times: int = 1) -> None:
        """The next `times` new connections: close both sides once `nbytes` went client->server (0: on the first)."""
        self._set_cut("up", nbytes, times)

    def cut_response_after(self, nbytes: int, times: int = 1) -> None:
        """The next `times` new connections: close both sides once `nbytes` went server->client (0: on the first)."""
        self._set_cut("down", nbytes, times)

    def set_delay(self, seconds: float) -> None:
        """One-way latency added to every chunk in both directions (a round trip costs twice this); order is kept."""
        if seconds < 0:
            raise ValueError("delay must be >= 0")
        with self._lock:
            self._delay = float(seconds)

    def set_bandwidth(self, bits_per_second: int | None) -> None:
        """Throttle each direction to this rate, shared by all connections (None: unlimited)."""
        if bits_per_second is not None and bits_per_second <= 0:
            raise ValueError("bandwidth must be > 0 or None")
        with self._lock:
            self._bandwidth = bits_per_second

    def drop_all(self, on: bool, *, kill_existing: bool = True) -> None:
        """Server unreachable: new connections are refused (the listener stops listening, the port stays ours).

        With `kill_existing` (default) turning it on also resets every open connection, as an outage would.
        Takes effect before returning.
        """
        with self._lock:
            self._dropped = on
        if self._loop is not None and not self._stopped:
            self._call(self._apply_drop(kill_existing))

    def reset_faults(self) -> None:
        """No cuts, no delay, no throttling, listening again (open connections are left alone)."""
        with self._lock:
            self._delay = 0.0
            self._bandwidth = None
            self._cuts = {"up": None, "down": None}
        self.drop_all(False)

    # --- counters --------------------------------------------------------------------------------------------------

    @property
    def bytes_up(self) -> int:
        """Bytes forwarded client->server."""
        with self._lock:
            return self._bytes["up"]

    @property
    def bytes_down(self) -> int:
        """Bytes forwarded server->client."""
        with self._lock:
            return self._bytes["down"]

    @property
    def connections(self) -> int:
        """Client connections accepted."""
        with self._lock:
            return self._connections

    def reset_counters(self) -> None:
        with self._lock:
            self._bytes = {"up": 0, "down": 0}
            self._connections = 0

    # --- internals -------------------------------------------------------------------------------------------------

    def _set_cut(self, direction: Direction, nbytes: int, times: int) -> None:
        if nbytes < 0 or times < 0:
            raise ValueError("nbytes and times must be >= 0")
        with self._lock:
            self._cuts[direction] = _CutFault(nbytes, times) if times else None

    def _claim_cut(self, direction: Direction) -> int | None:
        """Under the lock: the byte budget of a new connection in this direction, if a cut is pending."""
        cut = self._cuts[direction]
        if cut is None:
            return None
        cut.times -= 1
        if cut.times <= 0:
            self._cuts[direction] = None
        return cut.nbytes

    @staticmethod
    def _bind_free_port() -> socket.socket:
        # Bound to an explicit port (not 0) so that on Linux shutdown() of the listener keeps the port reserved.
        for _attempt in range(50):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                sock.bind(("127.0.0.1", port))
                sock.listen(_BACKLOG)
            except OSError:
                sock.close()
                continue
            sock.setblocking(False)
            return sock
        raise RuntimeError("no free port for FaultProxy")

    def _call(self, coro: Coroutine[Any, Any, _T]) -> _T:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(_STOP_TIMEOUT)

    def _run(self, ready: threading.Event, failure: list[BaseException]) -> None:
        try:
            asyncio.run(self._main(ready))
        except BaseException as exc:  # reported to start(), or lost after stop()
            failure.append(exc)
        finally:
            ready.set()
            if self._listener is not None:
                self._listener.close()
                self._listener = None

    async def _main(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self._listening = True
        self._accept_task = asyncio.create_task(self._accept_loop())
        await self._apply_drop(kill_existing=False)  # drop_all(True) may have come before start()
        ready.set()
        await self._stopping.wait()
        if self._accept_task is not None:
            self._accept_task.cancel()
            await asyncio.gather(self._accept_task, return_exceptions=True)
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        tasks = [conn.task for conn in self._conns if conn.task is not None]
        for conn in list(self._conns):
            conn.reset()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _apply_drop(self, kill_existing: bool) -> None:
        with self._lock:
            dropped = self._dropped
        if dropped and self._listening:
            if self._accept_task is not None:
                self._accept_task.cancel()
                await asyncio.gather(self._accept_task, return_exceptions=True)
                self._accept_task = None
            self._stop_listening()
            self._listening = False
        elif not dropped and not self._listening:
            self._listen_again()
            self._listening = True
            self._accept_task = asyncio.create_task(self._accept_loop())
        if dropped and kill_existing:
            for conn in list(self._conns):
                conn.reset()

    def _stop_listening(self) -> None:
        assert self._listener is not None
        if sys.platform.startswith("linux"):
            try:
                # Refuses new connections (and resets queued ones) while the port stays bound to this socket.
                self._listener.shutdown(socket.SHUT_RDWR)
                return
            except OSError:
                pass
        self._listener.close()
        self._listener = None

    def _listen_again(self) -> None:
        if self._listener is not None:
            self._listener.listen(_BACKLOG)
            return
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", self._port))
            sock.listen(_BACKLOG)
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        self._listener = sock

    async def _accept_loop(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._listener is not None
        listener = self._listener
        while True:
            try:
                client, _address = await loop.sock_accept(listener)
            except OSError:  # e.g. out of file descriptors: back off rather than spin
                await asyncio.sleep(0.05)
                continue
            with self._lock:
                self._connections += 1
                budgets: dict[Direction, int | None] = {"up": self._claim_cut("up"), "down": self._claim_cut("down")}
            conn = _Conn(cut_budget=budgets)
            self._conns.add(conn)
            conn.task = asyncio.create_task(self._serve(conn, client))

    async def _serve(self, conn: _Conn, client: socket.socket) -> None:
        up: asyncio.Task[None] | None = None
        down: asyncio.Task[None] | None = None
        clean = False
        try:
            client_reader, client_writer = await asyncio.open_connection(sock=client, limit=_READ_SIZE)
            conn.writers.append(client_writer)
            try:
                server_reader, server_writer = await asyncio.open_connection(
                    self.target_host, self.target_port, limit=_READ_SIZE
                )
            except OSError:
                return  # target down: the client gets a reset
            conn.writers.append(server_writer)
            up = asyncio.create_task(self._pump(conn, "up", client_reader, server_writer))
            down = asyncio.create_task(self._pump(conn, "down", server_reader, client_writer))
            await asyncio.wait({up, down}, return_when=asyncio.FIRST_EXCEPTION)
            for task in (up, down):
                if not task.done():
                    task.cancel()
            results = await asyncio.gather(up, down, return_exceptions=True)
            # The task that was cancelled because the other one failed reports CancelledError: not an error here.
            errors = [r for r in results if isinstance(r, BaseException) and not isinstance(r, asyncio.CancelledError)]
            if all(isinstance(error, _Cut) for error in errors):
                await _close(conn.writers)  # both half-closed normally, or a cut: flush and FIN
                clean = True
        finally:
            pumps = [pump for pump in (up, down) if pump is not None]
            for pump in pumps:
                pump.cancel()
            if not clean:
                conn.reset()
                if not conn.writers:
                    client.close()
            self._conns.discard(conn)
            await asyncio.gather(*pumps, return_exceptions=True)

    async def _pump(
        self, conn: _Conn, direction: Direction, source: asyncio.StreamReader, sink: asyncio.StreamWriter
    ) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[_Queued] = asyncio.Queue(maxsize=_QUEUE_CHUNKS)
        reader = asyncio.create_task(self._read(source, queue))
        try:
            while True:
                item = await queue.get()
                wait = item.due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if item.error is not None:
                    raise item.error
                if item.data is None:
                    if sink.can_write_eof():
                        sink.write_eof()
                    return
                await self._forward(conn, direction, item.data, sink)
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)

    async def _read(self, source: asyncio.StreamReader, queue: asyncio.Queue[_Queued]) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                data = await source.read(_READ_SIZE)
            except OSError as exc:
                await queue.put(_Queued(loop.time() + self._current_delay(), None, exc))
                return
            await queue.put(_Queued(loop.time() + self._current_delay(), data or None))
            if not data:
                return

    def _current_delay(self) -> float:
        with self._lock:
            return self._delay

    async def _forward(self, conn: _Conn, direction: Direction, data: bytes, sink: asyncio.StreamWriter) -> None:
        budget = conn.cut_budget[direction]
        position = 0
        while position < len(data):
            with self._lock:
                rate = self._bandwidth
            piece = data[position : position + (_PIECE if rate else len(data))]
            if budget is not None:
                piece = piece[: budget - conn.forwarded[direction]]
            if piece:
                if rate:
                    await self._buckets[direction].take(len(piece), rate)
                sink.write(piece)
                conn.forwarded[direction] += len(piece)
                with self._lock:
                    self._bytes[direction] += len(piece)
                await sink.drain()
                position += len(piece)
            if budget is not None and conn.forwarded[direction] >= budget:
                raise _Cut
