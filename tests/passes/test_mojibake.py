"""ftfy-backed mojibake pass: fixes Latin mojibake, never damages CJK text."""

import corpora

import textfix

CLEAN_ZH = (
    "安德烈·卡帕斯（Andrej Karpathy），特斯拉高级AI主管……他说：“我会回来的”！"
    "这是什么？１２３，ＡＢＣ；全角字符『引号』「引号」《书名》【括号】～"
)


def test_clean_chinese_paragraph_unchanged():
    result = textfix.fix(CLEAN_ZH, enable=("mojibake",), strict=True)
    assert result.text == CLEAN_ZH and result.findings == ()


def test_latin_mojibake_fixed_next_to_chinese():
    text = CLEAN_ZH + "\nCafÃ© au lait, naÃ¯ve rÃ©sumÃ©.\n"
    result = textfix.fix(text, enable=("mojibake",), strict=True)
    assert result.text == CLEAN_ZH + "\nCafé au lait, naïve résumé.\n"
    kinds = {(f.kind, f.detail) for f in result.findings}
    assert kinds == {("mojibake", "encoding")}
    for f in result.findings:
        assert text[f.start : f.end] == f.before


def test_html_entities_and_controls():
    assert textfix.fix_text("caf&eacute; &amp; cr&egrave;me", enable=("mojibake",)) == "café & crème"
    assert textfix.fix_text("bell\x07 here", enable=("mojibake",)) == "bell here"


def test_stdin_example_from_issue():
    assert textfix.fix_bytes(b"caf\xc3\x83\xc2\xa9").text == "café"


def test_clean_corpora_untouched_by_mojibake(shared):
    changed = []
    docs = corpora.clean_group("zh-hans", 200) + corpora.clean_group("zh-hant", 200) + corpora.clean_group("en", 300)
    assert docs
    for name, text in docs:
        if textfix.fix(text, enable=("mojibake",)).text != text:
            changed.append(name)
    assert len(changed) <= len(docs) / 200, changed


def test_entities_in_a_markup_document_are_left_alone():
    page = "<rss><item>\n<title>Tom &amp; Jerry</title>\nR&amp;D budget, caf&eacute;\n</item></rss>\n"
    assert textfix.fix_text(page, enable=("mojibake",)) == page


def test_windowed_badness_equals_ftfy_on_random_text():
    """The per-character alternatives of ftfy's badness regex find what the
    whole regex finds (random mixes of the characters it names and ASCII)."""
    import random

    from ftfy.badness import is_bad

    from textfix.passes.mojibake import _badness_hints, _is_bad

    hints = _badness_hints()
    assert hints is not None
    named = sorted(hints.branches)
    other = list("abcxyzABCXYZ .,:;!?'\"-_@#\n\t0123") + ["é", "中", "\xa0", "ſ"]
    rng = random.Random(7)
    texts = []
    for _ in range(20000):
        share = rng.choice((0.05, 0.3, 0.7))
        n = rng.randint(1, 40)
        texts.append("".join(rng.choice(named) if rng.random() < share else rng.choice(other) for _ in range(n)))
    assert sum(map(is_bad, texts)) > 1000
    assert [t for t in texts if _is_bad(t) != is_bad(t)] == []


def test_windowed_plan_comes_from_ftfys_pattern():
    """The plan is read from ftfy's public pattern: every alternative is
    split out (the alternatives' text compiles to the same answers), and a
    pattern with a group or a repeat gets no plan (the plain check)."""
    from ftfy.badness import BADNESS_RE

    from textfix.passes.mojibake import _badness_plan, _split_badness

    named, width, branches, texts = _badness_plan()
    assert len(texts) == len(_split_badness(BADNESS_RE.pattern)) > 30
    assert 2 <= width <= 64 and "\x80" in named and "Ã" in named
    assert all(ks and max(ks) < len(texts) for ks in branches.values())
    assert _split_badness("[ab]|(?:x)y") is None and _split_badness("Ã+") is None and _split_badness("Ã\\b") is None
    assert _split_badness("Ã[ab]? | \\s é") == [[("Ã", False), ("[ab]", True)], [("\\s", False), ("é", False)]]
