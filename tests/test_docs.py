"""The README documents every command, setting and endpoint; imports run one way."""

import re
import subprocess
import sys
from pathlib import Path

from service.cli import app
from service.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def command_names(group, prefix=""):
    for command in group.registered_commands:
        yield prefix + (command.name or command.callback.__name__).replace("_", "-")
    for sub in group.registered_groups:
        yield from command_names(sub.typer_instance, prefix + sub.name + " ")


def test_every_command_is_in_the_readme():
    names = list(command_names(app))
    assert "corpus check" in names and "serve" in names
    for name in names:
        assert f"`triage {name}" in README, name


def test_every_setting_is_in_the_readme():
    for field in Settings.model_fields:
        assert f"`TRIAGE_{field.upper()}`" in README, field


def test_every_endpoint_is_in_the_readme(triager, tmp_path):
    from conftest import service_settings

    from service.app import create_app

    spec = create_app(service_settings(tmp_path, noop_route=True), triager=triager).openapi()
    routes = {(method.upper(), path) for path, methods in spec["paths"].items() for method in methods}
    assert ("POST", "/v1/triage") in routes
    for method, path in routes:
        assert re.search(rf"`{method} {re.escape(path)}", README), (method, path)


def test_importing_triage_pulls_in_no_web_framework_or_database():
    code = ("import sys, triage; bad = [m for m in ('fastapi', 'starlette', 'uvicorn', 'sqlalchemy', "
            "'psycopg', 'sqlite3', 'training', 'service') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_ci_runs_exactly_the_readme_test_command():
    ci_command = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text().strip().splitlines()[-1]
    readme_commands = README.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert readme_commands[1] == ci_command
