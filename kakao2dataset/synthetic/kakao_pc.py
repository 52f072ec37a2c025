"""Renderers for KakaoTalk Windows PC exports: K1 (ko, 2020+), K1' (2015: English header,
Korean lines, a blank line before day lines), K2 (English UI), K1h/K2h (no header, 18-hyphen
day lines as some public parsers' tests show).

Every line ends in CRLF, including the lines inside a multi-line message, as the app writes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kakao2dataset.model import MessageKind
from kakao2dataset.synthetic import Conversation, Rendered, SyntheticMessage, renderer
from kakao2dataset.synthetic.messy import Messy

WEEKDAYS_KO = "월화수목금토일"
PLACEHOLDERS = {
    "ko": {MessageKind.PHOTO: "사진", MessageKind.EMOTICON: "이모티콘",
           MessageKind.VIDEO: "동영상", MessageKind.DELETED: "삭제된 메시지입니다."},
    "en": {MessageKind.PHOTO: "photo", MessageKind.EMOTICON: "Emoticon",
           MessageKind.VIDEO: "Video", MessageKind.DELETED: "This message was deleted."},
}


def time_ko(ts: datetime) -> str:
    """>>> time_ko(datetime(2024, 1, 1, 0, 5)), time_ko(datetime(2024, 1, 1, 12, 5))
    ('오전 12:05', '오후 12:05')"""
    return f"{'오전' if ts.hour < 12 else '오후'} {(ts.hour % 12) or 12}:{ts.minute:02d}"


def time_en(ts: datetime) -> str:
    return f"{(ts.hour % 12) or 12}:{ts.minute:02d} {'AM' if ts.hour < 12 else 'PM'}"


def day_ko(ts: datetime, hyphens: int = 15) -> str:
    dashes = "-" * hyphens
    return f"{dashes} {ts.year}년 {ts.month}월 {ts.day}일 {WEEKDAYS_KO[ts.weekday()]}요일 {dashes}"


def day_en(ts: datetime, hyphens: int = 15) -> str:
    dashes = "-" * hyphens
    return f"{dashes} {ts.strftime('%A')}, {ts.strftime('%B')} {ts.day}, {ts.year} {dashes}"


LAYOUTS = {
    #  variant: (lang, header title, header saved label, blank before day lines, hyphens)
    "K1": ("ko", "{} 님과 카카오톡 대화", "저장한 날짜", False, 15),
    "K1'": ("ko", "{} with KakaoTalk Chats", "Date Saved", True, 15),
    "K2": ("en", "{} with KakaoTalk Chats", "Date Saved", False, 15),
    "K1h": ("ko", None, None, False, 18),
    "K2h": ("en", None, None, False, 18),
}
FILE_TAGS = {"K1'": "K1p"}


def render_pc(conversation: Conversation, variant: str, messy: Messy | None = None) -> Rendered:
    """``messy``: a blank line before every later day line, the day line again before a later
    message of the same day (a PC record has no date, so no day line can go missing)."""
    lang, title, saved, blank_before, hyphens = LAYOUTS[variant]
    blank_before = blank_before or bool(messy and messy.blank_before_day)
    again = messy.rng("again") if messy else None
    time_of, day_of = (time_ko, day_ko) if lang == "ko" else (time_en, day_en)
    lines, expected, day = _header(conversation, title, saved), [], None
    for message in conversation.messages:
        if message.timestamp.date() != day or (again and again.random() < messy.repeated_day):  # type: ignore[union-attr]
            if blank_before and day is not None:
                lines.append("")
            day = message.timestamp.date()
            lines.append(day_of(message.timestamp, hyphens))
        text = message.text or PLACEHOLDERS[lang].get(message.kind, "")
        lines.append(f"[{message.speaker}] [{time_of(message.timestamp)}] {text}")
        expected.append(SyntheticMessage(message.timestamp, message.speaker, text, message.kind))
    data = "\r\n".join("\n".join(lines).split("\n")) + "\r\n"
    name = f"KakaoTalk_{FILE_TAGS.get(variant, variant)}_synthetic.txt"
    return Rendered(variant, name, data.encode("utf-8"), expected)


def _header(conversation: Conversation, title: str | None, saved: str | None) -> list[str]:
    if title is None:
        return []
    last = conversation.messages[-1].timestamp if conversation.messages else datetime(2024, 1, 1)
    stamp = (last + timedelta(minutes=7, seconds=31)).strftime("%Y-%m-%d %H:%M:%S")
    return [title.format(conversation.other), f"{saved} : {stamp}", ""]


for _variant in LAYOUTS:
    renderer(_variant)(lambda conversation, messy=None, _v=_variant: render_pc(conversation, _v, messy))
