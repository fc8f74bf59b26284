"""Benchmark: textfix against ftfy, where the time goes, memory, parallelism.

    .venv/bin/python scripts/bench.py                 # speed + per-pass share + 200 MB RSS + --jobs 2 vs 1
    .venv/bin/python scripts/bench.py --quick         # speed and per-pass share only
    .venv/bin/python scripts/bench.py --huge          # also the 2 GB JSONL file (slow; needs ~2.5 GB in /tmp)
    .venv/bin/python scripts/bench.py --only cli      # CLI start-up vs ftfy's CLI; 1,000 files --jobs 2 vs 1
    .venv/bin/python scripts/bench.py --scaling       # per-character cost at 100 k vs 1 M characters, each shape

The corpus: every clean corpus in ``../shared/peer-data/clean`` (up to
``--docs`` documents per folder) plus one damaged copy of each document,
damaged the way the web damages text: Chinese punctuation flattened to ASCII
(NFKC), tone-marked pinyin injected after characters, injected comma runs,
simplified residue in Traditional text, SEO prefixes and captions, Latin
mojibake (UTF-8 read as Windows-1252), UTF-8 read as GBK, spaces injected
into domains, tortured phrases (PPS list) in English.

Speed is the UTF-8 size of the documents over the CPU time of calling
``textfix.fix_text`` (all passes on, default settings) and ``ftfy.fix_text``
(defaults, the anchor of corpus pipelines) on each, in one process, on the
same documents, in interleaved rounds (A, B, B, A, ...): the ratio of each
round, printed as the median and range, for the mixed corpus, the clean
English and clean Chinese documents, and the Chinese documents with a
paragraph of UTF-8 read as GBK (each against its goal).

``--scaling``: each damage shape at 100 k and 1 M characters (the large
document against its own slices), the per-character cost ratio.

The CLI: ``textfix check FILE`` against ``ftfy FILE`` on one small file
(wall time, interleaved), and ``textfix check`` over 1,000 small files with
``--jobs 2`` against ``--jobs 1``.

Peak RSS: ``textfix check FILE.jsonl --jobs 1`` in a subprocess (its
``ru_maxrss``); with ``--jobs 2`` the sum over the process tree, sampled.
The JSONL file repeats the clean documents and every 10th damaged copy
(``--rss-damaged-every``), shuffled, until it reaches ``--rss-mb``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import corpora  # noqa: E402

FOLDERS = ["news_zh_xwlb", "wiki_zh_drcd_hant", "ud_zh_gsd_hant", "ud_zh_gsdsimp_hans", "ud_zh_hk_hant",
           "ud_zh_cfl_hans", "news_en_bbc", "ud_en_ewt"]
ZH_PUNCT = "，：；？！（）"


# ---------------------------------------------------------------- damage


def _flatten_punct(doc: str, rng: random.Random) -> str:
    return unicodedata.normalize("NFKC", doc)


def _inject_pinyin(doc: str, rng: random.Random) -> str:
    from pypinyin import Style, pinyin

    out = []
    for ch in doc:
        out.append(ch)
        if "\u4e00" <= ch <= "\u9fff" and rng.random() < 0.04:
            out.append(f"({pinyin(ch, style=Style.TONE)[0][0]})")
    return "".join(out)


def _comma_runs(doc: str, rng: random.Random) -> str:
    return "".join(ch + ("," if ch in "，。" and rng.random() < 0.3 else "") for ch in doc)


def _residue(doc: str, rng: random.Random) -> str:
    from textfix.resources import opencc

    paras = doc.split("\n")
    for i, p in enumerate(paras):
        if rng.random() < 0.3:
            paras[i] = opencc("t2s").convert(p)
    return "\n".join(paras)


def _seo(doc: str, rng: random.Random) -> str:
    prefix = rng.choice(["焦点播报:", "【全球聚看点】", "世界快资讯丨", "天天热门:"])
    return prefix + doc.replace("\n\n", "\n\n(资料图片仅供参考)\n\n", 1)


def _gbk_mojibake(doc: str, rng: random.Random) -> str:
    paras = doc.split("\n")
    i = rng.randrange(len(paras))
    paras[i] = paras[i].encode("utf-8").decode("gbk", errors="replace")
    return "\n".join(paras)


def _latin_mojibake(doc: str, rng: random.Random) -> str:
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)

    return doc.encode("utf-8").decode("sloppy-windows-1252")


def _broken_links(doc: str, rng: random.Random) -> str:
    return doc + "\n\nMore at www.example. com or mail news@example. org\n"


_PPS: dict[str, str] | None = None


def _tortured(doc: str, rng: random.Random) -> str:
    global _PPS
    if _PPS is None:
        _PPS = {}
        path = corpora.peer_data("tortured-phrases/pps_pairs_flat.json")
        if path:
            for row in json.loads(path.read_text(encoding="utf-8"))["phrases"]:
                c, t = row["correct"].strip(), row["tortured"].strip()
                if " " in c and c.islower():
                    _PPS.setdefault(c, t)
    out = doc
    hits = [c for c in _PPS if c in doc]
    for c in rng.sample(hits, min(3, len(hits))):
        out = out.replace(c, _PPS[c], 1)
    if "smart" not in out:
        out = out.replace("artificial intelligence", "synthetic intelligence", 1)
    return out


def _english_quotes(doc: str, rng: random.Random) -> str:
    return _latin_mojibake(doc.replace("'", "\u2019"), rng)


ZH_DAMAGE = [_flatten_punct, _inject_pinyin, _comma_runs, _seo, _gbk_mojibake]
HANT_DAMAGE = ZH_DAMAGE + [_residue]
EN_DAMAGE = [_latin_mojibake, _english_quotes, _broken_links, _tortured]


def damaged_copy(doc: str, folder: str, rng: random.Random) -> tuple[str, list[str]]:
    pool = EN_DAMAGE if "_en_" in folder else HANT_DAMAGE if "hant" in folder else ZH_DAMAGE
    kinds = rng.sample(pool, rng.choice([1, 2]))
    for k in kinds:
        doc = k(doc, rng)
    return doc, [k.__name__.strip("_") for k in kinds]


def build_corpus(docs_per_folder: int, seed: int = 7, with_folders: bool = False):
    """``(clean, damaged)`` documents (and, ``with_folders``, the folder of each)."""
    rng = random.Random(seed)
    clean, damaged, folders = [], [], []
    for folder in FOLDERS:
        for _name, text in corpora.clean_docs(folder, docs_per_folder):
            if not text.strip():
                continue
            clean.append(text)
            damaged.append(damaged_copy(text, folder, rng)[0])
            folders.append(folder)
    return (clean, damaged, folders) if with_folders else (clean, damaged)


# ---------------------------------------------------------------- timing


def mb(docs) -> float:
    return sum(len(d.encode("utf-8", "surrogatepass")) for d in docs) / 1e6


def cpu_time(fn, docs) -> float:
    """CPU seconds of this process (``time.process_time``) for ``fn`` on
    every document: on a shared machine, wall time also counts the other
    processes' turns on the core."""
    gc.collect()
    t = time.process_time()
    for d in docs:
        fn(d)
    return time.process_time() - t


# name -> (goal: textfix at least this many times ftfy's speed)
GOALS = {"clean English": 2.0, "clean Chinese": 4.0, "mixed": 1.5, "lossy UTF-8-as-GBK": 0.5}


def speed_groups(clean: list[str], damaged: list[str], folders: list[str]) -> dict[str, list[str]]:
    """The documents of each speed goal. ``folders[i]`` is the source of
    ``clean[i]`` (and of ``damaged[i]``)."""
    rng = random.Random(13)
    zh = [d for d, f in zip(clean, folders) if "_zh_" in f]
    return {
        "mixed": [d for pair in zip(clean, damaged) for d in pair],
        "clean English": [d for d, f in zip(clean, folders) if "_en_" in f],
        "clean Chinese": zh,
        "lossy UTF-8-as-GBK": [_gbk_mojibake(d, rng) for d in zh],
    }


def speed(groups: dict[str, list[str]], rounds: int) -> dict:
    """``textfix.fix_text`` against ``ftfy.fix_text`` on each group, in
    interleaved rounds (ftfy, textfix, ftfy, textfix ...; the first of each
    pair alternates), so a change of load on the machine hits both: the
    ratio of each round, its median and range."""
    import ftfy

    import textfix

    for docs in groups.values():  # warm-up: every lazily built table, every regex
        for d in docs:
            textfix.fix_text(d)
            ftfy.fix_text(d)
    res = {}
    for name, docs in groups.items():
        t_ftfy, t_tf = [], []
        for k in range(rounds):
            pair = [(t_ftfy, ftfy.fix_text), (t_tf, textfix.fix_text)]
            for out, fn in pair if k % 2 == 0 else pair[::-1]:
                out.append(cpu_time(fn, docs))
        ratios = sorted(a / b for a, b in zip(t_ftfy, t_tf))
        size = mb(docs)
        res[name] = {"docs": len(docs), "MB": round(size, 2), "ftfy_MBps": round(size / statistics.median(t_ftfy), 3),
                     "textfix_MBps": round(size / statistics.median(t_tf), 3), "ratio": round(statistics.median(ratios), 2),
                     "ratio_range": (round(ratios[0], 2), round(ratios[-1], 2)), "goal": GOALS.get(name)}
    return res


def pass_share(docs) -> list[tuple[str, float]]:
    """Wall-time share of each pass's gate and detect, the profile, the rest."""
    import textfix
    import textfix.pipeline as pl
    from textfix.passes import all_passes

    spent: dict[str, float] = defaultdict(float)
    restore = []
    for p in all_passes():
        for meth in ("gate", "detect"):
            orig = getattr(p, meth)

            def timed(*a, _f=orig, _k=f"{p.kind} {meth}", **kw):
                t = time.process_time()
                try:
                    return _f(*a, **kw)
                finally:
                    spent[_k] += time.process_time() - t

            setattr(p, meth, timed)
            restore.append((p, meth))
    orig_profile = pl.build_profile

    def timed_profile(text):
        t = time.process_time()
        try:
            return orig_profile(text)
        finally:
            spent["profile"] += time.process_time() - t

    pl.build_profile = timed_profile
    try:
        t = time.process_time()
        for d in docs:
            textfix.fix_text(d)
        total = time.process_time() - t  
    finally:
        pl.build_profile = orig_profile
        for p, meth in restore:
            delattr(p, meth)  # back to the class's method
    spent["pipeline (apply edits, offsets)"] = total - sum(spent.values())
    return sorted(((k, v / total) for k, v in spent.items()), key=lambda kv: -kv[1])


# ---------------------------------------------------------------- scaling


def _qmark_han(doc: str, rng: random.Random) -> str:
    """A lossy conversion to GBK: some Han characters became '?' (or '??',
    the two bytes a converter could not map)."""
    return "".join(rng.choice(("?", "??")) if "\u4e00" <= ch <= "\u9fff" and rng.random() < 0.05 else ch
                   for ch in doc)


def _whole_gbk(doc: str, rng: random.Random) -> str:
    return doc.encode("utf-8").decode("gbk", errors="replace")


def _cjk_mojibake_para(doc: str, rng: random.Random) -> str:
    return _gbk_mojibake(doc, rng)


def _random_zh_damage(doc: str, rng: random.Random) -> str:
    return damaged_copy(doc, "news_zh_xwlb", rng)[0]


# shape -> (source folders, damage applied to each document or None)
SHAPES = {
    "clean Chinese": (["news_zh_xwlb", "ud_zh_gsdsimp_hans"], None),
    "damaged Chinese": (["news_zh_xwlb"], _random_zh_damage),
    "English prose": (["news_en_bbc", "ud_en_ewt"], None),
    "Latin mojibake": (["news_en_bbc"], _latin_mojibake),
    "spun English": (["news_en_bbc"], _tortured),
    "lossy GBK": (["news_zh_xwlb"], _whole_gbk),
    "CJK mojibake paragraph": (["news_zh_xwlb"], _cjk_mojibake_para),
    "'?' between Han": (["news_zh_xwlb"], _qmark_han),
    "ASCII punct by Han": (["news_zh_xwlb"], _flatten_punct),
    "Simplified+Traditional": (["wiki_zh_drcd_hant"], _residue),
}


def shape_text(shape: str, chars: int, seed: int = 11) -> str:
    """One document of about ``chars`` characters of ``shape``: source
    documents (each damaged on its own) joined by blank lines, cut at a
    document boundary."""
    folders, damage = SHAPES[shape]
    rng = random.Random(seed)
    parts, size = [], 0
    while size < chars:
        for folder in folders:
            for _name, doc in corpora.clean_docs(folder):
                if not doc.strip():
                    continue
                if damage is not None:
                    doc = damage(doc, rng)
                parts.append(doc)
                size += len(doc) + 2
                if size >= chars:
                    return "\n\n".join(parts)[:chars]
    return "\n\n".join(parts)[:chars]


def _cpu(fn, text: str) -> float:
    gc.collect()
    t = time.process_time()
    fn(text)
    return time.process_time() - t


def scaling(shapes, small: int, large: int, rounds: int) -> list[dict]:
    """Per-character CPU cost of ``fix_text`` on a ``large`` document over
    that on its ``small`` slices (1.0: linear). The small documents are the
    consecutive slices of the large one, so both sides hold the same text
    and the same damage; only the length of one call differs. Rounds
    interleave (every slice, then the whole, then every slice ...), so both
    see the same load; the slices are run once untimed first (tables,
    patterns: they hold the whole document's text). The ratio is the median over rounds, with its range."""
    import textfix

    rows = []
    for shape in shapes:
        big = shape_text(shape, large)
        slices = [big[i : i + small] for i in range(0, len(big), small)]
        for doc in slices:  # warm-up: the slices hold the same text, so they build every table it needs
            textfix.fix_text(doc)
        t_small, t_large = [], []
        for _ in range(rounds):
            t_small.append(sum(_cpu(textfix.fix_text, d) for d in slices))
            t_large.append(_cpu(textfix.fix_text, big))
        ratios = sorted(tl / ts for tl, ts in zip(t_large, t_small))
        n = len(big)
        rows.append({"shape": shape, "small_chars": small, "large_chars": n,
                     "small_us_per_kchar": round(statistics.median(t_small) / n * 1e9, 1),
                     "large_us_per_kchar": round(statistics.median(t_large) / n * 1e9, 1),
                     "ratio": round(statistics.median(ratios), 2), "ratio_range": (round(ratios[0], 2), round(ratios[-1], 2))})
        r = rows[-1]
        print(f"  {shape:26}{r['small_us_per_kchar']:>10}{r['large_us_per_kchar']:>10}{r['ratio']:>8.2f}"
              f"  ({r['ratio_range'][0]}-{r['ratio_range'][1]})", flush=True)
    return rows


# ---------------------------------------------------------------- files


def write_jsonl(path: Path, docs: list[str], target_bytes: int) -> int:
    written = 0
    i = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < target_bytes:
            for d in docs:
                line = json.dumps({"id": i, "text": d, "source": "bench"}, ensure_ascii=False) + "\n"
                fh.write(line)
                written += len(line.encode("utf-8", "surrogatepass"))
                i += 1
                if written >= target_bytes:
                    break
    return written


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (from /proc)."""
    total = 0
    children: dict[int, list[int]] = defaultdict(list)
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ppid = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            children[ppid].append(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    stack = [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, ()))
    return total


def run_cli(args: list[str]) -> tuple[float, float, float]:
    """(wall seconds, ru_maxrss MB of the biggest process, peak tree RSS MB)."""
    t = time.perf_counter()
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "textfix", *args, "--no-progress", "-q", "--format", "json"],
                            stdout=subprocess.DEVNULL, stderr=err, cwd=str(REPO))
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)  # this child's own rusage
        if pid:
            break
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code not in (0, 1):
        err.seek(0)
        raise SystemExit(f"textfix {' '.join(args)} failed ({code}): {err.read().decode(errors='replace')[-2000:]}")
    run_cli.cpu = usage.ru_utime + usage.ru_stime  # the process and the workers it reaped
    return wall, usage.ru_maxrss / 1024, peak / 1e6


def rss(docs: list[str], size_mb: int, tmp: Path, jobs_list=(1, 2), extra: list[str] = ()) -> list[dict]:
    path = tmp / f"corpus_{size_mb}mb.jsonl"
    written = write_jsonl(path, docs, size_mb * 10**6)
    out = []
    for jobs in jobs_list:
        wall, maxrss, tree = run_cli(["check", str(path), "--jobs", str(jobs), *extra])
        out.append({"file_MB": round(written / 1e6), "jobs": jobs, "seconds": round(wall, 1),
                    "MBps": round(written / 1e6 / wall, 2), "max_process_rss_MB": round(maxrss),
                    "peak_tree_rss_MB": round(tree)})
    path.unlink()
    return out


def _jobs_run(docs: list[str], folder: Path, shards: int, shard_mb: float) -> dict:
    """``textfix check FOLDER --jobs 1`` and ``--jobs 2`` on ``shards`` JSONL
    files of ``shard_mb`` each: wall and CPU seconds."""
    folder.mkdir()
    rng = random.Random(3)
    for i in range(shards):
        sample = docs[:]
        rng.shuffle(sample)
        write_jsonl(folder / f"shard_{i:03}.jsonl", sample, int(shard_mb * 1e6))
    size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    t1 = run_cli(["check", str(folder), "--jobs", "1"])[0]
    cpu1 = run_cli.cpu
    t2 = run_cli(["check", str(folder), "--jobs", "2"])[0]
    cpu2 = run_cli.cpu
    shutil.rmtree(folder)
    return {"files": shards, "MB": round(size, 1), "jobs1_s": round(t1, 2), "jobs2_s": round(t2, 2),
            "jobs1_MBps": round(size / t1, 2), "jobs2_MBps": round(size / t2, 2), "speedup": round(t1 / t2, 2),
            "jobs1_cpu_s": round(cpu1, 1), "jobs2_cpu_s": round(cpu2, 1), "cpu_overhead": round(cpu2 / cpu1 - 1, 3)}


def jobs_speedup(docs: list[str], tmp: Path, shards: int, shard_mb: float) -> dict:
    """--jobs 2 against --jobs 1 on a corpus and on one four times its size.

    Each run starts Python, imports textfix and loads its tables in every
    process (about a second in all) before it reaches full speed: on a small
    corpus that fixed start is a real share of the time. The marginal
    throughput (the extra megabytes over the extra seconds between the two
    sizes) is the rate a long corpus run settles at; the fixed start is what
    the small run took beyond that rate. On a busy machine the wall-clock
    ratio mostly measures the other load; the CPU seconds show what
    parallelism costs (pickling, the reader)."""
    load = os.getloadavg()[0]
    small = _jobs_run(docs, tmp / "shards_small", shards, shard_mb)
    large = _jobs_run(docs, tmp / "shards_large", shards, 4 * shard_mb)
    extra_mb = large["MB"] - small["MB"]
    marginal = {j: extra_mb / max(1e-9, large[f"jobs{j}_s"] - small[f"jobs{j}_s"]) for j in (1, 2)}
    return {"small": small, "large": large, "load_average": round(load, 1),
            "marginal_jobs1_MBps": round(marginal[1], 2), "marginal_jobs2_MBps": round(marginal[2], 2),
            "marginal_speedup": round(marginal[2] / marginal[1], 2),
            "fixed_start_s": {j: round(small[f"jobs{j}_s"] - small["MB"] / marginal[j], 2) for j in (1, 2)}}


# Start-up is measured as an installed package runs: with its bytecode
# cached (the first, untimed run writes it), as ftfy's is in site-packages.
_CLI_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=str(REPO), env=_CLI_ENV)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-2000:]}")
    return time.perf_counter() - t


def cli_start(doc: str, tmp: Path, rounds: int) -> dict:
    """Wall time of ``textfix check FILE`` against ``ftfy FILE`` on one
    small file, interleaved (the table cache warm, as after a first run)."""
    path = tmp / "small.txt"
    path.write_text(doc, encoding="utf-8")
    ftfy_cli = Path(sys.executable).with_name("ftfy")
    a = [str(ftfy_cli), str(path), "-o", os.devnull]
    b = [sys.executable, "-m", "textfix", "check", str(path), "--no-progress", "-q"]
    _wall(b)  # fills the table cache for this checkout
    t_ftfy, t_tf = [], []
    for k in range(rounds):
        pair = [(t_ftfy, a), (t_tf, b)]
        for out, cmd in pair if k % 2 == 0 else pair[::-1]:
            out.append(_wall(cmd))
    ratios = sorted(t / f for t, f in zip(t_tf, t_ftfy))
    return {"chars": len(doc), "ftfy_s": round(statistics.median(t_ftfy), 3), "textfix_s": round(statistics.median(t_tf), 3),
            "ratio": round(statistics.median(ratios), 2), "ratio_range": (round(ratios[0], 2), round(ratios[-1], 2)),
            "goal": 1.5}


def many_files(docs: list[str], tmp: Path, count: int, rounds: int) -> dict:
    """``textfix check FOLDER`` over ``count`` small files, ``--jobs 1``
    against ``--jobs 2``, interleaved rounds (wall time)."""
    folder = tmp / "many"
    folder.mkdir()
    for i in range(count):
        (folder / f"doc_{i:04}.txt").write_text(docs[i % len(docs)], encoding="utf-8")
    cmds = {j: [sys.executable, "-m", "textfix", "check", str(folder), "--jobs", str(j), "--no-progress", "-q"]
            for j in (1, 2)}
    times: dict[int, list[float]] = {1: [], 2: []}
    for k in range(rounds):
        for j in (1, 2) if k % 2 == 0 else (2, 1):
            times[j].append(_wall(cmds[j]))
    shutil.rmtree(folder)
    ratios = sorted(a / b for a, b in zip(times[1], times[2]))
    return {"files": count, "jobs1_s": round(statistics.median(times[1]), 2), "jobs2_s": round(statistics.median(times[2]), 2),
            "speedup": round(statistics.median(ratios), 2), "speedup_range": (round(ratios[0], 2), round(ratios[-1], 2))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=120, help="clean documents per folder (default 120)")
    ap.add_argument("--repeat", type=int, default=5, help="interleaved timed rounds of each (median and range)")
    ap.add_argument("--quick", action="store_true", help="speed and per-pass share only")
    ap.add_argument("--only", choices=("rss", "jobs", "cli"), help="run only this file-level measurement")
    ap.add_argument("--cli-rounds", type=int, default=5, help="interleaved rounds of the CLI start-up and "
                    "1,000-file measurements")
    ap.add_argument("--rss-mb", type=int, default=200, help="size of the JSONL file for peak RSS (MB)")
    ap.add_argument("--huge", action="store_true", help="also measure a 2 GB JSONL file (jobs 2)")
    ap.add_argument("--rss-jobs", default="1,2", help="--jobs values for the RSS runs (default 1,2)")
    ap.add_argument("--rss-args", default="", help="extra textfix arguments for the RSS runs, e.g. "
                    "'--enable mojibake' to bound the time of a flatness check (say so when quoting it)")
    ap.add_argument("--rss-damaged-every", type=int, default=10, metavar="N",
                    help="the RSS file holds the clean documents and every Nth damaged copy (default 10: "
                         "every code path and table is loaded, the run stays minutes long)")
    ap.add_argument("--shards", type=int, default=8, help="files in the --jobs corpus")
    ap.add_argument("--shard-mb", type=float, default=2.5, help="size of each of those files (MB); the "
                    "second --jobs corpus has files four times that size")
    ap.add_argument("--scaling", action="store_true", help="only the per-character cost of each damage shape "
                    "at two document sizes (1.0: linear)")
    ap.add_argument("--sizes", default="100000,1000000", help="the two --scaling sizes in characters")
    ap.add_argument("--shapes", default="", help="--scaling: only these shapes (comma-separated substrings)")
    ap.add_argument("--rounds", type=int, default=3, help="--scaling: runs of the large document (interleaved)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args()

    if args.scaling:
        small, large = (int(x) for x in args.sizes.split(","))
        wanted = [s.strip().lower() for s in args.shapes.split(",") if s.strip()]
        shapes = [s for s in SHAPES if not wanted or any(w in s.lower() for w in wanted)]
        print(f"per-character CPU cost of fix_text, {small:,} vs {large:,} characters "
              f"(load average {os.getloadavg()[0]:.1f})")
        print(f"  {'shape':26}{'us/kchar':>10}{'us/kchar':>10}{'ratio':>8}  (range)")
        rows = scaling(shapes, small, large, args.rounds)
        worst = max(r["ratio"] for r in rows)
        print(f"worst ratio {worst:.2f} (goal <= 1.3)")
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
        return

    if corpora.shared_dir() is None:
        raise SystemExit("../shared/peer-data is needed for the benchmark corpus")
    clean, damaged, folders = build_corpus(args.docs, with_folders=True)
    mixed = [d for pair in zip(clean, damaged) for d in pair]
    figures: dict = {"cpus": os.cpu_count(), "load_before": os.getloadavg()[0]}
    print(f"corpus: {len(clean)} clean documents ({mb(clean):.2f} MB) + {len(damaged)} damaged copies "
          f"({mb(damaged):.2f} MB); load average {figures['load_before']:.1f} on {os.cpu_count()} cores")

    if not args.only:
        figures["speed"] = sp = speed(speed_groups(clean, damaged, folders), args.repeat)
        print(f"\nthroughput per core (CPU time), {args.repeat} interleaved rounds: median (range) of textfix/ftfy")
        print(f"  {'':20}{'MB':>7}{'ftfy MB/s':>11}{'textfix MB/s':>14}{'textfix/ftfy':>14}  {'range':13} goal")
        for name, r in sp.items():
            lo, hi = r["ratio_range"]
            verdict = "" if r["goal"] is None else f">= {r['goal']}x {'met' if r['ratio'] >= r['goal'] else 'NOT met'}"
            print(f"  {name:20}{r['MB']:>7.2f}{r['ftfy_MBps']:>11.2f}{r['textfix_MBps']:>14.2f}{r['ratio']:>13.2f}x"
                  f"  {lo:.2f}-{hi:.2f}x   {verdict}")

        figures["pass_share"] = share = pass_share(mixed)
        print("\ntime share on the mixed corpus (gate = the cheap test, detect = the work)")
        for k, v in share:
            if v >= 0.002:
                print(f"  {k:36}{v:7.1%}")

    if not args.quick:
        tmp = Path(tempfile.mkdtemp(prefix="textfix-bench-"))
        try:
            if args.only in (None, "rss"):
                extra = args.rss_args.split()
                rss_jobs = tuple(int(x) for x in args.rss_jobs.split(","))
                figures["rss_args"] = extra
                rss_docs = clean + damaged[:: max(1, args.rss_damaged_every)]
                random.Random(5).shuffle(rss_docs)
                figures["rss"] = rows = rss(rss_docs, args.rss_mb, tmp, rss_jobs, extra)
                if args.huge:
                    rows = rows + rss(rss_docs, 2000, tmp, rss_jobs, extra)
                    figures["rss"] = rows
                print(f"\npeak memory, `textfix check --jobs N {' '.join(extra)}` on a JSONL file")
                for r in rows:
                    print(f"  {r['file_MB']} MB, --jobs {r['jobs']}: {r['seconds']} s ({r['MBps']} MB/s), biggest "
                          f"process {r['max_process_rss_MB']} MB, all processes together {r['peak_tree_rss_MB']} MB")
            if args.only in (None, "cli"):
                small = min((d for d in clean if len(d) > 200), key=len)
                figures["cli_start"] = c = cli_start(small, tmp, args.cli_rounds)
                lo, hi = c["ratio_range"]
                print(f"\n`textfix check FILE` against `ftfy FILE`, one {c['chars']}-character file, wall time, "
                      f"{args.cli_rounds} interleaved rounds: {c['textfix_s']} vs {c['ftfy_s']} s, ratio {c['ratio']} "
                      f"({lo}-{hi}); goal <= 1.5 {'met' if c['ratio'] <= 1.5 else 'NOT met'}")
                small_docs = sorted(clean, key=len)[: max(1, len(clean) // 2)]
                figures["many_files"] = m = many_files(small_docs, tmp, 1000, max(1, args.cli_rounds // 2))
                lo, hi = m["speedup_range"]
                print(f"`textfix check` over {m['files']} small files: --jobs 1 {m['jobs1_s']} s, --jobs 2 {m['jobs2_s']} s: "
                      f"{m['speedup']}x ({lo}-{hi}); goal > 1 {'met' if m['speedup'] > 1 else 'NOT met'}")
            if args.only in (None, "jobs"):
                figures["jobs"] = jf = jobs_speedup(mixed, tmp, args.shards, args.shard_mb)
                print(f"\n--jobs 2 against --jobs 1, `textfix check` on JSONL files (load average {jf['load_average']})")
                for j in (jf["small"], jf["large"]):
                    print(f"  {j['files']} files, {j['MB']} MB: --jobs 1 {j['jobs1_s']} s ({j['jobs1_MBps']} MB/s), "
                          f"--jobs 2 {j['jobs2_s']} s ({j['jobs2_MBps']} MB/s): {j['speedup']}x; CPU seconds "
                          f"{j['jobs1_cpu_s']} vs {j['jobs2_cpu_s']} ({j['cpu_overhead']:+.1%} for running in parallel)")
                print(f"  marginal throughput (between the two sizes): {jf['marginal_jobs1_MBps']} vs "
                      f"{jf['marginal_jobs2_MBps']} MB/s: {jf['marginal_speedup']}x; fixed start of a run "
                      f"{jf['fixed_start_s'][1]} s (--jobs 1), {jf['fixed_start_s'][2]} s (--jobs 2)")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    figures["load_after"] = os.getloadavg()[0]
    print(f"\nload average after: {figures['load_after']:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
