"""`newsdesk serve` as a real process: prints the address it listens on, serves, stops cleanly; a busy port
is a clear error."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx


def test_serve_prints_its_address_and_stops_on_sigterm(desk_db, tmp_path):
    path, _ = desk_db
    env = dict(os.environ, NEWSDESK_DB=path, NEWSDESK_CONFIG=str(tmp_path / "none.toml"))
    proc = subprocess.Popen([sys.executable, "-m", "newsdesk", "serve", "--port", "0"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = ""
        deadline = time.monotonic() + 60
        while "open http" not in line and time.monotonic() < deadline:
            line = proc.stdout.readline()
        url = re.search(r"open (http://127\.0\.0\.1:\d+/)", line).group(1)
        home = httpx.get(url, timeout=10)
        assert home.status_code == 200 and "Top stories" in home.text, home.text[-600:]
        assert httpx.get(url + "api/v1/stories", timeout=10).json()["stories"]
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert "stopped." in output


def test_a_busy_port_is_a_clear_error(desk_db, tmp_path):
    path, _ = desk_db
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        env = dict(os.environ, NEWSDESK_DB=path, NEWSDESK_CONFIG=str(tmp_path / "none.toml"))
        done = subprocess.run([sys.executable, "-m", "newsdesk", "serve", "--port", str(port)], env=env,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr
