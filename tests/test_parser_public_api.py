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


def test_parsers_declare_the_exporting_users_names_and_roles_ask_the_registry():
    from collections import Counter

    from kakao2dataset.parsers.base import registered, self_names
    from kakao2dataset.speaker_roles import resolve_roles

    declared = {name: cls.self_names for name, cls in registered().items() if cls.self_names}
    assert declared == {"kakao-android": ("회원님", "you", "You"),
                        "kakao-ios": ("회원님", "you", "You")}
    assert self_names() == {"회원님", "you", "You"}
    roles = resolve_roles(Counter({"회원님": 5, "박하늘": 7}))  # no flags: the exporter is known
    assert (roles.persona, roles.user) == ("박하늘", "회원님")
    roles = resolve_roles(Counter({"you": 5, "Dana": 7}), me="Evan")
    assert roles.aliases == {"you": "Evan"} and roles.persona == "Dana"


def test_no_parser_module_imports_a_private_name_of_another_module():
    import re
    from pathlib import Path

    root = Path(exports.__file__).parent
    private = re.compile(r"^from kakao2dataset\S* import .*\b_[a-z]\w*|^    _[a-z]\w*,$", re.M)
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if private.search(p.read_text(encoding="utf-8"))]
    assert offenders == [], offenders
