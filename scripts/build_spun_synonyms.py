#!/usr/bin/env python
"""Build the document-level evidence tables of the ``spun-phrase`` pass.

Inputs
  * WordNet 3.0 database files (``data.noun``, ``data.verb``, ``data.adj``,
    ``data.adv``; Princeton WordNet licence, permissive, attribution kept
    in the output header): Debian's ``wordnet-base`` puts them in
    ``/usr/share/wordnet``, or give ``--wordnet DIR``.
  * symspellpy's unigram and bigram lists (MIT package; counts derived from
    the Google Books Ngram data, CC BY 3.0), found in an installed
    ``symspellpy`` or given with ``--symspell DIR``.

Outputs (``textfix/data``)
  * ``en_synonyms.tsv.gz``: word, then its synonyms (lemmas sharing a
    WordNet synset, single lower-case words of the unigram list, no
    function words; with the regular plural and verb forms of both
    sides where the unigram list holds them), commonest first, at most
    ``MAX_SYN``.
  * ``en_bigram_set.tsv.gz``: every word pair of symspellpy's bigram list
    (the top ~242 k pairs of Google Books, each seen 6.4 M times at
    least): the document scorer asks only "is this pair common".

``--holdout K/N`` leaves out the synonym pairs whose hash is K mod N (both
directions) and writes them to ``--holdout-out``: ``scripts/eval_spun.py
--documents`` spins clean documents with the held-out pairs and measures a
detector whose synonym table lacks them.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "textfix" / "data"
MAX_SYN = 12
WORDNET_DIRS = ("/usr/share/wordnet", "/usr/local/share/wordnet")
# the function words the pass never counts (textfix.passes.spun._STOP and a few more)
STOP = frozenset(
    "a an the of to in on at by for with from and or but not no is are was were be been it its this that "
    "these those he she his her they them their we our you your i me my as if so than then there here "
    "which who whom whose what when where why how all any some each one two can could will would may might "
    "must shall should do does did has have had also just very more most much many such only own same".split()
)
CREDIT = (
    "WordNet 3.0, Princeton University (WordNet licence: free use with attribution; "
    "'WordNet. Princeton University. 2010.'); filtered by the symspellpy unigram list "
    "(MIT; Google Books Ngram counts, CC BY 3.0)"
)


def find_dir(explicit: str | None, candidates, probe: str) -> Path:
    for c in ([explicit] if explicit else []) + list(candidates):
        if c and (Path(c) / probe).is_file():
            return Path(c)
    raise SystemExit(f"cannot find {probe}; give its folder")


def symspell_dir(explicit: str | None) -> Path:
    cands = []
    try:
        import symspellpy

        cands.append(str(Path(symspellpy.__file__).parent))
    except ImportError:
        pass
    return find_dir(explicit, cands, "frequency_bigramdictionary_en_243_342.txt")


def read_unigrams(folder: Path) -> dict[str, int]:
    out = {}
    with (folder / "frequency_dictionary_en_82_765.txt").open(encoding="utf-8") as fh:
        for line in fh:
            w, _, c = line.strip().partition(" ")
            if w.isalpha() and w.islower() and c.isdigit():
                out[w] = int(c)
    return out


def synsets(folder: Path):
    """``(pos, [lemma, ...])`` of every WordNet synset."""
    for pos, name in (("n", "data.noun"), ("v", "data.verb"), ("a", "data.adj"), ("r", "data.adv")):
        with (folder / name).open(encoding="latin-1") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue  # licence header
                parts = line.split(" ")
                n = int(parts[3], 16)
                lemmas = [parts[4 + 2 * k].lower() for k in range(n)]
                # adjective markers such as "(a)" / "(p)"
                yield pos, [lem.split("(")[0] for lem in lemmas]


def forms(word: str, pos: str) -> list[tuple[str, str]]:
    """Regular inflected forms, each with a tag (so a plural pairs with a plural)."""
    out = [("base", word)]
    if pos in ("n", "v"):
        if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
            s = word[:-1] + "ies"
        elif word.endswith(("s", "x", "z", "ch", "sh")):
            s = word + "es"
        else:
            s = word + "s"
        out.append(("s", s))
    if pos == "v":
        stem = word[:-1] if word.endswith("e") else word
        out.append(("ed", stem + "ed"))
        out.append(("ing", stem + "ing"))
    return out


def pair_fold(a: str, b: str, n: int) -> int:
    x, y = sorted((a, b))
    return int(hashlib.sha1(f"{x}\t{y}".encode()).hexdigest(), 16) % n


def build_synonyms(wordnet: Path, unigrams: dict[str, int], holdout: tuple[int, int] | None):
    syn: dict[str, set[str]] = {}
    held: set[tuple[str, str]] = set()
    for pos, lemmas in synsets(wordnet):
        words = sorted({w for w in lemmas if w.isalpha() and w not in STOP})
        if len(words) < 2:
            continue
        for a in words:
            for b in words:
                if a == b:
                    continue
                out = holdout is not None and pair_fold(a, b, holdout[1]) == holdout[0]
                for (ta, fa), (tb, fb) in zip(forms(a, pos), forms(b, pos)):
                    assert ta == tb
                    if fa in unigrams and fb in unigrams and fa not in STOP and fb not in STOP:
                        if out:
                            held.add((fa, fb))
                        else:
                            syn.setdefault(fa, set()).add(fb)
    table = {w: sorted(s, key=lambda x: (-unigrams[x], x))[:MAX_SYN] for w, s in syn.items()}
    return table, held


def write_gz(path: Path, header: list[str], rows) -> None:
    body = "".join(f"# {h}\n" for h in header) + "".join("\t".join(r) + "\n" for r in rows)
    path.write_bytes(gzip.compress(body.encode("utf-8"), compresslevel=9, mtime=0))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wordnet", help="folder of WordNet's data.* files")
    ap.add_argument("--symspell", help="folder of symspellpy's frequency lists")
    ap.add_argument("--out", default=str(DATA))
    ap.add_argument("--holdout", help="K/N: leave out the synonym pairs whose hash is K mod N")
    ap.add_argument("--holdout-out", help="where to write the held-out pairs (TSV)")
    ap.add_argument("--no-bigrams", action="store_true", help="write the synonym table only")
    args = ap.parse_args(argv)
    wordnet = find_dir(args.wordnet, WORDNET_DIRS, "data.noun")
    sym = symspell_dir(args.symspell)
    unigrams = read_unigrams(sym)
    holdout = tuple(int(x) for x in args.holdout.split("/")) if args.holdout else None
    table, held = build_synonyms(wordnet, unigrams, holdout)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_gz(
        out / "en_synonyms.tsv.gz",
        ["English synonyms for the spun-document score of the spun-phrase pass.",
         "GENERATED by scripts/build_spun_synonyms.py from " + CREDIT + ".",
         "word<TAB>synonym<TAB>... (commonest first)"],
        ([w, *s] for w, s in sorted(table.items())),
    )
    if args.holdout_out:
        Path(args.holdout_out).write_text("".join(f"{a}\t{b}\n" for a, b in sorted(held)), encoding="utf-8")
    if not args.no_bigrams:
        rows = []
        with (sym / "frequency_bigramdictionary_en_243_342.txt").open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) == 3:
                    rows.append((parts[0], parts[1]))
        write_gz(
            out / "en_bigram_set.tsv.gz",
            ["Common English word pairs (each seen 6.4 M times at least in Google Books) for the spun-document score.",
             "GENERATED by scripts/build_spun_synonyms.py from frequency_bigramdictionary_en_243_342.txt of the",
             "symspellpy package (MIT licence, (c) 2025 mmb L, (c) 2021 Wolf Garbe; counts derived from the",
             "Google Books Ngram data, CC BY 3.0). word<TAB>word"],
            sorted(set(rows)),
        )
    print(f"synonyms: {len(table)} words, {sum(map(len, table.values()))} pairs; held out {len(held)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
