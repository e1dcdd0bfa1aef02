"""End-to-end tier: real Chromium, real servers (demo solution, PostgreSQL, Locust) on loopback.
Every test here carries the `e2e` marker, so `-m "not e2e"` selects the unit tier too."""

from __future__ import annotations

from pathlib import Path

import pytest

ICI = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if ICI in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)
