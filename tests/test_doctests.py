"""The examples in the library's docstrings run, and say what they really print."""

import doctest
import importlib
import pkgutil

import pytest

import triage


def library_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(triage.__path__, "triage.")]
    # migrations run only inside Alembic, and importing a __main__ runs the command line
    return ["triage", *(n for n in names if ".migrations" not in n and not n.endswith("__main__"))]


def modules_with_examples() -> list[str]:
    finder = doctest.DocTestFinder()
    return [name for name in library_modules()
            if any(test.examples for test in finder.find(importlib.import_module(name)))]


def test_the_library_has_examples_to_run():
    assert {"triage", "triage.triager", "triage.model.vectorize"} <= set(modules_with_examples())


@pytest.mark.parametrize("name", modules_with_examples())
def test_docstring_examples_print_what_they_say(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} print something else"
