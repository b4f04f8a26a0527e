"""Main-body layout: at most MAX_BODY_TABLES tables and one note per table; the rest moves to the appendices."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .model import Block, Figure, Section, Table

MAX_BODY_TABLES = 10
"""The main body shows at most this many tables; further detail lives in the supporting-tables appendix."""

BODY_TABLES: dict[str, tuple[int, ...]] = {
    "rotation": (), "phases": (), "curve": (), "significance": (0, 1), "rebalancing": (-1,), "etfs": (0,),
}
"""Positions (among a section's tables) kept in the main body; sections not listed keep all their tables."""


@dataclass(frozen=True)
class Moved:
    """What the layout took out of the main body: whole tables, and notes beyond each block's first."""

    tables: tuple[Block, ...] = ()
    notes: tuple[str, ...] = ()


def _kept(section: Section) -> set[int]:
    """Indices (into the section's tables) that stay in the main body."""
    count = sum(1 for b in section.blocks if isinstance(b, Table))
    if section.key not in BODY_TABLES:
        return set(range(count))
    return {i % count for i in BODY_TABLES[section.key] if count and -count <= i < count}


def _one_note(block: Table | Figure, notes: list[str]) -> Table | Figure:
    """The block with its first note only; the others are kept, under its title, for the data appendix."""
    if len(block.notes) <= 1:
        return block
    notes.extend(f"{block.title}: {note}" for note in block.notes[1:])
    return replace(block, notes=block.notes[:1])


def layout_body(sections: list[Section]) -> tuple[list[Section], Moved]:
    """The main body with the table budget applied, and what was moved out of it."""
    body: list[Section] = []
    tables: list[Block] = []
    notes: list[str] = []
    shown = 0
    for section in sections:
        keep = _kept(section)
        blocks: list[Block] = []
        position = 0
        for block in section.blocks:
            if isinstance(block, Table):
                if position in keep and shown < MAX_BODY_TABLES:
                    blocks.append(_one_note(block, notes))
                    shown += 1
                else:
                    tables.append(replace(block, origin=section.key))
                position += 1
            elif isinstance(block, Figure):
                blocks.append(_one_note(block, notes))
            else:
                blocks.append(block)
        body.append(replace(section, blocks=tuple(blocks)))
    return body, Moved(tables=tuple(tables), notes=tuple(notes))
