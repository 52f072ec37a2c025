"""The round trip both synthetic-writer suites run: render a conversation (plain or messy),
write it to disk, parse it back, and hold it to the renderer's truth line for line."""

from __future__ import annotations

from kakao2dataset.exports import parse_sources
from kakao2dataset.synthetic import render


def as_tuples(messages):
    return [(m.timestamp, m.speaker, m.text, m.kind) for m in messages]


def round_trip(variant, conversation, tmp_path, messy=None):
    """Parse ``variant``'s rendering back; asserts the same messages, the detected variant and
    every line accounted for, and that the input file is never modified."""
    rendered = render(conversation, variant, messy=messy)
    path = tmp_path / rendered.filename
    path.write_bytes(rendered.data)
    (parsed,) = parse_sources(path)
    messages = list(parsed.messages())
    assert parsed.sniff.variant == variant
    assert as_tuples(messages) == as_tuples(rendered.expected)
    assert parsed.accounting.unparsed == 0
    assert parsed.accounting.total == parsed.accounting.lines_seen
    assert path.read_bytes() == rendered.data  # the input is never modified
    return parsed, rendered
