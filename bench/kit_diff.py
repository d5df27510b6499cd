"""Benchmark: the kit version diff on hostile sections, the old algorithm against the new one.

    uv run python bench/kit_diff.py [--old-sizes 1500,3000,6000] [--rounds 3]

The hostile input is a section made of one line repeated by the thousand,
compared with the same line interleaved with another ("a\\na\\n…" against
"a\\nb\\na\\nb\\n…"): the worst case we know of for `difflib.SequenceMatcher`
(autojunk off), whose cost grows with the cube of the number of lines. Each
side is a diff view's work: compute the diff, then render its table
(kits/_diff_table.html). The old side (difflib over lines, every line
rendered, as the kits app had it) runs on that section at each of
`--old-sizes` characters, one field changed; the new one
(`kits.selectors.version_diff`: diff-match-patch over lines with a wall-clock
budget, unchanged lines folded, at most DIFF_MAX_ROWS rows) runs on the same
inputs, then on the largest section allowed (SECTION_MAX_LENGTH characters)
in every one of the kit's seven sections at once, which is the most a diff
page can be asked. Each figure is the median
CPU time (time.process_time) of `--rounds` runs in this process (the old
algorithm runs once per size past 2 s: it is slow); both diffs are checked to
describe the two versions exactly. Nothing touches a database.
"""

from __future__ import annotations

import argparse
import difflib
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    os.environ.update({"DJANGO_SETTINGS_MODULE": "alleger.settings", "SECRET_KEY": secrets.token_urlsafe(50)})
    import django

    django.setup()


def old_line_diff(before: str, after: str) -> list:
    """The kits app's diff before this benchmark: difflib over lines, autojunk off."""
    before_lines, after_lines = before.splitlines(), after.splitlines()
    lines = []
    matcher = difflib.SequenceMatcher(a=before_lines, b=after_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            lines += [("same", text) for text in before_lines[i1:i2]]
            continue
        lines += [("removed", text) for text in before_lines[i1:i2]]
        lines += [("added", text) for text in after_lines[j1:j2]]
    return lines


def render(diffs) -> int:
    from django.template.loader import render_to_string

    return sum(len(render_to_string("kits/_diff_table.html", {"diff": diff})) for diff in diffs)


def hostile(length: int) -> tuple[str, str]:
    return "a\n" * (length // 2), "a\nb\n" * (length // 4)


def check(lines, before: str, after: str) -> None:
    old = [text for change, text in lines if change != "added"]
    new = [text for change, text in lines if change != "removed"]
    assert (old, new) == (before.splitlines(), after.splitlines()), "the diff does not describe the two versions"


def cpu(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.process_time()
        fn()
        times.append(time.process_time() - started)
        if times[-1] > 2:
            break
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old-sizes", default="1500,3000,6000",
                        help="section lengths (characters) for the old algorithm; 6000 takes minutes")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from alleger.kits import selectors
    from alleger.kits.models import SECTION_MAX_LENGTH, Kit, KitVersion

    def new_diff(before: str, after: str, fields=("steps",)):
        old = KitVersion(content=dict.fromkeys(fields, before))
        new = KitVersion(content=dict.fromkeys(fields, after))
        return selectors.version_diff(old, new)

    def old_view(before: str, after: str):
        lines = old_line_diff(before, after)
        render([{"label": "steps", "rows": lines}])

    def new_view(before: str, after: str, fields=("steps",)):
        render(new_diff(before, after, fields))

    print(f"{'section':>28} {'old (difflib)':>14} {'new (dmp)':>10} {'old/new':>8}")
    for size in (int(s) for s in args.old_sizes.split(",") if s):
        before, after = hostile(size)
        check(old_line_diff(before, after), before, after)
        check(new_diff(before, after)[0].lines, before, after)
        old_s = cpu(lambda b=before, a=after: old_view(b, a), args.rounds)
        new_s = cpu(lambda b=before, a=after: new_view(b, a), args.rounds)
        print(f"{f'{size} chars, 1 section':>28} {old_s:>13.3f}s {new_s:>9.3f}s {old_s / new_s:>7.0f}x", flush=True)
    before, after = hostile(SECTION_MAX_LENGTH)
    diffs = new_diff(before, after, fields=Kit.SECTIONS)
    for diff in diffs:
        check(diff.lines, before, after)
    new_s = cpu(lambda: new_view(before, after, fields=Kit.SECTIONS), args.rounds)
    label = f"{SECTION_MAX_LENGTH} chars x {len(Kit.SECTIONS)} sections"
    print(f"{label:>28} {'(not run)':>14} {new_s:>9.3f}s   (the most one diff page can cost)")
    print(f"CPU seconds per diff view (diff + table rendering), median of {args.rounds}; new: diff budget "
          f"{selectors.DIFF_BUDGET_SECONDS}s wall-clock, at most {selectors.DIFF_MAX_ROWS} rows per page")


if __name__ == "__main__":
    main()
