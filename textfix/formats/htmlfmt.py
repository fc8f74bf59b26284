"""HTML and XML: only text nodes and prose attribute values, never markup.

``html.parser`` (stdlib, tolerant of broken pages) reads the file with
character references left unconverted, so every event has its place in the
text: tags, comments, declarations and processing instructions are kept;
the runs of text between them are prose, except inside ``script``,
``style``, ``pre``, ``code``, ``kbd``, ``samp``, ``var`` and ``textarea``.
Of the attributes, only the quoted values of ``title``, ``alt``,
``placeholder``, ``aria-label``, ``aria-description`` and ``label`` (and
``content`` of a description or title ``<meta>``) are prose.

Character references are decoded for the passes (``&amp;`` is ``&``) and an
unchanged one keeps its spelling; new ``&``, ``<``, ``>`` (and, in an
attribute, its quote) are escaped.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from ..config import Config
from ..model import Result
from ..profile import build_profile
from .records import is_identifier
from .segments import Segment, pieces_config, repair_segments

KEPT_ELEMENTS = frozenset({"script", "style", "pre", "code", "kbd", "samp", "var", "textarea"})
PROSE_ATTRIBUTES = frozenset({"title", "alt", "placeholder", "aria-label", "aria-description", "label"})
PROSE_META = frozenset({"description", "og:title", "og:description", "twitter:title", "twitter:description"})
_REF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_ATTR = re.compile(r"""(?<=[\s"'/])([^\s/>="']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|[^\s"'=<>`]+))?""")


def decoded(raw: str) -> tuple[str, tuple[int, ...] | None]:
    """``raw`` with character references decoded, and where each decoded
    character is spelled in ``raw`` (``None``: no reference)."""
    if "&" not in raw:
        return raw, None
    value: list[str] = []
    offsets: list[int] = []
    pos = 0
    for m in _REF.finditer(raw):
        for k in range(pos, m.start()):
            value.append(raw[k])
            offsets.append(k)
        ref = m.group()
        out = html.unescape(ref)
        if out == ref:
            value.extend(ref)
            offsets.extend(range(m.start(), m.end()))
        else:
            value.extend(out)
            offsets.extend([m.start()] * len(out))
        pos = m.end()
    for k in range(pos, len(raw)):
        value.append(raw[k])
        offsets.append(k)
    offsets.append(len(raw))
    text = "".join(value)
    if text != html.unescape(raw):
        raise ValueError("character references decode differently")
    return text, tuple(offsets)


def _escape_text(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escaper(quote: str):
    entity = "&quot;" if quote == '"' else "&#x27;"
    return lambda s: _escape_text(s).replace(quote, entity)


class _Scanner(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.marks: list[tuple[int, bool]] = []  # (offset, is prose text)
        self.attrs: list[Segment] = []
        self.depth: dict[str, int] = {}

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _kept(self) -> bool:
        return any(self.depth.values())

    def _tag(self, tag: str, attrs, closing: bool) -> None:
        start = self._offset()
        self.marks.append((start, False))
        raw = self.get_starttag_text() or ""
        if self.source.startswith(raw, start) and not self._kept():
            self._attributes(tag, dict(attrs), raw, start)
        if not closing and tag in KEPT_ELEMENTS:
            self.depth[tag] = self.depth.get(tag, 0) + 1

    def _attributes(self, tag: str, values: dict, raw: str, start: int) -> None:
        name_end = len(tag) + 1
        meta = tag == "meta" and (values.get("name") or values.get("property") or "").lower() in PROSE_META
        line = self.getpos()[0]
        for m in _ATTR.finditer(raw, name_end):
            name = m.group(1).lower()
            if not (name in PROSE_ATTRIBUTES or (meta and name == "content")):
                continue
            group = 2 if m.group(2) is not None else 3 if m.group(3) is not None else None
            if group is None:
                continue  # unquoted: left alone
            value_raw = m.group(group)
            try:
                value, offsets = decoded(value_raw)
            except ValueError:
                continue
            if value != values.get(name) or not value.strip() or is_identifier(value):
                continue
            quote = raw[m.start(group) - 1]
            where = f"line {line + raw.count(chr(10), 0, m.start(group))}, <{tag} {name}>"
            self.attrs.append(Segment(start + m.start(group), start + m.end(group), value, where, offsets, _escaper(quote)))

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs, False)

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs, True)

    def handle_endtag(self, tag):
        self.marks.append((self._offset(), False))
        if self.depth.get(tag):
            self.depth[tag] -= 1

    def _text(self, *_):
        self.marks.append((self._offset(), not self._kept()))

    handle_data = handle_entityref = handle_charref = _text

    def _markup(self, *_):
        self.marks.append((self._offset(), False))

    handle_comment = handle_decl = handle_pi = unknown_decl = _markup


def segments(text: str) -> list[Segment]:
    scanner = _Scanner(text)
    scanner.feed(text)
    scanner.close()
    marks = scanner.marks + [(len(text), False)]
    out = list(scanner.attrs)
    run_start = None
    for i, (offset, prose) in enumerate(marks):
        if prose and run_start is None:
            run_start = offset
        elif not prose and run_start is not None:
            raw = text[run_start:offset]
            run_start, start = None, run_start
            if not raw.strip():
                continue
            try:
                value, offsets = decoded(raw)
            except ValueError:
                continue
            if is_identifier(value.strip()):
                continue
            out.append(Segment(start, offset, value, None, offsets, _escape_text))
    out.sort(key=lambda s: s.start)
    return out


def repair(text: str, config: Config, apply: bool = True) -> Result:
    found = segments(text)
    profile = build_profile("\n\n".join(s.value for s in found))
    return repair_segments(text, found, pieces_config(config), apply=apply, profile=profile)
