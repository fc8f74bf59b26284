"""Linear work, counted (not timed), at two sizes of the same kind of text.

'?' between Han characters (a lossy conversion to GBK) used to cost the
rest of the document per '?': the query-string test after a '?' was a
regex with a literal after an open repeat, which the regex engine looks
for up to the end of the text before it tries the match. Now the test
reads the key run after the '?' and one character: the characters it
reads, and the rule checks, grow with the text, not faster.
"""

from __future__ import annotations

import random

import pytest

import bench
import corpora
from textfix.passes import cjk_punctuation
from textfix.profile import build_profile


def _qmark_doc(chars: int) -> str:
    return bench.shape_text("'?' between Han", chars)


class _CountingKey:
    """Stands in for the key pattern: counts the calls and the characters
    each match covers (what the test read past the '?')."""

    def __init__(self, real):
        self.real, self.calls, self.read = real, 0, 0

    def match(self, text, pos):
        m = self.real.match(text, pos)
        self.calls += 1
        self.read += m.end() - pos + 1  # the run, and the character after it
        return m


def _work(monkeypatch, text: str) -> tuple[int, int, int, int]:
    counter = _CountingKey(cjk_punctuation._QUERY_KEY_RE)
    monkeypatch.setattr(cjk_punctuation, "_QUERY_KEY_RE", counter)
    rules = []
    real_rule = cjk_punctuation._single_rule

    def rule(text, pos, ctx):
        rules.append(pos)
        return real_rule(text, pos, ctx)

    monkeypatch.setattr(cjk_punctuation, "_single_rule", rule)
    cjk_punctuation.scan(text, build_profile(text))
    monkeypatch.undo()
    return text.count("?"), counter.calls, counter.read, len(rules)


def test_qmark_between_han_work_is_linear(shared, monkeypatch):
    small, large = _qmark_doc(40_000), _qmark_doc(320_000)
    q_small, calls_small, read_small, rules_small = _work(monkeypatch, small)
    q_large, calls_large, read_large, rules_large = _work(monkeypatch, large)
    assert q_small > 500 and q_large > 7 * q_small  # the damage is there, at both sizes
    assert calls_small > 0 and calls_large > 0
    # per '?': the same work at both sizes (within the text's own variation)
    for small_n, large_n in ((calls_small, calls_large), (read_small, read_large), (rules_small, rules_large)):
        assert large_n / q_large <= 1.3 * small_n / q_small, (small_n, large_n, q_small, q_large)
    assert read_large / calls_large < 40  # a key run, not the rest of the document


def test_query_key_test_equals_the_pattern_it_replaces():
    import regex

    old = regex.compile(r"[\w.\-%]*=")
    rng = random.Random(5)
    alphabet = list("ab1_.-%=?& 中文é,\n") + ["\u0301", "٣"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        for i in range(len(text) + 1):
            assert cjk_punctuation._is_query(text, i) == (old.match(text, i) is not None), (text, i)


@pytest.mark.parametrize(("text", "query"), [("详情见example.com/a?b=1。", True), ("中文?文字", False),
                                            ("中?=文", True), ("见a.php?id%5B%5D=3", True), ("什么?好的。a=b", False)])
def test_query_strings_still_recognised(text, query):
    assert cjk_punctuation._is_query(text, text.index("?") + 1) is query
