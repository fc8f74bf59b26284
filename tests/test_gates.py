"""Speed-ups of cheap gates must give exactly the answers of what they replace."""

from __future__ import annotations

import json

import corpora
from ftfy.badness import is_bad

from textfix.passes.mojibake import _badness_hints, _is_bad
from textfix.textutil import EMAIL_RE, URL_RE, protected_spans


def _texts() -> list[str]:
    texts = [corpora.seed(p) for p in ("000", "001", "003")]
    base = corpora.peer_data("ftfy")
    if base is not None:
        for name in ("in-the-wild.json", "synthetic.json", "negative.json", "known-failures.json"):
            path = base / name
            if path.exists():
                for case in json.loads(path.read_text(encoding="utf-8")):
                    texts += [case[k] for k in ("original", "fixed", "fixed-encoding") if isinstance(case.get(k), str)]
    for folder in ("news_en_bbc_defective", "ud_en_ewt", "wiki_zh_drcd_hant"):
        texts += [t for _, t in corpora.clean_docs(folder, 40)]
    return texts + [line for t in texts for line in t.split("\n")]


def test_windowed_is_bad_equals_ftfy():
    assert _badness_hints() is not None  # the fast path is in use
    texts = _texts()
    texts += ["Ã©", "x Ã", "Ã ", "Â ", "cafÃ©" * 3, "×¢×‘×¨×™×ª", "â€œquotedâ€\x9d", "naÃ¯ve — “ok”", "ÃƒÂ©"]
    # more real mojibake, so the check means something without ../shared's ftfy cases
    texts += ["The cafÃ© served rÃ©sumÃ©s", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "seÃ±or", "Ã¼ber", "donâ€™t", "Ã§a va", "Ã…land"]
    positives = [t for t in texts if is_bad(t)]
    assert len(positives) >= 10
    assert [t for t in texts if _is_bad(t) != is_bad(t)] == []


def test_protected_spans_equal_full_scans():
    texts = _texts() + ["see WWW.Example.org/x", "mail a.b@c.io now", "ftp://h/p and http://x.y"]
    for t in texts:
        spans = sorted([m.span() for m in URL_RE.finditer(t)] + [m.span() for m in EMAIL_RE.finditer(t)])
        merged: list[tuple[int, int]] = []
        for s, e in spans:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        assert protected_spans(t) == merged
