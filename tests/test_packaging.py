"""The package as pip installs it: the wheel's contents, its metadata, the
typing marker, and extras that hold what their integrations import.

The wheel is built once per session from a copy of the checkout (so no
``build/`` or ``*.egg-info`` lands in the work tree), without build
isolation: the test extra installs setuptools>=77, which the SPDX licence
expression needs.
"""

from __future__ import annotations

import email
import email.message
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _setuptools_version() -> tuple[int, ...]:
    try:
        import setuptools
    except ImportError:
        return (0,)
    return tuple(int(x) for x in re.findall(r"\d+", setuptools.__version__)[:2])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if _setuptools_version() < (77,):
        pytest.skip("building the wheel needs setuptools>=77 (pip install -e '.[test]' installs it)")
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "textfix", src / "textfix", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (whl,) = out.glob("textfix-*.whl")
    return whl


def _metadata(whl: Path) -> email.message.Message:
    with zipfile.ZipFile(whl) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(z.read(name))


def test_wheel_holds_every_module_data_file_marker_and_licence(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    tree = ROOT / "textfix"
    expected = {
        "textfix/" + p.relative_to(tree).as_posix()
        for p in tree.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
    }
    assert "textfix/py.typed" in expected
    assert any(n.startswith("textfix/data/") for n in expected)
    assert expected - names == set()  # every module, data file and py.typed
    licences = [n for n in names if re.search(r"\.dist-info/licenses/LICENSE$", n)]
    assert licences
    with zipfile.ZipFile(wheel) as z:
        assert z.read(licences[0]) == (ROOT / "LICENSE").read_bytes()


def test_wheel_metadata(wheel):
    meta = _metadata(wheel)
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get("License") is None  # the deprecated free-text field
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    assert not any(c.startswith("License ::") for c in classifiers)  # the expression replaces them
    assert f"Programming Language :: Python :: {sys.version_info[0]}.{sys.version_info[1]}" in classifiers
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert {"Documentation", "Source", "Issues"} <= set(urls)
    # The README's pre-commit snippet names the repository: the same one.
    repo = re.search(r"- repo: (\S+)", (ROOT / "README.md").read_text(encoding="utf-8")).group(1)
    assert urls["Source"] == repo
    extras = set(meta.get_all("Provides-Extra"))
    assert {"datatrove", "ray", "parquet", "test"} <= extras
    requires = meta.get_all("Requires-Dist")
    assert any(r.startswith("orjson") and 'extra == "datatrove"' in r for r in requires)
    with zipfile.ZipFile(wheel) as z:
        eps = next(n for n in z.namelist() if n.endswith("entry_points.txt"))
        assert "textfix = textfix.cli:main" in z.read(eps).decode()


_CLIENT = '''
from __future__ import annotations

import textfix
from textfix import Config, Finding, Result


def repair(raw: bytes, text: str) -> list[str]:
    result: Result = textfix.fix_bytes(raw, threshold=0.9)
    cleaned: str = textfix.fix_text(text, Config(report_threshold=0.6), to="hans")
    found: Result = textfix.analyze(cleaned, disable=("boilerplate",))
    first: Finding | None = found.findings[0] if found.findings else None
    edits: tuple[Finding, ...] = textfix.fix(text).edits
    return [f.kind for f in result.findings] + [cleaned] + [str(first)] + [e.message for e in edits]
'''


def _mypy(site: Path, client: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH")}
    env["PYTHONPATH"] = str(site)  # an installed package: mypy wants py.typed
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
         "--cache-dir", str(client.parent / ".mypy_cache"), str(client)],
        capture_output=True, text=True, cwd=client.parent, env=env, timeout=300,
    )


def test_installed_package_is_typed_for_mypy(wheel, tmp_path):
    """A strict client of the public API type-checks against the installed
    wheel; the same wheel without ``py.typed`` does not (import-untyped)."""
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install -e '.[test]')")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    client = tmp_path / "client" / "client.py"
    client.parent.mkdir()
    client.write_text(_CLIENT, encoding="utf-8")
    typed = _mypy(site, client)
    assert typed.returncode == 0, typed.stdout + typed.stderr
    # A misspelt override is a type error, not a silent no-op.
    client.write_text(_CLIENT.replace("threshold=0.9", "treshold=0.9"), encoding="utf-8")
    misspelt = _mypy(site, client)
    assert misspelt.returncode == 1 and "treshold" in misspelt.stdout
    client.write_text(_CLIENT, encoding="utf-8")
    (site / "textfix" / "py.typed").unlink()
    untyped = _mypy(site, client)
    assert untyped.returncode == 1 and "import-untyped" in untyped.stdout


def test_public_api_type_checks_strictly():
    """The modules behind the public API (textfix/__init__, config, model)
    have complete annotations (mypy --strict, their own code only)."""
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install -e '.[test]')")
    files = [str(ROOT / "textfix" / n) for n in ("__init__.py", "config.py", "model.py")]
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--follow-imports=silent", *files],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_overrides_typeddict_names_every_config_field():
    import dataclasses

    from textfix import Config, ConfigOverrides

    assert set(ConfigOverrides.__annotations__) == {f.name for f in dataclasses.fields(Config)}


def _requirement_names(reqs: list[str]) -> set[str]:
    return {re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in reqs}


def test_datatrove_extra_holds_what_its_readers_and_writers_import():
    """datatrove declares, per step, the modules it needs; the ``datatrove``
    extra installs them for the readers and writers of the formats textfix
    itself handles (JSONL and Parquet)."""
    pytest.importorskip("datatrove")
    from datatrove.pipeline.readers import JsonlReader, ParquetReader
    from datatrove.pipeline.writers import JsonlWriter, ParquetWriter

    extra = _requirement_names(PYPROJECT["project"]["optional-dependencies"]["datatrove"])
    assert "datatrove" in extra
    for step in (JsonlReader, JsonlWriter, ParquetReader, ParquetWriter):
        for dep in step._requires_dependencies:
            names = {d.lower() for d in (dep if isinstance(dep, tuple) else (dep,))}
            assert names & extra, f"{step.__name__} needs {dep}; not in the datatrove extra"


def test_every_integration_has_a_complete_extra():
    """Each integration module imports only the core dependencies and its
    extra's (the ray extra's pyarrow included: Ray Data's Arrow batches)."""
    extras = PYPROJECT["project"]["optional-dependencies"]
    core = _requirement_names(PYPROJECT["project"]["dependencies"])
    integrations = ROOT / "textfix" / "integrations"
    for module in sorted(integrations.glob("*.py")):
        if module.name == "__init__.py":
            continue
        text = module.read_text(encoding="utf-8")
        imported = set(re.findall(r"^\s*(?:from|import) ([a-zA-Z_]\w*)", text, re.M)) - {"__future__", "typing", "textfix"}
        third_party = {m.replace("_", "-") for m in imported if m not in sys.stdlib_module_names}
        extra = _requirement_names(extras[module.stem])
        assert third_party - core - extra == set(), module.name
