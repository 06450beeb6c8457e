"""The project's own copy of the spec stays true to the code."""

from __future__ import annotations

import re

from settings import ROOT

DOCS = ROOT / "docs"


def test_security_md_covers_s1_to_s53_once_each() -> None:
    ids = re.findall(r"^- \*\*S(\d+)\*\*", (DOCS / "security.md").read_text(), re.M)
    assert [int(i) for i in ids] == list(range(1, 54))


def test_every_test_that_security_md_cites_exists() -> None:
    text = (DOCS / "security.md").read_text()
    cited = 0
    current = None
    for match in re.finditer(r"`((?:unit|integration)/[\w/]+\.py)?::(test_\w+)`", text):
        current = match.group(1) or current
        assert current is not None
        assert f"def {match.group(2)}(" in (ROOT / "tests" / current).read_text(), match.group(0)
        cited += 1
    assert cited >= 45


def test_every_documented_doc_link_resolves() -> None:
    for page in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for target in re.findall(r"\]\(((?:docs/)?[\w./-]+\.md)(?:#[\w-]+)?\)", page.read_text()):
            assert (page.parent / target).exists(), f"{page.name} links to {target}"
