"""Cue hits: the words that matched, distinct and in order, whether or not a cue's regex has groups."""

from triage.rules.cues import CueLexicon


def test_hits_are_whole_matches_distinct_in_order(tmp_path):
    path = tmp_path / "cues.yaml"
    path.write_text("cues:\n  road: [人行道, 马路]\n  grouped: ['re:(燃气|煤气)味']\n", encoding="utf-8")
    cues = CueLexicon.load(path)
    hits = cues.lazy("马路上有煤气味，人行道上也有燃气味，马路边煤气味")
    assert hits["road"] == ["马路", "人行道"]
    assert hits["grouped"] == ["煤气味", "燃气味"]
    assert cues.match("没有") == {}
