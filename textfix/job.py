"""What one run asks of each file, and what happened to it.

A leaf module (it imports nothing of textfix but :mod:`textfix.config`):
the CLI builds a :class:`Job`, every route a file can take
(:mod:`textfix.router`) gives back a :class:`FileReport`, and
:mod:`textfix.report` renders the reports. Both cross process boundaries,
so both are plain picklable dataclasses.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, TypedDict

from .config import Config


class WriteBack(enum.Enum):
    """What a run does with a repaired file."""

    CHECK = "check"  # nothing is written, nothing is shown but findings
    DIFF = "diff"  # nothing is written; a unified diff is shown
    FIX = "fix"  # the file is replaced in place (atomically)
    OUTPUT = "output"  # a repaired copy goes under an output folder

    @property
    def writes(self) -> bool:
        return self in (WriteBack.FIX, WriteBack.OUTPUT)


class FindingDict(TypedDict, total=False):
    """One finding as a report holds it: :meth:`textfix.Finding.to_dict`,
    plus where it is in a corpus file (``line`` of a JSONL record, ``row``
    of a Parquet table)."""

    kind: str
    start: int
    end: int
    before: str
    after: str | None
    confidence: float
    message: str
    detail: str | None
    rule: str
    applied: bool
    line: int
    row: int
    where: str  # structured files: JSON pointer, "row 3, column 2", "cue 12", "line 7"


@dataclass(frozen=True)
class Job:
    """How to treat each file: the mode and its write-back settings."""

    mode: str  # check | fix | explain (the command)
    config: Config
    write: bool = False  # fix in place / to output
    want_diff: bool = False
    output_dir: str | None = None
    root: str | None = None  # base for paths under output_dir
    encoding: str = "utf-8"
    backup: str | None = None
    field: str = "text"  # JSONL/Parquet: the field to repair
    findings_field: str | None = None  # JSONL/Parquet: add per-record findings here
    read_as: str | None = None  # --read-as: one format for every file (textfix.formats)

    @property
    def write_back(self) -> WriteBack:
        if self.write:
            return WriteBack.OUTPUT if self.output_dir else WriteBack.FIX
        return WriteBack.DIFF if self.want_diff and self.mode == "fix" else WriteBack.CHECK


# statuses of a FileReport (skipped: source code, configuration, textfix.formats)
CHANGED, UNCHANGED, BINARY, SKIPPED, ERROR = "changed", "unchanged", "binary", "skipped", "error"


@dataclass
class FileReport:
    """What happened to one file (picklable: crosses process boundaries)."""

    path: str
    status: str  # changed | unchanged | binary | skipped | error
    encoding: str | None = None
    encoding_confidence: float | None = None
    profile: dict[str, Any] = field(default_factory=dict)
    profile_summary: str = ""
    findings: list[FindingDict] = field(default_factory=list)
    diff: str = ""
    error: str = ""
    note: str = ""
    written: str | None = None  # where the repaired text was written
    original_text: str | None = None  # kept only for ``explain`` context
    corpus: dict[str, Any] | None = None  # JSONL/Parquet/streamed files: record counts
    format: str | None = None  # how the file was read, when not as prose (textfix.formats)

    @property
    def fixed(self) -> int:
        return sum(1 for f in self.findings if f["applied"])

    @property
    def flagged(self) -> int:
        return sum(1 for f in self.findings if not f["applied"])

    def to_dict(self) -> dict[str, Any]:
        d = {
            "path": self.path,
            "status": self.status,
            "encoding": self.encoding,
            "encoding_confidence": self.encoding_confidence,
            "profile": self.profile,
            "fixed": self.fixed,
            "flagged": self.flagged,
            "findings": self.findings,
        }
        if self.error:
            d["error"] = self.error
        if self.note:
            d["note"] = self.note
        if self.written:
            d["written"] = self.written
        if self.diff:
            d["diff"] = self.diff
        if self.corpus is not None:
            d["corpus"] = self.corpus
        if self.format:
            d["format"] = self.format
        return d
