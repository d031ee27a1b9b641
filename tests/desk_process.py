"""A `newsdesk` command that serves the web desk, started as a real process, read until it says where it is."""

import subprocess
import sys
import time


def start_serving(args: list[str], env: dict[str, str], timeout: float = 60) -> tuple[subprocess.Popen, list[str]]:
    """`newsdesk ARGS` started, and the lines it printed up to the one with its address ("open http://…")."""
    proc = subprocess.Popen([sys.executable, "-m", "newsdesk", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while not any("open http" in line for line in lines) and time.monotonic() < deadline:
        lines.append(proc.stdout.readline())
        if not lines[-1] and proc.poll() is not None:
            break
    return proc, lines
