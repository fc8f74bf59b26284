"""Fuzz ``textfix.fix_bytes`` and ``textfix.fix_text`` (a script, not part of CI).

Each input is checked for the promises of docs/guarantees.md:

* ``fix_bytes`` never raises, and ``Result.to_bytes()`` works on what it
  returns (unless the input is binary);
* decoding is lossless: for UTF-8/16/32 input, the decoded text (with the
  invalid bytes kept as surrogate escapes) encodes back to the very bytes;
  for legacy charsets, the decoded text survives a round trip;
* fixing is idempotent at the byte level (what ``textfix fix`` writes,
  ``textfix fix`` leaves alone: the pre-commit hook passes on its second run);
* ``fix_text`` never raises on a str, is idempotent, never invents lone
  surrogates, and every finding has ``before == text[start:end]`` with
  offsets inside the input.

Passes run with ``Config(strict=True)`` so an exception inside a pass
surfaces instead of being logged and skipped.

Usage::

    python scripts/fuzz.py --seconds 600                  # atheris (libFuzzer)
    python scripts/fuzz.py --engine random --seconds 600  # no atheris needed
    python scripts/fuzz.py --replay crash-1234abcd        # re-run one input

Atheris writes a failing input as ``crash-<sha1>`` into ``--artifacts``
(default ``/tmp/textfix-fuzz``); the seed corpus (fixtures, a sample of the
clean corpora, hand-made damage) is written to ``<artifacts>/corpus``.
"""

from __future__ import annotations

import argparse
import codecs
import random
import sys
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

MAX_LEN = 4096
# Checks that can be switched off (--skip NAME) while a known failure is
# being fixed, so the fuzzer can look for new ones.
SKIP: set[str] = set()
_UTF_BOMS = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


def _import_textfix():
    import textfix
    import textfix.charsets  # noqa: F401
    import textfix.decode  # noqa: F401
    import textfix.pipeline  # noqa: F401
    import textfix.profile  # noqa: F401
    import textfix.textutil  # noqa: F401
    from textfix.passes import all_passes

    all_passes()
    return textfix


class PropertyFailure(AssertionError):
    pass


def _surrogates(text: str) -> set[str]:
    return {c for c in text if "\ud800" <= c <= "\udfff"}


def check_text(text: str, config) -> None:
    """The str properties: never raises, idempotent, sound findings."""
    from textfix import fix, fix_text

    result = fix(text, config)
    out = result.text
    if not isinstance(out, str):
        raise PropertyFailure(f"fix returned {type(out)}")
    for f in result.findings:
        if not (0 <= f.start <= f.end <= len(text)):
            raise PropertyFailure(f"finding {f.kind} offsets {f.start}-{f.end} outside input of length {len(text)}")
        if f.before != text[f.start : f.end]:
            raise PropertyFailure(f"finding {f.kind}: before {f.before!r} != text[{f.start}:{f.end}] {text[f.start:f.end]!r}")
    new = _surrogates(out) - _surrogates(text)
    if new:
        raise PropertyFailure(f"output has lone surrogates the input did not have: {sorted(new)!r}")
    if "text-idempotence" in SKIP:
        return
    again = fix_text(out, config)
    if again != out:
        raise PropertyFailure(f"not idempotent:\n  input  {text!r}\n  once   {out!r}\n  twice  {again!r}")


def check_bytes(data: bytes, config) -> None:
    """The bytes properties: never raises, lossless decode, idempotent write."""
    from textfix import fix_bytes
    from textfix.decode import decode_bytes

    decoded = decode_bytes(data)
    if not decoded.binary:
        enc = decoded.encoding
        if enc in _UTF_BOMS:
            bom = _UTF_BOMS[enc] if decoded.bom else b""
            errors = "surrogateescape" if enc == "utf-8" else "strict"
            if "lossless-decode" not in SKIP and bom + decoded.text.encode(enc, errors) != data:
                raise PropertyFailure(f"decode as {enc} is not lossless")
        else:
            try:
                if decoded.text.encode(enc).decode(enc) != decoded.text:
                    raise PropertyFailure(f"decoded {enc} text does not survive a round trip")
            except UnicodeError as exc:
                raise PropertyFailure(f"decoded {enc} text cannot be encoded back: {exc}") from None
    result = fix_bytes(data, config)
    if result.binary:
        if not decoded.binary:
            raise PropertyFailure("fix_bytes says binary, decode_bytes does not")
        return
    out = result.to_bytes()
    if "bytes-idempotence" in SKIP:
        check_text(result.original, config)
        return
    second = fix_bytes(out, config)
    if not second.binary and second.to_bytes() != out:  # binary: `fix` leaves it alone too
        raise PropertyFailure(
            f"fix is not idempotent on bytes:\n  once  {out[:300]!r}\n  twice {b'<binary>' if second.binary else second.to_bytes()[:300]!r}"
        )
    check_text(result.original, config)


def one_input(data: bytes, config) -> None:
    check_bytes(data, config)
    # The same bytes seen as text: realistic strings mutated from the seeds.
    check_text(data.decode("utf-8", "replace"), config)
    # Arbitrary code points (including lone surrogates and astral planes).
    if len(data) >= 2:
        step = 1 + data[0] % 4
        if step == 4:
            chars = [chr(int.from_bytes(data[i : i + 3], "little") % 0x110000) for i in range(1, len(data) - 2, 3)]
        else:
            chars = [chr(b if step == 1 else b + 0x3000 * (step - 1)) for b in data[1:]]
        check_text("".join(chars), config)


# ---------------------------------------------------------------- seeds


def _mojibake(text: str, enc: str) -> str:
    try:
        return text.encode("utf-8").decode(enc, "replace")
    except LookupError:
        return text


def seed_inputs() -> list[bytes]:
    """Seeds: the fixtures, a slice of every clean corpus, hand-made damage."""
    seeds: list[bytes] = []
    fixtures = REPO / "tests" / "fixtures"
    for p in sorted(fixtures.rglob("*")):
        if p.is_file():
            data = p.read_bytes()
            for i in range(0, min(len(data), 4 * MAX_LEN), MAX_LEN):
                seeds.append(data[i : i + MAX_LEN])
    try:
        import corpora

        for group in corpora.CLEAN_FOLDERS.values():
            for folder in group:
                for _name, text in corpora.clean_docs(folder, limit=3):
                    seeds.append(text[:1000].encode("utf-8"))
    except Exception:  # noqa: BLE001 - seeds are best effort
        pass
    samples = [
        "高級(jí)總監(jiān)處于一年多后,,他說,。好嗎,?是的,、對",
        "焦点播报:今天天气很好(资料图片仅供参考)\n关键词: 天气\n相关阅读\n第一篇\n",
        "Contact fred@9to5mac. com or visit Zalkon. com for synthetic intelligence and device learning.",
        "你好，世界！“引号”（括号）",
        "锟斤拷烫烫烫\ufffd\ufffd 文字?字",
        "cafÃ© â€œquotedâ€\x9d &amp; &#233; naïve",
    ]
    for s in samples:
        seeds.append(s.encode("utf-8"))
        for enc in ("gbk", "big5", "shift_jis", "euc-kr", "utf-16", "utf-16-be", "gb18030"):
            try:
                seeds.append(s.encode(enc))
            except UnicodeEncodeError:
                pass
        for enc in ("gbk", "cp1252", "latin-1", "big5"):
            seeds.append(_mojibake(s, enc).encode("utf-8", "surrogateescape"))
    seeds.append("中文 UTF-8 行\n".encode() + "中文 GBK 行\n".encode("gbk") + "又一行\n".encode())
    seeds += [b"", b"\x00" * 64, b"\x89PNG\r\n\x1a\n\x00\x00", b"\xff\xfe", b"\xef\xbb\xbf"]
    return [s for s in seeds if len(s) <= MAX_LEN]


def write_corpus(folder: Path) -> Path:
    import hashlib

    folder.mkdir(parents=True, exist_ok=True)
    for s in seed_inputs():
        (folder / hashlib.sha1(s).hexdigest()).write_bytes(s)
    return folder


# ---------------------------------------------------------------- engines


def run_atheris(seconds: int, artifacts: Path, extra: list[str]) -> int:
    import atheris

    with atheris.instrument_imports(include=["textfix"]):
        _import_textfix()
    from textfix import Config

    config = Config(strict=True)

    def test_one_input(data: bytes) -> None:
        one_input(data, config)

    corpus = write_corpus(artifacts / "corpus")
    argv = [
        sys.argv[0],
        str(corpus),
        f"-max_total_time={seconds}",
        f"-max_len={MAX_LEN}",
        "-timeout=60",
        "-rss_limit_mb=4096",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
        *extra,
    ]
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()
    return 0


def _mutate(rng: random.Random, data: bytes, seeds: list[bytes]) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(7)
        pos = rng.randint(0, len(b))
        if op == 0 and b:
            del b[pos : pos + rng.randint(1, 8)]
        elif op == 1:
            b[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
        elif op == 2 and b:
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        elif op == 3:
            other = rng.choice(seeds)
            if other:
                i = rng.randrange(len(other))
                b[pos:pos] = other[i : i + rng.randint(1, 64)]
        elif op == 4:
            b[pos:pos] = rng.choice(["，", ",,", ",。", "(jí)", "?", "\ufffd", "Ã©", "\r\n", ". com", "锟斤拷", "\u3000"]).encode()
        elif op == 5 and b:
            i = rng.randrange(len(b))
            b[i:i] = b[i : i + rng.randint(1, 32)]
        elif op == 6:
            enc = rng.choice(["gbk", "big5", "cp1252", "shift_jis"])
            b = bytearray(bytes(b).decode("utf-8", "ignore").encode(enc, "ignore"))
    return bytes(b[:MAX_LEN])


def run_random(seconds: int, artifacts: Path, seed: int) -> int:
    """A plain mutation fuzzer for when atheris is not available."""
    _import_textfix()
    from textfix import Config

    config = Config(strict=True)
    rng = random.Random(seed)
    seeds = seed_inputs()
    artifacts.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + seconds
    n = failures = 0
    while time.monotonic() < deadline:
        data = _mutate(rng, rng.choice(seeds), seeds)
        n += 1
        try:
            one_input(data, config)
        except Exception:  # noqa: BLE001 - every failure is a finding
            failures += 1
            import hashlib

            path = artifacts / f"crash-{hashlib.sha1(data).hexdigest()}"
            path.write_bytes(data)
            print(f"FAILURE #{failures}: {path}\n{traceback.format_exc()}", file=sys.stderr, flush=True)
    print(f"random fuzzer: {n} inputs in {seconds} s, {failures} failures", flush=True)
    return 1 if failures else 0


def replay(paths: list[str]) -> int:
    _import_textfix()
    from textfix import Config

    config = Config(strict=True)
    status = 0
    for p in paths:
        data = Path(p).read_bytes()
        try:
            one_input(data, config)
            print(f"{p}: ok")
        except Exception:  # noqa: BLE001
            status = 1
            print(f"{p}: FAILS\n  input {data!r}\n{traceback.format_exc()}")
    return status


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", choices=("atheris", "random"), default="atheris")
    ap.add_argument("--seconds", type=int, default=300)
    ap.add_argument("--artifacts", default="/tmp/textfix-fuzz")
    ap.add_argument("--seed", type=int, default=0, help="random engine seed")
    ap.add_argument("--replay", nargs="+", metavar="FILE", help="re-run saved inputs and show the failure")
    ap.add_argument("--skip", action="append", default=[], choices=("bytes-idempotence", "lossless-decode", "text-idempotence"),
                    help="switch off one check (a known failure) to look for others")
    args, extra = ap.parse_known_args(argv)
    SKIP.update(args.skip)
    artifacts = Path(args.artifacts)
    if args.replay:
        return replay(args.replay)
    if args.engine == "atheris":
        try:
            import atheris  # noqa: F401
        except ImportError:
            print("atheris is not installed; using the random engine", file=sys.stderr)
            args.engine = "random"
    if args.engine == "atheris":
        return run_atheris(args.seconds, artifacts, extra)
    return run_random(args.seconds, artifacts, args.seed)


if __name__ == "__main__":
    sys.exit(main())
