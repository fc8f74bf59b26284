"""The CLI through a subprocess: commands, exit codes, stdin, JSON, diff,
--output, --encoding, config files."""

import json
import os
import subprocess
import sys
from pathlib import Path

import corpora
import pytest

MOJIBAKE = "The cafÃ© was closed.\n"


def run(*args, cwd=None, stdin=None):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", "textfix", *args], cwd=cwd, input=stdin, capture_output=True, env=env, timeout=300
    )


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "clean.txt").write_text("Nothing to see here.\n", encoding="utf-8")
    (tmp_path / "sub" / "bad.txt").write_text(MOJIBAKE, encoding="utf-8")
    (tmp_path / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    return tmp_path


def test_stdin_to_stdout():
    p = run("fix", "-", stdin=b"caf\xc3\x83\xc2\xa9")
    assert p.stdout == "café".encode() and p.returncode == 1
    p = run("fix", "-", stdin=b"plain\n")
    assert p.stdout == b"plain\n" and p.returncode == 0


def test_check_exit_codes(tree):
    assert run("check", str(tree / "clean.txt")).returncode == 0
    p = run("check", str(tree))
    assert p.returncode == 1, p.stderr
    out = p.stdout.decode()
    assert "bad.txt" in out and "would fix" in out and "binary" in out
    assert run("check", str(tree / "missing.txt")).returncode == 2
    assert run("check", "--threshold", "7", str(tree)).returncode == 2
    assert run("check", "--disable", "no-such-pass", str(tree)).returncode == 2
    assert run("frobnicate", str(tree)).returncode == 2
    # check changes nothing
    assert (tree / "sub" / "bad.txt").read_text(encoding="utf-8") == MOJIBAKE


def test_fix_in_place_then_clean(tree):
    os.chmod(tree / "sub" / "bad.txt", 0o640)
    p = run("fix", str(tree))
    assert p.returncode == 1, p.stderr
    assert (tree / "sub" / "bad.txt").read_text(encoding="utf-8") == "The café was closed.\n"
    assert (tree / "sub" / "bad.txt").stat().st_mode & 0o777 == 0o640
    assert (tree / "img.png").read_bytes().startswith(b"\x89PNG")
    assert run("fix", str(tree)).returncode == 0  # second run: nothing left to do
    assert not list(tree.rglob(".textfix-*"))


def test_diff_writes_nothing(tree):
    p = run("fix", "--diff", "--color", "never", str(tree / "sub" / "bad.txt"))
    assert p.returncode == 1
    out = p.stdout.decode()
    assert "-The cafÃ© was closed." in out and "+The café was closed." in out
    assert (tree / "sub" / "bad.txt").read_text(encoding="utf-8") == MOJIBAKE


def test_output_dir_and_exclude(tree, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    p = run("fix", "--output", str(out), "--exclude", "*.png", str(tree))
    assert p.returncode == 1
    assert (out / "sub" / "bad.txt").read_text(encoding="utf-8") == "The café was closed.\n"
    assert (out / "clean.txt").exists() and not (out / "img.png").exists()
    assert (tree / "sub" / "bad.txt").read_text(encoding="utf-8") == MOJIBAKE


def test_json_report(tree):
    p = run("check", "--format", "json", str(tree))
    data = json.loads(p.stdout)
    assert data["version"] == 1 and data["summary"]["exit_code"] == 1 == p.returncode
    by_path = {Path(f["path"]).name: f for f in data["files"]}
    assert by_path["img.png"]["status"] == "binary"
    bad = by_path["bad.txt"]
    assert bad["status"] == "changed" and bad["findings"][0]["kind"] == "mojibake"
    f = bad["findings"][0]
    assert MOJIBAKE[f["start"] : f["end"]] == f["before"] == "Ã©" and f["after"] == "é"
    assert set(f) >= {"kind", "start", "end", "before", "after", "confidence", "message", "detail"}


def test_explain_shows_rule_and_context(tree):
    p = run("explain", "--color", "never", str(tree / "sub" / "bad.txt"))
    out = p.stdout.decode()
    assert p.returncode == 1 and "rule ftfy" in out and "[Ã©]" in out and "conf 0.95" in out


def test_encoding_option(tmp_path):
    f = tmp_path / "zh.txt"
    f.write_text("你好，世界。\n", encoding="utf-8")
    assert run("fix", "--encoding", "gbk", str(f)).returncode == 1
    assert f.read_bytes() == "你好，世界。\n".encode("gbk")
    # GBK input decodes back to the same text
    assert run("fix", str(f)).returncode == 1
    assert f.read_text(encoding="utf-8") == "你好，世界。\n"
    # a character latin-1 cannot hold: clear error, exit 2, file untouched
    p = run("fix", "--encoding", "latin-1", str(f))
    assert p.returncode == 2 and b"cannot write as latin-1" in p.stdout
    assert f.read_text(encoding="utf-8") == "你好，世界。\n"
    assert run("fix", "--encoding", "no-such-codec", str(f)).returncode == 2


def test_config_file_is_read_and_flags_override(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.textfix]\ndisable = ["mojibake"]\n', encoding="utf-8")
    f = tmp_path / "a.txt"
    f.write_text(MOJIBAKE, encoding="utf-8")
    assert run("check", "a.txt", cwd=tmp_path).returncode == 0  # pass disabled by config
    (tmp_path / "textfix.toml").write_text("threshold = 0.99\n", encoding="utf-8")
    p = run("check", "a.txt", cwd=tmp_path)  # textfix.toml wins; mojibake enabled, but only flagged
    assert p.returncode == 1
    assert run("fix", "a.txt", cwd=tmp_path).returncode == 0  # nothing at 0.99


def test_jobs_keep_input_order(tmp_path):
    names = [f"f{i:03d}.txt" for i in range(30)]
    for i, n in enumerate(names):
        (tmp_path / n).write_text(MOJIBAKE if i % 3 == 0 else "ok\n", encoding="utf-8")
    p = run("check", "--jobs", "2", "--format", "json", str(tmp_path))
    got = [Path(f["path"]).name for f in json.loads(p.stdout)["files"]]
    assert got == names


def test_main_job_on_seeds(tmp_path):
    """README's main job: check the bundled fixtures; profile per file."""
    p = run("check", "--format", "json", str(corpora.FIXTURES / "seeds"))
    files = {Path(f["path"]).name[:3]: f for f in json.loads(p.stdout)["files"]}
    assert files["000"]["profile"]["han_variant"] == "hans"
    assert files["001"]["profile"]["han_variant"] == "hant"
    assert files["003"]["profile"]["language"] == "en"
    assert all(f["encoding"] == "utf-8" for f in files.values())


_LOADED = (
    "import json, sys\n"
    "from textfix.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(json.dumps({'code': code, 'mods': [m for m in ('rich', 'multiprocessing', 'concurrent.futures') if m in sys.modules]}),"
    " file=sys.stderr)\n"
)


def _loaded(*args):
    proc = subprocess.run([sys.executable, "-c", _LOADED, *args], capture_output=True, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    return json.loads(proc.stderr.decode().strip().splitlines()[-1])


def test_start_up_loads_only_what_the_run_needs(tree):
    """One small file, default --jobs: no worker pool (multiprocessing is not
    even imported); a JSON report never loads rich; a text report does, and
    --jobs 2 on a folder starts workers."""
    bad = str(tree / "sub" / "bad.txt")
    json_run = _loaded("check", bad, "--format", "json", "--no-progress")
    assert json_run == {"code": 1, "mods": []}
    assert _loaded("check", bad, "--no-progress")["mods"] == ["rich"]
    assert "multiprocessing" in _loaded("check", str(tree), "--jobs", "2", "--format", "json", "--no-progress")["mods"]
