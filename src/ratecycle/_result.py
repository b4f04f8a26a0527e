"""A base for frozen result dataclasses whose plain-dict form is simply their fields."""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar


class PlainResult:
    """Gives a dataclass ``to_dict()``: its fields as a dict (nested dataclasses as dicts), ready for JSON/CSV."""

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form: every field, as it is."""
        return dataclasses.asdict(self)
