import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import corpora  # noqa: E402

from textfix import Config  # noqa: E402


@pytest.fixture(scope="session")
def shared():
    base = corpora.shared_dir()
    if base is None:
        pytest.skip("../shared (peer data) is not beside this checkout")
    return base


@pytest.fixture
def strict():
    """A config under which a failing pass raises instead of being skipped."""
    return Config(strict=True)


@pytest.fixture
def record_calls(monkeypatch):
    """``record_calls(module, name)``: replace ``module.name`` for the test
    with a wrapper that appends each call's first argument to the list it
    returns, then calls the real function."""

    def install(module, name):
        calls = []
        real = getattr(module, name)

        def spy(first, *args, **kwargs):
            calls.append(first)
            return real(first, *args, **kwargs)

        monkeypatch.setattr(module, name, spy)
        return calls

    return install


@pytest.fixture
def small_filesystem(tmp_path):
    """A 256 KB tmpfs mounted for the test (Linux, root), or a skip."""
    import os
    import subprocess

    mnt = tmp_path / "small"
    mnt.mkdir()
    mounted = False
    if sys.platform == "linux" and os.geteuid() == 0:
        try:
            r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True, timeout=30)
            mounted = r.returncode == 0
        except (OSError, subprocess.SubprocessError):
            pass
    if not mounted:
        pytest.skip("cannot mount a small tmpfs here (needs root on Linux); the in-process tests cover ENOSPC")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], capture_output=True, timeout=30)


@pytest.fixture
def fill_disk():
    """``fill_disk(folder)``: write zeros into ``folder`` until the disk is full."""
    import os

    def fill(folder):
        fd = os.open(folder / "filler.bin", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"\x00" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)

    return fill
