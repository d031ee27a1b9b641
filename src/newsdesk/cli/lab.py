"""`newsdesk eval` and `newsdesk bench` run code of the lab (`newsdesk_lab`), a distribution of its own."""

from __future__ import annotations

import importlib
from types import ModuleType

from newsdesk.cli.common import fail

INSTALL_HINT = "the lab is not installed: pip install -e lab/ (make test installs it)"
_LAB_DEPENDENCIES = ("newsdesk_lab", "rouge_score", "sklearn")


def lab_module(name: str) -> ModuleType:
    """`newsdesk_lab.<name>`, or one line saying how to install the lab and exit 1."""
    try:
        importlib.import_module("newsdesk_lab")
    except ImportError:
        fail(INSTALL_HINT)
    try:
        return importlib.import_module(f"newsdesk_lab.{name}")
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] in _LAB_DEPENDENCIES:
            fail(INSTALL_HINT)
        raise
