"""Measure the ``cjk-mojibake`` / ``lossy-bytes`` passes on mojibake made
from the clean corpora (``../shared/peer-data/clean``).

For every chain, every clean Chinese document (or a sample: ``--limit N``
per folder) is damaged the way the chain describes and given to
``textfix.fix`` with only the encoding passes enabled (mojibake,
cjk-mojibake, lossy-bytes). Printed per chain:

* ``exact``: share of documents restored exactly;
* ``flagged``: share of the documents *not* restored exactly that carry a
  ``cjk-mojibake`` or ``lossy-bytes`` finding (damage the user is told of);
* ``missed``: neither restored nor flagged.

Lossless chains are those whose damaged text still holds every byte
(``gbk→latin-1`` always; ``utf-8→gbk`` for documents the GBK decoder reads
without error). Then the clean documents themselves (Chinese and English)
are run through the same passes: ``changed`` must stay at 0.

    .venv/bin/python scripts/eval_mojibake.py [--limit 200]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpora  # noqa: E402

from textfix import Config, fix  # noqa: E402

CONFIG = Config(enable=("mojibake", "cjk-mojibake", "lossy-bytes"))
KINDS = {"cjk-mojibake", "lossy-bytes"}


def _strict(text: str, enc: str, dec: str) -> str | None:
    try:
        return text.encode(enc).decode(dec)
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def _replace(text: str, enc: str, dec: str) -> str | None:
    try:
        return text.encode(enc).decode(dec, "replace")
    except UnicodeEncodeError:
        return None


# name -> (damage function, lossless?, which clean groups)
CHAINS = {
    "utf-8 → gbk (lossless docs)": (lambda t: _strict(t, "utf-8", "gbk"), True, ("zh-hans", "zh-hant")),
    "utf-8 → gb18030 (lossless docs)": (lambda t: _strict(t, "utf-8", "gb18030"), True, ("zh-hans", "zh-hant")),
    "gbk → latin-1": (lambda t: _strict(t, "gbk", "latin-1"), True, ("zh-hans",)),
    "gbk → cp1252": (lambda t: _strict(t, "gbk", "cp1252"), True, ("zh-hans",)),
    "big5 → latin-1": (lambda t: _strict(t, "big5", "latin-1"), True, ("zh-hant",)),
    "utf-8 → gb18030 → latin-1 (double, lossless docs)": (
        lambda t: (lambda x: x and _strict(x, "gb18030", "latin-1"))(_strict(t, "utf-8", "gb18030")), True,
        ("zh-hans", "zh-hant")),
    "utf-8 → gbk (lossy, U+FFFD; paragraphs ≤ 40 chars)": (
        lambda t: _replace(t, "utf-8", "gbk") if len(t) <= 40 else None, False, ("zh-hans", "zh-hant")),
    "utf-8 → gbk (lossy, U+FFFD)": (lambda t: _replace(t, "utf-8", "gbk"), False, ("zh-hans", "zh-hant")),
    "utf-8 → gb18030 (lossy, U+FFFD)": (lambda t: _replace(t, "utf-8", "gb18030"), False, ("zh-hans", "zh-hant")),
    "utf-8 → cp932 (lossy)": (lambda t: _replace(t, "utf-8", "cp932"), False, ("zh-hans",)),
    "utf-8 → big5 (lossy)": (lambda t: _replace(t, "utf-8", "big5"), False, ("zh-hant",)),
    "utf-8 → cp949 (lossy)": (lambda t: _replace(t, "utf-8", "cp949"), False, ("zh-hans",)),
}


def docs_for(groups, limit):
    out = []
    for g in groups:
        out += corpora.clean_group(g, limit)
    return out


def split_paragraphs(docs):
    """Short units make lossless UTF-8→GBK cases (a whole document rarely
    decodes without error): one unit per paragraph."""
    out = []
    for name, text in docs:
        for i, para in enumerate(p for p in text.split("\n\n") if p.strip()):
            out.append((f"{name}#{i}", para))
    return out


def evaluate(limit: int | None) -> dict:
    results = {}
    cache: dict = {}
    for chain, (damage, lossless, groups) in CHAINS.items():
        key = (groups, limit)
        if key not in cache:
            cache[key] = docs_for(groups, limit)
        units = cache[key]
        if "lossless docs" in chain or "double" in chain or "paragraphs" in chain:
            units = split_paragraphs(units)
        n = exact = flagged = 0
        t0 = time.time()
        for _name, text in units:
            damaged = damage(text)
            if damaged is None or damaged == text:
                continue
            n += 1
            r = fix(damaged, CONFIG)
            if r.text == text:
                exact += 1
            elif any(f.kind in KINDS for f in r.findings):
                flagged += 1
        results[chain] = (n, exact, flagged, lossless, time.time() - t0)
        missed = n - exact - flagged
        print(f"{chain:52s} n={n:5d}  exact {exact / max(n, 1):6.1%}  flagged {flagged / max(n - exact, 1):6.1%} "
              f"of the rest  missed {missed:4d}  ({time.time() - t0:.1f} s)", flush=True)
    return results


def clean_check(limit: int | None) -> None:
    for group in ("zh-hans", "zh-hant", "en"):
        docs = corpora.clean_group(group, limit)
        changed = flagged = 0
        t0 = time.time()
        for _name, text in docs:
            r = fix(text, CONFIG)
            if r.text != text:
                changed += 1
            if any(f.kind == "cjk-mojibake" for f in r.findings):
                flagged += 1
        print(f"clean {group:8s} docs={len(docs):5d}  changed {changed}  cjk-mojibake findings {flagged}  ({time.time() - t0:.1f} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="documents per clean folder (default: all)")
    args = ap.parse_args()
    if corpora.shared_dir() is None:
        sys.exit("../shared is not beside the checkout")
    evaluate(args.limit)
    clean_check(args.limit)


if __name__ == "__main__":
    main()
