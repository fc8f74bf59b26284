"""cjk-mojibake on lossy UTF-8 read as GBK (U+FFFD holes) and on clean text:
the candidate tables and the shortcut scoring give the decisions their
definitions give; damage is found inside long clean documents; clean
documents yield nothing."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest

import corpora
from textfix import Config, fix
from textfix.charsets import _model
from textfix.passes import cjk_mojibake as cm
from textfix.passes.cjk_mojibake import PASS

ONLY = Config(enable=("mojibake", "cjk-mojibake", "lossy-bytes"))


def _paragraphs(group: str, per_folder: int, lo: int = 10, hi: int = 200) -> list[str]:
    return [p for _n, t in corpora.clean_group(group, per_folder) for p in t.split("\n\n") if lo <= len(p.strip()) <= hi]


# ------------------------------------------------------------- candidates


def _brute_candidates(left: bytes, width: int, right: bytes) -> tuple[str, ...]:
    """The definition: every ``width`` non-ASCII bytes X for which
    ``left + X + right`` is UTF-8 and reads as CJK output."""
    xs = [bytes((x,)) for x in range(0x80, 0x100)]
    if width == 2:
        xs = [a + b for a in xs for b in xs]
    out = set()
    for x in xs:
        try:
            text = (left + x + right).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if cm._CJK_OUTPUT.fullmatch(text):
            out.add(text)
    return tuple(sorted(out))


@pytest.mark.parametrize(
    "left,right",
    [
        (b"", b""),
        (b"", b"\x80"),
        (b"", b"\xa0\x81"),
        (b"\xe4", b""),
        (b"\xe4", b"\x80"),
        (b"\xe4\xb8", b""),
        (b"\xe4\xb8", b"\xad"),
        (b"\xe0", b""),  # E0 needs A0-BF next
        (b"\xed", b""),  # ED stops at 9F (no surrogates)
        (b"\xef\xbc", b""),  # fullwidth punctuation
        (b"\xe3\x80", b""),  # CJK punctuation
        (b"\xe3", b"\x81"),  # kana
        (b"\xf0\x9f", b""),
        (b"\xc2", b""),
        (b"\xc0", b""),  # never a lead
        (b"\x80", b""),  # a stray continuation byte
    ],
)
@pytest.mark.parametrize("width", [1, 2])
def test_hole_candidates_are_the_valid_utf8_fillings(left, right, width):
    assert cm._hole_candidates(left, width, right) == _brute_candidates(left, width, right)


def test_wider_holes_have_no_candidates():
    assert cm._hole_candidates(b"\xe4", 3, b"") == ()


# ------------------------------------------------------------- choices


def _reference_choice(left: bytes, width: int, right: bytes, before: str, after: str) -> str | None:
    """Every candidate scored with _in_context, sorted, the best taken when
    it leads by the margin (or is alone): the rule _choose implements."""
    kana = cm._KANA.search(before + after) is not None
    cands = list(cm._hole_candidates(left, width, right))
    if not kana:
        cands = [c for c in cands if not cm._KANA.search(c)]
    if not cands:
        return None
    model = _model()["ja" if kana else "zh"]
    scored = sorted(((cm._in_context(before, c, after, model, cm._punct_freq()), c) for c in cands), reverse=True)
    if len(scored) == 1 or scored[0][0] - scored[1][0] >= cm._HOLE_MARGIN:
        return scored[0][1]
    return None


def _holes_of(text: str) -> list[tuple[bytes, int, bytes, str, str]]:
    """The holes of ``text`` damaged as UTF-8 read as GBK (errors replaced):
    ``(left, width, right, before, after)`` with the real neighbours."""
    data = text.encode("utf-8")
    damaged = data.decode("gbk", "replace")
    if "\ufffd" not in damaged:
        return []
    pieces = [p.encode("gbk") for p in damaged.split("\ufffd")]
    seen: list[tuple[bytes, int, bytes, str, str]] = []
    orig_table = cm._hole_table
    orig_choose = cm._choose

    def table(left, width, right, kana):
        seen.append((left, width, right))
        return orig_table(left, width, right, kana)

    def choose(tab, before, after, kana):
        seen[-1] = seen[-1] + (before, after)
        return orig_choose(tab, before, after, kana)

    cm._hole_table, cm._choose = table, choose
    try:
        cm._fill_holes_cached.__wrapped__(tuple(pieces))
    finally:
        cm._hole_table, cm._choose = orig_table, orig_choose
    return seen


def test_choices_equal_scoring_every_candidate(shared):
    holes = []
    for para in _paragraphs("zh-hans", 6) + _paragraphs("zh-hant", 4):
        holes += _holes_of(para)
    assert len(holes) > 300
    assert any(w == 2 for _l, w, _r, _b, _a in holes)
    for left, width, right, before, after in holes:
        kana = cm._KANA.search(before + after) is not None
        got = cm._choose(cm._hole_table(left, width, right, kana), before, after, kana)
        assert got == _reference_choice(left, width, right, before, after), (left, width, right, before, after)


def test_choices_equal_scoring_every_candidate_in_other_contexts(shared):
    """The holes of real damaged text between other real neighbours: close
    calls between the best few candidates come up more often."""
    import random

    rng = random.Random(5)
    paras = _paragraphs("zh-hans", 6) + _paragraphs("zh-hant", 4)
    keys = sorted({h[:3] for para in paras for h in _holes_of(para)})
    keys += [(b"", 2, b"\x9c"), (b"", 2, b"\xb9"), (b"", 2, b"\x80\x80")]
    pool = "".join(paras)
    checked = 0
    for _ in range(2500):
        left, width, right = rng.choice(keys)
        j = rng.randrange(len(pool) - 6)
        before, after = pool[j : j + 3], pool[j + 3 : j + 6]
        kana = cm._KANA.search(before + after) is not None
        got = cm._choose(cm._hole_table(left, width, right, kana), before, after, kana)
        assert got == _reference_choice(left, width, right, before, after), (left, width, right, before, after)
        checked += got is not None
    assert checked > 500


@pytest.mark.parametrize(
    "before,after",
    [("", ""), ("的", "是"), ("。", "\n"), ("一", ""), ("abc", "x"), ("カタ", "ナ"), ("\ufffd", "，"), (" ", " ")],
)
@pytest.mark.parametrize(
    "left,width,right",
    [(b"\xe4", 2, b""), (b"", 1, b"\x80\x80"), (b"\xe7\x9a", 1, b""), (b"\xef\xbc", 1, b""), (b"\xe3\x80", 1, b""),
     (b"", 2, b"\x80"), (b"\xe4\xb8", 2, b"\x80"), (b"\xe3", 1, b"\x81")],
)
def test_choices_equal_scoring_every_candidate_in_odd_contexts(left, width, right, before, after):
    kana = cm._KANA.search(before + after) is not None
    got = cm._choose(cm._hole_table(left, width, right, kana), before, after, kana)
    assert got == _reference_choice(left, width, right, before, after)


# ------------------------------------------------------------- repairs


def test_lossy_utf8_as_gbk_paragraphs_are_mostly_restored(shared):
    """Real paragraphs read as GBK with errors replaced: most lost bytes are
    inferred, nearly all of them right; the rest come back as U+FFFD."""
    paras = [p for p in _paragraphs("zh-hans", 10) if "\ufffd" in p.encode("utf-8").decode("gbk", "replace")][:60]
    assert len(paras) >= 40
    exact = right = wrong = unknown = holes = 0
    for para in paras:
        damaged = para.encode("utf-8").decode("gbk", "replace")
        holes += damaged.count("\ufffd")
        result = fix(damaged, ONLY)
        assert result.text != damaged
        assert any(f.kind == "cjk-mojibake" and "lost bytes inferred" in f.message for f in result.findings)
        exact += result.text == para
        if len(result.text) == len(para):
            for a, b in zip(para, result.text):
                if b == "\ufffd":
                    unknown += 1
                elif a == b:
                    right += 1
                else:
                    wrong += 1
    assert exact >= 5
    assert wrong <= 0.01 * (right + wrong)
    assert unknown <= 0.35 * holes


def test_damaged_paragraph_inside_a_long_document(shared):
    """The bench's damage: one paragraph of a real document read as GBK.
    The clean paragraphs stay as they are; the damaged one is repaired."""
    docs = [t for _n, t in corpora.clean_group("zh-hans", 40) if t.count("\n") >= 4 and len(t) > 400]
    assert docs
    done = 0
    for doc in docs[:10]:
        paras = doc.split("\n")
        i = max(range(len(paras)), key=lambda k: len(paras[k]))
        for written, shown in (("gbk", "latin-1"), ("utf-8", "gbk")):
            try:
                damaged_para = paras[i].encode(written).decode(shown)
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            damaged = "\n".join(paras[:i] + [damaged_para] + paras[i + 1 :])
            out = fix(damaged, ONLY).text.split("\n")
            assert out[:i] == paras[:i] and out[i + 1 :] == paras[i + 1 :]
            assert out[i] == paras[i]
            done += 1
    assert done >= 10


def _damage_longest_paragraph(doc: str) -> tuple[list[str], int, str]:
    paras = doc.split("\n")
    i = max(range(len(paras)), key=lambda k: len(paras[k]))
    damaged = "\n".join(paras[:i] + [paras[i].encode("utf-8").decode("gbk", "replace")] + paras[i + 1 :])
    return paras, i, damaged


def test_lossy_paragraph_inside_a_long_document(shared):
    docs = [t for _n, t in corpora.clean_group("zh-hans", 20) if t.count("\n") >= 2 and len(t) > 300]
    assert len(docs) >= 12
    for doc in docs[:12]:
        paras, i, damaged = _damage_longest_paragraph(doc)
        damaged_para = damaged.split("\n")[i]
        out = fix(damaged, ONLY).text.split("\n")
        assert out[:i] == paras[:i] and out[i + 1 :] == paras[i + 1 :]
        # Most characters come back (a hole over two characters can merge them).
        assert SequenceMatcher(None, out[i], paras[i], autojunk=False).ratio() >= 0.85, (out[i], paras[i])
        assert out[i].count("\ufffd") < damaged_para.count("\ufffd")


# ------------------------------------------------------------- clean text


def test_clean_documents_yield_no_findings(shared):
    """Clean Chinese documents the gate lets through (close suspects are
    common in real text) give no finding at all, not even a flag."""
    docs = corpora.clean_group("zh-hans", 40) + corpora.clean_group("zh-hant", 40)
    gated = [t for _n, t in docs if PASS.gate(t, None)]
    assert len(gated) >= 40
    assert [t[:30] for t in gated if PASS.detect(t, None, ONLY)] == []


def test_scan_finds_the_runs_detect_needs():
    """The runs the one-scan step hands to detect: whole runs (cut at bytes
    below 0x40) holding damage, nothing of clean text."""
    text = "正常的中文句子。\n他说浣犲ソ锛屼笘鐣岋紒 12 ÄãºÃ£¬ 3 x\ufffdy 长江是中华民族的母亲河"
    spans = [m.group() for m in cm._scan_re().finditer(text)]
    assert spans == ["他说浣犲ソ锛屼笘鐣岋紒", "ÄãºÃ£¬", "x\ufffdy"]
    assert [run for _s, run in cm._scan_runs(text)] == spans
    assert cm._scan_re().search("长江是中华民族的母亲河，也是中华民族发展的重要支撑。") is None


def test_short_run_pair_is_still_seen():
    # "ÔÂ" style: a run of at most six characters with two suspects.
    run = "浣犲ソ"
    assert cm._scan_re().fullmatch(run)
    assert cm._scan_re().search("12 " + run + " 34").group() == run
    assert cm._scan_runs(run) == [(0, run)]
    assert cm._scan_runs("12 " + run + " 34") == [(3, run)]


def test_relaxed_repair_leaves_clean_paragraphs_alone(shared):
    # Once turned the clean 頂疊 into 픯B ("as elsewhere in this text").
    doc = next(t for _n, t in corpora.clean_group("zh-hant", 20) if "座頂疊澀" in t)
    paras, i, damaged = _damage_longest_paragraph(doc)
    out = fix(damaged, ONLY).text.split("\n")
    assert out[:i] == paras[:i] and out[i + 1 :] == paras[i + 1 :]


# (written, shown, errors) of the damaged paragraph
_PARAGRAPH_DAMAGE = (
    ("utf-8", "gbk", "replace"),
    ("utf-8", "gb18030", "replace"),
    ("utf-8", "big5", "replace"),
    ("utf-8", "cp932", "replace"),
    ("gbk", "latin-1", "strict"),
)


@pytest.mark.parametrize("group", ["zh-hant", "zh-hans"])
def test_clean_paragraphs_beside_a_damaged_one_stay_unchanged(shared, group):
    """Real documents (DRCD, UD, news) with one paragraph damaged by each
    chain: the confident repair of that paragraph lets short runs elsewhere
    be repaired "as elsewhere in this text", which must leave every clean
    paragraph as it is."""
    docs = [t for _n, t in corpora.clean_group(group, 40) if t.count("\n") >= 2]
    assert len(docs) >= 20
    checked = 0
    for doc in docs[:40]:
        paras = doc.split("\n")
        i = max(range(len(paras)), key=lambda k: len(paras[k]))
        for written, shown, errors in _PARAGRAPH_DAMAGE:
            try:
                damaged_para = paras[i].encode(written).decode(shown, errors)
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            r = fix("\n".join(paras[:i] + [damaged_para] + paras[i + 1 :]), ONLY)
            out = r.text.split("\n")
            assert out[:i] == paras[:i] and out[i + 1 :] == paras[i + 1 :], (written, shown, paras[i][:20])
            checked += 1
    assert checked >= 60


def test_relaxed_repairs_of_clean_runs_are_refused(shared):
    """Every run of clean Chinese text, re-read with every chain as if a
    confident repair had used it in the document: none is a relaxed repair
    (the rule, not just the documents above: Hangul in a Chinese text, a
    CJK character taking in an ASCII neighbour, "repairs" that win by a
    little or replace characters that chain does not produce)."""
    chains = cm._UTF8_CHAINS + cm._LATIN_CHAINS
    bad = []
    for group in ("zh-hant", "zh-hans"):
        for _n, text in corpora.clean_group(group, 30):
            for m in cm._RUN.finditer(text):
                if not m.group().isascii():
                    for f in PASS._repair_run(text, m.start(), m.group(), chains, relaxed=True, scripts=frozenset({"Han"})):
                        bad.append((f.before, f.after))
    assert bad == []


def test_relaxed_rule():
    han = frozenset({"Han"})
    # Damage the document's chain explains: repaired.
    assert cm._relaxed_ok("鏃讹紝", "时，", "gb18030", 17.0, han)
    assert cm._relaxed_ok("ÔÂ", "月", "cp1252", 2.8, han)
    assert cm._relaxed_ok("鏋禔", "架A", "gb18030", 11.9, han)
    # Clean text that re-encodes: left alone.
    assert not cm._relaxed_ok("頂疊", "픯B", "gb18030", 1.5, han)  # Hangul in Chinese text
    assert not cm._relaxed_ok("闊綽", "韾b", "gb18030", 2.1, han)  # takes in an ASCII letter, small gain
    assert not cm._relaxed_ok("豐帝得", "沒链", "cp932", 4.2, han)  # small gain
    # Characters UTF-8 does not show as in GBK, however large the gain.
    assert not cm._relaxed_ok("頂疊", "픯", "gb18030", 30.0, frozenset({"Han", "Hangul"}))
    assert not cm._relaxed_ok("中文", "时", "gb18030", 30.0, han)


def test_segment_check_only_skips_fills_that_fail(monkeypatch):
    """_segments_can_decode refuses only byte pieces whose holes, however
    filled, cannot give UTF-8: the fill without the check returns None
    for every piece list it refuses, and the same text for the others."""
    import random

    rng = random.Random(11)
    paras = [
        "长江是中华民族的母亲河，也是中华民族发展的重要支撑。",
        "長江是中華民族的母親河（1949年），“世界”！",
        "カタカナとひらがな、한국어 텍스트 abc",
    ]
    cases = []
    for _ in range(6000):
        data = rng.choice(paras).encode("utf-8")
        i = rng.randrange(len(data))
        pieces, cur = [], bytearray()
        for b in data[i : i + rng.randint(1, 30)]:
            r = rng.random()
            if r < 0.15:
                pieces.append(bytes(cur))
                cur = bytearray()
            elif r < 0.2:
                cur.append(rng.randrange(256))
            else:
                cur.append(b)
        pieces.append(bytes(cur))
        cases.append(tuple(pieces))
    for _ in range(4000):
        cases.append(tuple(bytes(rng.randrange(0x40, 0x100) for _ in range(rng.randint(0, 5))) for _ in range(rng.randint(2, 5))))
    fill = cm._fill_holes_cached.__wrapped__
    got = [fill(c) for c in cases]
    monkeypatch.setattr(cm, "_segments_can_decode", lambda segs: True)
    assert [fill(c) for c in cases] == got
    assert sum(g is None for g in got) > 1000 and sum(g is not None for g in got) > 1000


def _scan_matches(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in cm._scan_re().finditer(text)]


def test_scan_runs_finds_what_the_scan_pattern_finds(shared):
    """detect's fast scan (:func:`_scan_runs`) gives the runs of the one
    pattern that defines them (:func:`_scan_re`): on random mixes of
    suspects of every family, Latin-1 characters, U+FFFD and run breaks,
    and on the clean corpora and their damaged copies."""
    import random

    rng = random.Random(11)
    alphabet = list(cm._suspects("gbk")[:150] + cm._suspects("big5")[:80] + cm._suspects("cp932")[:40])
    alphabet += list(cm._suspects("cp949")[:40]) + list("ÄãºÃ£¬Ê中文A@~ 1,\n") + ["\ufffd", "\ue001"]
    for _ in range(30000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 25)))
        assert cm._scan_runs(text) == _scan_matches(text), text
    for _n, doc in corpora.clean_group("zh-hans", 30) + corpora.clean_group("zh-hant", 30):
        for text in (doc, doc.encode("utf-8").decode("gbk", "replace"), doc.encode("gbk", "replace").decode("latin-1")):
            assert cm._scan_runs(text) == _scan_matches(text)
