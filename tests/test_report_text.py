"""Report wording that is derived from numbers: the sentence must match the signs it summarises."""

from __future__ import annotations

import pytest

from ratecycle.report.sections_macro_parts import _lead_text


@pytest.mark.parametrize(("relatives", "text"), [
    ((0.03, 0.04, 0.001), "leads the S&P 500 on all 3 look-backs"),
    ((-0.012, 0.03, 0.02), "leads the S&P 500 on 2 of 3 look-backs"),
    ((-0.01, -0.02, 0.0), "lags the S&P 500 on 2 of 3 look-backs"),
    ((-0.01, -0.02, -0.03), "lags the S&P 500 on all 3 look-backs"),
    ((0.01, -0.02, 0.0), "is level with the S&P 500 (ahead on 1, behind on 1 of 3 look-backs)"),
])
def test_momentum_sentence_counts_the_signs(relatives: tuple[float, ...], text: str) -> None:
    horizons = [{"months": m, "relative": r} for m, r in zip((1, 3, 6), relatives, strict=True)]
    assert _lead_text(horizons, "S&P 500") == text
