"""Build ``textfix/data/cjk_punct_freq.tsv``: how often each CJK punctuation
mark occurs per character of Chinese text, for the lost-byte guesses of the
``cjk-mojibake`` pass (wordfreq's word lists hold no punctuation).

Source: UD Chinese GSD (Traditional) and GSDSimp (Simplified), CC BY-SA 4.0,
as copied to ``../shared/peer-data/clean/ud_zh_gsd_hant`` and
``ud_zh_gsdsimp_hans``. Run::

    .venv/bin/python scripts/build_cjk_punct.py > textfix/data/cjk_punct_freq.tsv
"""

from __future__ import annotations

import math
import sys
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpora  # noqa: E402


def main() -> None:
    counts: Counter = Counter()
    total = 0
    for folder in ("ud_zh_gsd_hant", "ud_zh_gsdsimp_hans"):
        for _name, text in corpora.clean_docs(folder):
            for ch in text:
                if ch.isspace():
                    continue
                total += 1
                if not ch.isascii() and unicodedata.category(ch)[0] in "PS":
                    counts[ch] += 1
    print("# CJK punctuation: -log10(share of non-space characters) * 100, per mark.")
    print("# Counted by scripts/build_cjk_punct.py on UD Chinese GSD + GSDSimp (CC BY-SA 4.0; universaldependencies.org).")
    print("# Licence of this file: CC BY-SA 4.0 (derived data).")
    for ch, c in counts.most_common():
        if c >= 2:
            print(f"{ch}\t{round(-math.log10(c / total) * 100)}")


if __name__ == "__main__":
    main()
