"""cjk-mojibake's table of chains on real text in each language (the dev
half of tests/data/lang and of the clean Chinese corpora): Cyrillic
single-byte chains, UTF-8 shown as Cyrillic codecs, and lines whose
undecodable bytes were kept as lone surrogates."""

from __future__ import annotations

import pytest

import corpora
from textfix import Config, fix, fix_text

ONLY = Config(enable=("mojibake", "cjk-mojibake", "lossy-bytes"))


def _paras(lang: str, n: int = 24) -> list[str]:
    if lang in ("zh-hans", "zh-hant"):
        paras = []
        for _name, text in corpora.clean_group(lang, 6):
            paras += [p.strip() for p in text.split("\n\n") if p.strip()][0::2]
        return paras[:n]
    return corpora.lang_paragraphs(lang, "dev")[:n]


def _exact_share(paras, damage) -> tuple[float, list]:
    n = ok = 0
    misses = []
    for p in paras:
        try:
            damaged = damage(p)
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if damaged == p:
            continue
        n += 1
        out = fix(damaged, ONLY).text
        if out == p:
            ok += 1
        else:
            misses.append((p[:40], out[:40]))
    assert n >= 5, "too few paragraphs took this damage"
    return ok / n, misses


@pytest.mark.parametrize("written", ["cp1251", "koi8_r", "cp866"])
@pytest.mark.parametrize("shown", ["latin-1", "cp1252"])
def test_cyrillic_shown_as_latin(written, shown):
    paras = _paras("ru")
    if not paras:
        pytest.skip("no Russian data (../shared missing)")
    share, misses = _exact_share(paras, lambda p: p.encode(written).decode(shown))
    assert share >= 0.9, misses[:3]


@pytest.mark.parametrize("shown", ["cp1251", "koi8_r", "cp866"])
def test_utf8_shown_as_cyrillic_codec(shown):
    paras = _paras("ru")
    if not paras:
        pytest.skip("no Russian data (../shared missing)")
    share, misses = _exact_share(paras, lambda p: p.encode("utf-8").decode(shown))
    assert share >= 0.9, misses[:3]


@pytest.mark.parametrize(
    "lang,shown",
    [("zh-hans", "gbk"), ("zh-hant", "big5"), ("yue", "big5"), ("ja", "cp932"), ("ja", "euc_jp"), ("ko", "cp949"), ("ko", "euc_kr")],
)
def test_utf8_with_surrogates_restored(lang, shown):
    paras = _paras(lang)
    if not paras:
        pytest.skip("no data")
    share, misses = _exact_share(paras, lambda p: p.encode("utf-8").decode(shown, "surrogateescape"))
    assert share >= 0.9, misses[:3]


def test_issue_examples():
    assert fix_text("÷èñëî îñâîáîæäàåìûõ áàéòîâ") == "число освобождаемых байтов"
    assert fix_text("п∙я│п╩п╦ п▓я▀ я┘п╬я┌п╦я┌п╣") == "Если Вы хотите"
    assert fix_text("ÇÑ±Û ÅØ½ºÆ®´Â Àß º¸ÀÔ´Ï´Ù") == "한글 텍스트는 잘 보입니다"


@pytest.mark.parametrize(
    "text",
    [
        "Une ligne en français: café, déjà, où êtes-vous? À bientôt, Noël.",
        "El niño comió piña en la montaña; ¿qué más? ¡Olé!",
        "Größere Übungen für Schüler: Maße, Fußgänger, Äpfel.",
        "Ça coûte 12 € — « très cher » selon l'hôtel Grünwald.",
    ],
)
def test_latin_text_with_accents_unchanged(text):
    assert fix_text(text) == text


def test_a_few_undecodable_bytes_alone_are_not_reread():
    # two lone surrogates say nothing of the codec that showed them
    text = "第一行中文。\n\udce4\udcbd\n第三行。"
    r = fix(text, ONLY)
    assert r.text == text


def test_ftfy_known_failures_of_this_pass_chains(shared):
    """ftfy's own known failures (peer-data/ftfy/known-failures.json) that are
    chains of the table: UTF-8 shown as cp1251 with the no-break space folded
    into the space after it ('Г bien'), UTF-8 shown as MacRoman ('pi√π')."""
    import json

    path = shared / "peer-data" / "ftfy" / "known-failures.json"
    if not path.exists():
        pytest.skip("no ftfy data")
    cases = {c["original"]: c["fixed"] for c in json.loads(path.read_text(encoding="utf-8"))}
    ours = [o for o in cases if "Г bien" in o or "pi√π" in o]
    assert len(ours) == 2
    for original in ours:
        assert fix_text(original) == cases[original]
