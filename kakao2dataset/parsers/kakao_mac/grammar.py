"""The grammar of KakaoTalk macOS exports (see ``kakao_mac.parser``): headers, row starts, timestamps
and event rows, shared by the sniffer, the CSV reader (K3) and the .txt readers (K3t, K3tq)."""

from __future__ import annotations

import re
from datetime import datetime

import regex

CSV_HEADER = regex.compile(r'^"?Date"?,"?User"?,"?Message"?$')
CSV_ROW_START = regex.compile(r'^"?\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"?,')
TXT_HEADER = regex.compile(r'^"?Date"?\t"?User"?\t"?Message"?$')
TXT_STAMP = r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}(?::[0-9]{2})?"
TXT_ROW_START = re.compile(rf'"?{TXT_STAMP}"?\t')
# The first row of a quoted .txt: the user field is quoted (as the CSV app quotes it).
TXT_QUOTED_ROW = re.compile(rf'"?{TXT_STAMP}"?\t"(?:[^"]|"")*"\t')
# A row of an unquoted .txt: stamp, user (no tab); the text is the rest of the line, tabs and all.
TXT_ROW = re.compile(rf"({TXT_STAMP})\t([^\t]*)\t")

# Events, told apart from speech by starting with the row's own user name.
EVENT_TAILS = regex.compile(
    r" (?:invited .*|joined this chatroom|left this chatroom)\.$"
    r"|님이 (?:.+님을 초대(?:하였|했)습니다|들어왔습니다|나갔습니다)\.$"
)


def is_event(user: str, text: str) -> bool:
    """``("박영우", "박영우 invited 김민기 and.")`` is an event; ``("A", "B left this chatroom.")``
    is speech (someone else's event pasted as text)."""
    return text.startswith(user) and EVENT_TAILS.match(text, len(user)) is not None


def csv_stamp(text: str) -> datetime | None:
    """``YYYY-MM-DD HH:MM:SS`` → datetime; None for anything else (2024-13-45 included:
    report, never guess)."""
    if len(text) != 19 or text[10] != " " or text[4] != "-":
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def txt_stamp(text: str) -> datetime | None:
    """``YYYY-MM-DD HH:MM:SS`` or ``YYYY-MM-DD HH:MM`` → datetime, seconds kept; None for
    anything else.

    >>> txt_stamp("2024-12-09 14:30"), txt_stamp("2024-13-09 14:30:12")
    (datetime.datetime(2024, 12, 9, 14, 30), None)
    """
    if len(text) not in (16, 19) or re.fullmatch(TXT_STAMP, text) is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
