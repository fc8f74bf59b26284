"""``stray-punctuation``: injected comma runs collapse to the intended mark.

Scraped Chinese pages carry ASCII commas injected before punctuation marks:
``,,`` ``,。`` ``,?`` ``,、`` (SPEC §3). A comma directly before another
mark is never what the writer meant: drop it and keep the mark that
follows.

* Before a fullwidth/CJK mark (``,。`` ``,、`` ``,，`` ``,？``) the comma goes,
  wherever it stands.
* Before an ASCII mark (``,,`` ``,?`` ``,!`` ``,;`` ``,:``) only in CJK
  context (a CJK neighbour, directly or across one Latin token), so CSV
  fields (``a,,b``) and English text are left alone.

The mark that remains takes the document's width: in a document whose
punctuation is fullwidth it is widened at once (``,,`` → ``，``); in a
document that ``cjk-punctuation`` judges flattened it stays ASCII for that
pass to restore with the rest (so the final text is the same, and that
pass's document evidence is not skewed by marks this pass widened).
"""

from __future__ import annotations

import re

from ..config import Config
from ..model import Finding, Profile, make_finding
from . import Pass
from .cjk_punctuation import (
    FULLWIDTH,
    _Ctx,
    _in,
    _tabular_or_code,
    kind_confidence,
    mark_kind,
    protected_positions,
    scan,
)

# A run: one or more ASCII commas, then the mark they were injected before.
_RUN_RE = re.compile(r",+(?=[,?!;:。、，？！；：])")
_GATE_RE = re.compile(r",[,?!;:。、，？！；：]")


class StrayPunctuationPass(Pass):
    kind = "stray-punctuation"

    def gate(self, text: str, profile: Profile) -> bool:
        if profile.share("Han") + profile.share("Kana") <= 0:
            return False
        return _GATE_RE.search(text) is not None

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        if _tabular_or_code(text):  # looks_tabular(text) or looks_like_code(text)
            return []
        spans = protected_positions(text)
        starts = [s for s, _ in spans]
        ctx = _Ctx(text, set())
        ev = None
        flat_by_kind: dict[str, bool] = {}  # mark kind -> flattened (the evidence is the document's)
        out: list[Finding] = []
        for m in _RUN_RE.finditer(text):
            start, end = m.span()
            if spans and (_in(start, spans, starts) or _in(end - 1, spans, starts)):
                continue
            mark_pos = end  # the greedy run stops before the mark it was injected before
            if spans and _in(mark_pos, spans, starts):
                continue
            mark = text[mark_pos]
            if mark in FULLWIDTH or mark == ",":
                # ASCII follower: CJK context required
                if not (ctx.left_cjk(start) or ctx.right_cjk(mark_pos + 1)):
                    continue
                if ev is None:
                    # judge the text as cjk-punctuation will see it: runs collapsed
                    ev = scan(_RUN_RE.sub("", text), profile)
                kind = mark_kind(mark)
                flattened = flat_by_kind.get(kind)
                if flattened is None:
                    flattened = flat_by_kind[kind] = (
                        ev.ascii > 0 and kind_confidence(ev, kind, profile) >= config.threshold
                    )
                after = mark if flattened else FULLWIDTH[mark]
                note = " (the document's punctuation is flattened: cjk-punctuation widens it)" if flattened else ""
                if mark == "," and (
                    profile.language == "ja"  # Japanese writes 、, not ，
                    or (start > 0 and text[start - 1].isdigit() and text[mark_pos + 1 : mark_pos + 2].isdigit())
                ):
                    after, note = ",", ""  # and a doubled thousands separator: 1,,000
                rule = "comma-run-ascii"
            else:
                after = mark
                note = ""
                rule = "comma-before-cjk-mark"
            before = text[start : mark_pos + 1]
            message = f"injected comma run '{before}' collapsed to '{after}'{note}"
            out.append(make_finding(self.kind, start, mark_pos + 1, before, after, 0.9, message, None, rule))
        return out


PASS = StrayPunctuationPass()
