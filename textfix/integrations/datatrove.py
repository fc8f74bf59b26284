"""A datatrove pipeline step: textfix in place of (or after) ``FTFYFormatter``.

>>> from datatrove.pipeline.readers import JsonlReader              # doctest: +SKIP
>>> from textfix.integrations.datatrove import TextfixFormatter    # doctest: +SKIP
>>> pipeline = [JsonlReader("in/"), TextfixFormatter(findings_key="textfix"), ...]  # doctest: +SKIP

Each document's ``text`` is repaired with :func:`textfix.fix`; with
``findings_key`` the findings (as dicts) go to ``doc.metadata[findings_key]``.
Stats: ``total`` documents, ``changed`` documents, and one counter per
finding kind (``fixed:<kind>``, ``flagged:<kind>``).

Needs ``pip install 'textfix[datatrove]'``.
"""

from __future__ import annotations

try:
    from datatrove.pipeline.formatters.base import BaseFormatter
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError("textfix.integrations.datatrove needs datatrove: pip install 'textfix[datatrove]'") from exc

from ..config import Config


class TextfixFormatter(BaseFormatter):
    """Repair ``doc.text`` with textfix (every pass on, by default)."""

    name = "🩹 textfix"

    def __init__(self, config: Config | None = None, findings_key: str | None = None):
        super().__init__()
        self.config = config or Config()
        self.findings_key = findings_key

    def format(self, text: str) -> str:
        from .. import fix_text

        return fix_text(text, self.config)

    def run(self, data, rank: int = 0, world_size: int = 1):
        from .. import fix

        for doc in data:
            self.stat_update("total")
            with self.track_time():
                result = fix(doc.text, self.config)
                if result.changed:
                    self.stat_update("changed")
                    doc.text = result.text
                for f in result.findings:
                    self.stat_update(f"{'fixed' if f.applied else 'flagged'}:{f.kind}")
                if self.findings_key:
                    doc.metadata[self.findings_key] = [f.to_dict() for f in result.findings]
            yield doc
