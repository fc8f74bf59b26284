"""``pronoun-flip``: the same person called "he" and "she" within a short
span, a synonym-spinner artifact ("Karpathy said he could return ... In
March, Karpathy announced that she would be taking a sabbatical"). Flag only:
the pass cannot know which of the two is right, only that one is wrong.

How a pronoun is tied to a person (kept narrow on purpose, for precision):

* the sentence's subject is its first capitalised name (skipping capitalised
  function words, months, days and possessives such as "Fridman's"), and
  the first subject pronoun *he*/*she* later in the same sentence refers to it
  ("Karpathy announced that she would ...");
* a sentence that opens with *He*/*She* refers to the previous sentence's
  subject.

Pronouns inside or right after quoted speech are not tied. A name tied to
both genders within ``WINDOW`` characters, with one gender a clear minority
against at least two references of the other, gets a flag on each pronoun of
the minority gender.
"""

from __future__ import annotations

import bisect

import regex

from ..config import Config
from ..model import Finding, Profile
from . import Pass

WINDOW = 2000  # characters between the two conflicting references
CONFIDENCE = 0.6

_HE_RE = regex.compile(r"\b[Hh]e\b")
_SHE_RE = regex.compile(r"\b[Ss]he\b")
_SENT_RE = regex.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)\]]*|\n|$)")
_WORD_RE = regex.compile(r"\p{L}[\p{L}\p{M}'’.-]*")
_PRON = {"he": "male", "she": "female"}
_OPENER_RE = regex.compile(r"\s*(?:[\p{L}\d'’-]+\s+){0,4}[\p{L}\d'’-]+,\s")
_PRON_RE = regex.compile(r"\b([Hh]e|[Ss]he)\b")
_QUOTE_RE = regex.compile(r"[\"“”]")
_LEAD_RE = regex.compile(r"\s*([Hh]e|[Ss]he)\b")

_NOT_NAMES = frozenset(
    """a an the this that these those there here then when while after before during since until in on at by
    for from with without of to as if but and or so yet also however meanwhile still now today yesterday
    tomorrow last next first according although though because even many most some one two three it its
    he she his her they their we our you your i my mr mrs ms miss dr sir lord lady prof mister madam
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    interestingly therefore thus indeed instead perhaps maybe overall besides finally earlier later""".split()
)


def _subject(sentence: str, offset: int) -> tuple[str, int] | None:
    """``(name key, end offset)`` of the sentence's first capitalised name."""
    for m in _WORD_RE.finditer(sentence):
        w = m.group().rstrip(".")
        low = w.lower()
        if not w[:1].isupper():
            # a lower-case word before any name: the subject is not a name
            # unless it is a function word ("in March, Karpathy ...")
            if low in _NOT_NAMES or low.rstrip(",") in _NOT_NAMES:
                continue
            return None
        if low in _NOT_NAMES:
            continue
        if low.endswith(("'s", "’s")):
            continue  # a possessive modifies the subject; it is not it
        # the subject: this word and the capitalised words right after it
        end = m.end()
        key = w
        for n in _WORD_RE.finditer(sentence, m.end()):
            if sentence[end : n.start()].strip() or not n.group()[:1].isupper():
                break
            nxt = n.group().rstrip(".")
            if nxt.lower().endswith(("'s", "’s")) or nxt.lower() in _NOT_NAMES:
                break
            key = nxt
            end = n.end()
        return key, offset + end
    return None


def _another_name(span: str) -> bool:
    """Whether a capitalised name other than a possessive stands in ``span``
    ("Ms Lee said Mars promised her that he ...": "he" is Mars, not Lee)."""
    for m in _WORD_RE.finditer(span):
        w = m.group().rstrip(".")
        if not w[:1].isupper() or w.isupper():
            continue  # lower case, or an acronym ("AI")
        low = w.lower()
        if low in _NOT_NAMES or low.endswith(("'s", "’s")):
            continue
        return True
    return False


class PronounPass(Pass):
    kind = "pronoun-flip"

    def gate(self, text: str, profile: Profile) -> bool:
        # A flip needs both pronouns in the text. "she" is rare: most texts
        # are settled by two substring searches; else the word search starts
        # at the first "she"/"She" (its lookbehind sees the text before).
        if profile.share("Latin") < 0.5:
            return False
        first = text.find("she")
        cap = text.find("She", 0, len(text) if first < 0 else first)
        if cap >= 0:
            first = cap
        elif first < 0:
            return False
        return _HE_RE.search(text) is not None and _SHE_RE.search(text, first) is not None

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        refs: dict[str, list[tuple[str, int, int]]] = {}  # name -> (gender, start, end)
        prev_subject: str | None = None
        prev_quoted = False
        for sm in _SENT_RE.finditer(text):
            sentence = sm.group()
            if not sentence.strip():
                prev_subject = None if "\n" in sentence else prev_subject
                continue
            base = sm.start()
            lead = _LEAD_RE.match(sentence)
            quoted = _QUOTE_RE.search(sentence) is not None
            if quoted or prev_quoted:
                lead = None  # quoted speech: pronouns may point anywhere
            subj = _subject(sentence, base)
            if subj is None:
                # an opening adverbial ("Last year, Jordan said ..."): retry after it
                c = _OPENER_RE.match(sentence)
                if c:
                    subj = _subject(sentence[c.end() :], base + c.end())
            if lead and prev_subject:
                g = _PRON[lead.group(1).lower()]
                refs.setdefault(prev_subject, []).append((g, base + lead.start(1), base + lead.end(1)))
                subj = (prev_subject, base + lead.end(1))
            elif subj:
                pm = _PRON_RE.search(text, subj[1], sm.end())
                if pm and not _QUOTE_RE.search(text, subj[1], pm.start()) and not _another_name(text[subj[1] : pm.start()]):
                    refs.setdefault(subj[0], []).append((_PRON[pm.group(1).lower()], pm.start(1), pm.end(1)))
            prev_subject = subj[0] if subj else None
            prev_quoted = quoted
        out = []
        for name, items in refs.items():
            by_gender: dict[str, list[tuple[int, int]]] = {"male": [], "female": []}
            for g, st, en in items:
                by_gender[g].append((st, en))
            males, females = by_gender["male"], by_gender["female"]
            if len(males) == len(females) or min(len(males), len(females)) == 0:
                continue
            minority, majority = (males, females) if len(males) < len(females) else (females, males)
            if len(majority) < 2:
                continue  # only a clear minority against a settled majority
            other = "she" if minority is males else "he"
            starts = [st for st, _ in majority]  # in text order
            for st, en in minority:
                k = bisect.bisect_left(starts, st - WINDOW)
                if k >= len(starts) or starts[k] > st + WINDOW:
                    continue
                msg = f"{name} is referred to as {other!r} nearby but {text[st:en]!r} here (a spinner flips pronouns)"
                g = "male" if minority is males else "female"
                out.append(self.finding(text, st, en, None, CONFIDENCE, msg, detail=g, rule="subject-pronoun"))
        return out


PASS = PronounPass()
