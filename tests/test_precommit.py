"""The pre-commit hooks of .pre-commit-hooks.yaml, proven in a real repository.

``pre-commit try-repo`` installs this checkout into a fresh virtualenv (pip,
from PyPI: about a minute) and runs a hook on a temporary git repository
holding damaged and clean files. The environment is built once, for the first
hook; the other runs reuse it.

try-repo needs a committed hook file, so the checkout's working tree
(tracked and untracked, not ignored, files) is copied into a temporary git
repository and committed there: the test sees exactly what is on disk.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent

CLEAN_ZH = "我们今天在北京召开会议，讨论经济发展的问题。与会代表一致认为，应当继续推进改革。\n"
CLEAN_EN = "The committee met on Tuesday to discuss the budget for next year.\n"
MOJIBAKE = "The cafÃ© on the corner served a rÃ©sumÃ© of the dayâ€™s news.\n"
FIXED_MOJIBAKE = "The café on the corner served a résumé of the day’s news.\n"
GBK_TEXT = "这是一个用国标码保存的文件，里面的中文应该被转成统一码。\n"
DAMAGED_ZH, FIXED_ZH = "他说:你好,世界", "他说：你好，世界"
# Structured files: only their prose may change (textfix.formats).
STRUCTURED = {
    "meta/info.json": '{\n  "title": "中文标题",\n  "n": 1,\n  "summary": "%s"\n}\n' % DAMAGED_ZH,
    "meta/people.csv": '姓名,城市,备注\r\n张三,北京,"%s"\r\n李四,上海,\r\n' % DAMAGED_ZH,
    "meta/keys.tsv": "key\tcount\n民主黨_(美國)\t3\n",
    "tests/test_fixture.py": 'BROKEN = "cafÃ©"  # deliberate mojibake\n',
    "docs/guide.md": "# 说明\n\n%s\n\n```python\nx = \"cafÃ©\", 1\n```\n\n用 `a,b:c` 调用。\n" % DAMAGED_ZH,
    "subs/film.srt": "1\n00:00:01,000 --> 00:00:04,000\n%s\n\n2\n00:00:05,000 --> 00:00:06,500\n好的。\n" % DAMAGED_ZH,
}


def test_hook_manifest():
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"textfix", "textfix-check"}
    assert hooks["textfix"]["entry"].split()[:2] == ["textfix", "fix"]
    assert hooks["textfix-check"]["entry"].split()[:2] == ["textfix", "check"]
    for h in hooks.values():
        assert h["language"] == "python" and h["types"] == ["text"]
        # code and configuration never reach textfix; every tag is one identify knows
        assert {"python", "javascript", "yaml", "toml", "shell"} <= set(h["exclude_types"])
        identify = pytest.importorskip("identify.identify")
        assert set(h["exclude_types"]) <= identify.ALL_TAGS
        assert not {"plain-text", "json", "csv", "tsv", "markdown", "html"} & set(h["exclude_types"])


def _git(*args: str, cwd: Path) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd),
    }
    r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode()


def _copy_checkout(dest: Path) -> Path:
    """The working tree as a one-commit git repository."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, timeout=60,
    )
    if listed.returncode != 0:
        pytest.skip("this checkout is not a git repository")
    dest.mkdir()
    for rel in filter(None, listed.stdout.decode().split("\0")):
        if rel.split("/")[0] == "shared":  # test data that CI may unpack inside the checkout
            continue
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    _git("init", "-q", cwd=dest)
    _git("add", "-A", cwd=dest)
    _git("commit", "-q", "-m", "snapshot of the working tree", cwd=dest)
    return dest


def _pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home / "cache"), "HOME": str(home), "PRE_COMMIT_COLOR": "never",
           "GIT_CONFIG_NOSYSTEM": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, capture_output=True, env=env, timeout=1200)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_hooks_in_a_real_repository(tmp_path):
    pytest.importorskip("pre_commit", reason="pre-commit is in the test extra")
    checkout = _copy_checkout(tmp_path / "textfix")
    home = tmp_path / "home"
    home.mkdir()

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _git("init", "-q", cwd=corpus)
    files = {
        "clean_zh.txt": CLEAN_ZH.encode("utf-8"),
        "clean_en.md": CLEAN_EN.encode("utf-8"),
        "docs/damaged.txt": (CLEAN_EN + MOJIBAKE).encode("utf-8"),
        "docs/gbk.txt": GBK_TEXT.encode("gbk"),
        "image.png": b"\x89PNG\r\n\x1a\n" + bytes(64),  # not text: pre-commit never hands it over
        **{rel: text.encode("utf-8") for rel, text in STRUCTURED.items()},
    }
    for rel, data in files.items():
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        (corpus / rel).write_bytes(data)
    _git("add", "-A", cwd=corpus)

    # textfix: repairs, fails because it changed files
    r = _pre_commit("try-repo", str(checkout), "textfix", "--all-files", cwd=corpus, home=home)
    out = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
    assert r.returncode == 1, out
    assert "textfix (repair damaged text)" in out and "Failed" in out and "files were modified by this hook" in out
    assert (corpus / "docs/damaged.txt").read_bytes() == (CLEAN_EN + FIXED_MOJIBAKE).encode("utf-8")
    assert (corpus / "docs/gbk.txt").read_bytes() == GBK_TEXT.encode("utf-8")
    for rel in ("clean_zh.txt", "clean_en.md", "image.png", "meta/keys.tsv", "tests/test_fixture.py"):
        assert (corpus / rel).read_bytes() == files[rel], rel
    # structured files: repaired inside their structure only
    after = {rel: (corpus / rel).read_bytes().decode("utf-8") for rel in STRUCTURED}
    for rel in ("meta/info.json", "meta/people.csv", "docs/guide.md", "subs/film.srt"):
        assert after[rel] == STRUCTURED[rel].replace(DAMAGED_ZH, FIXED_ZH), rel
    info = json.loads(after["meta/info.json"])
    assert info == {**json.loads(STRUCTURED["meta/info.json"]), "summary": FIXED_ZH}
    rows = list(csv.reader(io.StringIO(after["meta/people.csv"], newline="")))
    assert rows == [["姓名", "城市", "备注"], ["张三", "北京", FIXED_ZH], ["李四", "上海", ""]]
    assert '```python\nx = "cafÃ©", 1\n```' in after["docs/guide.md"] and "`a,b:c`" in after["docs/guide.md"]
    assert "00:00:01,000 --> 00:00:04,000\n" in after["subs/film.srt"]

    # second run: nothing left to do, the hook passes
    r = _pre_commit("try-repo", str(checkout), "textfix", "--all-files", cwd=corpus, home=home)
    out = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace")
    assert r.returncode == 0, out
    assert "Passed" in out

    # textfix-check: passes on the repaired repository, fails on new damage and changes nothing
    r = _pre_commit("try-repo", str(checkout), "textfix-check", "--all-files", cwd=corpus, home=home)
    assert r.returncode == 0, r.stdout.decode(errors="replace")
    (corpus / "new.txt").write_text(MOJIBAKE, encoding="utf-8")
    _git("add", "new.txt", cwd=corpus)
    r = _pre_commit("try-repo", str(checkout), "textfix-check", "--all-files", cwd=corpus, home=home)
    out = r.stdout.decode(errors="replace")
    assert r.returncode == 1, out
    assert "new.txt" in out and "would fix" in out
    assert (corpus / "new.txt").read_text(encoding="utf-8") == MOJIBAKE
