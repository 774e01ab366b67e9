"""Time parsing the 78 KB Nghệ An plan against merely reading its text.

    python -m bench.parse_plan [--runs N] [FILE]
"""

import argparse
import os
from pathlib import Path

from bench.common import best_of

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "docs" / "plans" / "nghe-an_2023_annual-plan.txt"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    # The parser uses treem.core.numbers, which needs no database, but keep
    # Django configured in case a future import touches settings.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "treem.settings")
    import django

    django.setup()
    from treem.plans.importing.parser import parse_plan

    path = Path(args.file)

    def read():
        with open(path, "rb") as f:
            return f.read().decode("utf-8")

    text = read()
    parse_plan(text)  # warm up regex caches, as a long-running server would be
    read_time, _ = best_of(args.runs, read)
    parse_time, _ = best_of(args.runs, lambda: parse_plan(text))
    doc = parse_plan(text)
    print(f"file: {path.name} ({path.stat().st_size / 1024:.1f} KB, {text.count(chr(10)) + 1} lines)")
    print(f"tasks found: {sum(1 for _ in _walk(doc['tasks']))}, reporting: {len(doc['reporting'])}")
    print(f"read  (open+read+decode), best of {args.runs}: {read_time * 1000:.3f} ms")
    print(f"parse (parse_plan),       best of {args.runs}: {parse_time * 1000:.1f} ms")
    print(f"parse / read: {parse_time / read_time:.0f}x")
    print("OK: well under one second" if parse_time < 0.5 else "SLOW: the issue requires well under one second")


def _walk(tasks):
    for t in tasks:
        yield t
        yield from _walk(t["tasks"])


if __name__ == "__main__":
    main()
