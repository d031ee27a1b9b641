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
import pytest

pytestmark = pytest.mark.slow        # real newsdesk processes


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
        # the web processes start fresh interpreters: on a busy machine the first answer can take a while
        home = httpx.get(url, timeout=60)
        assert home.status_code == 200, home.text[-600:]
        assert "Top stories" in home.text
        assert httpx.get(url + "api/v1/stories", timeout=60).json()["stories"]
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
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "--port" in done.stderr


def _children(pid: int) -> list[int]:
    found = []
    for stat in os.listdir("/proc"):
        if stat.isdigit():
            try:
                with open(f"/proc/{stat}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(stat))
    return found


def test_serve_with_worker_processes_shares_logins_and_stops_them_all(desk_db, tmp_path):
    from .conftest import PASSWORD

    path, _ = desk_db
    env = dict(os.environ, NEWSDESK_DB=path, NEWSDESK_CONFIG=str(tmp_path / "none.toml"))
    proc = subprocess.Popen([sys.executable, "-m", "newsdesk", "serve", "--port", "0", "--workers", "2"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = ""
        deadline = time.monotonic() + 60
        while "open http" not in line and time.monotonic() < deadline:
            line = proc.stdout.readline()
        assert "2 web processes" in line, line
        url = re.search(r"open (http://127\.0\.0\.1:\d+/)", line).group(1)
        form = httpx.get(url + "login", timeout=30)
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        login = httpx.post(url + "login", data={"name": "admin", "password": PASSWORD, "csrf": csrf, "next": "/"},
                           cookies=form.cookies, timeout=30)
        assert login.status_code == 303, login.text[-300:]
        workers = [p for p in _children(proc.pid) if "spawn_main" in open(f"/proc/{p}/cmdline").read()]
        assert len(workers) == 2
        # A fresh connection each time: the kernel hands them to either process; each must accept the session.
        pages = [httpx.get(url, cookies=login.cookies, timeout=30) for _ in range(16)]
        assert all(p.status_code == 200 and "Log out" in p.text for p in pages)
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    assert "stopped." in output
    assert not [p for p in workers if os.path.exists(f"/proc/{p}")]      # stopped and reaped by the parent
