"""``lossy-bytes``: not implemented yet (placeholder; its gate is always closed)."""

from __future__ import annotations

from ..config import Config
from ..model import Finding, Profile
from . import Pass


class GbkMisalignPass(Pass):
    kind = "lossy-bytes"

    def gate(self, text: str, profile: Profile) -> bool:
        return False

    def detect(self, text: str, profile: Profile, config: Config) -> list[Finding]:
        return []


PASS = GbkMisalignPass()
