"""``lossy-bytes`` (GBK misalignment): pinyin injected between the two bytes
of a GBK character, so the rest of the run decoded shifted by one byte.

Content farms insert readings with a find/replace on GBK bytes
(shared/research/chinese.md §1.2). A match can straddle two characters:
in 向為計 = CF F2 | 9E E9 | D3 8B the pair F2 9E reads 驗 (yàn), so "(yàn)"
went in after 9E. The site's decoder then turned 9E plus the "(" into "?",
read E9 D3 as 橛 and 8B plus the next "(" as "?" again: "向?yàn)橛?jì)算".

Repair (research §1.4 item 3): encode the line back to GBK, drop the
injected readings, and fill each lost byte X so that (previous byte, X)
decodes to a character read as the injected syllable. A "?" that the
rebuilt stream reaches in the middle of a character (the run ended at an
ASCII byte) is a lost trail byte with no reading to constrain it. The
candidates are few; they are ranked by a character model (the document's
own character counts, the characters the document itself annotates, and
the Chinese character frequencies in ``textfix/data/charfreq.tsv`` when
shipped, else GB2312 level-1 membership). The repair is applied when the
rebuilt line decodes strictly and the best candidate wins by a clear margin;
otherwise the run is flagged (``after=None``) with the best guess in the
message.

>>> from textfix.passes.gbk_misalign import restore_line
>>> restore_line("安德烈的研究方向?yàn)橛?jì)算機視覺")[0]
'安德烈的研究方向為計算機視覺'
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from dataclasses import dataclass, field

import regex

from ..config import Config
from ..model import Finding, Profile
from ..textutil import iter_lines
from . import Pass
from .pinyin import LETTERS, TONED, all_syllables, default_readings, evidence, nfc, readings

# "?" (or U+FFFD) standing for a lost byte plus the swallowed "(", then the
# injected syllable and ")". The "(" may also have survived.
_GATE_RE = regex.compile(rf"[?\ufffd]\(?[{LETTERS}]{{0,7}}[{TONED}][{LETTERS}]{{0,7}}\)")
_MARK_RE = regex.compile(rf"[?\ufffd]\(?(?P<syl>[{LETTERS}]{{1,8}})\)")
_HAN_RE = regex.compile(r"\p{Han}")

_MAX_STATES = 64  # beam width
_CANDIDATE_BYTES = range(0x80, 0xFF)


# --------------------------------------------------------------------------
# Character model


@functools.lru_cache(maxsize=1)
def _freq() -> dict[str, float]:
    """zh character log10 frequencies from charfreq.tsv (empty if absent)."""
    from ..resources import read_data_lines

    out: dict[str, float] = {}
    try:
        for line in read_data_lines("charfreq.tsv"):
            if line.startswith("zh\t"):
                _, gram, cost = line.split("\t")
                if len(gram) == 1:
                    out[gram] = -int(cost) / 100
    except (OSError, ValueError):  # data file not shipped: fall back to GB2312 levels
        return {}
    return out


@functools.lru_cache(maxsize=65536)
def _prior(ch: str) -> float:
    """log10 prior of a character, from the frequency list or GB2312 level."""
    from .pinyin import _variant_tables

    s2t, t2s = _variant_tables()
    freq = _freq()
    forms = [ch, t2s.get(ch, ch), s2t.get(ch, ch)]
    if freq:
        best = max((freq[c] for c in forms if c in freq), default=None)
        if best is not None:
            return best
    for c in forms:
        try:
            b = c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        if len(b) == 2 and 0xB0 <= b[0] <= 0xD7:
            return -4.0  # level 1: the 3,755 common characters
        if len(b) == 2 and 0xD8 <= b[0] <= 0xF7:
            return -5.5  # level 2
        if len(b) == 2 and b[0] == 0xA1:
            return -4.0  # CJK punctuation row
    if _HAN_RE.match(ch):
        return -6.5
    return -8.0


@dataclass
class DocModel:
    counts: Counter
    total: int
    annotated: frozenset[str]  # characters the document annotates itself

    def logp(self, ch: str) -> float:
        p_doc = self.counts.get(ch, 0) / self.total if self.total else 0.0
        p = 0.5 * p_doc + 0.5 * 10 ** _prior(ch)
        return math.log10(p) if p > 0 else -9.0


def doc_model(text: str) -> DocModel:
    from .pinyin import _classify

    counts = Counter(c for c in text if ord(c) > 0x7F)
    ann = frozenset(a.char for a in _classify(text) if a.kind == "aligned" and a.ascii_parens)
    return DocModel(counts, sum(counts.values()), ann)


# --------------------------------------------------------------------------
# Reconstruction


@dataclass
class _State:
    out: list = field(default_factory=list)  # decoded characters
    pending: int | None = None  # a lead byte waiting for its trail
    last: int | None = None  # last byte of the rebuilt stream
    score: float = 0.0
    choices: tuple = ()
    guessed: int = 0  # trail bytes chosen without a reading to constrain them

    def copy(self) -> "_State":
        return _State(list(self.out), self.pending, self.last, self.score, self.choices, self.guessed)


def _feed(state: _State, b: int) -> bool:
    """Feed one byte; False when the stream becomes invalid."""
    if state.pending is None:
        if b < 0x80:
            state.out.append(chr(b))
        elif 0x81 <= b <= 0xFE:
            state.pending = b
        else:
            return False
    else:
        try:
            ch = bytes((state.pending, b)).decode("gbk")
        except UnicodeDecodeError:
            return False
        state.out.append(ch)
        state.pending = None
    state.last = b
    return True


@functools.lru_cache(maxsize=65536)
def _hole_candidates(prev: int, syl: str) -> tuple[tuple[int, str, bool], ...]:
    """Bytes X with (prev, X) a GBK character read ``syl``: (X, char, default reading)."""
    out = []
    if prev < 0x81 or prev > 0xFE:
        return ()
    for x in _CANDIDATE_BYTES:
        try:
            ch = bytes((prev, x)).decode("gbk")
        except UnicodeDecodeError:
            continue
        if syl in readings(ch):
            out.append((x, ch, syl in default_readings(ch)))
    return tuple(out)


@functools.lru_cache(maxsize=256)
def _trail_candidates(lead: int) -> tuple[tuple[int, str], ...]:
    out = []
    for x in _CANDIDATE_BYTES:
        try:
            out.append((x, bytes((lead, x)).decode("gbk")))
        except UnicodeDecodeError:
            continue
    return tuple(out)


@dataclass
class Restoration:
    text: str  # the rebuilt line
    margin: float  # log10 gap to the runner-up (inf when unique)
    guessed: int  # lost bytes chosen by the character model alone
    holes: int  # lost bytes constrained by a reading
    choices: tuple  # (char made by the straddle, syllable) per hole


def restore_line(line: str, model: DocModel | None = None) -> tuple[str, float] | None:
    """The line rebuilt through GBK, with its margin (doctest helper)."""
    r = reconstruct(line, model or doc_model(line))
    return (r.text, r.margin) if r else None


def reconstruct(line: str, model: DocModel) -> Restoration | None:
    """Rebuild ``line`` through GBK; None when no consistent byte stream exists."""
    marks = {m.start(): m for m in _MARK_RE.finditer(line) if nfc(m.group("syl")) in all_syllables()}
    if not marks:
        return None
    states = [_State()]
    i = 0
    n = len(line)
    holes = 0
    while i < n:
        m = marks.get(i)
        new_states: list[_State] = []
        if m is not None:
            syl = nfc(m.group("syl"))
            holes += 1
            for st in states:
                if st.last is None:
                    continue
                for x, ch, is_default in _hole_candidates(st.last, syl):
                    s2 = st.copy()
                    if not _feed(s2, x):
                        continue
                    bonus = 0.0 if is_default else -1.5
                    if ch in model.annotated:
                        bonus += 1.0
                    s2.score += bonus + model.logp(ch)
                    s2.choices = st.choices + ((ch, syl),)
                    new_states.append(s2)
            i = m.end()
        else:
            c = line[i]
            if c in "?\ufffd":
                for st in states:
                    if st.pending is not None:  # a lost trail byte
                        lead = st.pending
                        for x, _ch in _trail_candidates(lead):
                            s2 = st.copy()
                            if _feed(s2, x):
                                s2.guessed += 1
                                new_states.append(s2)
                    elif c == "?":
                        s2 = st.copy()
                        _feed(s2, 0x3F)
                        new_states.append(s2)
                    else:
                        s2 = st.copy()
                        s2.out.append(c)
                        s2.last = None
                        new_states.append(s2)
            else:
                try:
                    bs = c.encode("gbk")
                except UnicodeEncodeError:
                    bs = None
                for st in states:
                    if bs is None:
                        if st.pending is not None:
                            continue
                        s2 = st.copy()
                        s2.out.append(c)
                        s2.last = None
                        new_states.append(s2)
                        continue
                    s2 = st.copy()
                    ok = True
                    for b in bs:
                        if not _feed(s2, b):
                            ok = False
                            break
                    if ok:
                        new_states.append(s2)
            i += 1
        if not new_states:
            return None
        if len(new_states) > _MAX_STATES:
            for st in new_states:
                st.score = _score(st, model)
            new_states.sort(key=lambda s: -s.score)
            new_states = new_states[:_MAX_STATES]
        states = new_states
    finals = [st for st in states if st.pending is None]
    if not finals:
        return None
    scored = sorted(((_score(st, model), st) for st in finals), key=lambda t: -t[0])
    best_score, best = scored[0]
    margin = math.inf
    for sc, st in scored[1:]:
        if "".join(st.out) != "".join(best.out):
            margin = best_score - sc
            break
    return Restoration("".join(best.out), margin, best.guessed, holes, best.choices)


def _score(st: _State, model: DocModel) -> float:
    """Bonuses collected at the holes plus the log-likelihood of the decoded
    characters (every candidate has the same byte structure, so totals are
    comparable)."""
    return st.score + sum(model.logp(c) for c in st.out if ord(c) > 0x7F)


# --------------------------------------------------------------------------


class GbkMisalignPass(Pass):
    kind = "lossy-bytes"

    def gate(self, text: str, profile: Profile) -> bool:
        # the syllable carries a tone mark, which is never ASCII
        return not text.isascii() and _GATE_RE.search(text) is not None

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        model = None
        ev = None
        out: list[Finding] = []
        for start, end, line in iter_lines(text):
            if not _GATE_RE.search(line):
                continue
            if model is None:
                model = doc_model(text)
                ev = evidence(text)
            r = reconstruct(line, model)
            if r is None or r.text == line:
                for m in _GATE_RE.finditer(line):
                    out.append(self.finding(
                        text, start + m.start(), start + m.end(), None, 0.9,
                        "a GBK byte was lost where a reading was injected inside a character; "
                        "no consistent byte stream rebuilds this line",
                        detail="gbk-misalign", rule="gbk-misalign-unrestorable",
                    ))
                continue
            conf = self._confidence(r, ev.injected if ev else False)
            for a, b, after in _changed_regions(line, r.text):
                before = line[a:b]
                restored = ", ".join(f"{ch} ({syl})" for ch, syl in r.choices)
                if conf >= 0.8:
                    msg = (f"GBK misalignment rebuilt: injected readings straddled characters ({restored}); "
                           f"lost bytes restored (margin {_fmt(r.margin)})")
                    out.append(self.finding(text, start + a, start + b, after, conf, msg,
                                            detail="gbk-misalign", rule="gbk-misalign-restore"))
                else:
                    msg = (f"GBK misalignment: bytes lost where readings straddled characters; best guess "
                           f"{after!r} (margin {_fmt(r.margin)}) is not sure enough to apply")
                    out.append(self.finding(text, start + a, start + b, None, 0.9, msg,
                                            detail="gbk-misalign", rule="gbk-misalign-flag"))
        return out

    @staticmethod
    def _confidence(r: Restoration, injected: bool) -> float:
        if r.margin >= 2.0:
            conf = 0.95
        elif r.margin >= 1.0:
            conf = 0.9
        elif r.margin >= 0.5:
            conf = 0.8
        else:
            conf = 0.5
        if r.guessed:
            conf -= 0.1 * r.guessed
        if not injected:
            conf -= 0.05
        return round(max(conf, 0.0), 3)


def _fmt(m: float) -> str:
    return "unique" if math.isinf(m) else f"{m:.1f}"


def _changed_regions(a: str, b: str) -> list[tuple[int, int, str]]:
    """Regions of ``a`` that differ from ``b``: (start, end, replacement)."""
    import difflib

    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    regions: list[list] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        if regions and i1 - regions[-1][1] <= 2:
            r = regions[-1]
            r[1] = i2
            r[3] = j2
        else:
            regions.append([i1, i2, j1, j2])
    return [(i1, i2, b[j1:j2]) for i1, i2, j1, j2 in regions]


PASS = GbkMisalignPass()
