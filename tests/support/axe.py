"""axe-core, from the npm registry, run inside pages a real browser shows.

``make test`` installs it into ``build/node_modules`` (``make axe``); without
it (no npm) the accessibility checks skip, and in CI they fail.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import Page

from settings import ROOT

AXE = ROOT / "build" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = frozenset({"serious", "critical"})


def axe_script() -> str:
    """The path of axe.min.js, to load into every page before its own scripts."""
    if not AXE.exists():
        how = "make axe (npm install --prefix build axe-core)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"axe-core is missing in CI: {how}")
        pytest.skip(f"axe-core is missing: {how}")
    return str(AXE)


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations of impact serious or critical on the page as it is."""
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"] for n in v["nodes"]]}
        for v in results["violations"]
        if v["impact"] in SERIOUS
    ]
