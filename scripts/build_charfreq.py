"""Build ``textfix/data/charfreq.tsv``: character unigram and bigram
log-frequencies per language, the plausibility model behind charset
detection (:mod:`textfix.charsets`) and CJK mojibake repair.

Source: the word frequency lists of the ``wordfreq`` package (3.1.x; code
Apache-2.0, data CC BY-SA 4.0, built from Wikipedia, subtitles, news, books,
web text, Twitter and Reddit). Every word ``w`` with frequency ``f``
contributes ``f`` to each of its characters and to each adjacent pair of
``" " + w + " "`` (the space marks a word boundary). Chinese words are also
added in their OpenCC ``s2t`` form, because wordfreq stores Chinese in
Simplified characters only.

Run (needs ``pip install wordfreq==3.1.1``; not a runtime dependency)::

    .venv/bin/python scripts/build_charfreq.py > textfix/data/charfreq.tsv
"""

from __future__ import annotations

import math
import sys
from collections import Counter

LANGS = (
    # Latin script
    "en fr de es pt it nl ca sv da nb is fi pl cs sk hu ro sl sh tr lt lv vi id ms "
    # Cyrillic, Greek, Hebrew, Arabic script
    "ru uk bg mk el he ar fa "
    # CJK
    "zh ja ko"
).split()
TOP_UNI = {"zh": 9000, "ja": 6000, "ko": 2500}
TOP_BI = {"zh": 60000, "ja": 30000, "ko": 20000}
DEFAULT_UNI, DEFAULT_BI = 400, 1500
MIN_P = 1e-8


def counts(lang: str) -> tuple[Counter, Counter]:
    import wordfreq

    freqs = wordfreq.get_frequency_dict(lang, wordlist="best")
    words = list(freqs.items())
    if lang == "zh":
        import opencc

        conv = opencc.OpenCC("s2t.json")
        plain = [w for w, _ in words]
        trad = conv.convert("\n".join(plain)).split("\n")
        if len(trad) == len(plain):
            words += [(t, f) for t, (w, f) in zip(trad, words) if t != w]
    uni: Counter = Counter()
    bi: Counter = Counter()
    for w, f in words:
        if any(ch.isdigit() for ch in w):
            continue
        for ch in w:
            uni[ch] += f
        padded = f" {w} "
        for a, b in zip(padded, padded[1:]):
            bi[a + b] += f
    return uni, bi


# Languages wordfreq lacks: unigram-only models from the letter-frequency
# ranks that charset-normalizer ships (charset_normalizer.constant.FREQUENCIES,
# MIT), turned into probabilities by Zipf's law.
RANKED = {"th": "Thai", "kk": "Kazakh"}


def ranked_lines(lang: str) -> list[str]:
    from charset_normalizer.constant import FREQUENCIES

    letters = FREQUENCIES[RANKED[lang]]
    weights = [1.0 / (r + 1.5) for r in range(len(letters))]
    total = sum(weights)
    return [f"{lang}\t{ch}\t{round(-math.log10(w / total) * 100)}\n" for ch, w in zip(letters, weights)]


def main() -> None:
    out = sys.stdout
    out.write(
        "# Character unigram (1 char) and bigram (2 chars; ' ' = word boundary) frequencies per language.\n"
        "# Columns: language, gram, -log10(relative frequency) * 100 (integer).\n"
        "# Derived by scripts/build_charfreq.py from the word lists of the wordfreq package 3.1.1\n"
        "# (github.com/rspeer/wordfreq; data licence CC BY-SA 4.0: Wikipedia, OpenSubtitles, news,\n"
        "# Google Books, web text, Twitter, Reddit via wordfreq). Chinese also counts each word's OpenCC s2t form.\n"
        "# Thai (th) and Kazakh (kk): unigrams only, Zipf weights over the letter-frequency ranks shipped by\n"
        "# charset-normalizer (charset_normalizer/constant.py FREQUENCIES, MIT licence).\n"
        "# Licence of this file: CC BY-SA 4.0 (derived data).\n"
    )
    for lang in RANKED:
        out.writelines(ranked_lines(lang))
    for lang in LANGS:
        uni, bi = counts(lang)
        total_u = sum(uni.values())
        total_b = sum(bi.values())
        for ch, c in uni.most_common(TOP_UNI.get(lang, DEFAULT_UNI)):
            p = c / total_u
            if p < MIN_P or ch in "\t\n#":
                continue
            out.write(f"{lang}\t{ch}\t{round(-math.log10(p) * 100)}\n")
        for g, c in bi.most_common(TOP_BI.get(lang, DEFAULT_BI)):
            p = c / total_b
            if p < MIN_P or any(ch in "\t\n#" for ch in g):
                continue
            out.write(f"{lang}\t{g}\t{round(-math.log10(p) * 100)}\n")


if __name__ == "__main__":
    main()
