"""Script conversion (``--to hans|hant|hant-tw|hant-hk``, ``Config.to``).

The pipeline calls :func:`convert_to` on the *repaired* text, so residue has
already been made consistent by the ``variant-residue`` pass; the conversion
itself is OpenCC's (phrase-aware, the official configurations).

Which OpenCC configuration a target uses depends on what the text is now
(its Han variant, from :func:`textfix.profile.build_profile`):

============  ===============================  ==========================================
target        Simplified, mixed or no Han       Traditional text
============  ===============================  ==========================================
``hans``      ``t2s`` (nothing to do for        ``tw2s`` when the text writes Taiwan forms
              Simplified; converts the          (裡, 著 as a particle, 啟 ...) more than
              Traditional part of mixed text)   Hong Kong ones, ``hk2s`` for Hong Kong
                                                forms (説, 綫, 温 ...), else ``t2s``
``hant``      ``s2t`` (OpenCC standard)         ``tw2t`` / ``hk2t`` from the same evidence
                                                (regional forms to OpenCC standard);
                                                OpenCC standard text is left as it is
``hant-tw``   ``s2tw``                          ``t2tw`` (only variant forms change: a
                                                Taiwan text keeps its 台, 占, 岩)
``hant-hk``   ``s2hk``                          ``t2hk``
============  ===============================  ==========================================

Running ``s2t``-family configurations over Traditional text would rewrite
characters it uses natively (台→臺, 占→佔, 群→羣 in a quarter of Taiwan
Wikipedia paragraphs), hence the ``t2*`` configurations there.

:func:`convert` also accepts any OpenCC configuration name (``s2twp``,
``tw2sp``, ``t2jp`` ...), which it runs as it is: OpenCC's own test cases go
through this path.
"""

from __future__ import annotations

import functools

from .resources import opencc

TARGETS = ("hans", "hant", "hant-tw", "hant-hk")

_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def convert(text: str, config: str) -> str:
    """Convert ``text`` with an OpenCC configuration (``"s2t"``, ``"t2tw.json"``)
    or a textfix target (``"hans"``, ``"hant"``, ``"hant-tw"``, ``"hant-hk"``)."""
    if config in TARGETS:
        return convert_to(text, config)
    if not text:
        return text
    return opencc(config).convert(text)


def config_for(text: str, target: str) -> str | None:
    """The OpenCC configuration :func:`convert_to` uses for ``text``
    (``None``: the text is already in the target form)."""
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(TARGETS)}, not {target!r}")
    from .profile import build_profile

    traditional = build_profile(text).han_variant == "hant"
    if not traditional:
        return {"hans": "t2s", "hant": "s2t", "hant-tw": "s2tw", "hant-hk": "s2hk"}[target]
    if target == "hant-tw":
        return "t2tw"
    if target == "hant-hk":
        return "t2hk"
    region = _region(text)
    if target == "hans":
        return {"tw": "tw2s", "hk": "hk2s"}.get(region, "t2s")
    return {"tw": "tw2t", "hk": "hk2t"}.get(region)


def convert_to(text: str, target: str) -> str:
    """Convert ``text`` to a textfix target (see the module docstring)."""
    config = config_for(text, target)
    if config is None or not text:
        return text
    return opencc(config).convert(text)


@functools.lru_cache(maxsize=None)
def _regional_forms() -> tuple[frozenset[str], frozenset[str]]:
    """Characters OpenCC's ``tw2t`` / ``hk2t`` change: Taiwan forms (裡, 為,
    著, 啟 ...) and Hong Kong forms (説, 綫, 温, 為 ...)."""
    chars = [chr(cp) for lo, hi in _HAN_RANGES for cp in range(lo, hi + 1)]
    joined = "\n".join(chars)
    out = []
    for cfg in ("tw2t", "hk2t"):
        conv = opencc(cfg).convert(joined).split("\n")
        out.append(frozenset(c for c, o in zip(chars, conv) if o != c) if len(conv) == len(chars) else frozenset())
    return out[0], out[1]


def _region(text: str) -> str | None:
    """``"tw"``, ``"hk"`` or ``None`` (no regional forms): which regional
    standard a Traditional text follows, by counting its regional forms."""
    tw_forms, hk_forms = _regional_forms()
    sample = text[:200_000]
    tw = sum(1 for c in sample if c in tw_forms)
    hk = sum(1 for c in sample if c in hk_forms)
    if tw == 0 and hk == 0:
        return None
    return "tw" if tw > hk else "hk" if hk > tw else None


# A pair of curly quotes on one line around Chinese text. Taiwan and Hong
# Kong write 「」 for “” and 『』 for the inner ‘’; English quotes (and the
# apostrophe ’ of "don’t") hold no Han character and stay.
_DOUBLE_PAIR = None
_SINGLE_PAIR = None


def regional_quotes(text: str) -> str:
    """``text`` with “…” and ‘…’ around Chinese text written 「…」 and 『…』."""
    global _DOUBLE_PAIR, _SINGLE_PAIR
    if "“" not in text and "‘" not in text:
        return text
    import regex

    if _DOUBLE_PAIR is None:
        _DOUBLE_PAIR = regex.compile(r"“([^“”\n]*\p{Han}[^“”\n]*)”")
        _SINGLE_PAIR = regex.compile(r"‘([^‘’\n]*\p{Han}[^‘’\n]*)’")
    text = _SINGLE_PAIR.sub(r"『\1』", text)
    return _DOUBLE_PAIR.sub(r"「\1」", text)
