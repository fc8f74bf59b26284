"""Corpus mode: JSONL / JSONL.gz / Parquet records and streamed big text files."""

from __future__ import annotations

import gzip
import json
import os

import pytest

import corpora
from textfix import Config, fix_text
from textfix import router, scheduler, tasks
from textfix.cli import main
from textfix.job import Job
from textfix.scheduler import process_file


def _paragraphs() -> list[str]:
    """Real paragraphs: the damaged seed files, plus Latin mojibake made from them."""
    paras = []
    for prefix in ("000", "001", "003"):
        paras += [p for p in corpora.seed(prefix).split("\n") if p.strip()]
    latin = "Café crème, naïve façade — déjà vu."
    paras.append(latin.encode("utf-8").decode("cp1252"))
    paras.append("他说：“今天天气很好。”".encode("utf-8").decode("latin-1"))
    return paras


@pytest.fixture(scope="module")
def paragraphs():
    return _paragraphs()


def _write_jsonl(path, records, raw_lines=()):
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        for raw in raw_lines:
            fh.write(raw)


def test_jsonl_fix_keeps_fields_order_and_malformed(tmp_path, paragraphs):
    recs = [{"id": i, "text": p, "meta": {"score": 0.50, "tags": ["a"]}, "n": 10} for i, p in enumerate(paragraphs)]
    path = tmp_path / "c.jsonl"
    bad = ['{"id": "broken", "text": "x"\n', "[1, 2]\n", "\n", b"\xff\xfe bad utf-8\n".decode("latin-1")]
    _write_jsonl(path, recs, bad)
    original = path.read_bytes()
    code = main(["fix", str(path), "--no-progress", "-q", "--jobs", "1"])
    assert code == 1
    out_lines = path.read_bytes().split(b"\n")
    in_lines = original.split(b"\n")
    assert len(out_lines) == len(in_lines)  # nothing dropped, nothing added
    changed = 0
    for i, p in enumerate(paragraphs):
        rec = json.loads(out_lines[i])
        assert list(rec) == ["id", "text", "meta", "n"]
        assert rec["id"] == i and rec["meta"] == {"score": 0.5, "tags": ["a"]} and rec["n"] == 10
        assert rec["text"] == fix_text(p)
        if rec["text"] != p:
            changed += 1
        else:
            assert out_lines[i] == in_lines[i]  # untouched records: byte for byte
    assert changed >= 3
    # malformed lines (and the blank one) pass through unchanged
    assert out_lines[len(recs):] == in_lines[len(recs):]


def test_jsonl_check_reports_malformed_lines_and_writes_nothing(tmp_path, capsys, paragraphs):
    path = tmp_path / "c.jsonl"
    _write_jsonl(path, [{"text": paragraphs[0]}], ['{"text": oops}\n', '"just a string"\n'])
    before = path.read_bytes()
    code = main(["check", str(path), "--format", "json", "--no-progress"])
    data = json.loads(capsys.readouterr().out)
    assert path.read_bytes() == before
    stats = data["files"][0]["corpus"]
    assert [m["line"] for m in stats["malformed"]] == [2, 3]
    assert "line 2" in data["files"][0]["note"]
    assert stats["records"] == 3 and stats["changed_records"] == 1
    assert code == 1
    assert all(f["line"] == 1 for f in data["files"][0]["findings"])


def test_clean_jsonl_is_not_rewritten(tmp_path):
    path = tmp_path / "clean.jsonl"
    _write_jsonl(path, [{"text": "A perfectly ordinary sentence."}, {"text": "今天天气很好。"}, {"other": 1}])
    st = os.stat(path)
    assert main(["fix", str(path), "-q", "--no-progress"]) == 0
    st2 = os.stat(path)
    assert (st.st_ino, st.st_mtime_ns) == (st2.st_ino, st2.st_mtime_ns)


def test_findings_field_and_custom_field(tmp_path, paragraphs):
    path = tmp_path / "c.jsonl"
    _write_jsonl(path, [{"body": paragraphs[-2], "text": "not this one"}, {"body": "clean words"}])
    assert main(["fix", str(path), "--field", "body", "--findings-field", "textfix", "-q", "--no-progress"]) == 1
    a, b = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
    assert a["body"] == fix_text(paragraphs[-2]) and a["text"] == "not this one"
    assert a["textfix"] and a["textfix"][0]["kind"] == "mojibake" and a["textfix"][0]["applied"]
    assert list(a) == ["body", "text", "textfix"]
    assert b == {"body": "clean words", "textfix": []}


def test_splice_keeps_formatting():
    line = '{"n":1e5,"x":2.50,"text":"caf\\u00c3\\u00a9","z":[1, 2]}'
    out = tasks.splice_record(line, {"text": "café", "new": [1]})
    assert out == '{"n":1e5,"x":2.50,"text":"caf\\u00e9","z":[1, 2],"new":[1]}'
    line = '{"text": "x", "a": {"text": "inner"}}'
    assert tasks.splice_record(line, {"text": "y"}) == '{"text": "y", "a": {"text": "inner"}}'
    assert tasks.splice_record("{}", {"f": []}) == '{"f":[]}'


def test_jsonl_gz_roundtrip(tmp_path, paragraphs):
    path = tmp_path / "c.jsonl.gz"
    recs = [{"text": p} for p in paragraphs]
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    assert main(["fix", str(path), "-q", "--no-progress"]) == 1
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        got = [json.loads(x)["text"] for x in fh]
    assert got == [fix_text(p) for p in paragraphs]


def test_output_dir_and_backup(tmp_path, paragraphs):
    src = tmp_path / "in"
    src.mkdir()
    path = src / "c.jsonl"
    _write_jsonl(path, [{"text": p} for p in paragraphs[:5]])
    before = path.read_bytes()
    out = tmp_path / "out"
    main(["fix", str(src), "--output", str(out), "-q", "--no-progress"])
    assert path.read_bytes() == before
    assert (out / "c.jsonl").exists()
    main(["fix", str(path), "--backup", ".orig", "-q", "--no-progress"])
    assert (src / "c.jsonl.orig").read_bytes() == before
    assert path.read_bytes() == (out / "c.jsonl").read_bytes()


def test_failure_midway_leaves_original(tmp_path, monkeypatch, paragraphs):
    path = tmp_path / "c.jsonl"
    _write_jsonl(path, [{"text": p} for p in paragraphs] * 3)
    before = path.read_bytes()
    monkeypatch.setattr(router, "CHUNK_BYTES", 2000)
    real = tasks.jsonl_chunk
    calls = []

    def flaky(lines, first, spec, name=""):
        calls.append(first)
        if len(calls) == 3:
            raise RuntimeError("worker died")
        return real(lines, first, spec, name)

    monkeypatch.setattr(tasks, "jsonl_chunk", flaky)
    report = process_file(str(path), Job(mode="fix", config=Config(), write=True))
    assert report.status == "error" and "worker died" in report.error
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.jsonl"]  # no temporary left behind


def test_parallel_matches_serial_in_input_order(tmp_path, monkeypatch, paragraphs):
    monkeypatch.setattr(router, "CHUNK_BYTES", 3000)  # several chunks per file
    files = []
    for i in range(3):
        p = tmp_path / f"s{i}.jsonl"
        _write_jsonl(p, [{"i": i, "text": t} for t in paragraphs[i:] + paragraphs[:i]])
        files.append(str(p))
    plain = tmp_path / "page.txt"
    plain.write_text(paragraphs[-1] + "\n", encoding="utf-8")
    files.insert(1, str(plain))
    job = Job(mode="check", config=Config(), want_diff=True)
    serial = list(scheduler.process_files(files, [job] * len(files), jobs=1))
    parallel = list(scheduler.process_files(files, [job] * len(files), jobs=2))
    assert [r.path for r in parallel] == files
    assert [(r.status, r.findings, r.diff) for r in serial] == [(r.status, r.findings, r.diff) for r in parallel]
    assert serial[0].corpus["records"] == len(paragraphs)


def test_parquet(tmp_path, paragraphs):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    values = paragraphs + [None, "clean"]
    table = pa.table({"id": list(range(len(values))), "text": values, "w": [0.5] * len(values)})
    path = tmp_path / "c.parquet"
    pq.write_table(table, path, compression="zstd")
    assert main(["fix", str(path), "--findings-field", "tf", "-q", "--no-progress"]) == 1
    got = pq.read_table(path)
    assert got.column_names == ["id", "text", "w", "tf"]
    assert got.column("id").to_pylist() == list(range(len(values)))
    assert got.column("text").to_pylist() == [fix_text(v) if v is not None else None for v in values]
    tf = got.column("tf").to_pylist()
    assert tf[-1] == [] and tf[-2] == [] and any(tf)
    assert pq.ParquetFile(path).metadata.row_group(0).column(0).compression == "ZSTD"
    # a missing column is an error (exit 2), and the file is left alone
    before = path.read_bytes()
    assert main(["fix", str(path), "--field", "nope", "-q", "--no-progress"]) == 2
    assert path.read_bytes() == before


def test_cut_point_is_paragraph_aligned():
    text = ("line one\nline two\n\n" * 50) + "tail"
    cut = router._cut_point(text, 100)
    assert text[:cut].endswith("\n\n") and 50 <= cut <= 200
    no_blank = "a line\n" * 100
    cut = router._cut_point(no_blank, 100)
    assert no_blank[:cut].endswith("\n")
    crlf = "x" * 300
    assert router._cut_point(crlf, 100) == 200


def test_big_text_streams_in_chunks(tmp_path, monkeypatch, paragraphs):
    monkeypatch.setattr(router, "STREAM_BYTES", 10_000)
    monkeypatch.setattr(router, "STREAM_CHUNK_CHARS", 3_000)
    monkeypatch.setattr(router, "READ_BYTES", 4_096)
    # Latin mojibake (local damage) in real English paragraphs, and clean ones
    english = [p for p in corpora.seed("003").split("\n") if p.strip()]
    damaged = [p.replace("'", "’").replace(" - ", " — ").encode("utf-8").decode("cp1252") for p in english]
    body = "\n\n".join((english + damaged) * 6) + "\n"
    expected = fix_text(body)
    assert expected != body
    path = tmp_path / "big.txt"
    path.write_bytes(body.encode("utf-8"))
    report = process_file(str(path), Job(mode="fix", config=Config(), write=True, want_diff=True))
    assert report.status == "changed", report.error
    assert report.corpus["records"] > 3  # several chunks
    assert path.read_text(encoding="utf-8") == expected
    # the diff's hunks point at the right lines of the whole file
    first_hunk = next(x for x in report.diff.splitlines() if x.startswith("@@"))
    assert report.diff.count("--- a/") == 1 and first_hunk.startswith("@@ -")


def test_big_text_in_a_legacy_encoding_is_transcoded(tmp_path, monkeypatch):
    monkeypatch.setattr(router, "STREAM_BYTES", 10_000)
    monkeypatch.setattr(router, "STREAM_CHUNK_CHARS", 3_000)
    monkeypatch.setattr(router, "READ_BYTES", 4_096)
    text = corpora.expected("001")
    body = text * 6 + "結尾：𠀀囧\n"  # the tail holds characters GBK cannot encode
    path = tmp_path / "big.txt"
    path.write_bytes(body.encode("gb18030"))
    report = process_file(str(path), Job(mode="fix", config=Config(disable=("boilerplate",)), write=True))
    assert report.status == "changed", report.error
    assert report.findings[0]["kind"] == "encoding"
    out = path.read_text(encoding="utf-8")  # valid UTF-8 all through
    assert out.endswith("結尾：𠀀囧\n")


def test_symlinked_corpus_stays_a_link(tmp_path, paragraphs):
    real = tmp_path / "real.jsonl"
    _write_jsonl(real, [{"text": paragraphs[-2]}])
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    assert main(["fix", str(link), "-q", "--no-progress"]) == 1
    assert link.is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["text"] == fix_text(paragraphs[-2])


def test_streamed_text_only_flags_boilerplate(tmp_path, monkeypatch):
    """Chunk seams are not page ends: furniture judged by position is flagged,
    never removed, in a streamed file."""
    monkeypatch.setattr(router, "STREAM_BYTES", 10_000)
    monkeypatch.setattr(router, "STREAM_CHUNK_CHARS", 3_000)
    monkeypatch.setattr(router, "READ_BYTES", 4_096)
    page = corpora.seed("000")
    assert "推荐DIY文章" not in fix_text(page)  # as a single page it is removed
    body = "\n\n".join([page] * 4) + "\n"
    path = tmp_path / "big.txt"
    path.write_bytes(body.encode("utf-8"))
    report = process_file(str(path), Job(mode="fix", config=Config(), write=True))
    out = path.read_text(encoding="utf-8")
    assert out.count("推荐DIY文章") == 4
    assert report.corpus["flagged_by_kind"].get("boilerplate", 0) > 0


def test_jsonl_check_reports_what_fix_does(tmp_path, capsys, paragraphs):
    """check sends no repaired records back from its chunks; its report
    (counts, findings) is still the one fix makes."""
    recs = [{"text": p} for p in paragraphs[:6]] + [{"text": "Caf\u00c3\u00a9 au lait, fred@9to5mac. com"}]
    reports = {}
    for mode in ("check", "fix"):
        path = tmp_path / f"{mode}.jsonl"
        _write_jsonl(path, recs, [])
        main([mode, str(path), "--format", "json", "--no-progress"])
        file_report = json.loads(capsys.readouterr().out)["files"][0]
        reports[mode] = (file_report["corpus"], file_report["findings"])
    assert reports["check"] == reports["fix"]
    assert reports["check"][0]["changed_records"] >= 1
