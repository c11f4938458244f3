"""The layers run one way: the library imports neither training nor the service, training never the service."""

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(folder: str) -> dict[str, set[str]]:
    """Every module each file under ``folder`` imports, relative imports resolved to full names."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        package = list(path.relative_to(ROOT).with_suffix("").parts)[:-1]
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = package[:len(package) - node.level + 1] if node.level else []
                module = ".".join(base + ([node.module] if node.module else []))
                names |= {module} | {f"{module}.{alias.name}" for alias in node.names}
        found[str(path.relative_to(ROOT))] = names
    return found


def importers_of(folder: str, *packages: str) -> dict[str, set[str]]:
    out = {}
    for module, names in imported_modules(folder).items():
        hits = {n for n in names if n.split(".")[0] in packages or any(n.startswith(p + ".") or n == p
                                                                        for p in packages)}
        if hits:
            out[module] = hits
    return out


def test_the_library_imports_neither_training_nor_the_service():
    assert importers_of("triage", "training", "service") == {}


def test_training_builds_models_without_the_service_or_its_database():
    assert importers_of("training", "service", "sqlalchemy", "psycopg", "alembic") == {}


def test_nothing_imports_the_command_line():
    for folder in ("triage", "training", "service", "benchmarks"):
        found = {m: hits for m, hits in importers_of(folder, "service.cli").items() if not m.startswith("service/cli/")}
        assert found == {}, folder


def test_importing_triage_loads_no_framework_driver_cli_or_plotting():
    code = ("import sys, triage; print(sorted(m for m in sys.modules if m.split('.')[0] in {'fastapi', 'starlette', "
            "'uvicorn', 'sqlalchemy', 'psycopg', 'sqlite3', 'typer', 'click', 'matplotlib', 'dask', 'training', "
            "'service'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_answering_with_the_shipped_model_loads_no_scikit_learn():
    # scikit-learn is for fitting; loading it would cost a cold start most of a second
    code = ("import sys; from triage import Triager; "
            f"t = Triager.load(models_dir={str(ROOT / 'models')!r}); t.triage('楼道里有煤气味'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn' "
            "or m.split('.')[:2] in (['scipy', 'stats'], ['scipy', 'optimize'], ['scipy', 'special'])))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_only_the_settings_read_the_environment():
    readers = []
    for folder in ("triage", "training", "service"):
        for path in (ROOT / folder).rglob("*.py"):
            for line in path.read_text(encoding="utf-8").splitlines():
                if re.search(r"\bos\.environ\b|\bgetenv\(", line) and "PROMETHEUS_MULTIPROC_DIR" not in line:
                    readers.append(str(path.relative_to(ROOT)))
    assert readers == []  # service/settings.py reads TRIAGE_* through pydantic-settings, the only reader


def test_library_and_training_take_the_models_folder_and_database_as_arguments():
    import inspect

    from service.store import Store
    from training.retrain import retrain
    from training.train import train
    from triage import Triager
    from triage.model import artifacts

    required = {"Triager.load": inspect.signature(Triager.load).parameters["models_dir"],
                "train": inspect.signature(train).parameters["models_dir"],
                "retrain": inspect.signature(retrain).parameters["models_dir"],
                "Store.open": inspect.signature(Store.open).parameters["url"],
                **{f"artifacts.{name}": inspect.signature(getattr(artifacts, name)).parameters["models_dir"]
                   for name in ("active_version", "list_versions", "describe_versions", "activate")}}
    assert {name: p.default for name, p in required.items() if p.default is not inspect.Parameter.empty} == {}
    assert not hasattr(artifacts, "default_models_dir")
