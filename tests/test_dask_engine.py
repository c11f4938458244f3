"""The Dask engine writes, for a folder of files, exactly what the local engine writes."""

import builtins
import json
import subprocess
import sys

import pytest
from conftest import ROOT

from tests.test_tagging import write_export
from triage.batch.partitions import tag_directory
from triage.batch.tagging import TaggingInterrupted
from triage.errors import MissingDependencyError


def write_partitions(folder, corpus):
    folder.mkdir()
    write_export(folder / "part-0.csv", corpus[:700], n=700)
    write_export(folder / "part-1.csv", corpus[700:1300], n=500)
    with open(folder / "part-2.jsonl", "w", encoding="utf-8") as f:
        for i, row in enumerate(corpus[1300:1700]):
            f.write(json.dumps({"id": f"j{i}", "留言详情": row["text"] if i % 50 else ""}, ensure_ascii=False) + "\n")
    (folder / "notes.txt").write_text("not an input file")
    return folder


@pytest.mark.slow  # starts a Dask cluster
def test_a_local_dask_cluster_writes_what_the_local_engine_writes(tmp_path, triager, corpus):
    import distributed

    from triage.batch.dask_engine import tag_directory_on_dask

    source = write_partitions(tmp_path / "in", corpus)
    local = tag_directory(triager, source, tmp_path / "local", fmt=".csv", text_column="留言详情", jobs=2)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        on_dask = tag_directory_on_dask(triager, source, tmp_path / "dask", scheduler=cluster.scheduler_address,
                                        models_dir=ROOT / "models", fmt=".csv", text_column="留言详情")
    assert (on_dask.rows, on_dask.tagged, on_dask.errors) == (local.rows, local.tagged, local.errors)
    assert (local.rows, local.errors) == (1600, 22)
    names = sorted(p.name for p in (tmp_path / "local").iterdir())
    assert names == ["part-0.csv", "part-0.errors.jsonl", "part-1.csv", "part-1.errors.jsonl", "part-2.csv",
                     "part-2.errors.jsonl"]
    assert sorted(p.name for p in (tmp_path / "dask").iterdir()) == names
    for name in names:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


def test_a_folder_resumes_file_by_file(tmp_path, triager, corpus):
    source = write_partitions(tmp_path / "in", corpus)
    tag_directory(triager, source, tmp_path / "out", text_column="留言详情")
    (tmp_path / "out" / "part-1.jsonl").unlink()
    again = tag_directory(triager, source, tmp_path / "out", text_column="留言详情", resume=True)
    assert again.rows == 500  # part-0 and part-2 were finished and are left alone


def test_ctrl_c_in_a_folder_counts_the_rows_written_and_the_folder_resumes_to_the_same_bytes(tmp_path, triager,
                                                                                               corpus):
    source = write_partitions(tmp_path / "in", corpus)
    tag_directory(triager, source, tmp_path / "whole", fmt=".csv", text_column="留言详情", batch_size=100)
    chunks = []

    def ctrl_c_in_the_second_file(n):
        chunks.append(n)
        if len(chunks) == 9:  # part-0.csv is 7 chunks of 100 rows
            raise KeyboardInterrupt

    with pytest.raises(TaggingInterrupted) as stopped:
        tag_directory(triager, source, tmp_path / "cut", fmt=".csv", text_column="留言详情", batch_size=100,
                      progress=ctrl_c_in_the_second_file)
    assert (stopped.value.rows_done, stopped.value.output) == (700 + 200, tmp_path / "cut")
    tag_directory(triager, source, tmp_path / "cut", fmt=".csv", text_column="留言详情", batch_size=100, resume=True)
    names = sorted(p.name for p in (tmp_path / "whole").iterdir())
    assert sorted(p.name for p in (tmp_path / "cut").iterdir()) == names
    for name in names:
        assert (tmp_path / "cut" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


def test_without_dask_the_error_names_the_install_line(monkeypatch, triager, tmp_path):
    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.split(".")[0] in {"dask", "distributed"}:
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    monkeypatch.delitem(sys.modules, "triage.batch.dask_engine", raising=False)
    from triage.batch.dask_engine import tag_directory_on_dask

    with pytest.raises(MissingDependencyError, match=r"^the Dask engine needs dask and distributed: "
                                                     r"pip install '\.\[dask\]'$"):
        tag_directory_on_dask(triager, tmp_path, tmp_path / "out", scheduler="tcp://127.0.0.1:8786",
                              models_dir=ROOT / "models")
    monkeypatch.delitem(sys.modules, "triage.batch.dask_engine")


def test_importing_triage_does_not_import_dask():
    code = ("import sys, triage, service.cli, triage.batch.tagging, triage.batch.partitions; "
            "print([m for m in ('dask', 'distributed') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
