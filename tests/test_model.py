"""model.make_finding: the fast path gives the constructor's Finding."""

import dataclasses

import pytest

from textfix.model import Finding, make_finding


def test_make_finding_equals_the_constructor_and_stays_frozen():
    args = ("cjk-punctuation", 3, 4, ",", "，", 0.9, "ASCII comma in CJK context", "flattened", "cjk-left")
    fast, slow = make_finding(*args), Finding(*args)
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow) and fast.to_dict() == slow.to_dict()
    assert make_finding(*args, applied=True) == dataclasses.replace(slow, applied=True)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.start = 5


def test_finding_to_dict_is_asdict():
    f = make_finding("cjk-punctuation", 3, 4, ",", "，", 0.9, "m", None, "rule", True)
    assert f.to_dict() == dataclasses.asdict(f)
    assert list(f.to_dict()) == [x.name for x in dataclasses.fields(Finding)]
    g = Finding("spun-phrase", 0, 5, "a b", None, 0.6, "msg")
    assert g.to_dict() == dataclasses.asdict(g) and list(g.to_dict()) == list(dataclasses.asdict(g))
