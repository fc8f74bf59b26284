"""``lossy-bytes``: what a decoder destroyed and nothing can restore exactly.

Flags (never edits, except the one harmless case below):

* runs of U+FFFD: a decoder met bytes it could not read and replaced them
  (``cjk-mojibake`` runs first and restores those it can infer);
* ``锟斤拷`` runs: U+FFFD U+FFFD written as UTF-8 (EF BF BD EF BF BD) and read
  as GBK: the text went through a lossy UTF-8 decoder before;
* ``烫烫烫`` / ``屯屯屯``: MSVC's fill bytes 0xCC / 0xCD (uninitialised stack /
  heap memory) read as GBK;
* ``?`` standing where a CJK character was: a converter that could not map
  a character wrote ``?`` (``中??文``).

Edit: a UTF-8 byte-order mark read as GBK (``锘?`` / ``锘�`` at the start of
the text) is removed; it carried no content.

``gbk_misalign`` (same kind, runs just before) owns ``?`` followed by an
injected reading ("?yàn)"): those are skipped here.

>>> from textfix import analyze
>>> [f.detail for f in analyze("数据锟斤拷锟斤拷丢失").findings]
['kunjinkao']
"""

from __future__ import annotations

import regex

from ..config import Config
from ..model import Finding, Profile
from ..textutil import in_spans, protected_spans
from . import Pass

_GATE = regex.compile(r"\ufffd|锟斤|烫烫烫|屯屯屯|^锘")
# One of which every _GATE match holds: substring tests first (a str.find
# per character is ~10x cheaper than a class scan by either regex engine).
_GATE_CHARS = "\ufffd锟烫屯锘"
_FFFD = regex.compile(r"\ufffd+")
_KUNJINKAO = regex.compile(r"(?:锟斤拷)+(?:锟斤?)?|锟斤(?=[^拷])")
_FILL = regex.compile(r"烫{3,}|屯{3,}")
_BOM_AS_GBK = regex.compile(r"\A锘(?:\ufffd|\?)")
_CJK = r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]"
# '?' with a CJK character on each side (a lost character), or a run of them.
_QMARK = regex.compile(rf"(?<={_CJK}|[\u3001-\u303f\uff01-\uff60])\?+(?={_CJK})|(?<={_CJK})\?{{2,}}")
# gbk_misalign's pattern: '?' + toned pinyin + ')': not ours.
_MISALIGN = regex.compile(r"\?[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")
# A question word shortly before: '?' is then a question mark.
_ASKS = regex.compile(r"(?:[哪吗嗎呢谁誰幾几怎么麼吧否啥]|多[少长長久])[^，。！？,.!\n]*$")
_READING_AFTER = regex.compile(r"\(?[a-zü\u00e0-\u01dc]{1,8}\)")
# '?' used as a question mark: at the end of a sentence or line.
_QUESTION = regex.compile(rf"{_CJK}\?(?:[\s\"'”」』)）]|$)", regex.M)


class LossyBytesPass(Pass):
    kind = "lossy-bytes"
    markup_safe = True

    def gate(self, text: str, profile: Profile) -> bool:
        # '?' counts only next to CJK text (a question mark in English is not
        # a lost character): the same test the detector makes.
        if any(map(text.__contains__, _GATE_CHARS)) and _GATE.search(text) is not None:
            return True
        return "?" in text and _QMARK.search(text) is not None

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        findings: list[Finding] = []
        protected = protected_spans(text)
        for m in _BOM_AS_GBK.finditer(text):
            findings.append(
                self.finding(text, m.start(), m.end(), "", 0.9,
                             "a UTF-8 byte-order mark shown as GBK; removed (it carried no text)",
                             detail="bom-as-gbk", rule="bom-as-gbk")
            )
        for m in _FFFD.finditer(text):
            if m.start() == 1 and text[0] == "锘":
                continue
            if _READING_AFTER.match(text, m.end()):
                continue  # "\ufffd(yàn)": gbk_misalign's byte misalignment
            n = len(m.group())
            findings.append(
                self.finding(text, m.start(), m.end(), None, 0.9,
                             f"{n} replacement character{'s' if n > 1 else ''} (U+FFFD): bytes lost when the text was decoded",
                             detail="replacement-char", rule="fffd")
            )
        for m in _KUNJINKAO.finditer(text):
            findings.append(
                self.finding(text, m.start(), m.end(), None, 0.95,
                             "'锟斤拷': replacement characters (U+FFFD) written as UTF-8 and read as GBK; the original text is lost",
                             detail="kunjinkao", rule="kunjinkao")
            )
        for m in _FILL.finditer(text):
            what = "0xCC (uninitialised stack)" if m.group()[0] == "烫" else "0xCD (uninitialised heap)"
            findings.append(
                self.finding(text, m.start(), m.end(), None, 0.85,
                             f"'{m.group()[:3]}…': debug fill bytes {what} read as GBK, not text",
                             detail="uninitialised-memory", rule="fill-bytes")
            )
        if "?" in text:
            findings += self._question_marks(text, protected)
        return findings

    def _question_marks(self, text: str, protected) -> list[Finding]:
        out = []
        # A document that writes questions with ASCII '?' gets only runs flagged.
        matches = list(_QMARK.finditer(text))
        asked = sum(1 for m in matches if _ASKS.search(text, max(0, m.start() - 10), m.start()))
        as_punctuation = len(_QUESTION.findall(text)) + asked
        for m in matches:
            if in_spans(m.start(), protected) or _MISALIGN.match(text, m.end() - 1):
                continue
            n = len(m.group())
            if n == 1 and (as_punctuation or _ASKS.search(text, max(0, m.start() - 10), m.start())):
                continue
            confidence = 0.7 if n >= 2 else 0.55
            out.append(
                self.finding(text, m.start(), m.end(), None, confidence,
                             f"'{m.group()}' between CJK characters: probably {'characters' if n > 1 else 'a character'} "
                             "a converter could not map",
                             detail="question-mark", rule="qmark")
            )
        return out


PASS = LossyBytesPass()
