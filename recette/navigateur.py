"""Which Chromium the bench starts: Playwright's own build where installed, else Debian's."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

# Chromium otherwise calls Google's hosts at start; this machine's network refuses them and a
# health centre's report must make no call outside.
ARGUMENTS_CHROMIUM = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--metrics-recording-only",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
]

CHROMIUM_SYSTEME = "/usr/bin/chromium"


def dossier_navigateurs() -> Path:
    return Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache/ms-playwright")


def executable_chromium(chemin_playwright: str | None) -> str | None:
    """Playwright's build when its file exists, else the system Chromium; None means use the
    default of Playwright (which will then fail with its own message)."""
    forced = os.environ.get("RECETTE_CHROMIUM")
    if forced:
        return forced
    if chemin_playwright and Path(chemin_playwright).exists():
        return None
    if Path(CHROMIUM_SYSTEME).exists():
        return CHROMIUM_SYSTEME
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found


def lancer_chromium(playwright, **options):
    """The one way the bench starts Chromium (séances, pre-flight checks, benchmarks)."""
    return playwright.chromium.launch(
        headless=True,
        executable_path=executable_chromium(playwright.chromium.executable_path),
        args=ARGUMENTS_CHROMIUM,
        **options,
    )


def preparer_ffmpeg() -> Path | None:
    """Playwright records video with its own ffmpeg build, which cannot be downloaded here: link
    Debian's ffmpeg where Playwright looks for it. Returns the path, or None if no ffmpeg exists."""
    import playwright

    browsers = Path(playwright.__file__).parent / "driver/package/browsers.json"
    try:
        entries = json.loads(browsers.read_text())["browsers"]
        revision = next(b["revision"] for b in entries if b["name"] == "ffmpeg")
    except (OSError, StopIteration, KeyError, ValueError):
        return None
    cible = dossier_navigateurs() / f"ffmpeg-{revision}" / "ffmpeg-linux"
    if cible.exists():
        return cible
    source = shutil.which("ffmpeg")
    if source is None:
        return None
    cible.parent.mkdir(parents=True, exist_ok=True)
    try:
        cible.symlink_to(source)
    except FileExistsError:
        pass
    return cible
