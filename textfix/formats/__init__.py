"""File formats: every file keeps its structure.

Two calls make the whole interface of the file route:

    kind_for(path, head, overrides, read_as) -> kind
    repair(text, kind, config, apply=True) -> Result

``kind_for`` decides how a file is read (:mod:`.registry`: extension,
content, ``[tool.textfix] formats`` patterns, ``--read-as``). ``repair``
runs the public pipeline on the prose of a text of that kind and splices
the repairs back: ``prose`` is the whole text; ``markdown``/``rst``
(:mod:`.markup`), ``subtitles`` (:mod:`.subtitles`) and ``html``
(:mod:`.htmlfmt`) repair only their prose; ``json`` (:mod:`.jsonfmt`),
``csv`` and ``tsv`` (:mod:`.records`) repair each string value or cell as
a document. The :class:`~textfix.Result` it returns speaks of the whole
file: offsets into ``text``, and ``Result.where`` says where each finding
sits in the structure. ``code``, ``config`` and ``skip`` are never
repaired: :func:`skip_reason` says why.
"""

from __future__ import annotations

from ..config import Config
from ..model import Result
from .registry import CORPUS_KINDS, KINDS, PROSE_KINDS, RECORD_KINDS, SKIP_KINDS, kind_for, skip_reason

__all__ = ["CORPUS_KINDS", "KINDS", "PROSE_KINDS", "RECORD_KINDS", "SKIP_KINDS", "kind_for", "repair", "skip_reason"]


def repair(text: str, kind: str, config: Config | None = None, apply: bool = True) -> Result:
    """Repair ``text`` read as ``kind``; see the module docstring. Never
    raises on a ``str`` (unless ``config.strict``): a reader that fails
    leaves the text as it was and says so in ``Result.note``."""
    from ..pipeline import run
    from .segments import unchanged

    config = config or Config()
    if kind == "prose":
        return run(text, config, apply=apply)
    if kind in SKIP_KINDS:
        return unchanged(text, note=skip_reason(kind) or "")
    if kind not in KINDS:
        raise ValueError(f"unknown format {kind!r}; known: {', '.join(KINDS)}")
    try:
        return _read(text, kind, config, apply)
    except Exception as exc:  # a broken reader must never break the caller
        if config.strict:
            raise
        return unchanged(text, note=f"the {kind} reader failed ({type(exc).__name__}: {exc}); left alone")


def _read(text: str, kind: str, config: Config, apply: bool) -> Result:
    if kind == "json":
        from . import jsonfmt

        return jsonfmt.repair(text, config, apply)
    if kind in ("csv", "tsv"):
        from . import records

        return records.repair(text, kind, config, apply)
    if kind in ("markdown", "rst"):
        from . import markup

        return markup.repair(text, kind, config, apply)
    if kind == "subtitles":
        from . import subtitles

        return subtitles.repair(text, config, apply)
    if kind == "html":
        from . import htmlfmt

        return htmlfmt.repair(text, config, apply)
    raise AssertionError(kind)  # pragma: no cover - every kind of KINDS is read above
