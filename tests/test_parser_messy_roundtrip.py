"""The round trip with the synthetic writer's "messy" layer on (issue #10): late deliveries,
day lines missing, repeated and out of order, blank lines before day lines, CRLF inside LINE
quotes. Every variant reads its messy rendering back to the same messages, every line
accounted for, the decisions counted, none refused."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from roundtrip_helpers import round_trip

from kakao2dataset.synthetic import Messy, generate_conversation, render, variants
from kakao2dataset.synthetic.messy import DATED_RECORDS

EVERYTHING = Messy(time_back=0.08, missing_day=0.3, repeated_day=0.03, out_of_order_days=0.2,
                   blank_before_day=True, crlf_inside_quotes=True, seed=3)


def _round_trip(variant, conversation, messy, tmp_path):
    return round_trip(variant, conversation, tmp_path, messy=messy)


@pytest.mark.parametrize("variant", variants())
@pytest.mark.parametrize("seed", range(3))
def test_messy_rendering_parses_back_to_the_same_messages(variant, seed, tmp_path):
    conversation = generate_conversation(seed=seed, n_messages=200)
    messy = Messy(**{**EVERYTHING.__dict__, "seed": seed})
    parsed, rendered = _round_trip(variant, conversation, messy, tmp_path)
    decided = parsed.accounting.decisions_dict()
    times = [m.timestamp for m in rendered.expected]
    went_back = sum(b < a for a, b in zip(times, times[1:], strict=False))
    assert went_back > 0 or variant == "K3t"  # the layer did make the file inconsistent...
    if not variant.startswith("K3"):  # (the Mac rows carry their full time: nothing to decide)
        assert decided["time goes back"]["count"] == went_back  # ...and each case is counted
    dates = [t.date() for t in times]
    moved = sum(b < a for a, b in zip(dates, dates[1:], strict=False))  # days written late
    if variant in DATED_RECORDS:
        assert decided.get("day line out of order", {"count": 0})["count"] == moved
        # (days whose day line was dropped are the 'day line disagrees' ones, each counted once)
    assert len(parsed.check()) == len(decided)  # warnings, never a refusal


def test_the_messy_layer_changes_the_file_and_a_tidy_one_does_not(tmp_path):
    conversation = generate_conversation(seed=1, n_messages=120)
    assert render(conversation, "K4", messy=Messy()).data == render(conversation, "K4").data
    assert render(conversation, "K4", messy=EVERYTHING).data != render(conversation, "K4").data
    lf = render(conversation, "L1", messy=Messy(crlf_inside_quotes=True)).data
    assert b"\r\n" in lf and lf.count(b"\n") > 2 * lf.count(b"\r\n")  # records in LF now


@pytest.mark.parametrize("variant", ["K1", "K2", "K4", "K5'", "K6", "K7", "L1", "L2'", "L3"])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), late=st.floats(0, 0.3), missing=st.floats(0, 1),
       repeated=st.floats(0, 0.2), swapped=st.floats(0, 0.5), blank=st.booleans(),
       crlf=st.booleans())
def test_random_messy_variants_round_trip(variant, seed, late, missing, repeated, swapped, blank,
                                          crlf, tmp_path):
    conversation = generate_conversation(seed=seed, n_messages=60)
    messy = Messy(late, missing, repeated, swapped, blank, crlf, seed)
    _round_trip(variant, conversation, messy, tmp_path)
