"""Where the shared test data lives, and loaders for it (tests and scripts).

The project's data sits in ``../shared`` beside the checkout (CI clones the
repository with ``shared/`` beside it). ``TEXTFIX_SHARED`` overrides that.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"


def shared_dir() -> Path | None:
    env = os.environ.get("TEXTFIX_SHARED")
    candidates = [Path(env)] if env else []
    candidates += [REPO.parent / "shared", REPO / "shared"]
    for c in candidates:
        if (c / "peer-data").is_dir():
            return c
    return None


def peer_data(name: str) -> Path | None:
    base = shared_dir()
    if base is None:
        return None
    p = base / "peer-data" / name
    return p if p.exists() else None


CLEAN_FOLDERS = {
    "zh-hans": ["news_zh_xwlb", "ud_zh_gsdsimp_hans", "ud_zh_cfl_hans"],
    "zh-hant": ["wiki_zh_drcd_hant", "ud_zh_gsd_hant", "ud_zh_hk_hant"],
    "en": ["news_en_bbc", "ud_en_ewt"],
}


def clean_docs(folder: str, limit: int | None = None) -> list[tuple[str, str]]:
    """``(name, text)`` of the clean documents in ``peer-data/clean/<folder>``,
    sorted by name; empty when the data is absent."""
    base = peer_data(f"clean/{folder}")
    if base is None:
        return []
    files = sorted(p for p in base.glob("*.txt"))
    if limit is not None:
        files = files[:limit]
    return [(p.name, p.read_text(encoding="utf-8")) for p in files]


def clean_group(group: str, limit_per_folder: int | None = None) -> list[tuple[str, str]]:
    """All clean documents of one group: ``zh-hans``, ``zh-hant`` or ``en``."""
    docs = []
    for folder in CLEAN_FOLDERS[group]:
        docs += [(f"{folder}/{n}", t) for n, t in clean_docs(folder, limit_per_folder)]
    return docs


def seed(prefix: str) -> str:
    return next((FIXTURES / "seeds").glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def expected(prefix: str, ext: str = "txt") -> str:
    return next((FIXTURES / "expected").glob(f"{prefix}_*.{ext}")).read_text(encoding="utf-8")


LANG_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "lang"
LANGS = ("ja", "yue", "ko", "ru")


def _russian_paragraphs() -> list[str]:
    """Titles and descriptions of the KOI8-R news feeds of char-dataset
    (tests/data/lang/PROVENANCE.md): read here, never copied into the repo."""
    import html
    import re

    folder = peer_data("char-dataset")
    if folder is None:
        return []
    seen: set[str] = set()
    out = []
    for path in sorted((folder / "koi8_r").glob("*.xml")):
        text = path.read_bytes().decode("koi8-r", "replace")
        for m in re.finditer(r"<(title|description)>(.*?)</\1>", text, re.S):
            body = re.sub(r"<!\[CDATA\[(.*?)\]\]>", r"\1", m.group(2), flags=re.S)
            body = html.unescape(re.sub(r"<[^>]+>", " ", html.unescape(body)))
            body = " ".join(body.split())
            if len(body) >= 40 and len(re.findall("[а-яА-ЯёЁ]", body)) > len(body) / 2 and body not in seen:
                seen.add(body)
                out.append(body)
    return out


def lang_paragraphs(lang: str, half: str = "all") -> list[str]:
    """Clean paragraphs of one language of :data:`LANGS`; ``half`` is
    ``dev`` (even paragraphs), ``heldout`` (odd) or ``all``."""
    if lang == "ru":
        paras = _russian_paragraphs()
    else:
        paras = [p.strip() for p in (LANG_DIR / f"{lang}.txt").read_text(encoding="utf-8").split("\n\n") if p.strip()]
    if half == "dev":
        return paras[0::2]
    if half == "heldout":
        return paras[1::2]
    return paras
