"""The reading API is at the package top: ``from kakao2dataset import read_export, messages_frame``."""

from __future__ import annotations

from pathlib import Path

import kakao2dataset
from kakao2dataset import exports

EXPORT = Path(__file__).parent / "fixtures" / "exports" / "K4_ko_bom_lf_no_final_newline.txt"


def test_read_export_and_messages_frame_are_importable_from_the_top():
    from kakao2dataset import messages_frame, read_export

    assert read_export is exports.read_export and messages_frame is exports.messages_frame
    assert [m.speaker for m in read_export(EXPORT)] == ["김민지", "이준호"]
    assert messages_frame(EXPORT).height == 2
    assert {"read_export", "messages_frame"} <= set(kakao2dataset.__all__)


def test_an_unknown_top_level_name_is_an_attribute_error():
    try:
        kakao2dataset.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")
