"""Charset decoding accuracy on the char-dataset, textfix vs charset-normalizer
vs chardet side by side, and peak memory of streaming a large file.

Truth: the folder's codec as a browser reads it (WHATWG: gb2312 as gb18030,
shift_jis as cp932, big5 as big5hkscs, euc_kr as cp949, iso8859_1 as
cp1252, each where it decodes the file; see :func:`bench_decode.truth`).
A file counts as right when the decoded text equals the truth exactly, up
to one leading U+FEFF; nothing else is forgiven. ``None/`` files must come
back as binary (textfix, charset-normalizer) or undetected (chardet).
scripts/bench_decode.py measures all four detection suites.

chardet is not a textfix dependency: ``pip install chardet`` for this script.

    .venv/bin/python scripts/eval_charsets.py [--fix-bytes encoding|all] [--rss-mb 50] [--list]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpora  # noqa: E402

def norm(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def truth(data: bytes, folder: str) -> str:
    """The text a file of ``folder`` holds (WHATWG reading of the label)."""
    import codecs

    from bench_decode import truth as whatwg_truth

    return whatwg_truth(data, codecs.lookup(folder).name)


def dataset_files() -> list[tuple[str, Path]]:
    root = corpora.peer_data("char-dataset")
    if root is None:
        return []
    return sorted(
        (p.parent.name, p) for p in root.rglob("*") if p.is_file() and p.parent != root and p.name != "PROVENANCE.md"
    )


# The charset passes. The ``mojibake`` (ftfy) pass is left out: it unescapes
# the HTML entities of the dataset's RSS/HTML files, a repair rather than a
# decoding error.
ENCODING_PASSES = ("cjk-mojibake", "lossy-bytes")


def textfix_decode(data: bytes, full: str | None) -> tuple[str | None, str | None]:
    """``(text or None for binary, encoding)``: ``decode_bytes``, or
    ``fix_bytes`` with the encoding passes (``full="encoding"``) or every
    pass (``full="all"``; other passes legitimately edit web pages)."""
    if full:
        import textfix

        config = textfix.Config(enable=ENCODING_PASSES) if full == "encoding" else textfix.Config()
        r = textfix.fix_bytes(data, config)
        return (None if r.binary else r.text), r.encoding
    from textfix.decode import decode_bytes

    d = decode_bytes(data)
    return (None if d.binary else d.text), d.encoding


def cn_decode(data: bytes) -> tuple[str | None, str | None]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return (None, None) if best is None else (str(best), best.encoding)


def chardet_decode(data: bytes) -> tuple[str | None, str | None]:
    import chardet

    enc = chardet.detect(data)["encoding"]
    if not enc:
        return None, None
    try:
        return data.decode(enc), enc
    except (UnicodeDecodeError, LookupError):
        return "\x00undecodable", enc


def evaluate(full: str | None, show: bool) -> dict[str, tuple[int, int, int, int]]:
    tools = {"textfix": lambda d: textfix_decode(d, full), "charset-normalizer": cn_decode}
    try:
        import chardet  # noqa: F401

        tools["chardet"] = chardet_decode
    except ImportError:
        print("(chardet not installed: pip install chardet to compare)")
    files = dataset_files()
    scores = {name: [0, 0, 0, 0] for name in tools}  # text right, text total, binary right, binary total
    times = {name: 0.0 for name in tools}
    for folder, path in files:
        data = path.read_bytes()
        want = None if folder == "None" else truth(data, folder)
        for name, tool in tools.items():
            t0 = time.perf_counter()
            text, enc = tool(data)
            times[name] += time.perf_counter() - t0
            s = scores[name]
            if want is None:
                s[3] += 1
                s[2] += text is None
            else:
                s[1] += 1
                ok = text is not None and norm(text) == want
                s[0] += ok
                if show and not ok and name == "textfix":
                    print(f"  textfix wrong: {folder}/{path.name} -> {enc}")
    what = {None: "textfix.decode.decode_bytes", "encoding": "textfix.fix_bytes, charset passes (cjk-mojibake, lossy-bytes)",
            "all": "textfix.fix_bytes, every pass"}[full]
    print(f"char-dataset: {len(files)} files ({what})")
    print(f"{'tool':20s} {'text files right':>22s} {'binary right':>14s} {'time':>8s}")
    for name, (ok, n, bok, bn) in scores.items():
        print(f"{name:20s} {ok:5d}/{n:<5d} {ok / max(n, 1):8.2%} {bok:6d}/{bn:<6d} {times[name]:7.1f}s")
    return {k: tuple(v) for k, v in scores.items()}


_RSS_CHILD = """
import resource, sys
from textfix.decode import iter_decode
n = 0
info, chunks = iter_decode(sys.argv[1], 1 << 20)
for chunk in chunks:
    n += len(chunk)
print(info.encoding, n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def rss_check(megabytes: int) -> None:
    """Stream a ``megabytes`` MB GB18030 file through ``iter_decode`` in a
    fresh process and report its peak RSS next to a baseline process."""
    line = "长江是中华民族的母亲河，也是中华民族发展的重要支撑。The Yangtze river, 2023.\n"
    with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as fh:
        block = (line * 2000).encode("gb18030")
        for _ in range(megabytes * (1 << 20) // len(block) + 1):
            fh.write(block)
        path = fh.name
    size = Path(path).stat().st_size
    base = subprocess.run(
        [sys.executable, "-c", "import resource, textfix.decode, textfix.charsets; textfix.charsets._model();"
         "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", _RSS_CHILD, path], capture_output=True, text=True, check=True).stdout.split()
    Path(path).unlink()
    print(f"iter_decode: {size / 1e6:.0f} MB {out[0]} file, {int(out[1]):,} characters in {time.time() - t0:.1f} s; "
          f"peak RSS {out[2]} MB (baseline process with the model loaded: {base} MB)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fix-bytes", choices=("encoding", "all"), default=None,
                    help="measure textfix.fix_bytes with the charset passes (cjk-mojibake, lossy-bytes) "
                         "or every pass, instead of decode_bytes")
    ap.add_argument("--rss-mb", type=int, default=50, help="size of the streamed file (0: skip)")
    ap.add_argument("--list", action="store_true", help="list the files textfix gets wrong")
    args = ap.parse_args()
    if not dataset_files():
        sys.exit("char-dataset not found beside the checkout")
    evaluate(args.fix_bytes, args.list)
    if args.rss_mb:
        rss_check(args.rss_mb)


if __name__ == "__main__":
    main()
