"""The data textfix passes around: findings, the document profile, results.

Everything here is a frozen dataclass: a finding or a result, once made, is
evidence, and nothing downstream edits it.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One piece of damage found in a text.

    ``start``/``end`` are offsets into the text the finding speaks of (for
    results of :func:`textfix.fix`, the caller's original text), and
    ``before == text[start:end]``. ``after`` is the replacement, or ``None``
    when the finding is only a flag. ``confidence`` decides whether the
    pipeline applies the edit (``>= Config.threshold``).
    """

    kind: str
    start: int
    end: int
    before: str
    after: str | None
    confidence: float
    message: str
    detail: str | None = None
    rule: str = ""
    applied: bool = False  # set by the pipeline when the edit landed

    @property
    def is_edit(self) -> bool:
        return self.after is not None and self.after != self.before

    def to_dict(self) -> dict[str, Any]:
        # Every field is a str, number, bool or None: a flat copy is what
        # dataclasses.asdict gives (it deep-copies, ten times slower; corpus
        # runs make one per finding).
        return dict(vars(self))


# The constructor under the name the passes import (kept so that a pass
# need not change with it).
make_finding = Finding


@dataclass(frozen=True)
class Profile:
    """Whole-document facts: which scripts, which Han variant, which language."""

    scripts: dict[str, float] = field(default_factory=dict)  # script -> share of letters
    letters: int = 0
    han_variant: str | None = None  # "hans", "hant", "mixed" or None (no Han)
    han_evidence: dict[str, int] = field(default_factory=dict)  # simplified / traditional counts
    language: str = "und"
    markup: bool = False  # HTML/XML source rather than extracted text

    @property
    def dominant_script(self) -> str | None:
        if not self.scripts:
            return None
        return max(self.scripts.items(), key=lambda kv: kv[1])[0]

    def share(self, script: str) -> float:
        return self.scripts.get(script, 0.0)

    @property
    def has_cjk(self) -> bool:
        return any(self.share(s) > 0 for s in ("Han", "Kana", "Hangul"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "scripts": {k: round(v, 4) for k, v in self.scripts.items()},
            "letters": self.letters,
            "dominant_script": self.dominant_script,
            "han_variant": self.han_variant,
            "han_evidence": dict(self.han_evidence),
            "language": self.language,
            "markup": self.markup,
        }

    def summary(self) -> str:
        parts = []
        dom = self.dominant_script
        if dom:
            parts.append(f"{dom} {self.share(dom):.0%}")
            others = [f"{k} {v:.0%}" for k, v in sorted(self.scripts.items(), key=lambda kv: -kv[1]) if k != dom and v >= 0.01]
            if others:
                parts.append("+ " + ", ".join(others))
        else:
            parts.append("no letters")
        if self.han_variant:
            ev = self.han_evidence
            parts.append(f"{self.han_variant} (simplified {ev.get('simplified', 0)}, traditional {ev.get('traditional', 0)})")
        parts.append(f"lang {self.language}")
        if self.markup:
            parts.append("markup")
        return "; ".join(parts)


@dataclass(frozen=True)
class Result:
    """What textfix made of one text: the repaired text and the evidence."""

    original: str
    text: str
    findings: tuple[Finding, ...]
    profile: Profile
    encoding: str | None = None  # detected input encoding (fix_bytes only)
    encoding_confidence: float | None = None
    newline: str | None = None
    binary: bool = False
    # Structured files (textfix.formats): where each finding sits inside the
    # structure (a JSON pointer, "row 3, column 2", "cue 12", "line 7"),
    # parallel to ``findings`` (``None`` for a finding about the whole file),
    # and a note on what was left alone.
    where: tuple[str | None, ...] = ()
    note: str = ""

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def edits(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.applied)

    @property
    def flags(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.applied)

    def diff(self, name: str = "text", context: int = 3) -> str:
        """Unified diff from the original to the repaired text."""
        if not self.changed:
            return ""
        a = self.original.splitlines(keepends=True)
        b = self.text.splitlines(keepends=True)
        lines = difflib.unified_diff(a, b, f"a/{name}", f"b/{name}", n=context)
        out = []
        for line in lines:
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(out)

    def to_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Encode the repaired text. Raises :class:`textfix.EncodeError` when a
        character cannot be represented in ``encoding``."""
        from .decode import encode_text

        return encode_text(self.text, encoding, errors)

    def to_dict(self) -> dict[str, Any]:
        return {
            "changed": self.changed,
            "encoding": self.encoding,
            "encoding_confidence": self.encoding_confidence,
            "binary": self.binary,
            "profile": self.profile.to_dict(),
            "findings": self.finding_dicts(),
        }

    def finding_dicts(self) -> list[dict[str, Any]]:
        """Every finding as a dict, with its ``where`` when it has one."""
        if not self.where:
            return [f.to_dict() for f in self.findings]
        return [f.to_dict() if w is None else {**f.to_dict(), "where": w} for f, w in zip(self.findings, self.where)]
