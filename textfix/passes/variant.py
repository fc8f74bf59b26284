"""``variant-residue``: simplified characters left in a Traditional text by a
naive converter (處于, 一年多后, 并沒有, 干脆, 什么, 這里), and the mirror case
(Traditional characters left in a Simplified text).

Rule (SPEC §3). In a document whose dominant variant is Traditional, a
character is a *candidate* when it is a simplified form: OpenCC's
single-character conversion (``s2t``, or the regional ``s2tw``/``s2hk``)
changes it and ``t2s`` leaves it alone, so 后, 于, 里, 并, 么 are candidates
and 布, 板, 制 (OpenCC's first candidate is the character itself) never are.
The replacement is what OpenCC's phrase-aware conversion puts at that
position, computed on the document with its Traditional characters folded to
Simplified first, so that OpenCC's phrase tables see whole words (头发→頭髮
even when only 发 was left behind, 干脆→乾脆, 皇后 stays 皇后). Only
one-for-one character edits are made; a line where a phrase changes the
length is left alone.

Regional form (裏/裡, 臺/台, 爲/為, 衆/眾): the outputs of ``s2t``, ``s2tw``
and ``s2hk`` at the position are the choices; the one the document itself
writes most wins, then the one whose regional standard the document's other
regional forms follow (為 rather than 爲 → 眾 rather than 衆); then, for a
form no other character marks (裡: Taiwan alone), the one whose standard
the document's regional forms do not contradict, when they contradict the
default's standards at least twice (為 ×2 rules out OpenCC standard, 說 ×2
Hong Kong: 裡); without such evidence, OpenCC standard (``s2t``), as SPEC
asks (seed 001: 里 → 裏; one 說 is not enough).

Nothing is changed unless the document shows converter damage: residue that
needs no context (*hard* characters, and character-tier ones inside an OpenCC
phrase that converts them) of at least two different characters, at least
two per 1,000 Han characters. A clean text quoting a name (梁頌恒, 黃圃腊味)
stays as it is. Sure residue is never regional or word-tier, nor
character-tier outside every converting OpenCC phrase, so when the
candidates left cannot meet that bar, ``detect`` returns before any OpenCC
call (exact: same findings; most clean Traditional text ends there: detect
over the 865 gated clean documents of DRCD, GSD and xwlb 0.50 s → 0.022 s;
with the phrase look-up, bench.py's clean part 6.3 → 1.9 ms). Then, by
class of the candidate:

* *hard* (发, 说, 国, 么, 并: OpenCC does not list the character as a
  Traditional form of its own, or hardly ever keeps it in a phrase):
  converted, unless the text writes the same word with it again and again
  and never the converted form (a name);
* *character tier* (后, 于, 干, 云, 几 ...: OpenCC lists the character as its
  own candidate and keeps it in 20+ phrases, but converts it in many more):
  converted when the text writes the converted form in the same word
  elsewhere, or inside a converting OpenCC phrase (之后, 由于), or when the
  converted form is at least as frequent in the text as this residue, or
  when it is the character's only occurrence;
* *word tier* (里, 占, 采, 游, 征, 岩 ...: kept in 25 %+ of OpenCC's phrases
  for it: transliterations 埃里克, and Taiwan's own 占領/岩石): converted only
  on same-word evidence; otherwise flagged when the text writes the
  converted form elsewhere;
* *regional* (a regional standard keeps it: 台 in Hong Kong, 群/峰/床 in
  Taiwan, 温/脱/户 in Hong Kong, 着 in OpenCC standard): converted on
  same-word evidence, or when the converted form outnumbers it three to one,
  or for a single Hong Kong form in a text that follows another standard; 台,
  which OpenCC lists as a form of its own and Taiwan writes every day (台北
  beside 臺灣), needs the same word twice and never the other way.

A *naive converter* (every one-to-many character skipped: several character-
and word-tier residues and not one converted form anywhere, seed 001) gets
its tiers converted without further evidence; there a word written again
and again with a hard residue (证券 ×5) is residue too when the other hard
residue (three characters, five positions or more) is mostly undone.

*Clean-text prior* (``variant_prior.tsv``, character and word tiers, to
Traditional): how clean Traditional text writes the character where OpenCC
converts it, inside a converting OpenCC phrase or not (采 in a phrase: 183
採 / 1 采; 占: 130 佔 / 139 占, Taiwan writes 占領; 里 outside a phrase: 50 /
113, transliterations). The prior odds times the document's damage rate
(hard residue / (hard residue + the converted forms it writes): a few per
cent for scattered residue, 1 for a naive converter) are the odds that the
character is residue: at 2 or more it is converted (``*-prior``), under 0.25
kept (or flagged), in between the rules above decide. Built by
``scripts/eval_variant.py build-prior`` from Taiwan Wikipedia text the
evaluation holds out (DRCD documents 201-761).

Confidence: 0.95 hard, 0.85 hard with several Traditional candidates (发 發/髮,
复, 历, 钟, 系), 0.82 for the tiers (applied at the default threshold 0.8), 0.6
flags. The mirror case (Traditional residue in a Simplified document) uses
``t2s`` with the same rules; Traditional characters that Simplified text also
keeps in phrases (乾隆, 瞭望) are its character tier.

Measured by ``scripts/eval_variant.py --limit 200`` (see its docstring):
documents restored exactly, zh-hant random 81.3 %, random-all 68.0 %, naive
45.2 %; zh-hans random 96.2 %, random-all 95.6 %; clean documents changed
0/623 (0/2,616 on all clean Chinese).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

import regex

from ..cache import derived
from ..config import Config
from ..model import Finding, Profile
from ..resources import char_class, han_tables, opencc, read_data_lines
from ..textutil import in_spans, merge_spans, protected_spans
from . import Pass

DATA_FILE = "variant_forms.tsv"
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_REGIONS = ("s2t", "s2tw", "s2hk")  # first = default (OpenCC standard)

CONF_HARD = 0.95
CONF_HARD_MULTI = 0.85  # several Traditional candidates: 发 發/髮, 复 復/複 ...
CONF_SOFT = 0.82  # self-valid or regional character, with document evidence
CONF_FLAG = 0.6  # residue-like, but the document does not say


@dataclass(frozen=True)
class _Side:
    """Everything one direction (to Traditional, to Simplified) needs."""

    configs: tuple[str, ...]  # OpenCC configs giving the choices; first = default
    fold: dict[int, str]  # str.translate table folding the other variant into this one's source
    candidates: "regex.Pattern[str]"  # characters that may be residue
    possible: "regex.Pattern[str]"  # candidates that can be sure residue (neither regional nor word tier)
    char_tier: frozenset[str]  # also native in the target variant, but rarely: 后, 于, 干
    word_tier: frozenset[str]  # native in the target variant often: 里 (公里, 埃里克), 岳, 咸
    self_listed: frozenset[str]  # OpenCC lists the character among its own candidates: 台, 后, 涌
    one_to_one: "regex.Pattern[str]"  # source-variant characters with a single target candidate
    markers: dict[str, tuple[bool, ...]]  # regional form -> which configs keep it (see _markers)
    phrases: dict[str, str]  # OpenCC phrases converting a self-valid character: 游戏 → 遊戲
    regional: frozenset[str]  # some regional standard keeps the character
    multi: frozenset[str]  # several non-self candidates
    prior: dict[str, tuple[int, int, int, int]]  # clean-text usage (see _prior); to Traditional only
    word: str  # "simplified" / "traditional" (for messages)
    target: str  # "Traditional" / "Simplified"


_HAN = regex.compile(r"\p{Han}")
_HAN_RUN = regex.compile(r"\p{Han}+")  # counting runs: 5x faster than one match per character


@functools.lru_cache(maxsize=None)
def _cantonese_table() -> tuple[str, frozenset[str]]:
    """``(markers, usage)`` of ``cantonese_chars.tsv``."""
    rows = dict(line.split("\t", 1) for line in read_data_lines(CANTONESE_FILE))
    return rows["marker"].strip(), frozenset(rows["usage"].strip())


CANTONESE_FILE = "cantonese_chars.tsv"
# Occurrences of Cantonese marker characters (嘅 咗 喺 嘢 ...) from which a
# text is written Cantonese.
MIN_MARKERS = 2


def _cantonese_usage(text: str) -> frozenset[str]:
    """The characters written Cantonese keeps as they are (晒, 吓: not
    residue) when ``text`` is Cantonese, else the empty set."""
    markers, usage = _cantonese_table()
    if not any(c in text for c in usage):
        return frozenset()
    n = 0
    for c in markers:
        n += text.count(c)
        if n >= MIN_MARKERS:
            return usage
    return frozenset()


@functools.lru_cache(maxsize=None)
def _function_chars() -> frozenset[str]:
    return frozenset("".join(read_data_lines("variant_function_chars.txt")))


def _char_class(chars) -> "re.Pattern[str]":
    return re.compile(char_class(chars))


def _side_class(chars) -> "re.Pattern[str]":
    """:func:`_char_class` for the big classes of a :class:`_Side` (built once
    per process)."""
    return re.compile(char_class(chars))


@derived()
def _forms() -> dict[str, dict[str, list[str]]]:
    """The tagged lines of :data:`DATA_FILE` (``tag -> key -> values``):
    kept on disk (reading the file is 15 ms)."""
    tables: dict[str, dict[str, list[str]]] = {t: {} for t in ("st", "ts", "tw", "hk", "sk", "tk", "sp", "tp", "mk")}
    for line in read_data_lines(DATA_FILE):
        tag, key, values = line.split("\t")
        tables[tag][key] = values.split()
    return tables


PRIOR_FILE = "variant_prior.tsv"


@functools.lru_cache(maxsize=None)
def _prior() -> dict[str, tuple[int, int, int, int]]:
    """How clean Traditional text writes a character- or word-tier or
    regional candidate where OpenCC converts it: ``(converted, kept)``
    inside an OpenCC phrase that converts it, then ``(converted, kept)``
    elsewhere (data file built by ``scripts/eval_variant.py build-prior``
    from Taiwan Wikipedia text that the evaluation holds out)."""
    out = {}
    for line in read_data_lines(PRIOR_FILE):
        c, phrase, other = line.split("\t")
        out[c] = (*map(int, phrase.split()), *map(int, other.split()))
    return out


def _single(config: str, chars: list[str]) -> dict[str, str]:
    out = opencc(config).convert("\n".join(chars)).split("\n")
    return dict(zip(chars, out)) if len(out) == len(chars) else {c: opencc(config).convert(c) for c in chars}


# A character OpenCC lists among its own candidates counts as natively used
# when at least this many OpenCC phrases keep it unconverted; below that its
# native use is too rare to matter (万, 种, 广, 据) and it is hard residue.
_MIN_KEPT_PHRASES = 20


def _tiers(stats: dict[str, list[str]], cands: set[str], word_ratio: float) -> tuple[set[str], set[str]]:
    """Split self-valid characters by how often OpenCC's phrase table keeps
    them: a high share of kept phrases (里: 867 kept / 545 converted) means
    the native use is common, so only word-level evidence will do."""
    char_tier, word_tier = set(), set()
    for c, (kept, conv) in ((c, map(int, v)) for c, v in stats.items()):
        if c not in cands or kept < _MIN_KEPT_PHRASES:
            continue
        (word_tier if kept / (kept + conv) >= word_ratio else char_tier).add(c)
    return char_tier, word_tier


def _markers(cands: set[str]) -> dict[str, tuple[bool, ...]]:
    """Traditional characters whose form depends on the regional standard,
    with the standards (in :data:`_REGIONS` order) that write them so:
    為 → (False, True, True) (OpenCC standard writes 爲), 説 → (False, False,
    True), 裏 → (True, False, True). A document's use of these forms tells
    which standard it follows. (``mk`` lines of the data file.)"""
    return {c: tuple(x == "1" for x in v[0]) for c, v in _forms()["mk"].items() if c not in cands}


@derived(deps=("opencc",))
def _regional_singles() -> tuple[list[str], dict[str, str], dict[str, str]]:
    """``(chars, s2tw, s2hk)``: the characters that can convert (those in
    OpenCC's tables: the simplified forms, the Traditional ones, and the keys
    and values of the regional tables), with their single-character
    ``s2tw`` and ``s2hk`` conversions. Kept on disk: a process then loads
    those two converters (60 ms) only when a text needs them."""
    s2t, t2s = han_tables()
    forms = _forms()
    regional_table_chars = {c for tag in ("tw", "hk") for k, v in forms[tag].items() for c in (k, *v)}
    chars = sorted(set(s2t) | set(t2s) | set(forms["st"]) | regional_table_chars)
    return chars, _single("s2tw", chars), _single("s2hk", chars)


@functools.lru_cache(maxsize=None)
def _to_traditional() -> _Side:
    s2t, t2s = han_tables()
    forms = _forms()
    chars, tw, hk = _regional_singles()
    extra = {c for c in chars if c not in t2s and (len(tw[c]) == 1 and tw[c] != c or len(hk[c]) == 1 and hk[c] != c)}
    # Keep only characters some config maps to a different single character
    # that t2s does not fold back (a Traditional-only form would be evidence
    # against, not for, residue).
    cands = (set(s2t) | extra) - set(t2s)
    regional = {c for c in cands if tw.get(c) == c or hk.get(c) == c or (c in extra and c not in s2t)}
    char_tier, word_tier = _tiers(forms["sk"], cands, word_ratio=0.25)
    multi = {k for k, v in forms["st"].items() if len([x for x in v if x != k]) > 1} & cands
    return _Side(
        configs=_REGIONS,
        fold=str.maketrans(t2s),
        candidates=_side_class(cands),
        possible=_side_class(cands - regional - set(word_tier)),
        char_tier=frozenset(char_tier),
        word_tier=frozenset(word_tier),
        self_listed=frozenset(forms["sk"]),
        one_to_one=_side_class(set(s2t) - set(forms["st"])),
        markers=_markers(cands),
        phrases={k: v[0] for k, v in forms["sp"].items()},
        regional=frozenset(regional),
        multi=frozenset(multi),
        prior=_prior(),
        word="simplified",
        target="Traditional",
    )


@functools.lru_cache(maxsize=None)
def _to_simplified() -> _Side:
    s2t, t2s = han_tables()
    forms = _forms()
    cands = set(t2s)
    # TSPhrases lists few conversions, so its ratios say little: every
    # Traditional character Simplified text keeps in some phrase (乾隆, 於菟)
    # is in the character tier.
    char_tier, word_tier = _tiers(forms["tk"], cands, word_ratio=2.0)
    multi = {k for k, v in forms["ts"].items() if len([x for x in v if x != k]) > 1} & cands
    return _Side(
        configs=("t2s",),
        fold=str.maketrans(s2t),
        candidates=_side_class(cands),
        possible=_side_class(cands - set(word_tier)),
        char_tier=frozenset(char_tier),
        word_tier=frozenset(word_tier),
        self_listed=frozenset(forms["tk"]),
        one_to_one=_side_class(set(t2s) - set(forms["ts"])),
        markers={},
        phrases={k: v[0] for k, v in forms["tp"].items()},
        regional=frozenset(),
        multi=frozenset(multi),
        prior={},
        word="traditional",
        target="Simplified",
    )


def aligned_convert(config: str, text: str) -> str:
    """OpenCC ``config`` over ``text``, guaranteed to keep the length: where
    a phrase changes the length, that line keeps its input characters (no
    proposal there)."""
    conv = opencc(config)
    out = conv.convert(text)
    if len(out) == len(text):
        return out
    parts = []
    for line in text.splitlines(keepends=True):
        conv_line = conv.convert(line)
        parts.append(conv_line if len(conv_line) == len(line) else line)
    return "".join(parts)


# OpenCC's s2tw and s2hk are s2t followed by the Taiwan / Hong Kong variant
# tables (single characters), which t2tw / t2hk apply alone: run on s2t's
# output they give the same text (checked on the clean corpora) in a tenth
# of the time a second full conversion takes.
_AFTER_S2T = {"s2tw": "t2tw", "s2hk": "t2hk"}


def converted_at(config: str, text: str, positions: list[int]) -> dict[int, str]:
    """``aligned_convert(config, text)[pos]`` for each of ``positions``."""
    return converted_at_all((config,), text, positions)[0]


def converted_at_all(configs, text: str, positions: list[int]) -> list[dict[int, str]]:
    """For each of ``configs``, ``aligned_convert(config, text)[pos]`` for
    each of ``positions`` (sorted), converting only the lines that hold one:
    no OpenCC phrase contains a newline, so a line converts the same alone
    as in the whole text. Where those lines change length, the whole text is
    converted."""
    spans: list[tuple[int, int]] = []
    for pos in positions:
        if spans and pos < spans[-1][1]:
            continue
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        spans.append((start, len(text) if end < 0 else end + 1))
    sub = "".join(text[a:b] for a, b in spans)
    s2t = None
    results = []
    for config in configs:
        after = _AFTER_S2T.get(config)
        if after is None:
            out = opencc(config).convert(sub)
            if config == "s2t":
                s2t = out
        else:
            if s2t is None:
                s2t = opencc("s2t").convert(sub)
            out = opencc(after).convert(s2t)
        if len(out) != len(sub):
            whole = aligned_convert(config, text)
            results.append({pos: whole[pos] for pos in positions})
            continue
        result = {}
        k = 0
        offset = 0  # start of the current span in ``sub``
        for a, b in spans:
            while k < len(positions) and positions[k] < b:
                result[positions[k]] = out[offset + positions[k] - a]
                k += 1
            offset += b - a
        results.append(result)
    return results


class _WordEvidence:
    """How the document writes a character in the same two-character word.

    For each position of the characters of interest, the keys are the
    neighbour on each side *as folded to the source variant* (so a damaged
    neighbour still matches) together with the character itself.
    """

    def __init__(self, text: str, ctx: str, chars: set[str]) -> None:
        self.text = text
        self.ctx = ctx
        self.index: Counter = Counter()
        if not chars:
            return
        pattern = _char_class(chars)
        n = len(text)
        for m in pattern.finditer(text):
            j = m.start()
            c = text[j]
            if j > 0:
                self.index[(ctx[j - 1], c, 0)] += 1
            if j + 1 < n:
                self.index[(c, ctx[j + 1], 1)] += 1

    def _keys(self, pos: int, c: str):
        stop = _function_chars()
        if pos > 0:
            left = self.ctx[pos - 1]
            if left not in stop and _HAN.match(left):
                yield (left, c, 0)
        if pos + 1 < len(self.text):
            right = self.ctx[pos + 1]
            if right not in stop and _HAN.match(right):
                yield (c, right, 1)

    def usage(self, pos: int, t: str, s: str) -> tuple[int, int]:
        """``(n_t, n_s)``: other places writing this word with ``t`` / ``s``."""
        n_t = sum(self.index[k] for k in self._keys(pos, t))
        n_s = sum(self.index[k] for k in self._keys(pos, s)) - sum(1 for _ in self._keys(pos, s))
        return n_t, max(n_s, 0)


_SAMPLE = 200_000  # as much text as the profile looks at
_DOMINANT = 0.8


def _direction(text: str, profile: Profile) -> _Side | None:
    """Which way residue is repaired, or ``None``.

    The profile decides clear cases. A *mixed* profile is looked at again:
    a naive converter leaves exactly the characters with several candidates
    (后, 于, 发, 台 ...), which are frequent enough to pull a Traditional
    document below the profile's 80 %; counting only one-to-one characters
    on the other side tells that document from a genuinely mixed one.
    """
    if profile.han_variant == "hant":
        return _to_traditional()
    if profile.han_variant == "hans":
        return _to_simplified()
    if profile.han_variant != "mixed":
        return None
    sample = text[:_SAMPLE]
    ev = profile.han_evidence
    trad, simp = ev.get("traditional", 0), ev.get("simplified", 0)
    simp_1to1 = len(_to_traditional().one_to_one.findall(sample))
    if trad and trad >= _DOMINANT * (trad + simp_1to1):
        return _to_traditional()
    trad_1to1 = len(_to_simplified().one_to_one.findall(sample))
    if simp and simp >= _DOMINANT * (simp + trad_1to1):
        return _to_simplified()
    return None


def _profile_rules_out(text: str, profile: Profile, side: _Side) -> bool:
    """Whether the profile shows fewer than two characters that can be sure
    residue: every one of them is a character the profile counts as
    ``side.word`` evidence (``side.possible`` is a subset of that class), so
    a profile of the whole text that counted fewer than two settles it
    without a scan."""
    return len(text) <= _SAMPLE and profile.han_evidence.get(side.word, 0) < 2


def _outside(positions: list[int], spans: list[tuple[int, int]]) -> list[int]:
    """``positions`` in none of the sorted ``spans``."""
    if not spans:
        return positions
    return [p for p in positions if not in_spans(p, spans)]


def _lines_with(text: str, char: str) -> list[tuple[int, int]]:
    """Spans of the lines of ``text`` that hold ``char``."""
    spans = []
    pos = text.find(char)
    while pos >= 0:
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        spans.append((start, end))
        pos = text.find(char, end)
    return spans


class VariantPass(Pass):
    kind = "variant-residue"

    def gate(self, text: str, profile: Profile) -> bool:
        # No scan at all: the profile already counted both variants. Latin
        # text has no Han variant and costs one attribute lookup.
        variant = profile.han_variant
        if variant is None:
            return False
        if profile.language in ("ja", "ko"):
            return False  # kanji/hanja are neither variant of Chinese
        if variant == "hant" or variant == "mixed":
            return True  # 着-class regional candidates are not in the simplified count
        return variant == "hans" and profile.han_evidence.get("traditional", 0) > 0

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        side = _direction(text, profile)
        if side is None:
            return []
        # Exact first cuts, before listing every candidate: sure residue
        # needs two different characters that can be sure residue.
        if _profile_rules_out(text, profile, side):
            return []
        may_be_sure = [m.start() for m in side.possible.finditer(text)]
        cantonese = _cantonese_usage(text) if side.word == "simplified" else frozenset()
        if cantonese:
            may_be_sure = [p for p in may_be_sure if text[p] not in cantonese]
        if len({text[p] for p in may_be_sure}) < 2:
            return []
        protected = protected_spans(text)
        if "\ufffd" in text:
            # A line that lost bytes in decoding holds mojibake the other
            # passes could not repair (锛, 灏 are GBK readings of UTF-8
            # bytes), not converter residue: converting them spoils it more.
            protected = merge_spans(protected + _lines_with(text, "\ufffd"))
        # The damage test on those positions first: listing every candidate
        # (regional and word-tier ones too) only for a text that can pass.
        n_han = _may_show_damage(text, _outside(may_be_sure, protected), side)
        if n_han is None:
            return []  # exact early exit, before any OpenCC call
        positions = _outside([m.start() for m in side.candidates.finditer(text)], protected)
        if cantonese:
            positions = [p for p in positions if text[p] not in cantonese]
        ctx = text.translate(side.fold)
        outs = converted_at_all(side.configs, ctx, positions)
        counts = Counter(text)
        regional_usage: Counter = Counter()
        # support[k]: how many of the document's regional forms standard k
        # (s2t, s2tw, s2hk) writes so: 為 counts for Taiwan and Hong Kong,
        # 戶 for OpenCC standard and Taiwan, 爲 for OpenCC standard alone.
        contra = [0] * len(side.configs)
        for c, sig in side.markers.items():
            if counts[c]:
                regional_usage[sig] += counts[c]
                for k, on in enumerate(sig):
                    contra[k] += (not on) * counts[c]

        # The proposal at every candidate position: (pos, S, choices, class),
        # choices = {output: configs giving it}.
        raw = []
        for pos in positions:
            s = text[pos]
            choices: dict[str, list[bool]] = {}
            for k, out in enumerate(outs):
                choices.setdefault(out[pos], [False] * len(outs))[k] = True
            if list(choices) == [s]:
                continue  # a phrase keeps it (皇后, 公里, 乾隆)
            if s in side.regional or s in choices:
                cls = "regional"
            elif s in side.word_tier:
                cls = "word"
            elif s in side.char_tier:
                cls = "char"
            else:
                cls = "hard"
            raw.append((pos, s, choices, cls))
        if not raw:
            return []

        word = _WordEvidence(
            text, ctx, {c for _, s, ch, _ in raw for c in (s, *ch)} | {_first(side.configs[0], s) for _, s, _, _ in raw}
        )

        proposals = []
        family: dict[int, tuple[int, int]] = {}  # regional: usage of t's standards, of s's
        for pos, s, choices, cls in raw:
            others = [c for c in choices if c != s]
            # Among regional forms (爲/為, 裏/裡, 衆/眾) the document's own
            # usage wins: of these very characters, else of other characters
            # whose form splits the regional standards the same way; a tie
            # keeps OpenCC standard.
            t = _regional_pick(others, choices, counts, regional_usage, contra)
            # A phrase may pick a rarer candidate (被发明→被髮明, 括发→括髮):
            # if the document writes this word with the first candidate, use it.
            t0 = _first(side.configs[0], s)
            if t0 != t and t0 != s and len(t0) == 1:
                if word.usage(pos, t0, t)[0] > word.usage(pos, t, t0)[0]:
                    t = t0
            proposals.append((pos, s, t, cls))
            if cls == "regional" and s in choices:
                family[pos] = (regional_usage[tuple(choices[t])], regional_usage[tuple(choices[s])])

        # Damage evidence: residue that needs no context to be sure of (hard
        # characters, and character-tier ones inside an OpenCC phrase that
        # converts them: 之后, 由于), of at least two different characters
        # and at least two per 1,000 Han characters (a long clean text may
        # quote a name or two: 梁頌恒, 黃圃腊味).
        phrase_at = {pos: _phrase(side.phrases, ctx, pos, t) for pos, _, t, cls in proposals if cls == "char"}
        sure = [(pos, s) for pos, s, _, cls in proposals if cls == "hard" or phrase_at.get(pos)]
        if not _meets_damage_bar([s for _, s in sure], n_han):
            return []
        n_props = Counter((s, t) for _, s, t, _ in proposals)
        soft = [p for p in proposals if p[3] in ("char", "word")]
        char_soft = [p for p in soft if p[3] == "char"]
        # A naive converter that skipped every one-to-many character leaves
        # all of them: several such positions and not one converted form of
        # them anywhere (seed 001: 后 ×14, 于 ×4, 干, no 後/於/乾).
        naive = (
            len(char_soft) >= 3
            and len({p[1] for p in char_soft}) >= 2
            and not any(counts[t] for _, _, t, _ in soft)
        )

        # The document's damage rate, from its sure residue: the share of
        # those characters' occurrences left unconverted (a naive converter:
        # all of them; random residue: a few per cent).
        hard = Counter((s, t) for _, s, t, cls in proposals if cls == "hard")
        n_hard = sum(hard.values())
        written = {t: counts[t] for _, t in hard}
        n_written = sum(written.values())
        damage_rate = n_hard / (n_hard + n_written) if hard else 0.0

        def undone_elsewhere(s: str, t: str) -> bool:
            # The converter left most of the *other* hard residue undone
            # too (three characters or more, five positions or more): a
            # word written again and again with ``s`` is then residue too
            # (东京证券 ×5 in a naive conversion), not a name.
            rest = [k for k in hard if k[0] != s]
            n_rest = n_hard - sum(v for k, v in hard.items() if k[0] == s)
            w_rest = sum(written[u] for u in {u for _, u in rest})
            return len({k[0] for k in rest}) >= 3 and n_rest >= 5 and n_rest >= w_rest

        findings = []
        for pos, s, t, cls in proposals:
            if cls == "hard":
                if not naive and not counts[t] and word.usage(pos, t, s)[1] >= 3 and not undone_elsewhere(s, t):
                    # The text writes this word with this character again
                    # and again and never uses the converted form: a name
                    # or the text's own standard (梁頌恒), not residue.
                    continue
                conf = CONF_HARD_MULTI if s in side.multi else CONF_HARD
                rule = "hard-residue"
                why = f"{s} is not a {side.target} form"
            else:
                n_t, n_s = word.usage(pos, t, s)
                n = n_props[(s, t)]
                if n_t > (2 * n_s if cls == "regional" else n_s) and (
                    # 台 (a form of its own in OpenCC, and Taiwan's everyday
                    # one) needs the word twice and never the other way
                    cls != "regional" or s not in side.self_listed or (n_t >= 2 and not n_s)
                ):
                    conf, rule = CONF_SOFT, f"{cls}-word-usage"
                    why = f"this text writes the same word with {t} {n_t}×"
                elif cls != "regional" and (odds := _prior_odds(side, s, bool(_phrase(side.phrases, ctx, pos, outs[0][pos])), damage_rate)) is not None and (n_s < 2 or damage_rate >= 0.5) and not (_PRIOR_KEEP <= odds < _PRIOR_ODDS):
                    # How often clean text writes the converted form here
                    # (inside a converting OpenCC phrase or not), times how
                    # much of this document the converter left undone.
                    if odds >= _PRIOR_ODDS:
                        conf, rule = CONF_SOFT, f"{cls}-prior"
                        why = f"clean text writes {t} here {odds:.1f}× as likely, at this text's damage rate"
                    elif cls == "word" and counts[t]:
                        conf, rule = CONF_FLAG, "word-unsure"
                        why = f"{s} is also a {side.target} character; the text writes {t}, but not in this word"
                    else:
                        continue
                elif cls != "regional" and naive:
                    conf, rule = CONF_SOFT, "naive-converter"
                    why = f"the text never writes {t} and shows converter residue"
                elif n_s >= 2:
                    continue  # the text writes this word with this form again and again
                elif cls == "char" and (counts[t] or n == 1) and phrase_at[pos]:
                    # A text that never writes 佔 may follow a standard that
                    # keeps 占 (Taiwan's): OpenCC's phrase does not outvote it.
                    conf, rule = CONF_SOFT, f"{cls}-phrase"
                    why = f"OpenCC's phrase {phrase_at[pos]} writes it so"
                elif cls != "word" and counts[t] >= _MINORITY[cls] * n:
                    # The residue is a clear minority of the document's own
                    # spelling; a text that writes both (台北 beside 臺灣)
                    # writes the native form more often than damage leaves.
                    conf, rule = CONF_SOFT, f"{cls}-char-usage"
                    why = f"the text writes {t} {counts[t]}× and {s} only {n}×"
                elif (
                    cls == "regional"
                    and n == 1
                    and counts[s] == 1
                    and s not in side.self_listed
                    and family.get(pos, (0, 1))[1] == 0
                    and family[pos][0] >= 3
                ):
                    # 温 once, in a text that writes 說/線/衛 (never the Hong
                    # Kong 説/綫/衞): a form of a standard the text does not
                    # follow. Not for 台, which OpenCC lists as a Traditional
                    # form of its own (Taiwan writes 台北 beside 臺灣).
                    conf, rule = CONF_SOFT, "regional-standard"
                    why = f"{s} is a regional form of a standard this text does not follow"
                elif cls == "char" and n == 1 and counts[s] == 1:
                    conf, rule = CONF_SOFT, "char-singleton"
                    why = f"{s} appears only here, and OpenCC's phrase tables read it as {t}"
                elif cls == "word" and counts[t]:
                    conf, rule = CONF_FLAG, "word-unsure"
                    why = f"{s} is also a {side.target} character; the text writes {t}, but not in this word"
                else:
                    continue  # the document's own usage keeps this form
            findings.append(
                self.finding(
                    text,
                    pos,
                    pos + 1,
                    t,
                    conf,
                    f"{side.word.capitalize()} residue {s} in a {side.target} text: {t} ({why}).",
                    detail=f"to-{'hant' if side.target == 'Traditional' else 'hans'}",
                    rule=rule,
                )
            )
        return findings


def _regional_pick(
    others: list[str], choices: dict[str, list[bool]], counts: Counter, usage: Counter, contra: list[int]
) -> str:
    """The regional form to write: the one the document itself writes
    most, else the one whose standards the document's other regional forms
    split the same way (為 rather than 爲 → 眾 rather than 衆); on a tie the
    first (OpenCC standard, then Taiwan), unless the document's regional
    forms rule out every standard that writes it (at least twice) and none
    of those writing another one: 裡 (Taiwan alone writes it, and no other
    form splits the standards so) in a text that writes both 為 (not OpenCC
    standard's 爲) and 說 (not Hong Kong's 説) again and again."""

    def key(c: str) -> tuple[int, int]:
        return counts[c], usage[tuple(choices[c])]

    best = max(map(key, others))
    tied = [c for c in others if key(c) == best]
    t = tied[0]
    if len(tied) > 1:

        def against(c: str) -> int:
            return min(n for n, on in zip(contra, choices[c]) if on)

        if against(t) >= 2:
            t = next((c for c in tied if against(c) == 0), t)
    return t


_PRIOR_ODDS = 2.0  # convert when clean text writes the converted form at least twice as likely
_PRIOR_KEEP = 0.25  # ... and keep it when four times less likely; in between, the rules below decide
_PRIOR_MIN = 10  # observations of the character (in that context) for the prior to speak


def _prior_odds(side: _Side, s: str, in_phrase: bool, damage_rate: float) -> float | None:
    """Posterior odds that residue ``s`` stands for a converted form rather
    than for itself: the prior odds from clean text, times the chance the
    converter left a character undone. ``None`` without enough data."""
    row = side.prior.get(s)
    if row is None:
        return None
    conv, kept = row[:2] if in_phrase else row[2:]
    if conv + kept < _PRIOR_MIN:
        return None
    return (conv + 1) / (kept + 1) * damage_rate


def _meets_damage_bar(chars: list[str], n_han: int) -> bool:
    """The damage test on *sure* residue (one character per position): at
    least two different characters, at least two per 1,000 Han characters."""
    return len(set(chars)) >= 2 and len(chars) * 1000 >= 2 * n_han


def _may_show_damage(text: str, positions: list[int], side: _Side) -> int | None:
    """The Han count of the profiled sample when the document can pass the
    damage test, else ``None``: an exact early exit that needs no OpenCC
    call (most clean Traditional text ends here; converting it was a third
    of textfix's time on clean Chinese).

    Sure residue is hard, or character-tier inside an OpenCC phrase that
    converts it; never regional or word-tier. Whether a position is regional
    is partly decided after conversion (``s in choices``), and a phrase may
    keep a character, so the positions whose character is in neither
    ``side.regional`` nor ``side.word_tier``, less the character-tier ones
    that no OpenCC phrase of ``side.phrases`` covers, are a superset of the
    sure ones: when even they fail the test (which more positions can only
    help pass), the full analysis would return nothing too.
    """
    regional, word_tier, char_tier = side.regional, side.word_tier, side.char_tier
    possible = [(p, c) for p, c in zip(positions, map(text.__getitem__, positions)) if c not in regional and c not in word_tier]
    if len({c for _, c in possible}) < 2:
        return None  # before any phrase look-up: the cheap half of the test
    possible = [(p, c) for p, c in possible if c not in char_tier or _in_some_phrase(side, text, p)]
    if len({c for _, c in possible}) < 2:
        return None  # before counting Han
    n_han = sum(map(len, _HAN_RUN.findall(text, 0, _SAMPLE)))
    return n_han if _meets_damage_bar([c for _, c in possible], n_han) else None


def _in_some_phrase(side: _Side, text: str, pos: int) -> bool:
    """Whether an OpenCC phrase of ``side.phrases`` covers ``pos`` in the
    folded text (folded around ``pos`` only: the fold maps character by
    character)."""
    start = max(0, pos - _MAX_PHRASE + 1)
    window = text[start : pos + _MAX_PHRASE].translate(side.fold)
    return next(_phrases_at(side.phrases, window, pos - start), None) is not None


# How many times more often the document must write the converted form than
# the residue positions there are, per class, for char-level evidence to do.
_MINORITY = {"char": 1, "regional": 3}


_MAX_PHRASE = 6


def _phrases_at(phrases: dict[str, str], ctx: str, pos: int):
    """``(start, phrase, value)`` of the OpenCC phrases around ``pos`` in the
    folded text ``ctx``, shortest first."""
    n = len(ctx)
    for length in range(2, _MAX_PHRASE + 1):
        for start in range(max(0, pos - length + 1), min(pos, n - length) + 1):
            value = phrases.get(ctx[start : start + length])
            if value is not None:
                yield start, ctx[start : start + length], value


def _phrase(phrases: dict[str, str], ctx: str, pos: int, t: str) -> str | None:
    """An OpenCC phrase around ``pos`` (in the folded text) that writes ``t`` there."""
    return next((phrase for start, phrase, value in _phrases_at(phrases, ctx, pos) if value[pos - start] == t), None)


@functools.lru_cache(maxsize=4096)
def _first(config: str, c: str) -> str:
    """OpenCC's default (first-candidate) conversion of one character."""
    return opencc(config).convert(c)


PASS = VariantPass()
