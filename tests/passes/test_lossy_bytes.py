"""lossy-bytes: U+FFFD runs, 锟斤拷, 烫烫烫/屯屯屯, '?' for lost CJK characters."""

from __future__ import annotations

import corpora
import pytest
from textfix import Config, analyze, fix
from textfix.passes.lossy_bytes import PASS

ONLY = Config(enable=("lossy-bytes",))


def flags(text, config=ONLY):
    return [(f.detail, f.before) for f in analyze(text, config).findings if f.kind == "lossy-bytes"]


def test_replacement_characters():
    assert flags("损坏的字符��在这里") == [("replacement-char", "��")]


def test_kunjinkao_from_real_bytes():
    # UTF-8 U+FFFD U+FFFD read as GBK.
    damaged = "数据" + ("\ufffd\ufffd".encode("utf-8").decode("gbk")) * 2 + "丢失"
    assert flags(damaged) == [("kunjinkao", "锟斤拷锟斤拷")]


def test_uninitialised_memory():
    stack = bytes([0xCC] * 8).decode("gbk")
    heap = bytes([0xCD] * 6).decode("gbk")
    assert flags("缓冲区：" + stack) == [("uninitialised-memory", "烫烫烫烫")]
    assert flags("缓冲区：" + heap) == [("uninitialised-memory", "屯屯屯")]
    assert flags("这杯茶烫烫的。") == []  # reduplication, not fill bytes


def test_question_marks_for_lost_characters():
    assert flags("深水??區以及黃大仙區") == [("question-mark", "??")]
    assert flags("另一?法是古亞細亞人") == [("question-mark", "?")]
    # '?' used as a question mark is not flagged.
    assert flags("你们是哪国家?你在中国待了多长时间?") == []
    assert flags("What? Why?") == []


def test_flags_never_edit_and_bom_removed():
    r = fix("锘?标题\n正文", ONLY)
    assert r.text == "标题\n正文"
    r = fix("数据锟斤拷丢失", ONLY)
    assert r.text == "数据锟斤拷丢失" and r.findings and not r.findings[0].applied


def test_gbk_misalignment_not_double_reported():
    line = "安德烈的研究方向?yàn)橛?jì)算機視覺"
    r = analyze(line, Config(enable=("lossy-bytes",)))
    mine = [f for f in r.findings if f.detail != "gbk-misalign"]
    assert mine == []
    assert [d for d, _ in flags("方向\ufffd(yàn)為")] == ["gbk-misalign"]  # theirs, once


def test_gate_cheap_on_clean_latin():
    assert not PASS.gate("A clean English sentence, with commas.", None)


def test_clean_chinese_and_english_not_flagged(shared):
    """All clean Simplified and English documents: no flag. (Traditional
    DRCD holds 5 paragraphs with genuinely lost characters, "深水?區" for
    深水埗區: those are flagged, rightly.)"""
    docs = corpora.clean_group("zh-hans") + corpora.clean_group("en", 300)
    noisy = [n for n, t in docs if PASS.gate(t, None) and PASS.detect(t, None, ONLY)]
    assert noisy == []


@pytest.mark.parametrize(
    "text",
    ["数据锟斤拷丢失", "锟 alone", "烫烫烫", "烫烫", "屯屯屯屯", "锘?BOM", "x锘?", "\ufffd", "中?文", "plain 中文", "ascii only", ""],
)
def test_gate_substring_prefilter_is_exact(text):
    """The substring pre-test only skips texts the gate's patterns cannot match."""
    from textfix.passes import lossy_bytes

    want = lossy_bytes._GATE.search(text) is not None or ("?" in text and lossy_bytes._QMARK.search(text) is not None)
    assert lossy_bytes.PASS.gate(text, None) == want
