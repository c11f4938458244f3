from pathlib import Path

import pytest

from triage.datafiles import default_data_path
from triage.errors import LexiconError, PolicyError
from triage.rules.cues import CueLexicon
from triage.rules.policy import Policy


def edited_policy(tmp_path: Path, old: str, new: str) -> Path:
    """The shipped policy with one edit, written to a temporary file."""
    text = default_data_path("policy.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "policy.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_the_shipped_policy_loads():
    policy = Policy.load()
    assert [r.id for r in policy.categories["gas"]] == ["R1-gas"]
    assert policy.manager[-1].routes == ("property",)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("route: gas_utility", "route: gas_company", r"policy\.yaml: rule R1-gas: unknown route \['gas_company'\]"),
    ("when_any: [no_manager]", "when_any: [no_mgr]",
     r"rule R7-no-manager: when_any names unknown cues \['no_mgr'\]"),
    ("id: R6-other", "id: R1-gas", "rule R1-gas: duplicate id"),
    ("route: manual\nmanager:", "when_any: [compound]\n      route: manual\nmanager:",
     r"the last rule of other \(R6-other\) must have no conditions"),
    ("    route: community\n  - id: R7-residents", "    route: manager\n  - id: R7-residents",
     r"rule R7-no-manager: unknown route \['manager'\]"),
    ("      route: gas_utility", "      route: gas_utility\n      colour: red",
     r"categories\.gas rule 1: unknown keys \['colour'\]"),
])
def test_an_invalid_entry_is_named_with_the_file(tmp_path, old, new, message):
    path = edited_policy(tmp_path, old, new)
    with pytest.raises(PolicyError, match=message) as info:
        Policy.load(path)
    assert str(info.value).startswith(str(path))


def test_a_category_without_rules(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("categories:\n  gas:\n    - {id: g, route: gas_utility}\nmanager: []\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"no rules for categories \['water', 'drainage'"):
        Policy.load(path)


def test_broken_yaml_names_the_file(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("categories: [unclosed", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"policy\.yaml: not valid YAML"):
        Policy.load(path)


def test_missing_file(tmp_path):
    with pytest.raises(PolicyError, match=r"nowhere\.yaml: cannot read"):
        Policy.load(tmp_path / "nowhere.yaml")


def test_a_bad_cue_regex_names_the_cue(tmp_path):
    path = tmp_path / "cues.yaml"
    path.write_text("cues:\n  road:\n    - 马路\n    - 're:(unclosed'\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"cue 'road': bad regular expression"):
        CueLexicon.load(path)
