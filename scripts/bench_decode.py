"""Decoding accuracy and speed: textfix vs chardet 7 vs charset-normalizer,
side by side on the four detection suites of ``../shared/peer-data``.

Suites and labels (see each folder's PROVENANCE.md):

* ``char-dataset``: folder = Python codec; ``None/`` = not text;
* ``chardet-tests``: folder = ``ENCODING`` or ``ENCODING-language``;
* ``uchardet-tests``: ``<lang>/<charset>.<ext>``, label = name up to the first dot;
* ``node-chardet``: ``corpus/generated/<ENCODING>/<lang>/<split>/<doc>.bin``.

Files whose label has no Python codec (EUC-TW, VISCII, ISO-2022-CN) or
that do not decode strictly by their label are left out, and counted.

Truth = the label's decoding as a browser reads it (WHATWG Encoding
Standard): a gb2312 label is decoded with gb18030, shift_jis with cp932,
big5 with big5hkscs, euc-kr with cp949, iso-8859-1 with cp1252, each where
that codec decodes the file strictly (else the label's own codec). A file is
right when the decoded text equals the truth exactly, up to one leading
U+FEFF. Nothing else is forgiven. ``None/`` files are right when the tool
says "not text" (textfix, charset-normalizer) or "no encoding" (chardet).

textfix is scored twice: its decision (``decode_bytes(...).text`` when it
decided, whatever the confidence: "top") and its decision where it was sure
enough to apply it (confidence >= 0.8, the default threshold: "applied";
an undecided file counts as wrong there). chardet is scored with its
defaults and with ``prefer_superset=True`` (its WHATWG mode).

Speed: every file is decoded by every tool in one loop, the order of the
tools rotating from file to file, CPU time (``time.process_time``) summed
per tool after a warm-up pass; the ratio textfix / chardet is printed. Then
``fix_bytes`` on small (1-2 KB) GB18030, Big5, Shift_JIS and cp1252
documents (prefixes of the suites' files) against
``charset_normalizer.from_bytes(b).best()`` + ``ftfy.fix_text``, interleaved
rounds, median of the per-round ratios.

    .venv/bin/python scripts/bench_decode.py [--list SUITE] [--rounds 3] [--no-speed]
"""

from __future__ import annotations

import argparse
import codecs
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpora  # noqa: E402

SUITES = ("char-dataset", "chardet-tests", "uchardet-tests", "node-chardet")
_LABEL_FIX = {
    "mac-centraleurope": "mac_latin2", "x-mac-cyrillic": "mac_cyrillic", "macintosh": "mac_roman",
    "windows-874": "cp874", "uhc": "cp949", "maccyrillic": "mac_cyrillic", "macroman": "mac_roman",
}
# WHATWG: the codec a browser decodes a label with (Python's names).
WHATWG = {"gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "big5": "big5hkscs", "euc_kr": "cp949",
          "latin_1": "cp1252", "iso8859-1": "cp1252"}


def _codec(label: str) -> str | None:
    label = _LABEL_FIX.get(label.lower(), label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def truth(data: bytes, codec: str) -> str | None:
    """The label's decoding (WHATWG superset where it decodes), or None."""
    for name in (WHATWG.get(codec.replace("-", "_"), WHATWG.get(codec)), codec):
        if not name:
            continue
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        return text[1:] if text.startswith("\ufeff") else text
    return None


def _label_chardet_tests(folder: str) -> str | None:
    name = folder
    while name:
        c = _codec(name)
        if c:
            return c
        if "-" not in name:
            return None
        name = name.rsplit("-", 1)[0]
    return None


def load_suites() -> dict[str, list[tuple[str, bytes, str | None]]]:
    """suite -> [(name, bytes, truth text or None for "not text")]; unscorable files left out."""
    out: dict[str, list] = {}
    skipped: dict[str, int] = {}
    for suite in SUITES:
        root = corpora.peer_data(suite)
        if root is None:
            continue
        rows = []
        if suite == "node-chardet":
            paths = [(p, p.relative_to(root / "corpus" / "generated").parts[0]) for p in sorted((root / "corpus" / "generated").rglob("*.bin"))]
        else:
            paths = []
            for p in sorted(root.rglob("*")):
                if not p.is_file() or p.parent == root:
                    continue
                if suite == "uchardet-tests":
                    paths.append((p, p.name.split(".")[0]))
                else:
                    paths.append((p, p.parent.name))
        for p, label in paths:
            data = p.read_bytes()
            name = str(p.relative_to(root))
            if suite == "char-dataset" and label == "None":
                rows.append((name, data, None))
                continue
            codec = _label_chardet_tests(label) if suite == "chardet-tests" else _codec(label)
            text = truth(data, codec) if codec else None
            if text is None:
                skipped[suite] = skipped.get(suite, 0) + 1
                continue
            rows.append((name, data, text))
        out[suite] = rows
    if skipped:
        print("left out (no Python codec for the label, or not decodable by it):",
              ", ".join(f"{s} {n}" for s, n in skipped.items()))
    return out


def _strip(text: str | None) -> str | None:
    return text[1:] if text and text.startswith("\ufeff") else text


def tool_textfix(data: bytes):
    from textfix.decode import decode_bytes

    d = decode_bytes(data)
    if d.binary:
        return None, None, d.confidence
    if not d.applied and len(d.segments) == 1:
        # Undecided (below the threshold): the reading it would have chosen.
        from textfix.charsets import decode_superset

        got = decode_superset(data, d.segments[0].encoding)
        if got is not None:
            return _strip(got[1]), got[0], d.confidence
    return _strip(d.text), d.encoding, d.confidence if d.applied else 0.0


def _chardet(data: bytes, superset: bool):
    import chardet

    enc = chardet.detect(data, prefer_superset=superset)["encoding"]
    if not enc:
        return None, None, 0.0
    try:
        return _strip(data.decode(enc)), enc, 1.0
    except (UnicodeDecodeError, LookupError):
        return "\x00undecodable", enc, 1.0


def tool_chardet(data: bytes):
    return _chardet(data, False)


def tool_chardet_superset(data: bytes):
    return _chardet(data, True)


def tool_cn(data: bytes):
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return (None, None, 0.0) if best is None else (_strip(str(best)), best.encoding, 1.0)


TOOLS = {"textfix": tool_textfix, "chardet": tool_chardet, "chardet-superset": tool_chardet_superset,
         "charset-normalizer": tool_cn}


def accuracy(suites, show: str | None, threshold: float = 0.8):
    names = list(TOOLS)
    cpu = dict.fromkeys(names, 0.0)
    table = {}
    for suite, rows in suites.items():
        right = dict.fromkeys(names + ["textfix-applied"], 0)
        for i, (name, data, text) in enumerate(rows):
            order = names[i % len(names):] + names[: i % len(names)]
            for tool in order:
                t0 = time.process_time()
                got, enc, conf = TOOLS[tool](data)
                cpu[tool] += time.process_time() - t0
                ok = got == text
                right[tool] += ok
                if tool == "textfix":
                    right["textfix-applied"] += ok and (text is None or conf >= threshold)
                    if show == suite and not ok:
                        print(f"  {suite}/{name}: textfix {enc} {conf}")
        table[suite] = (len(rows), right)
    return table, cpu


def speed_decode(suites, rounds: int) -> float:
    """CPU seconds textfix / chardet over every file, interleaved, per round."""
    files = [data for rows in suites.values() for _n, data, _t in rows]
    ratios = []
    for r in range(rounds):
        spent = {"textfix": 0.0, "chardet": 0.0}
        for i, data in enumerate(files):
            order = ("textfix", "chardet") if (i + r) % 2 == 0 else ("chardet", "textfix")
            for tool in order:
                t0 = time.process_time()
                TOOLS[tool](data)
                spent[tool] += time.process_time() - t0
        ratios.append(spent["textfix"] / spent["chardet"])
        print(f"  round {r + 1}: textfix {spent['textfix']:.2f} s, chardet {spent['chardet']:.2f} s CPU -> {ratios[-1]:.2f}x")
    return statistics.median(ratios)


def small_docs(suites) -> list[tuple[str, bytes]]:
    """1-2 KB documents: prefixes (at a line end) of the suites' GB18030,
    Big5, Shift_JIS and cp1252 files that hold non-ASCII text."""
    want = {"gb18030": [], "big5hkscs": [], "cp932": [], "cp1252": []}
    for rows in suites.values():
        for name, data, text in rows:
            if text is None:
                continue
            for enc, docs in want.items():
                if len(docs) >= 6:
                    continue
                try:
                    raw = text.encode(enc)
                except UnicodeEncodeError:
                    continue
                if raw != data.lstrip(codecs.BOM_UTF8) or raw.isascii():
                    continue
                cut = raw.rfind(b"\n", 0, 2048)
                piece = raw[: cut + 1] if cut >= 1024 else None
                if piece is not None and sum(b >= 0x80 for b in piece) >= 20:
                    docs.append((f"{enc}:{name}", piece))
                    break
    return [d for docs in want.values() for d in docs]


def speed_fix_bytes(suites, rounds: int) -> float:
    import ftfy
    from charset_normalizer import from_bytes

    import textfix

    docs = small_docs(suites)
    print(f"  {len(docs)} documents: " + ", ".join(sorted({n.split(':')[0] for n, _ in docs})))

    def peer(b):
        best = from_bytes(b).best()
        return ftfy.fix_text(str(best)) if best is not None else None

    for _n, b in docs:  # warm-up: models, caches
        textfix.fix_bytes(b)
        peer(b)
    ratios = []
    for r in range(rounds):
        spent = {"textfix": 0.0, "peer": 0.0}
        for i, (_n, b) in enumerate(docs):
            order = ("textfix", "peer") if (i + r) % 2 == 0 else ("peer", "textfix")
            for tool in order:
                t0 = time.process_time()
                textfix.fix_bytes(b) if tool == "textfix" else peer(b)
                spent[tool] += time.process_time() - t0
        ratios.append(spent["peer"] / spent["textfix"])
        print(f"  round {r + 1}: textfix.fix_bytes {spent['textfix'] * 1000 / len(docs):.1f} ms/doc, "
              f"charset-normalizer+ftfy {spent['peer'] * 1000 / len(docs):.1f} ms/doc -> textfix speed {ratios[-1]:.2f}x")
    return statistics.median(ratios)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--list", metavar="SUITE", help="list the files of SUITE textfix gets wrong")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--suite", action="append", help="only these suites")
    args = ap.parse_args()
    suites = load_suites()
    if args.suite:
        suites = {k: v for k, v in suites.items() if k in args.suite}
    if not suites:
        sys.exit("peer-data not found beside the checkout")
    # Warm-up: load every tool's models before anything is timed.
    for tool in TOOLS.values():
        tool("Grüße, 中文 テキスト".encode("utf-8") + b"\xe9")
    table, _cpu = accuracy(suites, args.list)
    cols = ["textfix", "textfix-applied", "chardet", "chardet-superset", "charset-normalizer"]
    print(f"{'suite':16s} {'files':>5s} " + " ".join(f"{c:>18s}" for c in cols))
    for suite, (n, right) in table.items():
        print(f"{suite:16s} {n:5d} " + " ".join(f"{right[c]:5d} {right[c] / n:7.1%}     " for c in cols))
    if args.no_speed:
        return
    print("decoding every file, CPU time textfix.decode_bytes / chardet.detect (interleaved):")
    r1 = speed_decode(suites, args.rounds)
    print("fix_bytes on 1-2 KB documents vs charset_normalizer.from_bytes(b).best() + ftfy.fix_text:")
    r2 = speed_fix_bytes(suites, args.rounds)
    print(json.dumps({"decode_cpu_ratio_vs_chardet": round(r1, 2), "fix_bytes_speed_vs_cn_ftfy": round(r2, 2)}))


if __name__ == "__main__":
    main()
