"""How the command line presents itself: -h and --help on every command, --version, usage errors exit 2."""

import re

import typer
from typer.testing import CliRunner

from service.cli import app
from service.cli.store_commands import Role
from service.store import ROLES
from triage.model.artifacts import active_version

runner = CliRunner()


def every_command(group: typer.Typer, prefix: tuple[str, ...] = ()):
    for command in group.registered_commands:
        yield (*prefix, (command.name or command.callback.__name__).replace("_", "-"))
    for sub in group.registered_groups:
        yield (*prefix, sub.name)
        yield from every_command(sub.typer_instance, (*prefix, sub.name))


def test_every_command_takes_h_and_help_and_shows_an_example():
    commands = [(), *every_command(app)]
    assert ("serve",) in commands and ("keys", "create") in commands
    for command in commands:
        short, long = runner.invoke(app, [*command, "-h"]), runner.invoke(app, [*command, "--help"])
        assert short.exit_code == 0, (command, short.output)
        assert short.output == long.output, command
        if command and command[-1] not in ("corpus", "models", "keys"):  # groups list their commands instead
            assert "Example: triage" in short.output, command


def test_help_placeholders_name_what_to_give():
    result = runner.invoke(app, ["keys", "create", "-h"])
    assert "--role ROLE" in result.output and "--database-url URL" in result.output
    assert "triage tag" in runner.invoke(app, ["tag", "-h"]).output
    assert "-o, --output PATH" in runner.invoke(app, ["tag", "-h"]).output
    for command in every_command(app):
        options = [line for line in runner.invoke(app, [*command, "-h"]).output.splitlines()
                   if line.lstrip().startswith("-")]
        odd = [line for line in options if re.search(r"<(str|path|int|float|list)", line)]
        assert not odd, (command, odd)  # typer's own "<str>", "<int range>" read oddly: each option names its value


def test_version_prints_the_program_and_the_active_model(small_models_dir, monkeypatch):
    monkeypatch.setenv("TRIAGE_MODELS_DIR", str(small_models_dir))
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("triage 0.1.0, model ")
    assert active_version(small_models_dir) in result.output


def test_version_without_a_model_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIAGE_MODELS_DIR", str(tmp_path))
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert f"no active model in {tmp_path}" in result.output


def test_an_unknown_role_is_a_usage_error(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = runner.invoke(app, ["keys", "create", "--role", "root", "--database-url", url])
    assert result.exit_code == 2
    assert "'root' is not one of 'intake', 'unit', 'staff', 'admin'" in result.output
    assert not (tmp_path / "x.db").exists()  # refused before the store was opened


def test_the_command_lines_roles_are_the_stores():
    assert tuple(Role) == ROLES


def test_charts_without_the_plots_extra_name_the_install_line(tmp_path, monkeypatch):
    import sys

    tagged = tmp_path / "tagged.jsonl"
    tagged.write_text('{"category": "water", "urgency": "normal", "route": "water_utility", "needs_review": false}\n',
                      encoding="utf-8")
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if the extra were not installed
    result = runner.invoke(app, ["report", str(tagged), "-o", str(tmp_path / "report.html")])
    assert result.exit_code == 1
    assert "charts need the plots extra: pip install -e '.[plots]'" in result.output
    assert not (tmp_path / "report.html").exists()
