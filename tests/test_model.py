"""model: findings are frozen, flat records."""

import dataclasses

import pytest

from textfix.model import Finding, make_finding


def test_finding_is_frozen():
    f = make_finding("cjk-punctuation", 3, 4, ",", "，", 0.9, "ASCII comma in CJK context", "flattened", "cjk-left")
    assert f == Finding("cjk-punctuation", 3, 4, ",", "，", 0.9, "ASCII comma in CJK context", "flattened", "cjk-left")
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.start = 5


def test_finding_to_dict_is_asdict():
    f = make_finding("cjk-punctuation", 3, 4, ",", "，", 0.9, "m", None, "rule", True)
    assert f.to_dict() == dataclasses.asdict(f)
    assert list(f.to_dict()) == [x.name for x in dataclasses.fields(Finding)]
    g = Finding("spun-phrase", 0, 5, "a b", None, 0.6, "msg")
    assert g.to_dict() == dataclasses.asdict(g) and list(g.to_dict()) == list(dataclasses.asdict(g))
