"""fix_text is thread safe: eight threads on the mixed corpus, each table
built under contention in a new process (with the disk cache and without),
while another thread calls ftfy, give what serial calls give; and ftfy's
own answers are not changed by textfix running beside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Run in a new process: threads first (so the lazily built tables and
# patterns are built while eight threads ask for them), serial calls after.
_SCRIPT = r"""
import json, random, sys, threading
sys.path.insert(0, sys.argv[1])
import bench, ftfy, ftfy.badness
import textfix

clean, damaged = bench.build_corpus(2)
docs = [d for pair in zip(clean, damaged) for d in pair]
docs += [d.encode("utf-8").decode("latin-1") for d in clean[::3]]  # more for ftfy to repair
start = threading.Barrier(9)
got, ftfy_got, errors = {}, {}, []

def work(k):
    order = list(range(len(docs)))
    random.Random(k).shuffle(order)
    start.wait()
    try:
        for i in order:
            r = textfix.fix(docs[i])
            got.setdefault(i, set()).add((r.text, repr(r.findings)))
    except Exception as e:
        errors.append(repr(e))

seen_checks = set()

def other():
    start.wait()
    for _ in range(2):
        for i, d in enumerate(docs):
            ftfy_got.setdefault(i, set()).add(ftfy.fix_text(d))
            seen_checks.add(ftfy.is_bad)  # what ftfy's own module holds: never swapped

threads = [threading.Thread(target=work, args=(k,)) for k in range(8)] + [threading.Thread(target=other)]
for t in threads:
    t.start()
for t in threads:
    t.join()
serial = [textfix.fix(d) for d in docs]
out = {
    "docs": len(docs),
    "errors": errors,
    "changed": sum(r.text != d for r, d in zip(serial, docs)),
    "textfix_mismatch": [i for i, r in enumerate(serial) if got.get(i) != {(r.text, repr(r.findings))}],
    "ftfy_is_bad_swapped": any(f is not ftfy.badness.is_bad for f in seen_checks),
    "ftfy_mismatch": [i for i, d in enumerate(docs) if ftfy_got.get(i) != {ftfy.fix_text(d)}],
}
print(json.dumps(out))
"""


@pytest.mark.parametrize("cache", ["on", "off"])
def test_threads_give_serial_results(shared, tmp_path, cache):
    env = dict(os.environ, PYTHONPATH=str(REPO), TEXTFIX_CACHE_DIR=str(tmp_path / "cache") if cache == "on" else "")
    proc = subprocess.run([sys.executable, "-c", _SCRIPT, str(REPO / "scripts")], env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["errors"] == []
    assert out["docs"] >= 30 and out["changed"] >= 10  # damage was there to repair
    assert out["textfix_mismatch"] == [] and out["ftfy_mismatch"] == []
    assert not out["ftfy_is_bad_swapped"]
    if cache == "on":
        assert list((tmp_path / "cache").glob("*.marshal"))  # the tables were written while threads ran
