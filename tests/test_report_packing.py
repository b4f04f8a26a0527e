"""Payloads packed into the page: the text is safe inside a script element, Python's standard base85 decoder and
the page's own ``rcUnpack`` both give back exactly what was packed, for every length of the last group."""

from __future__ import annotations

import base64
import gzip
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

from ratecycle.report.browser import CHROMIUM_ARGS, chromium_path
from ratecycle.report.packing import UNPACK_JS, base85, pack, unpack

SAMPLES = ["", "a", "ab", "abc", "abcd", "Russell 2000 – S&P 500 </script> <b>&amp;</b> `x`",
           *("".join(random.Random(seed).choice("0123456789ab,{}\"é€ \n") for _ in range(seed * 37))
             for seed in range(1, 13))]
"""Texts whose packed length covers every remainder mod 5 (checked below), with markup and non-ASCII characters."""


BYTES = [bytes(random.Random(n).randrange(256) for _ in range(n)) for n in range(17)] + [b"\xff" * 7, b"\x00" * 6]
"""Raw byte strings of every length mod 4, random and extreme, for the base85 step alone."""


def _standard_decode(text: str) -> bytes:
    """The packed text read back with the standard library only: undo the four stand-ins, base85, gunzip."""
    return gzip.decompress(base64.b85decode(text.translate(str.maketrans(",.:[", "<>&`"))))


def test_packed_text_is_inert_inside_a_script_element() -> None:
    for sample in SAMPLES:
        packed = pack(sample.encode("utf-8"))
        assert re.fullmatch(r"[0-9A-Za-z!#$%()*+\-;=?@^_{|}~,.:\[]*", packed), packed
        assert "<" not in packed and "&" not in packed


def test_standard_decoder_and_unpack_give_back_the_input() -> None:
    remainders = set()
    for sample in SAMPLES:
        packed = pack(sample.encode("utf-8"), level=6)
        remainders.add(len(packed) % 5)
        assert _standard_decode(packed) == sample.encode("utf-8")
        assert unpack(packed) == sample.encode("utf-8")
    assert remainders == {0, 2, 3, 4}  # 1 cannot occur: a short group of n bytes is n + 1 digits


def test_base85_is_the_standard_encoding_with_four_stand_ins() -> None:
    rng = random.Random(7)
    for data in [*BYTES, bytes(rng.randrange(256) for _ in range(100_003))]:
        assert base85(data) == base64.b85encode(data).decode("ascii").translate(str.maketrans("<>&`", ",.:["))


def test_packing_is_deterministic_and_smaller_than_base64() -> None:
    data = json.dumps([[i, i * 0.125, f"row {i}"] for i in range(5000)]).encode()
    assert pack(data) == pack(data)
    b64 = base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0))
    assert len(pack(data)) < 0.95 * len(b64)


@pytest.mark.browser
def test_the_page_unpacks_every_sample(tmp_path: Path) -> None:
    if chromium_path() is None:
        pytest.skip("Chromium not installed")
    from playwright.sync_api import sync_playwright

    blocks = "".join(f'<script type="application/octet-stream" id="p{i}">{pack(s.encode("utf-8"))}</script>'
                     for i, s in enumerate(SAMPLES))
    page_file = tmp_path / "p.html"
    page_file.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><script>{UNPACK_JS}</script></head>'
                         f"<body>{blocks}</body></html>", encoding="utf-8")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page: Any = chromium.new_page()
            page.goto(page_file.as_uri(), wait_until="load")
            got = page.evaluate(f"() => Promise.all(Array.from({{length: {len(SAMPLES)}}}, (_, i) => "
                                "window.rcUnpack('p' + i)))")
            decoded = page.evaluate("texts => texts.map(t => Array.from(window.rcBase85(t)))",
                                    [base85(b) for b in BYTES])
        finally:
            chromium.close()
    assert got == SAMPLES
    assert [bytes(d) for d in decoded] == BYTES
