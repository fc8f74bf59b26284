"""The disk cache of derived tables: same values as a fresh build, never a
stale one, never an error."""

import marshal
import os
import subprocess
import sys

import pytest

from textfix import cache


@pytest.fixture
def cache_in(tmp_path, monkeypatch):
    monkeypatch.setenv("TEXTFIX_CACHE_DIR", str(tmp_path))
    return tmp_path


def _counting_builder(calls):
    def build(n):
        calls.append(n)
        return {"n": n, "squares": [i * i for i in range(n)], "pair": (1.5, "ü")}

    return build


def test_second_process_reads_what_the_first_built(cache_in):
    calls = []
    build = _counting_builder(calls)
    first = cache.load_or_build(build, (5,))
    again = cache.load_or_build(build, (5,))
    assert first == again == build(5)
    assert calls == [5, 5]  # built once for the cache, once by the comparison above
    files = list(cache_in.glob("*.marshal"))
    assert len(files) == 1
    assert marshal.loads(files[0].read_bytes()) == first


def test_arguments_get_their_own_file(cache_in):
    build = _counting_builder([])
    assert cache.load_or_build(build, (2,)) != cache.load_or_build(build, (3,))
    assert len(list(cache_in.glob("*.marshal"))) == 2


def test_a_changed_package_file_invalidates(cache_in, monkeypatch):
    calls = []
    build = _counting_builder(calls)
    cache.load_or_build(build, (4,))
    monkeypatch.setattr(cache, "_package_stamp", lambda: "another build of textfix")
    cache.load_or_build(build, (4,))
    assert calls == [4, 4]
    assert len(list(cache_in.glob("*.marshal"))) == 2  # the other build's file stays (a second checkout)


def test_folder_is_pruned(cache_in, monkeypatch):
    build = _counting_builder([])
    for k in range(5):  # five builds of textfix in turn: the newest three stay
        monkeypatch.setattr(cache, "_package_stamp", lambda k=k: f"build {k}")
        cache.load_or_build(build, (1,))
    assert len(list(cache_in.glob("*.marshal"))) == 1 + cache.KEEP_OTHER_STAMPS
    stale = cache_in / "textfix.renamed_builder.0123.marshal"
    stale.write_bytes(marshal.dumps(1))
    os.utime(stale, (1e9, 1e9))  # 2001
    monkeypatch.setattr(cache, "_package_stamp", lambda: "build 6")
    cache.load_or_build(build, (1,))
    assert not stale.exists()


def test_damaged_file_is_rebuilt(cache_in):
    calls = []
    build = _counting_builder(calls)
    cache.load_or_build(build, (3,))
    (path,) = cache_in.glob("*.marshal")
    path.write_bytes(b"\x00garbage")
    assert cache.load_or_build(build, (3,)) == build(3)
    assert marshal.loads(path.read_bytes()) == build(3)


def test_off_and_unwritable_cache_still_build(tmp_path, monkeypatch):
    build = _counting_builder([])
    monkeypatch.setenv("TEXTFIX_CACHE_DIR", "")
    assert cache.cache_dir() is None
    assert cache.load_or_build(build, (2,)) == build(2)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TEXTFIX_CACHE_DIR", str(blocker / "sub"))
    assert cache.load_or_build(build, (2,)) == build(2)


def test_values_marshal_cannot_write_are_returned_uncached(cache_in):
    assert cache.load_or_build(lambda: len, ()) is len
    assert list(cache_in.glob("*.marshal")) == []


def test_derived_tables_equal_a_fresh_build(cache_in):
    """Every table the package keeps on disk: the value read back in a new
    process equals the builder's own value."""
    code = (
        "from textfix import cache\n"
        "import textfix.charsets, textfix.profile, textfix.resources\n"
        "from textfix.passes import cjk_mojibake, spun, variant\n"
        "tables = [textfix.charsets._model, textfix.resources.han_tables, spun._pair_tables]\n"
        "tables += [spun.phrase_trie, spun.first_forms, spun.word_map, spun.multi_map, spun.collocations, spun.bigrams]\n"
        "calls = [(get, ()) for get in tables] + [(cjk_mojibake._neighbours, (lang,)) for lang in ('zh', 'ja')]\n"
        "calls += [(textfix.profile._rest_letters, ()), (textfix.charsets._pair_tables, ('zh', 'ja'))]\n"
        "calls += [(textfix.profile._classes, ()), (variant._forms, ()), (variant._regional_singles, ())]\n"
        "for get, args in calls:\n"
        "    assert get(*args) == get.build(*args), (get, args)\n"
    )
    env = dict(os.environ, TEXTFIX_CACHE_DIR=str(cache_in))
    for _ in range(2):  # first writes, second reads
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert len(list(cache_in.glob("*.marshal"))) >= 16


