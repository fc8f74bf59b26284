"""Legacy charset detection, and the character plausibility model behind it.

chardet 7 (0BSD) proposes readings, ranked, with confidences and a language
each. When it is sure (>= 0.9, no rival reading half as likely) its first
proposal is taken; otherwise its near-equals and the next few readings are
scored by :func:`reading_score`: the log-likelihood of the decoded text
under character unigram/bigram models of real languages
(``textfix/data/charfreq.tsv``, derived from wordfreq's word lists, scored
by :func:`plausibility`), less a cost per mark glued inside a word, plus
chardet's confidence and the codec's prior as log odds. The gap between the
best two readings is the confidence. Every proposal is widened to its
WHATWG superset first (:func:`decode_superset`).

The same model scores repairs in :mod:`textfix.passes.cjk_mojibake`.
"""

from __future__ import annotations

import codecs
import functools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import regex

from .cache import derived

# Languages scored per script (codes of charfreq.tsv).
SCRIPT_LANGS = {
    "Latin": ("en", "fr", "de", "es", "pt", "it", "nl", "ca", "sv", "da", "nb", "is", "fi", "pl", "cs", "sk",
              "hu", "ro", "sl", "sh", "tr", "lt", "lv", "vi", "id"),
    "Cyrillic": ("ru", "uk", "bg", "mk", "kk"),
    "Greek": ("el",),
    "Hebrew": ("he",),
    "Arabic": ("ar", "fa"),
    "Han": ("zh", "ja"),
    "Kana": ("ja",),
    "Hangul": ("ko",),
    "Thai": ("th",),
}

# Candidate codecs tried on every non-UTF-8 input, besides charset-normalizer's
# own. Order = preference when two decodings are equally plausible.
_MULTIBYTE = ("gb18030", "big5", "big5hkscs", "cp950", "cp932", "shift_jis", "euc_jp", "euc_kr", "cp949", "johab")
_SINGLEBYTE = (
    "cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "koi8_u", "iso8859_5",
    "cp866", "mac_cyrillic", "cp855", "kz1048", "ptcp154", "cp1253", "iso8859_7", "cp1254", "iso8859_9",
    "cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp1257", "iso8859_4", "iso8859_13", "cp1258", "tis_620",
    "cp874", "cp437", "cp850", "cp852", "cp775", "cp857", "cp869", "mac_roman", "mac_latin2", "iso8859_10",
    "iso8859_16", "cp1125", "cp037", "cp424",
)
_SAMPLE_BYTES = 48_000
_SCORED_CHARS = 400  # characters scored per candidate reading (runs with non-ASCII letters)

_ASCII_PUNCT = set(" \t\r\n!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~0123456789")
_PLAUSIBLE_MARKS = set("“”‘’–—…«»·°€£¥©®™§¶•′″‹›¡¿×÷±\u00a0\u3000、。，．：；？！「」『』（）【】《》〈〉〔〕～・ー〜―‐…‧﹐﹑﹔﹕﹖﹗")
_UNKNOWN_LETTER = 1.2  # log10 units below the rarest letter the model knows
_MARK_COST = -2.5
_SYMBOL_COST = -6.0
_BAD_COST = -9.0  # controls, private use, unassigned, U+FFFD


@derived()
def _model() -> dict[str, tuple[dict[str, float], dict[str, float], dict[str, float], float]]:
    """lang -> (unigram log10 p, bigram log10 P(b|a), log10 P(a first), floor)."""
    from .resources import read_data_lines

    uni: dict[str, dict[str, float]] = {}
    big: dict[str, dict[str, float]] = {}
    for line in read_data_lines("charfreq.tsv"):
        lang, gram, cost = line.split("\t")
        target = uni if len(gram) == 1 else big
        target.setdefault(lang, {})[gram] = -int(cost) / 100
    model = {}
    for lang, u in uni.items():
        b = big.get(lang, {})
        first: dict[str, float] = {}
        for g, lp in b.items():
            first[g[0]] = first.get(g[0], 0.0) + 10**lp
        first_log = {c: math.log10(p) for c, p in first.items()}
        cond = {g: lp - first_log[g[0]] for g, lp in b.items()}
        floor = min(u.values()) - _UNKNOWN_LETTER
        model[lang] = (u, cond, first_log, floor)
    return model


_MODELLED = regex.compile(r"[\p{Latin}\p{Cyrillic}\p{Greek}\p{Hebrew}\p{Arabic}\p{Han}\p{Hangul}\p{Hiragana}\p{Katakana}\p{Thai}]")
_UNMODELLED_LETTER = -2.0  # a letter of a script without a model (Thai, Armenian ...)


@functools.lru_cache(maxsize=65536)
def _char_cost(ch: str) -> float | None:
    """Cost of a character the models do not score; None for the letters
    they do."""
    if ch in _ASCII_PUNCT:
        return 0.0
    if ch in _PLAUSIBLE_MARKS:
        return _MARK_COST
    cat = unicodedata.category(ch)
    if cat[0] in "LM":
        return None if _MODELLED.match(ch) or cat[0] == "M" else _UNMODELLED_LETTER
    if "\u2500" <= ch <= "\u259f":  # box drawing, blocks: DOS text
        return _MARK_COST - 0.5
    if cat in ("Cc", "Co", "Cn", "Cs") or ch == "\ufffd":
        return _BAD_COST
    if cat[0] in "NPZ" or cat == "Cf":
        return _MARK_COST - 1.0
    return _SYMBOL_COST


_OTHER_ALPHABET = regex.compile(r"[\p{Cyrillic}\p{Greek}\p{Hebrew}\p{Arabic}\p{Thai}]")
_SCRIPT_GLUE = -1.5
_CASE_FLIP = -2.0  # an upper-case letter right after a lower-case one: "fiÞ"
_FOLD = str.maketrans("şţŞŢ", "șțȘȚ")  # Romanian cedilla/comma forms are one letter
_FOLDED = re.compile("[şţŞŢ]")  # what _FOLD changes (translate costs ~50 ns a character, the search ~1)


# Characters whose score is only their bigram/unigram (Han, kana, Hangul ...):
# no fixed cost, no case, not ASCII, not an alphabet that glues.
_SIMPLE: dict[str, bool] = {}


def _is_simple(ch: str) -> bool:
    return (
        _char_cost(ch) is None
        and not ch.isascii()
        and not ch.isupper()
        and not ch.islower()
        and _OTHER_ALPHABET.match(ch) is None
    )


# Characters whose step in _score_steps does not depend on their
# neighbours: the simple letters (a bigram from the letter before) and the
# characters with a fixed cost that no letter of another alphabet can glue
# to (the cost; the next letter's bigram starts from a space). Glue needs a
# character of _OTHER_ALPHABET, and those are not plain, so a text of plain
# characters has no glue and no case flip: :func:`_plain_pair_scores` scores
# it in one loop, without building its steps. No letter _FOLD changes is
# plain (they have case). Filled as characters are met.
_PLAIN: set[str] = set()
# The plain characters that count for no scored script but Han (_NOT_HAN
# does not match them): a text of these takes _langs_for's Han-only answer.
_PLAIN_HAN: set[str] = set()
_CLASSIFIED: set[str] = set()  # every character sorted into the two sets or not

_NOT_PLAIN, _PLAIN_TEXT, _PLAIN_HAN_TEXT = 0, 1, 2


def _plain_kind(text: str) -> int:
    """:data:`_PLAIN_HAN_TEXT` when every character of ``text`` is in
    :data:`_PLAIN_HAN`, else :data:`_PLAIN_TEXT` when every one is plain,
    else :data:`_NOT_PLAIN`."""
    if _PLAIN_HAN.issuperset(text):
        return _PLAIN_HAN_TEXT
    if _PLAIN.issuperset(text):
        return _PLAIN_TEXT
    new = set(text).difference(_CLASSIFIED)
    if not new:
        return _NOT_PLAIN
    for ch in new:
        simple = _SIMPLE.get(ch)
        if simple is None:
            simple = _SIMPLE[ch] = _is_simple(ch)
        if simple or (_char_cost(ch) is not None and _OTHER_ALPHABET.match(ch) is None):
            _PLAIN.add(ch)
            if _NOT_HAN.match(ch) is None:
                _PLAIN_HAN.add(ch)
        _CLASSIFIED.add(ch)
    return _plain_kind(text)


@functools.lru_cache(maxsize=None)
def _unigram_backoff(lang: str) -> dict[str, float]:
    """``u - backoff`` of every unigram of ``lang``: :func:`lang_score`'s
    score of a letter without a bigram to the previous one."""
    uni, cond, _first, _floor = _model()[lang]
    backoff = 0.7 if cond else 0.0
    return {ch: u - backoff for ch, u in uni.items()}


def lang_score(text: str, lang: str) -> float:
    """Total log10-likelihood of ``text`` under language ``lang``'s model
    (see :func:`_score_steps` for what is added up)."""
    return lang_scores(text, (lang,))[0]


def _score_steps(text: str) -> list:
    """What a language model adds up for ``text``, in order, with the work
    that does not depend on the language done once: a float is a fixed cost
    (a mark, glue between scripts, a case flip), a ``(bigram, letter,
    previous)`` triple is a letter the model scores (its bigram, else its
    unigram less the backoff, at least the floor; the bigram is ``previous
    + letter``, and :func:`_lang_score_pair` looks it up in two parts).
    Letters of caseless scripts (Han, kana, Hangul) take a short path with
    the same result."""
    simple = _SIMPLE
    steps: list = []
    add = steps.append
    prev = " "
    was_lower = False
    raw_prev = " "
    for ch in text:
        fast = simple.get(ch)
        if fast is None:
            fast = simple[ch] = _is_simple(ch)
        if fast:
            add((prev + ch, ch, prev))
            prev = raw_prev = ch
            was_lower = False
            continue
        cost = _char_cost(ch)
        if (raw_prev.isascii() and raw_prev.isalnum() and _OTHER_ALPHABET.match(ch)) or (
            ch.isascii() and ch.isalnum() and _OTHER_ALPHABET.match(raw_prev)
        ):
            add(_SCRIPT_GLUE)
        raw_prev = ch
        if cost is not None:
            add(cost)
            prev = " "
            was_lower = False
            continue
        if ch.isupper():
            if was_lower:
                add(_CASE_FLIP)
            ch = ch.lower()
            was_lower = False
        else:
            was_lower = ch.islower()
        add((prev + ch, ch, prev))
        prev = ch
    return steps


def lang_scores(text: str, langs) -> list[float]:
    """Total log10-likelihood of ``text`` under each of ``langs``, the
    character classes worked out once for all of them (a Latin text is
    scored under 25 languages when its charset is guessed)."""
    steps = _score_steps(text)
    model = _model()
    out = []
    for lang in langs:
        _uni, cond, _first, floor = model[lang]
        uni_back = _unigram_backoff(lang)
        cond_get, back_get = cond.get, uni_back.get
        total = 0.0
        for step in steps:
            if step.__class__ is float:
                total += step
                continue
            lp = cond_get(step[0])
            if lp is None:
                lp = back_get(step[1], floor)
            total += lp if lp > floor else floor
        out.append(total)
    return out


_PairTerms = dict[str, tuple[float, float]]


@derived()
def _pair_tables(lang_a: str, lang_b: str) -> tuple[dict[str, _PairTerms], _PairTerms, tuple[float, float]]:
    """What :func:`_lang_score_pair` adds for a letter under both languages,
    looked up once: ``prev -> {letter -> (term_a, term_b)}`` for the
    bigrams either language knows (the other one's term is its backed-off
    unigram), ``letter -> (term_a, term_b)`` for a letter without such a
    bigram, and the floors (a letter neither language knows). Every term
    is what :func:`lang_scores` adds, the floor applied already: the pair
    pass spends its time in dict lookups, not in arithmetic. The bigrams
    are keyed by their first character, then by their second
    (charfreq.tsv's bigrams are two characters): a loop holds the dict of
    what may follow the previous letter, and looks up each character, with
    no string built and no hash computed twice. The bigrams ending in a
    character with a fixed cost are left out (a character with a cost is
    no letter: never looked up; a miss for :func:`_plain_pair_scores`)."""
    floor_a, floor_b = _model()[lang_a][3], _model()[lang_b][3]
    cond_a, cond_b = _model()[lang_a][1], _model()[lang_b][1]
    ub_a, ub_b = _unigram_backoff(lang_a), _unigram_backoff(lang_b)

    def term(lp: float, floor: float) -> float:
        return lp if lp > floor else floor

    letters = {
        ch: (term(ub_a.get(ch, floor_a), floor_a), term(ub_b.get(ch, floor_b), floor_b)) for ch in ub_a.keys() | ub_b.keys()
    }
    followers: dict[str, _PairTerms] = {}
    for gram in cond_a.keys() | cond_b.keys():
        ch = gram[1:]
        if _char_cost(ch) is not None:
            continue
        lp_a, lp_b = cond_a.get(gram), cond_b.get(gram)
        followers.setdefault(gram[0], {})[ch] = (
            term(ub_a.get(ch, floor_a) if lp_a is None else lp_a, floor_a),
            term(ub_b.get(ch, floor_b) if lp_b is None else lp_b, floor_b),
        )
    return followers, letters, (floor_a, floor_b)


_NO_FOLLOWERS: _PairTerms = {}  # what follows a character that starts no bigram


_PLAIN_TERMS: dict[tuple[str, str], dict[str, tuple[float, float, _PairTerms]]] = {}  # (lang_a, lang_b) -> _plain_terms


def _plain_terms(lang_a: str, lang_b: str) -> dict[str, tuple[float, float, _PairTerms]]:
    """``character -> (term_a, term_b, followers)`` for every plain
    character (see :data:`_PLAIN`) under two languages: what it adds when
    no bigram from the character before it is known (its fixed cost under
    both, else its backed-off unigram terms: :func:`_pair_tables`' letters,
    else the floors), and the bigrams the next character may complete
    (those from a space after a cost, else from the character). Extended
    when :data:`_PLAIN` has grown (it only grows). A plain dict: the
    scoring loop's lookups are the interpreter's fast path for exact dicts."""
    terms = _PLAIN_TERMS.get((lang_a, lang_b))
    if terms is None:
        terms = _PLAIN_TERMS[lang_a, lang_b] = {}
    if len(terms) < len(_PLAIN):
        followers, letters, floors = _pair_tables(lang_a, lang_b)
        for ch in _PLAIN.difference(terms):
            cost = _char_cost(ch)
            if cost is not None:
                terms[ch] = (cost, cost, followers.get(" ", _NO_FOLLOWERS))
            else:
                terms[ch] = (*letters.get(ch, floors), followers.get(ch, _NO_FOLLOWERS))
    return terms


def _plain_pair_scores(text: str, lang_a: str, lang_b: str) -> tuple[float, float]:
    """:func:`_lang_score_pair` of a text of plain characters (see
    :data:`_PLAIN`) without building its steps: a plain letter adds its
    bigram from the previous letter (a space at the start and after a
    cost), else its unigram term; a plain character with a cost adds the
    cost. :func:`_pair_tables` holds no bigram ending in a character with
    a cost, so a hit is always a letter's. Same terms, same order as the
    loop over :func:`_score_steps`."""
    followers = _pair_tables(lang_a, lang_b)[0]
    followers_get, plain_terms = followers.get, _plain_terms(lang_a, lang_b)
    total_a = total_b = 0.0
    after = followers_get(" ", _NO_FOLLOWERS)
    for ch in text:
        terms = after.get(ch)
        if terms is None:
            lp_a, lp_b, after = plain_terms[ch]
        else:
            lp_a, lp_b = terms
            after = followers_get(ch, _NO_FOLLOWERS)
        total_a += lp_a
        total_b += lp_b
    return total_a, total_b


def _lang_score_pair(text: str, lang_a: str, lang_b: str) -> tuple[float, float]:
    """``(lang_score(text, lang_a), lang_score(text, lang_b))`` with the
    lookups per letter done once for both languages (Han text is scored as
    Chinese and as Japanese; see :func:`_pair_tables`). Same sums, same
    order. (:func:`plausibility` scores a text of plain characters, most
    CJK runs, with :func:`_plain_pair_scores` instead: no steps built.)"""
    followers, letters, floors = _pair_tables(lang_a, lang_b)
    followers_get, letter_get = followers.get, letters.get
    total_a = total_b = 0.0
    for step in _score_steps(text):
        if step.__class__ is float:
            total_a += step
            total_b += step
            continue
        after = followers_get(step[2])
        terms = None if after is None else after.get(step[1])
        if terms is None:
            terms = letter_get(step[1], floors)
        lp_a, lp_b = terms
        total_a += lp_a
        total_b += lp_b
    return total_a, total_b


_SCRIPT_RE = {name: regex.compile(rf"\p{{{name}}}") for name in ("Latin", "Cyrillic", "Greek", "Hebrew", "Arabic", "Han", "Hangul", "Thai")}
_KANA_RE = regex.compile(r"[\p{Hiragana}\p{Katakana}]")


_SCRIPTS_OF: dict[str, tuple[str, ...]] = {}  # character -> the scripts of _SCRIPT_RE and "Kana" it counts for


def _script_counts(text: str) -> dict[str, int]:
    """Characters of ``text`` per script of :data:`_SCRIPT_RE` and Kana (each
    character counted by the patterns it matches)."""
    counts = dict.fromkeys(_SCRIPT_RE, 0)
    counts["Kana"] = 0
    known = _SCRIPTS_OF
    for ch, n in (Counter(text).items() if len(text) > 24 else ((ch, 1) for ch in text)):
        names = known.get(ch)
        if names is None:
            names = known[ch] = tuple(name for name, rx in _SCRIPT_RE.items() if rx.match(ch)) + (
                ("Kana",) if _KANA_RE.match(ch) else ()
            )
        for name in names:
            counts[name] += n
    return counts


# A character of a scored script other than Han (_SCRIPT_RE, Kana): without
# one, a text's languages are Han's (or English: no letters at all).
_NOT_HAN = regex.compile(r"[\p{Latin}\p{Cyrillic}\p{Greek}\p{Hebrew}\p{Arabic}\p{Hangul}\p{Thai}\p{Hiragana}\p{Katakana}]")


def _langs_for(text: str) -> tuple[str, ...]:
    if _NOT_HAN.search(text) is None:
        return _han_langs(text)
    counts = _script_counts(text)
    ranked = sorted((c, s) for s, c in counts.items() if c)
    if not ranked:
        return SCRIPT_LANGS["Latin"][:1]
    langs: list[str] = []
    top = ranked[-1][0]
    for c, script in reversed(ranked):
        if c >= 0.25 * top:
            langs += [lang for lang in SCRIPT_LANGS[script] if lang not in langs]
    return tuple(langs)


def _han_langs(text: str) -> tuple[str, ...]:
    """:func:`_langs_for` of a text without letters of a scored script but
    Han: the answer of the counts, without counting."""
    return SCRIPT_LANGS["Han"] if _SCRIPT_RE["Han"].search(text) is not None else SCRIPT_LANGS["Latin"][:1]


@functools.lru_cache(maxsize=64)
def _modelled(langs: tuple[str, ...]) -> tuple[str, ...]:
    """``langs`` without those the model lacks (English when none is left).
    Cached: the same few tuples come back for every text scored."""
    model = _model()
    return tuple(lg for lg in langs if lg in model) or ("en",)


def plausibility(text: str, langs: tuple[str, ...] | None = None) -> tuple[float, str]:
    """``(log10-likelihood, language)`` of ``text`` under its best language model.

    Higher is more plausible. Totals, not means: two decodings of the same
    bytes are compared as two hypotheses for the same evidence.
    """
    if not text:
        return 0.0, "und"
    text = unicodedata.normalize("NFC", text)
    plain = _plain_kind(text)
    if not plain and _FOLDED.search(text) is not None:
        text = text.translate(_FOLD)
    if not langs:
        langs = _han_langs(text) if plain == _PLAIN_HAN_TEXT else _langs_for(text)
    langs = _modelled(tuple(langs))
    if len(langs) > 3 and len(text) > 200:
        # Choose the language on a prefix, then score the whole text.
        head_scores = dict(zip(langs, lang_scores(text[:200], langs)))
        langs = tuple(sorted(langs, key=lambda lg: -head_scores[lg])[:3])
    if len(langs) == 2:
        score_a, score_b = (_plain_pair_scores if plain else _lang_score_pair)(text, langs[0], langs[1])
        return (score_b, langs[1]) if score_b > score_a else (score_a, langs[0])  # max(): the first on a tie
    if len(langs) == 1:
        return lang_score(text, langs[0]), langs[0]
    best = max(zip(lang_scores(text, langs), langs), key=lambda t: t[0])
    return best


# Runs of text holding a non-ASCII character, with one neighbour each side:
# the only places where two decodings of the same bytes can differ.
_INTERESTING = regex.compile(r"[^\s]?[^\x00-\x7f]+(?:[\p{L}'’-]+[^\x00-\x7f]+)*[^\s]?")


def _interesting(text: str, limit: int = _SCORED_CHARS) -> str:
    parts = []
    n = 0
    for m in _INTERESTING.finditer(text):
        parts.append(m.group())
        n += len(m.group())
        if n >= limit:
            break
    return " ".join(parts)


# Prior log10 odds of a codec: common web/Windows charsets 0, regional or
# older ones a little less, DOS/Mac/EBCDIC code pages less again. Decides
# short inputs where the text itself says little.
_PRIOR_0 = set(
    "cp1252 latin_1 iso8859_15 gb18030 gbk gb2312 big5 cp950 big5hkscs shift_jis cp932 euc_jp euc_kr cp949 "
    "cp1251 cp1250 iso8859_2 koi8_r iso8859_5 cp1253 iso8859_7 cp1254 iso8859_9 cp1255 iso8859_8 cp1256 "
    "cp1257 cp1258 tis_620 cp874 iso8859_13".split()
)
_PRIOR_1 = set(
    "koi8_u cp866 mac_cyrillic iso8859_4 iso8859_6 iso8859_16 iso8859_10 kz1048 ptcp154 mac_roman johab "
    "cp855 euc_jis_2004 euc_jisx0213".split()
)


@functools.lru_cache(maxsize=None)
def codec_prior(name: str) -> float:
    name = codecs.lookup(name).name.replace("-", "_")
    aliases = {"iso8859_1": "latin_1", "windows_1252": "cp1252", "iso2022_jp": "shift_jis"}
    name = aliases.get(name, name)
    if name in _PRIOR_0:
        return 0.0
    if name in _PRIOR_1:
        return -1.0
    return -2.5


# WHATWG Encoding Standard: the codec a browser decodes a label with. Each
# superset decodes every byte sequence of its subset to the same text, except
# for the marks the subset's Python table maps otherwise (gb2312 0xA1A4 '・'
# for the middle dot '·', shift_jis '〜' for '～'), which are the subset
# table's quirks, not the writer's intent.
WHATWG = {
    "gb2312": ("gb18030",), "gbk": ("gb18030",), "cp936": ("gb18030",),
    "shift_jis": ("cp932",), "shift_jis_2004": ("cp932",), "shift_jisx0213": ("cp932",),
    "big5": ("big5hkscs", "cp950"), "euc_kr": ("cp949",),
    "latin_1": ("cp1252",), "iso8859-1": ("cp1252",), "ascii": ("cp1252",),
}


def superset_codecs(name: str) -> tuple[str, ...]:
    """The codecs to try for a detected ``name``, widest first (``name`` last)."""
    try:
        canon = codecs.lookup(name).name
    except LookupError:
        return ()
    return WHATWG.get(canon, WHATWG.get(canon.replace("-", "_"), ())) + (canon,)


def decode_superset(data: bytes, name: str, final: bool = True) -> tuple[str, str] | None:
    """``(codec, text)``: the widest WHATWG superset of ``name`` that decodes
    ``data`` strictly (``latin_1`` stays ``latin_1`` only when cp1252 cannot
    decode it, that is when C1 controls are meant), else None. With
    ``final=False``, ``data`` is a prefix: a character cut at its end is
    left out."""
    for codec in superset_codecs(name):
        try:
            if final:
                return codec, data.decode(codec)
            return codec, codecs.getincrementaldecoder(codec)().decode(data, final=False)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


MIN_HIGH_BYTES = 4  # fewer non-ASCII bytes than this: undecided, whatever the scores
_CHARDET_SURE = 0.9  # chardet's confidence on long text: right on every suite file above it
_CHARDET_WEIGHT = 2.0  # log10 units per decade of chardet's confidence, beside the plausibility
_PROPOSALS = 8
_RIVALS = 2  # readings chardet ranks lower, scored beside its near-equals
_ELIGIBLE = 0.8  # a reading may win when chardet gave it at least this share of its best confidence


@dataclass(frozen=True)
class Guess:
    """A legacy-charset decision: the codec used, the text, how sure, why,
    and the candidates weighed (``(codec, score)``, best first)."""

    codec: str
    text: str
    confidence: float
    reason: str
    candidates: tuple[tuple[str, float], ...] = ()
    high_bytes: int = 0
    chardet_sure: bool = False  # chardet 7 was sure, no rival reading: not scored

    @property
    def undecided(self) -> bool:
        return self.high_bytes < MIN_HIGH_BYTES


# A non-ASCII mark or symbol between two letters of an alphabet ("h”ren",
# "heiáen" is a letter, "caf‚"): what a wrong single-byte table makes of
# an accented letter. Apostrophes, middle dots and hyphens are at home there.
_GLUED_MARK = regex.compile(
    r"(?<=[\p{Latin}\p{Cyrillic}\p{Greek}\p{Hebrew}\p{Arabic}])"
    r"[^\x00-\x7f\p{L}\p{M}\p{N}\s’ʼ·‧‐‑\u00ad]+"
    r"(?=[\p{Latin}\p{Cyrillic}\p{Greek}\p{Hebrew}\p{Arabic}])"
)
_GLUED_COST = -4.0


def reading_score(text: str, lang: str | None = None) -> tuple[float, str]:
    """``(score, language)`` of one reading of some bytes: :func:`plausibility`
    of its runs with non-ASCII characters (under ``lang`` when the model has
    it and it suits the script, else under the best language of the
    script), less :data:`_GLUED_COST` per mark glued inside a word."""
    key = _interesting(text)
    langs = None
    if lang and lang in _model():
        langs = _langs_for(key)
        if lang in langs:
            langs = (lang, "en") if lang != "en" and "en" in langs else (lang,)
    score, lang = plausibility(key, langs)
    return score + _GLUED_COST * len(_GLUED_MARK.findall(key)), lang


_SAMPLE = 1 << 16  # bytes the candidate readings are compared on


def _proposals(data: bytes):
    """``(codec, chardet confidence, text of a prefix, language)`` per
    distinct reading of ``data``'s first :data:`_SAMPLE` bytes, in chardet
    7's order (a generator: the caller stops when it has seen enough); the
    fixed candidate list when chardet has nothing."""
    import chardet

    try:
        found = chardet.detect_all(data, ignore_threshold=True, compat_names=False)
    except Exception:  # pragma: no cover - a detector bug must not break decoding
        found = []
    names = [(r["encoding"], r["confidence"] or 0.0, r.get("language")) for r in found if r.get("encoding")]
    if not names:
        names = [(n, 0.001, None) for n in _MULTIBYTE + _SINGLEBYTE]
    whole = len(data) <= _SAMPLE
    sample = data if whole else data[:_SAMPLE]
    conf_of: dict[str, float] = {}
    for name, conf, _lang in names:
        try:
            conf_of.setdefault(codecs.lookup(name).name, conf)
        except LookupError:
            continue
    seen: set[str] = set()
    for name, conf, lang in names:
        got = decode_superset(sample, name, whole)
        if got is None or got[1] in seen:
            continue
        if got[0] != codecs.lookup(name).name:
            # Widened (iso8859-1 read as cp1252): the superset's own odds,
            # when chardet gave some; C1 bytes read otherwise are its evidence.
            conf = min(conf, conf_of.get(got[0], conf))
        seen.add(got[1])
        yield got[0], conf, got[1], lang


def _whole(data: bytes, codec: str) -> str:
    """``data`` read with ``codec``; bytes it cannot decode (past the
    compared prefix) kept as ``surrogateescape`` code points."""
    return data.decode(codec, "surrogateescape")


def detect_legacy(data: bytes) -> Guess | None:
    """The most plausible legacy decoding of non-UTF-8 ``data``, or None when
    no charset decodes it.

    chardet 7 proposes (its ranking and confidences); when it is sure
    (>= 0.9, no rival reading half as likely), its first proposal is taken.
    Otherwise chardet's near-equals (at least :data:`_ELIGIBLE` of its best
    confidence) and the next :data:`_RIVALS` readings are scored by
    :func:`reading_score`, plus chardet's confidence and the codec's prior
    as log odds; one of the near-equals wins, and the gap to the best other
    reading is the confidence. Codecs are widened to their WHATWG supersets
    first (:func:`decode_superset`)."""
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    props = _proposals(data)
    first = next(props, None)
    if first is None:
        return None
    top_codec, top_conf, _text, _lang = first
    cands = [first]
    rivals = 0
    for p in props:
        if len(cands) >= _PROPOSALS:
            break
        if top_conf >= _CHARDET_SURE and p[1] < 0.5 * top_conf and len(cands) == 1:
            return Guess(top_codec, _whole(data, top_codec), round(min(top_conf, 0.99), 3),
                         f"{top_codec}: chardet {top_conf:.2f}, no rival reading", ((top_codec, round(top_conf, 3)),), high, True)
        if p[1] < _ELIGIBLE * top_conf:
            rivals += 1  # the best few others, to see whether the model disagrees
            if rivals > _RIVALS:
                break
        cands.append(p)
    if len(cands) == 1:
        why = f"{top_codec}: chardet {top_conf:.2f}, " + ("no rival reading" if top_conf >= _CHARDET_SURE else "the only charset that decodes it")
        return Guess(top_codec, _whole(data, top_codec), 0.95, why, ((top_codec, round(top_conf, 3)),), high,
                     top_conf >= _CHARDET_SURE)
    scored = []
    for codec, conf, text, hint in cands:
        score, lang = reading_score(text, hint)
        score += _CHARDET_WEIGHT * math.log10(max(conf, 1e-4) / max(top_conf, 1e-4)) + codec_prior(codec)
        scored.append((score, conf >= _ELIGIBLE * top_conf, codec, lang))
    scored.sort(key=lambda t: -t[0])
    # The winner is one of chardet's near-equals; a better-scored reading
    # chardet thought less likely only lowers the confidence (the
    # plausibility model knows fewer languages than chardet).
    pick = next(i for i, row in enumerate(scored) if row[1])
    if first[3] and first[3] not in _model():
        # chardet reads its first proposal as a language the model lacks
        # (Welsh, Maltese, Estonian ...): its choice stands, and the
        # confidence is what the model makes of it (often a flag).
        pick = next(i for i, row in enumerate(scored) if row[2] == top_codec)
    best, _ok, codec, lang = scored[pick]
    runner = scored[1] if pick == 0 else scored[0]
    gap = best - runner[0]
    confidence = round(min(1.0 - 0.5 * math.exp(-max(gap, 0.0) / 3.0), 0.99), 3)
    why = f"{codec}: most plausible as {lang} text ({gap:.1f} log10 units over {runner[2]})"
    return Guess(codec, _whole(data, codec), confidence, why, tuple((c, round(sc, 1)) for sc, _e, c, _l in scored), high)


_HIGH_BYTES = bytes(range(0x80, 0x100))
