"""What the world throws at the CLI: each case gets a clear one-line message,
the SPEC's exit code, and every input file stays byte-identical unless it was
repaired completely.

Exit codes (SPEC §2): ``check`` 0 clean / 1 found / 2 usage or I/O error;
``fix`` 0 nothing changed / 1 changed / 2 error.

Most cases run ``python -m textfix`` in a subprocess. A few conditions cannot
be produced reliably from outside the process (a file deleted between the
walk and the read, a disk that fills up while the temporary file is being
written, an unreadable file when the tests run as root, who ignores
permission bits); those call :func:`textfix.cli.main` in-process with the
failing system call patched, which runs the same code path.

The huge single-line file is 20 MB by default; ``TEXTFIX_SLOW=1`` makes it
the full 200 MB of the issue (several minutes with every pass on).
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import random
import signal
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

import textfix
from textfix import atomic, cli, router, scheduler, tasks

REPO = Path(__file__).resolve().parent.parent

CLEAN_ZH = "我们今天在北京召开会议，讨论经济发展的问题。与会代表一致认为，应当继续推进改革。\n"
CLEAN_ZH_HANT = "我們今天在北京召開會議，討論經濟發展的問題。與會代表一致認為，應當繼續推進改革。\n"
CLEAN_EN = "The committee met on Tuesday to discuss the budget for next year.\n"
MOJIBAKE = "The cafÃ© on the corner served a rÃ©sumÃ© of the dayâ€™s news.\n"
FIXED_MOJIBAKE = "The café on the corner served a résumé of the day’s news.\n"


# ---------------------------------------------------------------- helpers


def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None, timeout: float = 600, stdout=None):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200", "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "textfix", *args, "--color", "never", "--no-progress"],
        cwd=cwd,
        input=stdin,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        timeout=timeout,
    )


def run_json(*args: str, **kw) -> tuple[int, dict]:
    p = run(*args, "--format", "json", **kw)
    return p.returncode, json.loads(p.stdout.decode("utf-8"))


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every regular file under ``folder`` (links not followed)."""
    out = {}
    for dirpath, _dirs, names in os.walk(folder):
        for n in names:
            p = Path(dirpath, n)
            if p.is_file() and not p.is_symlink():
                out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def no_temp_files(folder: Path) -> None:
    left = [str(p) for p in folder.rglob(".textfix-*")]
    assert not left, f"temporary files left behind: {left}"


def one_line(message: str, *words: str) -> None:
    assert message and "\n" not in message.strip(), repr(message)
    for w in words:
        assert w.lower() in message.lower(), (w, message)


def by_path(report: dict) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in report["files"]}


def fixed_bytes(data: bytes) -> bytes:
    return textfix.fix_bytes(data).to_bytes()


# ---------------------------------------------------------------- binary


def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\x00" + b"".join(bytes([x * 16, y * 16, 128]) for x in range(16)) for y in range(16))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("inner.txt", MOJIBAKE * 20)  # text inside a zip is not ours to fix
    return buf.getvalue()


def _pdf() -> bytes:
    stream = zlib.compress(b"BT /F1 12 Tf 72 712 Td (caf\xc3\x83\xc2\xa9) Tj ET")
    return (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"3 0 obj << /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >> stream\n" + stream
        + b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def test_binary_files_are_skipped_with_a_note(tmp_path):
    (tmp_path / "image.png").write_bytes(_png())
    (tmp_path / "archive.zip").write_bytes(_zip())
    (tmp_path / "paper.pdf").write_bytes(_pdf())
    (tmp_path / "nul.bin").write_bytes(b"\x00" * 4096)
    before = snapshot(tmp_path)

    rc, report = run_json("check", str(tmp_path), "-j", "1")
    assert rc == 0, report  # nothing to fix, no error
    files_ = by_path(report)
    assert set(files_) == {"image.png", "archive.zip", "paper.pdf", "nul.bin"}
    for name, f in files_.items():
        assert f["status"] == "binary", (name, f)
        one_line(f["note"], "not text")
    assert "NUL" in files_["nul.bin"]["note"]

    # next to a damaged text file: the text is fixed, the binaries untouched
    (tmp_path / "page.txt").write_text(MOJIBAKE, encoding="utf-8")
    p = run("fix", str(tmp_path), "-j", "1")
    assert p.returncode == 1, p.stderr
    out = p.stdout.decode()
    assert "image.png  skipped (binary)" in out
    assert (tmp_path / "page.txt").read_text(encoding="utf-8") == FIXED_MOJIBAKE
    after = snapshot(tmp_path)
    after.pop("page.txt")
    assert after == before
    assert run("fix", str(tmp_path), "-j", "1").returncode == 0
    no_temp_files(tmp_path)


def test_binary_on_stdin_passes_through_untouched():
    data = _png()
    p = run("fix", "-", stdin=data)
    assert p.returncode == 0 and p.stdout == data


# ---------------------------------------------------------------- invalid and mixed bytes

BASE = (CLEAN_ZH * 3).encode("utf-8")


@pytest.mark.parametrize(
    "where,bad",
    [
        ("start", b"\xff"),
        ("middle", b"\xc0\xaf"),  # overlong '/'
        ("middle", b"\xed\xa0\x80"),  # an encoded surrogate
        ("end", b"\xe4\xbd"),  # a character cut in half at the end
        ("end", b"\xfe\xfe\xfe"),
    ],
)
def test_invalid_utf8_is_kept_byte_for_byte(tmp_path, where, bad):
    mid = len(BASE) // 2
    while BASE[mid] & 0xC0 == 0x80:  # a character boundary
        mid += 1
    data = {"start": bad + BASE, "middle": BASE[:mid] + bad + BASE[mid:], "end": BASE + bad}[where]
    f = tmp_path / "doc.txt"
    f.write_bytes(data)

    rc, report = run_json("check", str(f))
    assert rc == 1  # flagged: bytes that are not UTF-8
    flags = [x for x in report["files"][0]["findings"] if x["detail"] == "invalid-bytes"]
    assert flags and not flags[0]["applied"]
    one_line(flags[0]["message"], "not valid UTF-8", "kept")

    p = run("fix", str(f))
    assert p.returncode == 0, p.stdout.decode()  # nothing it could repair
    assert f.read_bytes() == data
    no_temp_files(tmp_path)


def test_invalid_bytes_survive_a_repair_elsewhere_in_the_file(tmp_path):
    data = (CLEAN_EN * 2).encode() + b"raw \xff\xfe bytes, " + "日本語のテキスト。中文。\n".encode() + MOJIBAKE.encode()
    f = tmp_path / "doc.txt"
    f.write_bytes(data)
    p = run("fix", str(f))
    assert p.returncode == 1, p.stdout.decode()
    out = f.read_bytes()
    assert b"raw \xff\xfe bytes, " in out  # kept exactly
    assert out.endswith(FIXED_MOJIBAKE.encode())
    assert run("fix", str(f)).returncode == 0


@pytest.mark.parametrize("legacy", ["gbk", "big5", "cp1252"])
def test_mixed_encodings_in_one_file(tmp_path, legacy):
    line = {"gbk": "这一行是用国标码写的。\n", "big5": "這一行是用大五碼寫的。\n", "cp1252": "Une ligne en français: café, déjà.\n"}[legacy]
    # A Big5 line sits in Traditional text (in a Simplified one, the variant
    # pass would rightly convert it once decoded).
    around = CLEAN_ZH_HANT if legacy == "big5" else CLEAN_ZH
    utf8_part = (around * 4).encode("utf-8")
    data = utf8_part + line.encode(legacy) + utf8_part
    f = tmp_path / "mixed.txt"
    f.write_bytes(data)

    rc, report = run_json("check", str(f))
    assert rc == 1, report  # found something: the foreign line
    p = run("fix", str(f))
    out = f.read_bytes()
    if p.returncode == 0:
        assert out == data  # kept as it was (flagged)
    else:
        assert p.returncode == 1
        assert out == utf8_part + line.encode("utf-8") + utf8_part  # repaired completely, nothing else touched
    assert run("fix", str(f)).returncode == 0


# ---------------------------------------------------------------- size


def _huge_line(path: Path, size: int) -> None:
    """One line of ``size`` bytes: base64-like data with words and CJK in it,
    the shape of a minified dump or a scraped page without line breaks."""
    rng = random.Random(200)
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    block = bytes(rng.choice(alphabet) for _ in range(1 << 16)) + " 数据 data ".encode()
    with open(path, "wb") as fh:
        written = 0
        while written < size:
            piece = block[: size - written]
            fh.write(piece)
            written += len(piece)


def test_huge_single_line_file(tmp_path):
    size = 200 * 1024**2 if os.environ.get("TEXTFIX_SLOW") == "1" else 20 * 1024**2
    f = tmp_path / "oneline.txt"
    _huge_line(f, size)
    digest = hashlib.sha256(f.read_bytes()).hexdigest()
    p = run("fix", str(f), timeout=3600)
    assert p.returncode == 0, (p.stdout.decode()[-2000:], p.stderr.decode()[-2000:])
    assert f.stat().st_size == size
    assert hashlib.sha256(f.read_bytes()).hexdigest() == digest
    no_temp_files(tmp_path)


def test_empty_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "also-empty.md").write_bytes(b"")
    rc, report = run_json("check", str(tmp_path), "-j", "1")
    assert rc == 0
    assert [f["status"] for f in report["files"]] == ["unchanged", "unchanged"]
    assert run("fix", str(tmp_path), "-j", "1").returncode == 0
    assert (tmp_path / "empty.txt").read_bytes() == b"" and (tmp_path / "sub" / "also-empty.md").read_bytes() == b""
    p = run("fix", "-", stdin=b"")
    assert p.returncode == 0 and p.stdout == b""


def test_a_folder_with_thousands_of_files(tmp_path):
    root = tmp_path / "corpus"
    damaged = set()
    for i in range(2000):
        sub = root / f"d{i // 100:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        if i % 200 == 7:
            text = f"Note {i}. " + MOJIBAKE
            damaged.add(f"d{i // 100:02d}/f{i:04d}.txt")
        elif i % 2:
            text = f"第{i}号文件。" + CLEAN_ZH
        else:
            text = f"File number {i}. " + CLEAN_EN
        (sub / f"f{i:04d}.txt").write_text(text, encoding="utf-8")
    before = snapshot(root)
    expected = {k: fixed_bytes((root / k).read_bytes()) for k in damaged}

    rc, report = run_json("check", str(root), "-j", "2")
    assert rc == 1
    assert report["summary"]["files"] == 2000
    assert {str(Path(f["path"]).relative_to(root)) for f in report["files"] if f["status"] == "changed"} == damaged
    assert snapshot(root) == before  # check writes nothing

    p = run("fix", str(root), "-j", "2", "-q")
    assert p.returncode == 1, p.stderr.decode()
    after = snapshot(root)
    for k in before:
        if k in damaged:
            assert (root / k).read_bytes() == expected[k]
        else:
            assert after[k] == before[k], k
    no_temp_files(root)


# ---------------------------------------------------------------- paths


def test_unreadable_file_in_process(tmp_path, monkeypatch, capsys):
    """As root (tests here run as root) permission bits stop nobody, so the
    read itself is made to fail with EACCES."""
    locked = tmp_path / "locked.txt"
    locked.write_text(MOJIBAKE, encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text(MOJIBAKE, encoding="utf-8")
    real_open = open

    def guarded_open(path, *a, **k):
        if os.fspath(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *a, **k)

    monkeypatch.setattr(tasks, "open", guarded_open, raising=False)
    rc = cli.main(["fix", str(tmp_path), "-j", "1", "--color", "never", "--no-progress"])
    out = capsys.readouterr().out
    assert rc == 2  # an I/O error outranks "changed"
    assert "locked.txt  error" in out
    line = out.split("locked.txt  error")[1].splitlines()[1]
    one_line(line, "cannot read", "permission denied")
    assert locked.read_text(encoding="utf-8") == MOJIBAKE
    assert other.read_text(encoding="utf-8") == FIXED_MOJIBAKE  # the rest of the run went on


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode bits")
def test_unreadable_file_chmod_000(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text(MOJIBAKE, encoding="utf-8")
    os.chmod(locked, 0)
    try:
        rc, report = run_json("fix", str(locked))
        assert rc == 2
        one_line(report["files"][0]["error"], "cannot read")
    finally:
        os.chmod(locked, 0o644)
    assert locked.read_text(encoding="utf-8") == MOJIBAKE


def test_special_files_do_not_hang_the_run(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "a.txt").write_text(CLEAN_EN, encoding="utf-8")
    # walked: a FIFO in a folder is not a file to repair
    rc, report = run_json("check", str(tmp_path), "-j", "1", timeout=60)
    assert rc == 0 and [Path(f["path"]).name for f in report["files"]] == ["a.txt"]
    # named explicitly: an error, not a hang
    rc, report = run_json("check", str(fifo), timeout=60)
    assert rc == 2
    one_line(report["files"][0]["error"], "not a regular file")


def test_symlink_loops_and_links(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "real.txt").write_text(MOJIBAKE, encoding="utf-8")
    (d / "clean.txt").write_text(CLEAN_EN, encoding="utf-8")
    (d / "x").symlink_to("y")
    (d / "y").symlink_to("x")
    (d / "self").symlink_to("self")
    (d / "up").symlink_to("..")  # a folder loop: never followed
    (d / "dangling").symlink_to("nowhere")
    (d / "link.txt").symlink_to("real.txt")

    rc, report = run_json("check", str(d), "-j", "1", timeout=60)
    assert rc == 2
    got = by_path(report)
    for name in ("x", "y", "self"):
        one_line(got[name]["error"], "symbolic link loop")
    one_line(got["dangling"]["error"], "broken symbolic link")
    assert got["real.txt"]["status"] == "changed" and got["clean.txt"]["status"] == "unchanged"

    p = run("fix", str(d), "-j", "1", "--backup", ".orig", timeout=60)
    assert p.returncode == 2
    # the repair went through the link: the link is still a link, the target is fixed
    assert (d / "link.txt").is_symlink() and os.readlink(d / "link.txt") == "real.txt"
    assert (d / "real.txt").read_text(encoding="utf-8") == FIXED_MOJIBAKE
    assert (d / "real.txt.orig").read_text(encoding="utf-8") == MOJIBAKE
    assert (d / "clean.txt").read_text(encoding="utf-8") == CLEAN_EN
    assert all((d / n).is_symlink() for n in ("x", "y", "self", "up", "dangling"))
    no_temp_files(d)


def test_missing_path(tmp_path):
    (tmp_path / "a.txt").write_text(MOJIBAKE, encoding="utf-8")
    rc, report = run_json("fix", str(tmp_path / "gone.txt"), str(tmp_path / "a.txt"))
    assert rc == 2
    got = by_path(report)
    one_line(got["gone.txt"]["error"], "no such file")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == FIXED_MOJIBAKE


def test_path_that_vanishes_mid_run(tmp_path, monkeypatch, capsys):
    """A file listed by the walk is deleted before textfix reads it; another
    is deleted after it was read and before it is written back."""
    for name in ("a.txt", "b.txt", "c.txt", "d.txt"):
        (tmp_path / name).write_text(MOJIBAKE, encoding="utf-8")
    real_collect = scheduler.collect

    def collect_then_delete(paths, exclude=(), **kw):
        items = list(real_collect(paths, exclude, **kw))
        os.unlink(tmp_path / "b.txt")
        yield from items

    real_write = router.atomic_write

    def delete_before_write(path, data, **kw):
        if os.path.basename(path) == "c.txt":
            os.unlink(path)
        return real_write(path, data, **kw)

    monkeypatch.setattr(scheduler, "collect", collect_then_delete)
    monkeypatch.setattr(router, "atomic_write", delete_before_write)
    rc = cli.main(["fix", str(tmp_path), "-j", "1", "--color", "never", "--no-progress", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert rc == 2
    got = by_path(report)
    one_line(got["b.txt"]["error"], "cannot read", "no such file")
    for name in ("a.txt", "d.txt"):
        assert got[name]["status"] == "changed"
        assert (tmp_path / name).read_text(encoding="utf-8") == FIXED_MOJIBAKE
    assert not (tmp_path / "b.txt").exists()
    # c.txt vanished between read and write: whatever lands there is the complete repair
    assert not (tmp_path / "c.txt").exists() or (tmp_path / "c.txt").read_text(encoding="utf-8") == FIXED_MOJIBAKE
    no_temp_files(tmp_path)


# ---------------------------------------------------------------- full disk


@pytest.mark.parametrize("failing", ["write", "fsync"])
def test_full_disk_while_writing_in_process(tmp_path, monkeypatch, capsys, failing):
    damaged = tmp_path / "a.txt"
    damaged.write_text(MOJIBAKE * 50, encoding="utf-8")
    original = damaged.read_bytes()

    def enospc(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    if failing == "fsync":
        monkeypatch.setattr(atomic.os, "fsync", enospc)
    else:
        real_fdopen = os.fdopen

        class FullDisk(io.RawIOBase):
            def __init__(self, fd):
                self._fh = real_fdopen(fd, "wb")

            def writable(self):
                return True

            def write(self, b):
                self._fh.write(bytes(b)[:100])  # a partial write, then the disk is full
                self._fh.flush()
                enospc()

            def fileno(self):
                return self._fh.fileno()

            def close(self):
                self._fh.close()
                super().close()

        monkeypatch.setattr(atomic.os, "fdopen", lambda fd, mode="r", *a, **k: FullDisk(fd))
    rc = cli.main(["fix", str(damaged), "--color", "never", "--no-progress"])
    out = capsys.readouterr().out
    assert rc == 2
    line = out.split("a.txt  error")[1].splitlines()[1]
    one_line(line, "no space left on device", "original is unchanged")
    assert damaged.read_bytes() == original
    no_temp_files(tmp_path)


def test_full_disk_on_a_real_small_filesystem(small_filesystem, fill_disk):
    mnt = small_filesystem
    damaged = mnt / "a.txt"
    damaged.write_text(MOJIBAKE * 1500, encoding="utf-8")  # ~100 KB
    fill_disk(mnt)  # the rest of the disk
    original = damaged.read_bytes()
    rc, report = run_json("fix", str(damaged))
    assert rc == 2
    one_line(report["files"][0]["error"], "no space left on device", "original is unchanged")
    assert damaged.read_bytes() == original
    no_temp_files(mnt)


def test_full_disk_on_stdout():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "wb") as full:
        p = run("fix", "-", stdin=MOJIBAKE.encode(), stdout=full)
    assert p.returncode == 2
    one_line(p.stderr.decode(), "cannot write", "no space left on device")
    assert b"Traceback" not in p.stderr


# ---------------------------------------------------------------- SIGINT


_SIGINT_N = 24  # files: few enough that each worker takes one at a time


def _children(pid: int) -> set[int]:
    """Pids of the live child processes of ``pid`` (Linux /proc)."""
    out = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            out.update(int(x) for x in task.read_text().split())
        except OSError:
            pass
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _interrupted_run(tmp_path, extra_args: list[str], rewritten_before_sigint: int,
                     sig: int = signal.SIGINT, group: bool = True, seen: dict | None = None):
    """``textfix fix`` on 24 mojibake files, Ctrl-C (SIGINT to the whole
    process group, as a terminal sends it) once ``rewritten_before_sigint``
    files were rewritten; ``sig``/``group``: another signal, or to the main
    process only (as ``timeout``, systemd or a CI runner send SIGTERM).
    ``seen`` gets the worker pids alive at the signal. Returns (folder,
    original bytes, process, stdout, stderr)."""
    lines = [f"Line {i}: the cafÃ© served {i * 7} rÃ©sumÃ©s and {i % 13} crÃªpes.\n" for i in range(1500)]
    content = "".join(lines).encode("utf-8")
    d = tmp_path / "d"
    d.mkdir()
    for i in range(_SIGINT_N):
        (d / f"f{i:02d}.txt").write_bytes(content)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "textfix", "fix", str(d), "--no-progress", *extra_args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
        # a child inherits an ignored SIGINT (pytest started in the background): restore the default
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            changed = sum((d / f"f{i:02d}.txt").stat().st_size != len(content) for i in range(_SIGINT_N))
            if changed >= rewritten_before_sigint:
                break
            time.sleep(0.005)
        if seen is not None:
            seen["children"] = _children(proc.pid)
        if group:
            os.killpg(proc.pid, sig)
        else:
            os.kill(proc.pid, sig)
        out, err = proc.communicate(timeout=60)  # orphans holding stdout would hang this
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    return d, content, proc, out.decode(), err.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigint_mid_run_leaves_every_file_whole(tmp_path, jobs):
    """Ctrl-C as soon as the first file has been rewritten: each file is
    either exactly as it was or completely repaired, and no temporary file
    is left."""
    d, content, proc, out, err = _interrupted_run(tmp_path, ["-j", jobs, "--color", "never"], 1)
    expected = fixed_bytes(content)
    assert expected != content
    states = [(d / f"f{i:02d}.txt").read_bytes() for i in range(_SIGINT_N)]
    assert all(s in (content, expected) for s in states), "a file was left half-written"
    done = sum(s == expected for s in states)
    assert 1 <= done < _SIGINT_N, "the interrupt should land mid-run"
    assert proc.returncode == 2, (out + err)[-2000:]
    assert "interrupted" in out + err
    assert "Traceback" not in err, err[-2000:]
    no_temp_files(d)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_with_workers_reports_every_file_it_repaired(tmp_path):
    """After Ctrl-C, the JSON summary lists every file that was rewritten:
    a repaired file must not go missing from the report."""
    d, content, _proc, out, _err = _interrupted_run(tmp_path, ["-j", "2", "--format", "json"], 3)
    rewritten = {f"f{i:02d}.txt" for i in range(_SIGINT_N) if (d / f"f{i:02d}.txt").read_bytes() != content}
    assert 3 <= len(rewritten) < _SIGINT_N, "the interrupt should land mid-run"
    report = json.loads(out)
    reported = {Path(f["path"]).name for f in report["files"] if f["status"] == "changed"}
    assert reported == rewritten


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals, /proc")
@pytest.mark.parametrize("sig,jobs", [(signal.SIGTERM, "2"), (signal.SIGHUP, "2"), (signal.SIGTERM, "1")])
def test_sigterm_and_sighup_stop_the_run_like_ctrl_c(tmp_path, sig, jobs):
    """SIGTERM or SIGHUP to the main process only: its workers are gone
    within seconds, nothing changes after textfix exits, every file is
    whole, no temporary file is left, the report says interrupted, exit 2."""
    seen: dict = {}
    d, content, proc, out, err = _interrupted_run(tmp_path, ["-j", jobs, "--color", "never"], 1, sig=sig,
                                                  group=False, seen=seen)
    assert proc.returncode == 2, (out + err)[-2000:]
    assert "interrupted" in out and "Traceback" not in err, (out + err)[-2000:]
    if jobs == "2":
        assert seen["children"], "the workers should have been running at the signal"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(p) for p in seen["children"]):
        time.sleep(0.05)
    assert not [p for p in seen["children"] if _alive(p)], "worker processes outlived textfix"
    at_exit = snapshot(d)
    expected = fixed_bytes(content)
    states = [(d / f"f{i:02d}.txt").read_bytes() for i in range(_SIGINT_N)]
    assert all(s in (content, expected) for s in states), "a file was left half-written"
    assert 1 <= sum(s == expected for s in states) < _SIGINT_N, "the signal should land mid-run"
    time.sleep(2)
    assert snapshot(d) == at_exit, "files changed after textfix exited"
    no_temp_files(d)
