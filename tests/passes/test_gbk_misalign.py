"""lossy-bytes (GBK misalignment): readings injected inside a GBK character."""

from __future__ import annotations

import regex

import corpora
import eval_pinyin as E
from textfix import Config, analyze, fix, fix_text
from textfix.passes import gbk_misalign
from textfix.passes.gbk_misalign import doc_model, reconstruct
from textfix.pipeline import run

MINE = Config(enable=("pinyin-annotation", "lossy-bytes"), strict=True)
ONLY = Config(enable=("lossy-bytes",), strict=True)

# injection evidence around the damaged lines (the farms annotate a fixed list everywhere)
CONTEXT = "研究人員說(shuō)，這個(gè)方法還沒(méi)有在其他國(guó)家使用。團(tuán)隊(duì)希望明年開(kāi)始推廣。\n"


def test_seed_001_misalignment_restored():
    seed = corpora.seed("001")
    res = fix(seed, MINE)
    assert "方向為計算機視覺" in res.text
    assert "?" not in res.text.replace("?", "")  # no fullwidth marks invented
    f = [f for f in res.findings if f.kind == "lossy-bytes"]
    assert len(f) == 1 and f[0].applied and f[0].before == "?yàn)橛?jì)" and f[0].after == "為計"
    assert f[0].rule == "gbk-misalign-restore" and f[0].confidence >= 0.9


def test_misalignment_flagged_when_only_analysed():
    seed = corpora.seed("001")
    res = analyze(seed, ONLY)
    f = [f for f in res.findings if f.kind == "lossy-bytes"]
    assert f and f[0].before == "?yàn)橛?jì)"


def test_research_fragment_lost_byte_from_reading():
    # 們=82 83, 許=D4 53: 83 D4 reads 冊 (cè), so "(cè)" went in after D4
    text = CONTEXT + "我們?cè)S多條路都走過。\n"
    assert fix_text(text, ONLY).endswith("我們許多條路都走過。\n")


def test_misaligned_run_with_aligned_reading_before_it():
    # 當 annotated, then 當|地 straddled as 數 (shù): the hole's previous byte
    # is 當's, not the ")" of "(dāng)"
    text = "來源於當(dāng)?shù)孛耖g傳說中的英雄。"
    r = reconstruct(text, doc_model(CONTEXT + text))
    assert r is not None and r.text == "來源於當(dāng)地民間傳說中的英雄。"


def test_unrestorable_is_flagged_not_turned_into_punctuation():
    # nothing before the lost byte: no byte to rebuild it from
    text = CONTEXT + "?yàn)橛?jì)算機視覺\n"
    res = fix(text, MINE)
    flags = [f for f in res.findings if f.kind == "lossy-bytes"]
    assert flags and all(f.after is None for f in flags)
    assert "?yàn)橛?jì)" in res.text


def test_implausible_rebuild_only_flagged():
    # a mangled fragment (one "?" lost in copying) rebuilds to a Simplified
    # character inside Traditional text: flag, never apply
    text = CONTEXT + "這將改變?nèi)蚋?jìng)爭的格局。\n"
    res = fix(text, ONLY)
    f = [f for f in res.findings if f.kind == "lossy-bytes"]
    assert f and not any(x.applied for x in f)
    assert res.text == text


def test_clean_text_with_question_marks_untouched():
    for text in ["你好?(hello)", "這是什麼?我不知道。", "What? (yes)", "價格?元"]:
        assert fix_text(text, ONLY) == text


def test_gate_cheap_and_specific():
    assert not gbk_misalign.PASS.gate("What? (yes) and (no).", None)
    assert not gbk_misalign.PASS.gate("這是什麼？（答案）", None)
    assert gbk_misalign.PASS.gate("方向?yàn)橛", None)


def test_idempotent():
    text = CONTEXT + "安德烈的研究方向?yàn)橛?jì)算機視覺(jué)，主攻圖像識別。\n"
    once = fix_text(text)
    assert fix_text(once) == once
    assert "研究方向為計算機視覺" in once


def test_byte_level_injection_sample(shared):
    # the farms' byte-level replace on a fixed sample: most documents come
    # back exactly, and every one that does not carries a lossy-bytes flag
    docs = corpora.clean_group("zh-hant", 25)
    pool = E.frequent_variant_chars([t for _, t in corpora.clean_group("zh-hant", 100)], "hant")
    damaged = exact = flagged = 0
    for seed in (0, 1):
        chars = E.char_list(pool, seed)
        for _name, clean in docs:
            bad = E.inject_bytes(clean, chars)
            if bad is None or bad == clean:
                continue
            damaged += 1
            res = run(bad, MINE)
            if res.text == clean:
                exact += 1
            elif any(f.kind == "lossy-bytes" and not f.applied for f in res.findings):
                flagged += 1
    assert damaged >= 30
    assert exact / damaged >= 0.8, (exact, damaged)  # measured 79/96 on this sample
    assert exact + flagged == damaged, (exact, flagged, damaged)


def test_no_annotation_left_after_byte_level_injection(shared):
    docs = corpora.clean_group("zh-hant", 10)
    pool = E.frequent_variant_chars([t for _, t in docs], "hant")
    toned = regex.compile(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")
    for _name, clean in docs:
        bad = E.inject_bytes(clean, E.char_list(pool, 0))
        if bad is None:
            continue
        out = fix_text(bad, MINE)
        assert not toned.search(out), toned.findall(out)[:3]


def test_clean_corpora_gate_closed(shared):
    opened = 0
    total = 0
    for group in ("zh-hans", "zh-hant", "en"):
        for _name, text in corpora.clean_group(group):
            total += 1
            opened += gbk_misalign.PASS.gate(text, None)
    assert total > 1000 and opened <= total // 200


def test_question_mark_before_a_gloss_is_not_a_lost_byte():
    # the farms' converter swallows the "(": "?(hǎo)" is a question and a gloss
    text = CONTEXT + "這樣真的好?(hǎo)\n"
    assert not gbk_misalign.PASS.gate("這樣真的好?(hǎo)", None)
    assert fix_text(text, ONLY) == text


def test_replacement_character_keeps_its_paren():
    # a standard decoder's U+FFFD leaves the "(" in place
    text = CONTEXT + "我們\ufffd(cè)S多條路都走過。\n"
    assert fix_text(text, ONLY).endswith("我們許多條路都走過。\n")
