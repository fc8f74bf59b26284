"""``--format html``: one self-contained page to look at a run.

The page is made from the same per-file data as the JSON report
(:meth:`FileReport.to_dict`, :meth:`Report.summary`) plus each file's text
before and after repair. It holds, in this order:

* the run's totals and the counts by finding kind (a CSS bar chart, fixes
  and flags stacked), and the files with the most findings (the same);
* a table of files, sortable by any column (a few lines of inline script);
* each file's text side by side, before and after, every finding marked
  where it is: applied edits in one style, flags in another, and hovering
  a mark shows its kind, rule, confidence and message (``title``).

Nothing is fetched: the CSS and the script are inline, there is no font,
image or link to another host. Every piece of user text (paths, texts,
messages) is HTML-escaped; control characters are shown as their Unicode
pictures and lone surrogates (bytes that were not valid UTF-8) as U+FFFD,
one character for one, so offsets stay put.

Rendering is linear in the texts plus ``n log n`` in the findings (one
sweep over the sorted span boundaries per text). A text longer than
:data:`MAX_TEXT_CHARS` is shown up to there, with a note; corpus files
(JSONL, Parquet, streamed text) have no single text, and show their listed
findings as a table with record numbers.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any, Iterable, Mapping, Sequence, TextIO

from .report import file_verb as verb

MAX_TEXT_CHARS = 400_000  # per file and side; beyond that the page is not for reading
MAX_OPEN_FILES = 3  # files shown unfolded at first (the first ones with findings)
MAX_FILE_BARS = 25

_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _visible(match: re.Match[str]) -> str:
    c = match.group()
    if c == "\x7f":
        return "\u2421"
    if c < " ":
        return chr(0x2400 + ord(c))
    return "\ufffd"


def esc(text: str) -> str:
    """HTML-escape ``text`` (quotes too: safe inside attributes)."""
    return html.escape(_UNSAFE.sub(_visible, text), quote=True)


def _title(f: Mapping[str, Any]) -> str:
    kind = f["kind"] + (f"/{f['detail']}" if f.get("detail") else "")
    state = "applied" if f["applied"] else "flag (not applied)"
    change = repr(f["before"]) + (f" → {f['after']!r}" if f.get("after") is not None else "")
    place = f" · at {f['where']}" if f.get("where") else ""  # a structured file's field (textfix.formats)
    return f"{kind}{place} · rule {f.get('rule') or '-'} · confidence {f['confidence']:.2f} · {state}\n{f['message']}\n{change}"


def _is_file_level(f: Mapping[str, Any]) -> bool:
    """A finding about the whole file (charset, invalid bytes, binary), not a span."""
    return f["start"] == f["end"] and not f.get("after")


def marked(text: str, spans: Sequence[tuple[int, int, str, str]]) -> str:
    """``text`` escaped, with ``spans`` (start, end, css class, title)
    wrapped in ``<mark>``. Spans may overlap: each stretch between two
    boundaries is one mark carrying every span over it (class ``both`` when
    an edit and a flag meet). A zero-width span is a small insertion mark."""
    events: list[tuple[int, int, int]] = []  # (position, 0 open / 1 close, span index)
    points: dict[int, list[int]] = {}
    for i, (start, end, _cls, _title) in enumerate(spans):
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        if end <= start:
            points.setdefault(start, []).append(i)
            continue
        events.append((start, 0, i))
        events.append((end, 1, i))
    cuts = sorted({0, len(text), *(e[0] for e in events), *points})
    by_pos: dict[int, list[tuple[int, int]]] = {}
    for pos, what, i in events:
        by_pos.setdefault(pos, []).append((what, i))
    out: list[str] = []
    active: dict[int, None] = {}  # ordered set of open spans
    for n, pos in enumerate(cuts):
        for what, i in by_pos.get(pos, ()):
            if what == 1:
                active.pop(i, None)
        for what, i in by_pos.get(pos, ()):
            if what == 0:
                active[i] = None
        for i in points.get(pos, ()):
            _s, _e, cls, title = spans[i]
            out.append(f'<mark class="{cls} ins" title="{esc(title)}">‸</mark>')
        if n + 1 == len(cuts):
            break
        piece = esc(text[pos : cuts[n + 1]])
        if not active:
            out.append(piece)
            continue
        classes = {spans[i][2] for i in active}
        cls = "both" if len(classes) > 1 else classes.pop()
        title = "\n\n".join(spans[i][3] for i in active)
        out.append(f'<mark class="{cls}" title="{esc(title)}">{piece}</mark>')
    return "".join(out)


def after_spans(original: str, repaired: str, findings: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, str, str]] | None:
    """Where the applied edits are in ``repaired``: exact when applying
    them, in order, to ``original`` gives ``repaired`` (``None`` otherwise:
    rounds that rewrote each other's output, a script conversion)."""
    edits = sorted((f for f in findings if f["applied"] and not _is_file_level(f)), key=lambda f: (f["start"], f["end"]))
    parts: list[str] = []
    spans = []
    pos = 0
    delta = 0
    for f in edits:
        if f["start"] < pos or original[f["start"] : f["end"]] != f["before"]:
            return None
        after = f.get("after") or ""
        parts.append(original[pos : f["start"]])
        parts.append(after)
        new_start = f["start"] + delta
        spans.append((new_start, new_start + len(after), "edit", _title(f)))
        delta += len(after) - (f["end"] - f["start"])
        pos = f["end"]
    parts.append(original[pos:])
    return spans if "".join(parts) == repaired else None


def _changed_lines(original: str, repaired: str) -> list[tuple[int, int, str, str]]:
    """Fallback marks for the repaired text: the lines a line diff says changed."""
    import difflib

    a, b = original.splitlines(keepends=True), repaired.splitlines(keepends=True)
    offsets = [0]
    for line in b:
        offsets.append(offsets[-1] + len(line))
    spans = []
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert") and j2 > j1:
            spans.append((offsets[j1], offsets[j2], "edit", "changed line (edits were applied over several rounds)"))
    return spans


def _bars(rows: Iterable[tuple[str, int, int, str]], scale: int) -> str:
    """A CSS bar chart: one row per (label, fixed, flagged, link)."""
    out = ['<div class="bars">']
    for label, fixed, flagged, link in rows:
        total = fixed + flagged
        wf = 100 * fixed / scale if scale else 0
        wg = 100 * flagged / scale if scale else 0
        name = f'<a href="{esc(link)}">{esc(label)}</a>' if link else esc(label)
        out.append(
            f'<div class="bar" data-label="{esc(label)}" data-fixed="{fixed}" data-flagged="{flagged}">'
            f'<span class="label" title="{esc(label)}">{name}</span>'
            f'<span class="track"><span class="fixed" style="width:{wf:.2f}%"></span>'
            f'<span class="flagged" style="width:{wg:.2f}%"></span></span>'
            f'<span class="count">{total}</span></div>'
        )
    out.append("</div>")
    return "".join(out)


def _counts(findings: Iterable[Mapping[str, Any]]) -> tuple[Counter[str], Counter[str]]:
    fixed: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    for f in findings:
        (fixed if f["applied"] else flagged)[f["kind"]] += 1
    return fixed, flagged


def _file_section(n: int, d: Mapping[str, Any], mode: str, original: str | None, repaired: str | None, is_open: bool) -> str:
    findings = d["findings"]
    state = verb(mode, d["status"], bool(d.get("written")), d["flagged"])
    out = [
        f'<details class="file" id="file-{n}" data-path="{esc(d["path"])}" data-fixed="{d["fixed"]}" '
        f'data-flagged="{d["flagged"]}"{" open" if is_open else ""}>',
        f'<summary><span class="path">{esc(d["path"])}</span> <span class="state s-{esc(d["status"])}">{esc(state)}</span> '
        f'<span class="num">{d["fixed"]} fixed · {d["flagged"]} flagged</span></summary>',
    ]
    facts = []
    if d.get("encoding"):
        facts.append(f"encoding {esc(str(d['encoding']))}")
    if d.get("error"):
        facts.append(f'<span class="error">{esc(d["error"])}</span>')
    file_level = [f for f in findings if _is_file_level(f)]
    if d.get("note") and all(f["message"] != d["note"] for f in file_level):  # a binary file's note is its finding
        facts.append(esc(d["note"]))
    for f in file_level:
        cls = "edit" if f["applied"] else "flag"
        facts.append(f'<mark class="{cls} file-level" title="{esc(_title(f))}">{esc(f["kind"])}</mark> {esc(f["message"])}')
    if facts:
        out.append('<ul class="facts">' + "".join(f"<li>{x}</li>" for x in facts) + "</ul>")
    spanned = [f for f in findings if not _is_file_level(f)]
    if d.get("corpus") is not None or original is None:
        if spanned:
            out.append(_findings_table(spanned, d.get("corpus")))
        out.append("</details>")
        return "".join(out)
    cut = ""
    if len(original) > MAX_TEXT_CHARS or (repaired is not None and len(repaired) > MAX_TEXT_CHARS):
        cut = f'<p class="cut">text shown up to {MAX_TEXT_CHARS:,} characters; every finding is counted above</p>'
    before = marked(original[:MAX_TEXT_CHARS],
                    [(f["start"], f["end"], "edit" if f["applied"] else "flag", _title(f)) for f in spanned if f["start"] < MAX_TEXT_CHARS])
    if repaired is None:
        repaired = original
    spans = after_spans(original, repaired, findings)
    if spans is None:
        spans = _changed_lines(original, repaired)
    after = marked(repaired[:MAX_TEXT_CHARS], [s for s in spans if s[0] < MAX_TEXT_CHARS])
    out.append(cut)
    out.append(
        '<div class="sides"><div class="side"><h4>before</h4>'
        f'<pre class="text before">{before}</pre></div><div class="side"><h4>after</h4>'
        f'<pre class="text after">{after}</pre></div></div></details>'
    )
    return "".join(out)


def _findings_table(findings: Sequence[Mapping[str, Any]], corpus: Mapping[str, Any] | None) -> str:
    rows = []
    for f in findings:
        where = f.get("line", f.get("row", ""))
        cls = "edit" if f["applied"] else "flag"
        after = "" if f.get("after") is None else f' → <mark class="{cls}">{esc(f["after"])}</mark>'
        rows.append(
            f'<tr><td>{esc(str(where))}</td><td>{esc(f["kind"])}</td><td>{esc(f.get("rule") or "-")}</td>'
            f'<td>{f["confidence"]:.2f}</td><td><mark class="{cls}" title="{esc(_title(f))}">{esc(f["before"])}</mark>{after}</td></tr>'
        )
    listed = ""
    if corpus is not None:
        total = sum(corpus.get("fixed_by_kind", {}).values()) + sum(corpus.get("flagged_by_kind", {}).values())
        listed = f"<p>{len(findings)} of {total} findings listed ({corpus.get('records', 0):,} records)</p>"
    return (listed + '<table class="findings"><thead><tr><th>record</th><th>kind</th><th>rule</th><th>confidence</th>'
            "<th>change</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def render_html(report: Any, stream: TextIO) -> None:
    """Write the page for ``report`` (a :class:`textfix.report.Report` whose
    file reports carry ``original_text`` and ``repaired_text``)."""
    summary = report.summary()
    files = [(f.to_dict(), getattr(f, "original_text", None), getattr(f, "repaired_text", None)) for f in report.files]
    everything = [x for d, _o, _r in files for x in d["findings"]]
    fixed, flagged = _counts(everything)
    kinds = sorted(summary["findings_by_kind"], key=lambda k: (-summary["findings_by_kind"][k], k))
    kind_rows = [(k, fixed[k], flagged[k], "") for k in kinds]
    ranked = sorted(range(len(files)), key=lambda i: (-(files[i][0]["fixed"] + files[i][0]["flagged"]), i))
    ranked = [i for i in ranked if files[i][0]["findings"]][:MAX_FILE_BARS]
    file_rows = [(files[i][0]["path"], files[i][0]["fixed"], files[i][0]["flagged"], f"#file-{i}") for i in ranked]
    n_fixed, n_flagged = sum(fixed.values()), sum(flagged.values())
    mode = report.mode
    changed_word = "fixed" if mode == "fix" and any(d.get("written") for d, _o, _r in files) else "would fix"

    w = stream.write
    w("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      f"<title>textfix {esc(mode)} report</title><style>{_CSS}</style></head><body>\n")
    w(f'<header><h1>textfix {esc(mode)}</h1><dl class="totals" id="totals">'
      f'<div><dt>files</dt><dd data-key="files">{summary["files"]}</dd></div>'
      f'<div><dt>{changed_word}</dt><dd data-key="changed">{summary["changed"]}</dd></div>'
      f'<div><dt>flagged files</dt><dd data-key="flagged_files">{summary["flagged_files"]}</dd></div>'
      f'<div><dt>clean</dt><dd data-key="unchanged">{summary["unchanged"]}</dd></div>'
      f'<div><dt>binary</dt><dd data-key="binary">{summary["binary"]}</dd></div>'
      f'<div><dt>errors</dt><dd data-key="errors">{summary["errors"]}</dd></div>'
      f'<div><dt>edits</dt><dd data-key="edits">{n_fixed}</dd></div>'
      f'<div><dt>flags</dt><dd data-key="flags">{n_flagged}</dd></div></dl>'
      '<p class="legend"><mark class="edit">applied edit</mark> <mark class="flag">flag (not applied)</mark> '
      '<mark class="both">both</mark> — hover a mark for its kind, rule, confidence and message.</p></header>\n')
    scale_k = max((fixed[k] + flagged[k] for k in kinds), default=0)
    w(f'<section id="by-kind"><h2>Findings by kind</h2>{_bars(kind_rows, scale_k) if kinds else "<p>no findings</p>"}</section>\n')
    scale_f = max((r[1] + r[2] for r in file_rows), default=0)
    if file_rows:
        more = sum(1 for d, _o, _r in files if d["findings"]) - len(file_rows)
        extra = f"<p>and {more} more files with findings (see the table)</p>" if more > 0 else ""
        w(f'<section id="by-file"><h2>Files with the most findings</h2>{_bars(file_rows, scale_f)}{extra}</section>\n')
    w('<section id="files"><h2>Files</h2><table class="sortable" id="file-table"><thead><tr>'
      '<th data-type="text">file</th><th data-type="text">result</th><th data-type="text">encoding</th>'
      '<th data-type="num">fixed</th><th data-type="num">flagged</th><th data-type="text">kinds</th></tr></thead><tbody>')
    for i, (d, _o, _r) in enumerate(files):
        fx, fl = _counts(d["findings"])
        kinds_txt = ", ".join(f"{k} ×{n}" for k, n in sorted((fx + fl).items()))
        state = verb(mode, d["status"], bool(d.get("written")), d["flagged"])
        w(f'<tr data-path="{esc(d["path"])}"><td><a href="#file-{i}">{esc(d["path"])}</a></td>'
          f'<td class="s-{esc(d["status"])}">{esc(state)}</td><td>{esc(str(d.get("encoding") or ""))}</td>'
          f'<td class="n-fixed" data-sort="{d["fixed"]}">{d["fixed"]}</td>'
          f'<td class="n-flagged" data-sort="{d["flagged"]}">{d["flagged"]}</td><td>{esc(kinds_txt)}</td></tr>')
    w("</tbody></table></section>\n<section id=\"texts\"><h2>Before and after</h2>\n")
    opened = 0
    for i, (d, original, repaired) in enumerate(files):
        is_open = bool(d["findings"]) and opened < MAX_OPEN_FILES and original is not None
        opened += is_open
        w(_file_section(i, d, mode, original, repaired, is_open))
        w("\n")
    w(f"</section><script>{_JS}</script></body></html>\n")


_CSS = """
:root{--edit:#c9f2c7;--edit-line:#2e8b2e;--flag:#ffe2a8;--flag-line:#c77700;--fg:#1d1d1f;--muted:#666;--bg:#fff;--rule:#ddd}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;padding:1rem 1.5rem;max-width:1400px}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.1rem;border-bottom:1px solid var(--rule);padding-bottom:.2rem;margin-top:1.6rem}
.totals{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;margin:.5rem 0}.totals div{display:flex;flex-direction:column}
.totals dt{color:var(--muted);font-size:.8rem}.totals dd{margin:0;font-size:1.3rem;font-variant-numeric:tabular-nums}
mark{background:none;color:inherit;border-radius:2px}
mark.edit{background:var(--edit);box-shadow:inset 0 -2px var(--edit-line)}
mark.flag{background:var(--flag);outline:1px dashed var(--flag-line);outline-offset:-1px}
mark.both{background:linear-gradient(var(--edit),var(--flag));box-shadow:inset 0 -2px var(--edit-line);outline:1px dashed var(--flag-line);outline-offset:-1px}
mark.ins{padding:0 1px;font-weight:bold;color:var(--edit-line)}mark.flag.ins{color:var(--flag-line)}
mark[title]{cursor:help}
.bars{display:grid;gap:3px;max-width:900px}.bar{display:grid;grid-template-columns:minmax(8rem,22rem) 1fr 4rem;align-items:center;gap:.5rem}
.bar .label{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.bar .track{display:flex;height:1rem;background:#f3f3f3;border-radius:2px}
.bar .fixed{background:var(--edit-line)}.bar .flagged{background:var(--flag-line)}.bar .count{text-align:right;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--rule);padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n-fixed,td.n-flagged{text-align:right;font-variant-numeric:tabular-nums}
table.sortable th{cursor:pointer;user-select:none;background:#fafafa;position:sticky;top:0}
table.sortable th[aria-sort=ascending]::after{content:" ▲"}table.sortable th[aria-sort=descending]::after{content:" ▼"}
td.s-changed,td.s-unchanged,td.s-binary,td.s-error{white-space:nowrap}.s-changed{color:#8a5a00}.s-error{color:#b00020}.s-binary{color:var(--muted)}
details.file{border:1px solid var(--rule);border-radius:4px;margin:.5rem 0;padding:.3rem .6rem}
details.file summary{cursor:pointer}.path{font-weight:600;word-break:break-all}.num{color:var(--muted)}
.facts{margin:.3rem 0;padding-left:1.2rem}.error{color:#b00020}.cut{color:var(--muted)}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:.8rem}.side h4{margin:.3rem 0;color:var(--muted);font-weight:normal}
pre.text{white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
background:#fbfbfb;border:1px solid var(--rule);padding:.5rem;margin:0;max-height:70vh;overflow:auto}
@media (max-width:800px){.sides{grid-template-columns:1fr}}
"""

_JS = """
(function(){
  document.querySelectorAll('table.sortable').forEach(function(table){
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function(th, col){
      th.addEventListener('click', function(){
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function(h){ h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var num = th.dataset.type === 'num', body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        function key(row){ var c = row.cells[col]; var v = c.dataset.sort !== undefined ? c.dataset.sort : c.textContent; return num ? parseFloat(v) || 0 : v.toLowerCase(); }
        rows.sort(function(a, b){ var x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1); });
        rows.forEach(function(r){ body.appendChild(r); });
      });
    });
  });
  document.querySelectorAll('.sides').forEach(function(sides){
    var panes = sides.querySelectorAll('pre.text'), busy = false;
    panes.forEach(function(p, i){
      p.addEventListener('scroll', function(){
        if (busy) { busy = false; return; }
        var other = panes[1 - i], range = p.scrollHeight - p.clientHeight;
        busy = true;
        other.scrollTop = range > 0 ? p.scrollTop / range * (other.scrollHeight - other.clientHeight) : 0;
      });
    });
  });
})();
"""
