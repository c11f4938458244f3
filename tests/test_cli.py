"""The command line, run in-process: exit codes and exact messages."""

import codecs
import json
import re

import pytest
from typer.testing import CliRunner

from service.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_every_command_has_help_with_an_example():
    for command in (["train"], ["tag"], ["eval"], ["corpus", "check"], ["corpus", "split"],
                    ["models", "list"], ["models", "activate"], ["retrain"], ["keys", "create"],
                    ["keys", "list"], ["keys", "revoke"]):
        result = run(*command, "--help")
        assert result.exit_code == 0, command
        assert "Example: triage" in result.output, command


def test_tag_jsonl_to_csv_with_a_bad_row(tmp_path, small_models_dir):
    source = tmp_path / "in.jsonl"
    rows = [{"id": "a", "text": "小区停水两天了", "channel": "电话"}, {"id": "b", "text": ""},
            {"id": "c", "text": "路灯全不亮"}]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = run("tag", source, "-o", tmp_path / "out.csv", "--models", small_models_dir)
    assert result.exit_code == 0, result.output
    written = (tmp_path / "out.csv").read_bytes()
    assert written.startswith(codecs.BOM_UTF8)  # Excel reads it as UTF-8
    lines = written.decode("utf-8-sig").splitlines()
    assert lines[0] == "id,text,channel,category,categories,urgency,route,route_name,confidence,needs_review,cues"
    assert [line.split(",")[0] for line in lines[1:]] == ["a", "c"]
    errors = (tmp_path / "out.errors.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(e) for e in errors] == [{"line": 2, "reason": "empty text", "id": "b"}]
    assert "tagged 2 of 3 rows" in result.stderr
    assert "1 bad rows in" in result.stderr


def test_tag_a_missing_file(tmp_path, small_models_dir):
    result = run("tag", tmp_path / "nope.csv", "-o", tmp_path / "out.jsonl", "--models", small_models_dir)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {tmp_path / 'nope.csv'}: no such file"


def test_tag_to_an_unsupported_format(tmp_path, small_models_dir):
    (tmp_path / "in.jsonl").write_text('{"text": "停水"}\n', encoding="utf-8")
    result = run("tag", tmp_path / "in.jsonl", "-o", tmp_path / "out.xlsx", "--models", small_models_dir)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: {tmp_path / 'out.xlsx'}: the output file must be one of .jsonl, .csv "
                                     "(got '.xlsx')")


def test_tag_without_a_model(tmp_path):
    (tmp_path / "in.jsonl").write_text('{"text": "停水"}\n', encoding="utf-8")
    result = run("tag", tmp_path / "in.jsonl", "-o", tmp_path / "o.jsonl", "--models", tmp_path / "empty")
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: {tmp_path / 'empty' / 'ACTIVE'}: no active model. Train one with "
                                     "'triage train' or point TRIAGE_MODELS_DIR at a models folder.")


def test_tag_a_gbk_csv_with_a_named_column(tmp_path, small_models_dir):
    source = tmp_path / "export.csv"
    source.write_bytes("编号,留言详情\n1,文化路的路灯坏了一个月\n".encode("gbk"))
    result = run("tag", source, "-o", tmp_path / "o.jsonl", "--text-column", "留言详情", "--models", small_models_dir)
    assert result.exit_code == 0, result.stderr
    [row] = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert row["编号"] == "1" and row["category"] in {"lighting", "other", "water", "gas", "drainage", "parking"}


def test_tag_csv_for_programs_without_bom_or_neutralising(tmp_path, small_models_dir):
    (tmp_path / "in.jsonl").write_text('{"id": "-1", "text": "=停水"}\n', encoding="utf-8")
    result = run("tag", tmp_path / "in.jsonl", "-o", tmp_path / "out.csv", "--no-bom", "--no-neutralise",
                 "--models", small_models_dir)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[1].startswith("-1,=停水,")


def test_tag_says_which_encoding_it_reads_a_csv_with(tmp_path, small_models_dir):
    source = tmp_path / "short.csv"
    source.write_bytes("id,text\n1,小区停水了\n2,路灯不亮\n".encode("gbk"))
    result = run("tag", source, "-o", tmp_path / "o.jsonl", "--models", small_models_dir)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == "reading short.csv as gb18030 (detected; --encoding to change)"
    result = run("tag", source, "-o", tmp_path / "o.jsonl", "--encoding", "gbk", "--models", small_models_dir)
    assert result.stderr.splitlines()[0] == "reading short.csv as gbk (--encoding)"


def test_tag_stops_at_a_csv_whose_detected_encoding_reads_as_no_chinese(tmp_path, small_models_dir):
    source = tmp_path / "damaged.csv"
    source.write_bytes("id,text\n1,小区停水了\n2,路灯不亮\n".encode("gbk") + b"\xff\n")
    result = run("tag", source, "-o", tmp_path / "o.jsonl", "--models", small_models_dir)
    assert result.exit_code == 1
    assert re.fullmatch(rf"Error: {re.escape(str(source))}: read as \S+ \(detected\), most of its letters are not "
                        r"Chinese characters \(0% are\); give the file's encoding with --encoding, e.g. --encoding gbk",
                        result.stderr.strip())
    assert not (tmp_path / "o.jsonl").exists()


def test_usage_errors_exit_2(tmp_path):
    result = run("tag", tmp_path / "in.jsonl")
    assert result.exit_code == 2
    assert "Missing option '-o' / '--output'" in result.stderr


def test_eval_prints_the_figures_and_draws_the_matrix(tmp_path, small_models_dir, corpus):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps({k: r[k] for k in ("id", "text", "category", "urgency", "route")},
                                         ensure_ascii=False) for r in corpus[:40]), encoding="utf-8")
    result = run("eval", gold, "--plot", tmp_path / "cm.png", "--models", small_models_dir)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("texts: 40  missing predictions: 0\ncategory  accuracy ")
    assert "category confusion (rows gold, columns predicted):" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("summary: macro_f1=")
    assert (tmp_path / "cm.png").read_bytes()[:4] == b"\x89PNG"


def test_eval_a_file_without_ids(tmp_path, small_models_dir):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"text": "停水"}\n', encoding="utf-8")
    result = run("eval", gold, "--models", small_models_dir)
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: gold.jsonl:1: every row needs an 'id' and a 'text'"


def test_models_list_and_activate(small_models_dir):
    assert run("models", "list", "--models", small_models_dir).stdout.startswith("* small")
    result = run("models", "activate", "v-none", "--models", small_models_dir)
    assert result.exit_code == 1
    assert "v-none" in result.stderr and "meta.json: no such file" in result.stderr


@pytest.mark.slow
def test_train_writes_an_active_version(tmp_path, small_models_dir):
    corpus_dir = tmp_path / "c"
    corpus_dir.mkdir()
    # reuse the small training slice the fixture wrote next to its models
    from training.data import load_corpus

    rows = load_corpus()[::17]  # a spread of every file, category and split
    (corpus_dir / "c.jsonl").write_text("\n".join(json.dumps({k: v for k, v in r.items() if k != "_where"},
                                                             ensure_ascii=False) for r in rows), encoding="utf-8")
    result = run("train", "--corpus", corpus_dir, "--models", tmp_path / "m", "--dev", tmp_path / "no-dev.jsonl")
    assert result.exit_code == 0, result.stderr
    assert f"corpus: {len(rows)} texts" in result.stderr
    assert (tmp_path / "m" / "ACTIVE").read_text().strip()


def test_train_refuses_a_corpus_with_one_category(tmp_path):
    from training.data import load_corpus

    rows = [r for r in load_corpus() if r["category"] == "gas"][:40]
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "c.jsonl").write_text("\n".join(json.dumps({k: v for k, v in r.items() if k != "_where"},
                                                                  ensure_ascii=False) for r in rows),
                                           encoding="utf-8")
    result = run("train", "--corpus", tmp_path / "c", "--models", tmp_path / "m", "--dev", tmp_path / "none",
                 "--no-sets")
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("Error: the training texts hold only one category (gas); "
                                          "a model needs at least two")


def test_keys_are_created_listed_and_revoked(tmp_path):
    from service.store import Store

    url = f"sqlite:///{tmp_path / 'triage.db'}"
    created = run("keys", "create", "--role", "staff", "--name", "王芳", "--database-url", url)
    assert created.exit_code == 0
    key = created.output.strip()
    store = Store.open(url)
    assert store.key_role(key) == ("王芳", "staff")
    listed = run("keys", "list", "--database-url", url).output
    assert "staff" in listed and "王芳" in listed and key not in listed
    assert run("keys", "revoke", "1", "--database-url", url).exit_code == 0
    assert store.key_role(key) is None
    store.close()


def test_tag_on_dask_needs_a_folder_and_a_scheduler(tmp_path):
    (tmp_path / "in.jsonl").write_text('{"text": "停水"}\n', encoding="utf-8")
    result = run("tag", tmp_path / "in.jsonl", "-o", tmp_path / "out", "--engine", "dask", "--scheduler", "tcp://h:8786")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: --engine dask tags a folder of files; give INPUT_DIR -o OUTPUT_DIR"
    result = run("tag", tmp_path, "-o", tmp_path / "out", "--engine", "dask")
    assert result.stderr.strip() == "Error: --engine dask needs --scheduler tcp://HOST:8786"


def test_tag_a_folder_into_a_folder(tmp_path, small_models_dir):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text('{"id": 1, "text": "停水"}\n', encoding="utf-8")
    (tmp_path / "in" / "b.csv").write_text("id,text\n2,路灯不亮\n3,\n", encoding="utf-8")
    result = run("tag", tmp_path / "in", "-o", tmp_path / "out", "--format", "csv", "--models", small_models_dir)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.csv", "b.csv", "b.errors.jsonl"]
    assert "tagged 2 of 3 rows" in result.stderr


def test_retrain_with_a_bad_database_url_is_one_line_naming_the_setting(monkeypatch):
    monkeypatch.setenv("TRIAGE_DATABASE_URL", "garbage")
    result = run("retrain")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: TRIAGE_DATABASE_URL: invalid database URL 'garbage'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_models_list_shows_a_damaged_version_and_the_others(tmp_path, small_models_dir):
    import shutil

    shutil.copytree(small_models_dir, tmp_path / "models")
    (tmp_path / "models" / "broken").mkdir()
    (tmp_path / "models" / "broken" / "meta.json").write_text("{oops", encoding="utf-8")
    result = run("models", "list", "--models", tmp_path / "models")
    assert result.exit_code == 0, result.output
    broken, small = result.stdout.splitlines()
    assert broken.startswith("  broken  damaged: ") and "cannot read model metadata" in broken
    assert small.startswith("* small  heldout macro-F1")
