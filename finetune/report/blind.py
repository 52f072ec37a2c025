"""The blind test: a page a person opens from disk, picks the reply that sounds like the
real person, and downloads their picks; then ``k2d eval --blind-score`` says how often a
generated reply was taken for the real one, with a Wilson confidence interval.

Two kinds of item, shuffled together (with ``--seed``):
  ``real-adapter``     the real reply vs the adapter's: "fooled" = the adapter was picked;
  ``adapter-few-shot`` the adapter's vs the base few-shot's: which one sounds more like them.
Left/right is drawn per item. The page has no network access and no server: picks live in the
browser's ``localStorage`` (so a reload keeps them) and leave as a downloaded JSON file. The
answer key travels in the page (the picks file must be scorable on its own) — a person taking
the test should simply not read the page source.

>>> lo, hi = wilson(5, 10)
>>> round(lo, 3), round(hi, 3)
(0.237, 0.763)
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from pathlib import Path

from kakao2dataset.errors import K2DError

PICKS_FORMAT = "k2d-blind-picks"
KINDS = ("real-adapter", "adapter-few-shot")


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion (sane at 0/n and n/n, unlike p ± z·se)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def items(samples: Sequence[dict], seed: int) -> list[dict]:
    """One item of each kind per validation context, in a seeded random order and sides."""
    rng = random.Random(seed)
    out = []
    for i, s in enumerate(samples):
        replies = {"real": s["real"], "adapter": s["adapter"], "few-shot": s["few_shot"]}
        for kind in KINDS:
            pair = kind.split("-", 1)
            rng.shuffle(pair)
            out.append({"context": [[r, t] for r, t in s["context"]], "kind": kind,
                        "sides": pair, "texts": [replies[pair[0]], replies[pair[1]]],
                        "sample": i})
    rng.shuffle(out)
    for n, item in enumerate(out):
        item["id"] = n
    return out


_PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>k2d blind test: __TITLE__</title>
<style>
body{font-family:sans-serif;max-width:800px;margin:1em auto;padding:0 1em}
.item{border:1px solid #ccc;margin:1em 0;padding:.6em} .ctx{color:#555;white-space:pre-wrap}
button.pick{display:block;width:100%;text-align:left;margin:.3em 0;padding:.5em;
white-space:pre-wrap;font-size:15px;background:#fff;border:1px solid #999}
button.pick.chosen{background:#d3f9d8;border-color:#2b8a3e}
</style></head><body>
<h1>Which reply sounds like __TITLE__?</h1>
<p>For each conversation, click the reply you think the real person wrote (or, when both
could be, the one that sounds more like them). Your picks stay in this browser; press
<b>Download picks</b> at the end and give the file to <code>k2d eval --blind-score</code>.
Please do not read this page's source: the answers are in it.</p>
<p><span id="progress"></span> <button id="download">Download picks</button></p>
<div id="items"></div>
<script id="data" type="application/json">__DATA__</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById("data").textContent);
  var key = "k2d-blind:" + data.test;
  var picks = {};
  try { picks = JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { picks = {}; }
  var root = document.getElementById("items");
  function progress() {
    document.getElementById("progress").textContent =
      Object.keys(picks).length + " of " + data.items.length + " answered";
  }
  data.items.forEach(function (item) {
    var box = document.createElement("div");
    box.className = "item"; box.id = "item-" + item.id;
    var ctx = document.createElement("div"); ctx.className = "ctx";
    ctx.textContent = item.context.map(function (t) {
      return (t[0] === "user" ? "them: " : "persona: ") + t[1]; }).join("\\n");
    box.appendChild(ctx);
    [0, 1].forEach(function (side) {
      var b = document.createElement("button");
      b.className = "pick"; b.id = "pick-" + item.id + "-" + side;
      b.textContent = item.texts[side];
      if (picks[item.id] === side) b.classList.add("chosen");
      b.addEventListener("click", function () {
        picks[item.id] = side;
        localStorage.setItem(key, JSON.stringify(picks));
        box.querySelectorAll("button.pick").forEach(function (o) { o.classList.remove("chosen"); });
        b.classList.add("chosen"); progress();
      });
      box.appendChild(b);
    });
    root.appendChild(box);
  });
  progress();
  window.k2dPicks = function () {
    return {format: "__FORMAT__", version: 1, test: data.test, persona: data.persona,
            picks: data.items.filter(function (it) { return it.id in picks; }).map(function (it) {
              return {item: it.id, kind: it.kind, sample: it.sample,
                      picked: it.sides[picks[it.id]], other: it.sides[1 - picks[it.id]]}; })};
  };
  document.getElementById("download").addEventListener("click", function () {
    var blob = new Blob([JSON.stringify(window.k2dPicks(), null, 1)], {type: "application/json"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = "blind-picks-" + data.persona + ".json";
    document.body.appendChild(a); a.click(); a.remove();
  });
})();
</script></body></html>
"""


def page(persona: str, display_name: str, samples: Sequence[dict], seed: int) -> str:
    """The blind-test page; ``test`` names this draw (persona + seed) for localStorage."""
    data = {"test": f"{persona}-{seed}", "persona": persona, "items": items(samples, seed)}
    # "</" inside a <script> block would end it: JSON allows escaping the slash.
    blob = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return (_PAGE.replace("__TITLE__", _html_escape(display_name))
            .replace("__FORMAT__", PICKS_FORMAT).replace("__DATA__", blob))


def _html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def score(path: Path) -> dict:
    """→ per kind ``{"n", "generated_picked", "share", "ci95"}`` and the fooled rate overall."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise K2DError(f"cannot read the picks file ({exc})", path=str(path)) from None
    if not isinstance(data, dict) or data.get("format") != PICKS_FORMAT:
        raise K2DError(f"not a blind-test picks file (expected format {PICKS_FORMAT!r}, "
                       "downloaded from the page `k2d eval --blind` wrote)", path=str(path))
    out = {"persona": data.get("persona"), "kinds": {}}
    for kind in KINDS:
        picks = [p for p in data.get("picks", []) if p.get("kind") == kind]
        # real-adapter: generated = the adapter taken for real; adapter-few-shot: adapter chosen
        hits = sum(p.get("picked") == "adapter" for p in picks)
        lo, hi = wilson(hits, len(picks))
        out["kinds"][kind] = {"n": len(picks), "adapter_picked": hits,
                              "share": hits / len(picks) if picks else None, "ci95": [lo, hi]}
    return out


def format_score(result: dict) -> str:
    def line(kind: str, text: str) -> str:
        k = result["kinds"][kind]
        if not k["n"]:
            return f"{text}: no picks"
        lo, hi = k["ci95"]
        return (f"{text}: {k['adapter_picked']} of {k['n']} = {k['share']:.0%} "
                f"(95% CI {lo:.0%}-{hi:.0%})")

    return "\n".join([
        f"blind test of persona {result['persona']}",
        line("real-adapter", "real vs adapter, the adapter's reply taken for the real one"),
        line("adapter-few-shot", "adapter vs few-shot, the adapter's reply picked"),
        "(50% on real vs adapter = indistinguishable to this reader; the interval says how "
        "much the number can move with this few picks)"])


def write_page(report: dict, out_dir: Path) -> Path:
    """``blind.html`` into ``out_dir`` (temp file + rename)."""

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "blind.html"
    text = page(report["persona"], report["display_name"], report["samples"], report["seed"])
    from kakao2dataset.writers import write_text

    return write_text(path, text)
