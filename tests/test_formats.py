"""Every file keeps its structure (textfix.formats): JSON, CSV/TSV, Markdown,
subtitles, HTML are repaired inside their structure; code is left alone."""

import csv
import io
import json
import os
import subprocess
import sys

import pytest

import textfix
from textfix import Config, formats
from textfix.formats import kind_for

DAMAGED_ZH = "他说:你好,世界"
FIXED_ZH = "他说：你好，世界"
MOJIBAKE = "The cafÃ© served a rÃ©sumÃ© of the news."
FIXED_MOJIBAKE = "The café served a résumé of the news."


def repair(text, kind):
    result = formats.repair(text, kind, Config(strict=True))
    again = formats.repair(result.text, kind, Config(strict=True))
    assert again.text == result.text, "not idempotent"
    return result


def run(*args, cwd=None, stdin=None):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "textfix", *args], cwd=cwd, input=stdin, capture_output=True,
                          env=env, timeout=300)


# -- which reader ---------------------------------------------------------


def test_kind_by_extension_content_and_override():
    assert kind_for("a/b.json") == "json" and kind_for("x.CSV") == "csv" and kind_for("t.tsv") == "tsv"
    assert kind_for("README.md") == "markdown" and kind_for("film.srt") == "subtitles" and kind_for("p.htm") == "html"
    assert kind_for("tool.py") == "code" and kind_for("ci.yaml") == "config" and kind_for("Makefile") == "code"
    assert kind_for("notes.txt", "plain words") == "prose" and kind_for("LICENSE", "MIT") == "prose"
    # content: a .txt or extension-less file that is JSON, subtitles, HTML or a script
    assert kind_for("data.txt", '{"a": "b"}') == "json"
    assert kind_for("data.txt", "[1] 参考文献,见下") == "prose"  # starts like JSON, is not
    assert kind_for("<stdin>", "1\n00:00:01,000 --> 00:00:02,000\nHi\n") == "subtitles"
    assert kind_for("page", "<!DOCTYPE html><p>x</p>") == "html" and kind_for("run", "#!/bin/sh\necho") == "code"
    # config patterns (gitignore style, last match wins) and --read-as win over the extension
    overrides = (("data/*.txt", "tsv"), ("*.py", "prose"), ("vendor/", "skip"))
    assert kind_for("data/a.txt", "", overrides) == "tsv" and kind_for("other/a.txt", "", overrides) == "prose"
    assert kind_for("src/x.py", "", overrides) == "prose" and kind_for("vendor/lib/a.md", "", overrides) == "skip"
    assert kind_for("a.json", "", overrides, read_as="prose") == "prose"


def test_config_formats_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.textfix]\nformats = {"data/*.txt" = "tsv"}\n', encoding="utf-8")
    config = textfix.load_config(tmp_path / "pyproject.toml")
    assert config.formats == (("data/*.txt", "tsv"),)
    with pytest.raises(textfix.ConfigError):
        Config(formats=(("*.txt", "spreadsheet"),))


# -- JSON -----------------------------------------------------------------


def test_json_clean_values_stay_byte_identical():
    text = '{"title": "中文标题", "n": 1}\n'
    assert textfix.fix_text(text) != text  # read as prose, the separator comma becomes fullwidth
    result = repair(text, "json")
    assert result.text == text and not result.findings


def test_json_string_value_repaired_inside_the_string():
    text = '{\n  "id": 7,\n  "text": "%s",\n  "tags": ["新闻", "体育"],\n  "score": 1.50\n}\n' % DAMAGED_ZH
    result = repair(text, "json")
    assert result.text == text.replace(DAMAGED_ZH, FIXED_ZH)
    assert json.loads(result.text) == {**json.loads(text), "text": FIXED_ZH}
    assert "1.50" in result.text  # number formatting kept
    assert set(result.where) == {"/text"}
    for f in result.findings:  # offsets into the file's text
        assert text[f.start:f.end] == f.before and f.applied


def test_json_escapes_keep_their_style():
    # an ASCII file that writes non-ASCII as \\uXXXX stays ASCII; unchanged escapes keep their spelling
    value = "\u4ed6\u8bf4:\u4f60\u597d,\u4e16\u754c \u00e9"
    text = json.dumps({"k": value, "pinyin_\u00e9": "x"}) + "\n"
    assert text.isascii()
    result = repair(text, "json")
    assert result.text.isascii()
    assert json.loads(result.text)["k"] == "\u4ed6\u8bf4\uff1a\u4f60\u597d\uff0c\u4e16\u754c \u00e9"
    assert "\\u4ed6\\u8bf4\\uff1a" in result.text and "\\u00e9" in result.text
    # mojibake spelled with escapes is repaired, written in the same style
    text = '{"name": "caf\\u00c3\\u00a9 au lait", "n": 2}'
    result = repair(text, "json")
    assert result.text == '{"name": "caf\\u00e9 au lait", "n": 2}'
    assert result.where == ("/name",)


def test_json_keys_identifiers_and_bad_json_left_alone():
    text = '{"民主黨_(美國)": "民主黨_(美國)", "file": "20220924_00.txt", "entity": "&lt;"}'
    assert repair(text, "json").text == text
    broken = '{"text": "他说:你好,世界",}'
    result = repair(broken, "json")
    assert result.text == broken and "not valid JSON" in result.note


# -- CSV / TSV ------------------------------------------------------------


def test_csv_cells_repaired_separators_and_quoting_kept():
    text = '张三,北京\r\n李四,"他说:你好,世界"\r\n王五,"引号""里面"",还有:内容"\r\n'
    result = repair(text, "csv")
    rows = list(csv.reader(io.StringIO(result.text, newline="")))
    assert rows[0] == ["张三", "北京"] and rows[1] == ["李四", FIXED_ZH]
    assert rows[2] == ["王五", '引号"里面"，还有：内容']
    assert result.text.count("\r\n") == 3 and result.text.startswith("张三,北京\r\n")
    assert '"引号""里面""，还有：内容"' in result.text
    assert "row 2, column 2" in result.where and "row 3, column 2" in result.where
    assert repair("张三,北京\n", "csv").text == "张三,北京\n"


def test_tsv_keys_kept_prose_cells_repaired():
    text = "key\tsnippet\n民主黨_(美國)\t%s\n20220924_00.txt\tThe cafÃ© on the corner\n" % DAMAGED_ZH
    result = repair(text, "tsv")
    assert result.text == text.replace(DAMAGED_ZH, FIXED_ZH).replace("cafÃ©", "café")
    assert "民主黨_(美國)\t" in result.text
    assert set(result.where) == {"row 2, column 2", "row 3, column 2"}


# -- Markdown, subtitles, HTML ----------------------------------------------


def test_markdown_code_and_links_untouched():
    text = (
        "---\ntitle: 标题:一,二\n---\n\n# 使用说明:第一章\n\n他说:你好,世界 `x = 1,2` 见[文档,说明](http://a.com/b,c:d)。\n\n"
        "```python\nBROKEN = \"cafÃ©\"  # 中文,注释\n```\n\n    indented = \"rÃ©sumÃ©\"\n\n<div>中文,块</div>\n"
    )
    result = repair(text, "markdown")
    assert "# 使用说明：第一章" in result.text and FIXED_ZH in result.text and "[文档，说明]" in result.text
    for kept in ("title: 标题:一,二", "`x = 1,2`", "(http://a.com/b,c:d)", 'BROKEN = "cafÃ©"  # 中文,注释',
                 'indented = "rÃ©sumÃ©"', "<div>中文,块</div>"):
        assert kept in result.text, kept
    assert "line 5" in result.where and "line 7" in result.where


def test_markdown_never_removes_a_piece_as_furniture():
    text = "All text is UTF-8, `\\n`.\nLayout: **one document per** `.txt` file.\n"
    assert repair(text, "markdown").text == text


def test_subtitles_timing_lines_untouched():
    srt = ("1\n00:00:01,000 --> 00:00:04,000\n%s\n\n2\n00:00:05,000 --> 00:00:07,500\n<i>%s</i>\n" % (DAMAGED_ZH, MOJIBAKE))
    result = repair(srt, "subtitles")
    assert result.text == srt.replace(DAMAGED_ZH, FIXED_ZH).replace(MOJIBAKE, FIXED_MOJIBAKE)
    assert "00:00:01,000 --> 00:00:04,000\n" in result.text and "<i>" in result.text
    assert set(result.where) == {"cue 1", "cue 2"}
    vtt = "WEBVTT - 中文,字幕\n\nNOTE 中文,注释\n\nintro\n00:01.000 --> 00:04.000 align:start\n%s\n" % DAMAGED_ZH
    result = repair(vtt, "subtitles")
    assert result.text == vtt.replace(DAMAGED_ZH, FIXED_ZH) and result.where == ("cue intro",) * len(result.findings)


def test_html_text_nodes_and_prose_attributes_only():
    text = (
        '<!DOCTYPE html>\n<html><head><title>%s</title><script>var s = "中文,脚本";</script>'
        '<style>p:hover{color:red}</style></head>\n<body><p class="a,b" title="中文,标题">Tom &amp; 他说:你好 &eacute;</p>'
        '<img alt="The cafÃ©" src="caf%%C3%%A9.png"><pre>中文,代码</pre></body></html>\n' % DAMAGED_ZH
    )
    result = repair(text, "html")
    assert "<title>%s</title>" % FIXED_ZH in result.text and 'title="中文，标题"' in result.text
    assert "Tom &amp; 他说：你好 &eacute;" in result.text and 'alt="The café"' in result.text
    for kept in ('var s = "中文,脚本";', "p:hover{color:red}", 'class="a,b"', "<pre>中文,代码</pre>", 'src="caf%C3%A9.png"'):
        assert kept in result.text, kept
    assert "line 3, <p title>" in result.where


def test_fix_bytes_with_a_kind():
    data = '{"t": "他说:你好,世界"}'.encode("gbk")
    result = textfix.fix_bytes(data, kind="json")
    assert result.text == '{"t": "他说：你好，世界"}' and result.encoding.startswith("gb")
    assert result.where[0] is None and result.where[-1] == "/t"  # the encoding finding speaks of the whole file


# -- through the CLI --------------------------------------------------------


def test_cli_keeps_every_structure(tmp_path):
    files = {
        "meta.json": '{"title": "中文标题", "n": 1}\n',
        "records.json": '[{"id": 1, "text": "%s"}, {"id": 2, "text": "清洁文本。"}]\n' % DAMAGED_ZH,
        "people.csv": "张三,北京\n李四,上海\n",
        "keys.tsv": "民主黨_(美國)\t1\n",
        "tests/test_x.py": 'BROKEN = "cafÃ©"\n',
        "film.srt": "1\n00:00:01,000 --> 00:00:04,000\n%s\n" % DAMAGED_ZH,
        "data/rows.txt": "民主黨_(美國)\t%s\n" % DAMAGED_ZH,  # a TSV by the config below
        "notes.txt": MOJIBAKE + "\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    (tmp_path / "textfix.toml").write_text('formats = {"data/*.txt" = "tsv"}\n', encoding="utf-8")
    p = run("fix", "--format", "json", ".", cwd=tmp_path)
    assert p.returncode == 1, p.stderr.decode()
    report = {f["path"].removeprefix("./"): f for f in json.loads(p.stdout)["files"]}
    after = {rel: (tmp_path / rel).read_bytes().decode("utf-8") for rel in files}
    for rel in ("meta.json", "people.csv", "keys.tsv", "tests/test_x.py"):
        assert after[rel] == files[rel], rel
    assert json.loads(after["records.json"]) == [{"id": 1, "text": FIXED_ZH}, {"id": 2, "text": "清洁文本。"}]
    assert after["film.srt"] == files["film.srt"].replace(DAMAGED_ZH, FIXED_ZH)
    assert after["data/rows.txt"] == "民主黨_(美國)\t%s\n" % FIXED_ZH
    assert after["notes.txt"] == FIXED_MOJIBAKE + "\n"
    assert report["tests/test_x.py"]["status"] == "skipped" and "source code" in report["tests/test_x.py"]["note"]
    assert report["records.json"]["format"] == "json"
    assert {f["where"] for f in report["records.json"]["findings"]} == {"/0/text"}
    assert {f["where"] for f in report["data/rows.txt"]["findings"]} == {"row 1, column 2"}
    assert report["textfix.toml"]["status"] == "skipped" and json.loads(p.stdout)["summary"]["skipped"] == 2
    # second run: nothing left to do
    assert run("fix", ".", cwd=tmp_path).returncode == 0
    # --read-as on stdin, and for a code file
    p = run("fix", "--read-as", "json", "-", stdin='{"a": "他说:你好,世界", "b": [1,2]}'.encode())
    assert p.stdout.decode() == '{"a": "他说：你好，世界", "b": [1,2]}'
    p = run("fix", "--read-as", "prose", "--diff", str(tmp_path / "tests/test_x.py"))
    assert "cafÃ©" in p.stdout.decode() and p.returncode == 1


# -- properties: any JSON / CSV keeps its structure --------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TEXT = st.text(alphabet=st.sampled_from(list("他说你好世界中文 ,:;?!()\"\\/\n\tabcÃ©é😀_1.") + ["\u3000", "，"]), max_size=14)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)


def _shape(v):
    if isinstance(v, dict):
        return {k: _shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_shape(x) for x in v]
    return str if isinstance(v, str) else v


@settings(max_examples=60, deadline=None)
@given(_JSON, st.booleans(), st.sampled_from([None, 2]))
def test_any_json_keeps_its_structure(value, ascii_style, indent):
    text = json.dumps(value, ensure_ascii=ascii_style, indent=indent)
    result = repair(text, "json")
    assert _shape(json.loads(result.text)) == _shape(value)
    if ascii_style:
        assert result.text.isascii()
    if not result.findings:
        assert result.text == text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(_TEXT, min_size=2, max_size=2), min_size=1, max_size=5),
       st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]), st.sampled_from(["\n", "\r\n"]))
def test_any_csv_keeps_its_shape(rows, quoting, newline):
    buf = io.StringIO(newline="")
    csv.writer(buf, quoting=quoting, lineterminator=newline).writerows(rows)
    text = buf.getvalue()
    result = repair(text, "csv")
    again = list(csv.reader(io.StringIO(result.text, newline="")))
    assert [len(r) for r in again] == [len(r) for r in csv.reader(io.StringIO(text, newline=""))]
    if not result.findings:
        assert result.text == text


def test_a_repair_the_parser_objects_to_is_not_written():
    from textfix.formats.segments import Segment, repair_segments

    text = "id=1; note=%s; end" % DAMAGED_ZH
    start = text.index(DAMAGED_ZH)
    seg = Segment(start, start + len(DAMAGED_ZH), DAMAGED_ZH, "note")
    ok = repair_segments(text, [seg], Config())
    assert ok.text == text.replace(DAMAGED_ZH, FIXED_ZH) and all(f.applied for f in ok.findings)
    refused = repair_segments(text, [seg], Config(), check=lambda new: "the parser reads it otherwise")
    assert refused.text == text and refused.findings and not any(f.applied for f in refused.findings)
    assert "the parser reads it otherwise" in refused.note


_PROSE = st.sampled_from([DAMAGED_ZH, MOJIBAKE, "清洁的中文句子。", "Plain words, nothing else.", "见(附录)说明:完"])
_CODE = st.sampled_from(['x = "cafÃ©", 1', "中文,代码:保持", "a(b):c;d?", "BROKEN = 'rÃ©sumÃ©'"])


@st.composite
def _markdown(draw):
    blocks = []
    for _ in range(draw(st.integers(1, 5))):
        choice = draw(st.integers(0, 4))
        if choice == 0:
            blocks.append("```\n%s\n```" % draw(_CODE))
        elif choice == 1:
            blocks.append("    %s" % draw(_CODE))
        elif choice == 2:
            blocks.append("%s `%s` [%s](http://x.org/a,b:c)" % (draw(_PROSE), draw(_CODE), draw(_PROSE)))
        elif choice == 3:
            blocks.append("## %s" % draw(_PROSE))
        else:
            blocks.append("<div>%s</div>" % draw(_CODE))
    return "\n\n".join(blocks) + "\n"


@settings(max_examples=40, deadline=None)
@given(_markdown())
def test_any_markdown_keeps_code_html_and_link_targets(text):
    from markdown_it import MarkdownIt

    def kept(t):
        out = []
        for tok in MarkdownIt("commonmark").parse(t):
            if tok.type in ("fence", "code_block", "html_block"):
                out.append(tok.content)
            out.extend(c.content if c.type == "code_inline" else c.attrGet("href")
                       for c in tok.children or () if c.type in ("code_inline", "link_open"))
        return out

    result = repair(text, "markdown")
    assert kept(result.text) == kept(text)
    assert MOJIBAKE not in result.text.replace("`", "")  # prose was repaired


def test_rst_directives_literals_and_inline_markup_kept():
    text = ("标题:一\n=====\n\n%s ``code,x`` 见 `链接,说明 <http://a.org/b,c>`_ 如下::\n\n    literal = \"cafÃ©\", 中文:块\n\n"
            ".. code-block:: python\n\n   x = \"中文,代码\"\n\n.. 注释,中文\n\n后文:中文,结束。\n" % DAMAGED_ZH)
    result = repair(text, "rst")
    assert FIXED_ZH in result.text and "后文：中文，结束。" in result.text and "标题：一\n=====" in result.text
    for kept in ("``code,x``", "`链接,说明 <http://a.org/b,c>`_", "如下::", 'literal = "cafÃ©", 中文:块',
                 'x = "中文,代码"', ".. 注释,中文"):
        assert kept in result.text, kept


def test_a_csv_the_scanner_cannot_follow_is_left_alone():
    text = 'a,b\n"他说:你好"x,世界:和平\n'  # text after a closing quote: the csv module joins it, the scanner does not
    result = repair(text, "csv")
    assert result.text == text and "left alone" in result.note
