"""Which kind of file is this: the extension table, content sniffing, and the
per-path overrides of ``[tool.textfix] formats``.

A kind names how a file is read:

* ``prose``: the whole text is one document (``.txt``, no extension, anything
  not listed below);
* ``markdown`` (``.md`` …), ``rst``, ``subtitles`` (``.srt``, ``.vtt``),
  ``html`` (``.html``, ``.htm``, ``.xhtml``, ``.xml`` …): prose inside markup,
  only the prose is repaired;
* ``json``, ``csv``, ``tsv``: records, each string value or cell is a
  document;
* ``jsonl``, ``parquet``: corpora, streamed by :mod:`textfix.router` (routed
  by extension, as before);
* ``code``, ``config``: source code and configuration, never repaired;
  ``skip``: anything a user wants left alone.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

PROSE_KINDS = ("prose", "markdown", "rst", "subtitles", "html")
RECORD_KINDS = ("json", "csv", "tsv")
CORPUS_KINDS = ("jsonl", "parquet")  # textfix.router; chosen by extension only
SKIP_KINDS = ("code", "config", "skip")
KINDS = PROSE_KINDS + RECORD_KINDS + SKIP_KINDS  # what a user may ask for

_CODE = (
    "py pyi pyx pxd ipynb js mjs cjs jsx ts tsx java kt kts scala groovy c h cc cpp cxx hpp hh hxx m mm cs fs "
    "go rs rb php pl pm lua r jl swift dart zig nim ex exs erl hrl hs elm clj cljs ml mli sql sh bash zsh fish "
    "ps1 bat cmd vim el css scss sass less vue svelte asm s f f90 pas d tex sty bib mk cmake gradle proto "
    "graphql thrift tf hcl nix"
).split()
_CONFIG = "yaml yml toml ini cfg conf properties env lock editorconfig gitignore gitattributes dockerignore".split()
_NAMES = {  # files known by their whole name
    "makefile": "code", "gnumakefile": "code", "dockerfile": "code", "containerfile": "code", "jenkinsfile": "code",
    "vagrantfile": "code", "rakefile": "code", "gemfile": "code", "justfile": "code", "cmakelists.txt": "code",
    "pipfile": "config", "requirements.txt": "config", "setup.cfg": "config", ".gitignore": "config",
    ".gitattributes": "config", ".gitmodules": "config", ".editorconfig": "config", ".mailmap": "config",
    ".dockerignore": "config", "codeowners": "config",
}
EXTENSIONS: dict[str, str] = {
    **{e: "code" for e in _CODE},
    **{e: "config" for e in _CONFIG},
    "txt": "prose", "text": "prose",
    "md": "markdown", "markdown": "markdown", "mdown": "markdown", "mkd": "markdown",
    "rst": "rst",
    "srt": "subtitles", "vtt": "subtitles",
    "html": "html", "htm": "html", "xhtml": "html", "xml": "html", "svg": "code",
    "json": "json", "geojson": "json", "csv": "csv", "tsv": "tsv", "tab": "tsv",
    "jsonl": "jsonl", "ndjson": "jsonl", "parquet": "parquet", "pq": "parquet",
}

REASONS = {
    "code": "source code: not repaired (its strings and comments may hold damage on purpose; "
            "--read-as prose or a 'formats' entry in the textfix config repairs it anyway)",
    "config": "configuration file: not repaired (its keys and values are data, not prose)",
    "skip": "left alone: the 'formats' config or --read-as says skip",
}

_SRT_HEAD = re.compile(r"\A\ufeff?\s*\d+[ \t]*\r?\n[ \t]*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}[ \t]+-->")
_HTML_HEAD = re.compile(r"\A\ufeff?\s*(?:<!doctype\s+html|<html[\s>]|<\?xml\s)", re.I)


def _extension_kind(name: str) -> str | None:
    low = name.lower()
    if low in _NAMES:
        return _NAMES[low]
    if low.endswith((".jsonl.gz", ".ndjson.gz")):
        return "jsonl"
    stem, dot, ext = low.rpartition(".")
    if not dot or not stem.strip("."):  # no extension, or a dot file such as ".env"
        return EXTENSIONS.get(ext) if dot and ext in _CONFIG else None
    return EXTENSIONS.get(ext, "prose")


def sniff(text: str) -> str | None:
    """The kind the content of a file without a telling extension shows:
    subtitles, HTML/XML, a script (``#!``), JSON (the whole text parses as
    an object or array), or ``None`` (prose)."""
    s = text[:4096].lstrip("\ufeff")
    if s.startswith("#!"):
        return "code"
    if s.startswith("WEBVTT") or _SRT_HEAD.match(s):
        return "subtitles"
    if _HTML_HEAD.match(s):
        return "html"
    if s.lstrip()[:1] in ("{", "["):
        import json

        try:
            value = json.loads(text.lstrip("\ufeff"))
        except ValueError:
            return None
        if isinstance(value, (dict, list)):
            return "json"
    return None


@lru_cache(maxsize=64)
def _specs(overrides: tuple[tuple[str, str], ...]):
    import pathspec

    return tuple((pathspec.GitIgnoreSpec.from_lines([pattern]), kind) for pattern, kind in overrides)


def _rel(path: str) -> str:
    path = os.fspath(path)
    if os.path.isabs(path):
        try:
            rel = os.path.relpath(path)
        except ValueError:
            rel = path
        path = path if rel.startswith("..") else rel
    return path.replace(os.sep, "/").lstrip("./") if path.startswith("./") else path.replace(os.sep, "/")


def kind_for(path: str | None, head: str | bytes = "", overrides=(), read_as: str | None = None) -> str:
    """How to read the file at ``path`` whose text begins with ``head``.

    ``read_as`` (the ``--read-as`` flag) wins; then the last pattern of
    ``overrides`` (``[tool.textfix] formats``, gitignore-style patterns
    mapped to kinds) that matches the path; then the extension; then, for
    ``.txt``, no extension and stdin, the content.
    """
    if read_as:
        return read_as
    if path and overrides:
        rel = _rel(path)
        chosen = None
        for spec, kind in _specs(tuple(overrides)):
            if spec.match_file(rel):
                chosen = kind
        if chosen:
            return chosen
    kind = _extension_kind(os.path.basename(path)) if path and not path.startswith("<") else None
    if kind not in (None, "prose"):
        return kind
    if isinstance(head, bytes):
        start = head[:4096].decode("utf-8", "ignore")
        # only a text that may be JSON is decoded whole (sniff parses it)
        head = head.decode("utf-8", "ignore") if start.lstrip("\ufeff \t\r\n")[:1] in ("{", "[") else start
    sniffed = sniff(head)
    if sniffed:
        return sniffed
    return "prose"


def skip_reason(kind: str) -> str | None:
    """Why files of ``kind`` are not repaired (``None``: they are)."""
    return REASONS.get(kind)
