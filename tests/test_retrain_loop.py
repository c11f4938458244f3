"""The correction loop, end to end over the API: a kind of text the model gets wrong, staff corrections,
retraining in a separate process, the gate, and the new model serving.

The kind: complaints about electric-bike charging posts (充电桩). LABELS.md puts them in `other`
(routed `manual`), and the small model calls them lighting, parking or gas.
"""

from __future__ import annotations

import itertools
import shutil
import time

import pytest
from conftest import service_settings
from fastapi.testclient import TestClient

from service.app import create_app
from triage import Triager

PROBLEMS = ["坏了好几天了，充不上电", "扫码付款后不通电", "收费太贵，一度电要两块钱", "一直显示故障", "插座烧坏了",
            "刷卡没反应"]
SEEN = ["小区里的电动车充电桩", "楼下的充电桩", "单元门口的电动车充电桩", "车棚里的充电桩", "我们院里新装的充电桩"]
UNSEEN = ["地下室的电瓶车充电桩", "小区东门那排充电桩"]

pytestmark = pytest.mark.slow  # end to end: real processes, servers or browsers


def texts(subjects: list[str]) -> list[str]:
    return [s + p + "，希望尽快处理。" for s, p in itertools.product(subjects, PROBLEMS)]


def right(triager: Triager, batch: list[str]) -> int:
    return sum(r.category == "other" for r in triager.triage_many(batch))


def test_corrections_teach_the_next_model_and_the_gate_lets_it_in(triager, tmp_path, small_models_dir,
                                                                  small_corpus_dir):
    models = tmp_path / "models"
    shutil.copytree(small_models_dir, models)
    before = Triager.load(models_dir=models)
    assert right(before, texts(UNSEEN)) <= 2, "the kind must be one the model gets wrong"

    settings = service_settings(tmp_path, models_dir=models, corpus_dir=small_corpus_dir, label_sets=[],
                                open_intake="never",
                                model_poll_seconds=0.5)
    app = create_app(settings, triager=before)
    store = app.state.service.store
    intake, staff, admin = ({"Authorization": "Bearer " + store.create_key(f"{r}-key", r)}
                            for r in ("intake", "staff", "admin"))
    with TestClient(app) as api:
        for i, text in enumerate(texts(SEEN)):
            assert api.post("/v1/triage", json={"id": f"C-{i}", "text": text, "store": True},
                            headers=intake).status_code == 200
            assert api.post(f"/v1/tickets/C-{i}/corrections", json={"category": "other", "route": "manual",
                            "note": "充电桩归其他类"}, headers=staff).status_code == 201

        job = api.post("/v1/models/retrain", headers=admin).json()
        deadline = time.monotonic() + 600
        while job["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, job
            time.sleep(1)
            job = api.get(f"/v1/models/jobs/{job['id']}", headers=admin).json()

        report = job["report"]
        assert job["status"] == "promoted", job
        assert report["reasons"] == [] and report["corrected_tickets"] == len(texts(SEEN))
        assert report["corrected_heldout"] > 0
        candidate, active = report["figures"]["heldout"]["candidate"], report["figures"]["heldout"]["active"]
        assert candidate["category_macro_f1"] >= active["category_macro_f1"]
        assert candidate["emergency_recall"] >= active["emergency_recall"]

        after = Triager.load(models_dir=models)
        assert after.version == job["candidate_version"]
        assert right(after, texts(UNSEEN)) >= 10  # of 12 texts of the kind it never saw

        waited = time.monotonic()  # the running service swaps to it by itself
        while api.get("/v1/health").json()["model_version"] != after.version:
            assert time.monotonic() - waited < 10
            time.sleep(0.2)
