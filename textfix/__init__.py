"""textfix: detect and repair text damaged on its way through the web.

Public API::

    fix_text(text, config=None) -> str
    fix(text, config=None) -> Result
    fix_bytes(data, config=None) -> Result
    analyze(text, config=None) -> Result

All four are pure functions of their input: thread and process safe, no I/O.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Mapping

from .config import Config, ConfigError, ConfigOverrides, load_config
from .decode import Decoded, DecodeError, EncodeError, Segment
from .model import Finding, Profile, Result

if sys.version_info >= (3, 11):
    from typing import Unpack
elif TYPE_CHECKING:  # pragma: no cover - annotations only (never evaluated at run time on 3.10)
    from typing_extensions import Unpack

__all__ = [
    "Config",
    "ConfigError",
    "ConfigOverrides",
    "DecodeError",
    "EncodeError",
    "Finding",
    "Profile",
    "Result",
    "analyze",
    "fix",
    "fix_bytes",
    "fix_text",
    "load_config",
]
__version__ = "0.1.0"


_DEFAULT = Config()  # frozen: one instance serves every call without a config


def _config(config: Config | None, overrides: Mapping[str, Any]) -> Config:
    config = config or _DEFAULT
    return config.replace(**overrides) if overrides else config


def fix(text: str, config: Config | None = None, **overrides: Unpack[ConfigOverrides]) -> Result:
    """Repair ``text``; the :class:`Result` holds the findings and a diff."""
    from .pipeline import run

    return run(text, _config(config, overrides))


def fix_text(text: str, config: Config | None = None, **overrides: Unpack[ConfigOverrides]) -> str:
    """Repair ``text`` and return the repaired string. Never raises on a str."""
    return fix(text, config, **overrides).text


def analyze(text: str, config: Config | None = None, **overrides: Unpack[ConfigOverrides]) -> Result:
    """Find damage without changing anything: ``Result.text == text``."""
    from .pipeline import run

    return run(text, _config(config, overrides), apply=False)


def _reads_back(text: str, threshold: float = 0.8) -> bool:
    """Whether ``text`` written as UTF-8 (invalid bytes kept) decodes to itself."""
    from .decode import decode_bytes, encode_text

    back = decode_bytes(encode_text(text), threshold)
    return not back.binary and back.encoding == "utf-8" and back.text == text


def _candidates(seg: Segment) -> str:
    return ", ".join(f"{c} {sc:g}" for c, sc in seg.candidates[:4])


def _encoding_findings(decoded: Decoded) -> list[Finding]:
    """The ``encoding`` findings of a decoding: one per segment run when the
    input mixed encodings (detail ``mixed``, with line ranges), a flag
    (``applied: false``, candidates and scores) for a reading below the
    threshold or undecided, else one for a transcoded input or a BOM."""
    out = []
    if decoded.mixed:
        for seg in decoded.segments:
            if seg.applied:
                how = "valid UTF-8, kept" if seg.encoding == "utf-8" else (
                    f"{'invalid bytes read as ' if seg.strays else 'read as '}{seg.encoding} ({seg.reason})")
            else:
                how = f"{seg.reason}; best candidate {seg.encoding}; kept as bytes (candidates: {_candidates(seg)})"
            out.append(Finding("encoding", 0, 0, "", None, seg.confidence, f"{seg.lines}: {how}",
                               detail="mixed", rule="decode", applied=seg.applied))
    elif not decoded.applied:
        seg = decoded.segments[0]
        out.append(Finding("encoding", 0, 0, "", None, seg.confidence,
                           f"charset not applied, {seg.reason}; best candidate {seg.encoding} "
                           f"(candidates: {_candidates(seg)}); the bytes were kept as they were",
                           detail="undecided", rule="decode", applied=False))
    if decoded.applied and not decoded.mixed and (decoded.encoding not in ("utf-8", "ascii") or decoded.bom):
        what = f"{decoded.encoding} with a byte-order mark" if decoded.bom else decoded.encoding
        out.append(Finding("encoding", 0, 0, "", None, decoded.confidence,
                           f"input was {what} ({decoded.reason}); written back as UTF-8",
                           detail=decoded.encoding, rule="decode", applied=True))
    if decoded.invalid_bytes:
        out.append(Finding("encoding", 0, 0, "", None, decoded.confidence,
                           f"{decoded.invalid_bytes} bytes are not valid UTF-8; kept as they were",
                           detail="invalid-bytes", rule="decode"))
    return out


def fix_bytes(data: bytes | bytearray | memoryview, config: Config | None = None, *, kind: str | None = None,
              **overrides: Unpack[ConfigOverrides]) -> Result:
    """Decode ``data`` (any common charset), repair it, report.

    ``kind`` reads the text as a structured format (``"json"``, ``"csv"``,
    ``"markdown"`` …, see :mod:`textfix.formats`): only its prose is
    repaired and ``Result.where`` places each finding in the structure.

    Never raises on bytes: input that is not text gives a Result with
    ``binary=True``, a ``binary`` finding, and empty text.
    ``Result.to_bytes()`` encodes the repair (UTF-8, no BOM by default).
    """
    import dataclasses

    from .decode import decode_bytes
    from .pipeline import run

    config = _config(config, overrides)
    decoded = decode_bytes(bytes(data), config.threshold)
    if decoded.binary:
        finding = Finding("binary", 0, 0, "", None, decoded.confidence, f"not text ({decoded.reason}); left alone", rule="decode")
        from .model import Profile as _Profile

        return Result(original="", text="", findings=(finding,), profile=_Profile(), encoding=None,
                      encoding_confidence=decoded.confidence, binary=True)
    if not (decoded.applied or decoded.mixed):
        # A charset reading below the threshold was not applied: the file
        # is left as it was, the repairs of its ASCII only reported.
        result = run(decoded.text, config, apply=False)
    elif kind and kind != "prose":
        from .formats import repair

        result = repair(decoded.text, kind, config)
    else:
        result = run(decoded.text, config)
    extra = []
    if decoded.invalid_bytes and result.changed and not _reads_back(result.text, config.threshold):
        # The repair keeps the invalid bytes, and the file it makes would be
        # decoded differently next time (a second ``fix`` would re-decode, even
        # garble, what the first wrote). Leave the text as it was; flag it.
        result = dataclasses.replace(
            result, text=result.original, findings=tuple(dataclasses.replace(f, applied=False) for f in result.findings)
        )
        extra.append(Finding("encoding", 0, 0, "", None, decoded.confidence,
                             "repairs not applied: with the invalid bytes kept, the repaired file would not read back "
                             "as the same UTF-8 text; fix the invalid bytes first", detail="unstable", rule="decode"))
    extra += _encoding_findings(decoded)
    where = (None,) * len(extra) + result.where if result.where else ()
    return dataclasses.replace(result, findings=tuple(extra) + result.findings, where=where, encoding=decoded.encoding,
                               encoding_confidence=decoded.confidence, newline=decoded.newline)
