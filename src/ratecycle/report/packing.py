"""Binary payloads inside the page (plotly.js, the explorer's grid): gzip, then base85 in an alphabet safe inside a
``<script>`` element, unpacked in the browser by one small function (``UNPACK_JS``) and ``DecompressionStream``.

Base85 carries 4 bytes in 5 characters where base64 needs 5.33, which keeps the page about 120 kB smaller."""

from __future__ import annotations

import base64
import gzip

import numpy as np

_PY85 = "<>&`"
"""Characters of Python's base85 alphabet (RFC 1924 order) that could open a tag or an entity in HTML."""
_HTML85 = ",.:["
"""Their stand-ins, none of them in the alphabet: the packed text never holds '<', '>', '&' or a backtick."""
_TO_HTML = str.maketrans(_PY85, _HTML85)
_FROM_HTML = str.maketrans(_HTML85, _PY85)

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~".translate(_TO_HTML)
"""The 85 digits in value order, as they appear in the page."""
_DIGIT_BYTES = np.frombuffer(DIGITS.encode("ascii"), dtype=np.uint8)


def pack(data: bytes, level: int = 9) -> str:
    """gzip (fixed header time, so the same input gives the same text) then base85 in the page's alphabet."""
    return base85(gzip.compress(data, compresslevel=level, mtime=0))


def base85(data: bytes) -> str:
    """Base85 in the page's alphabet: the text ``base64.b85encode`` gives, with the four stand-ins.

    Computed with numpy, all 4-byte groups at once (the standard library's encoder is a Python loop, about ten times
    slower)."""
    pad = -len(data) % 4
    words = np.frombuffer(data + b"\0" * pad, dtype=">u4").astype(np.int64)
    digits = np.empty((words.size, 5), dtype=np.int64)
    for place in range(4, -1, -1):
        words, digits[:, place] = np.divmod(words, 85)
    text = _DIGIT_BYTES[digits].tobytes()
    return text[:len(text) - pad].decode("ascii")


def unpack(text: str) -> bytes:
    """The bytes ``pack`` was given (used by checks; the browser runs ``UNPACK_JS``)."""
    return gzip.decompress(base64.b85decode(text.strip().translate(_FROM_HTML)))


UNPACK_JS = (f"window.rcBase85=function(t){{var D='{DIGITS}';var v=new Uint8Array(128);"
             "for(var i=0;i<85;i++){v[D.charCodeAt(i)]=i;}"
             "var r=t.length%5,n=Math.floor(t.length/5)*4+(r?r-1:0),out=new Uint8Array(n+4),o=0;"
             "for(var p=0;p<t.length;p+=5){var a=0;for(var k=0;k<5;k++){"
             "a=a*85+(p+k<t.length?v[t.charCodeAt(p+k)]:84);}"
             "out[o]=a>>>24;out[o+1]=(a>>>16)&255;out[o+2]=(a>>>8)&255;out[o+3]=a&255;o+=4;}"
             "return out.subarray(0,n);};"
             "window.rcUnpack=async function(id){var el=document.getElementById(id);"
             "var b=window.rcBase85(el.textContent.trim());el.textContent='';"
             "var s=new Blob([b]).stream().pipeThrough(new DecompressionStream('gzip'));"
             "return await new Response(s).text();};")
"""``rcBase85(text)``: the bytes of page-alphabet base85 text (a short last group is padded with the top digit,
as Python's decoder does); ``rcUnpack(id)``: the text packed into element ``id``, which is then emptied."""
