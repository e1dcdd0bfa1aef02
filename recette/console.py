"""The one place where the bench prints to a terminal: its two consoles and `echapper`.

Rich reads « [...] » as markup. Text that comes from people (grid labels, scenario and anomaly
titles, names, paths, error messages that quote a file) may hold brackets: printed as markup,
`[/b]` raises an error and `[red]` restyles the line. Every piece of such text is printed
through `echapper`, and only the bench's own literal strings carry markup."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.markup import escape

# Outside a terminal (logs, CI, pipes) tables get room instead of 80 columns.
console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
erreurs = Console(stderr=True, highlight=False, soft_wrap=True)


def echapper(valeur: Any) -> str:
    """Any value as text that Rich prints literally (markup and all)."""
    return escape(str(valeur))


__all__ = ["console", "echapper", "erreurs"]
