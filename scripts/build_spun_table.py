#!/usr/bin/env python
"""Build the data files of the ``spun-phrase`` pass.

Inputs
  * ``../shared/peer-data/tortured-phrases/pps_fingerprints_queries.csv``:
    the Problematic Paper Screener "tortured phrases" fingerprint queries
    (Cabanac, Labbé & Magazinov 2021, arXiv:2107.06751; CC BY 4.0 as
    repackaged, attribution to the authors). Read with its query semantics:
    ``"a" AND "b"`` fires on ``a`` only when ``b`` is in the text, ``NOT``
    suppresses, ``"a b"~5`` (proximity queries) is skipped.
  * ``scripts/spun_own_rows.tsv`` and ``scripts/spun_own_words.tsv``: our rows.
  * ``scripts/spun_ordinary.tsv``: rows and swaps that are ordinary English
    (they fire in clean text; made by scripts/find_ordinary_spun.py): the
    rows are left out, the swaps listed in ``spun_ordinary.tsv`` (no
    evidence for the spun-document verdict).
  * symspellpy's ``frequency_bigramdictionary_en_243_342.txt`` (MIT package;
    counts derived from Google Books Ngram, CC BY 3.0), found in an installed
    ``symspellpy`` or given with ``--bigrams PATH``.

Outputs (``textfix/data``)
  * ``spun_phrases.tsv``: spun, canonical, confidence, confidence_alone,
    context, exclude, source.
  * ``spun_wordmap.tsv``: spun word, original word, support, source (one-word
    differences of the phrase pairs, plus our own swaps).
  * ``en_bigrams.tsv.gz``: the symspellpy bigram counts (in units of 1,000)
    that contain a word of the word map or of a canonical phrase: all the
    statistical layer ever looks up.


``--holdout K/N`` leaves out every N-th phrase pair (offset K) and writes
the held-out pairs to ``--holdout-out`` (for ``scripts/eval_spun.py``).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import hashlib
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import corpora  # noqa: E402

DATA = REPO / "textfix" / "data"
CSV_NAME = "tortured-phrases/pps_fingerprints_queries.csv"

PPS_CREDIT = (
    "Problematic Paper Screener tortured-phrase fingerprints, Cabanac, Labbé & Magazinov (2021), "
    "arXiv:2107.06751; CC BY 4.0 (as stated by the repackager), copy from "
    "github.com/hahuyhoang411/tortured-phrase@00e30149 data/tortured.csv"
)

# Confidence of a PPS row that fires on its own: a published fingerprint
# with hits is a sure repair; a row without hits yet, or whose replacement
# is uncertain, is a flag.
CONF_SURE = 0.85
CONF_FLAG = 0.6

_TOKEN_RE = re.compile(r'"([^"]*)"|(\()|(\))|(~\d+)|(AND|OR|NOT)\b|([^\s"()]+)')


def parse_query(q: str):
    """``(main phrases, context groups, exclude terms, proximity)`` of a PPS query.

    Context groups are ANDed, the terms of one group ORed.
    """
    mains: list[str] = []
    groups: list[list[str]] = []
    exclude: list[str] = []
    proximity = False
    mode = "main"
    current: list[str] | None = None
    depth = 0
    for m in _TOKEN_RE.finditer(q):
        quoted, lp, rp, prox, op, bare = m.groups()
        if prox:
            proximity = True
            continue
        if op == "AND":
            mode = "and"
            current = None
            continue
        if op == "NOT":
            mode = "not"
            continue
        if op == "OR":
            continue
        if lp:
            depth += 1
            continue
        if rp:
            depth -= 1
            current = None if depth == 0 else current
            continue
        term = quoted if quoted is not None else bare
        if not term:
            continue
        term = term.strip()
        if mode == "main":
            mains.append(term)
        elif mode == "not":
            exclude.append(term)
        else:
            if current is None or depth == 0:
                current = []
                groups.append(current)
            current.append(term.rstrip("*"))
    return mains, groups, exclude, proximity


_ACRONYM_RE = re.compile(r"\s*\(([A-Za-z0-9-]{1,10})\)\s*$")


def clean_expected(spun: str, expected: str) -> tuple[str | None, str, str]:
    """``(replacement or None, suggestion, why)`` for a PPS ``expected_phrase``.

    Free-text notes are stripped; a row whose replacement stays uncertain
    (question marks, alternatives with ``/``, optional words in brackets)
    gets no replacement, only a suggestion for the flag message.
    """
    text = expected.replace("\xa0", " ").replace('\\"', '"').strip()
    why = "clean"
    spun_acr = _ACRONYM_RE.search(spun)
    acr = _ACRONYM_RE.search(text)
    if acr and not spun_acr:
        text = text[: acr.start()].strip()
        why = "acronym stripped"
    # notes in parentheses ("(as in ...)", "(please note ...)", "(neural network)")
    keep_tail = acr.group(0).strip() if (acr and spun_acr) else ""
    body = text[: len(text) - len(keep_tail)].strip() if keep_tail and text.endswith(keep_tail) else text
    stripped = re.sub(r"\s*\([^()]*\)", "", body).strip()
    if stripped != body:
        why = "note stripped"
        body = stripped
    text = (body + " " + keep_tail).strip() if keep_tail else body
    uncertain = False
    if "?" in text or "/" in text or "[" in text or "]" in text or not text:
        uncertain = True
    if re.search(r"\b(e\.g|i\.e|etc|or|note|not|refer|meaning)\b", text, re.I) and len(text.split()) > 4:
        uncertain = True
    suggestion = re.sub(r"\s*\?+\s*", " ", text).strip()
    suggestion = re.sub(r"\[([^\]]*)\]", r"\1", suggestion)
    if uncertain:
        return None, suggestion, "uncertain replacement"
    return text, suggestion, why


def normalise_case(spun: str, canonical: str) -> str:
    """Canonical in the case of the spun entry: Title Case words become lower
    case when the spun phrase is lower case (acronyms and inner capitals stay)."""
    if spun != spun.lower():
        return canonical
    words = []
    for w in canonical.split(" "):
        if len(w) > 1 and w[0].isupper() and w[1:] == w[1:].lower() and w.isalpha():
            w = w.lower()
        words.append(w)
    return " ".join(words)


def pps_rows(path: Path) -> tuple[list[dict], dict]:
    rows = []
    stats = defaultdict(int)
    with path.open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            stats["csv rows"] += 1
            query = rec["tortured_phrase"]
            papers = int(rec["num_papers"].replace(",", "") or 0)
            mains, groups, exclude, proximity = parse_query(query)
            if proximity:
                stats["skipped: proximity query"] += 1
                continue
            if not mains:
                stats["skipped: no phrase"] += 1
                continue
            for spun in mains:
                spun = " ".join(spun.replace("\xa0", " ").split())
                if len(spun) < 4:
                    stats["skipped: too short"] += 1
                    continue
                repl, suggestion, why = clean_expected(spun, rec["expected_phrase"])
                # A trailing acronym in the spun phrase stays in the text
                # untouched ("synthetic intelligence (AI)"): match without it.
                m = _ACRONYM_RE.search(spun)
                if m:
                    spun = spun[: m.start()].strip()
                    if repl is not None and repl.endswith(m.group(0).strip()):
                        repl = repl[: len(repl) - len(m.group(0).strip())].strip()
                    suggestion = _ACRONYM_RE.sub("", suggestion).strip()
                    stats["acronym kept in text"] += 1
                if repl is not None:
                    repl = normalise_case(spun, repl)
                    if repl.lower() == spun.lower():
                        stats["skipped: identical"] += 1
                        continue
                conf = CONF_SURE if (repl is not None and papers > 0) else CONF_FLAG
                context = ";".join("|".join(g) for g in groups)
                conf_alone = conf if not context else 0.0
                rows.append(
                    {
                        "spun": spun,
                        "canonical": repl if repl is not None else "",
                        "suggestion": suggestion,
                        "confidence": conf,
                        "confidence_alone": conf_alone,
                        "context": context,
                        "exclude": "|".join(exclude),
                        "source": f"pps:{papers}" + ("" if why == "clean" else f" ({why})"),
                    }
                )
                stats["rows: and-qualified" if context else "rows: alone"] += 1
                # "x y (AI)" -> also "x y" when the short form is not English
                # either: handled by own rows, judged one by one.
    return rows, dict(stats)


def own_rows(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        parts += [""] * (6 - len(parts))
        spun, canonical, conf, context, exclude, note = parts[:6]
        conf_f = float(conf)
        rows.append(
            {
                "spun": spun.strip(),
                "canonical": canonical.strip(),
                "suggestion": canonical.strip(),
                "confidence": conf_f,
                "confidence_alone": conf_f if not context.strip() else 0.0,
                "context": context.strip(),
                "exclude": exclude.strip(),
                "source": "own: " + note.strip(),
            }
        )
    return rows


def key(phrase: str) -> str:
    return " ".join(re.sub(r"[-\u2010\u2011]", " ", phrase.lower()).split())


def merge(rows: list[dict]) -> list[dict]:
    """One row per spun phrase: own rows win, then the stronger PPS row."""
    best: dict[str, dict] = {}
    for r in rows:
        k = key(r["spun"])
        old = best.get(k)
        if old is None:
            best[k] = r
            continue
        own_new = r["source"].startswith("own")
        own_old = old["source"].startswith("own")
        if own_new and not own_old:
            best[k] = r
        elif own_new == own_old and (r["confidence_alone"], r["confidence"]) > (old["confidence_alone"], old["confidence"]):
            best[k] = r
    return sorted(best.values(), key=lambda r: key(r["spun"]))


# Edges of a multi-word swap must be content words: bigram lookups on
# function words say nothing.
FUNCTION_WORDS = frozenset(
    "a an the of to in on at by for with from and or but not no is are was were be been it its this that "
    "these those as if so than then there here up down out off over away into onto".split()
)


def word_pairs(rows: list[dict]) -> dict[tuple[str, str], int]:
    """spun word -> original word, from phrase pairs that differ in exactly one
    word; and spun words -> original words where the lengths differ around a
    common prefix or suffix."""
    support: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        if not r["canonical"]:
            continue
        a = key(r["spun"]).split()
        b = key(r["canonical"]).split()
        if len(a) == len(b):
            diff = [(x, y) for x, y in zip(a, b) if x != y]
            if len(diff) == 1:
                x, y = diff[0]
                if x.isalpha() and y.isalpha() and len(x) > 2 and len(y) > 2:
                    support[(x, y)] += 1
            continue
        # different lengths: strip the common prefix and suffix; a short
        # multi-word gloss for one or two words is a phrase swap
        # ("getting to know" -> "learning", "motive force" -> "driver")
        i = 0
        while i < min(len(a), len(b)) and a[i] == b[i]:
            i += 1
        j = 0
        while j < min(len(a), len(b)) - i and a[-1 - j] == b[-1 - j]:
            j += 1
        x, y = a[i : len(a) - j], b[i : len(b) - j]
        if 1 <= len(x) <= 4 and 1 <= len(y) <= 2 and (i or j) and all(w.isalpha() for w in x + y):
            if not ({x[0], x[-1], y[0], y[-1]} & FUNCTION_WORDS):
                support[(" ".join(x), " ".join(y))] += 1
    return support


def own_words(path: Path) -> dict[tuple[str, str], int]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        out[(parts[0].strip(), parts[1].strip())] = int(parts[2])
    return out


def ordinary(path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """Table rows (by :func:`key`) and word-map swaps that are ordinary
    English (``scripts/spun_ordinary.tsv``, made by
    scripts/find_ordinary_spun.py): left out of the tables."""
    rows: set[str] = set()
    words: set[tuple[str, str]] = set()
    if not path.is_file():
        return rows, words
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t") + ["", ""]
        if parts[0] == "row":
            rows.add(key(parts[1]))
        elif parts[0] == "word":
            words.add((parts[1], parts[2]))
    return rows, words


def find_bigrams(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    try:
        import symspellpy  # type: ignore

        p = Path(symspellpy.__file__).parent / "frequency_bigramdictionary_en_243_342.txt"
        if p.exists():
            return p
    except ImportError:
        pass
    for p in Path("/tmp").glob("**/frequency_bigramdictionary_en_243_342.txt"):
        return p
    raise SystemExit("symspellpy's frequency_bigramdictionary_en_243_342.txt not found: pip install symspellpy or pass --bigrams")


BIGRAM_HEADER = """# English bigram counts (in thousands) for the statistical layer of the spun-phrase pass.
# GENERATED by scripts/build_spun_table.py from frequency_bigramdictionary_en_243_342.txt of the
# symspellpy package (MIT licence, (c) 2025 mmb L, (c) 2021 Wolf Garbe; the counts are
# derived from the Google Books Ngram data, CC BY 3.0). Counts / 1000. Kept: the bigrams that
# contain a word of spun_wordmap.tsv (the only ones the statistical layer looks up).
"""

def write_tsv(path: Path, header: str, cols: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(header.rstrip("\n") + "\n")
        fh.write("#" + "\t".join(cols) + "\n")
        for r in rows:
            fh.write("\t".join(str(x) for x in r) + "\n")


def select(rows: list[dict], holdout: str | None) -> tuple[list[dict], list[dict]]:
    if not holdout:
        return rows, []
    k, n = (int(x) for x in holdout.split("/"))
    keep, out = [], []
    for r in rows:
        h = int(hashlib.sha1(key(r["spun"]).encode()).hexdigest(), 16)
        (out if (h % n == k and not r["source"].startswith("own")) else keep).append(r)
    return keep, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bigrams", help="path of symspellpy's frequency_bigramdictionary_en_243_342.txt")
    ap.add_argument("--out", default=str(DATA), help="output folder (default textfix/data)")
    ap.add_argument("--holdout", help="K/N: leave out the pairs whose hash is K mod N")
    ap.add_argument("--holdout-out", help="where to write the held-out pairs (TSV)")
    ap.add_argument("--keep-ordinary", action="store_true", help="keep the rows of scripts/spun_ordinary.tsv (what find_ordinary_spun.py reads)")
    args = ap.parse_args(argv)

    csv_path = corpora.peer_data(CSV_NAME)
    if csv_path is None:
        raise SystemExit("peer data not found (../shared/peer-data/tortured-phrases)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    pps, stats = pps_rows(csv_path)
    own = own_rows(REPO / "scripts" / "spun_own_rows.tsv")
    rows = merge(pps + own)
    ordinary_rows, ordinary_words = (set(), set()) if args.keep_ordinary else ordinary(REPO / "scripts" / "spun_ordinary.tsv")
    before = len(rows)
    rows = [r for r in rows if key(r["spun"]) not in ordinary_rows]
    stats["rows: ordinary English, left out"] = before - len(rows)
    rows, held = select(rows, args.holdout)
    if args.holdout_out:
        write_tsv(Path(args.holdout_out), "# held-out pairs", ["spun", "canonical", "suggestion", "source"],
                  [[r["spun"], r["canonical"], r["suggestion"], r["source"]] for r in held])

    header = f"""# spun -> canonical phrase table of the textfix spun-phrase pass.
# GENERATED by scripts/build_spun_table.py; edit the inputs, not this file.
# Sources (column `source`):
#   pps:N   {PPS_CREDIT}
#           (N = papers the PPS query matched). Query semantics kept: `context` holds the
#           AND clause ("|" = any of, ";" = and), `exclude` the NOT clause; proximity
#           queries (~N) are skipped; free-text notes are stripped from replacements and
#           uncertain ones ("?", "/", "[...]") have no replacement (flag only).
#   own:    rows of the textfix project (scripts/spun_own_rows.tsv, Apache-2.0).
# confidence: applied when >= 0.8 and the context clause holds; confidence_alone: when the
# context clause does not hold (0 = never alone). canonical empty = flag only, see suggestion.
# Build stats: {stats}"""
    write_tsv(
        out / "spun_phrases.tsv",
        header,
        ["spun", "canonical", "confidence", "confidence_alone", "context", "exclude", "suggestion", "source"],
        [[r["spun"], r["canonical"], r["confidence"], r["confidence_alone"], r["context"], r["exclude"], r["suggestion"], r["source"]] for r in rows],
    )

    learned = word_pairs(rows)
    mine = own_words(REPO / "scripts" / "spun_own_words.tsv")
    wm: dict[tuple[str, str], tuple[int, str]] = {}
    for pair, n in learned.items():
        wm[pair] = (n, "pps-pairs")
    for pair, n in mine.items():
        old = wm.get(pair)
        wm[pair] = ((old[0] if old else 0) + n, "own" if not old else "own+pps-pairs")
    write_tsv(
        out / "spun_ordinary.tsv",
        """# Word-map swaps that are ordinary English (they fire in clean text): the statistical layer
# of the spun-phrase pass still flags them in spun documents, but they are no evidence that a
# document is spun. GENERATED by scripts/build_spun_table.py from scripts/spun_ordinary.tsv
# (made by scripts/find_ordinary_spun.py on the tune half of the clean English documents).""",
        ["spun", "original"],
        [[a, b] for a, b in sorted(ordinary_words) if (a, b) in wm],
    )
    write_tsv(
        out / "spun_wordmap.tsv",
        f"""# spun word -> original word, for the statistical layer of the spun-phrase pass.
# GENERATED by scripts/build_spun_table.py. support = number of phrase pairs of
# spun_phrases.tsv that differ in exactly this word (source pps-pairs, derived from
# {PPS_CREDIT})
# plus the weight of our own swaps (source own: scripts/spun_own_words.tsv, Apache-2.0).""",
        ["spun", "original", "support", "source"],
        [[a, b, n, s] for (a, b), (n, s) in sorted(wm.items())],
    )

    words = {w for pair in wm for side in pair for w in (side.split()[0], side.split()[-1])}
    bigram_path = find_bigrams(args.bigrams)
    kept = 0
    # mtime=0: the same inputs give the same bytes (reproducible builds)
    with bigram_path.open(encoding="utf-8") as fh, (out / "en_bigrams.tsv.gz").open("wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gzb, \
            io.TextIOWrapper(gzb, encoding="utf-8", newline="\n") as gz:
        gz.write(BIGRAM_HEADER)
        gz.write("#w1\tw2\tcount_k\n")
        for line in fh:
            parts = line.split()
            if len(parts) != 3:
                continue
            a, b, n = parts
            if a not in words and b not in words:
                continue
            gz.write(f"{a}\t{b}\t{int(n) // 1000}\n")
            kept += 1
    print(f"phrases {len(rows)} (held out {len(held)}); word map {len(wm)}; bigrams {kept}")
    print(stats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
