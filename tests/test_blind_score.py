"""`k2d eval --blind-score` on hand-written picks files (the browser round trip is in
test_report_e2e.py); and the page's items: both kinds per context, sides drawn by the seed."""

from __future__ import annotations

import json

from click.testing import CliRunner

from finetune.report.blind import PICKS_FORMAT, items, page, score
from kakao2dataset.cli import main

SAMPLES = [{"context": [["user", f"질문 {i}"]], "real": f"진짜 {i}", "adapter": f"어댑터 {i}",
            "few_shot": f"퓨샷 {i}"} for i in range(20)]


def _picks(tmp_path, picks):
    path = tmp_path / "picks.json"
    path.write_text(json.dumps({"format": PICKS_FORMAT, "version": 1, "persona": "p",
                                "picks": picks}), encoding="utf-8")
    return path


def test_score_counts_the_adapter_taken_for_real(tmp_path):
    picks = ([{"kind": "real-adapter", "picked": "adapter"}] * 3
             + [{"kind": "real-adapter", "picked": "real"}] * 7
             + [{"kind": "adapter-few-shot", "picked": "few-shot"}] * 2)
    result = score(_picks(tmp_path, picks))
    ra = result["kinds"]["real-adapter"]
    assert (ra["n"], ra["adapter_picked"], ra["share"]) == (10, 3, 0.3)
    assert round(ra["ci95"][0], 3) == 0.108 and round(ra["ci95"][1], 3) == 0.603
    assert result["kinds"]["adapter-few-shot"]["share"] == 0.0


def test_cli_prints_the_share_and_interval(tmp_path):
    path = _picks(tmp_path, [{"kind": "real-adapter", "picked": "adapter"}] * 5
                  + [{"kind": "real-adapter", "picked": "real"}] * 5)
    result = CliRunner().invoke(main, ["eval", "--blind-score", str(path)])
    assert result.exit_code == 0, result.output
    assert "5 of 10 = 50% (95% CI 24%-76%)" in result.output
    assert "adapter vs few-shot, the adapter's reply picked: no picks" in result.output


def test_a_file_that_is_not_a_picks_file_is_refused_with_its_path(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"rows": []}', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "--blind-score", str(path)])
    assert result.exit_code != 0
    assert "other.json" in result.output and "not a blind-test picks file" in result.output


def test_items_cover_both_kinds_and_the_seed_draws_the_sides():
    drawn = items(SAMPLES, seed=1)
    assert len(drawn) == 40 and [it["id"] for it in drawn] == list(range(40))
    assert sorted((it["sample"], it["kind"]) for it in drawn) == sorted(
        (i, k) for i in range(20) for k in ("real-adapter", "adapter-few-shot"))
    real_left = sum(it["sides"][0] == "real" for it in drawn if it["kind"] == "real-adapter")
    assert 0 < real_left < 20  # not always on the same side
    assert items(SAMPLES, seed=1) == drawn and items(SAMPLES, seed=2) != drawn
    for it in drawn:  # the text shown on each side is that side's reply
        for side, text in zip(it["sides"], it["texts"], strict=True):
            key = "few_shot" if side == "few-shot" else side
            assert text == SAMPLES[it["sample"]][key]


def test_page_data_cannot_close_its_script_block():
    tricky = [dict(SAMPLES[0], real="</script><b>x</b>")]
    html = page("p", "<Name>", tricky, seed=0)
    assert html.count("</script>") == 2  # the page's own two script blocks only
    assert "&lt;Name&gt;" in html
