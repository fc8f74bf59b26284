"""Legacy charset detection: charset-normalizer's candidates, checked by a
plausibility score of the decoded text.
"""

from __future__ import annotations


def detect_legacy(data: bytes) -> tuple[str, str, float, str] | None:
    """``(codec, text, confidence, reason)`` for non-UTF-8 ``data``, or None
    when nothing decodes it as plausible text."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    enc = best.encoding
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None
    confidence = max(0.0, min(1.0, 1.0 - float(best.chaos)))
    return enc, text, round(confidence, 3), f"charset-normalizer: {enc} (chaos {best.chaos:.2f})"
