"""Properties that hold for every input (hypothesis).

Every test runs the passes with ``Config(strict=True)``: an exception inside
a pass surfaces here instead of being logged and skipped (which is what the
default configuration does to keep the "never raises" promise for users).

Decisions recorded in docs/guarantees.md:

* "valid Unicode": ``fix_text`` never *introduces* a lone surrogate. Text
  without surrogates comes back encodable as strict UTF-8; the lone
  surrogates an output may hold are ones the input already had (such as the
  U+DC80..U+DCFF escapes that ``fix_bytes`` uses to keep invalid bytes).
* ``fix_bytes`` never raises on bytes; input that is not text gives
  ``Result.binary`` and empty text, never an exception.
"""

from __future__ import annotations

import codecs
import os
import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import corpora
import textfix
from textfix import Config
from textfix.decode import decode_bytes

STRICT = Config(strict=True)
# CI runs a bounded number of examples (the file takes well under a minute);
# TEXTFIX_PROPERTY_SCALE=20 runs twenty times as many, for a deep search.
SCALE = max(1, int(os.environ.get("TEXTFIX_PROPERTY_SCALE", "1")))
FAST = settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of the damage the passes look for, so generated text reaches past
# the gates instead of being plain noise.
DAMAGE = [
    ",,", ",。", ",?", ",、", "(jí)", "(jiān)", "?", "\ufffd", "锟斤拷", "烫烫烫", "Ã©", "â€œ", "â€", "&amp;",
    "&#233;", ". com", "@9to5mac. com", "http://example.com/a,b", "焦点播报:", "(资料图片仅供参考)", "关键词:",
    "相关阅读", "文章出處:", "责任编辑:", "synthetic intelligence", "device learning", " he ", " she ",
    "處于", "一年多后", "并沒有", "浣犲ソ", "\r\n", "\n\n", "\u3000", "\t", "1,000", "10:30", "(", ")",
]
CJK = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
CJK_PUNCT = "，。、；：？！「」『』（）《》“”…—·"
HANT = "們們這個國來說時後為會對過還沒麼樣裡與當從將應實現學動進發開關長點經機義問題頭體種萬無觀場麗歡漢"

damage = st.sampled_from(DAMAGE)
cjk_text = st.text(alphabet=CJK + CJK_PUNCT + HANT, min_size=1, max_size=12)
ascii_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=12)
any_chars = st.text(alphabet=st.characters(exclude_categories=()), min_size=1, max_size=6)  # includes surrogates, controls
text_strategy = st.lists(st.one_of(damage, cjk_text, ascii_text, any_chars, st.just("\n")), max_size=25).map("".join)


def _surrogates(s: str) -> set[str]:
    return {c for c in s if "\ud800" <= c <= "\udfff"}


def _check_findings(findings, text: str) -> None:
    for f in findings:
        assert 0 <= f.start <= f.end <= len(text), (f, len(text))
        assert f.before == text[f.start : f.end], f
        assert 0.0 <= f.confidence <= 1.0, f
        assert f.after is None or isinstance(f.after, str), f
        assert f.kind and f.message, f


@FAST
@given(text_strategy)
@example("")
@example("高級(jí)總監(jiān),,處于一年多后\r\n")
@example("caf\udcc3\udca9 \ud800 \udfff")
@example("高級(jí)總監(jiān)處于\udc90一年多后,,他說,。")  # OpenCC raised on the kept invalid byte (found by scripts/fuzz.py)
def test_fix_text_never_raises_is_idempotent_and_sound(text):
    result = textfix.fix(text, STRICT)
    out = result.text
    assert isinstance(out, str)
    assert result.original == text
    _check_findings(result.findings, text)
    assert _surrogates(out) <= _surrogates(text), "fix_text introduced a lone surrogate"
    if not _surrogates(text):
        out.encode("utf-8")  # strict: valid Unicode
    assert textfix.fix_text(out, STRICT) == out, "not idempotent"
    if not result.changed:
        assert not result.edits or all(f.after == f.before for f in result.edits)


@FEW
@given(text_strategy, st.sampled_from(["hans", "hant", "hant-tw", "hant-hk"]))
@example("abc\udc90中文后来", "hant")
def test_script_conversion_never_raises(text, target):
    result = textfix.fix(text, STRICT.replace(to=target))
    _check_findings(result.findings, text)
    assert _surrogates(result.text) <= _surrogates(text)


@FAST
@given(text_strategy)
def test_analyze_never_changes_the_text(text):
    result = textfix.analyze(text, STRICT)
    assert result.text == text
    _check_findings(result.findings, text)


@FAST
@given(st.binary(max_size=600))
@example(b"")
@example(b"\x00" * 40)
@example(b"\xef\xbb\xbf\xff\xfe")
@example(b"\xff\xfe\x00")
def test_fix_bytes_never_raises(data):
    result = textfix.fix_bytes(data, STRICT)
    if result.binary:
        assert result.text == "" and any(f.kind == "binary" for f in result.findings)
    else:
        assert isinstance(result.to_bytes(), bytes)
        _check_findings(result.findings, result.original)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gbk", "gb18030", "big5", "shift_jis", "euc-kr", "cp1252", "latin-1"]


@FEW
@given(text_strategy, st.sampled_from(ENCODINGS), st.binary(max_size=4), st.integers(min_value=0, max_value=10_000))
def test_fix_bytes_on_encoded_and_corrupted_text_never_raises(text, encoding, junk, where):
    data = text.encode(encoding, "ignore") if encoding.startswith("utf") else text.encode(encoding, "replace")
    where = where % (len(data) + 1)
    for blob in (data, data[:where] + junk + data[where:]):
        result = textfix.fix_bytes(blob, STRICT)
        if not result.binary:
            result.to_bytes()
            _check_findings(result.findings, result.original)


@FEW
@given(
    st.one_of(
        st.binary(max_size=300),
        st.tuples(text_strategy, st.sampled_from(ENCODINGS), st.binary(max_size=3)).map(
            lambda t: t[0].encode(t[1], "ignore" if t[1].startswith("utf") else "replace") + t[2]
        ),
    )
)
@example(b"caf\xc3\x83\xc2\xa9 ok\nplac\x8a\n")  # the repair once pushed the file under the mixed-encoding threshold
@example(b"\xef\xbb\xbf\n\x9a")  # the BOM was the only UTF-8 evidence, and the repair drops it
def test_fix_bytes_is_idempotent(data):
    """What ``textfix fix`` writes, the next ``textfix fix`` leaves alone."""
    first = textfix.fix_bytes(data, STRICT)
    if first.binary:
        return
    once = first.to_bytes()
    second = textfix.fix_bytes(once, STRICT)
    # left alone: unchanged, or (for junk that only a BOM made text) skipped as binary
    assert second.binary or second.to_bytes() == once


_UTF = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


@FAST
@given(st.one_of(st.binary(max_size=400), text_strategy.map(lambda s: s.encode("utf-8", "surrogatepass"))))
@example(b"caf\xc3\xa9 \xff ok \xe4\xbd\xa0\xe5\xa5\xbd\xe4\xb8\x96\xe7\x95\x8c")
def test_decoding_loses_no_byte(data):
    """UTF decodings give back the very bytes (invalid bytes kept as escapes);
    legacy decodings are strict, so the text survives a round trip."""
    d = decode_bytes(data)
    if d.binary:
        return
    if d.encoding in _UTF:
        bom = _UTF[d.encoding] if d.bom else b""
        errors = "surrogateescape" if d.encoding == "utf-8" else "strict"
        assert bom + d.text.encode(d.encoding, errors) == data
    else:
        assert d.text.encode(d.encoding).decode(d.encoding) == d.text


# Text that decodes as UTF-8 without doubt: no NUL, no control characters
# (binary sniffing), no ESC (ISO-2022), no lone surrogates.
utf8_safe = st.text(
    alphabet=st.one_of(
        st.sampled_from("\n\t "),
        st.characters(min_codepoint=0x20, exclude_categories=("Cs", "Cc")),
    ),
    max_size=80,
)


@FAST
@given(st.lists(st.one_of(damage, cjk_text, ascii_text, utf8_safe), max_size=12).map("".join))
def test_fix_bytes_of_utf8_agrees_with_fix_text(text):
    """A valid UTF-8 file is read as UTF-8 and repaired like the str."""
    result = textfix.fix_bytes(text.encode("utf-8"), STRICT)
    assert not result.binary and result.encoding == "utf-8"
    assert result.text == textfix.fix_text(text, STRICT)


# ---------------------------------------------------------------- clean text

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9)


@st.composite
def ascii_prose(draw):
    """English-looking prose: capitalised sentences of lowercase words, commas,
    full stops, question marks, paragraphs."""
    paragraphs = []
    for _ in range(draw(st.integers(1, 4))):
        sentences = []
        for _ in range(draw(st.integers(1, 5))):
            words = draw(st.lists(WORDS, min_size=1, max_size=14))
            words[0] = words[0].capitalize()
            if len(words) > 3 and draw(st.booleans()):
                words[1] += ","
            sentences.append(" ".join(words) + draw(st.sampled_from(".?!")))
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs) + draw(st.sampled_from(["", "\n"]))


@FAST
@given(ascii_prose())
@example("I moved to Berlin. It was fun. We went to Rome. In May, it rained.\n")
@example("He said no. She said yes.\n\nThe end.")
def test_plain_ascii_prose_comes_back_unchanged(text):
    result = textfix.fix(text, STRICT)
    assert result.text == text, [f for f in result.edits]


def _clean_sentences() -> dict[str, list[str]]:
    """Sentences of the clean Chinese corpora (Han and fullwidth punctuation
    only) that textfix leaves alone on their own."""
    pools: dict[str, list[str]] = {}
    allowed = set(CJK_PUNCT + "，。、；：？！「」『』（）《》“”‘’…—·　")
    rng = random.Random(8)
    for group in ("zh-hans", "zh-hant"):
        sentences = []
        for _name, doc in corpora.clean_group(group, limit_per_folder=40):
            for para in doc.split("\n"):
                for s in para.split("。"):
                    s = s.strip()
                    if 6 <= len(s) <= 60 and all(c in allowed or "\u4e00" <= c <= "\u9fff" for c in s):
                        sentences.append(s + "。")
        rng.shuffle(sentences)
        pool = [s for s in sentences[:400] if textfix.fix_text(s, STRICT) == s]
        pools[group] = pool
    return pools


_POOLS: dict[str, list[str]] | None = None


def clean_pools() -> dict[str, list[str]]:
    global _POOLS
    if _POOLS is None:
        _POOLS = _clean_sentences()
    return _POOLS


@pytest.fixture(scope="module")
def pools(shared):
    p = clean_pools()
    if not all(len(v) >= 50 for v in p.values()):
        pytest.skip("clean Chinese corpora too small here")
    return p


@FEW
@given(data=st.data())
def test_clean_chinese_prose_comes_back_unchanged(pools, data):
    """Clean sentences of one variant, glued into paragraphs and documents,
    stay clean: no pass fires on context it made up from clean parts."""
    group = data.draw(st.sampled_from(sorted(pools)))
    pool = pools[group]
    paragraphs = data.draw(
        st.lists(st.lists(st.sampled_from(pool), min_size=1, max_size=6).map("".join), min_size=1, max_size=4)
    )
    text = "\n\n".join(paragraphs) + "\n"
    result = textfix.fix(text, STRICT)
    assert result.text == text, [f for f in result.edits]


def test_clean_pools_are_real(pools):
    """The clean-prose property above runs on hundreds of real sentences."""
    for group, pool in pools.items():
        assert len(pool) >= 50, group
        assert len(set("".join(pool))) > 300, group  # a real vocabulary, not a handful of characters
