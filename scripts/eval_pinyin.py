"""Measure the ``pinyin-annotation`` and GBK-misalignment (``lossy-bytes``)
passes on damaged copies of the clean Chinese corpora.

Damage, as the content farms do it (shared/research/chinese.md §1.2):

* ``chars``: a fixed list of characters whose Simplified and Traditional
  forms differ (Traditional-only for Traditional documents, Simplified-only
  for Simplified ones), drawn from the 300 most frequent such characters of
  the corpus; every occurrence gets its default pypinyin reading in ASCII
  parentheses. Gold: the clean document.
* ``bytes``: the same list applied as a find/replace on the GBK bytes of
  Traditional documents, then decoded like the farms' converter (a bad
  byte pair prints "?" and swallows a following "("). Straddling matches
  give orphans ("處于A(yíng)I") and misaligned runs ("向?yàn)橛?jì)算").
* ``gloss`` (negative): 1-3 characters of a clean document glossed at
  their first occurrence with one of their readings, ASCII parentheses (a
  textbook page after NFKC): must not be removed.

Usage: .venv/bin/python scripts/eval_pinyin.py [--limit N] [--seeds 3]
Prints the share of documents restored exactly per kind, the clean
documents changed, and the gate cost on clean English.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpora  # noqa: E402

from textfix import Config  # noqa: E402
from textfix.pipeline import run  # noqa: E402

KINDS = ("pinyin-annotation", "lossy-bytes")
MY_CONFIG = Config(enable=KINDS)


def _tables():
    from textfix.resources import han_tables

    return han_tables()


def default_reading(ch: str) -> str | None:
    from pypinyin.pinyin_dict import pinyin_dict

    raw = pinyin_dict.get(ord(ch))
    return raw.split(",")[0] if raw else None


def frequent_variant_chars(docs: list[str], variant: str, top: int = 300) -> list[str]:
    """The ``top`` most frequent characters of ``docs`` that only exist in
    ``variant`` (``hant``: Traditional-only, ``hans``: Simplified-only)."""
    s2t, t2s = _tables()
    table = t2s if variant == "hant" else s2t
    counts = Counter(c for d in docs for c in d if c in table and default_reading(c))
    return [c for c, _ in counts.most_common(top)]


def char_list(pool: list[str], seed: int, k: int = 60) -> list[str]:
    rnd = random.Random(seed)
    return sorted(rnd.sample(pool, min(k, len(pool))))


def inject_chars(text: str, chars: list[str]) -> str:
    """Every occurrence of a listed character gets "(reading)" after it."""
    wanted = set(chars)
    out = []
    for c in text:
        out.append(c)
        if c in wanted:
            out.append(f"({default_reading(c)})")
    return "".join(out)


def emulate_farm_decode(data: bytes) -> str:
    """GBK decoding as the farms' converter does it: a bad pair prints "?";
    a "(" right after the bad byte is swallowed with it."""
    out = []
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        if 0x81 <= b <= 0xFE and i + 1 < n:
            try:
                out.append(data[i : i + 2].decode("gbk"))
                i += 2
                continue
            except UnicodeDecodeError:
                pass
        out.append("?")
        i += 2 if i + 1 < n and data[i + 1] == 0x28 else 1
    return "".join(out)


def inject_bytes(text: str, chars: list[str]) -> str | None:
    """The farms' byte-level find/replace on GBK; None if not GBK-encodable."""
    try:
        data = text.encode("gbk")
    except UnicodeEncodeError:
        return None
    for c in chars:
        data = data.replace(c.encode("gbk"), c.encode("gbk") + f"({default_reading(c)})".encode("gbk"))
    return emulate_farm_decode(data)


def add_glosses(text: str, seed: int) -> str | None:
    """Textbook-style glosses: 1-3 characters at their first occurrence."""
    from textfix.passes.pinyin import readings

    rnd = random.Random(seed)
    han = sorted({c for c in text if "\u4e00" <= c <= "\u9fff" and readings(c)})
    if not han:
        return None
    chosen = rnd.sample(han, min(len(han), rnd.randint(1, 3)))
    for c in chosen:
        i = text.index(c)
        r = rnd.choice(readings(c))
        text = text[: i + 1] + f"({r})" + text[i + 1 :]
    return text


def fix_mine(text: str):
    return run(text, MY_CONFIG)


def measure(docs: list[tuple[str, str]], damage, label: str, verbose: int = 0) -> dict:
    damaged = exact = flagged = lossy = lossy_applied = 0
    misses = []
    for name, clean in docs:
        bad = damage(clean)
        if bad is None or bad == clean:
            continue
        damaged += 1
        res = fix_mine(bad)
        for f in res.findings:
            if f.kind == "lossy-bytes":
                lossy += 1
                lossy_applied += f.applied
        if res.text == clean:
            exact += 1
        else:
            if any(not f.applied and f.confidence >= MY_CONFIG.report_threshold for f in res.findings):
                flagged += 1
            misses.append((name, bad, res.text, clean))
    share = exact / damaged if damaged else float("nan")
    silent = damaged - exact - flagged
    print(f"  {label:<38} damaged {damaged:5d}  exact {exact:5d} ({share:6.1%})"
          + f"  not exact but flagged {flagged}  wrong without a flag {silent}")
    for name, bad, got, clean in misses[:verbose]:
        import difflib

        sm = difflib.SequenceMatcher(None, got, clean, autojunk=False)
        diffs = [(got[max(0, i1 - 6) : i2 + 6], clean[max(0, j1 - 6) : j2 + 6]) for t, i1, i2, j1, j2 in sm.get_opcodes() if t != "equal"]
        print(f"    miss {name}: {diffs[:3]}")
    return {"damaged": damaged, "exact": exact, "flagged": flagged, "lossy": lossy, "lossy_applied": lossy_applied}


def clean_changed(group: str) -> tuple[int, int]:
    docs = corpora.clean_group(group)
    changed = sum(1 for _, t in docs if fix_mine(t).text != t)
    return changed, len(docs)


def gate_cost(docs: list[str], rounds: int = 3) -> tuple[float, float, int]:
    """Seconds per MB for both gates on ``docs``, and the number of docs
    whose gate opened."""
    from textfix.passes import gbk_misalign, pinyin
    from textfix.profile import build_profile

    profiles = [build_profile(d) for d in docs]
    size = sum(len(d.encode()) for d in docs) / 1e6
    best = float("inf")
    opened = 0
    for _ in range(rounds):
        t0 = time.perf_counter()
        opened = 0
        for d, p in zip(docs, profiles):
            opened += pinyin.PASS.gate(d, p) + gbk_misalign.PASS.gate(d, p)
        best = min(best, time.perf_counter() - t0)
    t0 = time.perf_counter()
    for d in docs:
        d.isascii()
    base = time.perf_counter() - t0
    return best / size, base / size, opened


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="documents per folder")
    ap.add_argument("--seeds", type=int, default=3, help="character lists per variant")
    ap.add_argument("--verbose", type=int, default=0, help="misses to print per row")
    args = ap.parse_args(argv)
    if corpora.shared_dir() is None:
        print("../shared is absent")
        return 2

    groups = {g: corpora.clean_group(g, args.limit) for g in ("zh-hant", "zh-hans")}
    print("Injected readings, char-level (every occurrence of a fixed list):")
    totals = Counter()
    for g, docs in groups.items():
        pool = frequent_variant_chars([t for _, t in docs], "hant" if g == "zh-hant" else "hans")
        for seed in range(args.seeds):
            chars = char_list(pool, seed)
            r = measure(docs, lambda t, c=chars: inject_chars(t, c), f"{g} list#{seed}", args.verbose)
            totals.update(r)
    print(f"  {'ALL char-level':<38} damaged {totals['damaged']:5d}  exact {totals['exact']:5d} "
          f"({totals['exact'] / max(1, totals['damaged']):6.1%})")

    print("Injected readings, byte-level GBK replace (straddles, misalignment):")
    btot = Counter()
    docs = groups["zh-hant"]
    pool = frequent_variant_chars([t for _, t in docs], "hant")
    for seed in range(args.seeds):
        chars = char_list(pool, seed)
        r = measure(docs, lambda t, c=chars: inject_bytes(t, c), f"zh-hant bytes list#{seed}", args.verbose)
        btot.update(r)
    nd = max(1, btot["damaged"])
    print(f"  {'ALL byte-level':<38} damaged {btot['damaged']:5d}  exact {btot['exact']:5d} "
          f"({btot['exact'] / nd:6.1%}); not exact but flagged {btot['flagged']} "
          f"(exact or flagged {(btot['exact'] + btot['flagged']) / nd:6.1%})")
    print(f"  lossy-bytes findings: {btot['lossy']}, restored {btot['lossy_applied']} "
          f"({btot['lossy_applied'] / max(1, btot['lossy']):.1%}), flagged {btot['lossy'] - btot['lossy_applied']}")

    print("Genuine glosses (negative; 'exact' = left as they were):")
    for g, docs in groups.items():
        kept = total = 0
        for i, (name, clean) in enumerate(docs):
            bad = add_glosses(clean, i)
            if bad is None:
                continue
            total += 1
            kept += fix_mine(bad).text == bad
        print(f"  {g:<38} docs {total:5d}  kept {kept:5d} ({kept / max(1, total):6.1%})")

    print("Clean corpora changed by these passes:")
    for g in ("zh-hans", "zh-hant", "en"):
        changed, n = clean_changed(g)
        print(f"  {g:<38} {changed} / {n}")

    en = [t for _, t in corpora.clean_group("en", args.limit)]
    per_mb, base_mb, opened = gate_cost(en)
    print(f"Gate cost on clean English ({len(en)} docs): {per_mb * 1000:.2f} ms/MB for both gates "
          f"(str.isascii alone {base_mb * 1000:.2f} ms/MB); gates opened {opened}")
    zh = [t for _, t in corpora.clean_group("zh-hant", args.limit)]
    per_mb, _, opened = gate_cost(zh)
    print(f"Gate cost on clean Traditional Chinese ({len(zh)} docs): {per_mb * 1000:.2f} ms/MB; gates opened {opened}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
