"""The glossary appendix: every technical term defined once, and a linker that points its first use there."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .model import Section


@dataclass(frozen=True)
class Term:
    """A glossary entry: the words as they appear in prose, the anchor and the definition."""

    name: str
    definition: str
    forms: tuple[str, ...] = ()
    """Other spellings that count as a use of the term (plural, short form)."""

    @property
    def anchor(self) -> str:
        """HTML id of the entry ('g-later-phase')."""
        return "g-" + re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


TERMS: tuple[Term, ...] = (
    Term("cutting cycle", "An unbroken run of Fed target cuts, read from the FRED target series. It ends at a move "
         "the other way or after a long gap with no move (the maximum gap).", ("cutting cycles",)),
    Term("pause", "The longest stretch inside a cutting cycle with no move, or every stretch longer than the minimum "
         "pause, depending on the pause rule.", ("pauses",)),
    Term("early phase", "From a cycle's first cut to its last cut before the pause."),
    Term("later phase", "From the first cut after the pause to the cycle's last cut; the report's windows start on "
         "its first day. A cycle without a pause has no later phase.", ("later phases",)),
    Term("pause rule", "How a pause is chosen: 'longest' takes the longest quiet stretch of at least the minimum "
         "pause; 'threshold' takes the first one.", ("pause rules",)),
    Term("minimum pause", "Days without a move before a quiet stretch counts as a pause."),
    Term("maximum gap", "Days without a move after which a cycle is over."),
    Term("window convention", "Where a window starts: the close of the event day (daily), the last close of its "
         "month (month end) or of the month before (prior month end); it ends at the matching close N months "
         "later.", ("window conventions",)),
    Term("spread", "Return of the first series minus return of the second over the same window, in percentage "
         "points.", ("spreads",)),
    Term("percentage point", "The unit of a difference between two percentages (pp).", ("percentage points", "pp")),
    Term("hit rate", "The share of past cycles in which the first series beat the second.", ("hit rates",)),
    Term("baseline", "Every window of the same length starting in each month of the common history: what an "
         "ordinary window looks like.", ("baseline windows",)),
    Term("percentile", "Where a value falls among the baseline windows (the 90th: above 90% of them).",
         ("percentiles",)),
    Term("bootstrap interval", "A range for the mean spread from resampling the past cycles with replacement "
         "(95% of resampled means fall inside it).", ("bootstrap intervals",)),
    Term("sign test", "The chance of at least this many wins if each cycle were ahead as often as an average "
         "window, from the binomial distribution."),
    Term("permutation test", "The share of random sets of windows whose mean spread is at least the cycles' mean."),
    Term("scorecard", "Five drivers (policy phase, momentum, valuation, inflation, curve), each read today and "
         "checked against past cycles; each past cycle counts once, weighted by how many of today's readings it "
         "shared, and the weighted record gives the probability and the call.", ("driver scorecard",)),
    Term("z-score", "How many standard deviations (sigma) a value lies from its trailing mean.", ("sigma",)),
    Term("P/E", "Price divided by trailing 12-month earnings."),
    Term("CAPE", "Price divided by the 10-year average of inflation-adjusted earnings (Shiller)."),
    Term("SMB", "Small minus big: the Fama-French return of small-company stocks minus big ones, monthly since "
         "1926.", ("Fama-French SMB",)),
    Term("momentum", "Return of the first series relative to the second over a past look-back.",
         ("relative momentum",)),
    Term("core PCE", "The personal consumption expenditures price index without food and energy, the Fed's "
         "preferred inflation gauge."),
    Term("rebased", "A series divided by its close on a start date, times 100."),
    Term("ex post", "Measured after the fact, with prices that were not known on the as-of date."),
    Term("point in time", "Using only data that existed on the date in question."),
)
"""Every term, in the order the glossary lists them."""


def entry_text(term: Term) -> str:
    """'Later phase: From the first cut after the pause...' (the paragraph every output shows)."""
    return f"{term.name[0].upper()}{term.name[1:]}: {term.definition}"


def glossary_section() -> Section:
    """The glossary appendix: one paragraph per term."""
    return Section("glossary", "Glossary", tuple(entry_text(t) for t in TERMS), appendix=True)


def _pattern() -> re.Pattern[str]:
    words = sorted(((form, term) for term in TERMS for form in (term.name, *term.forms)), key=lambda p: -len(p[0]))
    return re.compile(r"(?<![\w/-])(" + "|".join(re.escape(w) for w, _ in words) + r")(?![\w/-])", re.IGNORECASE)


_BY_FORM = {form.lower(): term for term in TERMS for form in (term.name, *term.forms)}
_PATTERN = _pattern()


def link_terms(text: str, seen: set[str], link: Callable[[str, Term], str], plain: Callable[[str], str]) -> str:
    """``text`` with the first use of each term not in ``seen`` passed through ``link``, the rest through ``plain``."""
    out, pos = [], 0
    for match in _PATTERN.finditer(text):
        term = _BY_FORM[match.group(1).lower()]
        if term.anchor in seen:
            continue
        seen.add(term.anchor)
        out.append(plain(text[pos:match.start()]))
        out.append(link(match.group(1), term))
        pos = match.end()
    out.append(plain(text[pos:]))
    return "".join(out)
