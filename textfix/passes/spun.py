"""``spun-phrase``: synonym-spinner damage in English ("synthetic intelligence",
"device learning", "technical paints").

Two layers.

*Phrase table* (``data/spun_phrases.tsv``: the Problematic Paper Screener
tortured-phrase fingerprints of Cabanac, Labbé & Magazinov 2021 read with
their AND/NOT semantics, plus our own rows). The table is compiled into a
word trie (once per installation: it is kept in the disk cache of
:mod:`textfix.cache`, with the other tables and what the pass derives from
them); the text is tokenised once and walked through the trie, so the cost
does not grow with the table. Words match with their inflection
(plural/singular), in any capitalisation, across hyphens and line breaks. A
row is repaired when its confidence is at least 0.8 and its
``AND`` context is in the text; rows that are ambiguous outside science
papers (``"surface region" AND "surface area"``) stay silent when the
context is missing, unless the document is visibly spun, where they become
flags.

*Statistical layer* for phrases no table holds: a spinner swaps one word of
a collocation for a thesaurus neighbour, leaving a word pair that English
does not use ("technical paints") next to one it uses a lot ("technical
work"). For each word of the text that the spinner's word map
(``data/spun_wordmap.tsv``: the table's one-word differences plus our own
swaps) knows, the pass looks its neighbours up in an English bigram list
(``data/en_bigrams.tsv.gz``, symspellpy's Google Books counts) and in the
word pairs of the table's canonical phrases (technical terms the general
list lacks), with the original word put back. Tiers: ``stat-one-side`` (one
neighbour: the text's pair is absent, the restored one common),
``stat-both-sides`` (both neighbours), ``stat-two-words`` (two adjacent
swapped words restore a known term), ``stat-relaxed`` (restored pair at
least 10x more common; only in documents with two or more other findings).
Spinners rewrite whole documents, so the layer speaks only in documents that
show spinner damage elsewhere (a table-sure finding, or several both-sides
pairs): on clean English it raises 0.33 flags per 10,000 words. Findings
are flags with the suggested original; ``stat-both-sides`` is repaired
(confidence 0.83) in documents with a table-sure finding: on held-out
table pairs 83% of those repairs restore a word of the original
(``scripts/eval_spun.py``).

*Document verdict* (``spun-document``, a flag at offset 0 with an empty
span): the whole document reads as spinner output. Its evidence is weighed
before the layers' own document gates (:func:`document_evidence`): sure
table phrases, context-less table phrases, the statistical layer's rare
word pairs with a common restored pair (swaps listed as ordinary English
in ``spun_ordinary.tsv`` do not count), pronoun flips; the message gives
the score, the score per 1,000 words and each count. Measured with
``scripts/eval_spun.py --documents`` (thresholds chosen on one half of the
clean English documents, figures on the other half).
"""

from __future__ import annotations

import functools
import gzip
import re
from array import array
from bisect import bisect_left
from itertools import accumulate, compress, count, islice, product, repeat
from typing import NamedTuple

from ..cache import derived
from ..config import Config
from ..model import Finding, Profile
from ..resources import data_path, read_data_lines
from ..textutil import protected_spans, in_spans
from . import Pass

# Words: letters/digits with inner apostrophes. Separators inside a phrase:
# blanks, one hyphen, or one line break.
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SEP_OK_RE = re.compile(r"[ \t]*(?:[-\u2010\u2011][ \t]*|\r?\n[ \t]*)?\Z")
_SEP_BLANK_RE = re.compile(r"[ \t]+\Z")  # used with (pos, endpos): the whole gap is blanks

# Flags of the statistical layer and of context-less rows.
CONF_STAT_FLAG = 0.6
CONF_STAT_SURE = 0.83  # measured: 218 of 262 both-sides repairs right on held-out spun docs (eval_spun.py, 3 folds)
CONF_CONTEXTLESS = 0.65
# Statistical layer thresholds (counts in thousands of Google Books bigrams).
MIN_NEW_STRICT = 5_000  # the restored pair must be common (>= 5M)
MIN_SUPPORT = 2  # the swap must be attested at least twice (pairs or own weight) ...
COLLOC_K = 10_000  # ... unless it restores a known term (table canonical), counted as 10M
RELAXED_RATIO = 10.0  # spun documents: restored pair 10x more common than the text's
MIN_EVIDENCE = 2  # findings before context-less rows and ratio pairs count
MIN_BOTH_ALONE = 2  # without table evidence: both-sides pairs needed ...
MIN_STRICT_ALONE = 4  # ... and strict pairs in all
ALONE_RULES = ("stat-both-sides", "stat-two-words")  # tiers that flag in a document with no other evidence
MIN_STRICT_WITH_FLIP = 3  # or strict pairs (both-sides count twice) plus a pronoun flip

# Function words never count as spinner swaps (their bigrams are everywhere).
_STOP = frozenset(
    "a an the of to in on at by for with from and or but not no is are was were be been it its this that "
    "these those he she his her they them their we our you your i me my as if so than then there here "
    "which who whom whose what when where why how all any some each one two can could will would may might "
    "must shall should do does did has have had".split()
)


# Bumped whenever a table's cache is cleared (``eval_spun.py`` swaps the
# tables that way): what is derived from the tables is rebuilt then.
_GENERATION = [0]


def _installed(get):
    """The value of the :func:`~textfix.cache.derived` table ``get``: read
    from the disk cache while the tables are the installed ones; built in
    memory once they have been swapped (the cache knows only the package's
    own data files)."""
    return get() if _GENERATION[0] == 0 else get.build()


def _table(fn):
    """``fn()`` once per process and, for the installed tables, once per
    installation (:func:`_installed`); ``cache_clear`` also bumps
    ``_GENERATION``. ``fn`` returns plain data (what :mod:`marshal` writes)."""
    on_disk = derived()(fn)
    cached = functools.lru_cache(maxsize=None)(functools.wraps(fn)(lambda: _installed(on_disk)))
    clear = cached.cache_clear

    def cache_clear() -> None:
        clear()
        _GENERATION[0] += 1

    cached.cache_clear = cache_clear
    cached.build = fn  # the uncached builder (tests compare the two)
    return cached


@functools.lru_cache(maxsize=1 << 16)
def base(word: str) -> str:
    """Singular-ish base form of a lower-case word (for matching only)."""
    n = len(word)
    if n > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if n > 4 and word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        return word[:-2]
    if n > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s", "’s")):
        return word[:-1]
    return word


def pluralise(word: str) -> str:
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


class _Entry(NamedTuple):
    """A row of the phrase table. The trie holds it as a plain tuple (it is
    kept on disk with :mod:`marshal`): ``_Entry._make(row)`` names its fields."""

    spun: str
    canonical: str
    conf: float
    conf_alone: float
    context: list[list[str]]  # groups of alternatives: one of each group must be in the text
    exclude: list[str]
    suggestion: str
    source: str
    plural: bool  # the spun side's last word is plural

    @classmethod
    def parse(cls, parts: list[str]) -> _Entry:
        parts = parts + [""] * (8 - len(parts))
        spun = parts[0]
        last = spun.lower().split()[-1] if spun.split() else ""
        return cls(
            spun,
            parts[1],
            float(parts[2] or 0),
            float(parts[3] or 0),
            [[t.lower() for t in g.split("|") if t] for g in parts[4].split(";") if g],
            [t.lower() for t in parts[5].split("|") if t],
            parts[6],
            parts[7],
            base(last) != last,
        )


@_table
def phrase_trie() -> tuple[dict, int]:
    """The phrase table as a word trie: ``{word: [entry row|None, children]}``
    (rows: see :class:`_Entry`).

    Rows whose spun side holds punctuation other than hyphens cannot be
    matched token by token and are left out.
    """
    root: dict = {}
    count = 0
    for line in read_data_lines("spun_phrases.tsv"):
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        entry = _Entry.parse(parts)
        words = [base(w.lower()) for w in _TOKEN_RE.findall(entry.spun)]
        flat = re.sub(r"[-\u2010\u2011]", " ", entry.spun.lower())
        if len(words) < 2 or " ".join(_TOKEN_RE.findall(flat)) != " ".join(flat.split()):
            continue  # single words and punctuated phrases are not matched
        node = root
        for i, w in enumerate(words):
            slot = node.get(w)
            if slot is None:
                slot = node[w] = [None, {}]
            if i == len(words) - 1:
                if slot[0] is None or entry.conf_alone > _Entry._make(slot[0]).conf_alone:
                    slot[0] = tuple(entry)
                    count += 1
            node = slot[1]
    return root, count


@_table
def first_forms() -> dict[str, str]:
    """Lower-case surface form -> trie key, for the first word of a phrase
    (the key itself, its plural and, for keys ending in y, the -ies form)."""
    root, _ = phrase_trie()
    out: dict[str, str] = {}
    for key in root:
        out.setdefault(pluralise(key), key)
    for key in root:
        out[key] = key
    return out


def first_pairs() -> frozenset[tuple[str, str]]:
    """Every pair of lower-case words that can open a phrase: a surface form
    of a first word, and a word whose :func:`base` is a second word after it
    (the key, +s, +es, y -> ies). (Part of :func:`_pair_tables`.)"""
    root, _ = phrase_trie()
    forms = first_forms()
    out: set[tuple[str, str]] = set()
    for form, key in forms.items():
        for second in root[key][1]:
            out.update(((form, second), (form, second + "s"), (form, second + "es")))
            if second.endswith("y"):
                out.add((form, second[:-1] + "ies"))
    return frozenset(out)


@_table
def word_map() -> dict[str, list[tuple[str, int]]]:
    out: dict[str, list[tuple[str, int]]] = {}
    for line in read_data_lines("spun_wordmap.tsv"):
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        if " " not in parts[0]:
            out.setdefault(parts[0], []).append((parts[1], int(parts[2])))
    for v in out.values():
        v.sort(key=lambda x: -x[1])
    return out


@_table
def multi_map() -> dict[str, list[tuple[tuple[str, ...], list[tuple[str, int]]]]]:
    """Multi-word swaps ("getting to know" -> learning): first word ->
    ``[(all words, [(original, support)])]``, longest first."""
    grouped: dict[tuple[str, ...], list[tuple[str, int]]] = {}
    for line in read_data_lines("spun_wordmap.tsv"):
        parts = line.split("\t")
        if len(parts) < 3 or " " not in parts[0]:
            continue
        grouped.setdefault(tuple(parts[0].split()), []).append((parts[1], int(parts[2])))
    out: dict[str, list] = {}
    for words, origs in grouped.items():
        origs.sort(key=lambda x: -x[1])
        out.setdefault(words[0], []).append((words, origs))
    for v in out.values():
        v.sort(key=lambda x: -len(x[0]))
    return out


@_table
def ordinary_swaps() -> frozenset[tuple[str, str]]:
    """Word-map swaps that are ordinary English (``(spun, original)``):
    they fire in clean text (``spun_ordinary.tsv``, made by
    scripts/find_ordinary_spun.py); the statistical layer still flags them
    in spun documents, but they are no evidence that a document is spun."""
    out = set()
    for line in read_data_lines("spun_ordinary.tsv"):
        parts = line.split("\t")
        if len(parts) >= 2:
            out.add((parts[0], parts[1]))
    return frozenset(out)


@_table
def collocations() -> frozenset[tuple[str, str]]:
    """Word pairs of the table's canonical phrases: the technical terms a
    spinner damages ("deep learning", "random forest"), which a general
    bigram list often lacks. Counted as common collocations."""
    out = set()
    for line in read_data_lines("spun_phrases.tsv"):
        parts = line.split("\t")
        if len(parts) < 2 or not parts[1]:
            continue
        words = [w.lower() for w in _TOKEN_RE.findall(re.sub(r"[-\u2010\u2011]", " ", parts[1]))]
        out.update((a, b) for a, b in zip(words, words[1:]) if a not in _STOP and b not in _STOP)
    return frozenset(out)


@_table
def bigrams() -> dict[tuple[str, str], int]:
    """English bigram counts in thousands (symspellpy / Google Books Ngram)."""
    # C-level parsing (one decompress, one split, slices): a line loop over
    # the 90k rows was a fifth of a second at every process start.
    with data_path("en_bigrams.tsv.gz").open("rb") as raw:
        body = gzip.decompress(raw.read()).decode("utf-8")
    fields = re.sub(r"(?m)^#.*$", "", body).split()  # words hold no blanks: word, word, count, ...
    if len(fields) % 3:
        raise ValueError("en_bigrams.tsv.gz: every row must have three tab-separated fields")
    return dict(zip(zip(fields[0::3], fields[1::3]), map(int, fields[2::3])))


# Tokenising. A word is a run of word characters ([^\W_]) with inner
# apostrophes (' or ’ between two word characters): _TOKEN_RE's words. The
# text is turned into a *surrogate* of the same length, in ASCII, where each
# word character stands as itself (or as "\x01" if it is not ASCII), an inner
# apostrophe as "'", and every other character as a blank; the words are then
# the non-empty cells of ``surrogate.split(" ")``: C-level string methods
# instead of one regex match per word, which was most of the pass's cost.
_WORD_CHAR_RE = re.compile(r"[^\W_]")
_PLACEHOLDER = "\x01"  # a non-ASCII word character in the surrogate
_LONE_APOSTROPHE_RE = re.compile(rb"'(?:(?<![A-Za-z0-9\x01]')|(?![A-Za-z0-9\x01]))")  # not between two word characters
_KEEP = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'\x01")
_ASCII_CELLS = bytes(c if c in _KEEP else 0x20 for c in range(256))  # bytes.translate table


class _SurrogateChars(dict):
    """Surrogate of one non-ASCII character, found on first use."""

    def __missing__(self, c: str) -> str:
        out = "'" if c == "’" else _PLACEHOLDER if _WORD_CHAR_RE.match(c) else " "
        self[c] = out
        return out


_SURROGATE = _SurrogateChars()


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def _surrogate_char(m: "re.Match[str]", _get=_SURROGATE.__getitem__) -> str:
    """The surrogate of one non-ASCII character (one regex scan finds
    them at C speed)."""
    return _get(m.group())


def _surrogate(text: str) -> str:
    """The surrogate of ``text`` (see above)."""
    if _PLACEHOLDER in text:
        text = text.replace(_PLACEHOLDER, " ")  # no word character
    raw = (text if text.isascii() else _NON_ASCII_RE.sub(_surrogate_char, text)).encode("ascii")
    if b"'" in raw:
        raw = _LONE_APOSTROPHE_RE.sub(b" ", raw)
    return raw.translate(_ASCII_CELLS).decode("ascii")


class _Tokens:
    """The words of a text as the non-empty cells of its surrogate (see
    :func:`_surrogate`): cell ``k`` starts after the cells before it and
    ``k`` blanks. ``toks[i]`` is ``(start, end, word)`` of the i-th word.
    The start offsets of the cells are summed once, at the first lookup
    (one C-level running sum over the cells, kept in an array of machine
    integers): every lookup after it is an index, in whatever order the
    layers ask (a lookup one word back used to sum the cells again from
    the start of the text: quadratic)."""

    __slots__ = ("text", "cells", "n", "_cell_of", "_starts")

    def __init__(self, text: str, cells: list[str], n: int) -> None:
        self.text, self.cells, self.n = text, cells, n
        self._cell_of = None
        self._starts = None

    @property
    def cell_of(self) -> list[int]:
        """Index of the cell of each word."""
        got = self._cell_of
        if got is None:
            got = self._cell_of = list(compress(count(), self.cells))
        return got

    def cell_starts(self) -> array:
        """Start offset of every cell (cell ``k`` starts after ``k`` blanks
        and the cells before it)."""
        got = self._starts
        if got is None:
            got = self._starts = array("q", accumulate(map((1).__add__, map(len, self.cells)), initial=0))
        return got

    def cell_start(self, k: int) -> int:
        """Start offset of cell ``k``."""
        return self.cell_starts()[k]

    def __len__(self) -> int:
        return self.n

    def starts(self, idx: list[int]) -> list[int]:
        """Start offsets of the words at the indexes ``idx``."""
        cell_of, starts = self.cell_of, self.cell_starts()
        return [starts[cell_of[i]] for i in idx]

    def sep(self, i: int) -> str:
        """The text between word ``i`` and word ``i + 1``."""
        a, b = self.cell_of[i], self.cell_of[i + 1]
        starts = self.cell_starts()
        return self.text[starts[a] + len(self.cells[a]) : starts[b]]

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        n = self.n
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        k = self.cell_of[i]
        a = self.cell_starts()[k]
        b = a + len(self.cells[k])
        return a, b, self.text[a:b]


def _tokenise(text: str) -> tuple[_Tokens, list[str]]:
    """The words of ``text`` (as :class:`_Tokens`) and their lower-case forms,
    built with C-level loops only: the pass runs on every English document,
    so tokenising is most of its cost on clean text.

    Lower-casing maps word characters to word characters one for one and
    the separators' blanks, hyphens and line breaks to themselves, with two
    exceptions: U+0130 (two characters in lower case) and U+03A3 (its lower
    case depends on its neighbours). Without them, the lower-case text has
    its words at the same offsets, in lower case, so its cells give both."""
    exact_lower = text.isascii() or ("\u0130" not in text and "\u03a3" not in text)
    source = text.lower() if exact_lower else text
    surrogate = _surrogate(source)
    cells = surrogate.split(" ")
    words = list(filter(None, cells))
    toks = _Tokens(text, cells, len(words))
    if not source.isascii():
        _restore_words(source, surrogate, toks, words)
    if exact_lower:
        return toks, words
    # Words hold no NUL, and lower() never makes one: the split gives back
    # one lower-case form per word even where lower() changes a length.
    lowered = "\x00".join(words).lower().split("\x00") if words else []
    return toks, lowered


def _restore_words(text: str, surrogate: str, toks: _Tokens, words: list[str]) -> None:
    """Put back in ``words`` (the non-empty cells of ``surrogate``, the
    surrogate of ``text``) the non-ASCII characters the surrogate replaced:
    the words holding a placeholder or a ’ are read from ``text``. (The
    cell holding a position is the number of blanks before it.)"""
    cell_of = toks.cell_of
    for find, needle in ((surrogate.find, _PLACEHOLDER), (text.find, "’")):
        counted = blanks = 0  # blanks before ``counted``
        pos = find(needle)
        while pos >= 0:
            start = surrogate.rfind(" ", 0, pos) + 1
            end = surrogate.find(" ", pos)
            if end < 0:
                end = len(surrogate)
            if start < end:  # (a lone ’ is a blank in the surrogate)
                blanks += surrogate.count(" ", counted, start)
                counted = start
                words[bisect_left(cell_of, blanks)] = text[start:end]
            pos = find(needle, max(end, pos + 1))


def _match_case(model: str, text: str) -> str:
    """``text`` in the capitalisation of ``model`` (the spun words)."""
    letters = [c for c in model if c.isalpha()]
    if len(letters) > 3 and all(c.isupper() for c in letters):
        return text.upper()
    words = _TOKEN_RE.findall(model)
    if len(words) > 1 and all(w[0].isupper() for w in words):
        return re.sub(r"(?<![\w'’])([a-z])", lambda m: m.group(1).upper(), text)
    if model[:1].isupper():
        return text[:1].upper() + text[1:]
    return text


def _inflect(entry: _Entry, matched_last: str, canonical: str) -> str:
    text_plural = base(matched_last.lower()) != matched_last.lower()
    if text_plural == entry.plural:
        return canonical
    head, _, last = canonical.rpartition(" ")
    if text_plural:
        last = pluralise(last)
    else:
        last = base(last)
    return f"{head} {last}".strip()


def _rebuild(text: str, toks: list[tuple[int, int, str]], canonical: str) -> str:
    """Canonical words joined with the text's own separators when the word
    counts agree (keeps hyphenation and line breaks)."""
    cwords = canonical.split(" ")
    if len(cwords) != len(toks) or any(not _TOKEN_RE.fullmatch(w.replace("-", "")) for w in cwords if w):
        return canonical
    out = [cwords[0]]
    for k in range(1, len(toks)):
        out.append(text[toks[k - 1][1] : toks[k][0]])
        out.append(cwords[k])
    return "".join(out)


_HYPHEN_AFTER_RE = re.compile(r"[-\u2010\u2011][^\W_]")
_HYPHEN_BEFORE_RE = re.compile(r"[^\W_][-\u2010\u2011]")


def _repeats_context(text: str, start: int, after: str) -> bool:
    """Whether the replacement's first word repeats the word before the span."""
    prev = _TOKEN_RE.findall(text[max(0, start - 40) : start])
    first = _TOKEN_RE.findall(after)
    return bool(prev and first and prev[-1].lower() == first[0].lower())


class _StatTables:
    """What the statistical layer derives from the word map, the multi-word
    map, the bigram counts and the collocations: which words can be swaps,
    and the word pairs of a text at which a swap can make a finding (a step
    of :func:`_pair_tables`)."""

    def __init__(self, wm, mm, bg, colloc) -> None:
        vocab = self.vocab = {w: v for w, v in wm.items() if w not in _STOP and w.isalpha() and w.lower() == w}

        def freq(pair):
            c = bg.get(pair, 0)
            return max(c, COLLOC_K) if pair in colloc else c

        # A restored pair counts when it is a collocation (counted as at least
        # COLLOC_K), or, for a swap seen MIN_SUPPORT times, when its count is
        # MIN_NEW_STRICT at least.
        assert COLLOC_K >= MIN_NEW_STRICT
        cand_lists = list(vocab.values()) + [origs for v in mm.values() for _w, origs in v]
        need_first = {o.split()[0] for v in cand_lists for o, _s in v}
        need_last = {o.split()[-1] for v in cand_lists for o, _s in v}
        top8: dict[str, list[str]] = {}  # original -> the words listing it in their first 8
        for w, v in vocab.items():
            for o, _s in v[:8]:
                top8.setdefault(o, []).append(w)
        hi_before: dict[str, set[str]] = {}  # original -> left words of a common pair
        hi_after: dict[str, set[str]] = {}
        spun_before: dict[str, set[str]] = {}  # word of the map -> left words of a known pair
        spun_after: dict[str, set[str]] = {}
        two_origs = []  # common pairs of two originals (two-words rule)
        for (x, y), c in bg.items():
            if c >= MIN_NEW_STRICT:
                if y in need_first:
                    hi_before.setdefault(y, set()).add(x)
                if x in need_last:
                    hi_after.setdefault(x, set()).add(y)
                if x in top8 and y in top8:
                    two_origs.append((x, y))
            if c:
                if y in vocab:
                    spun_before.setdefault(y, set()).add(x)
                if x in vocab:
                    spun_after.setdefault(x, set()).add(y)
        col_before: dict[str, set[str]] = {}
        col_after: dict[str, set[str]] = {}
        for x, y in colloc:
            col_before.setdefault(y, set()).add(x)
            col_after.setdefault(x, set()).add(y)
            if y in vocab:
                spun_before.setdefault(y, set()).add(x)
            if x in vocab:
                spun_after.setdefault(x, set()).add(y)
            if x in top8 and y in top8 and (x, y) not in bg:
                two_origs.append((x, y))
        self._hi = (hi_before, hi_after)
        self._col = (col_before, col_after)
        self._sides: dict = {}
        empty: set[str] = set()

        # Pairs at which a one-word site scores on a side (as the site loop
        # of ``_stat_findings`` decides it): (left, w) and (w, right).
        def scores(spun_pair, new_pairs) -> bool:
            c_spun = freq(spun_pair)
            for pair_new, support in new_pairs:
                if support < MIN_SUPPORT and pair_new not in colloc:
                    continue
                c_new = freq(pair_new)
                if c_new >= MIN_NEW_STRICT and (c_spun == 0 or c_new >= RELAXED_RATIO * max(c_spun, 1)):
                    return True
            return False

        left_pairs, right_pairs = set(), set()
        for w, v in vocab.items():
            can_left, can_right = self.sides(w, v)
            # a neighbour that makes no known pair with w scores (strict);
            # the others are checked
            left_pairs.update(zip(can_left - spun_before.get(w, empty), repeat(w)))
            for x in can_left & spun_before.get(w, empty):
                if scores((x, w), [((x, o.split()[0]), s) for o, s in v]):
                    left_pairs.add((x, w))
            right_pairs.update(zip(repeat(w), can_right - spun_after.get(w, empty)))
            for y in can_right & spun_after.get(w, empty):
                if scores((w, y), [((o.split()[-1], y), s) for o, s in v]):
                    right_pairs.add((w, y))
        # Two neighbouring words of the map two of whose originals (of the
        # first 8) make a common pair.
        two = set()
        for o1, o2 in two_origs:
            two.update(product(top8[o1], top8[o2]))
        multi = set()
        for v in mm.values():
            for words, _o in v:
                if len(words) < 2:
                    raise ValueError("spun_wordmap.tsv: a multi-word swap of one word")
                multi.add((words[0], words[1]))
        # every pair at which the layer has something to look at: pair -> bits
        self.codes = _merge_codes(((PAIR_MULTI, multi), (PAIR_RIGHT, right_pairs), (PAIR_LEFT, left_pairs), (PAIR_TWO, two)))

    def sides(self, key, site_cands) -> tuple[frozenset[str], frozenset[str]]:
        """``(left words, right words)`` next to which some of the swap site's
        candidate originals restores a pair that counts."""
        got = self._sides.get(key)
        if got is None:
            (hi_before, hi_after), (col_before, col_after) = self._hi, self._col
            left: set[str] = set()
            right: set[str] = set()
            empty: set[str] = set()
            for orig, support in site_cands:
                o_words = orig.split()
                first, last = o_words[0], o_words[-1]
                left |= col_before.get(first, empty)
                right |= col_after.get(last, empty)
                if support >= MIN_SUPPORT:
                    left |= hi_before.get(first, empty)
                    right |= hi_after.get(last, empty)
            got = self._sides[key] = (frozenset(left), frozenset(right))
        return got

    def multi_sides(self, mm) -> dict[tuple[str, ...], tuple[frozenset[str], frozenset[str]]]:
        """:meth:`sides` of every multi-word swap of ``mm``, by its words."""
        return {words: self.sides(words, origs) for v in mm.values() for words, origs in v}


# Bits of the word-pair codes (``_State.codes``).
PAIR_TABLE, PAIR_MULTI, PAIR_RIGHT, PAIR_LEFT, PAIR_TWO = 1, 2, 4, 8, 16


def _merge_codes(groups, codes: dict | None = None) -> dict:
    """``{pair: OR of the bits of the groups holding it}`` for ``(bit, pairs)`` groups."""
    codes = {} if codes is None else dict(codes)
    for bit, pairs in groups:
        both = {p: codes[p] | bit for p in codes.keys() & pairs}
        codes.update(dict.fromkeys(pairs, bit))
        codes.update(both)
    return codes


class _Protected:
    """The text's URL and e-mail spans (:func:`protected_spans`), found on
    first use: most documents never ask."""

    __slots__ = ("text", "spans")

    def __init__(self, text: str) -> None:
        self.text, self.spans = text, None

    def has(self, pos: int) -> bool:
        spans = self.spans
        if spans is None:
            spans = self.spans = protected_spans(self.text)
        return bool(spans) and in_spans(pos, spans)


@derived()
def _pair_tables() -> tuple[dict, dict]:
    """What :class:`_State` derives from the tables, as plain data:

    - every word pair at which one of the layers has something to look at,
      with ``PAIR_*`` bits: the phrase openers (``PAIR_TABLE``) and the
      statistical layer's pairs;
    - the sides of each multi-word swap (:meth:`_StatTables.multi_sides`).

    Most of the pass's set-up time (Python loops over the bigram list): kept
    on disk for the installed tables (:func:`_installed`)."""
    wm, mm = word_map(), multi_map()
    stat = _StatTables(wm, mm, bigrams(), collocations())
    return _merge_codes([(PAIR_TABLE, first_pairs())], stat.codes), stat.multi_sides(mm)


class _State:
    """The tables one call of :meth:`SpunPass.detect` uses, and what is
    derived from them (built once per process, see :func:`_state`)."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.root = phrase_trie()[0]
        self.firsts = first_forms()
        self.wm, self.mm, self.bg, self.colloc = word_map(), multi_map(), bigrams(), collocations()
        self.codes, self.multi_sides = _installed(_pair_tables)
        self.ordinary = ordinary_swaps()


_STATE: list = [None]


def _state() -> _State:
    generation = _GENERATION[0]
    st = _STATE[0]
    if st is None or st.generation != generation:
        st = _STATE[0] = _State(generation)
    return st


# The document verdict (``spun-document``): weights of each kind of
# evidence, and the floors a document's evidence must reach, in all and per
# 1,000 words (chosen on half of the clean English documents and the
# spun documents built from them; measured on the other halves by
# ``scripts/eval_spun.py --documents``).
DOC_WEIGHTS = {"table": 3.0, "table-contextless": 0.5, "stat-both-sides": 2.0, "stat-two-words": 2.0,
               "stat-one-side": 1.0, "stat-relaxed": 0.5, "pronoun-flip": 2.0}
DOC_FLIPS_COUNTED = 2  # pronoun flips that count (one confusion flags each pronoun)
DOC_FLIP_MAX = DOC_WEIGHTS["pronoun-flip"] * DOC_FLIPS_COUNTED
DOC_MIN_SCORE = 1.5
DOC_MIN_ITEMS = 2  # pieces of evidence: one tortured phrase alone is no spun document
DOC_MIN_RATE = 2.0
CONF_DOCUMENT = 0.6


def document_evidence(table, stat, words: int, flipped, plain=()) -> dict:
    """The evidence of a document's spinning, from the findings of both
    layers (``table``: ``(finding, span)`` pairs) before the layers'
    document gates, and the pronoun pass's findings. The statistical
    findings in ``plain`` (made from swaps that are ordinary English) do
    not count."""
    plain_ids = {id(f) for f in plain}
    stat = [f for f in stat if id(f) not in plain_ids]
    counts = {"table": 0, "table-contextless": 0}
    for f, _span in table:
        key = "table" if f.rule == "table" and f.confidence >= 0.8 else "table-contextless"
        counts[key] += 1
    rules: dict[str, int] = {}
    for f in stat:
        rules[f.rule] = rules.get(f.rule, 0) + 1
    score = DOC_WEIGHTS["table"] * counts["table"] + DOC_WEIGHTS["table-contextless"] * counts["table-contextless"]
    score += sum(DOC_WEIGHTS.get(r, 0.0) * n for r, n in rules.items())
    score += DOC_WEIGHTS["pronoun-flip"] * min(len(flipped), DOC_FLIPS_COUNTED)
    return {
        "score": round(score, 2),
        "per_1000_words": round(score * 1000 / max(words, 1), 2),
        "table": counts["table"],
        "table_contextless": counts["table-contextless"],
        "rare_pairs": sum(rules.values()),
        "rare_pairs_per_1000_words": round(sum(rules.values()) * 1000 / max(words, 1), 2),
        "pronoun_flips": len(flipped),
        "words": words,
    }


class SpunPass(Pass):
    kind = "spun-phrase"

    def gate(self, text: str, profile: Profile) -> bool:
        # English-like documents only; the profile is already computed.
        return profile.letters >= 20 and profile.share("Latin") >= 0.5

    # ------------------------------------------------------------------
    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        toks, lowered = _tokenise(text)
        if len(toks) < 2:
            return []
        protected = _Protected(text)
        # Where two words can open a phrase or a multi-word swap (a few % of
        # positions; one C-level pass over the word pairs serves both layers).
        st = _state()
        codes = st.codes
        hits = list(compress(count(), map(codes.__contains__, zip(lowered, islice(lowered, 1, None)))))
        # (position, bits) of the word pairs either layer looks at
        pair_hits = list(zip(hits, [codes[lowered[i], lowered[i + 1]] for i in hits]))
        table = self._table_findings(text, toks, lowered, protected, pair_hits, st)
        covered: set[int] = set()
        for _f, (i, j) in table:
            covered.update(range(i, j + 1))
        plain: list = []  # the statistical findings made from ordinary swaps
        stat = self._stat_findings(text, toks, lowered, protected, covered, pair_hits, st, plain)
        if not table and not stat:
            return []
        flipped: list = []  # the pronoun pass's findings, when it was asked
        # Spinners rewrite whole documents: a rare word pair is evidence only
        # in a document that shows spinner damage elsewhere. Evidence: the
        # table's sure findings, or several both-sides pairs.
        table_sure = sum(1 for f, _ in table if f.rule == "table" and f.confidence >= 0.8)
        both = sum(1 for f in stat if f.rule == "stat-both-sides")
        one = sum(1 for f in stat if f.rule == "stat-one-side")
        two = sum(1 for f in stat if f.rule == "stat-two-words")
        spun_doc = table_sure >= 1 or (both >= MIN_BOTH_ALONE and both + one >= MIN_STRICT_ALONE)
        ask_flips = not spun_doc and one + 2 * (both + two) >= MIN_STRICT_WITH_FLIP
        if ask_flips or document_evidence(table, stat, len(toks), (), plain)["score"] + DOC_FLIP_MAX >= DOC_MIN_SCORE:
            # an independent spinner artifact corroborates the word pairs:
            # the same person called "he" and "she"
            from .pronoun import PASS as flips

            flipped = flips.detect(text, profile, config) if flips.gate(text, profile) else []
            if ask_flips:
                spun_doc = bool(flipped)
        evidence = table_sure + both + one
        verdict = self._document_verdict(text, table, stat, len(toks), flipped, plain)
        out = [] if verdict is None else [verdict]
        for f, _span in table:
            if f.rule == "table-contextless" and not (spun_doc and evidence >= MIN_EVIDENCE):
                continue
            out.append(f)
        if not spun_doc:
            # a single spin speaks when its evidence is strong: the restored
            # word fits both neighbours (or two swapped words restore a known
            # pair), and the swap is no ordinary English
            plain_ids = {id(f) for f in plain}
            for f in stat:
                if f.rule in ALONE_RULES and id(f) not in plain_ids:
                    out.append(self._demote(f) if f.after is not None else f)
            return out
        for f in stat:
            if f.rule == "stat-relaxed" and evidence < MIN_EVIDENCE:
                continue
            if f.after is not None and table_sure < 1:
                f = self._demote(f)
            out.append(f)
        return out

    def _document_verdict(self, text, table, stat, words, flipped, plain):
        """The ``spun-document`` flag: the whole document reads as spinner
        output. Evidence (``document_evidence``): sure table hits, the
        statistical layer's rare word pairs whose restored pair is common
        (per 1,000 words), context-less table hits, pronoun flips."""
        ev = document_evidence(table, stat, words, flipped, plain)
        items = ev["table"] + ev["table_contextless"] + ev["rare_pairs"] + (ev["pronoun_flips"] > 0)
        if ev["score"] < DOC_MIN_SCORE or ev["per_1000_words"] < DOC_MIN_RATE or items < DOC_MIN_ITEMS:
            return None
        msg = (
            f"spun document: score {ev['score']:g} ({ev['per_1000_words']:g} per 1,000 words): "
            f"{ev['table']} table phrase(s), {ev['table_contextless']} context-less table phrase(s), "
            f"{ev['rare_pairs']} rare word pair(s) with a common synonym alternative, "
            f"{ev['pronoun_flips']} pronoun flip(s), in {words} words"
        )
        return Finding(self.kind, 0, 0, "", None, CONF_DOCUMENT, msg, "spun-document", "spun-document")

    def _demote(self, f: Finding) -> Finding:
        return Finding(f.kind, f.start, f.end, f.before, None, CONF_STAT_FLAG, f.message, f.detail, f.rule + "-flag")

    # ------------------------------------------------------------------
    def _table_findings(self, text, toks, lowered, protected, pair_hits, st):
        root = st.root
        lower_text = None
        results = []
        next_free = 0
        firsts = st.firsts
        # A phrase has two words at least: look only where two words can open
        # one (:func:`first_pairs`).
        for i, bits in pair_hits:
            if i < next_free or not bits & PAIR_TABLE:
                continue
            slot = root.get(firsts[lowered[i]])
            if slot is None:
                continue
            best = self._longest_phrase(toks, lowered, i, slot)
            if best is None:
                continue
            j, row = best
            entry = _Entry._make(row)
            start, end = toks[i][0], toks[j][1]
            if _HYPHEN_AFTER_RE.match(text, end) or (start > 1 and _HYPHEN_BEFORE_RE.match(text, start - 2)):
                continue  # part of a longer hyphenated word ("coaching set-up")
            if protected.has(start) or protected.has(end - 1):
                next_free = j + 1
                continue
            if lower_text is None:
                lower_text = text.lower()
            if entry.exclude and any(t in lower_text for t in entry.exclude):
                next_free = j + 1
                continue
            has_context = all(any(t in lower_text for t in g) for g in entry.context) if entry.context else True
            conf = entry.conf if has_context else entry.conf_alone
            rule = "table" if has_context else "table-contextless"
            if not has_context and conf <= 0:
                conf = CONF_CONTEXTLESS
            before = text[start:end]
            after = None
            if entry.canonical:
                canon = _inflect(entry, toks[j][2], entry.canonical)
                after = _match_case(before, _rebuild(text, toks[i : j + 1], canon))
            if after is not None and _repeats_context(text, start, after):
                after = None  # "gross domestic output" -> "gross gross domestic product"
            suggestion = after or entry.suggestion
            if after is not None and conf < 0.8:
                after_edit = None
            else:
                after_edit = after
            src = entry.source.split(":")[0]
            msg = f"spun phrase {before!r}: the original is probably {suggestion!r} (tortured-phrase table, {src})"
            f = self.finding(text, start, end, after_edit, conf, msg, detail="table", rule=rule)
            results.append((f, (i, j)))
            next_free = j + 1
        return results

    @staticmethod
    def _longest_phrase(toks, lowered, i, slot):
        """``(last word, entry row)`` of the longest phrase of the trie from
        word ``i`` (whose trie slot is ``slot``), its words joined by blanks,
        a hyphen or a line break; None if there is none. The words are
        walked first: the separators are looked at only when a phrase
        ends on the way (rarely)."""
        ends = []  # (j, entry row) of the phrases ending on the walk
        j, n = i, len(lowered)
        while True:
            if slot[0] is not None:
                ends.append((j, slot[0]))
            if j + 1 >= n or not slot[1]:
                break
            slot = slot[1].get(base(lowered[j + 1]))
            if slot is None:
                break
            j += 1
        if not ends:
            return None
        best = None
        for k in range(i, ends[-1][0] + 1):
            if ends[0][0] == k:
                best = ends.pop(0)
            if not ends:
                break
            if not _SEP_OK_RE.match(toks.sep(k)):  # the separator after word k
                break
        return best

    # ------------------------------------------------------------------
    def _stat_findings(self, text, toks, lowered, protected, covered, pair_hits, st, plain=None):
        """The statistical layer's findings; those made from a swap that is
        ordinary English (``spun_ordinary.tsv``) are also put in ``plain``
        (they count for no document verdict)."""
        ordinary = st.ordinary
        wm = st.wm
        bg = st.bg
        colloc = st.colloc

        def freq(pair):
            c = bg.get(pair, 0)
            return max(c, COLLOC_K) if pair in colloc else c

        n = len(toks)
        out = []
        # A word of the map (``_StatTables.vocab``: no function words) is a
        # candidate swap (``cands``) unless it is capitalised, covered by a
        # table finding or protected. Only some candidates can make a
        # finding: those that make one of ``_StatTables.codes``' word pairs
        # with a neighbour (found with the table's pairs: ``pair_hits``);
        # only they are looked at.
        site_at = set()
        two_at = []
        for i, bits in pair_hits:
            if bits & PAIR_RIGHT:
                site_at.add(i)
            if bits & PAIR_LEFT:
                site_at.add(i + 1)
            if bits & PAIR_TWO:
                two_at.append(i)
        cands: dict[int, list[tuple[str, int]]] = {}
        if site_at or two_at:
            need = sorted(site_at.union(two_at, [i + 1 for i in two_at]))
            for i, start in zip(need, toks.starts(need)):
                w = lowered[i]
                # (w is lower-case letters: the text holds it as is only when
                # the word is not capitalised)
                if i in covered or not text.startswith(w, start):
                    continue  # capitalised: a name, a title or a sentence start
                # (A WordNet 3.0 synonym fallback was measured and dropped: on
                # held-out pairs it added under 1 point of recall, at 4 right
                # flags in 11 even when restricted to known technical terms.)
                if not protected.has(start):
                    cands[i] = wm[w]

        def blank_after(k: int) -> bool:
            if k + 1 >= n:
                return False
            sep = toks.sep(k)
            return sep == " " or _SEP_BLANK_RE.match(sep) is not None

        flagged = set()
        # two neighbouring words both swapped ("irregular woodland" = random forest)
        for i in two_at:
            if i not in cands or i + 1 not in cands or not blank_after(i):
                continue
            w1, w2 = lowered[i], lowered[i + 1]
            if freq((w1, w2)):
                continue
            best = None
            for o1, _s1 in cands[i][:8]:
                for o2, _s2 in cands[i + 1][:8]:
                    c = freq((o1, o2))
                    if c >= MIN_NEW_STRICT and (best is None or c > best[0]):
                        best = (c, o1, o2)
            if best is None:
                continue
            _c, o1, o2 = best
            s, e = toks[i][0], toks[i + 1][1]
            sugg = _match_case(text[s:e], f"{o1} {o2}")
            msg = f"spun phrase {text[s:e]!r}: rare word pair; the original is probably {sugg!r} (both words are spinner swaps)"
            rule = "stat-two-words"
            out.append(self.finding(text, s, e, None, CONF_STAT_FLAG, msg, detail="statistical", rule=rule))
            if plain is not None and ((w1, o1) in ordinary or (w2, o2) in ordinary):
                plain.append(out[-1])
            flagged.update((i, i + 1))
        # swap sites: (first token, number of tokens, candidate originals)
        sites = [(i, 1, cands[i]) for i in sorted(site_at) if i in cands and i not in flagged]
        mm = st.mm
        # every multi-word swap has two words at least (see _StatTables)
        for i, bits in pair_hits:
            if not bits & PAIR_MULTI:
                continue
            for words, origs in mm[lowered[i]]:
                k = len(words)
                if i + k > n or tuple(lowered[i : i + k]) != words:
                    continue
                if any(j in covered or j in flagged for j in range(i, i + k)) or toks[i][2] != lowered[i]:
                    continue
                if not all(_SEP_OK_RE.match(toks.sep(j)) for j in range(i, i + k - 1)):
                    continue
                can_left, can_right = st.multi_sides[words]
                if (i > 0 and lowered[i - 1] in can_left) or (i + k < n and lowered[i + k] in can_right):
                    sites.append((i, k, origs))
                break
        sites.sort()
        for i, k, site_cands in sites:
            w = lowered[i]
            w_last = lowered[i + k - 1]
            left = lowered[i - 1] if i > 0 and blank_after(i - 1) else None
            right = lowered[i + k] if blank_after(i + k - 1) else None
            if (left, w) in colloc or (w_last, right) in colloc:
                continue  # part of a known term ("autonomous driving"): not a swap
            best = None
            for orig, support in site_cands:
                o_words = orig.split()
                strict_sides = 0
                relaxed_sides = 0
                best_new = 0
                for pair_spun, pair_new in (
                    ((left, w), (left, o_words[0])) if left else (None, None),
                    ((w_last, right), (o_words[-1], right)) if right else (None, None),
                ):
                    if pair_spun is None:
                        continue
                    c_new = freq(pair_new)
                    if support < MIN_SUPPORT and pair_new not in colloc:
                        continue  # a swap seen once counts only towards a known term
                    c_spun = freq(pair_spun)
                    if c_new >= MIN_NEW_STRICT and c_spun == 0:
                        strict_sides += 1
                        best_new = max(best_new, c_new)
                    elif c_new >= MIN_NEW_STRICT and c_new >= RELAXED_RATIO * max(c_spun, 1):
                        relaxed_sides += 1
                        best_new = max(best_new, c_new)
                if strict_sides == 0 and relaxed_sides == 0:
                    continue
                score = (strict_sides, relaxed_sides, best_new)
                if best is None or score > best[0]:
                    best = (score, orig, support)
            if best is None:
                continue
            (strict_sides, relaxed_sides, best_new), orig, support = best
            if strict_sides == 2:
                conf, rule = CONF_STAT_SURE, "stat-both-sides"
            elif strict_sides == 1:
                conf, rule = CONF_STAT_FLAG, "stat-one-side"
            else:
                conf, rule = CONF_STAT_FLAG, "stat-relaxed"
            start, end = toks[i][0], toks[i + k - 1][1]
            # the flagged span: the word(s) and the neighbour(s) that vouch for it
            s = toks[i - 1][0] if left else start
            e = toks[i + k][1] if right else end
            word = text[start:end]
            repl = _match_case(word, orig)
            phrase = text[s:e]
            suggestion = phrase[: start - s] + repl + phrase[end - s :]
            msg = f"spun phrase {phrase!r}: rare word pair; the original is probably {suggestion!r} ({word!r} is a spinner swap for {orig!r})"
            if conf >= CONF_STAT_SURE:
                out.append(self.finding(text, start, end, repl, conf, msg, detail="statistical", rule=rule))
            else:
                out.append(self.finding(text, s, e, None, conf, msg, detail="statistical", rule=rule))
            if plain is not None and (" ".join(lowered[i : i + k]), orig) in ordinary:
                plain.append(out[-1])
        return out


PASS = SpunPass()
