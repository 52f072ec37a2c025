"""Renderers for LINE exports: mobile (L1, L1', L2, L2', L4) and desktop "Save chat" (L3).

Mobile writes ``<time><TAB><sender><TAB><text>``; a multi-line text is wrapped in ``"`` with
inner quotes doubled, a single-line text is written raw (research §1.6). Inner lines end in
bare LF in a CRLF file (L1, L2', L4), in CRLF (L1', as a hand-made fixture) or everything in
LF (L2). An unsent message is a system line with an empty sender naming the person (read back
as a SYSTEM line, no turn of that person: issue #10). Desktop
(L3) has no header, no quoting and separates fields with single spaces (§1.7).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kakao2dataset.model import MessageKind
from kakao2dataset.synthetic import Conversation, Rendered, SyntheticMessage, renderer
from kakao2dataset.synthetic.messy import Messy

EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
EN_DAYS_LONG = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PLACEHOLDERS = {
    "ja": {MessageKind.PHOTO: "[写真]", MessageKind.EMOTICON: "[スタンプ]",
           MessageKind.VIDEO: "[動画]", MessageKind.DELETED: "{}がメッセージの送信を取り消しました"},
    "en": {MessageKind.PHOTO: "[Photo]", MessageKind.EMOTICON: "[Sticker]",
           MessageKind.VIDEO: "[Video]", MessageKind.DELETED: "{} unsent a message."},
    "ko": {MessageKind.PHOTO: "[사진]", MessageKind.EMOTICON: "[스티커]",
           MessageKind.VIDEO: "[동영상]", MessageKind.DELETED: "{}님이 메시지 전송을 취소했습니다."},
    "desktop": {MessageKind.PHOTO: "Photos", MessageKind.EMOTICON: "Stickers",
                MessageKind.VIDEO: "Videos", MessageKind.DELETED: "{} unsent a message"},
}


def ymd(ts: datetime) -> str:
    return f"{ts:%Y/%m/%d}"


def hm24(ts: datetime) -> str:
    return f"{ts:%H:%M}"


def hm_ja12(ts: datetime) -> str:
    """Japanese 12-hour time, 午前12:xx for the hour after midnight (unverified convention).

    >>> hm_ja12(datetime(2024, 1, 1, 0, 3)), hm_ja12(datetime(2024, 1, 1, 12, 3))
    ('午前12:03', '午後12:03')
    """
    return f"{'午前' if ts.hour < 12 else '午後'}{(ts.hour % 12) or 12:02d}:{ts.minute:02d}"


def hm_en12(ts: datetime) -> str:
    return f"{(ts.hour % 12) or 12}:{ts.minute:02d}{'AM' if ts.hour < 12 else 'PM'}"


def hm_ko12(ts: datetime) -> str:
    return f"{'오전' if ts.hour < 12 else '오후'} {(ts.hour % 12) or 12}:{ts.minute:02d}"


@dataclass(frozen=True)
class Layout:
    title: str
    saved: Callable[[datetime], str]
    day: Callable[[datetime], str]
    time: Callable[[datetime], str]
    lang: str
    end: str = "\r\n"
    inner: str = "\n"


LAYOUTS = {
    "L1": Layout("[LINE] {}とのトーク履歴", lambda t: f"保存日時：{ymd(t)} {hm24(t)}",
                 lambda t: f"{ymd(t)}({'月火水木金土日'[t.weekday()]})", hm24, "ja"),
    "L1'": Layout("[LINE] {}とのトーク履歴", lambda t: f"保存日時：{t.year}/{t.month}/{t.day} {hm_ja12(t)}",
                  lambda t: f"{t.year}/{t.month}/{t.day}({'月火水木金土日'[t.weekday()]})", hm_ja12,
                  "ja", inner="\r\n"),
    "L2": Layout("[LINE] Chat history with {}", lambda t: f"Saved on: {ymd(t)} {hm24(t)}",
                 lambda t: f"{ymd(t)} {EN_DAYS[t.weekday()]}", hm24, "en", "\n", "\n"),
    "L2'": Layout("[LINE] Chat history with {}", lambda t: f"Saved on: {t:%m/%d/%Y}, {hm24(t)}",
                  lambda t: f"{EN_DAYS[t.weekday()]}, {t:%m/%d/%Y}", hm_en12, "en"),
    "L4": Layout("[LINE] {}님과의 대화", lambda t: f"저장한 날짜：{ymd(t)} {hm24(t)}",
                 lambda t: f"{ymd(t)}({'월화수목금토일'[t.weekday()]})", hm_ko12, "ko"),
}
FILE_TAGS = {"L1'": "L1p", "L2'": "L2p"}


def quote(text: str, inner: str) -> str:
    """LINE's quoting: only multi-line texts, inner quotes doubled."""
    if "\n" not in text:
        return text
    return inner.join(('"' + text.replace('"', '""') + '"').split("\n"))


def render_mobile(conversation: Conversation, variant: str, messy: Messy | None = None) -> Rendered:
    """``messy``: the day line again before a later message of the same day; records in LF and
    quoted lines in CRLF (``crlf_inside_quotes``)."""
    layout = LAYOUTS[variant]
    if messy and messy.crlf_inside_quotes:
        layout = replace(layout, end="\n", inner="\r\n")
    again = messy.rng("again") if messy else None
    last = conversation.messages[-1].timestamp if conversation.messages else datetime(2024, 1, 1)
    end = layout.end
    out = [layout.title.format(conversation.other) + end,
           layout.saved(last + timedelta(minutes=7)) + end, end]
    expected, day = [], None
    for message in conversation.messages:
        ts = message.timestamp
        if ts.date() != day or (again and again.random() < messy.repeated_day):  # type: ignore[union-attr]
            out.append((end if day is not None else "") + layout.day(ts) + end)
            day = ts.date()
        text = message.text or PLACEHOLDERS[layout.lang].get(message.kind, "")
        if message.kind is MessageKind.DELETED and not message.text:
            text = text.format(message.speaker)
            out.append(f"{layout.time(ts)}\t\t{text}{end}")
            expected.append(SyntheticMessage(ts, "", text, MessageKind.SYSTEM))  # no turn of X
            continue
        out.append(f"{layout.time(ts)}\t{message.speaker}\t{quote(text, layout.inner)}{end}")
        expected.append(SyntheticMessage(ts, message.speaker, text, message.kind))
    name = f"LINE_{FILE_TAGS.get(variant, variant)}.txt"
    return Rendered(variant, name, "".join(out).encode("utf-8"), expected)


def render_desktop(conversation: Conversation, messy: Messy | None = None) -> Rendered:
    """L3: ``2024.12.09 Monday`` day lines, ``14:30 Alice text`` records, CRLF, no header.
    ``messy``: a blank line before later day lines; the day line again within its day."""
    out, expected, day = [], [], None
    again = messy.rng("again") if messy else None
    for message in conversation.messages:
        ts = message.timestamp
        if ts.date() != day or (again and again.random() < messy.repeated_day):  # type: ignore[union-attr]
            if messy and messy.blank_before_day and day is not None:
                out.append("\r\n")
            out.append(f"{ts:%Y.%m.%d} {EN_DAYS_LONG[ts.weekday()]}\r\n")
            day = ts.date()
        text = message.text or PLACEHOLDERS["desktop"].get(message.kind, "")
        if message.kind is MessageKind.DELETED and not message.text:
            text = text.format(message.speaker)
            out.append(f"{hm24(ts)} {text}\r\n")
            expected.append(SyntheticMessage(ts, "", text, MessageKind.SYSTEM))  # no turn of X
            continue
        out.append(f"{hm24(ts)} {message.speaker} {text.replace(chr(10), chr(13) + chr(10))}\r\n")
        expected.append(SyntheticMessage(ts, message.speaker, text, message.kind))
    return Rendered("L3", "LINE_L3.txt", "".join(out).encode("utf-8"), expected)


for _variant in LAYOUTS:
    renderer(_variant)(lambda conversation, messy=None, _v=_variant: render_mobile(conversation, _v, messy))
renderer("L3")(render_desktop)
