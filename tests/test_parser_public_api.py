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


def test_each_parser_lives_in_a_format_family_folder_with_its_grammar():
    import importlib

    from kakao2dataset.parsers.base import registered

    families = {cls.__module__.rsplit(".", 1)[0] for cls in registered().values()}
    assert families == {f"kakao2dataset.parsers.{f}"
                        for f in ("kakao_pc", "kakao_mobile", "kakao_mac", "line")}
    for family in families:
        assert importlib.import_module(f"{family}.grammar")  # the lines of the format, as data


def _runs_on_import(module: str, importer: str) -> set[str]:
    """``a.b.c`` and the packages above it whose ``__init__`` importing it runs, except the
    importer's own packages (they are already being imported)."""
    parts = module.split(".")
    chain = {".".join(parts[:n]) for n in range(1, len(parts) + 1)}
    return {m for m in chain if not f"{importer}.".startswith(f"{m}.")}


def test_parser_modules_import_each_other_without_a_cycle():
    import ast

    root = Path(exports.__file__).parent / "parsers"
    graph = {}
    for path in root.rglob("*.py"):
        name = ".".join(("kakao2dataset", *path.relative_to(root.parent).with_suffix("").parts))
        name = name.removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = {run for node in tree.body  # module level: what import runs
                       if isinstance(node, ast.ImportFrom) and node.module
                       for run in _runs_on_import(node.module, name)}

    def cycle_from(start, at, seen):
        for nxt in graph.get(at, ()):
            if nxt == start:
                return [at, nxt]
            if nxt in graph and nxt not in seen:
                seen.add(nxt)
                if found := cycle_from(start, nxt, seen):
                    return [at, *found]
        return None

    cycles = [c for name in graph if (c := cycle_from(name, name, {name}))]
    assert cycles == [], cycles
