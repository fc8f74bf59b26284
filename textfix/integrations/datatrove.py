"""A datatrove pipeline step: textfix in place of (or after) ``FTFYFormatter``.

Needs ``pip install 'textfix[datatrove]'`` (datatrove, plus orjson for its
JSONL reader and writer and pyarrow for Parquet). A whole pipeline, from
JSONL shards in ``in/`` to repaired shards in ``out/``::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from textfix.integrations.datatrove import TextfixFormatter

    LocalPipelineExecutor(
        pipeline=[
            JsonlReader("in/"),
            TextfixFormatter(findings_key="textfix"),
            JsonlWriter("out/"),
        ],
        tasks=1,
        logging_dir="logs/",
    ).run()

(``tests/test_integrations.py`` runs this very block.) Each document's
``text`` is repaired with :func:`textfix.fix`; with ``findings_key`` the
findings (as dicts) go to ``doc.metadata[findings_key]``. Stats: ``total``
documents, ``changed`` documents, and one counter per finding kind
(``fixed:<kind>``, ``flagged:<kind>``).
"""

from __future__ import annotations

try:
    from datatrove.pipeline.formatters.base import BaseFormatter
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError("textfix.integrations.datatrove needs datatrove: pip install 'textfix[datatrove]'") from exc

from typing import TYPE_CHECKING

from ..config import Config

if TYPE_CHECKING:
    from datatrove.data import DocumentsPipeline


class TextfixFormatter(BaseFormatter):
    """Repair ``doc.text`` with textfix (every pass on, by default)."""

    name = "🩹 textfix"

    def __init__(self, config: Config | None = None, findings_key: str | None = None) -> None:
        super().__init__()
        self.config = config or Config()
        self.findings_key = findings_key

    def format(self, text: str) -> str:
        from .. import fix_text

        return fix_text(text, self.config)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
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
