"""One immutable configuration, and loading it from ``[tool.textfix]``.

Precedence, lowest first: defaults, ``textfix.toml`` or ``[tool.textfix]`` in
``pyproject.toml`` (the nearest one above the working folder), command-line
flags. Library callers pass a :class:`Config` (or keyword overrides) directly.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

TARGETS = ("hans", "hant", "hant-tw", "hant-hk")
BOILERPLATE_CATEGORIES = ("seo-prefix", "caption", "keywords", "related-links", "attribution", "footer")


class ConfigError(ValueError):
    """A configuration value is not one textfix understands."""


class ConfigOverrides(TypedDict, total=False):
    """The keyword overrides ``fix``, ``fix_text``, ``analyze`` and
    ``fix_bytes`` take: every :class:`Config` field, each optional (a type
    checker then catches a misspelt keyword)."""

    threshold: float
    report_threshold: float
    enable: tuple[str, ...] | None
    disable: tuple[str, ...]
    to: str | None
    keep_boilerplate: tuple[str, ...]
    flag_boilerplate: tuple[str, ...]
    max_rounds: int
    strict: bool
    extra: dict[str, Any]


@dataclass(frozen=True)
class Config:
    """How textfix repairs text.

    threshold:
        edits whose confidence is at or above this are applied; the rest are
        reported as flags.
    report_threshold:
        flags below this confidence are dropped from results (noise floor);
        ``textfix check`` fails (exit 1) on anything at or above it.
    enable / disable:
        pass kinds to run (``None``: all) and to skip.
    to:
        convert the whole text after repair: ``hans``, ``hant``, ``hant-tw``
        or ``hant-hk`` (OpenCC).
    keep_boilerplate:
        boilerplate categories (SPEC §3 ``detail``) to keep, e.g. ``("attribution",)``.
    flag_boilerplate:
        categories that are reported but not removed. By default ``footer``:
        an English article's closing lines (author bio, tip and contact
        lines) are often part of what a corpus wants, and their contact
        details are repaired like any other text; set ``()`` to remove them.
    max_rounds:
        bound on the fixpoint loop.
    strict:
        let exceptions inside passes propagate (tests); by default a failing
        pass is skipped and the text is left as it was.
    """

    threshold: float = 0.8
    report_threshold: float = 0.5
    enable: tuple[str, ...] | None = None
    disable: tuple[str, ...] = ()
    to: str | None = None
    keep_boilerplate: tuple[str, ...] = ()
    flag_boilerplate: tuple[str, ...] = ("footer",)
    max_rounds: int = 4
    strict: bool = False
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ConfigError(f"threshold must be within 0..1, not {self.threshold!r}")
        if not 0.0 <= self.report_threshold <= 1.0:
            raise ConfigError(f"report_threshold must be within 0..1, not {self.report_threshold!r}")
        if self.to is not None and self.to not in TARGETS:
            raise ConfigError(f"to must be one of {', '.join(TARGETS)}, not {self.to!r}")
        bad = [c for c in (*self.keep_boilerplate, *self.flag_boilerplate) if c not in BOILERPLATE_CATEGORIES]
        if bad:
            raise ConfigError(f"unknown boilerplate categories {bad}; known: {', '.join(BOILERPLATE_CATEGORIES)}")
        if self.max_rounds < 1:
            raise ConfigError("max_rounds must be at least 1")

    def pass_enabled(self, kind: str) -> bool:
        if kind in self.disable:
            return False
        return self.enable is None or kind in self.enable

    def replace(self, **changes: Any) -> "Config":
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], base: "Config | None" = None) -> "Config":
        """Build from a ``[tool.textfix]`` table (keys with ``-`` or ``_``)."""
        base = base or cls()
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        changes: dict[str, Any] = {}
        extra = dict(base.extra)
        for key, value in data.items():
            name = key.replace("-", "_")
            if name in known:
                if name in ("enable", "disable", "keep_boilerplate", "flag_boilerplate") and value is not None:
                    if isinstance(value, str):
                        value = [value]
                    value = tuple(value)
                changes[name] = value
            else:
                extra[name] = value
        return dataclasses.replace(base, extra=extra, **changes)


def find_config_file(start: Path | None = None) -> Path | None:
    """The nearest ``textfix.toml``, or ``pyproject.toml`` with ``[tool.textfix]``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "textfix.toml"
        if candidate.is_file():
            return candidate
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            if "textfix" in data.get("tool", {}):
                return candidate
    return None


def load_config(path: Path | None = None, base: Config | None = None) -> Config:
    """Load settings from ``path`` (or the nearest config file)."""
    path = path or find_config_file()
    if path is None:
        return base or Config()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from exc
    if Path(path).name == "pyproject.toml":
        data = data.get("tool", {}).get("textfix", {})
    elif "tool" in data and "textfix" in data["tool"]:
        data = data["tool"]["textfix"]
    return Config.from_mapping(data, base)
