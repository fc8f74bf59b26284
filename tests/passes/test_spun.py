"""spun-phrase: tortured-phrase table, statistical layer, seed 003, clean-corpus precision."""

from __future__ import annotations

import json
import re

import pytest

import corpora
import textfix
from textfix import Config
from textfix.passes import links, pronoun, spun
from textfix.pipeline import apply_edits, select_edits
from textfix.profile import build_profile

SPUN = spun.PASS


def repair(text: str) -> str:
    """The spun pass alone, edits applied."""
    fs = SPUN.detect(text, build_profile(text), Config(strict=True))
    return apply_edits(text, select_edits(fs, 0.8))


def findings(text: str):
    return SPUN.detect(text, build_profile(text), Config(strict=True))


# --- seed 003 through the whole pipeline, default config ---------------------------


@pytest.fixture(scope="module")
def seed003():
    text = corpora.seed("003")
    exp = json.loads(corpora.expected("003", "json"))
    return text, exp, textfix.fix(text)


def _occurrences(text: str, phrase: str):
    i = text.find(phrase)
    while i >= 0:
        yield i, i + len(phrase)
        i = text.find(phrase, i + 1)


def test_seed003_fixed_pairs_repaired_everywhere(seed003):
    text, exp, result = seed003
    for before, after in exp["fixed"]:
        assert before in text
        assert before not in result.text, before
        assert result.text.count(after) >= text.count(before), after


def test_seed003_flagged_phrases_covered(seed003):
    text, exp, result = seed003
    kinds = {"spun-phrase", "pronoun-flip"}
    for phrase in exp["flagged"]:
        spans = list(_occurrences(text, phrase))
        assert spans, phrase
        for s, e in spans:
            assert any(f.kind in kinds and f.start < e and f.end > s for f in result.findings), phrase


def test_seed003_kept_phrases_survive(seed003):
    text, exp, result = seed003
    for phrase in exp["kept"]:
        assert result.text.count(phrase) == text.count(phrase), phrase


def test_seed003_idempotent(seed003):
    _text, _exp, result = seed003
    assert textfix.fix_text(result.text) == result.text


# --- phrase table --------------------------------------------------------------------


@pytest.mark.parametrize(
    "before, after",
    [
        ("They used device learning to sort the photos.", "They used machine learning to sort the photos."),
        ("Device learning is everywhere now.", "Machine learning is everywhere now."),  # capitalisation
        ("DEVICE LEARNING IS EVERYWHERE NOW.", "MACHINE LEARNING IS EVERYWHERE NOW."),
        ("The device-learning team grew.", "The machine-learning team grew."),  # hyphenation kept
        ("The new device\nlearning team grew.", "The new machine\nlearning team grew."),  # line break kept
        ("Two neural organizations were trained.", "Two neural networks were trained."),  # plural
        ("A neural organization was trained.", "A neural network was trained."),
        ("They tried a profound neural organization.", "They tried a deep neural network."),  # longest match
        ("The lab built synthetic intelligence (AI) tools.", "The lab built artificial intelligence (AI) tools."),
        ("An irregular woodland classifier won.", "An random forest classifier won."),
    ],
)
def test_table_repairs_with_morphology(before, after):
    assert repair(before) == after


def test_and_clause_needs_its_context():
    news = "The surface region of the lake froze early this year, the council said."
    assert findings(news) == []
    science = "We measured the surface region of each sample. The surface area was 3 m2."
    assert "surface area of each sample" in repair(science)


def test_not_clause_suppresses():
    text = "Cells were sorted by magnetic cell separation with MACS columns."
    assert findings(text) == []
    assert "cell sorting" in repair("Cells were sorted by magnetic cell separation in two steps.")


def test_ambiguous_phrase_silent_in_plain_text():
    # "profound learning" is PPS-qualified by "deep learning": an ordinary
    # English phrase outside science ("a profound learning experience").
    assert findings("It was a profound learning experience for all of us.") == []


def test_hyphenated_compound_is_not_a_match():
    assert findings("The coaching set-up will change before the games.") == []


def test_automaton_built_once():
    a = spun.phrase_trie()
    b = spun.phrase_trie()
    assert a is b and a[1] > 5000


def test_swapped_tables_are_built_in_memory(tmp_path, monkeypatch):
    """``eval_spun.py`` swaps the tables (``read_data_lines``, then
    ``cache_clear``): the pass then uses the swapped ones, built in memory,
    never the disk cache of the installed tables."""
    monkeypatch.setenv("TEXTFIX_CACHE_DIR", str(tmp_path))
    text = "We train device learning models on the data."
    tables = (spun.phrase_trie, spun.first_forms, spun.word_map, spun.multi_map, spun.bigrams, spun.collocations)
    installed = spun.read_data_lines

    def without_row(name):
        return (line for line in installed(name) if not line.startswith("device learning\t"))

    assert [f.rule for f in findings(text)] == ["table"]
    cached = sorted(tmp_path.iterdir())
    monkeypatch.setattr(spun, "read_data_lines", without_row)
    for table in tables:
        table.cache_clear()
    try:
        assert "table" not in [f.rule for f in findings(text)]  # not the cached trie
        assert sorted(tmp_path.iterdir()) == cached  # nothing written for the swapped tables
    finally:
        monkeypatch.setattr(spun, "read_data_lines", installed)
        for table in tables:
            table.cache_clear()
    assert [f.rule for f in findings(text)] == ["table"]


def test_protected_urls_untouched():
    text = "See https://example.com/device-learning-guide for details."
    assert repair(text) == text


# --- statistical layer -----------------------------------------------------------------

SPUN_DOC = (
    "The firm has put synthetic intelligence at the heart of its plans. "
    "Its device learning group is adding paintings about the new robot."
)


def test_statistical_flag_in_spun_document():
    fs = [f for f in findings(SPUN_DOC) if f.detail == "statistical"]
    hit = [f for f in fs if "paintings" in f.before]
    assert hit, fs
    assert hit[0].after is None and "work" in hit[0].message


def test_statistical_repair_needs_both_neighbours_and_evidence():
    doc = "The firm put synthetic intelligence first. He praised the technical paints in AI that the team did."
    out = repair(doc)
    assert "technical work in AI" in out
    # the same pair in a document without table-sure damage stays a flag at most
    alone = "He praised the technical paints in AI that the team did."
    assert repair(alone) == alone


def test_statistical_layer_silent_without_evidence():
    assert findings("The gallery is adding paintings about the war to its collection.") == []


# --- gates -------------------------------------------------------------------------


def test_gates_closed_on_chinese():
    text = "特斯拉前人工智能高级总监安德烈·卡帕西表示，他可能会回到特斯拉。" * 5
    prof = build_profile(text)
    assert not SPUN.gate(text, prof)
    assert not pronoun.PASS.gate(text, prof)
    assert not links.PASS.gate(text, prof)


def test_never_raises_on_odd_input():
    for text in ["", " ", "-", "device", "device-", "-learning", "device learning", "\n\n\ndevice\n\nlearning", "Ü" * 50]:
        findings(text)


# --- clean corpora: precision bound ------------------------------------------------------


@pytest.fixture(scope="module")
def clean_en(shared):
    # Every document of both folders (about 3,300 documents, 1.0 M words);
    # scripts/eval_spun.py prints the same figures per rule.
    docs = corpora.clean_group("en")
    if not docs:
        pytest.skip("clean English corpora absent")
    config = Config()
    flags = changed = words = 0
    for _name, text in docs:
        words += len(text.split())
        prof = build_profile(text)
        doc_changed = False
        for p in (links.PASS, spun.PASS, pronoun.PASS):
            if not p.gate(text, prof):
                continue
            fs = p.detect(text, prof, config)
            edits = select_edits(fs, config.threshold)
            doc_changed |= bool(edits) and apply_edits(text, edits) != text
            flags += sum(1 for f in fs if f.confidence >= config.report_threshold and f not in edits)
        changed += doc_changed
    return dict(docs=len(docs), words=words, flags=flags, changed=changed)


def test_clean_english_flags_per_10k_words(clean_en):
    assert clean_en["flags"] * 10_000 <= clean_en["words"], clean_en


def test_clean_english_changed_documents(clean_en):
    assert clean_en["changed"] * 200 <= clean_en["docs"], clean_en


STAT_ONLY = (
    "Jordan said he would lead the technical paints in AI for the group. "
    "Jordan added that he was adding paintings about the robot to the show. "
    "Last year, Jordan said she was racing with the new team."
)


def test_pronoun_flip_corroborates_statistical_pairs():
    fs = [f for f in findings(STAT_ONLY) if f.detail == "statistical"]
    assert any("paints" in f.before for f in fs) and any("paintings" in f.before for f in fs)
    assert all(f.after is None for f in fs)  # no table-sure damage: flags only
    # the same word pairs without the pronoun flip: only the single spin
    # whose restored word fits both neighbours speaks (a flag); the others,
    # fitting one neighbour, need corroboration
    alone = [f for f in findings(STAT_ONLY.replace("she was", "he was")) if f.detail == "statistical"]
    assert [(f.before, f.rule, f.after) for f in alone] == [("paints", "stat-both-sides-flag", None)]


def test_stock_spinner_glosses():
    assert repair("The tool is primarily based totally on Linux.") == "The tool is based on Linux."
    assert repair("A software replace arrived.") == "A software update arrived."
    # ordinary English in a clean text: silent
    assert findings("She wrote a software program for the internet site of the club.") == []
    # the same words in a spun document: flags with the likely original
    doc = "The firm put synthetic intelligence and device learning into a software program for its internet site."
    fs = {f.before: f for f in findings(doc)}
    assert fs["software program"].after is None and "'software'" in fs["software program"].message
    assert fs["internet site"].after is None


def test_multi_word_swaps_learned_from_pairs():
    # "money related" -> financial, "sun oriented" -> solar: glosses the
    # table's pairs show for one word, found in phrases no table lists
    doc = "The firm used device learning. The money related crisis hit its sun oriented panels."
    fs = {f.before: f for f in findings(doc) if f.detail == "statistical"}
    assert "'The financial crisis'" in fs["The money related crisis"].message
    assert "solar panels" in fs["its sun oriented panels"].message


# --- the tokeniser ----------------------------------------------------------------
_REF_SPLIT = re.compile(r"([^\W_]+(?:['’][^\W_]+)*)")


def _reference_tokens(text: str):
    """Words (offsets, text), lower-case forms and separators, by one regex
    split (what the surrogate-based tokeniser replaced)."""
    if "\u0130" not in text and "\u03a3" not in text:
        parts = _REF_SPLIT.split(text.lower())
        lowered = parts[1::2]
    else:
        parts = _REF_SPLIT.split(text)
        lowered = "\x00".join(parts[1::2]).lower().split("\x00") if len(parts) > 1 else []
    spans, pos = [], 0
    for k, p in enumerate(parts):
        if k % 2:
            spans.append((pos, pos + len(p), text[pos : pos + len(p)]))
        pos += len(p)
    return spans, lowered, parts[2:-1:2]


def test_tokeniser_equals_a_regex_split():
    import random

    rng = random.Random(11)
    pool = list("abcXYZ019 _-'’\n\t.,\x01\x00") + ["é", "É", "ß", "İ", "Σ", "σ", "中", "²", "\u0301", "ﬁ", "\ud800", "K", "ǅ", "Ⅻ"]
    texts = ["rock 'n' roll don't ’tis o’clock", "naïve CAFÉ’s ΟΔΟΣ İstanbul", "", "'", "’", "x\x01y"]
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(0, 24))) for _ in range(20000)]
    texts += [t for _, t in corpora.clean_docs("ud_en_ewt", 40)]
    for text in texts:
        toks, lowered = spun._tokenise(text)
        spans, ref_lowered, seps = _reference_tokens(text)
        assert [toks[i] for i in range(len(toks))] == spans, text
        assert lowered == ref_lowered, text
        assert [toks.sep(i) for i in range(len(toks) - 1)] == seps, text
        assert toks.starts(list(range(0, len(toks), 3))) == [s for s, _e, _w in spans[::3]], text


# --- linear work --------------------------------------------------------------------


class _CountingCells(list):
    """The tokeniser's cells, counting every cell read (by index, slice or
    iteration): the work of turning cells into offsets."""

    reads = 0

    def __getitem__(self, k):
        got = super().__getitem__(k)
        _CountingCells.reads += len(got) if isinstance(k, slice) else 1
        return got

    def __iter__(self):
        _CountingCells.reads += len(self)
        return super().__iter__()


def _cells_read(text: str, monkeypatch) -> tuple[int, int]:
    real = spun._tokenise

    def counting(t):
        toks, lowered = real(t)
        toks.cells = _CountingCells(toks.cells)
        return toks, lowered

    monkeypatch.setattr(spun, "_tokenise", counting)
    _CountingCells.reads = 0
    prof = build_profile(text)
    SPUN.detect(text, prof, Config())
    monkeypatch.setattr(spun, "_tokenise", real)
    return _CountingCells.reads, len(real(text)[0].cells)


def test_offsets_are_summed_once_whatever_the_order_of_lookups(monkeypatch, shared):
    """Cells read to find word offsets grow with the text, not with its
    square (a lookup one word back used to sum again from the start)."""
    docs = [t for _, t in corpora.clean_docs("news_en_bbc", 60)]
    # a spun document: lookups back and forth at many swap sites
    base = "\n\n".join(docs).replace("artificial intelligence", "synthetic intelligence")
    base += "\n\nThe firm put synthetic intelligence and device learning first. He praised the technical paints in AI.\n"
    small, big = base, base * 4
    reads_small, cells_small = _cells_read(small, monkeypatch)
    reads_big, cells_big = _cells_read(big, monkeypatch)
    assert reads_small > 0
    assert reads_small <= 3 * cells_small and reads_big <= 3 * cells_big, (reads_small, cells_small, reads_big, cells_big)
    assert reads_big <= 4 * 1.3 * reads_small, (reads_small, reads_big)


# --- the document verdict ---------------------------------------------------------


def test_spun_document_verdict_with_its_evidence(seed003):
    text, _exp, result = seed003
    (doc,) = [f for f in result.findings if f.detail == "spun-document"]
    assert doc.after is None and not doc.applied and doc.start == doc.end == 0 and doc.before == ""
    assert doc.confidence >= Config().report_threshold
    m = re.search(r"score ([\d.]+) \(([\d.]+) per 1,000 words\): (\d+) table phrase", doc.message)
    assert m and float(m.group(1)) >= spun.DOC_MIN_SCORE and int(m.group(3)) >= 1
    assert "rare word pair" in doc.message and "pronoun flip" in doc.message
    # in the JSON report too
    assert any(f["detail"] == "spun-document" for f in result.to_dict()["findings"])


def test_spun_document_needs_several_pieces_of_evidence():
    one = "We train device learning models on the data."  # one tortured phrase
    assert [f.rule for f in findings(one)] == ["table"]
    two = "We train device learning models on the data. Its synthetic intelligence group grows."
    assert "spun-document" in [f.detail for f in findings(two)]
    # the same evidence thinned out by clean text: below the rate per 1,000 words
    filler = " The council met on Tuesday and the members voted on the budget for next year." * 300
    assert "spun-document" not in [f.detail for f in findings(two + filler)]


def test_spun_document_rare_on_clean_english(shared):
    """Clean news and web documents (a fixed sample of both folders) are
    flagged as spun documents at most once in 100."""
    docs = [t for _n, t in corpora.clean_docs("news_en_bbc", 500) + corpora.clean_docs("ud_en_ewt", 300)]
    flagged = sum(any(f.detail == "spun-document" for f in findings(t)) for t in docs)
    assert flagged * 100 <= len(docs), flagged
