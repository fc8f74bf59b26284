"""``boilerplate``: scraped page furniture (SPEC §3).

Six categories (the finding's ``detail``):

* ``seo-prefix`` -- a content-farm prefix on the page title ("焦点播报:",
  "【全球聚看点】", "世界快资讯丨");
* ``caption`` -- an image placeholder or credit line ("(资料图片仅供参考)",
  "图片来源：网络", "[Photo: Reuters]");
* ``keywords`` -- "关键词: …", "Tags: …";
* ``related-links`` -- a list of other articles' titles, with or without a
  heading ("推荐…文章", "相关阅读", "Related articles");
* ``attribution`` -- source, editor and reprint lines ("文章出處:量子位",
  "责任编辑：…");
* ``footer`` -- the closing lines of a page: author bio, tip, contact and
  affiliate lines, disclaimers.

How it decides (the line features jusText and Kohlschütter et al. found to
separate furniture from text, adapted to plain text without markup):

* every line gets shallow features: length, sentence punctuation, a
  title-like shape (short, no sentence inside, no final full stop), a
  prefix shape ("two to eight Han + ':' '丨' '!'" or "【…】"), a label shape
  ("<label>: value"), a heading shape (short line, heading vocabulary);
* a title list is a run of title-like lines; it is related links when the
  evidence adds up: a heading from the vocabulary, the same prefix shape
  repeated down the list, the list standing after the article with nothing
  but furniture after it, a layout that differs from the body's (one line a
  title where the body separates paragraphs by blank lines), titles whose
  words the article does not use, the page's own title among the items;
* a list never starts under a line of its own shape (that line would be
  one of its items), and numbered or bulleted lines (steps, bullet points)
  are items only under a heading from the vocabulary; a short line ending
  in ':' introduces the article's own list and is no heading;
* furniture clusters: the trailing block is read backwards from the end,
  line by line, and stops at the first line of text; label lines with
  labels outside the vocabulary ("<2-5 Han>: <name>", "<Word>: <name>") and
  shape-only footers (an e-mail address or handle, "<First Last> covers X
  for Y") are accepted there only; an unknown last line joins a closing
  block recognised by its vocabulary right above it (jusText's context
  rule), never a block recognised by shape alone;
* a title prefix is removed only with evidence from its use: the related
  list repeats it, or carries the title itself, or the prefix is made of
  the content-farm scope and genre words (``seo_prefix.tsv``). A column
  name such as "【领航中国】" on a news headline, or "特斯拉震荡:" before a
  headline, stays. New words in a known shape: the title's prefix is
  furniture when most of the related list's titles carry prefixes of that
  shape (whatever their words) and the article does not use the prefix's
  words ("特斯拉震荡:" over an article about Tesla stays); CJK prefixes
  only, and not the newsroom labels of ``headline_labels.txt`` ("专访：");
  English "Obituary: ..." is headline style;
* a page loses whole lines only when it has a body (``_Context.has_body``):
  a short note keeps every line;
* in a folder or corpus run, lines and prefixes that repeat across the
  pages of one source are furniture where furniture stands
  (:func:`collect_repeats`, passed in ``Config.extra["boilerplate_repeats"]``).

Measured with ``scripts/eval_boilerplate.py`` (clean articles wrapped in
held-out furniture; the clean corpora; the gate's cost).

Vocabularies live in ``textfix/data/boilerplate/``. Removing a line removes
its line break and the blank lines it would leave doubled: the gap left is
the smaller of the gaps above and below the removed block, and a removed
tail leaves the text ending with the last kept line and its line break.
Each removed block is one finding (``after=""``); categories in
``Config.flag_boilerplate`` are reported (``after=None``) but kept, and
categories in ``Config.keep_boilerplate`` are neither.
"""

from __future__ import annotations

import functools
import math
import re
import statistics
import unicodedata
from dataclasses import dataclass, field

import regex

from ..config import Config
from ..model import Finding, Profile, make_finding
from ..resources import read_data_lines
from . import Pass

_DATA = "boilerplate/"

# ---------------------------------------------------------------- vocabulary


def _lines(name: str) -> list[str]:
    return [line.strip() for line in read_data_lines(_DATA + name) if line.strip()]


def _alternation(words) -> str:
    return "|".join(regex.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class _Vocab:
    headings: frozenset
    heading_cue_re: "regex.Pattern[str]"
    label_re: "regex.Pattern[str]"
    label_category: dict
    captions: frozenset
    caption_witness_re: "re.Pattern[str] | None"  # see _witness_re
    caption_cue_re: "regex.Pattern[str]"
    seo_re: "regex.Pattern[str]"
    footer_en: tuple
    footer_zh_re: "regex.Pattern[str]"
    footer_zh_in: object  # text -> bool: footer_zh_re.search(text) is not None, faster
    inline_heading_re: "regex.Pattern[str]"


@functools.lru_cache(maxsize=None)
def _vocab() -> _Vocab:
    headings = frozenset(_norm_heading(h) for h in _lines("headings.txt"))
    cues = _lines("heading_cues.txt")
    labels: dict[str, str] = {}
    for row in read_data_lines(_DATA + "labels.tsv"):
        label, _, category = row.partition("\t")
        if label.strip() and category.strip():
            labels[label.strip().lower()] = category.strip()
    by_labels = [lab for lab in labels if lab.endswith(" by")]
    colon_labels = [lab for lab in labels if not lab.endswith(" by")]
    label_re = regex.compile(
        r"(?i)^[\[【（(［〔]?\s*(?:(?P<label>" + _alternation(colon_labels) + r")\s*[:：丨|｜/／]"
        r"|(?P<label>" + _alternation(by_labels) + r")\s+)\s*(?P<value>\S.*?)\s*[\]】）)］〕]?$"
    )
    seo: dict[str, list[str]] = {"scope": [], "genre": []}
    for row in read_data_lines(_DATA + "seo_prefix.tsv"):
        kind, _, word = row.partition("\t")
        if kind.strip() in seo and word.strip():
            seo[kind.strip()].append(word.strip())
    seo_re = regex.compile(
        "^(?:(?:" + _alternation(seo["scope"]) + ")(?:" + _alternation(seo["genre"]) + ")"
        "|(?:" + _alternation(w for w in seo["genre"] if len(w) >= 2) + "))$"
    )
    footer_en = []
    for row in read_data_lines(_DATA + "footer_en.txt"):
        kind, _, pattern = row.partition("\t")
        if pattern:
            footer_en.append((kind.strip(), regex.compile("(?i)" + pattern.strip())))
    inline = [h for h in _lines("headings.txt")]
    footer_zh = _lines("footer_zh.txt")
    footer_zh_re = regex.compile("(?i)" + _alternation(footer_zh))
    captions = frozenset(_norm_caption(c) for c in _lines("captions.txt"))
    inline_heading_re = regex.compile(
        r"(?i)^[\[【]?(?:" + _alternation(inline) + r")[\]】]?\s*[:：丨|｜>»→]\s*(?P<rest>\S.*)$"
    )
    return _Vocab(
        headings=headings,
        heading_cue_re=regex.compile("(?i)" + _alternation(cues)),
        label_re=label_re,
        label_category=labels,
        captions=captions,
        caption_witness_re=_witness_re(captions),
        caption_cue_re=regex.compile("(?i)" + _alternation(_lines("caption_cues.txt"))),
        seo_re=seo_re,
        footer_en=tuple(footer_en),
        footer_zh_re=footer_zh_re,
        footer_zh_in=_literal_search(footer_zh, footer_zh_re),
        inline_heading_re=inline_heading_re,
    )


def _literal_search(words: list[str], full_re: "regex.Pattern[str]"):
    """``text -> full_re.search(text) is not None`` for ``full_re``, the
    case-insensitive alternation of ``words``, made faster: words of
    caseless letters only (category Lo: CJK) match exactly as written, so
    the standard library's engine finds them; the text goes to ``full_re``
    only when a word with other characters may be in it (one of its
    caseless letters is, or it has none)."""
    caseless = [w for w in words if w and all(unicodedata.category(c) == "Lo" for c in w)]
    others = [w for w in words if w not in caseless]
    exact = re.compile("|".join(re.escape(w) for w in caseless)) if caseless else None
    witnesses = []
    for w in others:
        lo = [c for c in w if unicodedata.category(c) == "Lo"]
        if not lo:
            return lambda text: full_re.search(text) is not None  # no shortcut
        witnesses.append(lo[-1])

    def search(text: str) -> bool:
        if exact is not None and exact.search(text) is not None:
            return True
        return any(c in text for c in witnesses) and full_re.search(text) is not None

    return search


_LETTER_FREQ = "etaoinshrdlcumwfgypbvkjxqz"  # English, commonest first


def _witness_re(captions: frozenset) -> "re.Pattern[str] | None":
    """A character class that every line whose ``_norm_caption`` is one of
    ``captions`` holds (a test much cheaper than the normalisation), or
    None when there is none.

    One witness character per caption: a caseless letter (category Lo;
    ``str.lower`` maps no other character to one) or an ASCII letter other
    than i and k (only its upper case lowers to it), in either case. A
    normalised line equal to the caption holds the witness, so the line
    held it (or its upper case) before normalising.
    """
    chars: set[str] = set()
    remaining = list(captions)
    while remaining:
        counts: dict[str, int] = {}
        for c in remaining:
            for ch in set(c):
                if unicodedata.category(ch) == "Lo" or (ch.isascii() and ch.islower() and ch not in "ik"):
                    counts[ch] = counts.get(ch, 0) + 1
        if not counts:
            return None
        # the character in most captions; among those a caseless one, then the rarest letter
        best = max(counts, key=lambda ch: (counts[ch], not ch.isascii(), _LETTER_FREQ.find(ch)))
        chars.add(best)
        remaining = [c for c in remaining if best not in c]
    return re.compile("[" + "".join(re.escape(ch if ch.upper() == ch else ch + ch.upper()) for ch in sorted(chars)) + "]")


# ------------------------------------------------------------ line features

_HAN = regex.compile(r"\p{Han}")
_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’.-]*")
_SENT_INSIDE_ZH = regex.compile(r"[。；;]")
_SENT_INSIDE_EN = regex.compile(r"\p{Ll}{2,}[.!?;]\s+\p{Lu}")
_END_BAD_ZH = set("。，,、；;：:")
_END_BAD_EN = set(".,;:")
_ENUM = regex.compile(r"^(?:\d{1,3}\s*[.．、)）]|[（(]\d{1,3}[)）]|第[一二三四五六七八九十\d]+[步条點点章节、]|[一二三四五六七八九十]+[、.．]|[-*•·●○■□▪▶►◆◇✓✔]\s?)")
_RANKED = regex.compile(r"^\d{1,3}\s+\S")
_PREFIX_BRACKET = regex.compile(r"^【(?P<core>[^】\s]{1,12})】\s*")
_PREFIX_SEP = regex.compile(r"^(?P<core>[\p{Han}A-Za-z0-9]{2,10}?)\s*(?P<sep>[:：丨|｜!！])\s*")
_PREFIX_EN = regex.compile(r"^(?P<core>[A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+){0,2})\s?[:|]\s+")
_BRACKET_LINE = regex.compile(r"^[（(【\[［〔]\s*(?P<inner>[^（()）【】\[\]［］〔〕]{1,40}?)\s*[）)】\]］〕]$")
_GENERIC_LABEL = regex.compile(r"^[\[【（(]?(?P<label>\p{Han}{2,5})\s*[:：丨|｜]\s*(?P<value>\S.{0,30}?)[\]】）)]?$")
_EN_GENERIC_LABEL = regex.compile(r"^(?P<label>[A-Z][a-z]+(?:\s(?:[a-z]+|[A-Z][a-z]+)){0,2})\s*:\s+(?P<value>\S.{0,80})$")
# an e-mail address or a social handle (a bare link is too common in text)
_CONTACTISH = regex.compile(r"(?:^|\s)@\w{2,}|\w@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# "<First Last> is a <role> at/for/of <outlet>", "<First Last> covers <beat> for <outlet>"
_EN_BIO = regex.compile(r"^(?P<name>\p{Lu}\p{Ll}+(?:\s\p{Lu}[\p{Ll}-]+){1,2})\s+(?=is\s|was\s|covers\s|writes\s|reports\s)")
_EN_BIO_ROLE = regex.compile(r"(?:(?:is|was)\s+(?:a|an|the)\s+.{0,60}?\b(?:at|for|of|with|based in)\b|(?:covers|writes|reports)\b.{0,60}?\b(?:for|at|on)\b)")
# One of these stands in every line that ``_Vocab.label_re`` or
# ``_Vocab.inline_heading_re`` matches: a label's or a link line's separator,
# or the "by" of a "... by" label (its letters have no other case forms).
_LABEL_CUE = re.compile(r"[:：丨|｜/／>»→]|(?i:by)")
_KEYWORD_CUE = regex.compile(r"(?i)词|詞|签|籤|簽|tag|topic|keyword")


_HEADING_BAD = regex.compile(r"[。，,；;！？!?.:：丨|｜]")
_STOPS = regex.compile(r"[。！？]")
_VALUE_BAD = regex.compile(r"[。！？；;!?]")
_LIST_SEP = regex.compile(r"[，,、]")
_LIST_SPLIT = regex.compile(r"\s*[，,、/|]\s*")
_HEADING_TAIL = regex.compile(r"[\s:：>»→|｜丨]+$")
_SPACES = regex.compile(r"\s+")
_NOT_WORD = regex.compile(r"[\p{P}\p{S}\s]+")


def _norm_heading(s: str) -> str:
    s = s.strip().strip("【】[]「」《》").strip()
    return _SPACES.sub(" ", _HEADING_TAIL.sub("", s)).lower()


def _norm_caption(s: str) -> str:
    return _NOT_WORD.sub("", s).lower()


def _han_count(s: str) -> int:
    return len(_HAN.findall(s))


def _is_cjk(s: str) -> bool:
    m = _HAN.search(s)
    return m is not None and _HAN.search(s, m.end()) is not None


@functools.lru_cache(maxsize=8192)
def _titleish(s: str, max_len: int = 64) -> bool:
    """A line shaped like an article title: short, one clause run, no full stop."""
    if not s or len(s) > 160:
        return False
    if _is_cjk(s):
        if not 6 <= len(s) <= max_len or s[-1] in _END_BAD_ZH:
            return False
        return not _SENT_INSIDE_ZH.search(s[:-1])
    if s[-1] in _END_BAD_EN:
        return False
    words = _WORD.findall(s)
    if not 3 <= len(words) <= 20:
        return False
    return not _SENT_INSIDE_EN.search(s)


@functools.lru_cache(maxsize=8192)
def _prefix(s: str):
    """``(prefix_with_separator, core)`` when the line opens with a prefix shape."""
    m = _PREFIX_BRACKET.match(s)
    if m and len(s) - m.end() >= 4:
        return m.group(), m.group("core")
    m = _PREFIX_SEP.match(s)
    if m and 2 <= _han_count(m.group("core")) <= 8 and len(s) - m.end() >= 4:
        return m.group(), m.group("core")
    m = _PREFIX_EN.match(s)
    if m and len(_WORD.findall(s[m.end() :])) >= 3:
        return m.group(), m.group("core")
    return None


def _strip_prefix(s: str) -> str:
    p = _prefix(s)
    return s[len(p[0]) :] if p else s


@functools.lru_cache(maxsize=8192)
def _heading_kind(s: str) -> str | None:
    """``vocab``, ``cue`` or ``short`` for a line that can head a list."""
    if not s or len(s) > 40:
        return None
    v = _vocab()
    norm = _norm_heading(s)
    if not norm:
        return None
    if norm in v.headings:
        return "vocab"
    if _HEADING_BAD.search(norm):  # a sentence or a "label: value" line
        return None
    cjk = _is_cjk(norm)
    short = len(norm) <= 12 if cjk else len(_WORD.findall(norm)) <= 5
    if not short:
        return None
    if v.heading_cue_re.search(norm):
        return "cue"
    if s.rstrip()[-1:] in ":：":  # an intro line announcing the article's own list
        return None
    if cjk:
        return "short" if len(norm) <= 10 else None
    words = _WORD.findall(s)
    if len(words) <= 4 or (len(words) <= 6 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)):
        return "short"  # a few words, or a title-cased label
    return None


def _is_paragraph(s: str) -> bool:
    """A line of running text (not a title, label or heading)."""
    n = len(s)
    if n < 20 or (n < 60 and not _is_cjk(s)):  # len(s) >= (20 if _is_cjk(s) else 60)
        return False
    return not _titleish(s, 90)


@functools.lru_cache(maxsize=8192)
def _bigrams(s: str) -> frozenset:
    han = "".join(_HAN.findall(s))
    if len(han) >= 2:
        return frozenset(han[i : i + 2] for i in range(len(han) - 1))
    return frozenset(w.lower() for w in _WORD.findall(s) if len(w) >= 4)


@dataclass
class _Line:
    i: int
    start: int
    end: int
    nxt: int
    text: str  # stripped

    @property
    def blank(self) -> bool:
        return not self.text


@dataclass
class _Block:
    first: int  # line index
    last: int
    category: str
    confidence: float
    rule: str
    message: str
    items: list = field(default_factory=list)  # related-links: item texts


# ---------------------------------------------------------------------- gate

# The gate: one scan with the standard library's ``re`` anchored on line
# breaks (several times faster than a multiline ``^`` scan; measured in
# scripts/eval_boilerplate.py), plus a look at the last line.
_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_GATE_CUES = (
    r"[ \t]*(?:"
    r"【[^】\n]{1,12}】"  # bracket prefix / bracketed heading
    r"|[" + _HAN_RANGES + r"]{2,8}[ \t]*[:：丨|｜!！]"  # Han prefix or label
    r"|[（(\[［〔][^\n）)\]］〕]{0,40}?(?:图|圖|照|摄|攝|视频|視頻|(?i:photo|image|picture|video))"  # caption
    r"|(?i:related|read more|more stories|you may also|you might also|recommended|most read|popular|trending"
    r"|see also|also read|source|tags|keywords|topics|photo|image|editing by|edited by|reporting by"
    r"|additional reporting|originally|ftc|disclaimer)\b"
    r"|(?:相关|相關|推荐|推薦|延伸|热门|熱門|猜你|更多|精彩|资料图|資料圖|图片|圖片)"
    r")"
)
_GATE_RE = re.compile(r"\n" + _GATE_CUES)
_GATE_START_RE = re.compile(_GATE_CUES)
_HAN_LINE_RE = re.compile("[" + _HAN_RANGES + "]")
_LAST_LINE_SHORT = 160  # a text ending in a short line may end in furniture


def _tail_gate(text: str) -> bool:
    """The text ends with a short line: a title list, a label, a credit, a footer."""
    head, sep, last = text[-2 * _LAST_LINE_SHORT - 2 :].rstrip().rpartition("\n")
    last = last.strip()
    if not sep or len(last) > _LAST_LINE_SHORT:
        return False
    return len(last) <= _LAST_LINE_SHORT // 2 or _HAN_LINE_RE.search(last) is None


_BRACKETS = frozenset("[【（(［〔")  # a line opening with one may be a caption, label or prefix


def _furniture_possible(text: str) -> bool:
    """False only when :meth:`BoilerplatePass.detect` finds nothing in
    ``text``: no line of it can be furniture, a list item or a heading.

    Every finding stands on the title (the first non-blank line) with a
    prefix, or on a line below it that is one of: a heading
    (``_heading_kind``), a list item (title-like, or numbered), or a line
    ``_line_category`` accepts -- a caption (a placeholder, or in
    brackets), a label or related-link line from the vocabulary, a generic
    "<Han>: value" label, a closing notice from the vocabulary, or one of
    the English rules, which look at non-CJK lines (and at every line of a
    document that is not mostly CJK: it has a non-CJK line). So: True at
    the first line below the title that is not CJK or that one of those
    rules, without its length bounds, may accept. The title itself is
    never a heading, item or furniture line.
    """
    head, _, rest = text.replace("\r\n", "\n").replace("\r", "\n").lstrip().partition("\n")
    title = head.strip()
    if _prefix(title) is not None:
        return True
    v = _vocab()
    for s in rest.split("\n"):
        s = s.strip()
        if not s:
            continue
        if s[0] in _BRACKETS:
            return True
        if s[-1] not in _END_BAD_ZH and not _SENT_INSIDE_ZH.search(s, 0, len(s) - 1):
            return True  # may be title-like (_titleish's CJK rule without its length bounds)
        if not _is_cjk(s):
            return True  # the English rules look at non-CJK lines (and at any line of a non-CJK document)
        if len(s) <= 40 and (_heading_kind(s) is not None or _caption_placeholder(s, v)):
            return True
        if _ENUM.match(s) or v.label_re.match(s) or v.inline_heading_re.match(s) or _GENERIC_LABEL.match(s):
            return True
    # every line is a substring of the text: no notice in the text, none in a line
    return v.footer_zh_in(text)


class BoilerplatePass(Pass):
    kind = "boilerplate"

    def gate(self, text: str, profile: Profile) -> bool:
        if "\n" not in text.strip():
            return False
        if _GATE_RE.search(text) is not None or _GATE_START_RE.match(text) is not None:
            return True
        # A text that ends in a short line may end in furniture without a
        # cue: open when some line of it can be furniture at all (exact:
        # detect finds nothing otherwise).
        return _tail_gate(text) and _furniture_possible(text)

    # ------------------------------------------------------------- detect

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        lines = _split(text)
        content = [ln for ln in lines if not ln.blank]
        if len(content) < 2:
            return []
        title = content[0]
        ctx = _Context(text, lines, content, title)
        if not ctx.has_body:
            return []  # a short note keeps every line (and its title)
        rep = config.extra.get(REPEATS_KEY)
        ctx.repeats = rep if isinstance(rep, Repeats) else None

        blocks: dict[int, _Block] = {}  # first line index -> block

        def add(b: _Block) -> None:
            for j in range(b.first, b.last + 1):
                if j in ctx.taken:
                    return
            blocks[b.first] = b
            ctx.taken.update(range(b.first, b.last + 1))

        # 1. blocks that are furniture wherever they stand
        for b in _anywhere_blocks(ctx):
            add(b)
        # 2. the trailing block, read backwards from the end
        for b in _trailing_blocks(ctx):
            add(b)
        # 3. label lines right under the title
        for b in _leading_blocks(ctx):
            add(b)

        findings: list[Finding] = []
        # 4. the title's SEO prefix
        seo = _title_prefix(ctx, [b for b in blocks.values() if b.category == "related-links"])
        if seo is not None and "seo-prefix" not in config.keep_boilerplate:
            end, conf, rule, msg = seo
            after = None if "seo-prefix" in config.flag_boilerplate or conf < config.threshold else ""
            findings.append(self._finding(text, title.start, title.start + end, after, conf, msg, "seo-prefix", rule))

        # 5. removals and flags for the line blocks
        removed: dict[int, _Block] = {}
        for b in sorted(blocks.values(), key=lambda b: b.first):
            if b.category in config.keep_boilerplate:
                continue
            if b.category in config.flag_boilerplate or b.confidence < config.threshold:
                findings.append(
                    self._finding(text, lines[b.first].start, lines[b.last].end, None, b.confidence, b.message, b.category, b.rule)
                )
            else:
                removed[b.first] = b
        findings.extend(self._removals(text, lines, removed))
        return findings

    def _finding(self, text: str, start: int, end: int, after, conf: float, message: str, detail: str, rule: str) -> Finding:
        """``self.finding(...)``, made faster."""
        return make_finding(self.kind, start, end, text[start:end], after, conf, message, detail, rule)

    def _removals(self, text: str, lines: list[_Line], removed: dict[int, _Block]) -> list[Finding]:
        if not removed:
            return []
        state = ["keep"] * len(lines)  # keep | blank | gone
        for ln in lines:
            if ln.blank:
                state[ln.i] = "blank"
        for b in removed.values():
            for j in range(b.first, b.last + 1):
                state[j] = "gone"
        if all(s != "keep" for s in state):
            return []  # never empty a text
        owner = {}
        for b in removed.values():
            for j in range(b.first, b.last + 1):
                owner[j] = b
        out: list[Finding] = []
        i = 0
        n = len(lines)
        while i < n:
            if state[i] == "keep":
                i += 1
                continue
            j = i
            while j < n and state[j] != "keep":
                j += 1
            run = range(i, j)  # lines i..j-1: blanks and removed lines
            gone = [k for k in run if state[k] == "gone"]
            if gone:
                prev_keep = i > 0
                next_keep = j < n
                if prev_keep and next_keep:
                    before = gone[0] - i
                    after = (j - 1) - gone[-1]
                    keep = min(before, after)
                    del_start = lines[i + keep].start
                    del_end = lines[j].start
                elif prev_keep:  # removed tail: keep the last kept line's break
                    del_start = lines[i].start
                    del_end = len(text)
                else:  # removed head
                    del_start = 0
                    del_end = lines[j].start
                # split the deleted span between the blocks, one finding each
                firsts = sorted({owner[k].first for k in gone})
                for idx, first in enumerate(firsts):
                    b = removed[first]
                    s = del_start if idx == 0 else lines[first].start
                    e = del_end if idx == len(firsts) - 1 else lines[firsts[idx + 1]].start
                    out.append(self._finding(text, s, e, "", b.confidence, b.message, b.category, b.rule))
            i = j
        return out


PASS = BoilerplatePass()


# ------------------------------------------------------------------ helpers

_LINE_RE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")


def _split(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    if "\r" not in text:
        # the common case: the lines _LINE_RE would match, by str.split
        pieces = text.split("\n")
        last = len(pieces) - 1
        for k, body in enumerate(pieces):
            end = pos + len(body)
            if k == last:
                if body:
                    out.append(_Line(k, pos, end, end, body.strip()))
                break
            out.append(_Line(k, pos, end, end + 1, body.strip()))
            pos = end + 1
        return out
    n = len(text)
    while pos < n:
        m = _LINE_RE.match(text, pos)
        chunk = m.group()
        body = chunk.rstrip("\r\n")
        out.append(_Line(len(out), pos, pos + len(body), pos + len(chunk), body.strip()))
        pos += len(chunk)
    return out


# a body: this many sentences at least, holding this many Han characters or words
_BODY_SENTENCES, _BODY_HAN, _BODY_WORDS = 2, 40, 30
# a sentence end: a CJK full stop, or a '.', '!' or '?' after a word of
# two letters or more (not an initial), before a blank or the line's end
_SENT_END_RE = regex.compile(r"[。！？]+|(?<=[\p{L}\p{N}]{2}[)\"'’”]?)[.!?]+(?=[\"'’”)]*(?:\s|$))")


def _sentence_count(s: str) -> int:
    """Sentences in a line: its sentence ends (a line of a title's shape
    counts none)."""
    if len(s) < 8:
        return 0
    return len(_SENT_END_RE.findall(s))


_ENDS = frozenset("。！？!?…”」』.\"'’)）")


class _Context:
    """Document-level facts the line rules weigh their evidence against
    (the costlier ones computed when a rule first asks)."""

    def __init__(self, text: str, lines: list[_Line], content: list[_Line], title: _Line) -> None:
        self.lines = lines
        self.text = text
        # the article without its last lines: where an author's name would
        # appear if the article spoke of them
        cut = content[-12].start if len(content) > 14 else content[min(2, len(content) - 1)].start
        self.body_head = text[:cut]
        body = text[title.start : title.end]
        self.title_lead = len(body) - len(body.lstrip())
        self.content = content
        self.title = title
        self.titled = _titleish(title.text, 120)
        self.taken: set[int] = set()
        self._body_grams: set | None = None
        self.repeats: Repeats | None = None  # set by detect from Config.extra

    @functools.cached_property
    def paras(self) -> list[_Line]:
        return [ln for ln in self.content[1 if self.titled else 0 :] if _is_paragraph(ln.text)]

    @functools.cached_property
    def has_body(self) -> bool:
        """Whether the document is page-shaped: besides its title it has a
        body of running text holding 40 Han characters or 30 words: two
        sentences at least, or one under a headline. Only such a document loses whole lines; a
        short note keeps all of them (a closing "Author: Jane" or "Price: 5
        dollars" is part of the note)."""
        sentences = han = words = 0
        need = 1 if self.titled else _BODY_SENTENCES  # a headline over one paragraph is a page
        for ln in self.content[1 if self.titled else 0 :]:
            n = _sentence_count(ln.text)
            if n:
                sentences += n
                h = _han_count(ln.text)
                han += h
                if h < len(ln.text) // 2:
                    words += len(_WORD.findall(ln.text))
            if sentences >= need and (han >= _BODY_HAN or words >= _BODY_WORDS):
                return True
        return False

    @functools.cached_property
    def cjk(self) -> bool:
        """Whether half the content lines (or more) are CJK (``_is_cjk``),
        counted until the answer is known."""
        need = (len(self.content) + 1) // 2  # cjk * 2 >= len(content)
        left = len(self.content)
        cjk = 0
        for ln in self.content:
            if cjk >= need or cjk + left < need:
                break
            left -= 1
            if _is_cjk(ln.text):
                cjk += 1
        return cjk >= need

    @functools.cached_property
    def blank_separated(self) -> bool:
        """Layout: do paragraphs stand apart with blank lines?"""
        lines = self.lines
        paras = self.paras
        spaced = 0
        for ln in paras:
            nxt = ln.i + 1
            if nxt < len(lines) and lines[nxt].blank:
                spaced += 1
        return bool(paras) and spaced >= 0.7 * len(paras)

    @functools.cached_property
    def body_ends_sentences(self) -> bool:
        paras = self.paras
        return bool(paras) and sum(ln.text[-1] in _ENDS for ln in paras) >= 0.8 * len(paras)

    def overlap(self, s: str) -> float:
        """Share of the line's bigrams (words in Latin text) the body uses."""
        if self._body_grams is None:
            grams: set = set()
            for ln in self.paras:
                grams |= _bigrams(ln.text)
            self._body_grams = grams
        grams = _bigrams(_strip_prefix(s))
        if not grams:
            return 1.0
        return len(grams & self._body_grams) / len(grams)


# ------------------------------------------------------------ title lists


@functools.lru_cache(maxsize=8192)
def _item_text(s: str, allow_marked: bool) -> str | None:
    """The title an item line carries, or None when the line is no item."""
    if _vocab().label_re.match(s) or _heading_kind(s) in ("vocab", "cue"):
        return None  # a label line or the heading of another block
    m = _ENUM.match(s)
    if m:
        if not allow_marked:
            return None
        s = s[m.end() :].strip()
    return s if _titleish(s, 90) else None


_MAX_ITEMS = 100  # no related list is longer; bounds the work on long runs of short lines


def _collect_items(ctx: _Context, start: int, allow_marked: bool) -> tuple[list[int], list[str]]:
    """Item lines from ``start`` on: title-like lines, single blank lines
    between them allowed."""
    lines = ctx.lines
    idx: list[int] = []
    items: list[str] = []
    j = start
    gap = 0
    while j < len(lines) and len(idx) < _MAX_ITEMS:
        ln = lines[j]
        if ln.blank:
            gap += 1
            if gap > 1:
                break
            j += 1
            continue
        if ln.i in ctx.taken:
            break
        item = _item_text(ln.text, allow_marked)
        if item is None:
            break
        gap = 0
        idx.append(j)
        items.append(item)
        j += 1
    return idx, items


def _list_block(ctx: _Context, head: int | None, idx: list[int], items: list[str], trailing: bool) -> _Block | None:
    """Weigh the evidence that ``items`` (under heading line ``head``) are links."""
    k = len(items)
    if k == 0 and head is None:
        return None
    kind = _heading_kind(ctx.lines[head].text) if head is not None else None
    prefixed = sum(_prefix(s) is not None for s in items)
    pref_share = prefixed / k if k else 0.0
    marked = any(_ENUM.match(ctx.lines[j].text) for j in idx)
    # The rest of the evidence is weighed only where a rule asks for it.
    known: dict[str, bool] = {}

    def has_title() -> bool:
        if "has_title" not in known:
            title_core = _strip_prefix(ctx.title.text) if ctx.titled else None
            known["has_title"] = any(_strip_prefix(s) == title_core for s in items) and (
                head is not None or idx[0] != ctx.title.i
            )
        return known["has_title"]

    def contrast() -> bool:
        consecutive = k >= 2 and all(idx[n + 1] == idx[n] + 1 for n in range(k - 1))
        return consecutive and ctx.blank_separated

    def unrelated() -> bool:
        return k >= 2 and statistics.median(ctx.overlap(s) for s in items) < 0.35

    def long_items() -> bool:
        # headlines are longer than the entries of a table or a fixture list
        return k >= 1 and statistics.median(
            len(s) if _is_cjk(s) else 2 * len(_WORD.findall(s)) for s in items
        ) >= 8 and not any(_RANKED.match(s) for s in items)

    first = head if head is not None else idx[0]
    last = idx[-1] if idx else head
    reasons = []
    conf = 0.0
    if kind == "vocab":
        if k >= 1 or trailing:
            conf, reasons = 0.95, ["heading from the vocabulary"]
    elif kind == "cue":
        if k >= 2 and not marked and (trailing or pref_share >= 0.5 or unrelated()):
            conf, reasons = 0.9, ["list heading"]
    elif kind == "short" and not marked and k >= 3:
        if pref_share >= 0.5 and (trailing or k >= 4):
            conf, reasons = 0.9, ["short heading over prefixed titles"]
        elif trailing and (has_title() or (unrelated() and (contrast() or (k >= 4 and long_items() and ctx.body_ends_sentences)))):
            conf, reasons = 0.85, ["short heading over a title list after the article"]
    elif kind is None and head is None and not marked and k >= 3:
        # it opens with a prefixed title, or with a title the article does
        # not speak of (a closing line of the article shares its words)
        opens = _prefix(items[0]) is not None or ctx.overlap(items[0]) < 0.35
        if pref_share >= 0.6 and opens and (trailing or (k >= 4 and pref_share >= 0.75)):
            conf, reasons = 0.9, ["titles with repeated prefix shapes"]
        elif trailing and k >= 4 and unrelated() and (has_title() or contrast()):
            conf, reasons = 0.85, ["title list after the article"]
    if not conf:
        return None
    if has_title():
        reasons.append("the page's own title among the items")
    if pref_share >= 0.5 and "prefix" not in reasons[0]:
        reasons.append("repeated prefix shapes")
    msg = f"related-links block of {k} title(s): " + ", ".join(reasons)
    return _Block(first, last, "related-links", conf, "related-list", msg, items)


def _lists_starting_at(ctx: _Context, i: int, as_heading: bool = True):
    """Candidate list blocks whose first line is ``i``."""
    ln = ctx.lines[i]
    kind = _heading_kind(ln.text)
    if kind is not None and i != ctx.title.i and as_heading:
        allow = kind in ("vocab", "cue")
        idx, items = _collect_items(ctx, i + 1, allow)
        yield i, idx, items
    idx, items = _collect_items(ctx, i, False)
    if idx:
        yield None, idx, items


# ----------------------------------------------------------- single lines


def _line_category(ctx: _Context, ln: _Line, where: str):
    """``(category, confidence, rule, message)`` for one furniture line.

    ``where`` is ``anywhere``, ``leading`` or ``trailing``.
    """
    s = ln.text
    if not s or len(s) > (80 if where == "anywhere" else 200) or ln.i == ctx.title.i:
        return None
    v = _vocab()
    # captions: placeholder lines, bracketed image lines, credit labels
    if len(s) <= 40 and _caption_placeholder(s, v):
        return "caption", 0.95, "caption-placeholder", "image placeholder line"
    m = _BRACKET_LINE.match(s) if s[0] in _BRACKET_OPEN else None
    if m and v.caption_cue_re.search(m.group("inner")) and not _STOPS.search(m.group("inner")):
        return "caption", 0.9, "caption-bracket", "bracketed image caption"
    # (the label and related-link patterns need a separator, or a "... by" label)
    cue = _LABEL_CUE.search(s) is not None
    m = v.label_re.match(s) if cue else None
    if m:
        label = m.group("label").lower()
        category = v.label_category.get(label, "attribution")
        value = m.group("value")
        ok_len = len(value) <= 60 if _is_cjk(value) else len(_WORD.findall(value)) <= 14
        if category == "keywords":
            ok_len = len(value) <= 120
        sentence = _STOPS.search(value[:-1]) or (not _is_cjk(value) and _SENT_INSIDE_EN.search(value))
        if ok_len and not sentence:
            if category == "caption":
                return "caption", 0.9, "caption-label", f"image credit line ({m.group('label')})"
            if category == "footer" and where == "trailing":
                return "footer", 0.85, "footer-label", f"closing line ({m.group('label')})"
            if category in ("attribution", "keywords") and where in ("leading", "trailing"):
                return category, 0.9, f"{category}-label", f"{category} line ({m.group('label')})"
    # one-line related link: "相关阅读：<title>", "Read more: <title>"
    m = v.inline_heading_re.match(s) if cue else None
    if m and (_titleish(m.group("rest"), 90) or where == "trailing"):
        return "related-links", 0.9, "related-inline", "related-article link line"
    if (
        where != "anywhere"
        and ctx.repeats is not None
        and len(s) <= _REPEAT_MAX_LEN
        and s[-1] not in ":："  # a dateline or lead-in introduces the text under it
        and _norm_line(s) in ctx.repeats.lines
    ):
        if _GENERIC_LABEL.match(s) or _EN_GENERIC_LABEL.match(s) or v.label_re.match(s) or where == "leading":
            return "attribution", 0.85, "attribution-corpus", "line repeated on many pages of the corpus"
        if not _STOPS.search(s[:-1]):
            return "footer", 0.85, "footer-corpus", "closing line repeated on many pages of the corpus"
    if where != "trailing":
        return None
    # trailing only: footers and labels outside the vocabulary
    if not _is_cjk(s) or not ctx.cjk:
        # (a line of 119 characters holds 60 words at most: counted only when it may hold more)
        n_words = len(_WORD.findall(s)) if len(s) >= 120 else None
        if n_words is None or n_words <= 60:
            for kind, rx in v.footer_en:
                if rx.search(s):
                    return "footer", 0.85, f"footer-{kind}", f"closing {kind} line"
        if n_words is None:
            n_words = len(_WORD.findall(s))
        if n_words <= 20 and "@" in s and _CONTACTISH.search(s):  # (both its branches need the "@")
            return "footer", 0.85, "footer-contact-shape", "closing line with an address or handle"
        m = _EN_BIO.match(s)
        if m and n_words <= 25 and _EN_BIO_ROLE.match(s, m.end()) and m.group("name") not in ctx.body_head:
            # a person the article never mentions, introduced after it: the author
            return "footer", 0.85, "footer-bio-shape", "author bio after the article"
    if len(s) <= 120 and v.footer_zh_in(s):  # v.footer_zh_re.search(s)
        return "footer", 0.85, "footer-notice", "closing notice line"
    m = _GENERIC_LABEL.match(s)
    if m is None and not _is_cjk(s):
        m = _EN_GENERIC_LABEL.match(s)
    if m and _short_value(m.group("value")):
        # a tag line: a short label over a few short terms
        tags = _KEYWORD_CUE.search(m.group("label")) or _term_count(m.group("value")) >= 2
        cat = "keywords" if tags else "attribution"
        return cat, 0.85, f"{cat}-shape", f"'{m.group('label')}:' line after the article"
    return None


def _term_count(value: str) -> int:
    """Terms of a label's value split at list separators (or, in CJK, blanks)."""
    tokens = [t for t in _LIST_SPLIT.split(value) if t]
    if len(tokens) == 1 and _is_cjk(value):
        tokens = value.split()
    return len(tokens)


_BRACKET_OPEN = frozenset("（(【[［〔")  # _BRACKET_LINE's first character


def _caption_placeholder(s: str, v: _Vocab) -> bool:
    """``_norm_caption(s) in v.captions``, the normalisation skipped where
    no caption's witness character stands."""
    w = v.caption_witness_re
    if w is not None and w.search(s) is None:
        return False
    return _norm_caption(s) in v.captions


def _labelish(s: str) -> bool:
    """"<label>: <name or outlet>": a credit line, too short a rest for a title."""
    if ":" not in s and "：" not in s and "丨" not in s and "|" not in s and "｜" not in s:
        return False  # the separators both label patterns need
    m = _GENERIC_LABEL.match(s)
    if m and len(m.group("value")) <= 8 and _short_value(m.group("value")):
        return True
    m = _EN_GENERIC_LABEL.match(s)
    return bool(m) and len(_WORD.findall(m.group("value"))) <= 3 and _short_value(m.group("value"))


def _short_value(value: str) -> bool:
    """A label's value: a name, an outlet, or a list of short terms -- no sentence."""
    if _VALUE_BAD.search(value) or value[-1:] == ".":
        return False
    if _is_cjk(value) and not _LIST_SEP.search(value) and " " not in value.strip():
        return len(value) <= 12  # a name or an outlet, not a headline
    tokens = [t for t in _LIST_SPLIT.split(value) if t]
    if _is_cjk(value):
        if len(tokens) == 1:  # space-separated terms: short ones, or a headline
            tokens = value.split()
            return 2 <= len(tokens) <= 10 and all(len(t) <= 6 for t in tokens)
        return len(tokens) <= 10 and all(len(t) <= 10 for t in tokens)
    return len(tokens) <= 10 and all(len(_WORD.findall(t)) <= 4 for t in tokens) and len(_WORD.findall(value)) <= 12


def _merge_lines(ctx: _Context, found: list[tuple[int, tuple]]) -> list[_Block]:
    """Consecutive furniture lines of one category (blank lines between
    allowed) make one block."""
    blocks: list[_Block] = []
    for i, (cat, conf, rule, msg) in sorted(found):
        if blocks and blocks[-1].category == cat and cat != "related-links":
            prev = blocks[-1]
            if all(ctx.lines[j].blank for j in range(prev.last + 1, i)):
                prev.last = i
                prev.confidence = min(prev.confidence, conf)
                if rule not in prev.rule.split("+"):
                    prev.rule += "+" + rule
                continue
        blocks.append(_Block(i, i, cat, conf, rule, msg))
    return blocks


def _anywhere_blocks(ctx: _Context) -> list[_Block]:
    out: list[_Block] = []
    taken: set[int] = set()
    singles: list[tuple[int, tuple]] = []
    prev_prefixed = prev_item = prev_heading = False
    title_i = ctx.title.i
    for ln in ctx.content:
        if ln.i in taken:
            continue
        s = ln.text
        n = len(s)
        # (_line_category "anywhere" looks at lines of 80 characters at most, never the title)
        c = _line_category(ctx, ln, "anywhere") if n <= 80 and ln.i != title_i else None
        if c is not None:
            singles.append((ln.i, c))
            taken.add(ln.i)
            prev_prefixed = prev_item = prev_heading = False
            continue
        if n > 90 or ln.i == title_i:
            prev_prefixed = prev_item = prev_heading = False
            continue
        # where a list can start mid-text: under a list heading, or at the
        # first of a run of prefixed titles
        prefixed = _prefix(s) is not None and _titleish(s, 90)
        kind = _heading_kind(s) if n <= 40 else None  # no heading is longer
        is_item = _item_text(s, False) is not None
        starts = kind in ("vocab", "cue") or (
            # under a line of its own shape it is an item, under a heading
            # the heading's item: not a start
            not (prev_item and is_item)
            and not prev_heading
            and ((kind == "short" and _next_prefixed(ctx, ln.i)) or (prefixed and not prev_prefixed))
        )
        prev_prefixed = prefixed
        prev_item = is_item and not _labelish(s)
        prev_heading = kind is not None and not is_item
        if not starts:
            continue
        for head, idx, items in _lists_starting_at(ctx, ln.i):
            b = _list_block(ctx, head, idx, items, trailing=False)
            if b is not None and not any(j in taken for j in range(b.first, b.last + 1)):
                out.append(b)
                taken.update(range(b.first, b.last + 1))
                break
    return out + _merge_lines(ctx, singles)


def _next_prefixed(ctx: _Context, i: int) -> bool:
    """Whether one of the next two lines opens with a prefix shape."""
    seen = 0
    for ln in ctx.lines[i + 1 : i + 5]:
        if not ln.blank:
            if _prefix(ln.text) is not None:
                return True
            seen += 1
            if seen == 2:
                break
    return False


def _trailing_blocks(ctx: _Context) -> list[_Block]:
    """Furniture after the article: walk back from the end while every line
    is furniture."""
    lines = ctx.lines
    found: list[tuple[int, tuple]] = []
    lists: list[_Block] = []
    j = len(lines) - 1
    pending: _Line | None = None
    floor = ctx.title.i  # never walk into the title
    while j > floor:
        ln = lines[j]
        if ln.blank or ln.i in ctx.taken:
            j -= 1
            continue
        # a list ending here? try every start above, longest first
        best = None
        k = j
        seen_items = 0
        while k > floor and seen_items <= 60:
            if not lines[k].blank:
                seen_items += 1
                if lines[k].i in ctx.taken:
                    break
                if not (_titleish(lines[k].text, 90) or _heading_kind(lines[k].text) or _ENUM.match(lines[k].text)):
                    break
            k -= 1
        prev_item = False
        for start in range(k + 1, j + 1):
            if lines[start].blank:
                continue
            is_item = _item_text(lines[start].text, False) is not None
            # a line under a line of its own shape is an item, not a heading
            as_heading = not (prev_item and is_item)
            prev_item = is_item and not _labelish(lines[start].text)
            for head, idx, items in _lists_starting_at(ctx, start, as_heading):
                if not idx and head is None:
                    continue
                last = idx[-1] if idx else head
                if last != j:
                    continue
                b = _list_block(ctx, head, idx, items, trailing=True)
                if b is not None:
                    best = b
                    break
            if best is not None:
                break
        if best is not None:
            if pending is not None:
                break  # a list is no closing block: the last line is text
            lists.append(best)
            j = best.first - 1
            continue
        c = _line_category(ctx, ln, "trailing")
        if c is None:
            if pending is None and not found and not lists and _short_line(ln.text):
                # the last line, unknown: furniture only if furniture stands
                # right above it (boilerplate clusters; jusText's context rule)
                pending = ln
                j -= 1
                continue
            break
        if pending is not None and not _adopt(pending, c, found):
            break  # text under it: this line is no trailing furniture
        pending = None
        found.append((ln.i, c))
        j -= 1
    return lists + _merge_lines(ctx, found)


def _short_line(s: str) -> bool:
    return len(s) <= 60 if _is_cjk(s) else len(_WORD.findall(s)) <= 25


def _adopt(pending: _Line, c: tuple, found: list) -> bool:
    """The unknown last line joins the closing block right above it, when
    that block was recognised by its vocabulary (not by shape alone) and the
    line is no sentence of the article."""
    if c[2] in ("attribution-shape", "keywords-shape") or c[2].endswith("-context") or c[0] not in ("footer", "attribution"):
        return False  # a label outside the vocabulary may be a headline
    if _is_cjk(pending.text) and pending.text[-1] in "。！？":
        return False
    found.append((pending.i, (c[0], 0.8, f"{c[0]}-context", f"last line after a {c[0]} line")))
    return True


def _leading_blocks(ctx: _Context) -> list[_Block]:
    """Label lines between the title and the first paragraph."""
    found = []
    for ln in ctx.content[1:4]:
        if ln.i in ctx.taken:
            continue
        c = _line_category(ctx, ln, "leading")
        if c is None:
            break
        found.append((ln.i, c))
    return _merge_lines(ctx, found)


def _title_prefix(ctx: _Context, lists: list[_Block]):
    """``(prefix_length, confidence, rule, message)`` for the title's prefix."""
    title = ctx.title.text
    if not ctx.titled or ctx.title.i in ctx.taken:
        return None
    p = _prefix(title)
    if p is None:
        return None
    raw = p[0]
    core = p[1]
    end = ctx.title_lead + len(raw)
    rest = title[len(raw) :]
    for b in lists:
        cores = [_prefix(s)[1] for s in b.items if _prefix(s)]
        if core in cores:
            return end, 0.95, "seo-prefix-repeated", f"title prefix '{raw.strip()}' repeats down the related list"
        if any(_strip_prefix(s) == rest for s in b.items):
            return end, 0.95, "seo-prefix-title-listed", f"title prefix '{raw.strip()}': the related list carries the title"
    if _vocab().seo_re.match(core):
        return end, 0.85, "seo-prefix-grammar", f"title prefix '{raw.strip()}' is made of content-farm words"
    # new words in a known shape: most of the page's related list's titles
    # carry prefixes of that shape; or the corpus carries this prefix on many
    # pages of the same source
    by_shape = _is_cjk(core) and core not in _headline_labels() and any(_shape_vouches(b) for b in lists)
    by_corpus = ctx.repeats is not None and core in ctx.repeats.prefixes
    # either needs the article not to use the prefix's words; that check
    # reads the whole body, so it comes last
    if not (by_shape or by_corpus) or not _core_foreign(ctx, core):
        return None
    if by_shape:
        return end, 0.9, "seo-prefix-shape", f"title prefix '{raw.strip()}': the related list's titles carry prefixes of its shape"
    return end, 0.9, "seo-prefix-corpus", f"title prefix '{raw.strip()}' repeats on many pages of the corpus"


def _shape_vouches(block: _Block) -> bool:
    shaped = sum(_prefix(s) is not None for s in block.items)
    return shaped >= _SHAPE_MIN_ITEMS and shaped * 2 >= len(block.items)


@functools.lru_cache(maxsize=None)
def _headline_labels() -> frozenset:
    return frozenset(_lines("headline_labels.txt"))


_SHAPE_MIN_ITEMS = 2  # prefixed titles in the related list that vouch for the title's prefix shape


def _core_foreign(ctx: _Context, core: str) -> bool:
    """A prefix speaks of the page, not of the article: the article's
    paragraphs do not use its words ("特斯拉震荡:" before an article about
    Tesla is part of the headline)."""
    grams = _bigrams(core)
    if not grams:
        return False
    ctx.overlap("")  # (builds the body's bigrams)
    return len(grams & ctx._body_grams) * 3 < len(grams)


# ------------------------------------------------------------ corpus repeats
#
# In a folder or corpus run the documents of one source share their
# furniture: the same closing lines and the same title prefixes, page after
# page (the cross-document line counts of the line-deduplication filters in
# BigScience's data tooling and datatrove, with an absolute and a relative
# floor; jusText's idea that furniture is what a site repeats). A first pass
# over the source's documents counts them (:func:`collect_repeats`, a pure
# function); the pass consults the result through
# ``Config.extra["boilerplate_repeats"]``. A repeated line is furniture only
# where furniture stands (right under the title, or in the trailing block)
# and only if it is short; a repeated prefix only if the article does not
# use its words.

REPEATS_KEY = "boilerplate_repeats"
_REPEAT_MAX_LEN = 80  # longer lines are text, however often they repeat


@dataclass(frozen=True)
class Repeats:
    """What repeats across the documents of one source."""

    docs: int
    lines: frozenset  # normalised lines (:func:`_norm_line`)
    prefixes: frozenset  # title-prefix cores


def _norm_line(s: str) -> str:
    return _SPACES.sub(" ", s.strip()).lower()


def collect_repeats(texts, min_docs: int = 3, min_share: float = 0.05) -> Repeats:
    """Lines and prefixes of ``texts`` (the documents of one source) that
    stand in ``min_docs`` documents at least and in ``min_share`` of them;
    each document counts a line once. Linear in the total text size; the
    counts hold only short lines (``_REPEAT_MAX_LEN``) and prefix cores."""
    from collections import Counter

    line_docs: Counter = Counter()
    prefix_docs: Counter = Counter()
    n = 0
    for text in texts:
        n += 1
        lines: set[str] = set()
        cores: set[str] = set()
        first = True
        for raw in text.splitlines():
            s = raw.strip()
            if not s:
                continue
            if len(s) <= 120:
                p = _prefix(s)
                if p is not None and (first or _titleish(s, 90)):
                    cores.add(p[1])
            if not first and len(s) <= _REPEAT_MAX_LEN:
                lines.add(_norm_line(s))
            first = False
        line_docs.update(lines)
        prefix_docs.update(cores)
    need = max(min_docs, math.ceil(min_share * n))
    return Repeats(
        n,
        frozenset(k for k, c in line_docs.items() if c >= need),
        frozenset(k for k, c in prefix_docs.items() if c >= need),
    )
