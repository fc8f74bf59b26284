"""Subtitles (SubRip ``.srt``, WebVTT ``.vtt``): only cue text is prose.

A file is a list of blocks separated by blank lines. A block with a timing
line (``00:00:01,000 --> 00:00:04,000``, with any cue settings) is a cue:
the lines before it (the SRT number, the VTT cue identifier) and the timing
line itself are kept, the lines after it are the cue's text. Blocks without
a timing line (the ``WEBVTT`` header, ``NOTE``, ``STYLE``, ``REGION``) are
kept whole. Inside cue text, tags (``<i>``, ``<c.red>``, ``<v Anna>``,
``<00:00:02.500>``) and ASS overrides (``{\\an8}``) are kept too.

All cues are judged with the profile of the whole film's text (one cue is
too short to show its script variant).
"""

from __future__ import annotations

import re

from ..config import Config
from ..model import Result
from ..profile import build_profile
from .segments import pieces_config, repair_segments, split_protected

_TIMING = re.compile(r"^[ \t]*(?:\d+:)?\d{1,2}:\d{2}[,.]\d{1,3}[ \t]+-->[ \t]+(?:\d+:)?\d{1,2}:\d{2}[,.]\d{1,3}")
_TAG = re.compile(r"<[^<>\n]*>|\{\\[^{}\n]*\}")
_BLOCK = re.compile(r"(?:[^\S\r\n]*\S[^\r\n]*(?:\r\n|\n|\r|\Z))+")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|\Z)")


def segments(text: str):
    count = 0
    for block in _BLOCK.finditer(text):
        start = block.start()
        lines = [(m.start(), m.group()) for m in _LINE.finditer(block.group()) if m.group()]
        timing = next((i for i, (_, line) in enumerate(lines) if _TIMING.match(line)), None)
        if timing is None:
            continue  # header, NOTE, STYLE, REGION: kept whole
        count += 1
        ident = lines[0][1].strip() if timing > 0 else ""
        where = f"cue {ident}" if ident else f"cue {count}"
        if timing + 1 >= len(lines):
            continue
        body_start = lines[timing + 1][0]
        body = block.group()[body_start:].rstrip("\r\n")
        protected = [m.span() for m in _TAG.finditer(body)]
        yield from split_protected(start + body_start, body, protected, where)


def repair(text: str, config: Config, apply: bool = True) -> Result:
    found = list(segments(text))
    profile = build_profile("\n".join(s.value for s in found))
    return repair_segments(text, found, pieces_config(config), apply=apply, profile=profile)
