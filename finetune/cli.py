"""``k2d personas``, ``k2d finetune``, ``k2d eval``. Heavy imports happen inside commands."""

from __future__ import annotations

import json
from pathlib import Path

import click

from finetune.config import DEFAULT_BASE_LICENSE, describe, dump_config
from finetune.offline import check_base_reachable
from finetune.paths import personas_dir
from kakao2dataset.cli.parse_cmd import PARSE_PARAMS, parse_options
from kakao2dataset.errors import MissingExtraError

personas_dir_option = click.option(
    "--personas-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Where persona files and adapters live (default: ./personas if it exists, "
         "else $K2D_HOME/personas).",
)


def _root(explicit: Path | None) -> Path:
    return personas_dir(explicit)


def _need_train_extra() -> None:
    for module in ("torch", "transformers", "peft"):
        try:
            __import__(module)
        except ImportError:
            raise MissingExtraError("train", module) from None


def _echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@click.group(help="""Persona files: one YAML per persona (data, base, LoRA, training, sampling).

\b
Example:
  k2d personas new friend --from data/friend
  k2d personas list
""")
def personas() -> None:
    pass


PERSONAS_NEW_HELP = """Create a persona: <slug>.yaml plus its data in <slug>/data/.

\b
--from takes either a `k2d parse` output folder (DATA_DIR with pairs.jsonl + manifest.json,
copied into the persona's folder as it is), or chat export(s), parsed here with the same flags
as `k2d parse` (--persona-speaker / --me / --speakers for a group chat, --nickname, ...).

\b
Example:
  k2d parse chat.txt --persona-speaker 민지 -o data/friend
  k2d personas new friend --from data/friend
  k2d personas new friend --from chat.txt --persona-speaker 민지
  k2d personas new team --from group.txt --speakers 민지,준호 --persona-speaker 민지
"""


@personas.command("new", help=PERSONAS_NEW_HELP)
@click.argument("slug")
@click.option("--from", "sources", required=True, multiple=True,
              type=click.Path(exists=True, path_type=Path),
              help="A `k2d parse` output folder, or chat export(s) to parse (repeatable).")
@parse_options
@click.option("--speaker", "old_speaker", default=None, hidden=True,
              help="Deprecated alias of --persona-speaker.")
@click.option("--base", default=None, help="Base model id or path (default skt/kogpt2-base-v2).")
@click.option("--display-name", default=None, help="Pseudonym shown in lists and model cards.")
@click.option("--force", is_flag=True, help="Overwrite an existing persona file.")
@click.option("--dry-run", is_flag=True, help="Parse and show the counts; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON when done.")
@click.option("-q", "--quiet", is_flag=True, help="No notices or summary.")
@personas_dir_option
@click.pass_context
def personas_new(ctx, slug, sources, old_speaker, base, display_name, force, dry_run, as_json,
                 quiet, personas_dir, **params):
    from finetune.personas import new_persona
    from kakao2dataset.cli._common import warn
    from kakao2dataset.cli.parse_cmd import _summary, options_from
    from kakao2dataset.pipeline import CONSENT_NOTICE

    if old_speaker is not None:
        warn("--speaker is deprecated; use --persona-speaker (the same flag as `k2d parse`)")
        params["persona_speaker"] = params["persona_speaker"] or old_speaker
    data_dir = sources[0] if len(sources) == 1 and sources[0].is_dir() and \
        (sources[0] / "manifest.json").is_file() else None
    given = [f"--{n.rstrip('_').replace('_', '-')}" for n in PARSE_PARAMS
             if ctx.get_parameter_source(n) is not click.core.ParameterSource.DEFAULT]
    if data_dir is not None and given:
        raise click.UsageError(f"{data_dir} is already parsed (a `k2d parse` output); "
                               f"{', '.join(given)} only apply to exports")
    if data_dir is None and not quiet:
        click.echo(CONSENT_NOTICE, err=True)
    persona, manifest = new_persona(
        slug, _root(personas_dir), list(sources), options=options_from(params),
        data_dir=data_dir, base=base, display_name=display_name, force=force, dry_run=dry_run,
        warn=warn)
    if as_json:
        _echo_json(manifest)
    elif not quiet and "splits" in manifest.get("counts", {}):
        _summary(manifest, None)  # pairs and PII counts, once
    if dry_run or quiet:
        return
    click.echo(f"wrote {persona.file}")
    click.echo(f"next: k2d finetune --persona {slug}")


@personas.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@personas_dir_option
def personas_list(as_json, personas_dir):
    """Personas in the personas directory, with their base and whether an adapter exists.

    The base shown is the one the adapter was trained on (k2d.json) once it is trained.

    \b
    Example:
      k2d personas list
      k2d personas list --json
    """
    from finetune.personas import list_personas

    root = _root(personas_dir)
    rows = []
    for slug, persona, error in list_personas(root):
        trained_on = _trained_base(persona.adapter_dir) if persona else None
        rows.append({"slug": slug, "display_name": persona.display_name if persona else None,
                     "base": trained_on["source"] if trained_on else
                     (persona.config.base if persona else None),
                     "config_base": persona.config.base if persona else None,
                     "trained": trained_on is not None, "error": error})
    if as_json:
        _echo_json({"personas_dir": str(root), "personas": rows})
        return
    click.echo(f"# {root}", err=True)
    if not rows:
        click.echo("no personas yet: k2d personas new NAME --from chat.txt --persona-speaker NAME",
                   err=True)
    for r in rows:
        state = f"error: {r['error']}" if r["error"] else (
            "trained" if r["trained"] else "not trained")
        base = r["base"] or ""
        if r["trained"] and r["config_base"] != r["base"]:
            base += f" (yaml now says {r['config_base']}; retrain to use it)"
        click.echo(f"{r['slug']}\t{r['display_name'] or ''}\t{base}\t{state}")


def _trained_base(adapter: Path) -> dict | None:
    """The base the adapter was really trained on (k2d.json), its prepared dir resolved; None
    when there is no adapter. The persona's yaml may since name another base."""
    from finetune.paths import resolve_base

    meta_path = adapter / "k2d.json"
    if not meta_path.is_file():
        return None
    base = json.loads(meta_path.read_text(encoding="utf-8")).get("base", {})
    return {"source": base.get("source"),
            "path": resolve_base(adapter, base.get("path", ""), base.get("trained_path")),
            "vocab_size": base.get("vocab_size")}


@personas.command("show")
@click.argument("slug", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--keys", is_flag=True, help="List every config key with its default and help.")
@personas_dir_option
def personas_show(slug, as_json, keys, personas_dir):
    """The persona's effective config (defaults filled in) and its adapter's eval figures.

    \b
    Example:
      k2d personas show friend
      k2d personas show --keys
    """
    from finetune.config import to_dict
    from finetune.personas import load_persona

    if keys:
        for key, default, help_text in describe():
            click.echo(f"{key:34} {default:22} {help_text}")
        return
    if slug is None:
        raise click.UsageError("give a persona name (or --keys)")
    persona = load_persona(slug, _root(personas_dir))
    meta_path = persona.adapter_dir / "k2d.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else None
    if as_json:
        _echo_json({"slug": slug, "file": str(persona.file), "config": to_dict(persona.config),
                    "adapter": str(persona.adapter_dir) if meta else None,
                    "adapter_base": _trained_base(persona.adapter_dir),
                    "eval": meta.get("eval") if meta else None})
        return
    click.echo(f"# {persona.file}")
    click.echo(dump_config(persona.config), nl=False)
    if meta:
        trained_on = _trained_base(persona.adapter_dir)
        click.echo(f"# adapter: {persona.adapter_dir}")
        click.echo(f"# trained on base: {trained_on['source']} (prepared: {trained_on['path']})")
        click.echo(f"# eval: {json.dumps(meta.get('eval'))}")


@personas.command("path")
@click.argument("slug", required=False)
@click.option("--adapter", is_flag=True, help="Print the adapter directory instead.")
@personas_dir_option
def personas_path(slug, adapter, personas_dir):
    """The personas directory, or a persona's file / adapter directory.

    \b
    Example:
      k2d personas path
      k2d personas path friend --adapter
    """
    from finetune.personas import load_persona

    root = _root(personas_dir)
    if slug is None:
        click.echo(str(root))
        return
    persona = load_persona(slug, root)
    click.echo(str(persona.adapter_dir if adapter else persona.file))


FINETUNE_HELP = f"""Train a LoRA adapter for a persona on a frozen base model.

\b
Reads <personas_dir>/<persona>.yaml, prepares the base once (speaker tokens added, saved under
<personas_dir>/bases/), trains LoRA on the linear layers with loss on the persona's replies
only, and writes <personas_dir>/<persona>/adapter/ (a plain PEFT dir + k2d.json).
Flags override the persona file for this run only.

\b
Licence: {DEFAULT_BASE_LICENSE}
Any Hugging Face causal LM id or local path works with --base.

\b
One device: a GPU (bf16/fp16 autocast) if present, else the CPU (fp32); chat-sized data
needs no more. Multi-GPU is not built in: the trainer module's docstring shows how to wrap
the loop with Accelerate and run it with `accelerate launch`.

\b
Progress: stage lines, then a bar with ETA on a terminal, or a plain line about every 10 %
when stderr is a log. Ctrl-C stops after the current step, saves a checkpoint and prints the
command that continues the run (--resume). No model hub? `k2d base tiny DIR`, then --base DIR.

\b
Example:
  k2d finetune --persona friend
  k2d finetune --persona friend --base ./bases/tiny --max-steps 200 2> train.log
  k2d finetune --persona friend --resume
"""


@click.command(help=FINETUNE_HELP)
@click.option("--persona", "slug", required=True, help="Persona name (see `k2d personas list`).")
@personas_dir_option
@click.option("--base", default=None, help="Base model id or local path.")
@click.option("--max-steps", type=click.IntRange(min=1), default=None, help="Optimizer steps.")
@click.option("--epochs", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Passes over the training pairs (when --max-steps is not set).")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Peak learning rate.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, help="Pairs per batch.")
@click.option("--eval-every", type=click.IntRange(min=1), default=None,
              help="Validation loss every N steps (early stopping looks at it).")
@click.option("--seed", type=int, default=None, help="LoRA init, data order, dropout.")
@click.option("--save-every", type=click.IntRange(min=0), default=None, metavar="N",
              help="Write a resumable checkpoint every N steps (0 = only at the end; Ctrl-C "
                   "always writes one).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Adapter directory (default <personas_dir>/<persona>/adapter).")
@click.option("--resume", is_flag=True, help="Continue from the last checkpoint.")
@click.option("--dry-run", is_flag=True, help="Show token counts, a masked sample and the plan.")
@click.option("--json", "as_json", is_flag=True, help="Print k2d.json content when done.")
@click.option("-q", "--quiet", is_flag=True, help="No stage lines or progress.")
@click.option("--stop-after", type=int, default=None, hidden=True,
              help="Stop after N steps as if interrupted (tests of --resume).")
@click.pass_context
def finetune(ctx, slug, personas_dir, base, max_steps, epochs, lr, batch_size, eval_every, seed,
             save_every, output, resume, dry_run, as_json, quiet, stop_after):
    _need_train_extra()
    from finetune.personas import load_persona
    from finetune.run import Overrides, run_finetune
    from finetune.run import dry_run as plan

    persona = load_persona(slug, _root(personas_dir))
    cfg = Overrides(base, max_steps, epochs, lr, batch_size, seed, eval_every, save_every).apply(
        persona.config, str(persona.file))
    check_base_reachable(cfg.base, persona.bases_dir)
    if dry_run:
        click.echo(plan(persona, cfg))
        return
    meta = run_finetune(persona, cfg, output=output, resume=resume, stop_after=stop_after,
                        quiet=quiet)
    if meta.get("interrupted"):
        click.echo(f"stopped at step {meta['eval']['steps']}/{_planned(meta)}, checkpoint in "
                   f"{persona.work_dir}; continue with:\n  {resume_command(ctx)}", err=True)
    if as_json:
        _echo_json(meta)
    if meta.get("checkpoint"):  # a real Ctrl-C: the shell convention for SIGINT
        ctx.exit(130)
    if as_json or meta.get("interrupted"):
        return
    ev = meta["eval"]
    click.echo(f"adapter: {output or persona.adapter_dir}")
    if ev["adapter_val_ppl"] is not None:
        click.echo(f"validation ppl: base {ev['base_val_ppl']:.2f} -> adapter "
                   f"{ev['adapter_val_ppl']:.2f} (best step {ev['best_step']}/{ev['steps']})")


def _planned(meta: dict) -> int:
    from finetune.config import TrainSettings
    from finetune.trainer import total_steps

    return total_steps(TrainSettings(**meta["train"]), meta["data"]["train"]["pairs"])


NOT_REPEATED = {"resume", "dry_run", "as_json", "stop_after"}


def resume_command(ctx: click.Context) -> str:
    """The command line that continues this run: the same flags (those given, not defaults)
    plus ``--resume``, shell-quoted so it can be pasted as is."""
    import shlex

    words = ["k2d", ctx.info_name or "finetune"]
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        if param.name in NOT_REPEATED or value is None or value is False:
            continue
        if ctx.get_parameter_source(param.name) is click.core.ParameterSource.DEFAULT:
            continue
        flag = max(param.opts, key=len)
        words += [flag] if param.is_flag else [flag, str(value)]
    return shlex.join(words + ["--resume"])


@click.command("eval")
@click.option("--persona", "slug", default=None, help="Persona name (not needed with --blind-score).")
@personas_dir_option
@click.option("--adapter", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Adapter directory (default: the persona's).")
@click.option("--shots", type=click.IntRange(min=0), default=3, show_default=True,
              help="Training pairs placed in the prompt for the few-shot baseline.")
@click.option("--max-examples", type=click.IntRange(min=1), default=None,
              help="Evaluate on the first N validation pairs only.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Write report.html + report.json (style figures, replies, "
              "memorization, verdict) into this folder.")
@click.option("--blind", "blind_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Write blind.html, a blind test a person takes in a browser.")
@click.option("--blind-score", "picks_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Score a picks file downloaded from the blind-test page.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Report / blind test on the first N validation contexts only.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the sampled replies and the blind test's order.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def eval_cmd(slug, personas_dir, adapter, shots, max_examples, report_dir, blind_dir, picks_file,
             limit, seed, as_json):
    """Validation perplexity: base zero-shot vs base few-shot vs the adapter.

    With --report / --blind: replies generated for the validation contexts, style figures,
    a memorization check and a blind-test page. --blind-score FILE scores a person's picks.

    \b
    Examples:
      k2d eval --persona friend
      k2d eval --persona friend --report report/friend --blind report/friend --limit 20
      k2d eval --blind-score picks.json
    """
    if picks_file is not None:
        from finetune.report.blind import format_score, score

        result = score(picks_file)
        _echo_json(result) if as_json else click.echo(format_score(result))
        return
    if slug is None:
        raise click.UsageError("--persona is required (except with --blind-score)")
    _need_train_extra()
    from finetune.evaluate import evaluate, format_table
    from finetune.personas import load_persona

    persona = load_persona(slug, _root(personas_dir))
    adapter = adapter or persona.adapter_dir
    if report_dir is None and blind_dir is None:
        report = evaluate(persona, adapter, shots=shots, max_examples=max_examples)
        _echo_json(report) if as_json else click.echo(format_table(report))
        return
    from finetune.evaluate import persona_report, write_report

    report = persona_report(persona, adapter, shots=shots, limit=limit or max_examples,
                            seed=seed)
    written = {}
    if report_dir is not None:
        written["report"] = [str(p) for p in write_report(report, report_dir)]
        if not report["smoke_run"]:
            from finetune.adapter import add_quality_card

            add_quality_card(adapter, report)
            written["model_card"] = str(Path(adapter) / "README.md")
    if blind_dir is not None:
        from finetune.report.blind import write_page

        written["blind"] = str(write_page(report, blind_dir))
    if as_json:
        _echo_json({"written": written, "verdict": report["verdict"]["summary"],
                    "perplexity": report["perplexity"]})
        return
    click.echo(format_table(report["perplexity"]))
    if report["smoke_run"]:
        click.echo("SMOKE RUN: tiny synthetic base; the figures test the pipeline, not a persona.")
    click.echo(f"adapter: {report['verdict']['summary']}")
    mem = report["memorization"]
    click.echo(f"memorization: {mem['adapter']['share']:.0%} of adapter replies copy >= "
               f"{mem['min_tokens']} training morphemes (few-shot {mem['few-shot']['share']:.0%}, "
               f"real replies {mem['real']['share']:.0%})")
    for what, where in written.items():
        click.echo(f"wrote {what}: {', '.join(where) if isinstance(where, list) else where}")
