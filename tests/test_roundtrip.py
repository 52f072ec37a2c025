"""Every supported variant: render one seeded conversation, parse it back, get the same messages.

The renderers live in ``kakao2dataset/synthetic/`` (one per support-table variant); the
parsers must detect the variant from content alone and account for every line.
"""

from __future__ import annotations

import pytest
from roundtrip_helpers import round_trip

from kakao2dataset.synthetic import generate_conversation, variants


@pytest.mark.parametrize("variant", variants())
@pytest.mark.parametrize("seed", range(5))
def test_rendering_parses_back_to_the_same_messages(variant, seed, tmp_path):
    round_trip(variant, generate_conversation(seed=seed, n_messages=150), tmp_path)
