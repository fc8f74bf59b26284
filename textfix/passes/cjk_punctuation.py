"""``cjk-punctuation``: fullwidth punctuation flattened to ASCII, restored.

NFKC (and ftfy's ``fix_character_width``) fold ``，：；？！（）`` to
``, : ; ? ! ( )`` but leave ``。、“”《》`` alone, so a flattened Chinese
text reads "马斯克痛失AI大主管,特斯拉...:师从李飞飞". This pass puts the
fullwidth form back where the mark sits in CJK context (SPEC §3).

Two levels of evidence:

* **Per mark** (:func:`scan`): a mark is a candidate when a CJK neighbour
  (Han, kana, CJK punctuation) touches it, directly or across one Latin
  token without spaces (``CS231n:用于``, ``在Google,DeepMind两家``).
  Parentheses are matched as pairs and convert together, also around Latin
  content inside a Chinese sentence (``（Andrej Karpathy）``). Kept ASCII:
  digit-mark-digit (``1,000``, ``10:30``), URLs, e-mail addresses, code
  spans, ``f(x)``-style calls, English-style marks followed by a space after
  a Latin word (``Yes, we can``), marks in Hangul context (Korean uses ASCII
  punctuation), commas in Japanese text (Japanese uses ``、``), and ``?``
  that is lost GBK bytes next to an injected reading (``方向?yàn)橛``,
  owned by ``lossy-bytes``).
* **Per document** (:func:`confidence_for`, :func:`kind_confidence`): the
  share of ASCII candidates among all CJK marks (candidates plus fullwidth
  ``，：；？！（）``). A flattened text has next to no fullwidth marks left; a
  clean text whose editors typed an occasional ASCII comma (1–2 % of
  Wikipedia paragraphs) has plenty (at most 16 % ASCII on the clean
  corpora). Only a document that looks flattened gets repaired (confidence
  >= 0.8); in a mixed one the candidates are flags whose confidence grows
  with the share. One kind of mark that is (nearly) all ASCII on its own —
  a mirror that replaced only ``，`` — is repaired too.

Report: one finding per restored mark (so a report's count of
``cjk-punctuation`` findings is the number of marks restored in the
document); every message also states the document's totals.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

import regex

from ..config import Config
from ..model import Finding, Profile, make_finding
from ..textutil import protected_spans, merge_spans
from . import Pass

FULLWIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
FULLWIDTH_MARKS = "，：；？！（）"
_NARROW = {v: k for k, v in FULLWIDTH.items()}
NAMES = {",": "comma", ":": "colon", ";": "semicolon", "?": "question mark", "!": "exclamation mark", "(": "parenthesis", ")": "parenthesis"}

# Characters that make a CJK context. Hangul is deliberately absent.
_CJK_CLASS = r"\p{Han}\p{Hiragana}\p{Katakana}\u3000-\u303f\uff01-\uff60\ufe30-\ufe4f"
CJK_CHAR_RE = regex.compile(f"[{_CJK_CLASS}]")
# Looked through when finding a mark's neighbour: quotes, ellipsis, dashes.
_TRANSPARENT_LEFT = set("”’\"'…—")
_TRANSPARENT_RIGHT = set("“‘\"'…—")
# A Latin "token": a word, a number, a product name ("GPT-4", "C++", "3.5").
_TOKEN_CHAR_RE = regex.compile(r"[\p{Latin}\p{N}_+\-.#&@/%‰℃°]")
_MAX_TOKEN = 40

_IDENT_CHAR_RE = regex.compile(r"[A-Za-z0-9_]")
_IDENT_DOT_RE = regex.compile(r"[A-Za-z0-9_.]")
# Tone-marked pinyin: the signature of GBK byte misalignment next to an
# injected reading ("方向?yàn)橛?jì)算機", "發(fā)布?,F(xiàn)在"). The marks inside
# such a span are lost bytes, not punctuation.
_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_SYL = f"[a-zü]*[{_TONE}][a-zü]*"
_GBK_DAMAGE_RE = regex.compile(
    rf"\?{_SYL}\)"  # lost lead byte swallowed the "(": "?yàn)"
    rf"|\??[,;:!?]?[\x21-\x7e]\({_SYL}\)"  # "?,F(xiàn)", "A(yíng)"
)
# ":)" ";-)" and a ":(" that ends a clause: emoticons, not punctuation
_EMOTICON_RE = regex.compile(r"[:;]-?\)|:-?\((?=\s|$)")
_CODE_SPAN_RE = regex.compile(r"`[^`\n]+`|```.*?```", regex.S)
_ENTITY_RE = regex.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]{2,8});")
_CODE_CALL_CONTENT_RE = regex.compile(r"[\w\s,.+\-*/^=<>'\"\[\]]{0,16}")
# A query-string key after "?" ("a?b=1"): this run, then "=". The "=" is
# tested by hand: the regex engine looks for a literal that follows an
# open repeat all the way to the end of the text before it tries the
# match, which made every "?" cost the rest of the document.
_QUERY_KEY_RE = regex.compile(r"[\w.\-%]*")
_URL_CUT_RE = regex.compile(r"[^\x21-\x7e]")
_MAX_CONTENT = 120  # how much of a parenthesis' content is looked at
_MAX_SWEEPS = 50  # bound on context-propagation sweeps (pathological input only)


class _Memo(dict):
    """A per-character answer, computed once: ``memo[ch]`` is a dict
    subscript (no Python call) once ``ch`` has been seen. Bounded: cleared
    when it grows past ``_MEMO_MAX`` characters."""

    __slots__ = ("fn",)

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def __missing__(self, ch: str) -> bool:
        if len(self) >= _MEMO_MAX:
            self.clear()
        v = self[ch] = self.fn(ch)
        return v


_MEMO_MAX = 65536
_CJK = _Memo(lambda ch: bool(ch) and CJK_CHAR_RE.match(ch) is not None)
_TOKEN = _Memo(lambda ch: _TOKEN_CHAR_RE.match(ch) is not None)
_CJK_NOT_DIGIT = _Memo(lambda ch: _CJK[ch] and not ch.isdigit())
# Before "(": characters that need _pair_rule's full test
_PAIR_SLOW_BEFORE = frozenset(("]", " ", "\t")) | _TRANSPARENT_LEFT


def is_cjk(ch: str) -> bool:
    return _CJK[ch]


def _is_token_char(ch: str) -> bool:
    return _TOKEN[ch]


_MAX_SKIP = 8


def _skip_left(text: str, i: int) -> int:
    """Index of the first non-transparent character at or before ``i``."""
    stop = i - _MAX_SKIP
    while i >= 0 and i > stop and text[i] in _TRANSPARENT_LEFT:
        i -= 1
    return i


def _skip_right(text: str, i: int) -> int:
    n = len(text)
    stop = i + _MAX_SKIP
    while i < n and i < stop and text[i] in _TRANSPARENT_RIGHT:
        i += 1
    return i


@dataclass
class _Ctx:
    text: str
    converted: set  # positions of marks already judged fullwidth

    def char_is_cjk(self, i: int) -> bool:
        if i < 0 or i >= len(self.text):
            return False
        return i in self.converted or _CJK[self.text[i]]

    def left_cjk(self, i: int) -> bool:
        """Is the text left of position ``i`` CJK (directly, or across one
        Latin token without spaces)?"""
        text = self.text
        j = _skip_left(text, i - 1)
        if j < 0:
            return False
        if j in self.converted or _CJK[text[j]]:
            return True
        token = _TOKEN
        if not token[text[j]]:
            return False
        k = j
        while k >= 0 and j - k < _MAX_TOKEN and token[text[k]]:
            k -= 1
        k = _skip_left(text, k)
        return self.char_is_cjk(k)

    def far_cjk(self, i: int, step: int) -> bool:
        """Walking from ``i`` in direction ``step`` over Latin tokens and
        single spaces (a name like "HK G36"), do we reach a CJK character
        before any other punctuation or the end of the line?"""
        text = self.text
        n = len(text)
        k = i
        limit = 60
        while 0 <= k < n and limit > 0:
            ch = text[k]
            if self.char_is_cjk(k):
                return True
            if ch == " ":
                nxt = k + step
                if not (0 <= nxt < n) or not _TOKEN[text[nxt]]:
                    return False
            elif not _TOKEN[ch]:
                return False
            k += step
            limit -= 1
        return False

    def right_cjk(self, i: int) -> bool:
        """Is the text from position ``i`` on CJK (directly or across one
        Latin token)?"""
        text = self.text
        n = len(text)
        j = _skip_right(text, i)
        if j >= n:
            return False
        if j in self.converted or _CJK[text[j]]:
            return True
        token = _TOKEN
        if not token[text[j]]:
            return False
        k = j
        while k < n and k - j < _MAX_TOKEN and token[text[k]]:
            k += 1
        k = _skip_right(text, k)
        return self.char_is_cjk(k)


class Candidate(NamedTuple):
    pos: int
    mark: str
    rule: str


def mark_kind(mark: str) -> str:
    """Parentheses are one kind of evidence; every other mark its own."""
    return "()" if mark in "()（）" else mark


@dataclass(frozen=True)
class Evidence:
    candidates: tuple[Candidate, ...]
    runs: int  # ASCII commas in comma runs (stray-punctuation's), counted as ASCII
    fullwidth: int
    fullwidth_by_kind: tuple[tuple[str, int], ...] = ()

    def kind_counts(self, kind: str) -> tuple[int, int]:
        """``(ascii candidates, fullwidth)`` for one kind of mark."""
        a = sum(1 for c in self.candidates if mark_kind(c.mark) == kind)
        if kind == ",":
            a += self.runs
        return a, dict(self.fullwidth_by_kind).get(kind, 0)

    @property
    def ascii(self) -> int:
        return len(self.candidates) + self.runs

    @property
    def share(self) -> float:
        total = self.ascii + self.fullwidth
        return self.ascii / total if total else 0.0


def _url_spans(text: str) -> list[tuple[int, int]]:
    """URL/e-mail spans, cut at the first non-ASCII character and without
    trailing sentence punctuation (``访问http://a.com,然后`` keeps its comma
    for this pass)."""
    out = []
    for start, end in protected_spans(text):
        m = _URL_CUT_RE.search(text, start, end)
        if m:
            end = m.start()
        while end > start and text[end - 1] in ",.;:!?)":
            if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
                break
            end -= 1
        if end > start:
            out.append((start, end))
    return out


# Emoticons need one of these, and code spans and entities their first character.
_EMOTICON_PRE_RE = re.compile(r"[:;]-?[()]")  # a superset: one class, a faster scan
_TONE_RE = re.compile(f"[{_TONE}]")
# The same pattern with the standard library's engine (no Unicode
# properties in it; ~2x faster on Chinese text).
_GBK_DAMAGE_STD_RE = re.compile(_GBK_DAMAGE_RE.pattern)
# What every match holds: "?" or "(", a toned syllable, ")". Its first
# character is a class, which the engine scans for fast.
_GBK_CORE_RE = re.compile(rf"[?(]{_SYL}\)")
_GBK_MAX_LEAD = 3  # printable ASCII characters a match may hold before its core ("?,F(xiàn)")


def _gbk_damage_spans(text: str) -> list[tuple[int, int]]:
    """``[m.span() for m in _GBK_DAMAGE_STD_RE.finditer(text)]``, the
    pattern tried only where a match can start: at a core, or up to three
    printable ASCII characters before it (a core holds a tone-marked vowel,
    so no match's lead reaches into an earlier core). The pattern has no
    literal first character: searched, it would be tried at every position."""
    spans = []
    end = 0  # matches do not overlap: the next one starts at or after this
    match = _GBK_DAMAGE_STD_RE.match
    for core in _GBK_CORE_RE.finditer(text):
        c = core.start()
        first = c
        while first > end and c - first < _GBK_MAX_LEAD and "!" <= text[first - 1] <= "~":
            first -= 1
        if first == c and text[c] == "(":
            continue  # an annotation after a Han character ("級(jí)"): no match starts at its "("
        for start in range(max(first, end), c + 1):
            m = match(text, start)
            if m:
                spans.append(m.span())
                end = m.end()
                break
    return spans


def protected_positions(text: str) -> list[tuple[int, int]]:
    """Sorted spans in which no mark is touched: URLs, e-mails, code spans,
    HTML entities, GBK misalignment damage."""
    spans = _url_spans(text)
    # Each scan only where a substring it needs is in the text (a
    # substring test is far cheaper than a failing scan).
    if "`" in text:
        spans += [m.span() for m in _CODE_SPAN_RE.finditer(text)]
    if "&" in text:
        spans += [m.span() for m in _ENTITY_RE.finditer(text)]
    if _EMOTICON_PRE_RE.search(text):
        spans += [m.span() for m in _EMOTICON_RE.finditer(text)]
    if _TONE_RE.search(text):  # every match holds a tone-marked vowel
        spans += _gbk_damage_spans(text)
    return merge_spans(spans)


def _in(pos: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


_HEAD = 20_000  # looks_tabular and looks_like_code read this much


def _content_lines(head: str) -> list[str]:
    """The non-blank lines of ``head`` (split on CR LF, CR and LF)."""
    return [ln for ln in head.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]


def _tabular(lines: list[str]) -> bool:
    counts: dict[int, int] = {}
    for ln in lines:
        c = ln.count(",")
        counts[c] = counts.get(c, 0) + 1
    best, n = max(counts.items(), key=lambda kv: kv[1])
    return best >= 2 and n >= 0.6 * len(lines)


def _can_be_tabular(head: str) -> bool:
    # True needs three lines or more, most (two or more) with the same
    # number (two or more) of commas: four commas at least; and no "。".
    return "。" not in head and head.count(",") >= 4


def looks_tabular(text: str) -> bool:
    """CSV-like text: most lines have the same number (>= 2) of ASCII commas
    and no fullwidth punctuation; its commas are field separators."""
    head = text[:_HEAD]
    if not _can_be_tabular(head):
        return False
    lines = _content_lines(head)
    return len(lines) >= 3 and _tabular(lines)


_CODE_HEAD_RE = regex.compile(
    r"\s*(?:def |class |import |from \S+ import |#include|function\b|var |let |const |public |private |return\b|if \(|for \()"
)
# A substring every match of _CODE_HEAD_RE holds ("from X import " holds "import ").
_CODE_WORD_RE = re.compile(r"def |class |import |#include|function|var |let |const |public |private |return|if \(|for \(")
_CODE_TAIL_RE = regex.compile(r"(?:=|\w\(\)|->|::|\w\.\w+\().*;\s*$")


def _is_code_line(line: str, words: bool = True) -> bool:
    end = line.rstrip()
    if end.endswith(("{", "}")):
        return True
    # The statement pattern ends in ";": test the end before searching the line.
    if end.endswith(";") and _CODE_TAIL_RE.search(line):
        return True
    # ``words``: whether the text holds a keyword _CODE_HEAD_RE needs
    return words and _CODE_HEAD_RE.match(line) is not None


def _code_words(head: str) -> bool | None:
    """Whether ``head`` holds a code keyword; None when no line of it can
    be a code line at all."""
    words = _CODE_WORD_RE.search(head) is not None
    if not words and "{" not in head and "}" not in head and ";" not in head:
        return None
    return words


def _code(lines: list[str], words: bool) -> bool:
    code = sum(1 for ln in lines if _is_code_line(ln, words))
    return code >= 0.3 * len(lines)


def looks_like_code(text: str) -> bool:
    """Source code: its string literals and comments are not prose to
    re-punctuate (``print("你好,世界")``)."""
    head = text[:_HEAD]
    words = _code_words(head)
    if words is None:
        return False
    lines = _content_lines(head)
    return len(lines) >= 3 and _code(lines, words)


def _tabular_or_code(text: str) -> bool:
    """``looks_tabular(text) or looks_like_code(text)``, the lines split once."""
    head = text[:_HEAD]
    tabular = _can_be_tabular(head)
    words = _code_words(head)
    if not tabular and words is None:
        return False
    lines = _content_lines(head)
    if len(lines) < 3:
        return False
    return (tabular and _tabular(lines)) or (words is not None and _code(lines, words))


def _code_call(text: str, open_pos: int, close_pos: int) -> bool:
    """``f(x)``, ``sin(x)``, ``print(a, b)``: a lowercase identifier
    glued to a short Latin argument list."""
    if open_pos == 0 or close_pos - open_pos > 20:
        return False
    if not _IDENT_CHAR_RE.match(text[open_pos - 1]):
        return False
    content = text[open_pos + 1 : close_pos]
    if CJK_CHAR_RE.search(content) or not _CODE_CALL_CONTENT_RE.fullmatch(content):
        return False
    k = open_pos - 1
    while k >= 0 and _IDENT_DOT_RE.match(text[k]):
        k -= 1
    ident = text[k + 1 : open_pos]
    return bool(ident) and (ident[0].islower() or "_" in ident or "." in ident)


# A comma directly before one of these is a comma run: stray-punctuation's.
_RUN_FOLLOWERS = frozenset(",?!;:。、，？！；：")


_MARK_STD_RE = re.compile(r"[,:;?!()]")  # the ASCII marks this pass restores
_IDENT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _fullwidth_counts(text: str) -> tuple[int, tuple[tuple[str, int], ...]]:
    """The number of fullwidth marks, and per kind of mark."""
    by_kind: dict[str, int] = {}
    total = 0
    for ch in FULLWIDTH_MARKS:
        n = text.count(ch)
        if n:
            total += n
            k = mark_kind(_NARROW[ch])
            by_kind[k] = by_kind.get(k, 0) + n
    return total, tuple(sorted(by_kind.items()))


def _unprotected(positions: list[int], spans: list[tuple[int, int]]) -> list[int]:
    """``positions`` (sorted) outside the sorted, disjoint ``spans``."""
    out = []
    i = 0
    last = len(spans) - 1
    s, e = spans[0]
    for pos in positions:
        while pos >= e and i < last:
            i += 1
            s, e = spans[i]
        if not s <= pos < e:
            out.append(pos)
    return out


def scan(text: str, profile: Profile | None = None) -> Evidence:
    """All ASCII marks that stand in CJK context, with the rule that makes
    each a candidate, and the document's fullwidth count."""
    fullwidth, by_kind = _fullwidth_counts(text)
    if _tabular_or_code(text):
        return Evidence((), 0, fullwidth)
    if profile is not None and _korean(profile):
        return Evidence((), 0, fullwidth)  # Korean uses ASCII punctuation
    japanese = bool(profile and _japanese(profile))
    spans = protected_positions(text)
    marks = [m.start() for m in _MARK_STD_RE.finditer(text)]
    if spans and marks:
        marks = _unprotected(marks, spans)
    if not marks:
        return Evidence((), 0, fullwidth)
    ctx = _Ctx(text, set())
    n = len(text)

    # 1. parentheses, as pairs (a stack per line); 2. single marks
    stack: list[int] = []
    last_paren = -1
    pairs: list[tuple[int, int]] = []
    runs = 0
    pending = []
    followers = _RUN_FOLLOWERS
    find = text.find
    for pos in marks:
        ch = text[pos]
        if ch == "(" or ch == ")":
            # a new line resets the stack
            if last_paren >= 0 and stack and (find("\n", last_paren, pos) >= 0 or find("\r", last_paren, pos) >= 0):
                stack.clear()
            last_paren = pos
            if ch == "(":
                stack.append(pos)
            elif stack:
                pairs.append((stack.pop(), pos))
        elif ch == ",":
            if pos + 1 < n and text[pos + 1] in followers:
                runs += 1  # a comma run: stray-punctuation's
            elif not japanese:
                pending.append(pos)
        else:
            pending.append(pos)
    # inner pairs first, so an outer pair sees converted inner ones
    pairs.sort(key=lambda p: p[1] - p[0])
    idents = _IDENT_CHARS
    pairs = [p for p in pairs if not (p[0] > 0 and p[1] - p[0] <= 20 and text[p[0] - 1] in idents and _code_call(text, *p))]

    # A conversion opens its neighbours' context ("),2016年", "a,b,c中"), so
    # sweep pairs and single marks (alternating directions) until nothing
    # changes: the result is then the same on the repaired text (idempotent).
    # The commonest case of each rule (a CJK character right before the
    # mark: "cjk-left") is tested inline; every other goes to the rule.
    rules: dict[int, str] = {}  # position -> rule
    converted = ctx.converted
    cjk_nd = _CJK_NOT_DIGIT
    slow_before = _PAIR_SLOW_BEFORE
    sweeps = 0
    changed = True
    while changed and (pairs or pending) and sweeps < _MAX_SWEEPS:
        changed = False
        sweeps += 1
        rest_pairs = []
        # inner pairs first, then outer first: context flows either way
        for o, c in pairs if sweeps % 2 else reversed(pairs):
            before = text[o - 1] if o > 0 else ""
            if before and before not in slow_before and (o - 1 in converted or cjk_nd[before]):
                rule = "paren-pair-cjk-left"
            else:
                rule = _pair_rule(text, o, c, ctx)
            if rule:
                rules[o] = rules[c] = rule
                converted.add(o)
                converted.add(c)
                changed = True
            else:
                rest_pairs.append((o, c))
        pairs = rest_pairs if sweeps % 2 else rest_pairs[::-1]
        rest = []
        for pos in pending if sweeps % 2 else reversed(pending):
            ch = text[pos]
            # the rule's checks before "cjk-left": digits on both sides,
            # "http:/", a query string after "?"
            if (
                pos > 0
                and ch != "?"
                and (pos - 1 in converted or cjk_nd[text[pos - 1]])
                and not (ch == ":" and text[pos + 1 : pos + 2] in ("/", "\\"))
            ):
                rule = "cjk-left"
            else:
                rule = _single_rule(text, pos, ctx)
            if rule:
                rules[pos] = rule
                converted.add(pos)
                changed = True
            else:
                rest.append(pos)
        pending = sorted(rest)
    cands = tuple([Candidate(p, text[p], rules[p]) for p in sorted(rules)])
    if japanese:
        cands = _japanese_candidates(cands, dict(by_kind))
    return Evidence(cands, runs, fullwidth, by_kind)


# Japanese text uses ASCII "( ) ! ?" as well as the fullwidth forms (news,
# Wikipedia: "羅臼岳(1660m)"), so ASCII marks are no evidence of flattening
# there. A kind of mark is restored only where the document itself writes it
# fullwidth consistently: at least JA_MIN_FULLWIDTH fullwidth marks of that
# kind and at most JA_MAX_ASCII_SHARE of them ASCII (a stray "(" among
# "（）"). A Japanese document flattened as a whole cannot be told from one
# typed with ASCII marks, and is left alone.
JA_MIN_FULLWIDTH = 3
JA_MAX_ASCII_SHARE = 0.2
# Kana share of letters from which a text counts as Japanese here (lower than
# the profile's language guess: a Japanese paragraph full of kanji names).
JA_MIN_KANA = 0.02
# Hangul share from which ASCII punctuation is Korean usage: Korean laws and
# papers mix Hanja in ("第45條(休職期間등)").
KO_MIN_HANGUL = 0.05


def _japanese(profile: Profile) -> bool:
    return profile.language == "ja" or profile.share("Kana") >= JA_MIN_KANA


def _korean(profile: Profile) -> bool:
    return profile.share("Hangul") >= KO_MIN_HANGUL


def _japanese_candidates(cands: tuple[Candidate, ...], fullwidth_by_kind: dict[str, int]) -> tuple[Candidate, ...]:
    """The candidates of a Japanese text whose kind of mark the text writes
    fullwidth consistently (see :data:`JA_MIN_FULLWIDTH`)."""
    ascii_by_kind = Counter(mark_kind(c.mark) for c in cands)
    keep = set()
    for kind, a in ascii_by_kind.items():
        f = fullwidth_by_kind.get(kind, 0)
        if f >= JA_MIN_FULLWIDTH and a <= JA_MAX_ASCII_SHARE * (a + f):
            keep.add(kind)
    return tuple(c for c in cands if mark_kind(c.mark) in keep)


def _pair_rule(text: str, o: int, c: int, ctx: _Ctx) -> str | None:
    before = text[o - 1] if o > 0 else ""
    after = text[c + 1] if c + 1 < len(text) else ""
    if before == "]":  # a Markdown link target: [链接](https://...)
        return None
    if before not in (" ", "\t") and ctx.left_cjk(o):
        return "paren-pair-cjk-left"
    if after not in (" ", "\t") and ctx.right_cjk(c + 1):
        return "paren-pair-cjk-right"
    if (
        before not in (" ", "\t")
        and after not in (" ", "\t")
        and CJK_CHAR_RE.search(text, o + 1, min(c, o + 1 + _MAX_CONTENT)) is not None
    ):
        return "paren-pair-cjk-content"
    return None


def _is_query(text: str, i: int) -> bool:
    """Whether ``text[i:]`` starts with a query-string key and "="."""
    end = _QUERY_KEY_RE.match(text, i).end()
    return text.startswith("=", end)


def _single_rule(text: str, pos: int, ctx: _Ctx) -> str | None:
    n = len(text)
    direct_left = text[pos - 1] if pos > 0 else ""
    direct_right = text[pos + 1] if pos + 1 < n else ""
    # numbers: 1,000 · 10:30 · 1:0
    if direct_left.isdigit() and direct_right.isdigit():
        return None
    ch = text[pos]
    if ch == ":" and direct_right and direct_right in "/\\":
        return None
    if ch == "?" and _is_query(text, pos + 1):
        return None  # a query string: example.com/a?b=1
    lj = _skip_left(text, pos - 1) if direct_left in _TRANSPARENT_LEFT else pos - 1
    if lj >= 0 and (lj in ctx.converted or _CJK[text[lj]]):
        return "cjk-left"
    rj = _skip_right(text, pos + 1)
    left = text[lj] if lj >= 0 else ""
    right = text[rj] if rj < n else ""
    if direct_right in (" ", "\t", "\u00a0"):
        # "Yes, we can", "He said: ..." — English style
        return None
    if direct_left.isalpha() and direct_right and direct_right in "\"'”’" and direct_left.isascii():
        # a mark inside an English quotation: "The Wampus,"
        return None
    if ctx.char_is_cjk(rj):
        return "cjk-right"
    if right in ("", "\n", "\r") or rj >= n:
        # end of line: a Chinese clause ending on a Latin token ("你用过ChatGPT?")
        if left and _is_token_char(left) and ctx.left_cjk(pos):
            return "cjk-token-eol"
        return None
    if left and right and _is_token_char(left) and _is_token_char(right):
        # "在Google,DeepMind两家": a mark between two Latin tokens inside a
        # Chinese sentence
        if ctx.left_cjk(pos) or ctx.right_cjk(pos + 1):
            return "cjk-token"
        if ch in ",;" and (ctx.far_cjk(pos - 1, -1) or ctx.far_cjk(pos + 1, 1)):
            # "使用HK G36,SIG 551 LB和AUG": Latin names listed in a Chinese
            # sentence, no space after the comma (English would have one)
            return "cjk-latin-list"
    return None


# One kind of mark flattened on its own (a mirror that replaced only "，"):
# at least this many ASCII candidates of the kind, and this share of it.
# Commas are the commonest mark: in clean text an editor's ASCII comma
# stands among many fullwidth ones (at most 10 % of a document's commas on
# the clean corpora, never one without a fullwidth comma beside it), so
# ASCII commas where (next to) no fullwidth comma stands are evidence
# already; the rarer marks need more.
KIND_MIN = {",": 1}
KIND_MIN_DEFAULT = 5
KIND_SHARE = 0.8
KIND_CONFIDENCE = 0.85


def _cap(conf: float, profile: Profile | None) -> float:
    if profile is not None and profile.letters:
        if profile.share("Han") + profile.share("Kana") < 0.15:
            conf = min(conf, 0.7)  # mostly non-CJK text: flag only
    return round(conf, 3)


def confidence_for(ev: Evidence, profile: Profile | None) -> float:
    """Document confidence that its punctuation was flattened."""
    r = ev.share
    if r >= 0.6:
        conf = min(0.96, 0.8 + 0.4 * (r - 0.6))
    else:
        conf = 0.3 + 0.8 * r
    return _cap(conf, profile)


def _kind_conf(doc_conf: float, kind: str, a: int, f: int, profile: Profile | None) -> float:
    if a >= KIND_MIN.get(kind, KIND_MIN_DEFAULT) and a / (a + f) >= KIND_SHARE:
        return max(doc_conf, _cap(KIND_CONFIDENCE, profile))
    return doc_conf


def kind_confidence(ev: Evidence, kind: str, profile: Profile | None) -> float:
    """Confidence for the marks of one kind: the document's, or higher when
    that kind alone is (nearly) all ASCII in CJK context."""
    a, f = ev.kind_counts(kind)
    return _kind_conf(confidence_for(ev, profile), kind, a, f, profile)




class CjkPunctuationPass(Pass):
    kind = "cjk-punctuation"

    def gate(self, text: str, profile: Profile) -> bool:
        if profile.share("Han") + profile.share("Kana") <= 0:
            return False
        return _MARK_STD_RE.search(text) is not None

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        ev = scan(text, profile)
        cands = ev.candidates
        if not cands:
            return []
        threshold = config.threshold
        doc_conf = confidence_for(ev, profile)
        # the per-kind evidence, counted once
        per_mark = Counter([c.mark for c in cands])
        ascii_by_kind: dict[str, int] = {}
        for mark, count in per_mark.items():
            k = mark_kind(mark)
            ascii_by_kind[k] = ascii_by_kind.get(k, 0) + count
        if "," in ascii_by_kind:
            ascii_by_kind[","] += ev.runs
        fw_by_kind = dict(ev.fullwidth_by_kind)
        confs = {k: _kind_conf(doc_conf, k, a, fw_by_kind.get(k, 0), profile) for k, a in ascii_by_kind.items()}
        restored = sum(count for mark, count in per_mark.items() if confs[mark_kind(mark)] >= threshold)
        flagged = len(cands) - restored
        summary = f"{ev.ascii} ASCII vs {ev.fullwidth} fullwidth marks in CJK context; {restored} restored"
        if flagged:
            summary += f", {flagged} flagged (not clearly flattened)"
        summary += " in this document"
        # what every finding of one mark shares: the message above all
        shared = {}
        for mark in per_mark:
            conf = confs[mark_kind(mark)]
            wide = FULLWIDTH[mark]
            detail = "mixed" if conf < threshold else "flattened" if doc_conf >= threshold else "flattened-kind"
            shared[mark] = (wide, conf, f"ASCII {NAMES[mark]} '{mark}' in CJK context -> '{wide}' ({summary})", detail)
        kind = self.kind
        make = make_finding
        out = []
        append = out.append
        for pos, mark, rule in cands:
            wide, conf, message, detail = shared[mark]
            # text[pos] is the mark: the finding's ``before``
            append(make(kind, pos, pos + 1, mark, wide, conf, message, detail, rule))
        return out


PASS = CjkPunctuationPass()
