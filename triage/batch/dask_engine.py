"""The Dask engine: a folder of input files tagged on a Dask cluster, one file per task.

The model travels once per worker: the client reads the model folder and the city's data
files, a worker plugin carries their bytes to every worker (and to workers that join
later), and each worker loads one :class:`~triage.triager.Triager` from them, checking the
model's sha256 as a local load does. Tasks then run the same :func:`~triage.batch.tagging.tag_file`
as the local engine, reading their input file and writing their output file in place, so
the workers must see the input and output folders at the same paths (a shared or network
file system). Dask is optional: ``pip install '.[dask]'``; this module is imported only by
the command that uses it.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from ..errors import InputError, MissingDependencyError
from .partitions import plan_partitions, sum_summaries
from .tagging import TagSummary, tag_file

__all__ = ["PLUGIN_NAME", "TriagerPlugin", "tag_directory_on_dask"]

PLUGIN_NAME = "triage-model"
INSTALL = "pip install '.[dask]'"

try:
    from distributed import Client, WorkerPlugin, get_worker
except ImportError:  # the error is raised when the engine is used, not when this module is imported
    Client = WorkerPlugin = get_worker = None  # type: ignore[assignment,misc]


def _require_dask() -> None:
    if Client is None:
        raise MissingDependencyError(f"the Dask engine needs dask and distributed: {INSTALL}")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


class TriagerPlugin(WorkerPlugin or object):  # type: ignore[misc]
    """Carries a model version and the data files to each worker, which loads them once."""

    def __init__(self, version: str, model_files: dict[str, bytes], data_files: dict[str, bytes]) -> None:
        self.version, self.model_files, self.data_files = version, model_files, data_files
        self.triager = None

    @classmethod
    def from_triager(cls, triager: Any, models_dir: Path) -> TriagerPlugin:
        """The plugin for a loaded Triager: its model folder, cue list, policy and safety rules, as bytes."""
        data = {"cues.yaml": triager.cues.source, "policy.yaml": triager.policy.source,
                "urgency_rules.yaml": triager.rules.source}
        return cls(triager.version, _files(models_dir / triager.version),
                   {name: Path(path).read_bytes() for name, path in data.items()})

    def setup(self, worker: Any = None) -> None:
        from ..triager import Triager

        root = Path(tempfile.mkdtemp(prefix="triage-model-"))
        for folder, files in ((root / "models" / self.version, self.model_files), (root / "data", self.data_files)):
            folder.mkdir(parents=True)
            for name, content in files.items():
                (folder / name).write_bytes(content)
        data = root / "data"
        self.triager = Triager.load(self.version, models_dir=root / "models", cues_path=data / "cues.yaml",
                                    policy_path=data / "policy.yaml", rules_path=data / "urgency_rules.yaml")
        self.triager.triage("预热")
        self.model_files = self.data_files = {}  # loaded: no need to keep a second copy in memory


def _tag_partition(source: str, output: str, resume: bool, options: dict[str, Any]) -> TagSummary:
    triager = get_worker().plugins[PLUGIN_NAME].triager
    return tag_file(triager, source, output, jobs=1, resume=resume, **options)


def tag_directory_on_dask(triager: Any, source_dir: str | Path, output_dir: str | Path, *, scheduler: str | Any,
                          models_dir: Path, fmt: str = ".jsonl", resume: bool = False,
                          **options: Any) -> TagSummary:
    """Tag every file of ``source_dir`` on the cluster at ``scheduler`` (an address or a Client).

    The output is the same, byte for byte, as :func:`~triage.batch.partitions.tag_directory` on one
    machine; ``options`` go to :func:`~triage.batch.tagging.tag_file`.
    """
    _require_dask()
    started = time.perf_counter()
    partitions = plan_partitions(source_dir, output_dir, fmt)
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    try:
        client = scheduler if isinstance(scheduler, Client) else Client(scheduler, timeout=30)
    except (OSError, TimeoutError) as e:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
    try:
        client.register_plugin(TriagerPlugin.from_triager(triager, models_dir), name=PLUGIN_NAME)
        futures = []
        for part in partitions:
            state = part.state if resume else "new"
            if state != "done":
                futures.append(client.submit(_tag_partition, str(part.source.resolve()), str(part.output.resolve()),
                                             state == "started", options, pure=False))
        summaries = client.gather(futures)
    finally:
        if client is not scheduler:
            client.close()
    return sum_summaries(summaries, time.perf_counter() - started)
