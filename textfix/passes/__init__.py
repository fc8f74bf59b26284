"""The registry of passes: one module per kind of damage.

A pass is a small object with

* ``kind`` — its stable id (SPEC §3), used in findings and in config;
* ``gate(text, profile) -> bool`` — a cheap test (one precompiled scan at
  most) that says whether this damage can be present at all;
* ``detect(text, profile, config) -> list[Finding]`` — the findings, each an
  edit (``after`` set) or a flag (``after is None``).

Passes know nothing of files or the CLI. The pipeline runs them in the order
of :data:`PASS_MODULES`, applying each pass's confident edits before the next
pass looks at the text. To add a kind of damage, write a module that defines
``PASS`` and add its name here.
"""

from __future__ import annotations

import functools
import importlib

from ..config import Config
from ..model import Finding, Profile, make_finding

# Order matters: byte-level damage first (so later passes see real
# characters), then removals, then punctuation and characters, then English.
PASS_MODULES = (
    "mojibake",  # Latin mojibake (ftfy)
    "cjk_mojibake",  # UTF-8 shown as GBK/Big5/Shift-JIS ..., and the reverse
    "gbk_misalign",  # byte-level pinyin injection that split GBK characters: "?yàn)橛?jì)"
    "lossy_bytes",  # U+FFFD runs, 锟斤拷, 烫烫烫, '?' for lost CJK bytes
    "pinyin",  # injected (jí) readings
    "boilerplate",  # page furniture: SEO prefixes, related lists, captions ...
    "stray_punctuation",  # injected comma runs ,, ,。
    "cjk_punctuation",  # fullwidth punctuation flattened to ASCII
    "variant",  # simplified residue in Traditional text and the reverse
    "links",  # "example. com"
    "spun",  # synonym-spun English phrases
    "pronoun",  # he/she flips
)


class Pass:
    """Base class: subclasses set ``kind`` and override ``gate``/``detect``."""

    kind: str = ""
    # True for passes that repair bytes and characters only, and so are safe
    # on HTML/XML source; the others (line structure, punctuation, wording)
    # run on extracted text only and are skipped on markup.
    markup_safe: bool = False

    def gate(self, text: str, profile: Profile) -> bool:  # pragma: no cover - overridden
        return True

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:  # pragma: no cover
        raise NotImplementedError

    def finding(
        self,
        text: str,
        start: int,
        end: int,
        after: str | None,
        confidence: float,
        message: str,
        *,
        detail: str | None = None,
        rule: str = "",
    ) -> Finding:
        """A finding on ``text[start:end]`` (``before`` filled in)."""
        return make_finding(self.kind, start, end, text[start:end], after, confidence, message, detail, rule)

    def __repr__(self) -> str:
        return f"<pass {self.kind}>"


@functools.lru_cache(maxsize=None)
@functools.lru_cache(maxsize=1)
def all_passes() -> tuple[Pass, ...]:
    """Every registered pass, in pipeline order (imported once: the
    pipeline asks for them on every call)."""
    return tuple(importlib.import_module(f"{__name__}.{name}").PASS for name in PASS_MODULES)


def pass_kinds() -> tuple[str, ...]:
    return tuple(p.kind for p in all_passes())
