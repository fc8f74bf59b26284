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
from .decode import DecodeError, EncodeError
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


def _reads_back(text: str) -> bool:
    """Whether ``text`` written as UTF-8 (invalid bytes kept) decodes to itself."""
    from .decode import decode_bytes, encode_text

    back = decode_bytes(encode_text(text))
    return not back.binary and back.encoding == "utf-8" and back.text == text


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
    decoded = decode_bytes(bytes(data))
    if decoded.binary:
        finding = Finding("binary", 0, 0, "", None, decoded.confidence, f"not text ({decoded.reason}); left alone", rule="decode")
        from .model import Profile as _Profile

        return Result(original="", text="", findings=(finding,), profile=_Profile(), encoding=None,
                      encoding_confidence=decoded.confidence, binary=True)
    if kind and kind != "prose":
        from .formats import repair

        result = repair(decoded.text, kind, config)
    else:
        result = run(decoded.text, config)
    extra = []
    if decoded.invalid_bytes and result.changed and not _reads_back(result.text):
        # The repair keeps the invalid bytes, and the file it makes would be
        # decoded differently next time (a second ``fix`` would re-decode, even
        # garble, what the first wrote). Leave the text as it was; flag it.
        result = dataclasses.replace(
            result, text=result.original, findings=tuple(dataclasses.replace(f, applied=False) for f in result.findings)
        )
        extra.append(Finding("encoding", 0, 0, "", None, decoded.confidence,
                             "repairs not applied: with the invalid bytes kept, the repaired file would not read back "
                             "as the same UTF-8 text; fix the invalid bytes first", detail="unstable", rule="decode"))
    if decoded.encoding not in ("utf-8", "ascii") or decoded.bom:
        what = f"{decoded.encoding} with a byte-order mark" if decoded.bom else decoded.encoding
        extra.append(Finding("encoding", 0, 0, "", None, decoded.confidence,
                             f"input was {what} ({decoded.reason}); written back as UTF-8",
                             detail=decoded.encoding, rule="decode", applied=True))
    if decoded.invalid_bytes:
        extra.append(Finding("encoding", 0, 0, "", None, decoded.confidence,
                             f"{decoded.invalid_bytes} bytes are not valid UTF-8; kept as they were",
                             detail="invalid-bytes", rule="decode"))
    where = (None,) * len(extra) + result.where if result.where else ()
    return dataclasses.replace(result, findings=tuple(extra) + result.findings, where=where, encoding=decoded.encoding,
                               encoding_confidence=decoded.confidence, newline=decoded.newline)
