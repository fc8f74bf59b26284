"""Measure cjk-punctuation and stray-punctuation on damaged clean Chinese text.

Damage is made programmatically from the clean corpora in
``../shared/peer-data/clean/`` (Simplified and Traditional folders):

* ``punctuation``: fullwidth ``，：；？！（）`` folded to ASCII (what NFKC and
  ftfy's ``fix_character_width`` do; ``。、“”`` survive).
* ``commas-only``: only ``，`` folded (a mirror's byte-level replace of one
  mark); the other marks stay fullwidth.
* ``comma-runs``: an ASCII comma injected before some marks
  (``，。、？！；：``), then the text flattened as above: ``,,`` ``,。`` ``,?``
  ``,、`` as in scraped mirror pages.
* ``comma-runs-fullwidth``: the same injection without flattening
  (``,，`` ``,。``): a fullwidth document with stray commas.

A document counts as restored when the two passes (alone) give back the
clean original exactly. Also measured: clean documents changed by the two
passes (the "clean stays clean" bound), and gate cost on clean English.

Usage: ``python scripts/eval_punctuation.py [--limit N] [--seed S]``
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpora import CLEAN_FOLDERS, clean_docs, clean_group  # noqa: E402

from textfix import Config  # noqa: E402
from textfix.passes import cjk_punctuation, stray_punctuation  # noqa: E402
from textfix.pipeline import apply_edits, select_edits  # noqa: E402
from textfix.profile import build_profile  # noqa: E402

FLATTEN = str.maketrans("，：；？！（）", ",:;?!()")
FLATTEN_COMMAS = str.maketrans("，", ",")
RUN_BEFORE = "，。、？！；："
CONFIG = Config(enable=("stray-punctuation", "cjk-punctuation"), strict=True)
PASSES = (stray_punctuation.PASS, cjk_punctuation.PASS)


def repair(text: str, config: Config = CONFIG) -> str:
    """The two passes alone, in pipeline order, to a fixpoint (the same
    loop as ``textfix.pipeline.run``, without the other passes, so that this
    measurement does not depend on them)."""
    for _ in range(config.max_rounds):
        before = text
        for p in PASSES:
            profile = build_profile(text)
            if not p.gate(text, profile):
                continue
            edits = select_edits(p.detect(text, profile, config), config.threshold)
            if edits:
                text = apply_edits(text, edits)
        if text == before:
            break
    return text


def flatten(text: str) -> str:
    return text.translate(FLATTEN)


def inject_commas(text: str, rng: random.Random, p: float = 0.3) -> str:
    """An ASCII comma before some marks; at least one when the text has any."""
    positions = [i for i, ch in enumerate(text) if ch in RUN_BEFORE]
    if not positions:
        return text
    chosen = {i for i in positions if rng.random() < p} or {rng.choice(positions)}
    return "".join(("," + ch) if i in chosen else ch for i, ch in enumerate(text))


def damaged_sets(docs: list[tuple[str, str]], seed: int = 0) -> dict[str, list[tuple[str, str, str]]]:
    """``kind -> [(name, damaged, original)]``; only documents the damage changes."""
    rng = random.Random(seed)
    sets: dict[str, list[tuple[str, str, str]]] = {
        "punctuation": [],
        "commas-only": [],
        "comma-runs": [],
        "comma-runs-fullwidth": [],
    }
    for name, text in docs:
        flat = flatten(text)
        if flat != text:
            sets["punctuation"].append((name, flat, text))
        commas = text.translate(FLATTEN_COMMAS)
        if commas != text:
            sets["commas-only"].append((name, commas, text))
        injected = inject_commas(text, rng)
        if injected != text:
            sets["comma-runs"].append((name, flatten(injected), text))
            sets["comma-runs-fullwidth"].append((name, injected, text))
    return sets


def chinese_docs(limit_per_folder: int | None = None) -> list[tuple[str, str]]:
    return clean_group("zh-hans", limit_per_folder) + clean_group("zh-hant", limit_per_folder)


def restored_share(items: list[tuple[str, str, str]], config: Config = CONFIG) -> tuple[float, list[str]]:
    misses = [name for name, damaged, original in items if repair(damaged, config) != original]
    return (1 - len(misses) / len(items) if items else 1.0), misses


def changed_clean(docs: list[tuple[str, str]], config: Config = CONFIG) -> list[str]:
    return [name for name, text in docs if repair(text, config) != text]


_MIXED_RE = __import__("regex").compile(r"\d[：，]\d|[，、。][，、。]|，,")


def original_is_mixed(text: str) -> bool:
    """The clean original already holds what flattening cannot tell apart:
    ASCII marks in CJK context (an editor's own "維新,而"), a doubled mark
    ("，，" reads as a comma run once flattened), a fullwidth mark between
    digits ("2：1", ambiguous with "10:30")."""
    ev = cjk_punctuation.scan(text, build_profile(text))
    return ev.ascii > 0 or _MIXED_RE.search(text) is not None


def sample(docs: list, n: int, seed: int = 0) -> list:
    """A fixed sample of ``n`` documents (sorted input, seeded)."""
    if len(docs) <= n:
        return list(docs)
    return random.Random(seed).sample(docs, n)


def _first_diff(a: str, b: str) -> str:
    i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
    return f"got {a[max(0, i - 20) : i + 20]!r} want {b[max(0, i - 20) : i + 20]!r}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="documents per folder")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=5, help="misses to show per kind")
    args = ap.parse_args()

    docs = chinese_docs(args.limit)
    if not docs:
        print("no clean Chinese corpora found (../shared/peer-data/clean)")
        return 2
    by_name = dict(docs)
    print(f"{len(docs)} clean Chinese documents from {', '.join(CLEAN_FOLDERS['zh-hans'] + CLEAN_FOLDERS['zh-hant'])}")
    for kind, items in damaged_sets(docs, args.seed).items():
        t0 = time.perf_counter()
        share, misses = restored_share(items)
        dt = time.perf_counter() - t0
        print(f"{kind:22s} restored exactly {len(items) - len(misses):5d}/{len(items):5d} = {share:.2%}  ({dt:.1f}s)")
        mixed = [n for n in misses if original_is_mixed(by_name[n])]
        print(
            f"{'':22s} misses whose clean original itself has ASCII marks in CJK context, a comma run or a "
            f"fullwidth digit:digit (unrecoverable after flattening): {len(mixed)}/{len(misses)}"
        )
        damaged = {n: d for n, d, _ in items}
        for name in misses[: args.show]:
            print(f"    miss {name}: {_first_diff(repair(damaged[name]), by_name[name])}")

    for group in ("zh-hans", "zh-hant"):
        for folder in CLEAN_FOLDERS[group]:
            fdocs = clean_docs(folder, args.limit)
            changed = changed_clean(fdocs)
            print(f"clean {folder:22s} changed {len(changed):4d}/{len(fdocs):5d}  {changed[:5]}")

    en = clean_group("en", args.limit)
    text_bytes = sum(len(t.encode()) for _, t in en)
    t0 = time.perf_counter()
    profiles = [(t, build_profile(t)) for _, t in en]
    profile_time = time.perf_counter() - t0
    t0 = time.perf_counter()
    opened = 0
    for t, prof in profiles:
        opened += cjk_punctuation.PASS.gate(t, prof) + stray_punctuation.PASS.gate(t, prof)
    gate_time = time.perf_counter() - t0
    print(
        f"clean English: {len(en)} docs, {text_bytes / 1e6:.1f} MB; both gates together {gate_time * 1e3:.2f} ms "
        f"({gate_time / max(1, len(en)) * 1e6:.2f} µs/doc, {gate_time / profile_time:.2%} of the profile the "
        f"pipeline builds anyway), opened {opened} times"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
