"""Renderer for KakaoTalk macOS CSV exports (K3): ``Date,User,Message``, the date unquoted,
user and message always quoted with ``""`` for a quote, newlines inside quotes, LF line ends,
real seconds, parenthesised placeholders."""

from __future__ import annotations

from datetime import timedelta

from kakao2dataset.model import MessageKind
from kakao2dataset.synthetic import Conversation, Rendered, SyntheticMessage, renderer

PLACEHOLDERS = {
    MessageKind.PHOTO: "(사진)", MessageKind.EMOTICON: "(이모티콘)",
    MessageKind.VIDEO: "(동영상)", MessageKind.DELETED: "삭제된 메시지입니다.",
}


def quote(field: str) -> str:
    """RFC 4180 quoting: a quote inside is doubled."""
    return '"' + field.replace('"', '""') + '"'


@renderer("K3")
def render_mac(conversation: Conversation) -> Rendered:
    rows, expected = ["Date,User,Message"], []
    for index, message in enumerate(conversation.messages):
        # The Mac app keeps seconds; spread them so the test proves they are read.
        stamp = message.timestamp + timedelta(seconds=(index * 13) % 60)
        text = message.text or PLACEHOLDERS.get(message.kind, "")
        rows.append(f"{stamp:%Y-%m-%d %H:%M:%S},{quote(message.speaker)},{quote(text)}")
        expected.append(SyntheticMessage(stamp, message.speaker, text, message.kind))
    data = "\n".join(rows) + "\n"
    return Rendered("K3", "KakaoTalk_Chat_synthetic.csv", data.encode("utf-8"), expected)
