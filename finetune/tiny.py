"""A tiny local "base model" for tests, benchmarks and the offline demo.

It behaves like any Hub checkpoint (``from_pretrained(dir)`` works for the model and the
tokenizer) but is built in a few seconds from synthetic text generated here — no download, no
real chat data. Replies from a persona trained on it are smoke-run gibberish, not a real persona.

The tokenizer is a byte-level BPE (so every Korean / Japanese / emoji byte is encodable) with
``<|endoftext|>`` as eos/bos and ``<pad>`` as pad. It deliberately does *not* contain the k2d
speaker tokens (``<usr>``, ``<sys>``, ``<eot>``): preparing a base adds them
(``finetune.prepared_base``), as it would for a real base that lacks them.

    python -m finetune.tiny /tmp/tiny-gpt2            # GPT-2 architecture (default)
    python -m finetune.tiny /tmp/tiny-llama --arch llama
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path

from finetune.tokenizer_files import save_tokenizer

EOS = "<|endoftext|>"
PAD = "<pad>"
ARCHS = ("gpt2", "llama")
MARKER = "k2d_tiny.json"

_KO_SUBJECTS = ["나", "너", "우리", "엄마", "친구", "고양이", "선생님", "동생", "강아지", "회사"]
_KO_VERBS = ["밥 먹었어", "학교 가", "집에 왔어", "영화 봤어", "잠 잤어", "커피 마셔", "공부해",
             "게임 해", "산책 가", "일 끝났어"]
_KO_TAILS = ["ㅋㅋㅋ", "ㅎㅎ", "?", "!", "~냥", "요", " ㅠㅠ", "...", " 진짜", " 그치"]
_EN = ["what are you doing", "lol ok", "see you tomorrow", "did you eat", "i am so tired",
       "good morning", "haha nice", "where are you", "call me later", "sounds good"]
_JA = ["おはよう", "ありがとう", "今どこ", "ご飯食べた", "また明日", "了解です", "眠い", "楽しかった",
       "どうしたの", "いいね"]


def synthetic_lines(n: int = 2000, seed: int = 0) -> list[str]:
    """Seeded synthetic chat lines in Korean, English and Japanese (no real people)."""
    rng = random.Random(seed)
    lines = []
    for _ in range(n):
        lang = rng.random()
        if lang < 0.6:
            line = f"{rng.choice(_KO_SUBJECTS)} {rng.choice(_KO_VERBS)}{rng.choice(_KO_TAILS)}"
        elif lang < 0.85:
            line = f"{rng.choice(_EN)}{rng.choice(['', '?', '!', ' :)', ' 123'])}"
        else:
            line = f"{rng.choice(_JA)}{rng.choice(['', '？', '！', 'w'])}"
        lines.append(line)
    return lines


def generic_chat_lines(n: int = 3000, seed: int = 0) -> list[str]:
    """Everyday chat lines in no one's style: the synthetic writer's questions, plain answers,
    openers and phrases, plus :func:`synthetic_lines`. The offline demo pretrains its tiny base
    on these, so the base knows the words and a persona's LoRA only has to learn the *style*
    (the example personas add "ㅋㅋ" or "음… …!!" to such answers)."""
    from kakao2dataset.synthetic.conversation import OPENERS, PHRASES, TOPICS

    rng = random.Random(seed)
    pool = [q for q, _ in TOPICS] + [a for _, answers in TOPICS for a in answers]
    pool += [o.format(name=rng.choice(["민지", "준호", "서준", "지우"])) for o in OPENERS]
    pool += [p for p in PHRASES if "\n" not in p]
    lines = [rng.choice(pool) for _ in range(n)]
    return lines + synthetic_lines(n // 2, seed=seed)


def build_tokenizer(vocab_size: int = 512, seed: int = 0, corpus: Sequence[str] | None = None):
    """Train a byte-level BPE on ``corpus`` (default: :func:`synthetic_lines`) and wrap it as a
    transformers fast tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[EOS, PAD],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(corpus or synthetic_lines(seed=seed), trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=EOS, eos_token=EOS, unk_token=None, pad_token=PAD
    )


def build_config(arch: str, vocab_size: int, tokenizer, *, hidden: int, layers: int,
                 heads: int, max_positions: int):
    """A tiny config of the requested architecture with the tokenizer's special ids."""
    ids = dict(
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    if arch == "gpt2":
        from transformers import GPT2Config

        return GPT2Config(vocab_size=vocab_size, n_embd=hidden, n_layer=layers, n_head=heads,
                          n_positions=max_positions, **ids)
    if arch == "llama":
        from transformers import LlamaConfig

        return LlamaConfig(vocab_size=vocab_size, hidden_size=hidden,
                           intermediate_size=hidden * 2, num_hidden_layers=layers,
                           num_attention_heads=heads, num_key_value_heads=max(1, heads // 2),
                           max_position_embeddings=max_positions, tie_word_embeddings=False,
                           **ids)
    raise ValueError(f"unknown arch {arch!r}; expected one of {ARCHS}")


def build_tiny_base(
    out_dir: str | Path,
    arch: str = "gpt2",
    seed: int = 0,
    *,
    vocab_size: int = 512,
    hidden: int = 64,
    layers: int = 2,
    heads: int = 2,
    max_positions: int = 256,
    init_std: float = 0.1,
    corpus: Sequence[str] | None = None,
) -> Path:
    """Build a tiny random-weight causal LM + tokenizer and ``save_pretrained`` it to ``out_dir``.

    Deterministic for a given ``seed``: the same call gives the same tokenizer and weights.
    ``init_std`` is larger than the usual 0.02 so that logits have some range: with 0.02 a tiny
    random model is stuck near the uniform distribution and LoRA can barely move the loss.
    ``corpus`` (default :func:`synthetic_lines`) trains the tokenizer.
    Returns ``out_dir`` (use it as ``--base`` or as a fixture's base path).
    """
    import torch
    from transformers import AutoModelForCausalLM
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

    if arch not in ARCHS:
        raise ValueError(f"unknown arch {arch!r}; expected one of {ARCHS}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tokenizer = build_tokenizer(vocab_size=vocab_size, seed=seed, corpus=corpus)
    config = build_config(arch, len(tokenizer), tokenizer, hidden=hidden, layers=layers,
                          heads=heads, max_positions=max_positions)
    config.initializer_range = init_std
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.save_pretrained(out)
    save_tokenizer(tokenizer, out)
    marker = {"arch": arch, "seed": seed, "vocab_size": len(tokenizer), "hidden": hidden,
              "layers": layers, "note": "synthetic tiny base built by finetune.tiny; "
              "random weights, for tests and smoke runs only"}
    (out / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    return out


def pretrain_tiny_base(path: str | Path, steps: int = 300, seed: int = 0, *,
                       batch_size: int = 32, block: int = 48, lr: float = 3e-3,
                       corpus: Sequence[str] | None = None) -> float:
    """Train every weight of a tiny base for ``steps`` next-token steps on ``corpus`` (default
    :func:`synthetic_lines`; ``<|endoftext|>`` between lines) and save it back in place;
    returns the last loss.

    Why: a random-weight base emits random bytes, so an offline demo would show a persona
    answering in mojibake. A few hundred steps teach the tiny base the synthetic chat's words,
    so a persona trained on it answers in chat-like fragments — still a smoke run, not a real
    persona, and still no real data: the base never sees the persona's chat. Tests keep the
    random base (seconds matter there).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = Path(path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    text = EOS.join(corpus or synthetic_lines(n=4000, seed=seed + 1)) + EOS
    ids = torch.tensor(tokenizer(text)["input_ids"], dtype=torch.long)
    chunks = ids[: len(ids) // block * block].view(-1, block)
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps,
                                                   pct_start=0.1)
    model.train()
    last = float("nan")
    for _ in range(steps):
        batch = chunks[torch.randint(len(chunks), (batch_size,), generator=generator)]
        loss = model(input_ids=batch, labels=batch).loss
        loss.backward()
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        last = loss.item()
    model.eval()
    model.save_pretrained(path)
    marker_path = path / MARKER
    if marker_path.is_file():
        marker = json.loads(marker_path.read_text(encoding="utf-8"))
        marker.update(pretrain_steps=steps, pretrain_loss=round(last, 4),
                      note="synthetic tiny base built by finetune.tiny; pretrained briefly on "
                      "synthetic lines, for smoke runs only")
        marker_path.write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
    return last


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Build a tiny local base model (synthetic).")
    parser.add_argument("out_dir")
    parser.add_argument("--arch", choices=ARCHS, default="gpt2")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pretrain-steps", type=int, default=0,
                        help="next-token steps on synthetic lines after building (0 = random "
                        "weights, as the tests use)")
    args = parser.parse_args(argv)
    path = build_tiny_base(args.out_dir, arch=args.arch, seed=args.seed)
    if args.pretrain_steps:
        pretrain_tiny_base(path, steps=args.pretrain_steps, seed=args.seed)
    print(path)


if __name__ == "__main__":
    main()
