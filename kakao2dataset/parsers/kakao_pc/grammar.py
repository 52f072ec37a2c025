"""The grammar of KakaoTalk Windows PC exports (see ``kakao_pc.parser``): headers, day lines,
clock texts and system lines, shared by the sniffer and the reader."""

from __future__ import annotations

import re
from datetime import date, timedelta

import regex

from kakao2dataset.parsers.clock import MONTH_PATTERN, hour24, month_number

TITLE_KO = regex.compile(r"^(?P<title>.*) 님과 카카오톡 대화$")
TITLE_EN = regex.compile(r"^(?P<title>.*) with KakaoTalk Chats$")
SAVED = regex.compile(r"^(?:저장한 날짜|Date Saved) : \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
WEEKDAYS_KO = "월화수목금토일"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CLOCK_KO = r"(?:오전|오후) \d{1,2}:\d{2}"  # the clock text of a message line
CLOCK_EN = r"\d{1,2}:\d{2} (?:AM|PM)"
LANGS = {
    "ko": {
        "day": regex.compile(
            r"^-{3,} (?P<y>\d{4})년 (?P<mo>\d{1,2})월 (?P<d>\d{1,2})일 (?P<wd>[월화수목금토일])요일 -{3,}$"
        ),
        "clock": CLOCK_KO,
        "message": re.compile(rf"\[(.+?)\] \[({CLOCK_KO})\](?: |$)"),
        "system": [
            regex.compile(r"^.+님이 (?:들어왔습니다|나갔습니다|방장이 되었습니다)\.$"),
            regex.compile(r"^.+님이 .+님을 초대(?:하였|했)습니다\.$"),
        ],
        "system_tail": "습니다.",
    },
    "en": {
        "day": regex.compile(
            rf"^-{{3,}} (?P<wd>[A-Z][a-z]+), (?P<mo>{MONTH_PATTERN}) (?P<d>\d{{1,2}}), "
            r"(?P<y>\d{4}) -{3,}$"
        ),
        "clock": CLOCK_EN,
        "message": re.compile(rf"\[(.+?)\] \[({CLOCK_EN})\](?: |$)"),
        "system": [
            regex.compile(r"^.+ (?:joined|left) this chatroom\.$"),
            regex.compile(r"^.+ invited .+\.$"),
        ],
        "system_tail": ".",
    },
}
DATELESS_DAY = date(1900, 1, 1)
GROUP_SPEAKERS = 3


def pc_day(match, lang: str) -> date | None:
    """The date of a day-line match, or None when it is not a real calendar day."""
    try:
        month = int(match["mo"]) if lang == "ko" else month_number(match["mo"])
        day = date(int(match["y"]), month, int(match["d"]))
    except (ValueError, KeyError):
        return None
    names = WEEKDAYS_KO if lang == "ko" else WEEKDAYS_EN
    return day if names[day.weekday()] == match["wd"] else None


def is_day(text: str, lang: str) -> bool:
    match = LANGS[lang]["day"].match(text)
    return match is not None and pc_day(match, lang) is not None


CLOCK = regex.compile(r"(?:(?P<mer>오전|오후) )?(?P<h>\d{1,2}):(?P<mi>\d{2})(?: (?P<mer2>AM|PM))?")


def clock_delta(text: str) -> timedelta | None:
    """Time of day of a message line's clock text (``오후 2:30``, ``2:30 PM``); None for an
    impossible one (``오후 15:18``).

    >>> clock_delta("오전 12:05"), clock_delta("12:05 PM"), clock_delta("오후 15:18")
    (datetime.timedelta(seconds=300), datetime.timedelta(seconds=43500), None)
    """
    match = CLOCK.fullmatch(text)
    minute = int(match["mi"])
    try:
        hour = hour24(int(match["h"]), match["mer"] or match["mer2"])
    except ValueError:
        return None
    return timedelta(hours=hour, minutes=minute) if minute < 60 else None


def is_system(text: str, lang: str) -> bool:
    spec = LANGS[lang]
    return text.endswith(spec["system_tail"]) and any(p.match(text) for p in spec["system"])


def title_of(text: str) -> tuple[str, str] | None:
    for lang, pattern in (("ko", TITLE_KO), ("en", TITLE_EN)):
        if m := pattern.match(text):
            return lang, m["title"]
    return None
