"""Expensive objects, built once per process: OpenCC converters, Han tables,
package data files.

Every pass gets its heavy helpers from here, so a worker process pays for
each of them once, and only when a text needs it.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from typing import Iterator

import regex

from .cache import derived

# CJK Unified Ideographs, Extension A and the compatibility block: where
# OpenCC's character tables live.
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


class _AnyStrConverter:
    """An OpenCC converter that takes any str. OpenCC encodes its input as
    strict UTF-8, so a lone surrogate (an invalid input byte that
    ``fix_bytes`` keeps as an escape) would make it raise; such characters
    pass through unconverted, the text between them is converted."""

    def __init__(self, converter) -> None:
        self._converter = converter

    def convert(self, text: str) -> str:
        try:
            return self._converter.convert(text)
        except UnicodeEncodeError:
            pieces = _LONE_SURROGATES.split(text)  # odd indexes: the surrogate runs
            return "".join(p if i % 2 else self._converter.convert(p) if p else "" for i, p in enumerate(pieces))

    def __getattr__(self, name: str):
        return getattr(self._converter, name)


_LONE_SURROGATES = regex.compile("([\ud800-\udfff]+)")


@functools.lru_cache(maxsize=None)
def opencc(config: str):
    """A shared OpenCC converter (``s2t``, ``t2s``, ``s2tw``, ...)."""
    import opencc as _opencc

    return _AnyStrConverter(_opencc.OpenCC(config if config.endswith(".json") else f"{config}.json"))


def _convert_chars(config: str, chars: list[str]) -> list[str]:
    # One call on newline-separated characters: phrase tables cannot match
    # across the separators, so each character gets its single-character
    # (first-candidate) conversion.
    out = opencc(config).convert("\n".join(chars)).split("\n")
    if len(out) != len(chars):  # pragma: no cover - defensive
        return [opencc(config).convert(c) for c in chars]
    return out


@derived(deps=("opencc",))
def han_tables() -> tuple[dict[str, str], dict[str, str]]:
    """``(s2t, t2s)``: single-character conversions that change the character.

    ``s2t[c]`` exists when OpenCC's first Traditional candidate for ``c`` is
    not ``c`` itself (so ``c`` is a simplified form: 后, 于, 里, 并 but not
    布, 板, 制); ``t2s`` likewise for Traditional-only characters.
    """
    chars = [chr(cp) for lo, hi in _HAN_RANGES for cp in range(lo, hi + 1)]
    s2t_out = _convert_chars("s2t", chars)
    t2s_out = _convert_chars("t2s", chars)
    s2t = {c: o for c, o in zip(chars, s2t_out) if o != c and len(o) == 1}
    t2s = {c: o for c, o in zip(chars, t2s_out) if o != c and len(o) == 1}
    # A character both tables change (rare cross-mappings) is evidence of
    # neither variant.
    both = s2t.keys() & t2s.keys()
    simplified_only = {c: o for c, o in s2t.items() if c not in both}
    traditional_only = {c: o for c, o in t2s.items() if c not in both}
    return simplified_only, traditional_only


def char_class(chars) -> str:
    """``chars`` as a ``re`` character class of ranges. The stdlib ``re``
    compiles a big class to a bitmap: 20x faster than ``regex`` on a
    2,500-character class (measured, bench.py)."""
    ranges: list[list[int]] = []
    for cp in sorted(map(ord, chars)):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges) + "]"


def data_path(name: str):
    """A file shipped in ``textfix/data``."""
    return importlib.resources.files("textfix").joinpath("data", name)


def read_data_lines(name: str) -> Iterator[str]:
    """Non-empty, non-comment lines of a data file (``#`` starts a comment)."""
    with data_path(name).open("r", encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            yield line
