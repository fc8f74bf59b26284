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
