"""A retraining job: training gets a snapshot of the corrections as rows, the job keeps its state in the store."""

import pytest

from service.retrain_job import run_job, start_job
from service.store import Store


def test_a_job_that_cannot_train_is_recorded_as_failed(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'triage.db'}")
    job = store.create_job("王芳", None)
    with pytest.raises(Exception, match="no active model"):
        run_job(store, job, models_dir=tmp_path / "empty", log=lambda m: None)
    assert store.job(job)["status"] == "failed"
    assert "no active model" in store.job(job)["progress"]
    store.close()


@pytest.mark.slow  # end to end: a real worker process
def test_a_started_job_runs_in_its_own_process_and_logs_beside_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'triage.db'}"
    store = Store.open(url)
    job = store.create_job("王芳", None)
    models = tmp_path / "models"
    models.mkdir()
    process = start_job(url, job, models_dir=models)
    process.join(timeout=120)
    assert process.exitcode != 0  # nothing to retrain from: the failure is the job's, not the caller's
    assert store.job(job)["status"] == "failed"
    assert "no active model" in (models / ".retrain-logs" / f"job-{job}.log").read_text(encoding="utf-8")
    store.close()
