"""``broken-link``: spaces injected into domains and e-mail addresses
("fred@9to5mac. com", "Zalkon. com").

A candidate is ``HEAD . TLD`` with blanks around the dot, on one line. It is
rejoined only when

* the tail is a real top-level domain (``data/tlds.txt``), written in lower
  case, and followed by a non-letter (punctuation, a blank, the line end):
  ``Zalkon. company`` is not a domain;
* the head looks like a host or an address: a label of at least two
  characters with a letter in it, or ``local@host``; abbreviations such as
  "U.S." (one-letter labels) never qualify;
* TLDs that are also English words ("in", "it", "to", "news") and most
  two-letter country codes join only after an e-mail head or a dotted host
  ("www.example. in"): after a plain word they are far more often a sentence
  end followed by a lower-case word ("Dr. de Barros", "et. al.");
* a blank before the dot alone ("such as .com and .org") is how prose names
  a TLD, not damage: the dot must be followed by blanks.

Two more splits are rejoined when what follows is a host with a real TLD:
"www. example.com" and "fred@ example.com" / "fred @ example.com" (a blank
only before the at sign is prose: "first name plus @example.com").
"""

from __future__ import annotations

import functools
import re

import regex

from ..config import Config
from ..model import Finding, Profile
from ..resources import read_data_lines
from . import Pass


# The gate: either pattern, each searched alone so that the stdlib engine
# scans for its literal first character (the dot, the at sign) fast.
_GATE_DOT_RE = re.compile("\\.[ \t\u00a0]+[a-z]{2}")
_GATE_AT_RE = re.compile("@[ \t\u00a0]")
# Two-letter TLDs that may follow a plain word ("Zalkon. co"); every other
# country code needs an e-mail or dotted head ("Dr. de Barros", "et. al.").
_PLAIN_CC = frozenset({"io", "ai", "co", "tv", "fm", "gg"})


@functools.lru_cache(maxsize=None)
def tlds() -> tuple[frozenset[str], frozenset[str]]:
    """``(all TLDs, TLDs that are also English words)``."""
    every, words = set(), set()
    for line in read_data_lines("tlds.txt"):
        parts = line.split("\t")
        name = parts[0].strip().lower()
        every.add(name)
        if len(parts) > 1 and parts[1].strip() == "word":
            words.add(name)
    return frozenset(every), frozenset(words)


@functools.lru_cache(maxsize=None)
def candidate_re() -> "regex.Pattern[str]":
    names = sorted(tlds()[0], key=lambda s: (-len(s), s))
    alt = "|".join(regex.escape(n) for n in names)
    return regex.compile(
        r"(?<![\w@.%+-])"
        r"(?P<head>(?:(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]*)@)?"
        r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)"
        r"(?P<sep>[ \t\u00a0]*\.[ \t\u00a0]+)"
        rf"(?P<tail>(?:{alt}))"
        r"(?![\w-])"
    )


# Every candidate_re match holds this (its separator and the TLD's first
# letter) and no newline: only the lines holding it need the slow scan.
_CAND_LINE_RE = re.compile("\\.[ \t\u00a0]+[a-z]")


@functools.lru_cache(maxsize=None)
def _anchor_re() -> "re.Pattern[str]":
    """A candidate's separator dot: a dot, blanks, the first letter of a TLD."""
    firsts = "".join(sorted({t[0] for t in tlds()[0] if t}))
    return re.compile(f"\\.[ \t\u00a0]+[{re.escape(firsts)}]")


_BLANKS = frozenset(" \t\u00a0")
_HEAD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+@-")


def _line_matches(text: str, start: int, end: int):
    """``candidate_re().finditer(text, start, end)``, tried only where a match
    can start: a match's separator holds one dot (an ``_anchor_re`` hit),
    after blanks after the head, which holds no blank and only
    ``_HEAD_CHARS``; and the head's first character follows none of those
    (the pattern's lookbehind). So the only start for a dot is the start of
    the run of head characters before the blanks before it."""
    rx = candidate_re()
    pos = start
    for hit in _anchor_re().finditer(text, start, end):
        j = hit.start() - 1
        while j >= start and text[j] in _BLANKS:
            j -= 1
        while j >= start and text[j] in _HEAD_CHARS:
            j -= 1
        s0 = j + 1
        if s0 < pos:
            continue  # inside the previous match or its head run: no start
        m = rx.match(text, s0, end)
        if m is not None:
            yield m
            pos = m.end()


def _candidates(text: str):
    """``candidate_re().finditer(text)``, scanning only the lines that can match."""
    done = -1
    for hit in _CAND_LINE_RE.finditer(text):
        if hit.start() < done:
            continue
        start = text.rfind("\n", 0, hit.start()) + 1
        end = text.find("\n", hit.end())
        end = len(text) if end < 0 else end
        yield from _line_matches(text, start, end)
        done = end


# "www. example.com": the host prefix split off a domain that is whole.
_WWW_RE = regex.compile(
    r"(?<![\w.@/-])(?i:www)(?P<sep>[ \t\u00a0]*\.[ \t\u00a0]+)(?=[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.(?P<tld>[a-z]{2,24})(?![\w-]))"
)
# "fred @ example.com", "fred@ example.com": blanks after the at sign (a blank
# only before it is prose naming a domain: "first name plus @example.com").
_AT_RE = regex.compile(
    r"(?<![\w.@%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*(?P<sep>[ \t\u00a0]*@[ \t\u00a0]+)"
    r"(?=[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.(?P<tld>[a-z]{2,24})(?![\w-]))"
)

# What every _WWW_RE / _AT_RE match holds (its separator): the stdlib engine
# finds these fast, the lookbehind-led patterns scan the whole text.
_WWW_SEP_RE = re.compile("[Ww][Ww][Ww][ \t\u00a0]*\\.[ \t\u00a0]")
_AT_SEP_RE = re.compile("@[ \t\u00a0]")


class LinksPass(Pass):
    kind = "broken-link"

    def gate(self, text: str, profile: Profile) -> bool:
        # A letter or digit, a dot with blanks around it, a lower-case letter:
        # rare in edited prose (sentences start with capitals).
        return ("@" in text and _GATE_AT_RE.search(text) is not None) or _GATE_DOT_RE.search(text) is not None

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        _every, word_tlds = tlds()
        out = []
        for m in _candidates(text):
            head, tail = m.group("head"), m.group("tail")
            labels = head.split("@")[-1].split(".")
            last = labels[-1]
            email = m.group("local") is not None
            if len(last) < 2 or not (email or any(c.isalpha() for c in last)):
                continue  # a plain head needs a letter ("3. com" is a sentence end)
            if any(len(lab) < 1 for lab in labels):
                continue
            dotted = len(labels) > 1
            if dotted and all(len(lab) == 1 for lab in labels):
                continue  # "e.g. com", "U.S. com"
            if not (email or dotted) and (tail in word_tlds or (len(tail) == 2 and tail not in _PLAIN_CC)):
                continue
            if dotted and not email and all(lab.isalpha() and len(lab) <= 2 for lab in labels):
                continue  # "i.e", "a.m" style abbreviations
            start, end = m.start("sep"), m.end("sep")
            conf = 0.95 if email else 0.9
            what = "e-mail address" if email else "domain"
            msg = f"{what} {head + '.' + tail!r} was split by injected spaces"
            out.append(
                self.finding(text, start, end, ".", conf, msg, detail="email" if email else "domain",
                             rule="tld-email" if email else ("tld-dotted" if dotted else "tld-plain"))
            )
        every = tlds()[0]
        for m in _WWW_RE.finditer(text) if _WWW_SEP_RE.search(text) else ():
            if m.group("tld") in every:
                out.append(self.finding(text, m.start("sep"), m.end("sep"), ".", 0.9,
                                        "web address split after 'www' by injected spaces", detail="domain", rule="www"))
        for m in _AT_RE.finditer(text) if _AT_SEP_RE.search(text) else ():
            if m.group("tld") in every and "." not in m.group("sep").strip(" \t\u00a0@"):
                out.append(self.finding(text, m.start("sep"), m.end("sep"), "@", 0.9,
                                        "e-mail address split around '@' by injected spaces", detail="email", rule="at-sign"))
        return out


PASS = LinksPass()
