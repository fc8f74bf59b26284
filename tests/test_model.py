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
