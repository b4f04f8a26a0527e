"""Network faults against a loopback server: each ends in a one-line ProviderError within time and memory bounds,
and leaves the store as it was (#13)."""

from __future__ import annotations

import hashlib
import re
import shutil
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from ratecycle.data.catalog import CATALOG
from ratecycle.data.providers import fred
from ratecycle.data.providers.http import DEFAULT_RETRY_BUDGET, HttpClient
from ratecycle.data.snapshot_io import import_snapshot
from ratecycle.data.store import Store
from ratecycle.data.update import update_series
from ratecycle.errors import ProviderError

CSV_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nConnection: close\r\n"


@contextmanager
def loopback(handler: Callable[[socket.socket], None]) -> Iterator[tuple[str, list[int]]]:
    """A server on 127.0.0.1 that reads each request head and hands the connection to ``handler``."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()
    connections: list[int] = []

    def one(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10.0)
            data = b""
            with suppress(OSError):
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                handler(conn) if not stop.is_set() else None

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            connections.append(1)
            threading.Thread(target=one, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}", connections
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def _client(**limits: float) -> HttpClient:
    return HttpClient("test", sleep=time.sleep, backoff=0.1, **limits)  # type: ignore[arg-type]


def test_truncated_body_without_content_length_is_refused(tmp_path: Path, snapshot_dir: Path) -> None:
    """A FRED CSV cut mid-number (3.6 for 3.63) with no Content-Length: refused, the store keeps its bytes."""
    body = b"observation_date,DFF\n2026-08-07,3.63\n2026-08-10,3.6"

    def cut(conn: socket.socket) -> None:
        conn.sendall(CSV_HEAD + b"\r\n" + body)

    (tmp_path / "snap" / "fred").mkdir(parents=True)
    shutil.copyfile(snapshot_dir / "fred" / "DFF.csv", tmp_path / "snap" / "fred" / "DFF.csv")
    store_path = tmp_path / "store.duckdb"
    import_snapshot(tmp_path / "snap", Store(store_path))
    before = hashlib.sha256(store_path.read_bytes()).hexdigest()
    with loopback(cut) as (url, _):
        provider = fred.Provider(base_url=url, sleep=lambda _: None, retries=2)
        cut_off = r"fred DFF: body cut off: no line end after its last row '2026-08-10,3.6'"
        with pytest.raises(ProviderError, match=cut_off):
            provider.fetch(CATALOG["fed_effective"].segments[0], "fed_effective")
        result = update_series(CATALOG["fed_effective"], Store(store_path), providers={"fred": provider})
    assert result.status == "failed" and "cut off" in result.message and "\n" not in result.message
    assert hashlib.sha256(store_path.read_bytes()).hexdigest() == before


def test_slow_drip_stops_at_the_deadline() -> None:
    """One byte every 0.1 s (each read is quick, the whole never ends): stopped by the overall deadline."""

    def drip(conn: socket.socket) -> None:
        conn.sendall(CSV_HEAD + b"Content-Length: 100000\r\n\r\n")
        for _ in range(600):
            conn.sendall(b"1")
            time.sleep(0.1)

    with loopback(drip) as (url, connections):
        started = time.monotonic()
        with pytest.raises(ProviderError) as caught:
            _client(timeout=5, deadline=1.0, retry_budget=20, retries=2).get(url, symbol="S")
        elapsed = time.monotonic() - started
    assert re.search(r"deadline of 1s passed after \d+ bytes .* after 2 attempts", str(caught.value)), caught.value
    assert "\n" not in str(caught.value)
    assert elapsed < 6.0  # two attempts of 1 s and a 0.1 s wait, not the minute the drip would last
    assert len(connections) == 2


def test_hung_server_costs_at_most_the_retry_budget() -> None:
    """A server that never answers: each attempt ends at the read timeout, all of them within the budget."""

    def hang(conn: socket.socket) -> None:
        time.sleep(8)

    with loopback(hang) as (url, _):
        started = time.monotonic()
        with pytest.raises(ProviderError, match=r"read timeout .*retry time budget 2.5s spent"):
            _client(timeout=1.0, deadline=5, retry_budget=2.5, retries=10).get(url, symbol="S")
        elapsed = time.monotonic() - started
    assert elapsed < 3.5


def test_default_limits_keep_a_hung_provider_well_under_a_minute() -> None:
    client = HttpClient("test")
    assert client.retry_budget == DEFAULT_RETRY_BUDGET <= 45 and client.timeout <= client.deadline <= 30


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """A valid gzip body that inflates to 1 GiB of zeros (about 1 MB on the wire).

    After a full flush the compressor starts afresh, so 16 MiB of zeros compress to the same bytes each time:
    one such block is built and repeated 64 times (compressing 1 GiB would take a minute)."""
    zeros = bytes(1 << 24)
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    assert again == block
    crc = 0
    for _ in range(64):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = crc.to_bytes(4, "little") + ((64 << 24) & 0xFFFFFFFF).to_bytes(4, "little")
    return header + block * 64 + packer.flush() + trailer


def test_decompression_bomb_stops_at_the_cap(gzip_bomb: bytes) -> None:
    def bomb(conn: socket.socket) -> None:
        with suppress(OSError):
            conn.sendall(CSV_HEAD + b"Content-Encoding: gzip\r\n"
                         + f"Content-Length: {len(gzip_bomb)}\r\n\r\n".encode() + gzip_bomb)

    assert len(gzip_bomb) < 2_000_000
    with loopback(bomb) as (url, connections):
        tracemalloc.start()
        started = time.monotonic()
        try:
            with pytest.raises(ProviderError, match=r"body larger than 20,000,000 bytes once decompressed"):
                _client(max_bytes=20_000_000, retries=3).get(url, symbol="S")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        elapsed = time.monotonic() - started
    assert peak < 64_000_000  # far below the 1 GiB the body would inflate to
    assert elapsed < 10.0
    assert len(connections) == 1  # the same answer would come again: not retried


def test_gzip_body_within_the_cap_is_read_whole() -> None:
    """The decoder is a real one: a gzip CSV comes back byte for byte."""
    text = b"observation_date,DFF\n" + b"".join(f"2026-01-{d:02d},3.{d}\n".encode() for d in range(1, 29))
    packed = zlib.compress(text)  # zlib-wrapped deflate, as servers send for 'deflate'

    def send(conn: socket.socket) -> None:
        conn.sendall(CSV_HEAD + b"Content-Encoding: deflate\r\n" + f"Content-Length: {len(packed)}\r\n\r\n".encode()
                     + packed)

    with loopback(send) as (url, _):
        assert _client().get(url, symbol="S").content == text


def test_gzip_body_of_two_members_is_read_whole() -> None:
    """Concatenated gzip members (allowed by RFC 1952) inflate to their concatenation, not to the first alone."""
    import gzip

    first, second = b"observation_date,DFF\n2026-01-02,3.5\n", b"2026-01-05,3.25\n"
    packed = gzip.compress(first) + gzip.compress(second)

    def send(conn: socket.socket) -> None:
        conn.sendall(CSV_HEAD + b"Content-Encoding: gzip\r\n" + f"Content-Length: {len(packed)}\r\n\r\n".encode()
                     + packed)

    with loopback(send) as (url, _):
        assert _client().get(url, symbol="S").content == first + second
