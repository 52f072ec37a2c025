"""report.html: one self-contained page (inline SVG, inline CSS, no script, no network).

The plots are drawn here as plain SVG bar charts: no plotting library to install and nothing
fetched when the file is opened from disk. Every plot is an ``<svg class="plot"
data-figure="KEY">`` so a test (and a reader's browser search) can find each one.
"""

from __future__ import annotations

import html
import math

COLORS = {"real": "#444444", "adapter": "#d9480f", "few-shot": "#1c7ed6", "zero-shot": "#9e9e9e"}
SMOKE_NOTE = ("SMOKE RUN: the base is a tiny synthetic model (finetune.tiny); these figures "
              "show that the pipeline runs, not how a real persona sounds.")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def bar_chart(key: str, title: str, bars: list[tuple[str, float, str]], width: int = 320) -> str:
    """Horizontal bars ``(label, value, color)`` scaled to the largest value."""
    row, left, top = 24, 90, 26
    height = top + row * len(bars) + 8
    top_value = max([v for _, v, _ in bars if math.isfinite(v)] + [1e-12])
    room = width - left - 60
    parts = [f'<svg class="plot" data-figure="{esc(key)}" xmlns="http://www.w3.org/2000/svg" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{esc(title)}">',
             f'<text x="4" y="16" font-size="13" font-weight="bold">{esc(title)}</text>']
    for i, (label, value, color) in enumerate(bars):
        y = top + i * row
        w = 0 if not math.isfinite(value) else max(1.0, room * value / top_value)
        parts += [f'<text x="4" y="{y + 14}" font-size="12">{esc(label)}</text>',
                  f'<rect class="bar" x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 8}" '
                  f'fill="{color}"><title>{esc(label)}: {_fmt(value)}</title></rect>',
                  f'<text x="{left + w + 4:.1f}" y="{y + 14}" font-size="12">{_fmt(value)}</text>']
    parts.append("</svg>")
    return "".join(parts)


def _three(key: str, title: str, style: dict) -> str:
    return bar_chart(key, title, [(name, style[name][key], COLORS[name])
                                  for name in ("real", "adapter", "few-shot")])


def _endings_chart(style: dict) -> str:
    """Top endings of the real person, with each generator's share of the same ending."""
    shares = {name: dict(map(tuple, style[name]["top_endings"])) for name in style}
    endings = [e for e, _ in style["real"]["top_endings"]][:5]
    bars = [(f"-{e} {name}", shares[name].get(e, 0.0), COLORS[name])
            for e in endings for name in ("real", "adapter", "few-shot")]
    if not bars:
        bars = [("(no endings)", 0.0, COLORS["real"])]
    return bar_chart("top_endings", "most frequent endings (share)", bars, width=360)


def _table(header: list[str], rows: list[list[object]], cls: str = "") -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def render(report: dict) -> str:
    """The whole page from ``report.json``'s content."""
    from finetune.report.style import SCALARS

    style = report["style"]
    ppl = {r["setting"]: r["ppl"] for r in report["perplexity"]["rows"]}
    ppl_chart = bar_chart("perplexity", "perplexity per persona token (lower = better)",
                          [(name.replace("base ", ""), v,
                            COLORS["adapter" if name == "adapter" else
                                   "zero-shot" if "zero" in name else "few-shot"])
                           for name, v in ppl.items()])
    plots = [ppl_chart] + [_three(k, label, style) for k, label in SCALARS.items()]
    plots.append(_endings_chart(style))
    mem = report["memorization"]
    plots.append(bar_chart("memorization",
                           f"replies copying >= {mem['min_tokens']} training morphemes",
                           [(name, mem[name]["share"], COLORS[name])
                            for name in ("real", "adapter", "few-shot")]))
    verdict = report["verdict"]
    verdict_rows = [[r["label"], _fmt(r["real"]), _fmt(r["adapter"]), _fmt(r["few_shot"]),
                     r["closer"]] for r in verdict["rows"]]
    samples = [[" / ".join(f"{role}: {text}" for role, text in s["context"]), s["real"],
                s["adapter"], s["few_shot"]] for s in report["samples"]]
    worst = [[c["generator"], c["tokens"], c["reply"], c["training_turn"]]
             for c in mem["worst"]]
    smoke = f'<p class="smoke">{esc(SMOKE_NOTE)}</p>' if report["smoke_run"] else ""
    vocab = ", ".join(report["distinctive_words"]) or "(none found)"
    return f"""<!doctype html>
<html lang="ko"><head><meta charset="utf-8">
<title>k2d persona report: {esc(report['persona'])}</title>
<style>
body{{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em;color:#222}}
table{{border-collapse:collapse;margin:.5em 0}} td,th{{border:1px solid #ccc;padding:3px 6px;
vertical-align:top;white-space:pre-wrap;font-size:13px}} th{{background:#f3f3f3}}
.plots{{display:flex;flex-wrap:wrap;gap:12px}} .plots svg{{border:1px solid #eee}}
.smoke{{background:#fff3bf;padding:.5em;border:1px solid #f08c00}}
.verdict-line{{font-size:1.2em;font-weight:bold}}
</style></head><body>
<h1>Does it sound like {esc(report['display_name'])}?</h1>
{smoke}
<p>Persona <code>{esc(report['persona'])}</code>, base <code>{esc(report['base'])}</code>.
Computed on the {report['contexts']} time-ordered validation contexts only (the latest sessions,
never trained on); few-shot = the base with {report['shots']} of the persona's own training turns
in the prompt. Seed {report['seed']}.</p>
<h2>Verdict</h2>
<p class="verdict-line">The adapter is {esc(verdict['summary'])}.</p>
{_table(["figure", "real", "adapter", "few-shot", "closer"], verdict_rows, "verdict")}
<h2>Plots</h2>
<p>Grey = the real replies, orange = adapter, blue = base few-shot.</p>
<div class="plots">{''.join(plots)}</div>
<p>The persona's distinctive words (from the training turns): {esc(vocab)}</p>
<h2>Memorization</h2>
<p>Adapter: {mem['adapter']['share']:.1%} of replies reproduce a run of at least
{mem['min_tokens']} morphemes (kiwipiepy) of one training turn verbatim; few-shot:
{mem['few-shot']['share']:.1%}; the real replies themselves: {mem['real']['share']:.1%} (a person
repeats their own stock lines; that is the level to compare with). Worst cases (anonymized
text):</p>
{_table(["generator", "tokens", "reply", "training turn"], worst, "worst") if worst else "<p>none</p>"}
<h2>Replies side by side</h2>
{_table(["context", "real", "adapter", "few-shot"], samples, "samples")}
<h2>What these figures can and cannot tell</h2>
<p>They compare surface style (length, laughter, endings, words, variety) of replies to the same
contexts. They cannot tell whether a reply is true, kind or fitting; a style match is necessary
for "sounds like them", not sufficient. With few validation contexts every figure is noisy.
A blind test (<code>k2d eval --blind</code>) asks a person instead.</p>
</body></html>
"""
