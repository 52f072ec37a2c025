"""KakaoTalk placeholder texts → message kinds (research table §1.5), shared by all KakaoTalk
parsers. Placeholder-only messages are typed events, so a persona does not learn to
"answer 사진"."""

from __future__ import annotations

import regex

from kakao2dataset.model import MessageKind
from kakao2dataset.parsers.base import placeholder_classifier, placeholder_gate

EXACT = {
    "사진": MessageKind.PHOTO, "Photo": MessageKind.PHOTO, "photo": MessageKind.PHOTO,
    "(사진)": MessageKind.PHOTO, "(Photo)": MessageKind.PHOTO, "Photos": MessageKind.PHOTO,
    "동영상": MessageKind.VIDEO, "Video": MessageKind.VIDEO, "video": MessageKind.VIDEO,
    "(동영상)": MessageKind.VIDEO,
    "이모티콘": MessageKind.EMOTICON, "Emoticon": MessageKind.EMOTICON,
    "Emoticons": MessageKind.EMOTICON, "emoticon": MessageKind.EMOTICON,
    "(이모티콘)": MessageKind.EMOTICON, "(emoticon)": MessageKind.EMOTICON,
    "음성메시지": MessageKind.VOICE, "Voice Message": MessageKind.VOICE,
    "삭제된 메시지입니다.": MessageKind.DELETED, "메시지가 삭제되었습니다.": MessageKind.DELETED,
    "This message was deleted.": MessageKind.DELETED, "Deleted message.": MessageKind.DELETED,
    "보이스톡 해요": MessageKind.CALL, "페이스톡 해요": MessageKind.CALL,
    "Voice Call": MessageKind.CALL, "Face Talk": MessageKind.CALL,
}
PREFIXES = {"파일: ": MessageKind.FILE, "File: ": MessageKind.FILE}
PATTERNS = [
    (regex.compile(r"사진 \d+장"), MessageKind.PHOTO),
    (regex.compile(r"\d+ Photos"), MessageKind.PHOTO),
    (regex.compile(r"(보이스톡|페이스톡) \d{1,2}:\d{2}(:\d{2})?"), MessageKind.CALL),
    (regex.compile(r"(보이스톡|페이스톡) (취소|부재중|Canceled|Missed)"), MessageKind.CALL),
    (regex.compile(r"https?://\S+"), MessageKind.LINK),
]

classify_kakao = placeholder_classifier(EXACT, PREFIXES, PATTERNS)
maybe_placeholder = placeholder_gate(EXACT, PREFIXES, PATTERNS)  # None: certainly TEXT

# The exporting user as older mobile exports name them (mapped to "me" by the pipeline).
SELF_NAMES = ("회원님", "you", "You")
