"""Renderers for KakaoTalk macOS exports.

K3, the CSV: ``Date,User,Message``, the date unquoted, user and message always quoted with
``""`` for a quote, newlines inside quotes, LF line ends, real seconds, parenthesised
placeholders.

K3t and K3tq, the designed .txt (see ``parsers/kakao_mac``): the same rows with tabs.
K3t writes every field raw (a message's further lines as they are) with LF line ends;
K3tq quotes user and message as the CSV does and ends every line in CRLF, the lines inside
quotes too, so the two renderings cover both line ends the grammar allows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from kakao2dataset.model import MessageKind
from kakao2dataset.synthetic import Conversation, Rendered, SyntheticMessage, renderer
from kakao2dataset.synthetic.messy import Messy

PLACEHOLDERS = {
    MessageKind.PHOTO: "(사진)", MessageKind.EMOTICON: "(이모티콘)",
    MessageKind.VIDEO: "(동영상)", MessageKind.DELETED: "삭제된 메시지입니다.",
}


def quote(field: str) -> str:
    """RFC 4180 quoting: a quote inside is doubled."""
    return '"' + field.replace('"', '""') + '"'


def _rows(
    conversation: Conversation, row: Callable[[str, str, str], str], ordered: bool = False
) -> tuple[list[str], list[SyntheticMessage]]:
    """The rows of a conversation (``row(stamp, user, text)``) and what parsing them gives.
    ``ordered``: seconds never go back (the unquoted .txt reads a row whose time goes back as
    a pasted line; the CSV does not care): they come from the minute itself, so messages of
    one minute share them and a message renders the same wherever a rendering starts (the
    benchmark renders a long chat in pieces and stitches them)."""
    rows, expected = [], []
    for index, message in enumerate(conversation.messages):
        # The Mac app keeps seconds; spread them so the test proves they are read.
        stamp = message.timestamp
        spread = (stamp.hour * 7 + stamp.minute * 13) if ordered else index * 13
        stamp += timedelta(seconds=spread % 60)
        text = message.text or PLACEHOLDERS.get(message.kind, "")
        rows.append(row(f"{stamp:%Y-%m-%d %H:%M:%S}", message.speaker, text))
        expected.append(SyntheticMessage(stamp, message.speaker, text, message.kind))
    return rows, expected


@renderer("K3")
def render_mac(conversation: Conversation, messy: Messy | None = None) -> Rendered:
    """(``messy`` changes nothing here: every row has its own full time; the conversation's
    late deliveries are applied by :func:`~kakao2dataset.synthetic.render`.)"""
    rows, expected = _rows(conversation, lambda stamp, user, text: f"{stamp},{quote(user)},{quote(text)}")
    data = "\n".join(["Date,User,Message", *rows]) + "\n"
    return Rendered("K3", "KakaoTalk_Chat_synthetic.csv", data.encode("utf-8"), expected)


def _tab_row(stamp: str, user: str, text: str) -> str:
    return f"{stamp}\t{user}\t{text}"


def _quoted_tab_row(stamp: str, user: str, text: str) -> str:
    return f"{stamp}\t{quote(user)}\t{quote(text)}"


def render_mac_txt(conversation: Conversation, messy: Messy | None = None,
                   quoted: bool = False) -> Rendered:
    """The .txt: K3t (``quoted=False``) or K3tq."""
    rows, expected = _rows(conversation, _quoted_tab_row if quoted else _tab_row, ordered=True)
    data = "\n".join(["Date\tUser\tMessage", *rows]) + "\n"
    if quoted:
        data = data.replace("\n", "\r\n")
    variant = "K3tq" if quoted else "K3t"
    return Rendered(variant, f"KakaoTalk_Chat_{variant}_synthetic.txt", data.encode("utf-8"), expected)


renderer("K3t")(render_mac_txt)
renderer("K3tq")(lambda conversation, messy=None: render_mac_txt(conversation, messy, quoted=True))
