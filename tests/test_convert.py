"""Script conversion: textfix.convert and ``Config.to`` / ``--to``."""

from __future__ import annotations

import json
import re

import pytest

import textfix
from textfix.convert import TARGETS, config_for, convert, convert_to


def _opencc_cases(shared):
    raw = (shared / "peer-data" / "opencc" / "testcases.json").read_text(encoding="utf-8")
    raw = re.sub(r",(\s*[}\]])", r"\1", raw)  # upstream has trailing commas
    return json.loads(raw)["cases"]


def test_opencc_testcases_pass_through_convert(shared):
    cases = _opencc_cases(shared)
    pairs = failures = 0
    configs = set()
    for case in cases:
        for config, expected in case["expected"].items():
            pairs += 1
            configs.add(config)
            if convert(case["input"], config) != expected:
                failures += 1
    assert pairs >= 500 and len(configs) >= 16
    assert failures == 0


def test_opencc_golden_files(shared):
    folder = shared / "peer-data" / "opencc" / "golden"
    text = (folder / "input" / "us_constitution_zhs.txt").read_text(encoding="utf-8")
    for config in ("s2t", "s2tw", "s2twp", "s2hk", "s2hkp"):
        expected = (folder / "output" / f"us_constitution_zhs.{config}.txt").read_text(encoding="utf-8")
        assert convert(text, config) == expected, config


SIMPLIFIED = "我们在这里看着头发，后来干脆去台湾。"


@pytest.mark.parametrize(
    "target, expected",
    [
        ("hant", "我們在這裏看着頭髮，後來乾脆去臺灣。"),
        ("hant-tw", "我們在這裡看著頭髮，後來乾脆去臺灣。"),
        ("hant-hk", "我們在這裏看着頭髮，後來乾脆去台灣。"),
        ("hans", SIMPLIFIED),
    ],
)
def test_targets_on_simplified_input(target, expected):
    assert convert_to(SIMPLIFIED, target) == expected
    assert convert(SIMPLIFIED, target) == expected


TAIWAN = "我們在這裡看著他們，他說臺灣的台北市人口占全國的一成，為了這個原因。"


def test_traditional_input_keeps_its_native_forms():
    # s2tw would rewrite 占→佔 and 台→臺; a Taiwan text converted to
    # hant-tw is already there.
    assert config_for(TAIWAN, "hant-tw") == "t2tw"
    assert convert_to(TAIWAN, "hant-tw") == TAIWAN
    hk = convert_to(TAIWAN, "hant-hk")
    assert "説" in hk and "佔" not in hk
    # to Simplified: Taiwan's 著 particle becomes 着 (plain t2s keeps 著)
    assert config_for(TAIWAN, "hans") == "tw2s"
    assert convert_to(TAIWAN, "hans") == "我们在这里看着他们，他说台湾的台北市人口占全国的一成，为了这个原因。"
    assert convert_to(TAIWAN, "hant") == convert(TAIWAN, "tw2t")


def test_latin_and_empty_text_untouched():
    for target in TARGETS:
        assert convert_to("", target) == ""
        assert convert_to("Plain English, nothing to convert.", target) == "Plain English, nothing to convert."


def test_unknown_target_raises():
    with pytest.raises(ValueError):
        config_for("中文", "zh-cn")


def test_fix_text_converts_after_repair():
    # A Taiwan-standard text with simplified residue: the residue pass
    # restores 後/於/並 first, then the whole text goes to hant-tw.
    damaged = (
        "他在一年多后離開了公司，并沒有說明原因。這個決定處于爭議之中，"
        "很多人對這個消息感到驚訝，也有人認為這是早晚的事。"
        "他們說這里的環境已經變了，後來大家都習慣了這種變化。"
        "這裡的人都知道。"
    )
    out = textfix.fix_text(damaged, to="hant-tw")
    assert "后" not in out and "并" not in out and "于" not in out
    assert "一年多後" in out and "並沒有" in out and "處於" in out
    assert "這里" not in out and out.count("這裡") == 2  # the text's own (Taiwan) form
    # and to Simplified, the repaired text converts as a whole
    assert textfix.fix_text(damaged, to="hans").startswith("他在一年多后离开了公司，并没有说明原因。")


@pytest.mark.parametrize("target", TARGETS)
def test_conversion_is_idempotent_through_fix_text(target):
    once = textfix.fix_text(SIMPLIFIED * 3, to=target)
    assert textfix.fix_text(once, to=target) == once


def test_regional_quotes_with_taiwan_and_hong_kong_targets():
    from textfix import Config, fix_text

    text = "他说“这个问题很重要”，又说‘好’。He said “hello”, don’t."
    tw = fix_text(text, Config(to="hant-tw", regional_quotes=True))
    assert tw == "他說「這個問題很重要」，又說『好』。He said “hello”, don’t."
    assert "「這個問題很重要」" in fix_text(text, Config(to="hant-hk", regional_quotes=True))
    # an option: off by default, and only for the regional targets
    assert "“這個問題很重要”" in fix_text(text, Config(to="hant-tw"))
    assert "“這個問題很重要”" in fix_text(text, Config(to="hant", regional_quotes=True))


def test_regional_quotes_flag(tmp_path):
    import subprocess
    import sys

    p = subprocess.run(
        [sys.executable, "-m", "textfix", "fix", "--to", "hant-tw", "--regional-quotes", "-"],
        input="他说“你好”。\n".encode(), capture_output=True,
    )
    assert p.stdout.decode() == "他說「你好」。\n"
