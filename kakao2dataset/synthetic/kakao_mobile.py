"""Renderers for KakaoTalk Android (K4, K5, K5') and iOS (K6, K6h, K7, K7') exports.

Each layout is a row of data: how a timestamp and a day line look, the header, how many blank
lines follow it, which placeholder texts the UI language writes, how the exporting user is
shown (older exports: ``회원님`` / ``you`` / ``You``) and the line terminators (iOS: CRLF
records with bare LF inside multi-line messages; K7' as the 2026 builds, CRLF throughout).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kakao2dataset.model import MessageKind
from kakao2dataset.synthetic import Conversation, Rendered, SyntheticMessage, renderer
from kakao2dataset.synthetic.messy import Messy

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PLACEHOLDERS = {
    "ko": {MessageKind.PHOTO: "사진", MessageKind.EMOTICON: "이모티콘",
           MessageKind.VIDEO: "동영상", MessageKind.DELETED: "삭제된 메시지입니다."},
    "ko-ios": {MessageKind.PHOTO: "사진", MessageKind.EMOTICON: "이모티콘",
               MessageKind.VIDEO: "동영상", MessageKind.DELETED: "메시지가 삭제되었습니다."},
    "en": {MessageKind.PHOTO: "Photo", MessageKind.EMOTICON: "Emoticon",
           MessageKind.VIDEO: "Video", MessageKind.DELETED: "This message was deleted."},
    "en-2015": {MessageKind.PHOTO: "photo", MessageKind.EMOTICON: "Emoticon",
                MessageKind.VIDEO: "Video", MessageKind.DELETED: "This message was deleted."},
}


def _ko_time(ts: datetime) -> str:
    return f"{'오전' if ts.hour < 12 else '오후'} {ts.hour % 12 or 12}:{ts.minute:02d}"


def _en_time(ts: datetime) -> str:
    return f"{ts.hour % 12 or 12}:{ts.minute:02d} {'AM' if ts.hour < 12 else 'PM'}"


def stamp_k4(ts: datetime) -> str:
    """
    >>> stamp_k4(datetime(2024, 1, 5, 0, 5))
    '2024년 1월 5일 오전 12:05'
    """
    return f"{ts.year}년 {ts.month}월 {ts.day}일 {_ko_time(ts)}"


def stamp_k5(ts: datetime) -> str:
    return f"{MONTHS[ts.month - 1]} {ts.day}, {ts.year}, {_en_time(ts)}"


def stamp_k5p(ts: datetime) -> str:
    return f"{ts.day} {MONTHS[ts.month - 1]} {ts.year}, {_en_time(ts)}"


def stamp_k6(ts: datetime) -> str:
    """
    >>> stamp_k6(datetime(2024, 1, 5, 12, 30))
    '2024. 1. 5. 오후 12:30'
    """
    return f"{ts.year}. {ts.month}. {ts.day}. {_ko_time(ts)}"


def stamp_k7(ts: datetime) -> str:
    return f"{MONTHS[ts.month - 1][:3]} {ts.day}, {ts.year}, {_en_time(ts)}"


def stamp_k7p(ts: datetime) -> str:
    return f"{MONTHS[ts.month - 1][:3]} {ts.day}, {ts.year} at {ts.hour:02d}:{ts.minute:02d}"


def day_ko(ts: datetime) -> str:
    return f"{ts.year}년 {ts.month}월 {ts.day}일 {'월화수목금토일'[ts.weekday()]}요일"


def day_en(ts: datetime) -> str:
    return f"{WEEKDAYS[ts.weekday()]}, {MONTHS[ts.month - 1]} {ts.day}, {ts.year}"


# iOS line 1 is the export's file name, stamped with the save time.
IOS_FILE_TITLE = "Talk_{saved.year}.{saved.month}.{saved.day} {saved:%H:%M}-1.txt"


@dataclass(frozen=True)
class Layout:
    stamp: Callable[[datetime], str]
    day: Callable[[datetime], str] | None  # Android: the stamp itself; None: no day lines
    title: str | None  # None: no header at all
    saved: str
    blanks: int  # blank lines after the header
    placeholders: str
    me: str | None  # how the exporting user is shown; None: by name
    end: str = "\r\n"  # record terminator
    inner: str = "\r\n"  # terminator of lines inside a multi-line message
    file: str = "KakaoTalkChats_{}.txt"


LAYOUTS = {
    "K4": Layout(stamp_k4, stamp_k4, "{} 님과 카카오톡 대화", "저장한 날짜", 2, "ko", None),
    "K5": Layout(stamp_k5, stamp_k5, "KakaoTalk Chats with {}", "Date Saved", 2, "en", "you",
                 "\n", "\n"),
    "K5'": Layout(stamp_k5p, stamp_k5p, "KakaoTalk Chats with {}", "Date Saved", 2, "en", None,
                  "\n", "\n"),
    "K6": Layout(stamp_k6, day_ko, IOS_FILE_TITLE, "저장한 날짜", 3, "ko-ios",
                 None, inner="\n", file="Talk_{}-1.txt"),
    "K6h": Layout(stamp_k6, None, None, "", 0, "ko-ios", "회원님", inner="\n",
                  file="Talk_{}-1.txt"),
    "K7": Layout(stamp_k7, day_en, "KakaoTalk Chats with {}-1.txt", "Date Saved", 3,
                 "en-2015", "You", inner="\n", file="Talk_{}-1.txt"),
    "K7'": Layout(stamp_k7p, day_en, IOS_FILE_TITLE, "Date Saved", 1, "en", None,
                  file="Talk_{}-1.txt"),
}
FILE_TAGS = {"K5'": "K5p", "K7'": "K7p"}


def render_mobile(conversation: Conversation, variant: str, messy: Messy | None = None) -> Rendered:
    """One conversation as the app would export it, and the messages parsing must return.
    ``messy`` drops and repeats day lines (the records carry their own dates)."""
    layout = LAYOUTS[variant]
    out, expected, day = _header(conversation, layout), [], None
    drop = messy.rng("drop") if messy else None
    again = messy.rng("again") if messy else None
    for message in conversation.messages:
        stamp = layout.stamp(message.timestamp)
        if layout.day and message.timestamp.date() != day:
            # a day written after a later one keeps its day line: without it, records of an
            # earlier day are what a paste looks like (and are read as one)
            # (nor is the first one dropped: the sniffer tells iOS English from Android by it)
            moved = bool(expected) and day is not None and message.timestamp.date() < day
            keep = moved or not expected
            day = message.timestamp.date()
            if keep or not (drop and drop.random() < messy.missing_day):  # type: ignore[union-attr]
                out += [layout.end] if expected else []
                out.append(layout.day(message.timestamp) + layout.end)
        elif layout.day and again and again.random() < messy.repeated_day:  # type: ignore[union-attr]
            # the day line again (Android: the bare stamp of the record below it)
            out += [layout.end, layout.day(message.timestamp) + layout.end]
        speaker = layout.me if layout.me and message.speaker == conversation.me else message.speaker
        text = message.text or PLACEHOLDERS[layout.placeholders].get(message.kind, "")
        out.append(f"{stamp}, {speaker} : {layout.inner.join(text.split(chr(10)))}{layout.end}")
        expected.append(SyntheticMessage(message.timestamp, speaker, text, message.kind))
    name = layout.file.format(FILE_TAGS.get(variant, variant))
    return Rendered(variant, name, "".join(out).encode("utf-8"), expected)


def _header(conversation: Conversation, layout: Layout) -> list[str]:
    if layout.title is None:
        return []
    last = conversation.messages[-1].timestamp if conversation.messages else datetime(2024, 1, 1)
    saved = last + timedelta(minutes=7)
    title = layout.title.format(conversation.other, saved=saved)
    return [title + layout.end, f"{layout.saved} : {layout.stamp(saved)}{layout.end}",
            layout.end * layout.blanks]


for _variant in LAYOUTS:
    renderer(_variant)(lambda conversation, messy=None, _v=_variant: render_mobile(conversation, _v, messy))
