"""Real labels join their texts by id; a missing or changed texts file stops training, naming the file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from training.real import load_label_sets
from training.real_split import assign_grouped_splits, incident_groups, straddling_groups
from triage.errors import CorpusError

TEXTS = {"r-1": "三号楼楼道里的水管爆了，水流得满地都是。", "r-2": "今年的暖气一直不热，屋里才十几度。",
         "r-3": "文化路和农业路交叉口往北一段路灯全不亮，晚上很黑。"}


def label(id_: str, category: str = "other", route: str = "manual", **extra) -> dict:
    return {"id": id_, "category": category, "categories": [category], "urgency": "normal", "route": route,
            "confidence": "high", "split": "train", **extra}


def write_set(folder: Path, labels: list[dict], texts: dict[str, str] = TEXTS, **entry) -> Path:
    pool = folder / "pool.jsonl"
    pool.write_text("".join(json.dumps({"id": k, "text": v}, ensure_ascii=False) + "\n" for k, v in texts.items()),
                    encoding="utf-8")
    (folder / "labels.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in labels),
                                         encoding="utf-8")
    manifest = folder / "sets.json"
    manifest.write_text(json.dumps([{"name": "pool", "labels": "labels.jsonl", "texts": "pool.jsonl",
                                     "texts_sha256": hashlib.sha256(pool.read_bytes()).hexdigest(), **entry}]))
    return manifest


def test_labels_are_joined_to_their_texts_and_weighed(tmp_path):
    manifest = write_set(tmp_path, [label("r-2"), label("r-3", "lighting", "streetlight_authority",
                                                         confidence="low", note="hard")], weight=3.0)
    rows, records = load_label_sets([manifest])
    assert [r["text"] for r in rows] == [TEXTS["r-2"], TEXTS["r-3"]]
    assert [r["weight"] for r in rows] == [3.0, 1.5]  # low confidence counts half
    assert records[0]["rows"] == 2 and records[0]["texts_sha256"] == hashlib.sha256(
        (tmp_path / "pool.jsonl").read_bytes()).hexdigest()


def test_a_missing_texts_file_stops_loading_and_names_it(tmp_path):
    manifest = write_set(tmp_path, [label("r-2")])
    (tmp_path / "pool.jsonl").unlink()
    with pytest.raises(CorpusError, match=r"pool\.jsonl: the texts of label set 'pool' are missing"):
        load_label_sets([manifest])


def test_a_changed_texts_file_stops_loading_and_names_it(tmp_path):
    manifest = write_set(tmp_path, [label("r-2")])
    with open(tmp_path / "pool.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "r-4", "text": "新的一条"}, ensure_ascii=False) + "\n")
    with pytest.raises(CorpusError, match=r"pool\.jsonl: changed since the labels"):
        load_label_sets([manifest])


def test_a_label_whose_id_is_not_in_the_texts_is_refused(tmp_path):
    manifest = write_set(tmp_path, [label("r-2"), label("r-9")])
    with pytest.raises(CorpusError, match=r"labels\.jsonl:2: id 'r-9' is not in the texts file"):
        load_label_sets([manifest])


def test_a_label_that_breaks_the_contract_is_refused(tmp_path):
    manifest = write_set(tmp_path, [label("r-2", route="property")])
    with pytest.raises(CorpusError, match="must route to 'manual'"):
        load_label_sets([manifest])


def test_the_same_id_in_two_sets_is_refused(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    with pytest.raises(CorpusError, match="also labeled"):
        load_label_sets([write_set(first, [label("r-2")]), write_set(second, [label("r-2")])])


REPOST = "A3区幸福小区5号楼门口的下水井盖丢了好几天了，晚上路过的老人差点掉进去，请尽快派人来处理。"


def test_reposts_of_one_incident_share_a_group_and_a_split():
    texts = [REPOST, "再次反映：" + REPOST + "已经第三次反映了！",
             "今年的暖气一直不热，屋里才十几度，老人孩子都冻感冒了。"]
    groups = incident_groups(texts)
    assert groups[0] == groups[1] != groups[2]
    rows = [{"id": f"r-{i}", "text": t} for i, t in enumerate(texts)]
    rows[1]["split"] = "heldout"  # an existing split is kept, and its group follows it
    assert assign_grouped_splits(rows) == 2
    assert rows[0]["split"] == "heldout"
    assert straddling_groups(rows) == []
    rows[0]["split"] = "train"
    assert straddling_groups(rows) == [["r-0", "r-1"]]


@pytest.mark.slow  # trains a model
def test_training_records_each_set_and_scores_its_held_out_split(tmp_path, corpus, small_corpus_dir):
    from training.train import train

    picked = [r for r in corpus if r["split"] == "heldout"][:60]
    texts = {f"p-{i}": r["text"] for i, r in enumerate(picked)}
    labels = [label(f"p-{i}", r["category"], r["route"], categories=r["categories"], urgency=r["urgency"],
                    split="heldout" if i % 4 == 0 else "train") for i, r in enumerate(picked)]
    manifest = write_set(tmp_path, labels, texts, weight=2.0)
    _, meta = train(small_corpus_dir, tmp_path / "models", label_sets=[manifest], dev_path=tmp_path / "none",
                    log=lambda m: None, params={"cv": 3})
    record = meta["training"]["label_sets"][0]
    assert (record["name"], record["rows"], record["heldout"]) == ("pool", 60, 15)
    assert meta["training"]["real_texts"] == 45
    assert meta["metrics"]["real_heldout"]["n"] == 15
    assert set(meta["thresholds"]["review"]) == {"category", "urgency", "route"}
    assert meta["review_out_of_fold"]["rows"] == "real"


def test_the_train_command_names_a_missing_texts_file(tmp_path, small_corpus_dir):
    from typer.testing import CliRunner

    from service.cli import app

    manifest = write_set(tmp_path, [label("r-2")])
    (tmp_path / "pool.jsonl").unlink()
    result = CliRunner().invoke(app, ["train", "--corpus", str(small_corpus_dir), "--models", str(tmp_path / "m"),
                                      "--sets", str(manifest)])
    assert result.exit_code == 1
    assert "pool.jsonl: the texts of label set 'pool' are missing" in result.output


def test_agreement_counts_only_ids_both_labelings_hold():
    from training.agreement import agreement

    first = [label("a", "water", "water_utility"), label("b"), label("c")]
    second = [label("a", "water", "property"), label("b"), label("z")]
    figures = agreement(first, second)
    assert figures["category"]["n"] == 2 and figures["category"]["agree"] == 1.0
    assert figures["route"]["agree"] == 0.5 and figures["route"]["kappa"] < figures["category"]["kappa"]
