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
    regional_quotes: bool
    keep_boilerplate: tuple[str, ...]
    flag_boilerplate: tuple[str, ...]
    max_rounds: int
    strict: bool
    formats: tuple[tuple[str, str], ...]
    corpus_furniture: bool
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
    regional_quotes:
        with ``to`` = ``hant-tw`` or ``hant-hk``, also write the quotation
        marks of Chinese text the Taiwan / Hong Kong way: “” -> 「」 and
        ‘’ -> 『』 (textfix/convert.py ``regional_quotes``).
    keep_boilerplate:
        boilerplate categories (SPEC §3 ``detail``) to keep, e.g. ``("attribution",)``.
    flag_boilerplate:
        categories that are reported but not removed. By default ``footer``:
        an English article's closing lines (author bio, tip and contact
        lines) are often part of what a corpus wants, and their contact
        details are repaired like any other text; set ``()`` to remove them.
    corpus_furniture:
        in a folder run, first count the lines and title prefixes that
        repeat across the plain-text documents of each folder (one source),
        then treat them as page furniture where furniture stands (the
        ``boilerplate`` pass). Off by default: a second read of every file.
    formats:
        how files are read, per path: ``(pattern, kind)`` pairs, the
        pattern gitignore-style (``data/*.txt``, ``*.dat``), the kind one
        of :data:`textfix.formats.KINDS`; the last matching pattern wins
        over the extension. In ``[tool.textfix]``:
        ``formats = {"data/*.txt" = "tsv", "vendor/" = "skip"}``.
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
    regional_quotes: bool = False
    keep_boilerplate: tuple[str, ...] = ()
    flag_boilerplate: tuple[str, ...] = ("footer",)
    corpus_furniture: bool = False
    formats: tuple[tuple[str, str], ...] = ()
    max_rounds: int = 4
    strict: bool = False
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("threshold", "report_threshold"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"{name} must be a number within 0..1, not {value!r}")
        if isinstance(self.max_rounds, bool) or not isinstance(self.max_rounds, int):
            raise ConfigError(f"max_rounds must be a whole number, not {self.max_rounds!r}")
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
        if self.formats:
            from .formats.registry import KINDS

            for item in self.formats:
                if not (isinstance(item, tuple) and len(item) == 2 and all(isinstance(x, str) for x in item)):
                    raise ConfigError(f"formats maps path patterns to kinds, not {item!r}")
                if item[1] not in KINDS:
                    raise ConfigError(f"unknown format {item[1]!r} for {item[0]!r}; known: {', '.join(KINDS)}")

    def pass_enabled(self, kind: str) -> bool:
        if kind in self.disable:
            return False
        return self.enable is None or kind in self.enable

    def replace(self, **changes: Any) -> "Config":
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], base: "Config | None" = None, source: str = "config") -> "Config":
        """Build from a ``[tool.textfix]`` table (keys with ``-`` or ``_``).

        Every key must be a setting and every value of the right type and
        range: anything else is a :class:`ConfigError` of one line naming
        ``source``, the key and what was expected."""
        base = base or cls()
        changes = {}
        for key, value in data.items():
            name = key.replace("-", "_")
            changes[name] = _checked(source, key, name, value)
        try:
            return dataclasses.replace(base, **changes)
        except ConfigError as exc:  # a check across keys (none today) or a range
            raise ConfigError(f"{source}: {exc}") from None


SETTINGS = tuple(f.name for f in dataclasses.fields(Config) if f.name != "extra")
_LISTS = ("enable", "disable", "keep_boilerplate", "flag_boilerplate")


def _expect(source: str, key: str, what: str, value: Any) -> ConfigError:
    return ConfigError(f"{source}: {key}: expected {what}, got {value!r}")


def _checked(source: str, key: str, name: str, value: Any) -> Any:
    """``value`` of setting ``name`` as Config holds it, or a ConfigError."""
    import difflib

    if name not in SETTINGS:
        close = difflib.get_close_matches(name, SETTINGS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ConfigError(f"{source}: unknown key {key!r}{hint}; expected one of: {', '.join(SETTINGS)}")
    if name in ("threshold", "report_threshold"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
            raise _expect(source, key, "a number within 0..1", value)
        return float(value)
    if name == "max_rounds":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _expect(source, key, "a whole number of at least 1", value)
        return value
    if name in ("strict", "corpus_furniture", "regional_quotes"):
        if not isinstance(value, bool):
            raise _expect(source, key, "true or false", value)
        return value
    if name == "to":
        if value not in TARGETS:
            raise _expect(source, key, f"one of {', '.join(TARGETS)}", value)
        return value
    if name == "formats":
        from .formats.registry import KINDS

        pairs = list(value.items()) if isinstance(value, dict) else value
        if not isinstance(pairs, (list, tuple)) or not all(
            isinstance(p, (list, tuple)) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in pairs
        ):
            raise _expect(source, key, 'a table of path patterns to formats ({"data/*.txt" = "tsv"})', value)
        bad = [k for _, k in pairs if k not in KINDS]
        if bad:
            raise _expect(source, key, f"formats among {', '.join(KINDS)}", bad[0])
        return tuple((p, k) for p, k in pairs)
    # the lists
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise _expect(source, key, "a list of strings", value)
    if name in ("keep_boilerplate", "flag_boilerplate"):
        bad = [v for v in value if v not in BOILERPLATE_CATEGORIES]
        if bad:
            raise _expect(source, key, f"boilerplate categories among {', '.join(BOILERPLATE_CATEGORIES)}", bad[0])
    return tuple(value)


def read_table(path: Path) -> tuple[dict[str, Any], str]:
    """The textfix settings in ``path`` and how to name them in a message
    (``pyproject.toml [tool.textfix]``). Raises ConfigError on a file that
    cannot be read or parsed."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if Path(path).name == "pyproject.toml" or ("tool" in data and "textfix" in data.get("tool", {})):
        table = data.get("tool", {}).get("textfix", {})
        where = f"{path} [tool.textfix]"
    else:
        table, where = data, str(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    return table, where


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
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{candidate}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
            except tomllib.TOMLDecodeError as exc:  # it may hold [tool.textfix]: not to be guessed
                raise ConfigError(f"{candidate}: not valid TOML: {exc}") from None
            if "textfix" in data.get("tool", {}):
                return candidate
    return None


def load_config(path: Path | None = None, base: Config | None = None) -> Config:
    """Load settings from ``path`` (or the nearest config file)."""
    path = path or find_config_file()
    if path is None:
        return base or Config()
    table, where = read_table(Path(path))
    return Config.from_mapping(table, base, source=where)
