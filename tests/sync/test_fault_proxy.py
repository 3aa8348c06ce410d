"""The fault-injecting proxy against a real local HTTP server and raw sockets: passthrough, cuts, delay, throttling."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.sync.fault_proxy import FaultProxy

BODY = bytes(range(256)) * 800  # 200 KB, a pattern so that reordering or loss shows
SMALL = 16 * 1024


class _Handler(BaseHTTPRequestHandler):
    """GET /?size=N answers the first N bytes of BODY; POST echoes its body, noting when it arrived truncated."""

    protocol_version = "HTTP/1.1"  # keep-alive
    timeout = 10
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:
        size = int(parse_qs(urlsplit(self.path).query).get("size", [str(len(BODY))])[0])
        self.server.record("GET", size)
        self._answer(BODY[:size])

    def do_POST(self) -> None:
        expected = int(self.headers["Content-Length"])
        received = bytearray()
        try:
            while len(received) < expected:
                chunk = self.rfile.read1(expected - len(received))
                if not chunk:
                    break
                received += chunk
        except OSError:
            pass
        if len(received) < expected:
            self.server.record("POST truncated", len(received))
            self.close_connection = True
            return
        self.server.record("POST", len(received))
        self._answer(bytes(received))

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:  # the proxy cut the answer
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls: list[tuple[str, int]] = []
        self._calls_lock = threading.Lock()

    def record(self, kind: str, size: int) -> None:
        with self._calls_lock:
            self.calls.append((kind, size))

    def kinds(self) -> list[str]:
        with self._calls_lock:
            return [kind for kind, _size in self.calls]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # resets from the proxy's faults are expected


@pytest.fixture
def server() -> Iterator[_Server]:
    httpd = _Server()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture
def proxy(server: _Server) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", server.server_address[1]) as fault_proxy:
        yield fault_proxy
    assert not _proxy_threads(), "the proxy left its thread behind"


def _proxy_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("FaultProxy-")]


def _client(proxy: FaultProxy, timeout: float = 10) -> httpx.Client:
    return httpx.Client(base_url=proxy.url, trust_env=False, timeout=timeout)


def _wait_until(condition: Callable[[], bool], timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def _timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_passthrough_with_keep_alive(proxy: FaultProxy, server: _Server) -> None:
    with _client(proxy) as client:
        for _ in range(5):
            response = client.get("/")
            assert response.status_code == 200
            assert response.content == BODY
        echoed = client.post("/echo", content=BODY[:50_000])
        assert echoed.content == BODY[:50_000]
    assert proxy.connections == 1  # six requests, one connection
    assert server.kinds() == ["GET"] * 5 + ["POST"]


def test_concurrent_connections(proxy: FaultProxy, server: _Server) -> None:
    failures: list[BaseException] = []

    def work(index: int) -> None:
        try:
            with _client(proxy) as client:
                for size in (len(BODY), 1000 + index, 0):
                    assert client.get("/", params={"size": size}).content == BODY[:size]
                assert client.post("/", content=BODY[index:]).content == BODY[index:]
        except BaseException as exc:  # reported below
            failures.append(exc)

    workers = [threading.Thread(target=work, args=(index,)) for index in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert not failures
    assert proxy.connections == 6
    assert len(server.calls) == 24


def test_half_close_is_forwarded_in_order() -> None:
    """The client's EOF reaches the server after all its data (even delayed), and the server can still answer."""
    listener = socket.create_server(("127.0.0.1", 0))
    received = bytearray()

    def reverse_after_eof() -> None:
        connection, _address = listener.accept()
        with connection:
            while chunk := connection.recv(65536):
                received.extend(chunk)
            connection.sendall(bytes(received[::-1]))

    target = threading.Thread(target=reverse_after_eof, daemon=True)
    target.start()
    payload = BODY + BODY
    with FaultProxy("127.0.0.1", listener.getsockname()[1]) as proxy, listener:
        proxy.set_delay(0.05)
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
            answer = bytearray()
            while chunk := sock.recv(65536):
                answer.extend(chunk)
        target.join(5)
    assert bytes(received) == payload
    assert bytes(answer) == payload[::-1]


def test_cut_request_truncates_what_the_server_gets(proxy: FaultProxy, server: _Server) -> None:
    proxy.cut_request_after(50_000)
    with _client(proxy) as client, pytest.raises(httpx.TransportError):
        client.post("/echo", content=BODY[:100_000])
    _wait_until(lambda: server.kinds() == ["POST truncated"])
    truncated_size = server.calls[0][1]
    assert 0 < truncated_size < 50_000  # the headers came first, then part of the body
    assert proxy.bytes_up == 50_000
    # Only the next connection was cut.
    with _client(proxy) as client:
        assert client.post("/echo", content=BODY[:100_000]).content == BODY[:100_000]
    assert server.kinds() == ["POST truncated", "POST"]


def test_cut_response_after_the_server_served(proxy: FaultProxy, server: _Server) -> None:
    proxy.cut_response_after(1000, times=2)
    for _ in range(2):
        with _client(proxy) as client, pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.get("/")
    assert server.kinds() == ["GET", "GET"]  # the server handled both, the client heard neither completely
    assert proxy.bytes_down == 2000
    with _client(proxy) as client:
        assert client.get("/").content == BODY
    assert server.kinds() == ["GET"] * 3


def test_cut_response_at_zero_bytes_means_no_answer_at_all(proxy: FaultProxy, server: _Server) -> None:
    proxy.cut_response_after(0)
    with _client(proxy) as client, pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        client.post("/echo", content=b"important")
    assert server.calls == [("POST", 9)]
    assert proxy.bytes_down == 0


def test_delay_is_one_way_and_applies_to_every_request(proxy: FaultProxy) -> None:
    proxy.set_delay(0.15)
    with _client(proxy) as client:
        first, first_time = _timed(lambda: client.get("/", params={"size": 100}))
        second, second_time = _timed(lambda: client.get("/"))  # same connection, 200 KB
    assert first.content == BODY[:100]
    assert second.content == BODY
    assert 0.3 <= first_time < 0.8
    assert 0.3 <= second_time < 0.8
    proxy.set_delay(0)
    with _client(proxy) as client:
        _response, fast_time = _timed(lambda: client.get("/"))
    assert fast_time < 0.25  # no longer the 0.3 s round trip


def test_bandwidth_throttles_a_download(proxy: FaultProxy) -> None:
    proxy.set_bandwidth(64_000)
    with _client(proxy) as client:
        response, elapsed = _timed(lambda: client.get("/", params={"size": SMALL}))
    assert response.content == BODY[:SMALL]
    expected = SMALL * 8 / 64_000  # 2.05 s
    assert 0.6 * expected <= elapsed <= 1.4 * expected


def test_slow_link_with_300_ms_round_trips_in_both_directions(proxy: FaultProxy) -> None:
    """64 kbit/s each way, 0.15 s each way: an echo of 4 KB pays the upload, the download and one round trip."""
    proxy.set_bandwidth(64_000)
    proxy.set_delay(0.15)
    size = 4096
    with _client(proxy) as client:
        response, elapsed = _timed(lambda: client.post("/echo", content=BODY[:size]))
    assert response.content == BODY[:size]
    expected = 2 * size * 8 / 64_000 + 0.3  # 1.32 s
    assert elapsed >= 0.3 + size * 8 / 64_000
    assert 0.6 * expected <= elapsed <= 1.4 * expected


def test_drop_all_refuses_connections_until_lifted(proxy: FaultProxy, server: _Server) -> None:
    port = proxy.port
    with _client(proxy) as client:
        assert client.get("/", params={"size": 10}).status_code == 200
        proxy.drop_all(True)
        with pytest.raises(httpx.TransportError):  # the open keep-alive connection was reset too
            client.get("/", params={"size": 10})
    with _client(proxy) as client, pytest.raises(httpx.ConnectError):
        client.get("/", params={"size": 10})
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    proxy.drop_all(False)
    assert proxy.port == port
    with _client(proxy) as client:
        assert client.get("/", params={"size": 10}).content == BODY[:10]
    assert server.kinds() == ["GET", "GET"]


def test_counters_count_bytes_each_way(proxy: FaultProxy) -> None:
    request = b"GET /?size=5000 HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as sock:
        sock.sendall(request)
        answer = bytearray()
        while chunk := sock.recv(65536):
            answer.extend(chunk)
    assert answer.endswith(BODY[:5000])
    _wait_until(lambda: proxy.bytes_down == len(answer))
    assert proxy.bytes_up == len(request)
    assert proxy.connections == 1
    proxy.reset_counters()
    assert (proxy.bytes_up, proxy.bytes_down, proxy.connections) == (0, 0, 0)


def test_reset_faults_restores_a_clean_line(proxy: FaultProxy) -> None:
    proxy.set_delay(1)
    proxy.set_bandwidth(1000)
    proxy.cut_request_after(10, times=5)
    proxy.cut_response_after(10, times=5)
    proxy.drop_all(True)
    proxy.reset_faults()
    with _client(proxy) as client:
        response, elapsed = _timed(lambda: client.get("/"))
    assert response.content == BODY
    assert elapsed < 0.5


def test_unreachable_target_resets_the_client() -> None:
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        closed_port = placeholder.getsockname()[1]
    with FaultProxy("127.0.0.1", closed_port) as proxy, _client(proxy) as client, pytest.raises(httpx.TransportError):
        client.get("/")


def test_stop_ends_transfers_and_the_thread(server: _Server) -> None:
    proxy = FaultProxy("127.0.0.1", server.server_address[1]).start()
    proxy.set_bandwidth(8_000)  # 200 KB would take more than three minutes
    outcome: list[BaseException | httpx.Response] = []

    def download() -> None:
        try:
            with _client(proxy, timeout=60) as client:
                outcome.append(client.get("/"))
        except BaseException as exc:  # reported below
            outcome.append(exc)

    idle = _client(proxy)
    assert idle.get("/", params={"size": 1}).status_code == 200  # an idle keep-alive connection stays open
    proxy.reset_counters()
    downloader = threading.Thread(target=download)
    downloader.start()
    _wait_until(lambda: proxy.bytes_down > 0)  # the download is under way
    started = time.monotonic()
    proxy.stop()
    assert time.monotonic() - started < 2
    downloader.join(5)
    assert not downloader.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], httpx.TransportError)
    assert not _proxy_threads()
    with pytest.raises(httpx.TransportError):
        idle.get("/", params={"size": 1})
    idle.close()
    proxy.stop()  # twice is fine
