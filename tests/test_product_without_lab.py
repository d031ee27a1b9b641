"""The product runs without its lab: importing newsdesk, its command's help, the web app and the pipeline load
neither scikit-learn nor rouge-score nor newsdesk_lab, and `newsdesk eval`/`bench` without the lab say how to
install it."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

LAB_MODULES = ("sklearn", "rouge_score", "newsdesk_lab")

PRODUCT = """
import sys
from pathlib import Path
import newsdesk, newsdesk.pipeline
from newsdesk.cli import main
from newsdesk.pipeline import Desk, StoryGrouper
from newsdesk.storage import open_storage
from newsdesk.web import create_app

for argv in (["newsdesk", "--help"], ["newsdesk", "eval", "--help"], ["newsdesk", "bench", "--help"]):
    sys.argv = argv
    try:
        main()
    except SystemExit:
        pass
create_app(open_storage(DB))
print("LOADED", sorted(m for m in sys.modules if m.split(".")[0] in LAB_MODULES))
"""


def test_product_imports_no_lab_module(tmp_path):
    code = f"DB = {str(tmp_path / 'desk.db')!r}\nLAB_MODULES = {LAB_MODULES!r}\n" + PRODUCT
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180,
                          env=dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), COLUMNS="120"))
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stdout


@pytest.mark.parametrize("command", [["eval", "clustering"], ["eval", "extraction"], ["eval", "summaries"],
                                     ["bench", "dedupe"], ["bench", "pipeline"]])
def test_without_the_lab_eval_and_bench_say_how_to_install_it(tmp_path, command):
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "newsdesk_lab.py").write_text('raise ImportError("newsdesk_lab is blocked for this test")\n')
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text('{"id": "1", "title": "A", "text": "B", "event": "e"}\n')
    for suffix in (".source", ".target"):
        (tmp_path / f"neus{suffix}").write_text("")
    argument = {"clustering": [str(labelled)], "extraction": [str(tmp_path)], "summaries": [str(tmp_path / "neus")]}
    path = os.pathsep.join([str(blocked), *filter(None, [os.environ.get("PYTHONPATH")])])
    done = subprocess.run([sys.executable, "-m", "newsdesk", *command, *argument.get(command[1], [])],
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=path, COLUMNS="300", XDG_DATA_HOME=str(tmp_path / "data")))
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "pip install -e lab/" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


ROOT = Path(__file__).resolve().parents[1]


def _imports(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                yield path, node.module
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name


def test_the_product_never_imports_the_lab_or_its_dependencies():
    found = [(str(path.relative_to(ROOT)), module) for path, module in _imports(ROOT / "src" / "newsdesk")
             if module.split(".")[0] in LAB_MODULES]
    assert found == []          # cli/lab.py imports the lab by name, at the command's call


def test_the_lab_uses_the_product_only_through_package_surfaces():
    found = [(str(path.relative_to(ROOT)), module) for path, module in _imports(ROOT / "lab" / "src")
             if module.startswith("newsdesk.") and module.count(".") > 1]
    assert found == []
