"""Structured files keep their structure: textfix on every side file of the
clean corpora, checked by each format's own parser.

    python scripts/eval_formats.py [ROOT] [--damaged] [--speed]

ROOT defaults to ../shared/peer-data/clean. Every file that textfix does
not read as prose (``.json``, ``.tsv``, ``.md`` …) goes through the file
route (``textfix.document.process_document``, as ``textfix fix`` does) and the
result is checked:

* JSON: parses, and to the same structure (keys, numbers, nesting) with
  only string values changed;
* CSV/TSV: the csv module reads the same number of rows and of cells per row;
* Markdown: the same code blocks, code spans and link targets
  (markdown-it-py tokens);
* and a second run over a changed file changes nothing.

``--damaged`` also writes a damaged copy of every JSON and TSV file first:
the fullwidth marks ``，：；？！（）`` inside it turned into ASCII (what NFKC
normalisation does; these formats hold no such mark outside their strings
and cells), and reports how many textfix restored, structure checked the
same way. ``--speed`` times reading every structured file by its format
against reading it as one prose text (interleaved rounds, median ratio).
The script exits 1 when any check fails.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textfix import Config  # noqa: E402
from textfix.document import process_document  # noqa: E402
from textfix.job import Job  # noqa: E402
from textfix.formats import kind_for  # noqa: E402
from textfix.formats.records import dialect  # noqa: E402

FULLWIDTH = "，：；？！（）"
ASCII = ",:;?!()"


def shape(value):
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return "<str>" if isinstance(value, str) else value


def strings(value, out):
    if isinstance(value, dict):
        for v in value.values():
            strings(v, out)
    elif isinstance(value, list):
        for v in value:
            strings(v, out)
    elif isinstance(value, str):
        out.append(value)
    return out


def check_json(before: str, after: str) -> tuple[str | None, int]:
    try:
        a, b = json.loads(before), json.loads(after)
    except ValueError as exc:
        return f"does not parse: {exc}", 0
    if shape(a) != shape(b):
        return "structure changed", 0
    return None, sum(x != y for x, y in zip(strings(a, []), strings(b, [])))


def check_table(before: str, after: str, kind: str) -> tuple[str | None, int]:
    delim, quoting = dialect(before, kind)

    def rows(t):
        return list(csv.reader(io.StringIO(t, newline=""), delimiter=delim, quoting=quoting))

    try:
        a, b = rows(before), rows(after)
    except csv.Error as exc:
        return f"does not parse: {exc}", 0
    if [len(r) for r in a] != [len(r) for r in b]:
        return "row/column shape changed", 0
    return None, sum(x != y for ra, rb in zip(a, b) for x, y in zip(ra, rb))


def markdown_kept(text: str) -> list:
    from markdown_it import MarkdownIt

    kept = []
    for tok in MarkdownIt("commonmark").enable("table").parse(text):
        if tok.type in ("fence", "code_block", "html_block"):
            kept.append((tok.type, tok.content))
        for child in tok.children or ():
            if child.type in ("code_inline", "html_inline"):
                kept.append((child.type, child.content))
            elif child.type == "link_open":
                kept.append(("href", child.attrGet("href")))
    return kept


def check(kind: str, before: str, after: str) -> tuple[str | None, int]:
    if kind == "json":
        return check_json(before, after)
    if kind in ("csv", "tsv"):
        return check_table(before, after, kind)
    if kind == "markdown":
        if markdown_kept(before) != markdown_kept(after):
            return "code, HTML or link targets changed", 0
        return None, int(before != after)
    return None, int(before != after)


def run(path: str, data: bytes, job: Job):
    report, new = process_document(path, data, job)
    after = (new if new is not None else data).decode("utf-8")
    return report, after


def damage(text: str) -> tuple[str, int]:
    table = str.maketrans(FULLWIDTH, ASCII)
    return text.translate(table), sum(text.count(c) for c in FULLWIDTH)


def restored(original: str, repaired: str) -> int:
    """Fullwidth marks of ``original`` that stand at the same place in
    ``repaired`` (the damage keeps every offset: one character for one)."""
    if len(original) != len(repaired):
        return sum(min(original.count(c), repaired.count(c)) for c in FULLWIDTH)
    return sum(1 for a, b in zip(original, repaired) if a in FULLWIDTH and a == b)


def speed(root: str, rounds: int = 3) -> int:
    from statistics import median

    from textfix.formats import repair
    from textfix.pipeline import run as prose

    texts = []
    for p in sorted(q for q in Path(root).rglob("*") if q.is_file()):
        kind = kind_for(str(p), p.read_bytes())
        if kind != "prose":
            texts.append((kind, p.read_text(encoding="utf-8")))
    prose("warm up 中文,测试")
    repair('{"a": "warm up 中文,测试"}', "json")
    ratios, fmt_total, prose_total = [], 0.0, 0.0
    for _ in range(rounds):  # interleaved: each round times both routes on every file
        a = b = 0.0
        for kind, text in texts:
            t0 = time.perf_counter()
            repair(text, kind)
            t1 = time.perf_counter()
            prose(text)
            t2 = time.perf_counter()
            a += t1 - t0
            b += t2 - t1
        ratios.append(a / b)
        fmt_total, prose_total = fmt_total + a, prose_total + b
    size = sum(len(t) for _, t in texts)
    print(f"{len(texts)} structured files, {size} characters, {rounds} interleaved rounds")
    print(f"read by format: {fmt_total / rounds:.2f} s per round; read as prose: {prose_total / rounds:.2f} s")
    print(f"ratio format/prose: median {median(ratios):.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("root", nargs="?", default=str(ROOT.parent / "shared" / "peer-data" / "clean"))
    ap.add_argument("--damaged", action="store_true", help="also repair damaged copies of the JSON and TSV files")
    ap.add_argument("--speed", action="store_true", help="time the format route against the prose route")
    args = ap.parse_args()
    if args.speed:
        return speed(args.root)
    job = Job(mode="fix", config=Config())
    failures: list[str] = []
    by_kind: Counter = Counter()
    changed_files: Counter = Counter()
    changed_values: Counter = Counter()
    t0 = time.perf_counter()
    files = sorted(p for p in Path(args.root).rglob("*") if p.is_file())
    damaged_total = damaged_restored = damaged_wrong = 0
    for p in files:
        data = p.read_bytes()
        kind = kind_for(str(p), data)
        if kind == "prose":
            continue
        by_kind[kind] += 1
        before = data.decode("utf-8")
        report, after = run(str(p), data, job)
        if report.status == "error":
            failures.append(f"{p}: {report.error}")
            continue
        problem, values = check(kind, before, after)
        if problem:
            failures.append(f"{p}: {problem}")
        if after != before:
            changed_files[kind] += 1
            changed_values[kind] += values
            _, twice = run(str(p), after.encode("utf-8"), job)
            if twice != after:
                failures.append(f"{p}: a second run changes it again (not idempotent)")
        if args.damaged and kind in ("json", "tsv"):
            broken, marks = damage(before)
            if not marks:
                continue
            report, repaired = run(str(p), broken.encode("utf-8"), job)
            problem, _ = check(kind, broken, repaired)
            if problem:
                failures.append(f"{p} (damaged copy): {problem}")
            damaged_total += marks
            ok = restored(before, repaired)
            damaged_restored += ok
            damaged_wrong += sum(1 for a, b in zip(before, repaired) if a != b and b in FULLWIDTH) if len(before) == len(repaired) else 0
    elapsed = time.perf_counter() - t0
    total = sum(by_kind.values())
    print(f"structured files under {args.root}: {total} ({', '.join(f'{k} {n}' for k, n in sorted(by_kind.items()))})")
    print(f"structure kept (parser check passed): {total - len(failures)}/{total}")
    for kind in sorted(by_kind):
        print(f"  {kind}: {changed_files[kind]} of {by_kind[kind]} files changed; {changed_values[kind]} string values/cells changed")
    if args.damaged:
        share = damaged_restored / damaged_total if damaged_total else 0.0
        print(f"damaged copies (JSON, TSV): {damaged_restored}/{damaged_total} flattened marks restored ({share:.1%}); "
              f"{damaged_wrong} fullwidth marks written where the original had none")
    print(f"{elapsed:.1f} s (loaded shared machine)")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
