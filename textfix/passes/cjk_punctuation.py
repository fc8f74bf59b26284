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
import functools
import re
from dataclasses import dataclass

import regex

from ..config import Config
from ..model import Finding, Profile
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

_MARK_RE = regex.compile(r"[,:;?!()]")
_IDENT_CHAR_RE = regex.compile(r"[A-Za-z0-9_]")
_IDENT_DOT_RE = regex.compile(r"[A-Za-z0-9_.]")
_FULLWIDTH_RE = regex.compile(f"[{FULLWIDTH_MARKS}]")
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
_QUERY_RE = regex.compile(r"[\w.\-%]*=")
_URL_CUT_RE = regex.compile(r"[^\x21-\x7e]")
_LINE_SPLIT_RE = regex.compile(r"\r\n|\r|\n")
_NEWLINE_RE = regex.compile(r"[\r\n]")
_MAX_CONTENT = 120  # how much of a parenthesis' content is looked at
_MAX_SWEEPS = 50  # bound on context-propagation sweeps (pathological input only)


@functools.lru_cache(maxsize=8192)
def is_cjk(ch: str) -> bool:
    return bool(ch) and CJK_CHAR_RE.match(ch) is not None


@functools.lru_cache(maxsize=8192)
def _is_token_char(ch: str) -> bool:
    return _TOKEN_CHAR_RE.match(ch) is not None


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
        return i in self.converted or is_cjk(self.text[i])

    def left_cjk(self, i: int) -> bool:
        """Is the text left of position ``i`` CJK (directly, or across one
        Latin token without spaces)?"""
        j = _skip_left(self.text, i - 1)
        if j < 0:
            return False
        if self.char_is_cjk(j):
            return True
        if not _is_token_char(self.text[j]):
            return False
        k = j
        while k >= 0 and j - k < _MAX_TOKEN and _is_token_char(self.text[k]):
            k -= 1
        k = _skip_left(self.text, k)
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
                if not (0 <= nxt < n) or not _is_token_char(text[nxt]):
                    return False
            elif not _is_token_char(ch):
                return False
            k += step
            limit -= 1
        return False

    def right_cjk(self, i: int) -> bool:
        """Is the text from position ``i`` on CJK (directly or across one
        Latin token)?"""
        text = self.text
        j = _skip_right(text, i)
        if j >= len(text):
            return False
        if self.char_is_cjk(j):
            return True
        if not _is_token_char(text[j]):
            return False
        k = j
        while k < len(text) and k - j < _MAX_TOKEN and _is_token_char(text[k]):
            k += 1
        k = _skip_right(text, k)
        return self.char_is_cjk(k)


@dataclass(frozen=True)
class Candidate:
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


# (characters one of which every match holds, the pattern)
_PROTECTED = (("`", _CODE_SPAN_RE), ("&", _ENTITY_RE), ("()", _EMOTICON_RE))
_TONE_RE = re.compile(f"[{_TONE}]")


def protected_positions(text: str) -> list[tuple[int, int]]:
    """Sorted spans in which no mark is touched: URLs, e-mails, code spans,
    HTML entities, GBK misalignment damage."""
    spans = _url_spans(text)
    # Each scan only where the character it needs is in the text (a
    # substring test is far cheaper than a failing scan).
    for needed, pattern in _PROTECTED:
        if any(c in text for c in needed):
            spans += [m.span() for m in pattern.finditer(text)]
    if _TONE_RE.search(text):  # every match holds a tone-marked vowel
        spans += [m.span() for m in _GBK_DAMAGE_RE.finditer(text)]
    return merge_spans(spans)


def _in(pos: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def looks_tabular(text: str) -> bool:
    """CSV-like text: most lines have the same number (>= 2) of ASCII commas
    and no fullwidth punctuation; its commas are field separators."""
    lines = [ln for ln in _LINE_SPLIT_RE.split(text[:20_000]) if ln.strip()]
    if len(lines) < 3:
        return False
    counts: dict[int, int] = {}
    for ln in lines:
        c = ln.count(",")
        counts[c] = counts.get(c, 0) + 1
    best, n = max(counts.items(), key=lambda kv: kv[1])
    return best >= 2 and n >= 0.6 * len(lines) and "。" not in text[:20_000]


_CODE_HEAD_RE = regex.compile(
    r"\s*(?:def |class |import |from \S+ import |#include|function\b|var |let |const |public |private |return\b|if \(|for \()"
)
_CODE_TAIL_RE = regex.compile(r"(?:=|\w\(\)|->|::|\w\.\w+\().*;\s*$")


def _is_code_line(line: str) -> bool:
    end = line.rstrip()
    if end.endswith(("{", "}")):
        return True
    # The statement pattern ends in ";": test the end before searching the line.
    if end.endswith(";") and _CODE_TAIL_RE.search(line):
        return True
    return _CODE_HEAD_RE.match(line) is not None


def looks_like_code(text: str) -> bool:
    """Source code: its string literals and comments are not prose to
    re-punctuate (``print("你好,世界")``)."""
    lines = [ln for ln in _LINE_SPLIT_RE.split(text[:20_000]) if ln.strip()]
    if len(lines) < 3:
        return False
    code = sum(1 for ln in lines if _is_code_line(ln))
    return code >= 0.3 * len(lines)


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


def _is_run_comma(text: str, i: int) -> bool:
    """A comma directly before another mark: stray-punctuation's."""
    return text[i] == "," and i + 1 < len(text) and text[i + 1] in ",?!;:。、，？！；："


def scan(text: str, profile: Profile | None = None) -> Evidence:
    """All ASCII marks that stand in CJK context, with the rule that makes
    each a candidate, and the document's fullwidth count."""
    fw_marks = _FULLWIDTH_RE.findall(text)
    fullwidth = len(fw_marks)
    if looks_tabular(text) or looks_like_code(text):
        return Evidence((), 0, fullwidth)
    if profile is not None and profile.share("Hangul") > profile.share("Han") + profile.share("Kana"):
        return Evidence((), 0, fullwidth)  # Korean uses ASCII punctuation
    japanese = bool(profile and profile.language == "ja")
    spans = protected_positions(text)
    starts = [s for s, _ in spans]
    marks = [m.start() for m in _MARK_RE.finditer(text) if not (spans and _in(m.start(), spans, starts))]
    if not marks:
        return Evidence((), 0, fullwidth)
    ctx = _Ctx(text, set())
    cands: dict[int, Candidate] = {}

    # 1. parentheses, as pairs (a stack per line)
    newlines = [m.start() for m in _NEWLINE_RE.finditer(text)]
    stack: list[int] = []
    stack_line = -1
    pairs: list[tuple[int, int]] = []
    singles: list[int] = []
    for pos in marks:
        ch = text[pos]
        if ch not in "()":
            singles.append(pos)
            continue
        line = bisect.bisect_left(newlines, pos)
        if line != stack_line:  # a new line resets the stack
            stack.clear()
            stack_line = line
        if ch == "(":
            stack.append(pos)
        elif stack:
            pairs.append((stack.pop(), pos))
        else:
            stack.clear()
    # inner pairs first, so an outer pair sees converted inner ones
    pairs.sort(key=lambda p: p[1] - p[0])
    pairs = [
        (o, c, CJK_CHAR_RE.search(text, o + 1, min(c, o + 1 + _MAX_CONTENT)) is not None)
        for o, c in pairs
        if not _code_call(text, o, c)
    ]

    # 2. single marks
    runs = 0
    pending = []
    for pos in singles:
        if _is_run_comma(text, pos):
            runs += 1
            continue
        if japanese and text[pos] == ",":
            continue
        pending.append(pos)

    # A conversion opens its neighbours' context ("),2016年", "a,b,c中"), so
    # sweep pairs and single marks (alternating directions) until nothing
    # changes: the result is then the same on the repaired text (idempotent).
    sweeps = 0
    changed = True
    while changed and (pairs or pending) and sweeps < _MAX_SWEEPS:
        changed = False
        sweeps += 1
        rest_pairs = []
        # inner pairs first, then outer first: context flows either way
        for o, c, cjk_content in pairs if sweeps % 2 else reversed(pairs):
            rule = _pair_rule(text, o, c, cjk_content, ctx)
            if rule:
                cands[o] = Candidate(o, "(", rule)
                cands[c] = Candidate(c, ")", rule)
                ctx.converted.update((o, c))
                changed = True
            else:
                rest_pairs.append((o, c, cjk_content))
        pairs = rest_pairs if sweeps % 2 else rest_pairs[::-1]
        rest = []
        for pos in pending if sweeps % 2 else reversed(pending):
            rule = _single_rule(text, pos, ctx)
            if rule:
                cands[pos] = Candidate(pos, text[pos], rule)
                ctx.converted.add(pos)
                changed = True
            else:
                rest.append(pos)
        pending = sorted(rest)
    by_kind: dict[str, int] = {}
    for ch in fw_marks:
        k = mark_kind(_NARROW[ch])
        by_kind[k] = by_kind.get(k, 0) + 1
    return Evidence(tuple(sorted(cands.values(), key=lambda c: c.pos)), runs, fullwidth, tuple(sorted(by_kind.items())))


def _pair_rule(text: str, o: int, c: int, cjk_content: bool, ctx: _Ctx) -> str | None:
    before = text[o - 1] if o > 0 else ""
    after = text[c + 1] if c + 1 < len(text) else ""
    if before == "]":  # a Markdown link target: [链接](https://...)
        return None
    if ctx.left_cjk(o) and before not in (" ", "\t"):
        return "paren-pair-cjk-left"
    if ctx.right_cjk(c + 1) and after not in (" ", "\t"):
        return "paren-pair-cjk-right"
    if cjk_content and before not in (" ", "\t") and after not in (" ", "\t"):
        return "paren-pair-cjk-content"
    return None


def _single_rule(text: str, pos: int, ctx: _Ctx) -> str | None:
    ch = text[pos]
    n = len(text)
    lj = _skip_left(text, pos - 1)
    rj = _skip_right(text, pos + 1)
    left = text[lj] if lj >= 0 else ""
    right = text[rj] if rj < n else ""
    direct_left = text[pos - 1] if pos > 0 else ""
    direct_right = text[pos + 1] if pos + 1 < n else ""
    # numbers: 1,000 · 10:30 · 1:0
    if direct_left.isdigit() and direct_right.isdigit():
        return None
    if ch == ":" and direct_right and direct_right in "/\\":
        return None
    if ch == "?" and _QUERY_RE.match(text, pos + 1):
        return None  # a query string: example.com/a?b=1
    left_is_cjk = ctx.char_is_cjk(lj)
    if left_is_cjk:
        return "cjk-left"
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


def kind_confidence(ev: Evidence, kind: str, profile: Profile | None) -> float:
    """Confidence for the marks of one kind: the document's, or higher when
    that kind alone is (nearly) all ASCII in CJK context."""
    conf = confidence_for(ev, profile)
    a, f = ev.kind_counts(kind)
    if a >= KIND_MIN.get(kind, KIND_MIN_DEFAULT) and a / (a + f) >= KIND_SHARE:
        conf = max(conf, _cap(KIND_CONFIDENCE, profile))
    return conf


class CjkPunctuationPass(Pass):
    kind = "cjk-punctuation"

    def gate(self, text: str, profile: Profile) -> bool:
        if profile.share("Han") + profile.share("Kana") <= 0:
            return False
        return _MARK_RE.search(text) is not None

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        ev = scan(text, profile)
        if not ev.candidates:
            return []
        doc_conf = confidence_for(ev, profile)
        kinds = {mark_kind(c.mark) for c in ev.candidates}
        confs = {k: kind_confidence(ev, k, profile) for k in kinds}
        restored = sum(1 for c in ev.candidates if confs[mark_kind(c.mark)] >= config.threshold)
        flagged = len(ev.candidates) - restored
        summary = f"{ev.ascii} ASCII vs {ev.fullwidth} fullwidth marks in CJK context; {restored} restored"
        if flagged:
            summary += f", {flagged} flagged (not clearly flattened)"
        summary += " in this document"
        out = []
        for c in ev.candidates:
            conf = confs[mark_kind(c.mark)]
            wide = FULLWIDTH[c.mark]
            out.append(
                self.finding(
                    text,
                    c.pos,
                    c.pos + 1,
                    wide,
                    conf,
                    f"ASCII {NAMES[c.mark]} '{c.mark}' in CJK context -> '{wide}' ({summary})",
                    detail=(
                        "mixed" if conf < config.threshold else "flattened" if doc_conf >= config.threshold else "flattened-kind"
                    ),
                    rule=c.rule,
                )
            )
        return out


PASS = CjkPunctuationPass()
