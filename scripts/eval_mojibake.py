"""Measure the ``cjk-mojibake`` / ``lossy-bytes`` passes on mojibake made
from the clean corpora (``../shared/peer-data/clean``).

For every chain, every clean Chinese document (or a sample: ``--limit N``
per folder) is damaged the way the chain describes and given to
``textfix.fix`` with only the encoding passes enabled (mojibake,
cjk-mojibake, lossy-bytes). Printed per chain:

* ``exact``: share of documents restored exactly;
* ``flagged``: share of the documents *not* restored exactly that carry a
  ``cjk-mojibake`` or ``lossy-bytes`` finding (damage the user is told of);
* ``missed``: neither restored nor flagged.

Lossless chains are those whose damaged text still holds every byte
(``gbk→latin-1`` always; ``utf-8→gbk`` for documents the GBK decoder reads
without error). Then the clean documents themselves (Chinese and English)
are run through the same passes: ``changed`` must stay at 0.

    .venv/bin/python scripts/eval_mojibake.py [--limit 200]

``--langs`` (issue #17) measures the table of chains per language on the
held-out half of each clean set (Chinese: odd paragraphs of the clean
folders; Japanese, Cantonese, Korean, Russian: tests/data/lang, odd
paragraphs), in three forms of the damage:

* ``strict``: paragraphs whose damage kept every byte (the display codec
  decoded them without error): share restored exactly (goal >= 95 %);
* ``surrogates``: the same chain read with ``errors="surrogateescape"``
  (every byte kept, undecodable ones as lone surrogates): share exact;
* ``replace``: read with ``errors="replace"`` (U+FFFD for lost bytes): share
  exact, share flagged among the rest, and over the characters that lost a
  byte: restored exactly, filled wrongly (written as if sure), left U+FFFD.

Then the clean held-out paragraphs of each language through every pass
(default config): the share of documents changed (goal <= 0.5 %), and
ftfy's own known failures (peer-data/ftfy/known-failures.json) fixed.

    .venv/bin/python scripts/eval_mojibake.py --langs [--per 200]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpora  # noqa: E402

from textfix import Config, fix  # noqa: E402

CONFIG = Config(enable=("mojibake", "cjk-mojibake", "lossy-bytes"))
KINDS = {"cjk-mojibake", "lossy-bytes"}


def _judge(damaged: str, text: str):
    """``(result, exact, flagged)``: ``damaged`` through the encoding passes;
    flagged when not restored exactly but told (a cjk-mojibake or lossy-bytes
    finding)."""
    r = fix(damaged, CONFIG)
    exact = r.text == text
    return r, exact, not exact and any(f.kind in KINDS for f in r.findings)


def _strict(text: str, enc: str, dec: str) -> str | None:
    try:
        return text.encode(enc).decode(dec)
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def _replace(text: str, enc: str, dec: str) -> str | None:
    try:
        return text.encode(enc).decode(dec, "replace")
    except UnicodeEncodeError:
        return None


# name -> (damage function, lossless?, which clean groups)
CHAINS = {
    "utf-8 → gbk (lossless docs)": (lambda t: _strict(t, "utf-8", "gbk"), True, ("zh-hans", "zh-hant")),
    "utf-8 → gb18030 (lossless docs)": (lambda t: _strict(t, "utf-8", "gb18030"), True, ("zh-hans", "zh-hant")),
    "gbk → latin-1": (lambda t: _strict(t, "gbk", "latin-1"), True, ("zh-hans",)),
    "gbk → cp1252": (lambda t: _strict(t, "gbk", "cp1252"), True, ("zh-hans",)),
    "big5 → latin-1": (lambda t: _strict(t, "big5", "latin-1"), True, ("zh-hant",)),
    "utf-8 → gb18030 → latin-1 (double, lossless docs)": (
        lambda t: (lambda x: x and _strict(x, "gb18030", "latin-1"))(_strict(t, "utf-8", "gb18030")), True,
        ("zh-hans", "zh-hant")),
    "utf-8 → gbk (lossy, U+FFFD; paragraphs ≤ 40 chars)": (
        lambda t: _replace(t, "utf-8", "gbk") if len(t) <= 40 else None, False, ("zh-hans", "zh-hant")),
    "utf-8 → gbk (lossy, U+FFFD)": (lambda t: _replace(t, "utf-8", "gbk"), False, ("zh-hans", "zh-hant")),
    "utf-8 → gb18030 (lossy, U+FFFD)": (lambda t: _replace(t, "utf-8", "gb18030"), False, ("zh-hans", "zh-hant")),
    "utf-8 → cp932 (lossy)": (lambda t: _replace(t, "utf-8", "cp932"), False, ("zh-hans",)),
    "utf-8 → big5 (lossy)": (lambda t: _replace(t, "utf-8", "big5"), False, ("zh-hant",)),
    "utf-8 → cp949 (lossy)": (lambda t: _replace(t, "utf-8", "cp949"), False, ("zh-hans",)),
}


def docs_for(groups, limit):
    out = []
    for g in groups:
        out += corpora.clean_group(g, limit)
    return out


def split_paragraphs(docs):
    """Short units make lossless UTF-8→GBK cases (a whole document rarely
    decodes without error): one unit per paragraph."""
    out = []
    for name, text in docs:
        for i, para in enumerate(p for p in text.split("\n\n") if p.strip()):
            out.append((f"{name}#{i}", para))
    return out


def evaluate(limit: int | None) -> dict:
    results = {}
    cache: dict = {}
    for chain, (damage, lossless, groups) in CHAINS.items():
        key = (groups, limit)
        if key not in cache:
            cache[key] = docs_for(groups, limit)
        units = cache[key]
        if "lossless docs" in chain or "double" in chain or "paragraphs" in chain:
            units = split_paragraphs(units)
        n = exact = flagged = 0
        t0 = time.time()
        for _name, text in units:
            damaged = damage(text)
            if damaged is None or damaged == text:
                continue
            n += 1
            _r, ok, told = _judge(damaged, text)
            exact += ok
            flagged += told
        results[chain] = (n, exact, flagged, lossless, time.time() - t0)
        missed = n - exact - flagged
        print(f"{chain:52s} n={n:5d}  exact {exact / max(n, 1):6.1%}  flagged {flagged / max(n - exact, 1):6.1%} "
              f"of the rest  missed {missed:4d}  ({time.time() - t0:.1f} s)", flush=True)
    return results


def clean_check(limit: int | None) -> None:
    for group in ("zh-hans", "zh-hant", "en"):
        docs = corpora.clean_group(group, limit)
        changed = flagged = 0
        t0 = time.time()
        for _name, text in docs:
            r = fix(text, CONFIG)
            if r.text != text:
                changed += 1
            if any(f.kind == "cjk-mojibake" for f in r.findings):
                flagged += 1
        print(f"clean {group:8s} docs={len(docs):5d}  changed {changed}  cjk-mojibake findings {flagged}  ({time.time() - t0:.1f} s)")


# (written, shown, languages): the chains of issue #17.
LANG_CHAINS = (
    [("utf-8", shown, ("zh-hans", "zh-hant")) for shown in ("gbk", "gb18030")]
    + [("utf-8", shown, ("zh-hant", "yue")) for shown in ("big5", "big5hkscs")]
    + [("utf-8", shown, ("ja",)) for shown in ("cp932", "shift_jis", "euc_jp")]
    + [("utf-8", shown, ("ko",)) for shown in ("cp949", "euc_kr")]
    + [("gbk", shown, ("zh-hans",)) for shown in ("latin-1", "cp1252", "cp1254")]
    + [("big5", shown, ("zh-hant", "yue")) for shown in ("latin-1", "cp1252")]
    + [("cp932", "cp1252", ("ja",)), ("euc_jp", "latin-1", ("ja",))]
    + [("cp949", shown, ("ko",)) for shown in ("latin-1", "cp1252", "cp1254")]
    + [(written, shown, ("ru",)) for written in ("cp1251", "koi8_r", "cp866") for shown in ("latin-1", "cp1252")]
    + [("utf-8", shown, ("ru",)) for shown in ("cp1251", "koi8_r", "cp866")]
)


HALF = "heldout"  # --dev: the dev half instead (for tuning)


def heldout(lang: str, per: int) -> list[str]:
    """Held-out clean paragraphs of ``lang`` (at most ``per``)."""
    first = 1 if HALF == "heldout" else 0
    if lang in ("zh-hans", "zh-hant"):
        paras = []
        for _name, text in corpora.clean_group(lang, None):
            paras += [p.strip() for p in text.split("\n\n") if p.strip()][first::2]
        # spread over the folders: a fixed stride
        step = max(1, len(paras) // per)
        return paras[::step][:per]
    return corpora.lang_paragraphs(lang, HALF)[:per]


def damage_replace(text: str, written: str, shown: str) -> tuple[str, list[int]] | None:
    """``text`` written with ``written`` and read with ``shown``, each
    undecodable stretch of bytes a U+FFFD (as ``errors="replace"`` gives),
    and the indices of the characters of ``text`` that lost a byte."""
    try:
        data = text.encode(written)
    except UnicodeEncodeError:
        return None
    # character index of every byte
    owner = []
    for i, ch in enumerate(text):
        owner += [i] * len(ch.encode(written))
    out = []
    lost: set[int] = set()
    pos = 0
    while pos < len(data):
        try:
            out.append(data[pos:].decode(shown))
            break
        except UnicodeDecodeError as exc:
            out.append(data[pos : pos + exc.start].decode(shown))
            out.append("\ufffd")
            lost.update(owner[pos + exc.start : pos + exc.end])
            pos += exc.end
    return "".join(out), sorted(lost)


def _restored_counts(orig: str, fixed: str, lost: list[int]) -> tuple[int, int, int]:
    """``(restored, wrong, unknown)`` over the characters of ``orig`` that
    lost a byte. A character is restored when the repair holds it between
    its two neighbours on either side, wrong when the repair holds another
    character (not U+FFFD) between them, unknown otherwise (left U+FFFD, or
    its run not repaired at all: no neighbours to find)."""
    import re

    if fixed == orig:
        return len(lost), 0, 0
    restored = wrong = unknown = 0
    for i in lost:
        left, right = orig[max(0, i - 2) : i], orig[i + 1 : i + 3]
        if left + orig[i] + right in fixed:
            restored += 1
        elif (left or right) and re.search(re.escape(left) + "[^\ufffd]" + re.escape(right), fixed):
            wrong += 1
        else:
            unknown += 1
    return restored, wrong, unknown


def evaluate_langs(per: int, only: str | None = None) -> None:
    cache: dict[str, list[str]] = {}
    print(f"{'chain':34s} {'lang':8s} {'strict n':>8s} {'exact':>7s} {'surr n':>7s} {'exact':>7s} {'lossy n':>7s} {'exact':>7s} "
          f"{'flagged':>7s} {'lost':>6s} {'restored':>8s} {'wrong':>6s}")
    for written, shown, langs in LANG_CHAINS:
        if only and only not in f"{written} → {shown}":
            continue
        for lang in langs:
            if lang not in cache:
                cache[lang] = heldout(lang, per)
            paras = cache[lang]
            sn = se = un = ue = ln = le = lf = 0
            lost_n = rest = wrong = 0
            for text in paras:
                try:
                    data = text.encode(written)
                except UnicodeEncodeError:
                    continue
                if data.isascii():
                    continue
                strict = _strict(text, written, shown)
                if strict is not None and strict != text:
                    sn += 1
                    se += fix(strict, CONFIG).text == text
                surr = data.decode(shown, "surrogateescape")
                if surr != text and surr != strict:
                    un += 1
                    ue += fix(surr, CONFIG).text == text
                rep = damage_replace(text, written, shown)
                if rep is not None and rep[1]:
                    damaged, lost = rep
                    ln += 1
                    r, ok, told = _judge(damaged, text)
                    le += ok
                    lf += told
                    a, b, _c = _restored_counts(text, r.text, lost)
                    lost_n += len(lost)
                    rest += a
                    wrong += b
            pct = lambda a, b: f"{a / b:7.1%}" if b else "      -"  # noqa: E731
            print(f"{written + ' → ' + shown:34s} {lang:8s} {sn:8d} {pct(se, sn)} {un:7d} {pct(ue, un)} {ln:7d} {pct(le, ln)} "
                  f"{pct(lf, ln - le)} {lost_n:6d} {pct(rest, lost_n):>8s} {pct(wrong, lost_n):>6s}", flush=True)


def clean_langs(per: int) -> None:
    for lang in ("zh-hans", "zh-hant", "ja", "yue", "ko", "ru"):
        paras = heldout(lang, per)
        changed = [p for p in paras if fix(p).text != p]
        print(f"clean {lang:8s} held-out paragraphs={len(paras):5d}  changed {len(changed):3d} ({len(changed) / max(1, len(paras)):.2%})")


def ftfy_failures() -> None:
    import json

    path = corpora.peer_data("ftfy")
    if path is None:
        return
    cases = json.loads((path / "known-failures.json").read_text(encoding="utf-8"))
    fixed = 0
    for case in cases:
        out = fix(case["original"]).text
        ok = out == case["fixed"]
        fixed += ok
        print(f"  {'fixed ' if ok else 'failed'} {case['label'][:60]!r}: {out[:50]!r}")
    print(f"ftfy known failures fixed: {fixed} of {len(cases)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="documents per clean folder (default: all)")
    ap.add_argument("--langs", action="store_true", help="the per-language chain table of issue #17 (held-out)")
    ap.add_argument("--per", type=int, default=200, help="--langs: held-out paragraphs per language")
    ap.add_argument("--dev", action="store_true", help="--langs: measure the dev half (tuning), not the held-out one")
    ap.add_argument("--only", default=None, help="--langs: only chains whose name holds this ('utf-8 → gbk')")
    args = ap.parse_args()
    if corpora.shared_dir() is None:
        sys.exit("../shared is not beside the checkout")
    global HALF
    if args.dev:
        HALF = "dev"
    if args.langs:
        evaluate_langs(args.per, args.only)
        if not args.only:
            clean_langs(args.per)
            ftfy_failures()
        return
    evaluate(args.limit)
    clean_check(args.limit)


if __name__ == "__main__":
    main()
