"""``--format html``: the page is parsed back (html.parser) and every number
and mark on it is checked against the JSON report of the same run; the page
is rendered in headless Chromium (Debian's ``chromium``) to a screenshot,
and its table is sorted there by a click."""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from textfix import fix_bytes
from textfix.config import Config
from textfix.job import Job
from textfix.scheduler import process_file
from textfix.html_report import after_spans, esc, marked, render_html
from textfix.report import Report

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def _report(paths: list[Path], mode: str = "check") -> Report:
    """A run's report with each file's text before and after repair."""
    job = Job(mode="explain", config=Config())
    report = Report(mode)
    for p in paths:
        r = process_file(str(p), job)
        r.repaired_text = fix_bytes(p.read_bytes()).text
        report.add(r)
    return report


def _page(report: Report) -> str:
    out = io.StringIO()
    render_html(report, out)
    return out.getvalue()


class Page(HTMLParser):
    """What a reader of the page sees: totals, bars, table rows, and per
    file the text of each pane with the offsets and classes of its marks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.totals: dict[str, int] = {}
        self.bars: dict[str, dict[str, tuple[int, int]]] = {}
        self.rows: list[dict] = []
        self.files: list[dict] = []
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.scripts: list[dict] = []
        self._dd = None
        self._section = None
        self._row: dict | None = None
        self._cell: dict | None = None
        self._pane: dict | None = None
        self._mark: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("src", "href", "action", "data") or (k == "style" and v and "url(" in v):
                self.urls.append(v or "")
        if tag == "script":
            self.scripts.append(a)
        if tag == "section":
            self._section = a.get("id")
        if tag == "dd":
            self._dd = a["data-key"]
        if tag == "div" and "bar" == a.get("class"):
            self.bars.setdefault(self._section, {})[a["data-label"]] = (int(a["data-fixed"]), int(a["data-flagged"]))
        if tag == "tr" and "data-path" in a:
            self._row = {"path": a["data-path"]}
        if tag == "td" and self._row is not None and a.get("class") in ("n-fixed", "n-flagged"):
            self._cell = {"key": a["class"][2:], "text": ""}
        if tag == "details":
            self.files.append({"path": a["data-path"], "fixed": int(a["data-fixed"]), "flagged": int(a["data-flagged"]),
                               "open": "open" in a, "panes": {}})
        if tag == "pre":
            self._pane = {"text": [], "marks": []}
            side = "before" if "before" in a["class"] else "after"
            self.files[-1]["panes"][side] = self._pane
        if tag == "mark" and self._pane is not None:
            pos = sum(len(t) for t in self._pane["text"])
            self._mark = {"class": a["class"], "title": a.get("title", ""), "start": pos, "text": ""}

    def handle_endtag(self, tag):
        if tag == "dd":
            self._dd = None
        if tag == "td" and self._cell is not None:
            self._row[self._cell["key"]] = int(self._cell["text"])
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        if tag == "mark" and self._mark is not None:
            m = self._mark
            if "ins" in m["class"].split():
                self._pane["text"].pop()  # the insertion caret is not part of the text
                m["end"], m["text"] = m["start"], ""
            else:
                m["end"] = m["start"] + len(m["text"])
            self._pane["marks"].append(m)
            self._mark = None
        if tag == "pre":
            self._pane["text"] = "".join(self._pane["text"])
            self._pane = None

    def handle_data(self, data):
        if self._dd:
            self.totals[self._dd] = int(data)
        if self._cell is not None:
            self._cell["text"] += data
        if self._pane is not None:
            self._pane["text"].append(data)
            if self._mark is not None:
                self._mark["text"] += data


def _parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    return p


@pytest.fixture(scope="module")
def seeds_run():
    report = _report(sorted(SEEDS.glob("*.txt")))
    return report, json.loads(report.to_json()), _parse(_page(report))


def test_numbers_match_the_json_report(seeds_run):
    report, data, page = seeds_run
    s = data["summary"]
    for key in ("files", "changed", "flagged_files", "unchanged", "binary", "errors"):
        assert page.totals[key] == s[key], key
    findings = [x for f in data["files"] for x in f["findings"]]
    assert page.totals["edits"] == sum(x["applied"] for x in findings) > 0
    assert page.totals["flags"] == sum(not x["applied"] for x in findings) > 0
    by_kind = page.bars["by-kind"]
    assert {k: a + b for k, (a, b) in by_kind.items()} == s["findings_by_kind"]
    for kind, (fixed, flagged) in by_kind.items():
        assert fixed == sum(x["applied"] for x in findings if x["kind"] == kind)
    by_file = page.bars["by-file"]
    assert by_file == {f["path"]: (f["fixed"], f["flagged"]) for f in data["files"] if f["findings"]}
    assert [(r["path"], r["fixed"], r["flagged"]) for r in page.rows] == [(f["path"], f["fixed"], f["flagged"]) for f in data["files"]]
    assert [(f["path"], f["fixed"], f["flagged"]) for f in page.files] == [(f["path"], f["fixed"], f["flagged"]) for f in data["files"]]


def test_every_finding_is_marked_where_it_is_with_its_details(seeds_run):
    report, data, page = seeds_run
    for fr, d, shown in zip(report.files, data["files"], page.files):
        before = shown["panes"]["before"]
        assert before["text"] == fr.original_text  # escaping lost nothing
        assert shown["panes"]["after"]["text"] == fr.repaired_text
        marks = before["marks"]
        for x in d["findings"]:
            if x["start"] == x["end"]:
                continue
            want = {"edit", "both"} if x["applied"] else {"flag", "both"}
            covering = [m for m in marks if m["start"] < x["end"] and m["end"] > x["start"]]
            assert covering and sum(m["end"] - m["start"] for m in covering) == x["end"] - x["start"], x
            for m in covering:
                assert m["class"] in want
                assert x["kind"] in m["title"] and x["message"] in m["title"]
                assert f"confidence {x['confidence']:.2f}" in m["title"] and (x["rule"] or "-") in m["title"]
        assert len({m["class"] for m in marks}) >= 1
    flagged = [m for f in page.files for m in f["panes"]["before"]["marks"] if m["class"] == "flag"]
    assert flagged and all("flag (not applied)" in m["title"] for m in flagged)


def test_after_pane_marks_the_replacement_text(seeds_run):
    report, data, page = seeds_run
    exact = 0
    for fr, d, shown in zip(report.files, data["files"], page.files):
        if after_spans(fr.original_text, fr.repaired_text, d["findings"]) is None:
            continue
        exact += 1
        after = shown["panes"]["after"]
        edits = sorted((x for x in d["findings"] if x["applied"] and not (x["start"] == x["end"] and not x["after"])),
                       key=lambda x: (x["start"], x["end"]))
        assert [m["text"] for m in after["marks"]] == [x["after"] or "" for x in edits]
        for m in after["marks"]:
            assert after["text"][m["start"] : m["end"]] == m["text"]
    assert exact >= 2  # the seeds' repairs compose exactly


def test_user_text_is_escaped_and_nothing_is_fetched(tmp_path):
    nasty = tmp_path / 'a"<b>&c.txt'
    text = 'Caf\u00c3\u00a9 <script>alert("x")</script> &amp; <img src="http://evil.example/x.png"> \x07\n'
    nasty.write_text(text, encoding="utf-8")
    report = _report([nasty])
    page = _page(report)
    parsed = _parse(page)
    assert parsed.urls and all(u.startswith("#file-") for u in parsed.urls)  # links within the page only
    assert "img" not in parsed.tags and "link" not in parsed.tags and "iframe" not in parsed.tags
    assert len(parsed.scripts) == 1 and "src" not in parsed.scripts[0]
    assert "http://" not in page.replace("http://evil.example", "") and "https://" not in page
    (shown,) = parsed.files
    assert shown["path"] == str(nasty)
    assert shown["panes"]["before"]["text"] == text.replace("\x07", "\u2407")  # a control character, shown
    assert shown["panes"]["after"]["text"].startswith("Café <script>")


def test_corpus_and_binary_files_through_the_cli(tmp_path, capsys):
    """A JSONL file lists its findings with record numbers; a binary file
    says why it was skipped, once; the numbers are the JSON report's."""
    from textfix import cli

    (tmp_path / "shard.jsonl").write_text(
        json.dumps({"id": 1, "text": "caf\u00c3\u00a9 cr\u00c3\u00a8me"}) + "\n" + json.dumps({"id": 2, "text": "ok"}) + "\n",
        encoding="utf-8")
    (tmp_path / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    rc = cli.main(["check", "--format", "json", "--no-progress", str(tmp_path)])
    data = json.loads(capsys.readouterr().out)
    assert cli.main(["check", "--format", "html", "--no-progress", str(tmp_path)]) == rc == 1
    page_text = capsys.readouterr().out
    page = _parse(page_text)
    assert [(r["path"], r["fixed"], r["flagged"]) for r in page.rows] == [(f["path"], f["fixed"], f["flagged"]) for f in data["files"]]
    shard = next(f for f in data["files"] if f["path"].endswith("shard.jsonl"))
    assert shard["fixed"] >= 1
    assert page_text.count("<td>1</td><td>mojibake</td>") == sum(1 for x in shard["findings"] if x["kind"] == "mojibake")
    png = next(f for f in data["files"] if f["status"] == "binary")
    section = page_text[page_text.index(f'data-path="{png["path"]}"'):]
    section = section[: section.index("</details>")]
    assert section.count(png["findings"][0]["message"].replace("'", "&#x27;")) == 2  # the line and its mark's title


def test_marked_handles_overlaps_and_insertions():
    spans = [(0, 4, "edit", "e1"), (2, 6, "flag", "f1"), (8, 8, "edit", "ins")]
    got = marked("abcdefghij", spans)
    parsed = _parse(f'<details data-path="x" data-fixed="0" data-flagged="0"><pre class="text before">{got}</pre></details>')
    marks = parsed.files[0]["panes"]["before"]["marks"]
    assert [(m["start"], m["end"], m["class"]) for m in marks] == [(0, 2, "edit"), (2, 4, "both"), (4, 6, "flag"), (8, 8, "edit ins")]
    assert parsed.files[0]["panes"]["before"]["text"] == "abcdefghij"
    assert "e1" in marks[1]["title"] and "f1" in marks[1]["title"]
    assert esc("\ud800<") == "\ufffd&lt;"


# -- Chromium --------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium(*args: str) -> subprocess.CompletedProcess:
    profile = tempfile.mkdtemp(prefix="textfix-chromium-")
    try:
        return subprocess.run([CHROMIUM, *_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs Debian's chromium package)")
def test_page_renders_in_headless_chromium(seeds_run, tmp_path):
    report, _data, _page_parsed = seeds_run
    page = tmp_path / "report.html"
    page.write_text(_page(report), encoding="utf-8")
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    shots = {}
    for name, src in (("report", page), ("blank", blank)):
        shot = tmp_path / f"{name}.png"
        proc = _chromium(f"--screenshot={shot}", "--window-size=1200,900", src.as_uri())
        assert shot.exists(), proc.stderr.decode(errors="replace")[-2000:]
        assert _png_size(shot) == (1200, 900)
        shots[name] = shot.stat().st_size
    # A white page compresses to almost nothing; bars, tables and text do not.
    assert shots["report"] > 20_000 and shots["report"] > 5 * shots["blank"]
    if os.environ.get("TEXTFIX_KEEP_SCREENSHOT"):
        shutil.copy2(tmp_path / "report.png", os.environ["TEXTFIX_KEEP_SCREENSHOT"])


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs Debian's chromium package)")
def test_file_table_sorts_on_click_in_chromium(seeds_run, tmp_path):
    report, data, _ = seeds_run
    click = ("<script>var th=document.querySelectorAll('#file-table th')[3];th.click();th.click();"
             "document.body.setAttribute('data-sorted', th.getAttribute('aria-sort'));</script></body>")
    page = tmp_path / "sorted.html"
    page.write_text(_page(report).replace("</body>", click), encoding="utf-8")
    proc = _chromium("--dump-dom", page.as_uri())
    dom = _parse(proc.stdout.decode())
    assert 'data-sorted="descending"' in proc.stdout.decode()
    fixed = [r["fixed"] for r in dom.rows]
    assert fixed == sorted((f["fixed"] for f in data["files"]), reverse=True)
    assert fixed != [f["fixed"] for f in data["files"]]  # the order did change
