"""Measure the ``boilerplate`` pass: generality on held-out furniture,
clean text left alone, and the cost of its gate.

    .venv/bin/python scripts/eval_boilerplate.py            # everything
    .venv/bin/python scripts/eval_boilerplate.py --limit 200  # a sample per group

1. Generality: clean articles from ``../shared/peer-data/clean`` (Simplified:
   news_zh_xwlb; Traditional: wiki_zh_drcd_hant; English: news_en_bbc) are
   wrapped in page furniture drawn from ``tests/data/boilerplate_heldout.json``
   -- prefixes, headings, captions and labels that the pass's own data files
   do not contain -- and run through ``fix_text`` with only the boilerplate
   pass and ``flag_boilerplate=()``. An article counts as restored when the
   output equals the clean article exactly.
2. Clean: every clean folder through the boilerplate pass alone, with the
   default config (footers flagged) and with every category removed.
3. Cost: gate time and gate+detect time per MB on the clean folders.

``wrap()`` is imported by ``tests/passes/test_boilerplate.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpora  # noqa: E402

HELDOUT = corpora.REPO / "tests" / "data" / "boilerplate_heldout.json"
WRAP_FOLDERS = {"zh-hans": "news_zh_xwlb", "zh-hant": "wiki_zh_drcd_hant", "en": "news_en_bbc"}
TITLED = {"zh-hans": True, "zh-hant": False, "en": True}


def to_hant(obj):
    """Every string in ``obj`` (strings, lists, dicts) in Traditional script (OpenCC s2t)."""
    from textfix.resources import opencc

    s2t = opencc("s2t")

    def conv(x):
        if isinstance(x, str):
            return s2t.convert(x)
        if isinstance(x, list):
            return [conv(y) for y in x]
        if isinstance(x, dict):
            return {k: conv(v) for k, v in x.items()}
        return x

    return conv(obj)


def load_heldout() -> dict:
    data = json.loads(HELDOUT.read_text(encoding="utf-8"))
    data["zh-hant"] = to_hant(data["zh-hans"])
    return data


def title_pool(group: str) -> list[str]:
    """Headlines of other articles, for related lists."""
    if group == "en":
        docs = corpora.clean_docs("news_en_bbc")
    else:
        docs = corpora.clean_docs("news_zh_xwlb")
    titles = []
    for _, text in docs:
        first = text.split("\n", 1)[0].strip()
        if 6 <= len(first) <= 60 and not first.endswith(("。", ".", "：", ":")) and first != "undefined":
            titles.append(first)
    titles = sorted(set(titles))
    if group == "zh-hant":
        from textfix.resources import opencc

        titles = [opencc("s2t").convert(t) for t in titles]
    return titles


def _prefixed(rng: random.Random, hv: dict, title: str, fmt: str | None = None, prefix: str | None = None) -> str:
    fmt = fmt or rng.choice(hv["prefix_formats"])
    prefix = prefix or rng.choice(hv["prefixes"])
    return fmt.format(p=prefix) + title


def wrap(text: str, group: str, rng: random.Random, hv: dict, pool: list[str]) -> tuple[str, list[str]]:
    """``text`` wrapped in held-out furniture; returns (damaged, kinds added)."""
    body = text.rstrip("\n")
    paras = body.split("\n\n")
    kinds: list[str] = []
    titled = TITLED[group] and len(paras) >= 2
    en = group == "en"
    sep = " " if en else ""

    # related list (built first: the title prefix leans on it)
    related: list[str] = []
    if rng.random() < 0.75:
        k = rng.randint(4, 10)
        items = rng.sample(pool, k)
        items = [t for t in items if t != paras[0]][: max(3, k - 1)]
        plain = rng.random() < 0.25
        fmt = rng.choice(hv["prefix_formats"])
        if plain:
            items_out = list(items)
        else:
            items_out = [_prefixed(rng, hv, t, fmt) if rng.random() < 0.8 else t for t in items]
            if sum(it != t for it, t in zip(items_out, items)) < (len(items) + 1) // 2 + 1:
                items_out = [_prefixed(rng, hv, t, fmt) for t in items]
        if titled and rng.random() < 0.8:
            # the evidence a content farm leaves: its list carries the page's
            # own title, or the same prefix on other titles
            prefix = rng.choice(hv["prefixes"])
            paras[0] = _prefixed(rng, hv, paras[0], fmt, prefix)
            kinds.append("seo-prefix")
            if plain or rng.random() < 0.6:
                items_out.insert(rng.randint(0, min(2, len(items_out))), paras[0])
            else:
                for at in rng.sample(range(len(items)), rng.randint(1, 2)):
                    items_out[at] = _prefixed(rng, hv, items[at], rng.choice(hv["prefix_formats"]), prefix)
        heading = [rng.choice(hv["headings"])] if (rng.random() < 0.8 or plain) else []
        joiner = "\n" if rng.random() < 0.75 else "\n\n"
        related = ["\n".join(heading) + ("\n" if heading else "") + joiner.join(items_out)]
        kinds.append("related-links")

    # caption between two paragraphs
    if len(paras) >= 2 and rng.random() < 0.5:
        at = rng.randint(1, len(paras) - 1)
        lead = "\n" if rng.random() < 0.3 else ""
        paras.insert(at, lead + rng.choice(hv["captions"]))
        kinds.append("caption")

    trailing: list[str] = []
    if rng.random() < 0.4:
        n = rng.randint(1, 4)
        vals = rng.sample(hv["keyword_values"], n)
        label = rng.choice(hv["keyword_labels"])
        colon = ": " if en else rng.choice([":", "：", ": "])
        glue = ", " if en else rng.choice([" ", "、", ","])
        trailing.append(label + colon + glue.join(vals))
        kinds.append("keywords")
    if rng.random() < 0.5:
        lines = []
        for label in rng.sample(hv["attribution_labels"], rng.randint(1, 2)):
            colon = ": " if en else rng.choice([":", "：", "丨"])
            lines.append(label + colon + rng.choice(hv["attribution_values"]))
        trailing.append(("\n" if rng.random() < 0.5 else sep + "\n").join(lines).replace(" \n", "\n"))
        kinds.append("attribution")
    trailing += related
    rng.shuffle(trailing)
    if en and rng.random() < 0.4:
        foot = []
        for tpl in rng.sample(hv["footers"], rng.randint(1, 2)):
            foot.append(
                tpl.format(
                    name=rng.choice(hv["footer_names"]),
                    org=rng.choice(hv["footer_orgs"]),
                    dom=rng.choice(hv["footer_domains"]),
                    handle=rng.choice(hv["footer_handles"]),
                )
            )
        trailing.append("\n".join(foot))
        kinds.append("footer")

    out = "\n\n".join(paras)
    for block in trailing:
        out += rng.choice(["\n\n", "\n\n", "\n"]) + block
    if not trailing or rng.random() < 0.5:
        out += "\n"  # a text that ends with its article keeps its final line break
    return out, kinds


def wrapped_set(group: str, limit: int | None = None, seed: int = 5) -> list[tuple[str, str, str, list[str]]]:
    """``(name, clean, damaged, kinds)`` for one group."""
    hv = load_heldout()[group]
    pool = title_pool(group)
    docs = corpora.clean_docs(WRAP_FOLDERS[group])
    rng = random.Random(f"{seed}-{group}")
    if limit is not None and limit < len(docs):
        docs = rng.sample(docs, limit)
    out = []
    for name, text in docs:
        if not text.strip():
            continue
        damaged, kinds = wrap(text, group, rng, hv, pool)
        out.append((name, text, damaged, kinds))
    return out


def boilerplate_only(**changes):
    from textfix import Config

    return Config(enable=("boilerplate",), **changes)


def restore_rate(group: str, limit: int | None = None, verbose: int = 0) -> tuple[int, int, dict]:
    import textfix

    cfg = boilerplate_only(flag_boilerplate=())
    ok = 0
    misses: dict[str, int] = {}
    cases = wrapped_set(group, limit)
    shown = 0
    for name, clean, damaged, kinds in cases:
        got = textfix.fix_text(damaged, cfg)
        if got == clean:
            ok += 1
            continue
        key = "+".join(sorted(kinds))
        misses[key] = misses.get(key, 0) + 1
        if shown < verbose:
            shown += 1
            import difflib

            print(f"--- miss {group} {name} ({key})")
            print("".join(list(difflib.unified_diff(clean.splitlines(True), got.splitlines(True), n=1))[2:30]))
    return ok, len(cases), misses


def clean_changes(folder: str, limit: int | None = None):
    """``(docs, changed_default, changed_all_removed, flagged, examples)``."""
    import textfix

    default = boilerplate_only()
    remove_all = boilerplate_only(flag_boilerplate=())
    docs = corpora.clean_docs(folder, limit)
    changed = changed_all = flagged = 0
    examples = []
    for name, text in docs:
        r = textfix.fix(text, default)
        if r.changed:
            changed += 1
            examples.append((name, [(f.detail, f.rule, f.before[:70]) for f in r.findings]))
        if r.findings:
            flagged += 1
        if textfix.fix_text(text, remove_all) != text:
            changed_all += 1
    return len(docs), changed, changed_all, flagged, examples


def gate_cost(folder: str, limit: int | None = None):
    """Seconds per MB for the gate alone and for gate+detect (detect only when open)."""
    from textfix import Config
    from textfix.passes.boilerplate import PASS, _vocab
    from textfix.profile import build_profile

    _vocab()  # one-time loading is not a per-text cost

    docs = [t for _, t in corpora.clean_docs(folder, limit)]
    profiles = [build_profile(t) for t in docs]
    size = sum(len(t.encode("utf-8")) for t in docs) / 1e6
    cfg = Config()
    t0 = time.perf_counter()
    opened = [PASS.gate(t, p) for t, p in zip(docs, profiles)]
    t1 = time.perf_counter()
    for t, p, o in zip(docs, profiles, opened):
        if o:
            PASS.detect(t, p, cfg)
    t2 = time.perf_counter()
    import ftfy

    few = docs[:200]
    few_size = sum(len(t.encode("utf-8")) for t in few) / 1e6
    t3 = time.perf_counter()
    for t in few:
        ftfy.fix_text(t)
    t4 = time.perf_counter()
    return size, sum(opened), len(docs), (t1 - t0) / size, (t2 - t0) / size, (t4 - t3) / few_size


# ------------------------------------------------- shapes and repetition (held-out split)


def _split_block(group: str) -> dict:
    data = load_heldout()
    block = json.loads(json.dumps(data["shape_split"]["en" if group == "en" else "zh-hans"], ensure_ascii=False))
    if group == "zh-hant":
        block = to_hant(block)
    return block


def shape_pages(group: str, limit: int | None = None, seed: int = 7):
    """``(clean, page, parts)``: clean articles under a title prefix of new
    words, a related list whose titles carry prefixes of other new words
    (only the shape links them), and a closing tag line with a new label.
    ``parts`` maps each added part to the text it added."""
    hv = load_heldout()[group]
    sp = _split_block(group)
    pool = title_pool(group)
    docs = corpora.clean_docs(WRAP_FOLDERS[group])
    rng = random.Random(f"shape-{seed}-{group}")
    if limit is not None and limit < len(docs):
        docs = rng.sample(docs, limit)
    en = group == "en"
    out = []
    for _name, text in docs:
        body = text.rstrip("\n")
        paras = body.split("\n\n")
        if not text.strip() or len(paras) < 2:
            continue
        parts = {}
        fmt = rng.choice(hv["prefix_formats"])
        # (an untitled folder's first line is a paragraph: no title prefix)
        title_prefix = fmt.format(p=rng.choice(sp["prefixes_title"])) if TITLED[group] else ""
        parts["prefix"] = title_prefix
        page_paras = [title_prefix + paras[0]] + paras[1:]
        items = [t for t in rng.sample(pool, rng.randint(3, 6)) if t != paras[0]]
        items = [rng.choice(hv["prefix_formats"]).format(p=rng.choice(sp["prefixes_list"])) + t if k == 0 or rng.random() < 0.7 else t
                 for k, t in enumerate(items)]
        if sum(1 for t in items if t not in pool) * 2 < len(items):
            items = [rng.choice(hv["prefix_formats"]).format(p=rng.choice(sp["prefixes_list"])) + t for t in items]
        heading = [rng.choice(hv["headings"])] if rng.random() < 0.5 else []
        related = "\n".join(heading + items)
        parts["related"] = related
        glue = ", " if en else rng.choice([" ", "、", "，"])
        colon = ": " if en else rng.choice([":", "：", "丨"])
        tag = rng.choice(sp["tag_labels"]) + colon + glue.join(rng.sample(sp["tag_values"], rng.randint(2, 4)))
        parts["tags"] = tag
        tail = [related, tag] if rng.random() < 0.5 else [tag, related]
        page = "\n\n".join(page_paras) + "\n\n" + "\n\n".join(tail) + "\n"
        out.append((text, page, parts))
    return out


def shape_rates(group: str, limit: int | None = None) -> dict:
    import textfix

    cfg = boilerplate_only(flag_boilerplate=())
    got = {"pages": 0, "prefix": 0, "related": 0, "tags": 0, "exact": 0}
    for clean, page, parts in shape_pages(group, limit):
        res = textfix.fix_text(page, cfg)
        got["pages"] += 1
        got["prefix"] += bool(parts["prefix"]) and not res.startswith(parts["prefix"])
        got["titled"] = got.get("titled", 0) + bool(parts["prefix"])
        got["related"] += parts["related"] not in res
        got["tags"] += parts["tags"] not in res
        got["exact"] += res == clean
    return got


def site_pages(group: str, limit: int | None = None, seed: int = 9):
    """Pages of invented sites: ``{site: [(clean, page, prefix, closing)]}``.
    Each page: a title under one of the site's prefixes, the article, the
    site's closing lines; no related list (only repetition vouches)."""
    sp = _split_block(group)
    hv = load_heldout()[group]
    docs = [d for d in corpora.clean_docs(WRAP_FOLDERS[group]) if len(d[1].rstrip("\n").split("\n\n")) >= 2]
    rng = random.Random(f"site-{seed}-{group}")
    if limit is not None and limit < len(docs):
        docs = rng.sample(docs, limit)
    sites = {site["name"]: [] for site in sp["sites"]}
    for k, (_name, text) in enumerate(docs):
        site = sp["sites"][k % len(sp["sites"])]
        paras = text.rstrip("\n").split("\n\n")
        prefix = rng.choice(hv["prefix_formats"]).format(p=rng.choice(site["prefixes"])) if TITLED[group] else ""
        closing = "\n".join(site["closing"])
        page = prefix + "\n\n".join(paras) + "\n\n" + closing + "\n"
        sites[site["name"]].append((text, page, prefix, closing))
    return sites


def corpus_rates(group: str, limit: int | None = None, train_share: float = 0.6) -> dict:
    """Repeats counted on part of each site's pages, measured on the rest."""
    import textfix
    from textfix.passes.boilerplate import REPEATS_KEY, collect_repeats

    got = {"pages": 0, "prefix": 0, "closing": 0, "exact": 0, "without_repeats_exact": 0}
    base = boilerplate_only(flag_boilerplate=())
    for pages in site_pages(group, limit).values():
        cut = int(len(pages) * train_share)
        train, test = pages[:cut], pages[cut:]
        rep = collect_repeats(p for _c, p, _x, _y in train)
        cfg = base.replace(extra={REPEATS_KEY: rep})
        for clean, page, prefix, closing in test:
            res = textfix.fix_text(page, cfg)
            got["pages"] += 1
            got["prefix"] += bool(prefix) and not res.startswith(prefix)
            got["titled"] = got.get("titled", 0) + bool(prefix)
            got["closing"] += closing not in res
            got["exact"] += res == clean
            got["without_repeats_exact"] += textfix.fix_text(page, base) == clean
    return got


def corpus_clean_changes(folder: str, limit: int | None = None) -> tuple[int, int, int, list]:
    """A clean folder as one source: repeats counted over it, then every
    document through the pass with them (default config and every category
    removed). Returns (docs, changed default, changed remove-all, examples)."""
    import textfix
    from textfix.passes.boilerplate import REPEATS_KEY, collect_repeats

    docs = corpora.clean_docs(folder, limit)
    rep = collect_repeats(t for _n, t in docs)
    default = boilerplate_only(extra={REPEATS_KEY: rep})
    remove_all = boilerplate_only(flag_boilerplate=(), extra={REPEATS_KEY: rep})
    changed = changed_all = 0
    examples = []
    for name, text in docs:
        r = textfix.fix(text, default)
        changed += r.changed
        if textfix.fix_text(text, remove_all) != text:
            changed_all += 1
            r = textfix.fix(text, remove_all)
            examples.append((name, [(f.detail, f.rule, f.before[:60]) for f in r.findings]))
    return len(docs), changed, changed_all, examples


def _rate_row(group: str, g: dict, pages_label: str, cols: list[tuple[str, str]]) -> str:
    """One printed row: the title-prefix share over titled pages, then ``cols`` (label, key) over all pages."""
    n = max(g["pages"], 1)
    pre = f"{g['prefix'] / g['titled']:6.1%}" if g["titled"] else "   n/a"
    rest = "  ".join(f"{label} {g[key] / n:6.1%}" for label, key in cols)
    return f"{group:8s} {pages_label} {g['pages']:4d}  title prefix removed {pre}  {rest}"


def main_shapes(limit: int | None) -> int:
    print("== held-out shapes: title prefix and list prefixes of different new words, new tag labels")
    for group in WRAP_FOLDERS:
        print(_rate_row(group, shape_rates(group, limit), "pages",
                        [("related list removed", "related"), ("tag line removed", "tags"), ("restored exactly", "exact")]))
    print("\n== corpus repetition: repeats counted on 60% of each invented site's pages, measured on the other 40%")
    for group in WRAP_FOLDERS:
        print(_rate_row(group, corpus_rates(group, limit), "held-out pages",
                        [("closing lines removed", "closing"), ("restored exactly", "exact"),
                         ("without the repeats: restored", "without_repeats_exact")]))
    print("\n== clean folders read as one source each (repeats counted over the folder, then applied to it)")
    docs = ch = ch_all = 0
    for folders in corpora.CLEAN_FOLDERS.values():
        for folder in folders:
            n, c, c_all, ex = corpus_clean_changes(folder, limit)
            docs, ch, ch_all = docs + n, ch + c, ch_all + c_all
            print(f"{folder:22s} docs {n:5d}  changed(default) {c:3d}  changed(remove all) {c_all:3d}")
            for e in ex[:3]:
                print("      ", e)
    print(f"all clean: {docs} docs, changed with default config {ch} ({ch / max(docs, 1):.2%}), remove all {ch_all} ({ch_all / max(docs, 1):.2%})")
    # never forgive a clean document changed with the default config (1 in 200 at most)
    return 1 if ch * 200 > docs else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="articles per group (default: all)")
    ap.add_argument("--verbose", type=int, default=0, help="show this many misses per group")
    ap.add_argument("--shapes", action="store_true", help="only the held-out shape and corpus-repetition figures")
    args = ap.parse_args(argv)
    if corpora.shared_dir() is None:
        print("../shared is missing", file=sys.stderr)
        return 2
    if args.shapes:
        return main_shapes(args.limit)

    print("== generality: clean articles wrapped in held-out furniture, restored exactly")
    total_ok = total = 0
    for group in WRAP_FOLDERS:
        ok, n, misses = restore_rate(group, args.limit, args.verbose)
        total_ok += ok
        total += n
        print(f"{group:8s} {WRAP_FOLDERS[group]:20s} restored {ok}/{n} = {ok / max(n, 1):.1%}  misses by furniture: {misses}")
    print(f"all      restored {total_ok}/{total} = {total_ok / max(total, 1):.1%}")

    print("\n== clean corpora through the boilerplate pass (changed = text differs)")
    all_docs = all_changed = all_changed_rm = 0
    for group, folders in corpora.CLEAN_FOLDERS.items():
        for folder in folders:
            n, changed, changed_all, flagged, examples = clean_changes(folder, args.limit)
            all_docs += n
            all_changed += changed
            all_changed_rm += changed_all
            print(f"{folder:22s} docs {n:5d}  changed(default) {changed:3d}  changed(remove all, footers too) {changed_all:3d}  with findings {flagged:3d}")
            for ex in examples[:3]:
                print("      ", ex)
    print(f"all clean: {all_docs} docs, changed with default config {all_changed} ({all_changed / max(all_docs, 1):.2%}), "
          f"with footers removed too {all_changed_rm} ({all_changed_rm / max(all_docs, 1):.2%})")

    print("\n== cost on clean text (ms per MB; ftfy.fix_text on up to 200 of the same documents for scale)")
    for group, folders in corpora.CLEAN_FOLDERS.items():
        for folder in folders:
            size, opened, n, gate_s, total_s, ftfy_s = gate_cost(folder, args.limit)
            print(f"{folder:22s} {size:5.2f} MB  gate open {opened:4d}/{n:4d}  gate {gate_s * 1000:7.1f} ms/MB  "
                  f"gate+detect {total_s * 1000:7.1f} ms/MB  ftfy.fix_text {ftfy_s * 1000:7.1f} ms/MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
