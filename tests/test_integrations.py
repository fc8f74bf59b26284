"""Ray Data and datatrove integrations (skipped when the framework is not installed)."""

from __future__ import annotations

import json
import shutil

import pytest

import corpora
from textfix import Config, fix, fix_text
from textfix.cli import main


def _records() -> list[dict]:
    recs = []
    for prefix in ("000", "001", "003"):
        for i, p in enumerate(x for x in corpora.seed(prefix).split("\n") if x.strip()):
            recs.append({"id": f"{prefix}-{i}", "text": p, "n": i})
    recs.append({"id": "latin", "text": "Café crème — déjà vu.".encode("utf-8").decode("cp1252"), "n": 0})
    recs.append({"id": "none", "text": None, "n": 1})
    return recs


# -- datatrove -----------------------------------------------------------------


def test_datatrove_formatter():
    pytest.importorskip("datatrove")
    from datatrove.data import Document

    from textfix.integrations.datatrove import TextfixFormatter

    recs = [r for r in _records() if r["text"]]
    step = TextfixFormatter(findings_key="textfix")
    docs = list(step.run(iter(Document(text=r["text"], id=r["id"]) for r in recs)))
    assert [d.text for d in docs] == [fix_text(r["text"]) for r in recs]
    changed = sum(d.text != r["text"] for d, r in zip(docs, recs))
    assert changed >= 3
    assert step.stats["changed"].total == changed
    latin = docs[-1]
    assert latin.metadata["textfix"][0]["kind"] == "mojibake"


# -- Ray -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray")
    pytest.importorskip("pyarrow")
    from textfix.integrations.ray import ensure_ray

    started = not ray.is_initialized()
    ensure_ray(None, num_cpus=2)
    yield ray
    if started:
        ray.shutdown()


def test_ray_fix_dataset_matches_fix(ray_local):
    from textfix.integrations.ray import fix_dataset

    recs = _records()
    ds = ray_local.data.from_items(recs)
    out = fix_dataset(ds, "text", findings_column="tf", batch_size=32).take_all()
    by_id = {r["id"]: r for r in out}
    assert len(out) == len(recs)
    for r in recs:
        got = by_id[r["id"]]
        assert got["n"] == r["n"]
        if r["text"] is None:
            assert got["text"] is None and list(got["tf"]) == []
            continue
        result = fix(r["text"], Config())
        assert got["text"] == result.text
        assert [f["kind"] for f in got["tf"]] == [f.kind for f in result.findings]


def test_cli_ray_engine_equals_local_record_for_record(ray_local, tmp_path, monkeypatch):
    from textfix import router

    monkeypatch.setattr(router, "CHUNK_BYTES", 2000)  # several Ray tasks
    recs = _records()
    src = tmp_path / "local.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        fh.write("{not json}\n")
    other = tmp_path / "ray.jsonl"
    shutil.copy(src, other)
    assert main(["fix", str(src), "-q", "--no-progress", "--jobs", "1", "--findings-field", "tf"]) == 1
    assert main(["fix", str(other), "-q", "--no-progress", "--engine", "ray", "--findings-field", "tf"]) == 1
    local_lines = src.read_text(encoding="utf-8").splitlines()
    ray_lines = other.read_text(encoding="utf-8").splitlines()
    assert len(local_lines) == len(recs) + 1
    assert ray_lines == local_lines
    assert ray_lines[-1] == "{not json}"


def test_address_needs_ray_engine(capsys):
    assert main(["fix", "x.jsonl", "--address", "auto"]) == 2
    assert "--engine ray" in capsys.readouterr().err
