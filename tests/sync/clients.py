"""Real reader apps nobody here wrote, installed for the tests that drive them: Debian's newsboat (apt, as the
browser tests' Chromium) and PyPI's google-reader client in a Python 3.12 venv of its own, kept under
~/.cache/newsdesk/ between runs. A test is skipped, saying why, only when the install itself fails."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CACHE = Path.home() / ".cache" / "newsdesk"
GOOGLE_READER = "google-reader==0.0.3"
PYTHON_312 = Path.home() / ".pyenv" / "versions" / "3.12.1" / "bin" / "python"


def _apt_install(*packages: str) -> str | None:
    """None when installed, else why not."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return "not root, or no apt-get"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", *packages]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            return f"{' '.join(command)} failed: {done.stderr.strip()[-400:]}"
    return None


def debian_programs(*names: str) -> dict[str, str]:
    """The paths of these Debian programs (package = program name), installed with apt-get when missing."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        why = _apt_install(*missing)
        if why is not None:
            pytest.skip(f"needs Debian's {', '.join(missing)} (apt-get install -y {' '.join(missing)}): {why}")
    return {name: shutil.which(name) for name in names}


def google_reader_python() -> Path:
    """A Python with PyPI's google-reader client (it needs Python 3.12), made once and kept in the cache."""
    venv = CACHE / "venvs" / GOOGLE_READER.replace("==", "-")
    python = venv / "bin" / "python"
    if python.exists() and subprocess.run([python, "-c", "import google_reader"], capture_output=True).returncode == 0:
        return python
    base = str(PYTHON_312) if PYTHON_312.exists() else shutil.which("python3.12")
    if base is None:
        pytest.skip(f"needs Python 3.12 (pyenv's {PYTHON_312}) for PyPI's {GOOGLE_READER}")
    made = subprocess.run([base, "-m", "venv", "--clear", str(venv)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"could not make a venv with {base}: {made.stderr.strip()[-400:]}")
    installed = subprocess.run([python, "-m", "pip", "install", "-q", GOOGLE_READER], capture_output=True,
                               text=True, timeout=600)
    if installed.returncode != 0:
        pytest.skip(f"could not install {GOOGLE_READER} from PyPI: {installed.stderr.strip()[-400:]}")
    return python
