#!/usr/bin/env python
"""Measure the spun-phrase, broken-link and pronoun-flip passes.

1. Precision on the clean English corpora (peer-data/clean/news_en_bbc and
   ud_en_ewt, every document): flags per 10,000 words and documents changed,
   per pass and per rule.
2. Cost of the gates and detectors: seconds per MB on clean Chinese (gates
   only, detectors never run) and on clean English.
3. Recall, with a third of the phrase table held out (``--fold K``, default
   0 of 3): the tables are rebuilt without the held-out pairs (the word map
   is then learned from the other two thirds only), clean BBC paragraphs are
   spun with held-out pairs, and we count the share the statistical layer
   flags (anywhere on the spun phrase) and the share of *table* pairs the
   table layer restores exactly. Spun documents come in two settings: the
   held-out phrase alone, and with one table-known spun phrase elsewhere in
   the document (a real spinner leaves many).

    .venv/bin/python scripts/eval_spun.py            # everything
    .venv/bin/python scripts/eval_spun.py --skip-clean --limit 600
"""

from __future__ import annotations

import argparse
import collections
import importlib
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))

import corpora  # noqa: E402

from textfix.config import Config  # noqa: E402
from textfix.pipeline import apply_edits, select_edits  # noqa: E402
from textfix.profile import build_profile  # noqa: E402

PASSES = ("links", "spun", "pronoun")


def load_passes():
    return [importlib.import_module(f"textfix.passes.{n}").PASS for n in PASSES]


def clean_precision(config: Config) -> dict:
    passes = load_passes()
    out = {}
    from textfix.passes import links, spun

    t0 = time.process_time()
    spun.phrase_trie(), spun.first_forms(), spun.word_map(), spun.multi_map(), spun.bigrams(), spun.collocations()
    links.tlds(), links.candidate_re()
    print(f"one-off table loading: {time.process_time() - t0:.2f} s CPU per process")
    for group in ("en", "zh-hans", "zh-hant"):
        docs = corpora.clean_group(group)
        if not docs:
            continue
        mb = sum(len(t.encode("utf-8")) for _, t in docs) / 1e6
        words = sum(len(t.split()) for _, t in docs)
        profiles = [build_profile(t) for _, t in docs]
        for p in passes:
            p.detect(docs[0][1], profiles[0], config)  # warm the per-process tables
            t0 = time.process_time()
            opened = [i for i, (_, t) in enumerate(docs) if p.gate(t, profiles[i])]
            gate_s = time.process_time() - t0
            t0 = time.process_time()
            rules = collections.Counter()
            changed = 0
            examples = []
            test_flags = 0
            test_words = sum(len(t.split()) for n, t in docs if _half(n) == "test")
            for i in opened:
                text = docs[i][1]
                fs = p.detect(text, profiles[i], config)
                if _half(docs[i][0]) == "test":
                    test_flags += sum(1 for f in fs if f.confidence >= config.report_threshold)
                edits = select_edits(fs, config.threshold)
                if edits and apply_edits(text, edits) != text:
                    changed += 1
                for f in fs:
                    if f.confidence >= config.report_threshold:
                        rules[f.rule] += 1
                        examples.append((docs[i][0], f.rule, text[max(0, f.start - 30) : f.end + 30].replace("\n", " ")))
            det_s = time.process_time() - t0
            out[(group, p.kind)] = dict(
                docs=len(docs), words=words, mb=round(mb, 2), gate_open=len(opened), changed=changed,
                flags=sum(rules.values()), per_10k_words=round(sum(rules.values()) / max(words, 1) * 1e4, 3),
                per_10k_words_test_half=round(test_flags / max(test_words, 1) * 1e4, 3),
                rules=dict(rules), gate_s_per_mb=round(gate_s / mb, 4), detect_s_per_mb=round(det_s / mb, 3),
                examples=examples[:8],
            )
    return out


# ----------------------------------------------------------------------------
TEMPLATES = (
    "Analysts said the {p} was the main reason for the change.",
    "The report describes {p} in some detail.",
    "Much of the debate turned on {p} and its cost.",
)


def read_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) >= 2 and parts[1]:
            pairs.append((parts[0], parts[1]))
    return pairs


def use_data_dir(folder: Path):
    """Point the spun pass at tables in ``folder`` (and drop its caches)."""
    from textfix.passes import spun

    def reader(name):
        with (folder / name).open(encoding="utf-8") as fh:
            for line in fh:
                line = line.rstrip("\n")
                if line.strip() and not line.lstrip().startswith("#"):
                    yield line

    spun.read_data_lines = reader
    spun.data_path = lambda name: folder / name
    for fn in (spun.phrase_trie, spun.first_forms, spun.word_map, spun.multi_map, spun.bigrams, spun.collocations, spun.ordinary_swaps):
        fn.cache_clear()
    return spun.PASS


def recall(fold: int, limit: int | None, config: Config, seed: int = 7) -> dict:
    import build_spun_table

    rng = random.Random(seed)
    paragraphs = []
    for _name, text in corpora.clean_docs("news_en_bbc"):
        for para in text.split("\n\n")[1:]:
            if 300 < len(para) < 900:
                paragraphs.append(para.strip())
    tmp = Path(tempfile.mkdtemp(prefix="spun-eval-"))
    held_path = tmp / "held.tsv"
    build_spun_table.main(["--out", str(tmp), "--holdout", f"{fold}/3", "--holdout-out", str(held_path)])
    held = read_pairs(held_path)
    table = read_pairs(tmp / "spun_phrases.tsv")
    # pairs the table layer is meant to repair: replacement present, sure, alone
    sure = []
    for line in (tmp / "spun_phrases.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 4 and parts[1] and float(parts[3]) >= 0.8:
            sure.append((parts[0], parts[1]))
    p = use_data_dir(tmp)
    if limit:
        held = rng.sample(held, min(limit, len(held)))
        sure = rng.sample(sure, min(limit, len(sure)))

    def spin(phrase: str, extra: str | None) -> tuple[str, int, int]:
        para = rng.choice(paragraphs)
        sent = rng.choice(TEMPLATES)
        pre, post = sent.split("{p}")
        body = para + " " + pre
        start = len(body)
        body += phrase
        end = len(body)
        body += post
        if extra:
            body += " " + rng.choice(TEMPLATES).replace("{p}", extra)
        return body, start, end

    # table restoration
    exact = loose = 0

    def norm(x: str) -> str:
        return " ".join(x.casefold().replace("-", " ").split())

    for spun_p, canon in sure:
        doc, s, e = spin(spun_p, None)
        fs = p.detect(doc, build_profile(doc), config)
        out = apply_edits(doc, select_edits(fs, config.threshold))
        want = doc[:s] + canon + doc[e:]
        if out == want:
            exact += 1
        if norm(out) == norm(want):
            loose += 1  # same words; case follows the text, hyphens kept
    # statistical layer on held-out pairs
    known = [x for x in sure if len(x[0].split()) == 2]
    res = {}
    for setting in ("alone", "with-evidence"):
        flagged = 0
        repaired_ok = 0
        repairs = 0
        stat_total = 0
        stat_on_target = 0
        tier = collections.Counter()
        tier_ok = collections.Counter()
        for spun_p, canon in held:
            extra = rng.choice(known)[0] if setting == "with-evidence" else None
            doc, s, e = spin(spun_p, extra)
            fs = [f for f in p.detect(doc, build_profile(doc), config) if f.detail == "statistical"]
            hit = False
            for f in fs:
                stat_total += 1
                on = f.start < e and f.end > s
                tier[f.rule] += 1
                if on:
                    stat_on_target += 1
                    tier_ok[f.rule] += 1
                    hit = True
                    if f.after is not None:
                        repairs += 1
                        cwords = [w.lower() for w in canon.replace("-", " ").split()]
                        if f.after.lower() in cwords:
                            repaired_ok += 1
            flagged += hit
        res[setting] = dict(
            held_out_pairs=len(held), flagged=flagged, recall=round(flagged / max(len(held), 1), 3),
            stat_findings=stat_total, precision=round(stat_on_target / max(stat_total, 1), 3),
            per_rule={r: f"{tier_ok[r]}/{tier[r]}" for r in tier},
            repairs_on_target=repairs, repairs_word_in_original=repaired_ok,
        )
    return dict(fold=fold, table_pairs=len(table), sure_pairs=len(sure), restored_exactly=exact,
                restored_share=round(exact / max(len(sure), 1), 3), restored_same_words=loose,
                restored_same_words_share=round(loose / max(len(sure), 1), 3), statistical=res)


# ---------------------------------------------------------------- spun documents

_CONTENT_RE = None


def _half(name: str) -> str:
    """``tune`` or ``test``: a fixed split of documents by name."""
    import hashlib

    return "tune" if int(hashlib.sha1(name.encode()).hexdigest(), 16) % 2 == 0 else "test"


def _word_fold(word: str, folds: int) -> int:
    import hashlib

    return int(hashlib.sha1(word.encode()).hexdigest(), 16) % folds


def spinner_map(held_fold: int | None, folds: int = 2) -> dict[str, list[str]]:
    """original word -> spun words, from the installed word map (the
    spinner swaps of the phrase table). With ``held_fold``: only the
    originals of that fold (the detector is then built without them)."""
    from textfix.passes import spun

    out: dict[str, list[str]] = {}
    for w, origs in spun.word_map().items():
        for o, _support in origs:
            if " " in o or not o.isalpha():
                continue
            if held_fold is None or _word_fold(o, folds) == held_fold:
                out.setdefault(o, []).append(w)
    return out


def spin_document(text: str, swaps: dict[str, list[str]], rate: float, rng: random.Random) -> tuple[str, float]:
    """``text`` with ``rate`` of its content words (lower-case words of 3
    letters or more, no function words) swapped the way a spinner does,
    as far as ``swaps`` knows the words; returns (spun text, achieved rate)."""
    global _CONTENT_RE
    import re

    from textfix.passes import spun

    if _CONTENT_RE is None:
        _CONTENT_RE = re.compile(r"(?<![\w'’-])[a-z]{3,}(?![\w'’-])")
    words = [m for m in _CONTENT_RE.finditer(text) if m.group() not in spun._STOP]
    want = int(round(rate * len(words)))
    cands = [m for m in words if m.group() in swaps]
    rng.shuffle(cands)
    pick = sorted(cands[:want], key=lambda m: m.start())
    out, pos = [], 0
    for m in pick:
        out.append(text[pos : m.start()])
        out.append(rng.choice(swaps[m.group()]))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), len(pick) / max(len(words), 1)


def detector_without(held_fold: int, folds: int = 2) -> Path:
    """A data folder whose word map and phrase table lack every row that
    involves an original word of ``held_fold`` (the held-out vocabulary)."""
    import re
    import shutil

    from textfix.resources import data_path

    tmp = Path(tempfile.mkdtemp(prefix="spun-doc-eval-"))
    for name in ("spun_phrases.tsv", "spun_wordmap.tsv", "en_bigrams.tsv.gz", "spun_ordinary.tsv"):
        with data_path(name).open("rb") as src, (tmp / name).open("wb") as dst:
            shutil.copyfileobj(src, dst)
    word_re = re.compile(r"[a-z]+")

    def held(words: str) -> bool:
        return any(_word_fold(w, folds) == held_fold for w in word_re.findall(words.lower()))

    for name, col in (("spun_wordmap.tsv", 1), ("spun_phrases.tsv", 1)):
        lines = (tmp / name).read_text(encoding="utf-8").splitlines(True)
        kept = [ln for ln in lines if ln.startswith("#") or len(ln.split("\t")) <= col or not held(ln.split("\t")[col])]
        (tmp / name).write_text("".join(kept), encoding="utf-8")
    return tmp


def _verdicts(p, docs, config) -> list[bool]:
    out = []
    for text in docs:
        prof = build_profile(text)
        fs = p.detect(text, prof, config) if p.gate(text, prof) else []
        out.append(any(f.detail == "spun-document" for f in fs))
    return out


def documents(limit: int | None, config: Config, seed: int = 11) -> dict:
    """Spun-document verdicts: clean documents (false flags) and the same
    documents spun at 10 % and 20 % of their content words, on the test
    half of the documents (thresholds were chosen on the tune half).
    Settings: ``held-out`` -- half of the spinner's vocabulary (by original
    word) swaps the words, the detector's tables lack every row with those
    words; ``seen`` -- the installed tables, spun with their own swaps (an
    upper bound: a spinner whose thesaurus the tables know)."""
    from textfix.passes import spun

    rng = random.Random(seed)
    results = {}
    for half in ("tune", "test"):
        docs = [(f, n, t) for f in ("news_en_bbc", "ud_en_ewt") for n, t in corpora.clean_docs(f) if _half(f + "/" + n) == half]
        if limit:
            docs = rng.sample(docs, min(limit, len(docs)))
        clean = [t for _f, _n, t in docs]
        p = load_passes()[1]
        row = {"docs": len(clean)}
        flagged = _verdicts(p, clean, config)
        for folder in ("news_en_bbc", "ud_en_ewt"):
            idx = [i for i, (f, _n, _t) in enumerate(docs) if f == folder]
            row[f"clean_flagged_{folder}"] = f"{sum(flagged[i] for i in idx)}/{len(idx)}"
        row["clean_flagged"] = round(sum(flagged) / max(len(clean), 1), 4)
        long_docs = [t for t in clean if len(t.split()) >= 150]
        for setting in ("seen", "held-out"):
            if setting == "held-out":
                swaps = spinner_map(0)
                p = use_data_dir(detector_without(0))
            else:
                swaps = spinner_map(None)
                p = use_data_dir_installed()
            for rate in (0.10, 0.20):
                spun_docs, rates = [], []
                for t in long_docs:
                    d, r = spin_document(t, swaps, rate, rng)
                    spun_docs.append(d)
                    rates.append(r)
                hit = _verdicts(p, spun_docs, config)
                row[f"{setting}@{rate:.0%}"] = (
                    f"{sum(hit)}/{len(hit)} = {sum(hit) / max(len(hit), 1):.1%} (achieved swap rate {sum(rates) / max(len(rates), 1):.1%})"
                )
        use_data_dir_installed()
        results[half] = row
    return results


def wordnet_measure(limit: int | None, seed: int = 13) -> dict | None:
    """What WordNet would add as a synonym source (not shipped: this is the
    measure that decided it). For each lower-case content word: its pair
    with a neighbour is not among symspellpy's common pairs while the pair
    with one of its WordNet synonyms is (a rare pair with a common synonym
    alternative). Share of content words with such a pair, in clean
    documents and in the same documents with 10 % of their content words
    swapped (the tables' swaps), and the share of spun documents above the
    clean 99th percentile. Needs WordNet's data files (Debian
    ``wordnet-base``) and symspellpy; None without them."""
    import gzip

    import build_spun_synonyms as bss

    from textfix.passes import spun

    try:
        tmp = Path(tempfile.mkdtemp(prefix="spun-wordnet-"))
        bss.main(["--out", str(tmp)])
    except SystemExit:
        return None

    def rows(name):
        for line in gzip.decompress((tmp / name).read_bytes()).decode("utf-8").splitlines():
            if not line.startswith("#"):
                yield line.split("\t")

    syn = {r[0]: r[1:] for r in rows("en_synonyms.tsv.gz")}
    common = {(r[0], r[1]) for r in rows("en_bigram_set.tsv.gz")}

    def share(text: str) -> float:
        toks, low = spun._tokenise(text)
        n = len(low)
        starts, cell_of, cells = toks.cell_starts(), toks.cell_of, toks.cells

        def blank_after(i):
            if i < 0 or i + 1 >= n or cell_of[i + 1] != cell_of[i] + 1:
                return False
            return text[starts[cell_of[i]] + len(cells[cell_of[i]])] == " "

        words = hits = 0
        for i, w in enumerate(low):
            if w in spun._STOP or not w.isalpha() or not text.startswith(w, starts[cell_of[i]]):
                continue
            words += 1
            alts = syn.get(w)
            if not alts:
                continue
            left = low[i - 1] if blank_after(i - 1) else None
            right = low[i + 1] if blank_after(i) else None
            if (left and (left, w) not in common and any((left, a) in common for a in alts)) or (
                right and (w, right) not in common and any((a, right) in common for a in alts)
            ):
                hits += 1
        return hits / max(words, 1)

    rng = random.Random(seed)
    swaps = spinner_map(None)
    out = {}
    for folder in ("news_en_bbc", "ud_en_ewt"):
        docs = [t for _n, t in corpora.clean_docs(folder) if len(t.split()) >= 150]
        if limit:
            docs = rng.sample(docs, min(limit, len(docs)))
        clean = sorted(share(t) for t in docs)
        spun_shares = [share(spin_document(t, swaps, 0.10, rng)[0]) for t in docs]
        p99 = clean[int(0.99 * (len(clean) - 1))]
        out[folder] = dict(
            docs=len(docs), clean_median=round(clean[len(clean) // 2], 4), clean_p99=round(p99, 4),
            spun_median=round(sorted(spun_shares)[len(spun_shares) // 2], 4),
            spun_above_clean_p99=round(sum(x > p99 for x in spun_shares) / max(len(spun_shares), 1), 3),
        )
    return out


def use_data_dir_installed():
    """Back to the installed tables."""
    from textfix.passes import spun
    from textfix.resources import data_path, read_data_lines

    spun.read_data_lines = read_data_lines
    spun.data_path = data_path
    for fn in (spun.phrase_trie, spun.first_forms, spun.word_map, spun.multi_map, spun.bigrams, spun.collocations, spun.ordinary_swaps):
        fn.cache_clear()
    return spun.PASS


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fold", type=int, default=None, help="one fold (0..2); default: all three")
    ap.add_argument("--limit", type=int, default=None, help="sample this many pairs per measure")
    ap.add_argument("--skip-clean", action="store_true")
    ap.add_argument("--skip-recall", action="store_true")
    ap.add_argument("--documents", action="store_true", help="only the spun-document verdicts")
    ap.add_argument("--wordnet", action="store_true", help="only the WordNet measure (needs wordnet-base and symspellpy)")
    args = ap.parse_args(argv)
    config = Config()
    if args.wordnet:
        print("== WordNet as a synonym source (measured, not shipped) ==")
        print(wordnet_measure(args.limit) or "WordNet or symspellpy missing (apt-get install wordnet-base; pip install symspellpy)")
        return 0
    if args.documents:
        print("== spun documents (long documents: 150 words or more; clean: every document of the half) ==")
        for half, row in documents(args.limit, config).items():
            print(half, row)
        return 0
    if not args.skip_clean:
        print("== clean corpora (whole folders) ==")
        for (group, kind), r in clean_precision(config).items():
            ex = r.pop("examples")
            print(group, kind, r)
            if group == "en":
                for x in ex:
                    print("    ", x)
    if not args.skip_recall:
        print("== held-out recall ==")
        for fold in ([args.fold] if args.fold is not None else [0, 1, 2]):
            r = recall(fold, args.limit, config)
            for k, v in r.items():
                print(k, v)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
