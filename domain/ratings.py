"""Ratings in comparison-grid cells, after the Django Packages conventions.

Grid editors write `yes`, `+`, `++`, `-1`, `sucks`... Django Packages shows those as one,
two or three ticks or crosses. A cell that starts with such a keyword and goes on keeps
the rest as a note: `+1 works with DRF` is one tick and the note "works with DRF".

Unlike the original template filter, a word keyword must end at a word boundary, so
"notes" or "goodbye" are plain text, not ratings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

MAX_INTENSITY = 3
# What may stand between a keyword and its note: "yes, since 2.0", "no - only PostgreSQL".
NOTE_SEPARATORS = " \t\n:,;.-\u2013\u2014"
POSITIVE_WORDS = ("check", "yes", "good")
NEGATIVE_WORDS = ("bad", "negative", "evil", "sucks", "no")

_TOKEN = re.compile(
    r"""^\s*(?:
        (?P<signs>[+-])(?P<number>\d+)          # +2, -1, +10
      | (?P<run>\++|-+)                         # +, ++, ---
      | (?P<word>check|yes|good|bad|negative|evil|sucks|no)\b
    )(?P<rest>.*)$""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)


class Sign(Enum):
    POSITIVE = "positive"
    NEGATIVE = "negative"


@dataclass(frozen=True)
class Rating:
    sign: Sign
    intensity: int  # 1 to 3
    note: str | None  # what follows the keyword, if anything


def parse_rating(text: str) -> Rating | None:
    """The rating a cell expresses, or None for plain text."""
    match = _TOKEN.match(text)
    if match is None:
        return None
    rest = match["rest"]
    if match["word"]:
        sign = Sign.POSITIVE if match["word"].lower() in POSITIVE_WORDS else Sign.NEGATIVE
        intensity = 1
    elif match["run"]:
        if rest[:1].isalnum():  # "-foo" or "+x" is text, not a rating
            return None
        sign = Sign.POSITIVE if match["run"][0] == "+" else Sign.NEGATIVE
        intensity = len(match["run"])
    else:
        if rest[:1].isalnum():
            return None
        sign = Sign.POSITIVE if match["signs"] == "+" else Sign.NEGATIVE
        intensity = int(match["number"])
        if intensity == 0:
            return None
    note = rest.strip(NOTE_SEPARATORS) or None
    return Rating(sign=sign, intensity=min(intensity, MAX_INTENSITY), note=note)
