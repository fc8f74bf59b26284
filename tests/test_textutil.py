"""textutil.protected_spans: anchored search gives the spans of a full scan."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from textfix.textutil import EMAIL_RE, URL_RE, merge_spans, protected_spans

PIECES = [
    "http://a.b/c", "HTTPS://X.Y", "www.foo.com", "WWW.Bar.org/x?y=1", "a@b.cc", "x.y@z.org", "@@", "://",
    "www.", "1http://x", "mail:x@y.com", " ", "\n", "\t", "中文", "，", "abc", "ftp://q", "x-y+z://w",
    "user@host", "(http://p.q)", '"www.q.r"', "\u3000", "é@x.fr", "a.", ".com", "@x.co", "\x1c",
]


def full_scan(text: str) -> list[tuple[int, int]]:
    return merge_spans([m.span() for m in URL_RE.finditer(text)] + [m.span() for m in EMAIL_RE.finditer(text)])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_same_spans_as_a_full_scan(text):
    assert protected_spans(text) == full_scan(text)


def test_real_sentences():
    text = "详见 https://example.com/a?b=1，或写信给 news@example.org。Also www.BBC.co.uk/news and x@y."
    spans = protected_spans(text)
    assert [text[a:b] for a, b in spans] == ["https://example.com/a?b=1", "news@example.org", "www.BBC.co.uk/news"]
    assert spans == full_scan(text)


def test_addresses_glued_to_han_are_protected():
    """A URL or address written right after (or before) a Han character is
    still one: no pass may turn its ',' or ':' into fullwidth marks."""
    import textfix

    text = "详情见http://example.com/a,b:c，请联系abc.def@example.com获取,端口见www.abc.com:8080/x?a=1,b=2其他"
    spans = protected_spans(text)
    # (a URL runs to the next blank or CJK mark: Han right after it counts as part of it, as in an IRI)
    assert [text[a:b] for a, b in spans] == [
        "http://example.com/a,b:c", "abc.def@example.com", "www.abc.com:8080/x?a=1,b=2其他",
    ]
    fixed = textfix.fix_text(text)
    for address in ("http://example.com/a,b:c", "abc.def@example.com", "www.abc.com:8080"):
        assert address in fixed
    # but a word glued on the ASCII side is not an address start
    assert protected_spans("xhttp://a.b") == [(0, 11)] and protected_spans("abchttp") == []


def _naive_affixes(a, b):
    p = 0
    limit = min(len(a), len(b))
    while p < limit and a[p] == b[p]:
        p += 1
    s = 0
    while s < limit - p and a[len(a) - 1 - s] == b[len(b) - 1 - s]:
        s += 1
    return p, s


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="abé中 ", max_size=12), st.text(alphabet="abé中 ", max_size=12), st.text(alphabet="ab中", max_size=6))
def test_common_affixes_equal_a_character_loop(x, y, shared_part):
    from textfix.textutil import common_affixes

    for a, b in ((x, y), (shared_part + x + shared_part, shared_part + y + shared_part), (x, x), ("", y)):
        assert common_affixes(a, b) == _naive_affixes(a, b)
