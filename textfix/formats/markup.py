"""Markdown and reStructuredText: only prose runs through the passes.

Markdown is parsed with markdown-it-py (CommonMark, with tables): the lines
of its inline blocks (paragraphs, headings, list items, table rows) are
prose; fenced and indented code, HTML blocks, link reference definitions,
table delimiter rows and front matter (``---`` YAML or ``+++`` TOML at the
top) are kept. Inside prose, code spans, link targets, autolinks, inline
HTML and character references are kept too.

reStructuredText has no parser in the standard library (docutils rewrites
rather than locates), so a small line scanner keeps what is not prose:
directive and comment blocks (``.. ``) with their indented bodies, literal
blocks after ``::``, section adornment lines, and inline literals, roles,
targets and references.
"""

from __future__ import annotations

import re
from typing import Iterator

from ..config import Config
from ..model import Result
from ..profile import build_profile
from .segments import Segment, pieces_config, repair_segments, split_protected

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)?")
_INLINE_MD = re.compile(
    r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)"  # code spans
    r"|\]\(\s*<[^<>\n]*>[^)\n]*\)"  # ](<target with blanks> "title")
    r"|\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"  # ](target "title")
    r"|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>|<[^<>\s@]+@[^<>\s@]+>"  # autolinks
    r"|<!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"  # inline HTML
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});",  # character references
    re.S,
)
_FRONT_OPEN = {"---": ("---", "..."), "+++": ("+++",)}


def _lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line, ``end`` before its line break."""
    out = []
    for m in _LINE.finditer(text):
        if not m.group():
            break
        body = m.group().rstrip("\r\n")
        out.append((m.start(), m.start() + len(body)))
    return out


def _front_matter(text: str, lines: list[tuple[int, int]]) -> int:
    """How many lines the front matter at the top takes (0: none)."""
    if not lines:
        return 0
    first = text[lines[0][0] : lines[0][1]].lstrip("\ufeff").rstrip()
    closers = _FRONT_OPEN.get(first)
    if not closers:
        return 0
    for i in range(1, len(lines)):
        if text[lines[i][0] : lines[i][1]].rstrip() in closers:
            return i + 1
    return 0


def _blocks(text: str, lines: list[tuple[int, int]], start_line: int) -> Iterator[tuple[int, int]]:
    """Line ranges ``[a, b)`` of the inline (prose) blocks of Markdown."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    # The front matter's lines stay as blank lines: the line numbers of
    # markdown-it's maps remain those of the file.
    body = "\n" * start_line + text[lines[start_line][0] :] if start_line < len(lines) else ""
    seen = set()
    for tok in md.parse(body):
        if tok.type == "inline" and tok.map:
            key = tuple(tok.map)
            if key not in seen:
                seen.add(key)
                yield key


def markdown_segments(text: str) -> list[Segment]:
    lines = _lines(text)
    front = _front_matter(text, lines)
    out: list[Segment] = []
    for a, b in _blocks(text, lines, front):
        b = min(b, len(lines))
        if a >= b:
            continue
        start, end = lines[a][0], lines[b - 1][1]
        chunk = text[start:end]
        out.extend(split_protected(start, chunk, [m.span() for m in _INLINE_MD.finditer(chunk)]))
    return out


_RST_INLINE = re.compile(
    r"``.+?``"  # inline literals
    r"|:[A-Za-z0-9_.+-]+:`[^`]*`"  # roles
    r"|`[^`]*`(?::[A-Za-z0-9_.+-]+:)?_{0,2}"  # interpreted text, references, `text <target>`_
    r"|\|[^|\s][^|]*\|_{0,2}"  # substitutions
    r"|\[[^\]\s]+\]_"  # citations and footnotes
    r"|::(?=[ \t]*(?:\r\n|\n|\r|\Z))"  # the marker of a literal block
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});",
    re.S,
)
_ADORNMENT = re.compile(r"([!-/:-@\[-`{-~])\1{2,}\s*")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def rst_segments(text: str) -> list[Segment]:
    lines = _lines(text)
    out: list[Segment] = []
    para: list[int] = []  # line indices of the paragraph being gathered
    i, n = 0, len(lines)

    def flush() -> None:
        if para:
            start, end = lines[para[0]][0], lines[para[-1]][1]
            chunk = text[start:end]
            out.extend(split_protected(start, chunk, [m.span() for m in _RST_INLINE.finditer(chunk)]))
            para.clear()

    def skip_indented(j: int, base: int) -> int:
        """The first line after the block indented deeper than ``base``
        (blank lines inside it included)."""
        while j < n:
            line = text[lines[j][0] : lines[j][1]]
            if line.strip() and _indent(line) <= base:
                break
            j += 1
        return j

    literal_next = False
    while i < n:
        line = text[lines[i][0] : lines[i][1]]
        if not line.strip():
            flush()
            i += 1
            continue
        if literal_next and _indent(line) > literal_base:
            flush()
            i = skip_indented(i, literal_base)
            literal_next = False
            continue
        literal_next = False
        if line.lstrip().startswith(".. ") or line.strip() == "..":
            flush()
            i = skip_indented(i + 1, _indent(line))
            continue
        if _ADORNMENT.fullmatch(line.strip()):
            flush()
            i += 1
            continue
        para.append(i)
        if line.rstrip().endswith("::"):
            literal_next, literal_base = True, _indent(text[lines[para[0]][0] : lines[para[0]][1]])
            flush()
        i += 1
    flush()
    return out


def repair(text: str, kind: str, config: Config, apply: bool = True) -> Result:
    found = rst_segments(text) if kind == "rst" else markdown_segments(text)
    profile = build_profile("\n\n".join(s.value for s in found))
    return repair_segments(text, found, pieces_config(config), apply=apply, profile=profile)
