"""The import contract: a stage imports another stage only through its package surface (`from newsdesk.fetch
import Fetcher`, never `from newsdesk.fetch.fetcher import …`), only `storage` imports a database driver, and
no stage imports `cli` or `web`. The shared modules (`newsdesk.model`, `config`, `timeutil`, `errors`,
`lifeline` and the package root) may be imported by every stage."""

from __future__ import annotations

import ast
from pathlib import Path

import newsdesk

PACKAGE = Path(newsdesk.__file__).parent
STAGES = frozenset(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
SHARED = frozenset({"model", "config", "timeutil", "errors", "lifeline"})
DATABASE_DRIVERS = frozenset({"sqlite3", "psycopg", "psycopg2", "psycopg_pool"})
INTERFACES = frozenset({"cli", "web"})       # the layers over the stages; they import stages, never the reverse
TOP = frozenset({"newsdesk.__main__", "newsdesk.cli"})   # the command line may import the web desk to serve it

# Imports that break the contract, as (importer, imported): none left once the lab, storage and pipeline parts of
# issue #22 landed. An entry here needs a comment saying why and when it goes.
ALLOWED: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = ("newsdesk", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path):
    """(line, imported module, name imported from it or None) for every absolute import in the file, those
    inside functions and `if TYPE_CHECKING:` included."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                yield node.lineno, node.module, alias.name


def _surface(stage: str) -> set[str]:
    """The names a stage's `__init__` binds."""
    names: set[str] = set()
    for node in ast.parse((PACKAGE / stage / "__init__.py").read_text()).body:
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                names.update(ast.literal_eval(node.value))     # names a stage loads lazily are listed here
    return names


def _breaches(importer: str, imported: str, name: str | None) -> list[str]:
    own = importer.split(".")[1] if importer.count(".") >= 1 else None
    top = imported.split(".")
    if top[0] in DATABASE_DRIVERS:
        return [] if own == "storage" else [f"imports the database driver {imported}"]
    if top[0] != "newsdesk":
        return []
    if len(top) == 1:                           # `from newsdesk import storage`, `from newsdesk import USER_AGENT`
        if name in STAGES and name != own and name in INTERFACES and importer not in TOP:
            return [f"imports newsdesk.{name}, a layer over the stages"]
        return []
    stage = top[1]
    if stage in SHARED or stage not in STAGES or stage == own:
        return []
    found = []
    if stage in INTERFACES and own not in INTERFACES and importer not in TOP:
        found.append(f"imports {imported}, a layer over the stages")
    if len(top) > 2:
        found.append(f"imports {imported} from outside newsdesk.{stage}: use newsdesk.{stage}'s surface")
    elif name is not None and (PACKAGE / stage / f"{name}.py").is_file() and name not in _surface(stage):
        found.append(f"imports the module newsdesk.{stage}.{name}: use newsdesk.{stage}'s surface")
    return found


def _all_breaches() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = _module_name(path)
        for line, imported, name in _imports(path):
            for breach in _breaches(importer, imported, name):
                found.setdefault((importer, imported), []).append(f"{path.relative_to(PACKAGE.parent)}:{line}: {breach}")
    return found


def test_stages_import_each_other_only_through_their_surfaces():
    breaches = {pair: lines for pair, lines in _all_breaches().items() if pair not in ALLOWED}
    assert not breaches, "\n".join(line for lines in breaches.values() for line in lines)


def test_the_allow_list_holds_only_imports_that_still_break_the_contract():
    stale = ALLOWED - set(_all_breaches())
    assert not stale, f"mended, so remove from ALLOWED: {sorted(stale)}"


def test_the_contract_sees_each_kind_of_breach():
    assert _breaches("newsdesk.pipeline.desk", "newsdesk.fetch.fetcher", "Fetcher")
    assert _breaches("newsdesk.pipeline.desk", "newsdesk.storage", "store")
    assert _breaches("newsdesk.dedupe.match", "sqlite3", None)
    assert _breaches("newsdesk.pipeline.desk", "newsdesk.web", "create_app")
    assert _breaches("newsdesk.extract.article", "newsdesk", "cli")


def test_the_contract_lets_through_what_it_allows():
    assert not _breaches("newsdesk.pipeline.desk", "newsdesk.fetch", "Fetcher")
    assert not _breaches("newsdesk.storage.database", "sqlite3", None)
    assert not _breaches("newsdesk.fetch.fetcher", "newsdesk.errors", "NewsdeskError")
    assert not _breaches("newsdesk.dedupe.match", "newsdesk.model", "Candidate")
    assert not _breaches("newsdesk.cli.serve", "newsdesk.web", "create_app")
    assert not _breaches("newsdesk.fetch.fetcher", "newsdesk.fetch.body", "decoder_for")
