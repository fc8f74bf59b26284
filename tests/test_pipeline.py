"""The pipeline: edit selection, offset mapping back to the original, the
fixpoint loop, and the guarantee that a failing pass never breaks a caller."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import textfix
from textfix import pipeline
from textfix.passes import Pass


class Replace(Pass):
    """Test pass: replace every occurrence of ``old`` with ``new``."""

    def __init__(self, kind, old, new, confidence=0.9):
        self.kind, self.old, self.new, self.confidence = kind, old, new, confidence

    def gate(self, text, profile):
        return self.old in text

    def detect(self, text, profile, config):
        out, i = [], text.find(self.old)
        while i >= 0:
            out.append(self.finding(text, i, i + len(self.old), self.new, self.confidence, f"{self.old}->{self.new}"))
            i = text.find(self.old, i + len(self.old))
        return out


class Boom(Pass):
    kind = "boom"

    def gate(self, text, profile):
        return True

    def detect(self, text, profile, config):
        raise RuntimeError("pass bug")


@pytest.fixture
def passes(monkeypatch):
    def use(*ps):
        monkeypatch.setattr(pipeline, "all_passes", lambda: tuple(ps))

    return use


def test_offsets_map_back_through_earlier_edits(passes):
    # The first pass shortens text before the second pass's finding.
    passes(Replace("a", "xxxx", "y"), Replace("b", "QQ", "R"))
    text = "xxxx 12 xxxx QQ end"
    result = textfix.fix(text, strict=True)
    assert result.text == "y 12 y R end"
    q = [f for f in result.findings if f.kind == "b"][0]
    assert (q.start, q.end) == (13, 15)
    assert text[q.start : q.end] == q.before == "QQ"
    for f in result.findings:
        assert f.before == text[f.start : f.end]
        assert f.applied


def test_low_confidence_is_a_flag(passes):
    passes(Replace("a", "teh", "the", confidence=0.6))
    result = textfix.fix("teh cat", strict=True)
    assert result.text == "teh cat"
    assert [f.applied for f in result.findings] == [False]
    assert textfix.fix("teh cat", threshold=0.5).text == "the cat"
    # below the report threshold: dropped entirely
    assert textfix.fix("teh cat", report_threshold=0.7).findings == ()


def test_overlapping_edits_first_wins(passes):
    passes(Replace("a", "abc", "X"), Replace("b", "bcd", "Y"))
    assert textfix.fix_text("abcd", strict=True) == "Xd"


def test_fixpoint_and_idempotence(passes):
    # The second pass creates the first pass's pattern: needs another round.
    passes(Replace("a", "ab", "c"), Replace("b", "dd", "b"))
    once = textfix.fix_text("addd", strict=True)
    assert once == textfix.fix_text(once, strict=True)


def test_failing_pass_is_skipped_not_raised(passes):
    passes(Boom(), Replace("a", "x", "y"))
    assert textfix.fix_text("x") == "y"
    with pytest.raises(RuntimeError):
        textfix.fix_text("x", strict=True)


def test_disable_and_enable(passes):
    passes(Replace("a", "x", "y"), Replace("b", "p", "q"))
    assert textfix.fix_text("xp", disable=("a",)) == "xq"
    assert textfix.fix_text("xp", enable=("a",)) == "yp"


def test_analyze_changes_nothing(passes):
    passes(Replace("a", "x", "y"))
    result = textfix.analyze("x x")
    assert result.text == "x x" and len(result.findings) == 2
    assert not any(f.applied for f in result.findings)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 5), st.text("ab", max_size=4)), max_size=6))
def test_offset_map_matches_a_replay(edits_spec):
    """Mapping through several random edit batches lands on the right original span."""
    original = "".join(random.Random(len(edits_spec)).choice("abcdefgh") for _ in range(64))
    text = original
    om = pipeline.OffsetMap()
    # Track each original character's identity through the edits.
    ids = list(range(len(original)))
    for start, length, new in edits_spec:
        start = min(start, len(text))
        end = min(len(text), start + length)
        om.push([(start, end, len(new))])
        text = text[:start] + new + text[end:]
        ids = ids[:start] + [None] * len(new) + ids[end:]
    for pos, ident in enumerate(ids):
        if ident is not None:
            s, e = om.to_original(pos, pos + 1)
            assert (s, e) == (ident, ident + 1)


def test_markup_documents_get_only_character_repairs():
    """HTML/XML source keeps its lines and punctuation; mojibake is still fixed."""
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss><channel>\n<title>焦点播报:新闻</title>\n'
        "<item><description>你好,世界。cafÃ©</description></item>\n"
        "<item><description>相关阅读</description></item>\n</channel></rss>\n"
    )
    out = textfix.fix_text(page, strict=True)
    assert out == page.replace("cafÃ©", "café")


def test_japanese_kanji_are_not_variant_residue():
    text = "日本語の文章です。会社の経営について説明します。台風が来ました。後で連絡します。" * 3
    assert textfix.fix_text(text, enable=("variant-residue",), strict=True) == text


def _profile_builds(record_calls, text):
    calls = record_calls(pipeline, "build_profile")
    return textfix.fix_text(text), len(calls)


def test_profile_rebuilt_only_when_an_edit_touches_letters(record_calls):
    # Restored punctuation changes no count the profile keeps: one build.
    flat = "他说,这个问题很重要:我们必须解决它!你同意吗?我们明天再讨论(如果有时间)。"
    fixed, builds = _profile_builds(record_calls, flat)
    assert fixed != flat and "，" in fixed
    assert builds == 1
    # Removing injected readings removes letters: the next round needs a fresh profile.
    readings = (
        "特斯拉前AI高級(jí)總監(jiān)、OpenAI創始成員之一的安德烈·卡帕西，近日發(fā)布了新的課程(chéng)。"
        "他在視頻(pín)中講解了語(yǔ)言模型的訓練(liàn)過程，並說(shuō)明了數據(jù)的重要性。"
    )
    fixed, builds = _profile_builds(record_calls, readings)
    assert "(jí)" not in fixed
    assert builds >= 2
