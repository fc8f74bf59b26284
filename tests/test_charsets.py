"""Charset detection (textfix.decode / textfix.charsets) and streaming decode."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

import textfix
from textfix.charsets import plausibility
from textfix.decode import decode_bytes, encode_text, iter_decode

ZH_HANS = "长江是中华民族的母亲河，也是中华民族发展的重要支撑。十年来，从国家到沿江省市，把修复长江生态环境摆在压倒性位置。"
ZH_HANT = "長江是中華民族的母親河，也是中華民族發展的重要支撐。十年來，從國家到沿江省市，把修復長江生態環境擺在壓倒性位置。"
JA = "吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所で泣いていた事だけは記憶している。"
KO = "대한민국은 동아시아의 한반도 남부에 위치한 민주공화국이다. 수도는 서울특별시이며 국기는 태극기이다."
RU = "Москва - столица России, город федерального значения, административный центр Центрального федерального округа."
FR = "L'été dernier, nous sommes allés à la mer ; c'était très agréable, même s'il a plu deux fois."


@pytest.mark.parametrize(
    "text,encodings",
    [
        (ZH_HANS, ["gbk", "gb18030", "utf-16", "utf-16-le", "utf-32"]),
        (ZH_HANT, ["big5", "big5hkscs", "gb18030"]),
        (JA, ["shift_jis", "euc_jp", "iso2022_jp"]),
        (KO, ["euc_kr", "utf-16-be"]),
        (RU, ["cp1251", "koi8_r", "iso8859_5", "cp866"]),
        (FR, ["cp1252", "latin-1"]),
    ],
)
def test_legacy_encodings_decode_to_the_same_text(text, encodings):
    for enc in encodings:
        d = decode_bytes(text.encode(enc))
        assert d.text.lstrip("\ufeff") == text, (enc, d.encoding, d.reason)
        assert not d.binary
        assert 0 < d.confidence <= 1 and d.reason


def test_bom_recorded():
    d = decode_bytes("\ufeff".encode("utf-16-le") + ZH_HANS.encode("utf-16-le"))
    assert d.bom and d.encoding == "utf-16-le" and d.text == ZH_HANS


def test_reason_and_confidence_say_how_sure():
    long = decode_bytes((ZH_HANT * 3).encode("big5"))
    short = decode_bytes("é".encode("cp1252"))
    assert "plausible" in long.reason or "only" in long.reason
    assert long.confidence > short.confidence


def test_plausibility_prefers_real_text():
    assert plausibility("你好，世界")[0] > plausibility("浣犲ソ锛屼笘鐣")[0]
    assert plausibility("España")[0] > plausibility("Espańa")[0]


def test_invalid_bytes_never_lost():
    data = "中文".encode("utf-8") * 20 + b"\xff\xfe" + "結尾".encode("utf-8") * 20
    d = decode_bytes(data)
    assert encode_text(d.text, d.encoding) == data


def test_fix_bytes_cafe_via_ftfy():
    assert textfix.fix_bytes(b"caf\xc3\x83\xc2\xa9").text == "café"


def test_cli_cafe_from_stdin():
    out = subprocess.run([sys.executable, "-m", "textfix", "fix", "-"], input=b"caf\xc3\x83\xc2\xa9", capture_output=True)
    assert out.stdout.decode("utf-8") == "café"


@pytest.mark.parametrize("enc", ["gb18030", "big5", "utf-16", "shift_jis", "utf-8"])
def test_iter_decode_streams_the_whole_text(enc):
    text = (ZH_HANT if enc == "big5" else JA if enc == "shift_jis" else ZH_HANS) + "\n"
    text *= 3000  # > the 64 KiB detection prefix
    data = text.encode(enc)
    info, chunks = iter_decode(io.BytesIO(data), 4097)  # odd chunk size: characters split across chunks
    out = "".join(chunks)
    assert out.lstrip("\ufeff") == text
    assert info.encoding


def test_iter_decode_keeps_invalid_bytes(tmp_path):
    data = ("中文" * 40000).encode("utf-8") + b"\xff" + "尾".encode("utf-8")
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    info, chunks = iter_decode(path, 1000)
    assert encode_text("".join(chunks), info.encoding) == data


def test_iter_decode_binary():
    info, chunks = iter_decode(io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10))
    assert info.binary and list(chunks) == []


def test_char_dataset_subset(shared):
    """``fix_bytes`` (charset passes) on a fixed third of the char-dataset,
    scored by exact text (WHATWG reading of the label; a reading left
    undecided below the threshold counts as wrong). scripts/bench_decode.py
    measures all four detection suites, chardet 7 and charset-normalizer
    beside it."""
    import eval_charsets

    files = eval_charsets.dataset_files()
    assert len(files) >= 400
    subset = files[::3]
    config = textfix.Config(enable=eval_charsets.ENCODING_PASSES)
    right = total = 0
    for folder, path in subset:
        data = path.read_bytes()
        r = textfix.fix_bytes(data, config)
        if folder == "None":
            assert r.binary, path
            continue
        total += 1
        right += eval_charsets.norm(r.text) == eval_charsets.truth(data, folder)
    assert right / total >= 0.975, f"{right}/{total}"


def test_char_dataset_binaries(shared):
    import eval_charsets

    binaries = [p for folder, p in eval_charsets.dataset_files() if folder == "None"]
    assert len(binaries) == 8
    for p in binaries:
        r = textfix.fix_bytes(p.read_bytes())
        assert r.binary, p


# ------------------------------------------------- scoring shortcuts


def _reference_lang_score(text: str, lang: str) -> float:
    """lang_score as first written: every character down the general path."""
    from textfix import charsets as cs

    uni, cond, _first, floor = cs._model()[lang]
    backoff = 0.7 if cond else 0.0
    total = 0.0
    prev = " "
    was_lower = False
    raw_prev = " "
    for ch in text:
        cost = cs._char_cost(ch)
        if (raw_prev.isascii() and raw_prev.isalnum() and cs._OTHER_ALPHABET.match(ch)) or (
            ch.isascii() and ch.isalnum() and cs._OTHER_ALPHABET.match(raw_prev)
        ):
            total += cs._SCRIPT_GLUE
        raw_prev = ch
        if cost is not None:
            total += cost
            prev = " "
            was_lower = False
            continue
        if ch.isupper():
            if was_lower:
                total += cs._CASE_FLIP
            ch = ch.lower()
            was_lower = False
        else:
            was_lower = ch.islower()
        lp = cond.get(prev + ch)
        if lp is None:
            u = uni.get(ch)
            lp = floor if u is None else u - backoff
        total += max(lp, floor)
        prev = ch
    return total


def _scoring_texts() -> list[str]:
    import random

    rng = random.Random(3)
    alphabet = "aZé中文ΩЖשا日本かなカナ한국ÄãºÃ£¬ \ufffd\ue0001,.İıßǅ\u0301。、"
    texts = [ZH_HANS, ZH_HANT, JA, KO, RU, FR, "浣犲ソ锛屼笘鐣岋紒", "ÄãºÃ£¬ÊÀ½ç£¡", "г825 aπb fiÞ"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(1500)]
    return texts


def test_lang_score_shortcuts_give_the_same_sums():
    """The short path for caseless letters and the two-language pass add
    the same terms in the same order as the general loop: equal floats."""
    from textfix import charsets as cs

    for text in _scoring_texts():
        for a, b in (("zh", "ja"), ("ko", "en"), ("ru", "el")):
            ref = (_reference_lang_score(text, a), _reference_lang_score(text, b))
            assert (cs.lang_score(text, a), cs.lang_score(text, b)) == ref, text
            assert cs._lang_score_pair(text, a, b) == ref, text


def _cjk_mix_texts(count: int = 3000) -> list[str]:
    """Random texts of what CJK runs hold (Han, kana, Hangul and its jamo,
    CJK punctuation, fullwidth Latin and digits, halfwidth kana, U+FFFD,
    compatibility ideographs NFC changes, ASCII), some with characters that
    are not plain (cased letters, Cyrillic, Arabic digits, combining marks,
    the Romanian letters the scorer folds)."""
    import random

    rng = random.Random(11)
    pools = [
        "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发後與為國",
        "".join(map(chr, range(0x3041, 0x3097))) + "".join(map(chr, range(0x30A1, 0x30FB))) + "ーゝヽ々〆",
        "한국어를배우는학생들이많습니다" + "".join(map(chr, range(0x1100, 0x1113))) + "".join(map(chr, range(0x1161, 0x1176))),
        "".join(map(chr, range(0x3000, 0x3040))),
        "".join(map(chr, range(0xFF01, 0xFFA0))),
        "\ufffd",
        "".join(map(chr, range(0xF900, 0xFB00))),
        "".join(map(chr, range(0x20, 0x7F))) + "\n\t",
        "éÄãºİıßǅ\u0301\u0308ΩЖשا٣۵๓ก\ue000\u200b€™①Ⅱ■℃ǀª°×·…—“”şţŞŢ" + "".join(map(chr, range(0x2E80, 0x2E9A))),
    ]
    texts = []
    for _ in range(count):
        chosen = rng.sample(pools, rng.randint(1, 3))
        n = rng.choice([1, 2, 3, 8, 9, 15, 40, 120])
        texts.append("".join(rng.choice(rng.choice(chosen)) for _ in range(n)))
    return texts


def test_plain_texts_take_the_pair_shortcut_with_the_same_sums():
    """A text of plain characters is scored without its steps (one loop over
    the characters); the sums equal the general loop's, bit for bit, on
    random CJK mixes and on the other texts."""
    from textfix import charsets as cs

    plain = 0
    for text in _cjk_mix_texts() + _scoring_texts():
        kind = cs._plain_kind(text)
        plain += kind != cs._NOT_PLAIN
        for a, b in (("zh", "ja"), ("ja", "zh"), ("ko", "ja")):
            ref = (_reference_lang_score(text, a), _reference_lang_score(text, b))
            assert cs._lang_score_pair(text, a, b) == ref, text
            if kind:
                assert cs._plain_pair_scores(text, a, b) == ref, text
    assert plain > 1000  # the shortcut was taken


def test_plain_kind_means_what_plausibility_skips():
    """Plain text has nothing for the fold to change, and text of _PLAIN_HAN
    has no letter of a scored script but Han (_langs_for's short path)."""
    from textfix import charsets as cs

    for text in _cjk_mix_texts():
        kind = cs._plain_kind(text)
        if kind != cs._NOT_PLAIN:
            assert text.translate(cs._FOLD) == text
        if kind == cs._PLAIN_HAN_TEXT:
            assert cs._NOT_HAN.search(text) is None, text
        assert (kind != cs._NOT_PLAIN) == all(ch in cs._PLAIN for ch in text)


def test_plausibility_matches_the_general_scorer():
    """plausibility with its shortcuts (plain text, the Han-only languages)
    gives the language and the float the general scorer gives."""
    import unicodedata

    from textfix import charsets as cs

    for text in _cjk_mix_texts(1500):
        norm = unicodedata.normalize("NFC", text).translate(cs._FOLD)
        langs = cs._modelled(cs._langs_for(norm))
        scores = [_reference_lang_score(norm, lg) for lg in langs]
        best = max(range(len(langs)), key=lambda i: scores[i])  # the first on a tie
        assert cs.plausibility(text) == (scores[best], langs[best]), text


def test_script_counts_match_the_patterns():
    from textfix import charsets as cs

    for text in _scoring_texts():
        counts = {name: len(rx.findall(text)) for name, rx in cs._SCRIPT_RE.items()}
        counts["Kana"] = len(cs._KANA_RE.findall(text))
        assert cs._script_counts(text) == counts, text


def test_langs_for_han_only_shortcut_matches_the_counts():
    """Texts without letters of a script other than Han take a short path
    in _langs_for: the same languages as ranking the script counts."""
    from textfix import charsets as cs

    def reference(text):
        counts = cs._script_counts(text)
        ranked = sorted((c, s) for s, c in counts.items() if c)
        if not ranked:
            return cs.SCRIPT_LANGS["Latin"][:1]
        langs = []
        for c, script in reversed(ranked):
            if c >= 0.25 * ranked[-1][0]:
                langs += [lg for lg in cs.SCRIPT_LANGS[script] if lg not in langs]
        return tuple(langs)

    texts = _scoring_texts() + ["", "123 !?", "中文，标点。", "々〆〇", "ー", "・", "中\ufffd文"]
    for text in texts:
        assert cs._langs_for(text) == reference(text), text


def test_lang_scores_are_lang_score_for_each_language():
    """The one-pass scorer gives bit-identical sums to scoring each language
    alone, on mixed-script text, mojibake and real prose."""
    import random

    from textfix.charsets import _model, lang_score, lang_scores

    rng = random.Random(5)
    alphabet = "aAbBéÉçßĞğ中文かナ한ж Ж,.!?1\u00a0—“”�ÃƒÂ'"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 50))) for _ in range(300)]
    texts += ["The cafÃ© served rÃ©sumÃ©s.", "Москва — столица России.", "特斯拉前AI高級總監，近日發布了新課程。"]
    langs = sorted(_model())
    for text in texts:
        chosen = rng.sample(langs, 6)
        assert lang_scores(text, chosen) == [lang_score(text, lg) for lg in chosen]
