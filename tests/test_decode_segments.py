"""Decoding you can trust (issue 13): valid UTF-8 is never re-read, mixed
encodings are decided per segment, a charset guess below the threshold is
only flagged, WHATWG superset codecs. Each case on bytes and through the
CLI (the bytes written compared exactly)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import textfix
from textfix.charsets import decode_superset
from textfix.decode import decode_bytes, iter_decode

REPO = Path(__file__).resolve().parent.parent

UTF8_WITH_STRAYS = b"Good UTF-8 text \xc3\xa9 \xc3\xbc \xc3\xb1\nbad \xff\xfe here \x80\nmore \xc3\xa9\n"
SPANISH = "año señor\n".encode() + b"ma\xf1ana \xbfqu\xe9?\n"
SHORT = [b"ok \xff\xfe\xfa bytes", b"value \xe4\xf6 end", b"Price: 5\x80 only", b"Hi I\xb4m from Brazil"]
CP1252_PARAGRAPH = b"caf\xe9 au lait, na\xefve \x93quoted\x94\n"
UTF8_AROUND = "Le menu du jour est écrit à la craie, près de la porte.\n".encode() * 3
SUBTITLES = "這是一部電影的字幕，第一句台詞。\n他們在車站見面，然後一起去吃飯。\n".encode("big5") * 4
AD_LINE = "廣告：歡迎光臨我們的網站，www.example.com。\n".encode()
GBK_NAME = "玛丽埃尔·扎格尼——法国作家，出生于巴黎。她的小说被翻译成多种语言。\n"
CP932_TILDE = "営業時間は九時～十七時です。土曜日と日曜日は休みです。よろしくお願いします。\n"


def _encoding_findings(r):
    return [f for f in r.findings if f.kind == "encoding"]


# --------------------------------------------------------------- on bytes

def test_valid_utf8_is_kept_and_stray_bytes_only_flagged():
    r = textfix.fix_bytes(UTF8_WITH_STRAYS)
    assert r.to_bytes() == UTF8_WITH_STRAYS  # nothing re-read as cp1251
    assert "Good UTF-8 text é ü ñ" in r.text and "more é" in r.text
    flags = [f for f in _encoding_findings(r) if not f.applied]
    assert any("line 2" in f.message and "undecided: 3 non-ASCII bytes" in f.message for f in flags)


def test_spanish_utf8_with_a_latin1_line_keeps_its_utf8():
    r = textfix.fix_bytes(SPANISH)
    out = r.to_bytes()
    assert out.startswith("año señor\n".encode())  # never cp850 'a├▒o'
    assert out == SPANISH  # the three stray bytes are too few to decide on


@pytest.mark.parametrize("data", SHORT)
def test_short_inputs_are_undecided(data):
    d = decode_bytes(data)
    assert not d.applied and d.encoding == "utf-8"
    high = sum(b >= 0x80 for b in data)
    assert d.segments[0].reason == f"undecided: {high} non-ASCII byte{'s' if high > 1 else ''}"
    r = textfix.fix_bytes(data)
    assert r.to_bytes() == data
    (flag,) = [f for f in _encoding_findings(r) if f.detail == "undecided"]
    assert not flag.applied and "candidates:" in flag.message and "undecided" in flag.message


def test_cp1252_paragraph_in_utf8_is_decoded_per_segment():
    data = UTF8_AROUND + CP1252_PARAGRAPH + UTF8_AROUND
    r = textfix.fix_bytes(data)
    assert r.to_bytes() == UTF8_AROUND + "café au lait, naïve “quoted”\n".encode() + UTF8_AROUND
    mixed = [f for f in _encoding_findings(r) if f.detail == "mixed"]
    assert [f.message.split(":")[0] for f in mixed] == ["lines 1-3", "line 4", "lines 5-7"]
    assert "cp1252" in mixed[1].message and mixed[1].applied


def test_big5_file_with_a_utf8_line():
    data = SUBTITLES + AD_LINE + SUBTITLES
    d = decode_bytes(data)
    assert d.text == (SUBTITLES.decode("big5") + AD_LINE.decode() + SUBTITLES.decode("big5"))
    assert d.encoding == "big5hkscs" and d.mixed
    assert [(s.first_line, s.last_line, s.encoding) for s in d.segments] == [
        (1, 8, "big5hkscs"), (9, 9, "utf-8"), (10, 17, "big5hkscs")]
    r = textfix.fix_bytes(data)
    assert len([f for f in _encoding_findings(r) if f.detail == "mixed"]) == 3


def test_gbk_marks_decode_as_gbk():
    d = decode_bytes(GBK_NAME.encode("gbk"))
    assert d.encoding == "gb18030" and d.text == GBK_NAME  # '·' and '——', not '・' and '――'


def test_cp932_tilde():
    d = decode_bytes(CP932_TILDE.encode("cp932"))
    assert d.encoding == "cp932" and d.text == CP932_TILDE  # '～', not '〜'


def test_supersets_and_c1_controls():
    assert decode_superset(b"\x93quoted\x94", "iso8859-1") == ("cp1252", "“quoted”")
    # 0x81 is no cp1252 character: C1 controls are meant, Latin-1 it stays.
    assert decode_superset(b"a\x81b", "latin-1") == ("iso8859-1", "a\x81b")
    assert decode_superset("·".encode("gbk"), "gb2312") == ("gb18030", "·")
    assert decode_superset("～".encode("cp932"), "shift_jis") == ("cp932", "～")
    assert decode_superset("한국어".encode("euc_kr"), "euc-kr")[0] == "cp949"


def test_threshold_applies_to_decoding():
    data = ("Die Straße führt über die Brücke zum Marktplatz, wo samstags Äpfel, Birnen und Gemüse "
            "verkauft werden. Schöne Grüße aus München und bis bald!\n").encode("cp1252")
    sure = decode_bytes(data)
    assert sure.applied and sure.encoding == "cp1252", sure.reason
    strict = textfix.Config(threshold=min(0.999, sure.confidence + 0.001))
    r = textfix.fix_bytes(data, strict)
    assert r.to_bytes() == data
    (flag,) = [f for f in _encoding_findings(r) if f.detail == "undecided"]
    assert "below the threshold" in flag.message and not flag.applied


def test_iter_decode_takes_the_same_superset():
    text = GBK_NAME * 4000  # past the detection prefix
    info, chunks = iter_decode(__import__("io").BytesIO(text.encode("gbk")), 4097)
    assert info.encoding == "gb18030" and "".join(chunks) == text


# -------------------------------------------------------- property

_WORDS = ("café", "naïve", "Grüße", "año", "señor", "déjà", "Ελλάδα", "Москва", "中文", "日本語", "한국어",
          "plain", "text", "line", "and", "the", "—", "“quoted”", "…")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(st.sampled_from(_WORDS), min_size=6, max_size=30),
    strays=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0x80, 0xFF)), min_size=1, max_size=4),
)
def test_valid_utf8_survives_stray_bytes(words, strays):
    """Valid UTF-8 with k stray bytes inserted between characters: every
    valid character comes out byte for byte through ``fix``."""
    text = " ".join(words) + "\n"
    pieces = []  # the UTF-8 of the text, cut where the strays go
    cuts = sorted({pos % (len(text) + 1) for pos, _b in strays})
    prev = 0
    for c in cuts:
        pieces.append(text[prev:c].encode())
        prev = c
    pieces.append(text[prev:].encode())
    data = pieces[0] + b"".join(bytes([b]) + p for (_pos, b), p in zip(strays, pieces[1:]))
    out = textfix.fix_bytes(data, textfix.Config(enable=())).to_bytes()
    pos = 0
    for p in pieces:  # each run of valid characters, in order
        found = out.find(p, pos)
        assert found >= 0, (data, out)
        pos = found + len(p)


# -------------------------------------------------------- through the CLI

def _cli(*args, cwd):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "textfix", *args, "--color", "never", "--no-progress"],
                          cwd=cwd, capture_output=True, env=env, timeout=600)


def test_cli_writes_exactly_what_the_cases_say(tmp_path):
    cases = {
        "strays.txt": (UTF8_WITH_STRAYS, UTF8_WITH_STRAYS),
        "spanish.txt": (SPANISH, SPANISH),
        "paragraph.txt": (UTF8_AROUND + CP1252_PARAGRAPH + UTF8_AROUND,
                          UTF8_AROUND + "café au lait, naïve “quoted”\n".encode() + UTF8_AROUND),
        "subtitles.txt": (SUBTITLES + AD_LINE + SUBTITLES,
                          (SUBTITLES.decode("big5") + AD_LINE.decode() + SUBTITLES.decode("big5")).encode()),
        "gbk.txt": (GBK_NAME.encode("gbk"), GBK_NAME.encode()),
        "cp932.txt": (CP932_TILDE.encode("cp932"), CP932_TILDE.encode()),
    }
    cases.update({f"short{i}.txt": (b, b) for i, b in enumerate(SHORT)})
    for name, (data, _want) in cases.items():
        (tmp_path / name).write_bytes(data)
    check = _cli("check", ".", "--format", "json", cwd=tmp_path)
    assert check.returncode == 1
    report = {Path(f["path"]).name: f for f in json.loads(check.stdout)["files"]}
    for i in range(len(SHORT)):
        flags = [f for f in report[f"short{i}.txt"]["findings"] if f["kind"] == "encoding" and not f["applied"]]
        assert flags and "undecided" in flags[0]["message"]
    assert any(f["detail"] == "mixed" for f in report["subtitles.txt"]["findings"])
    _cli("fix", ".", cwd=tmp_path)
    for name, (_data, want) in cases.items():
        assert (tmp_path / name).read_bytes() == want, name
