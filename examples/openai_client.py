"""Talk to ``k2d serve`` with the official OpenAI Python client (any OpenAI-compatible client works).

    k2d serve --port 8000 --api-key secret        # in another terminal
    python examples/openai_client.py --base-url http://127.0.0.1:8000/v1 --api-key secret \\
        --persona friend "밥 먹었어?"

``model`` is the persona slug. ``user`` messages are what you say, ``assistant`` messages are the
persona's earlier replies; ``system`` messages are ignored (personas learn chat style, not
instructions). ``--stream`` prints the reply as it is generated.
"""

from __future__ import annotations

import argparse

from openai import OpenAI


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("message", nargs="+", help="your messages, one turn each")
    ap.add_argument("--persona", default=None, help="persona slug (default: the first served)")
    ap.add_argument("--base-url", default="http://127.0.0.1:8000/v1")
    ap.add_argument("--api-key", default="unused", help="the server's --api-key, if any")
    ap.add_argument("--temperature", type=float, default=None)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--stream", action="store_true")
    args = ap.parse_args()

    client = OpenAI(base_url=args.base_url, api_key=args.api_key)
    persona = args.persona or client.models.list().data[0].id
    messages = [{"role": "user", "content": m} for m in args.message]
    extra = {k: v for k, v in {"temperature": args.temperature, "seed": args.seed}.items()
             if v is not None}
    if args.stream:
        for chunk in client.chat.completions.create(model=persona, messages=messages,
                                                    stream=True, **extra):
            if chunk.choices and chunk.choices[0].delta.content:
                print(chunk.choices[0].delta.content, end="", flush=True)
        print()
        return
    reply = client.chat.completions.create(model=persona, messages=messages, **extra)
    print(f"{persona}: {reply.choices[0].message.content}")


if __name__ == "__main__":
    main()
