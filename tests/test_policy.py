from pathlib import Path

import pytest

from triage.cues import CueLexicon, default_data_path
from triage.errors import LexiconError, PolicyError
from triage.policy import Policy


def write_policy(tmp_path: Path, text: str) -> Path:
    original = default_data_path("policy.yaml").read_text(encoding="utf-8")
    path = tmp_path / "policy.yaml"
    path.write_text(original + text, encoding="utf-8")
    return path


def test_the_shipped_policy_loads():
    policy = Policy.load()
    assert [r.id for r in policy.categories["gas"]] == ["R1-gas"]
    assert policy.manager[-1].routes == ("property",)


def test_unknown_route_names_file_and_rule(tmp_path):
    path = tmp_path / "policy.yaml"
    text = default_data_path("policy.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("route: gas_utility", "route: gas_company"), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"policy.yaml: rule R1-gas: unknown route \['gas_company'\]"):
        Policy.load(path)


def test_unknown_cue_names_the_rule(tmp_path):
    path = tmp_path / "policy.yaml"
    text = default_data_path("policy.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("when_any: [no_manager]", "when_any: [no_mgr]"), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"rule R7-no-manager: when_any names unknown cues \['no_mgr'\]"):
        Policy.load(path)


def test_duplicate_rule_id(tmp_path):
    path = tmp_path / "policy.yaml"
    text = default_data_path("policy.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("id: R6-other", "id: R1-gas"), encoding="utf-8")
    with pytest.raises(PolicyError, match="rule R1-gas: duplicate id"):
        Policy.load(path)


def test_a_category_without_rules(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("categories:\n  gas:\n    - {id: g, route: gas_utility}\nmanager: []\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"no rules for categories \['water', 'drainage'"):
        Policy.load(path)


def test_the_last_rule_must_catch_everything(tmp_path):
    path = tmp_path / "policy.yaml"
    text = default_data_path("policy.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("route: manual\nmanager:", "when_any: [compound]\n      route: manual\nmanager:"),
                    encoding="utf-8")
    with pytest.raises(PolicyError, match=r"the last rule of other \(R6-other\) must have no conditions"):
        Policy.load(path)


def test_manager_rules_route_only_to_managers(tmp_path):
    path = tmp_path / "policy.yaml"
    text = default_data_path("policy.yaml").read_text(encoding="utf-8")
    broken = text.replace("    route: community\n  - id: R7-residents", "    route: manager\n  - id: R7-residents")
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(PolicyError, match=r"rule R7-no-manager: unknown route \['manager'\]"):
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
