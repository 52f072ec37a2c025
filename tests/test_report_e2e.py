"""`k2d eval --report / --blind / --blind-score` end to end on a tiny trained persona, with the
pages opened in a real headless Chromium (Debian's chromium + chromedriver, via selenium).

The browser tests skip only on a developer machine without chromium; with CI set they fail,
so the Makefile's chromium step cannot silently stop covering them.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from model_fixtures import make_persona

from finetune.adapter import QUALITY_HEADING, add_quality_card
from finetune.report.style import SCALARS
from kakao2dataset.cli import main

pytestmark = pytest.mark.slow

REPORT_KEYS = {"report_version", "persona", "display_name", "base", "smoke_run", "split",
               "contexts", "shots", "seed", "generation", "perplexity", "distinctive_words",
               "style", "memorization", "verdict", "samples"}


def k2d(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


@pytest.fixture(scope="module")
def reported(tmp_path_factory, tiny_gpt2_base):
    """Persona 'nyang' trained on the tiny GPT-2, then one report + blind page of 6 contexts."""
    root = make_persona(tmp_path_factory.mktemp("personas"), "nyang", tiny_gpt2_base, lr=1e-2)
    k2d("finetune", "--persona", "nyang", "--personas-dir", str(root))
    out = tmp_path_factory.mktemp("report")
    text = k2d("eval", "--persona", "nyang", "--personas-dir", str(root), "--report", str(out),
               "--blind", str(out), "--limit", "6", "--seed", "3")
    return root, out, text


def test_report_json_has_its_stable_keys(reported):
    _, out, text = reported
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert set(report) == REPORT_KEYS
    assert report["split"] == "validation" and report["contexts"] == 6
    assert report["smoke_run"] is True  # a finetune.tiny base
    assert [r["setting"] for r in report["perplexity"]["rows"]] == [
        "base zero-shot", "base 3-shot", "adapter"]
    assert set(report["style"]) == {"real", "adapter", "few-shot"}
    for figs in report["style"].values():
        assert set(SCALARS) <= set(figs)
    # the real replies of the synthetic persona: every one laughs ㅋㅋㅋ and ends in 다냥
    assert report["style"]["real"]["rate_ㅋ"] > 0.2
    assert set(report["memorization"]) >= {"min_tokens", "real", "adapter", "few-shot", "worst"}
    assert len(report["samples"]) == 6
    assert all(set(s) == {"context", "real", "adapter", "few_shot"} for s in report["samples"])
    assert [r["figure"] for r in report["verdict"]["rows"]] == [*SCALARS, "perplexity"]
    assert "SMOKE RUN" in text and "closer to the real person than few-shot on" in text


def test_report_is_reproducible_with_the_same_seed(reported, tmp_path):
    root, out, _ = reported
    k2d("eval", "--persona", "nyang", "--personas-dir", str(root), "--report", str(tmp_path),
        "--limit", "6", "--seed", "3")
    again = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    first = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert again["samples"] == first["samples"]


def test_quality_card_goes_into_the_model_card_once(reported):
    root, out, _ = reported
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    adapter = root / "nyang" / "adapter"
    add_quality_card(adapter, report)
    add_quality_card(adapter, report)  # replaced, not appended twice
    card = (adapter / "README.md").read_text(encoding="utf-8")
    assert card.count(QUALITY_HEADING) == 1 and card.startswith("---\nlibrary_name: peft")
    assert report["verdict"]["summary"] in card
    for sample in report["samples"]:  # figures only: no reply text in the card
        assert sample["real"] not in card


# --- the pages in a real browser -------------------------------------------------------------

def _need_chromium():
    missing = [p for p in ("/usr/bin/chromium", "/usr/bin/chromedriver") if not Path(p).exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[dev]')")
    if missing:
        msg = f"headless browser test needs {missing} (make test installs chromium)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _need_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        opts.add_argument(flag)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


def test_report_page_opens_from_disk_with_every_plot(reported, browser):
    from selenium.webdriver.common.by import By

    _, out, _ = reported
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in html and "<script" not in html
    browser.get((out / "report.html").as_uri())
    plots = {e.get_attribute("data-figure"): e for e in
             browser.find_elements(By.CSS_SELECTOR, "svg.plot")}
    assert set(plots) == {"perplexity", *SCALARS, "top_endings", "memorization"}
    for key, svg in plots.items():  # drawn: laid out with a size and carrying bars
        assert svg.size["width"] > 100 and svg.size["height"] > 30, key
        assert svg.find_elements(By.CSS_SELECTOR, "rect.bar"), key
    assert "SMOKE RUN" in browser.find_element(By.CLASS_NAME, "smoke").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.samples tbody tr")) == 6


def _downloaded(folder: Path, timeout: float = 10.0) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob("blind-picks-*.json")]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no picks file downloaded into {folder}: {list(folder.iterdir())}")


def test_blind_page_round_trip_picks_in_score_out(reported, browser, tmp_path):
    from selenium.webdriver.common.by import By

    _, out, _ = reported
    browser.get((out / "blind.html").as_uri())
    items = browser.execute_script(
        "return JSON.parse(document.getElementById('data').textContent).items")
    assert len(items) == 12  # 6 contexts x (real vs adapter, adapter vs few-shot)
    # A reader who always takes the adapter's reply: fooled on every real-vs-adapter item.
    for item in items:
        side = item["sides"].index("adapter")
        browser.find_element(By.ID, f"pick-{item['id']}-{side}").click()
    assert browser.find_element(By.ID, "progress").text == "12 of 12 answered"
    # the picks survive a reload (localStorage). Chromium commits a page's localStorage to the
    # browser process asynchronously, so a reload at once on a busy machine can still read the
    # old state: reload until the picks show up (a page that never stored them fails here).
    deadline = time.monotonic() + 15
    while True:
        browser.refresh()
        shown = browser.find_element(By.ID, "progress").text
        if shown == "12 of 12 answered" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert shown == "12 of 12 answered"
    assert len(browser.find_elements(By.CSS_SELECTOR, "button.pick.chosen")) == 12
    for old in browser.downloads.glob("*"):
        old.unlink()
    browser.find_element(By.ID, "download").click()
    picks = _downloaded(browser.downloads)
    data = json.loads(picks.read_text(encoding="utf-8"))
    assert data["format"] == "k2d-blind-picks" and len(data["picks"]) == 12
    shutil.copy(picks, tmp_path / "picks.json")
    text = k2d("eval", "--blind-score", str(tmp_path / "picks.json"))
    assert "the adapter's reply taken for the real one: 6 of 6 = 100%" in text
    assert "95% CI 61%-100%" in text  # Wilson interval of 6/6
    scored = json.loads(k2d("eval", "--blind-score", str(tmp_path / "picks.json"), "--json"))
    assert scored["kinds"]["adapter-few-shot"]["adapter_picked"] == 6
