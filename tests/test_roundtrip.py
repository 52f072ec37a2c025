"""Every supported variant: render one seeded conversation, parse it back, get the same messages.

The renderers live in ``kakao2dataset/synthetic/`` (one per support-table variant); the
parsers must detect the variant from content alone and account for every line.
"""

from __future__ import annotations

import pytest

from kakao2dataset.exports import parse_sources
from kakao2dataset.synthetic import generate_conversation, render, variants


def _as_tuples(messages):
    return [(m.timestamp, m.speaker, m.text, m.kind) for m in messages]


@pytest.mark.parametrize("variant", variants())
@pytest.mark.parametrize("seed", range(5))
def test_rendering_parses_back_to_the_same_messages(variant, seed, tmp_path):
    conversation = generate_conversation(seed=seed, n_messages=150)
    rendered = render(conversation, variant)
    path = tmp_path / rendered.filename
    path.write_bytes(rendered.data)

    (parsed,) = parse_sources(path)
    messages = list(parsed.messages())

    assert parsed.sniff.variant == variant
    assert _as_tuples(messages) == _as_tuples(rendered.expected)
    assert parsed.accounting.unparsed == 0
    assert parsed.accounting.total == parsed.accounting.lines_seen
    assert path.read_bytes() == rendered.data  # the input is never modified
