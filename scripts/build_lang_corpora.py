"""Build the small clean test sets in Japanese, Cantonese and Korean under
``tests/data/lang/`` from corpora that PyPI packages ship. (Russian is read
at run time from ``../shared``: ``corpora.lang_paragraphs("ru")``; its
source may not be redistributed.) Provenance and licences:
``tests/data/lang/PROVENANCE.md``.

    pip download --no-deps -d /tmp/dl hironsancorpus==0.1.2 pycantonese==5.0.0 konlpy==0.6.0
    python scripts/build_lang_corpora.py /tmp/dl

Each output file holds paragraphs separated by one blank line; every
paragraph is one "document" of the evaluation. Paragraph k of a file is in
the held-out half when k is odd (``scripts/eval_mojibake.py`` tunes on nothing
and reports the held-out half; tests may use the dev half).
"""

from __future__ import annotations

import json
import re
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "lang"
MAX_CHARS = 120_000  # per language, so the four stay far below 2 MB


def _one(folder: Path, pattern: str) -> Path:
    found = sorted(folder.glob(pattern))
    if not found:
        sys.exit(f"no {pattern} in {folder}: run the pip download line of this script's docstring")
    return found[-1]


def _cap(paras: list[str]) -> list[str]:
    out, total = [], 0
    for p in paras:
        p = p.strip()
        if not p:
            continue
        if total + len(p) > MAX_CHARS:
            break
        out.append(p)
        total += len(p)
    return out


def japanese(dl: Path) -> list[str]:
    """hironsancorpus: one token per line (surface form first), sentences
    separated by blank lines; four sentences make a paragraph."""
    with tarfile.open(_one(dl, "hironsancorpus-*.tar.gz")) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("iob_sents.txt"))
        text = tar.extractfile(member).read().decode("utf-8")
    sents = []
    for block in text.split("\n\n"):
        toks = [line.split("\t")[0] for line in block.splitlines() if line.strip()]
        if toks:
            sents.append("".join(toks))
    return _cap(["".join(sents[i : i + 4]) for i in range(0, len(sents), 4)])


def cantonese(dl: Path) -> list[str]:
    """pycantonese's Common Voice (yue) sentences; six make a paragraph."""
    with zipfile.ZipFile(_one(dl, "pycantonese-*.whl")) as z:
        sents = json.loads(z.read("pycantonese/data/common_voice/sents.json"))
    # The file is sorted; a fixed stride spreads paragraphs over the whole list.
    sents = sents[::3]
    return _cap(["".join(s if s[-1:] in "。！？，?!.," else s + "。" for s in sents[i : i + 6]) for i in range(0, len(sents), 6)])


def korean(dl: Path) -> list[str]:
    """konlpy's kolaw (the constitution) and kobill (ten bills): paragraphs
    as the files give them, lines inside a paragraph joined."""
    paras = []
    with zipfile.ZipFile(_one(dl, "konlpy-*.whl")) as z:
        names = sorted(n for n in z.namelist() if n.startswith("konlpy/data/corpus/") and n.endswith(".txt"))
        for name in names:
            text = z.read(name).decode("utf-8")
            for block in re.split(r"\n\s*\n", text):
                block = " ".join(line.strip() for line in block.splitlines() if line.strip())
                if len(block) >= 20 and re.search(r"[\uac00-\ud7a3]", block):
                    paras.append(block)
    return _cap(paras)


def main() -> None:
    dl = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/dl")
    OUT.mkdir(parents=True, exist_ok=True)
    for lang, build in (("ja", japanese), ("yue", cantonese), ("ko", korean)):
        paras = build(dl)
        (OUT / f"{lang}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
        print(f"{lang}: {len(paras)} paragraphs, {sum(map(len, paras))} characters")


if __name__ == "__main__":
    main()
