"""cjk-mojibake's consistency step (``_consistent``): short runs repaired
with the chain of the document's confident repairs, in linear work."""

from __future__ import annotations

from textfix import Config, fix
from textfix.passes import cjk_mojibake
from textfix.textutil import SpanSweep

ONLY = Config(enable=("cjk-mojibake",))
SENTENCE = "长江是中华民族的母亲河，也是中华民族发展的重要支撑。"


def _document(paragraphs: int) -> tuple[str, str]:
    """GBK shown as cp1252: long damaged sentences (confident repairs), each
    followed by a date whose 月 alone is a short run ("7ÔÂ")."""
    clean = "\n".join(f"{SENTENCE}{i % 12 + 1}月{i % 28 + 1}日" for i in range(paragraphs))
    return clean, clean.encode("gbk").decode("cp1252")


def test_short_runs_follow_the_document_chain():
    clean, damaged = _document(20)
    result = fix(damaged, ONLY)
    assert result.text == clean
    assert any("as elsewhere in this text" in f.message for f in result.findings)


def test_span_sweep_answers_like_any():
    spans = [(5, 9), (0, 3), (8, 12), (20, 21)]
    sweep = SpanSweep(spans)
    for start in range(0, 25):
        for width in (1, 3):
            end = start + width
            expected = any(s < end and start < e for s, e in spans)
            # one sweep per query start: queries must come in ascending order
            assert SpanSweep(spans).overlaps(start, end) == expected
        assert sweep.overlaps(start, start + 1) == any(s < start + 1 and start < e for s, e in spans)


def test_consistent_work_is_linear(monkeypatch):
    """The work of the overlap tests (queries plus cursor moves) grows with
    the document, not with runs x repairs as a per-run any() did."""
    made: list[SpanSweep] = []

    class Recording(SpanSweep):
        queries = 0

        def __init__(self, spans):
            super().__init__(spans)
            made.append(self)

        def overlaps(self, start, end):
            self.queries += 1
            return super().overlaps(start, end)

    monkeypatch.setattr(cjk_mojibake, "SpanSweep", Recording)
    work = {}
    for n in (200, 800):
        made.clear()
        _clean, damaged = _document(n)
        fix(damaged, ONLY)
        assert made, "the consistency step ran"
        sweep = made[-1]
        spans = len(sweep.spans)
        assert spans >= n  # every sentence was a confident repair
        assert sweep.steps <= spans
        work[n] = sweep.queries + sweep.steps
    assert work[800] / work[200] <= 4 * 1.2
