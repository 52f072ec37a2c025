"""Time and date pieces every format needs, in one place.

12-hour clocks are exact: 오전 12:05 → 00:05, 오후 12:05 → 12:05 (AM/PM, 午前/午後, 上午/下午 alike).

>>> hour24(12, "오전"), hour24(12, "오후"), hour24(1, "PM"), hour24(11, "午前")
(0, 12, 13, 11)
>>> month_number("Sep"), month_number("September"), month_number("sept")
(9, 9, 9)
"""

from __future__ import annotations

import regex

AM_WORDS = ("오전", "AM", "am", "A.M.", "a.m.", "午前", "上午")
PM_WORDS = ("오후", "PM", "pm", "P.M.", "p.m.", "午後", "下午")
MERIDIEM = {w: "am" for w in AM_WORDS} | {w: "pm" for w in PM_WORDS}
MERIDIEM_PATTERN = "|".join(regex.escape(w) for w in sorted(MERIDIEM, key=len, reverse=True))

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH_PATTERN = "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))

# Whitespace iOS and others put inside timestamps (never touched inside message text).
_TS_SPACES = regex.compile(r"[\u00a0\u202f\u2009\u2007]")


def hour24(hour: int, meridiem: str | None) -> int:
    """Convert a 12-hour clock hour to 0–23; ``meridiem`` None means already 24-hour."""
    if meridiem is None:
        return hour
    half = MERIDIEM[meridiem]
    if not 1 <= hour <= 12:
        raise ValueError(f"hour {hour} is not a 12-hour clock hour")
    return (hour % 12) + (12 if half == "pm" else 0)


def month_number(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def clean_timestamp_text(text: str) -> str:
    """Normalise exotic spaces in a timestamp fragment (U+202F before AM/PM on iOS, NBSP)."""
    return _TS_SPACES.sub(" ", text)
