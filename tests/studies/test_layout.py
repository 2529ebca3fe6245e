"""Every committed run reads through the one results layout, and its configuration hash is reproduced by today's
configuration functions (the redesign moved code, not numbers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from landscape.runs import config_hash
from landscape.studies import layout
from landscape.studies.darts import DARTS_PRESETS, preset_config
from landscape.studies.presets import get_preset
from landscape.studies.proxy_cache import proxies_config
from landscape.studies.standalone import standalone_config
from landscape.studies.supernet import spos_config

RESULTS = Path(__file__).resolve().parents[2] / "reports" / "results"


def _stored(path: Path) -> dict:
    return json.loads(path.read_text())


def test_layout_names_the_committed_folders():
    for space in ("nb201", "darts"):
        assert layout.genas_runs(RESULTS, space, "cpu") == [layout.genas_dir(RESULTS, space, "cpu")]
        assert layout.a2m_dir(RESULTS, space, "cpu").is_dir()
    assert (layout.standalone_dir(RESULTS, "cpu") / "runs.csv").is_file()
    assert layout.flatness_csv(RESULTS).is_file()


def test_every_committed_search_result_reads_in_one_schema():
    records = [r for space in ("nb201", "darts") for r in layout.search_records(layout.a2m_dir(RESULTS, space, "cpu"))]
    records += [r for space in ("nb201", "darts") for r in layout.evolution_records(layout.genas_dir(RESULTS, space,
                                                                                                     "cpu"))]
    collapse = layout.search_records(layout.collapse_dir(RESULTS, "cpu"))  # <variant>-<method>-seed<seed> folders
    assert {r.path.parent.name for r in collapse} >= {"darts-darts-seed0"}
    records += collapse
    assert len(records) == len(list(RESULTS.rglob("result.json"))) >= 10
    for r in records:
        assert r.arch and r.seed >= 0 and r.space in ("nb201", "darts")
        assert all(0 < v <= 100 for v in r.accuracy.values()), r.path  # percent, whatever the file's format
    nb201 = [r for r in records if r.space == "nb201"]
    assert all(set(r.accuracy) == {"cifar10", "cifar100", "ImageNet16-120"} for r in nb201)
    assert {r.method for r in records} >= {"darts", "a2m", "angle_flatness"}


@pytest.mark.parametrize("space", ["nb201", "darts"])
def test_committed_genas_runs_keep_their_hashes(space):
    folder = layout.genas_dir(RESULTS, space, "cpu")
    spos = _stored(folder / "spos" / "config.json")
    assert config_hash(spos_config(get_preset("cpu", space), space, 0)) == spos["hash"]
    proxies = _stored(folder / "proxies" / "config.json")
    assert config_hash(proxies_config(get_preset("cpu", space), spos["hash"], 0)) == proxies["hash"]


@pytest.mark.parametrize("space", ["nb201", "darts"])
def test_committed_darts_runs_keep_their_hashes(space):
    for record in layout.search_records(layout.a2m_dir(RESULTS, space, "cpu")):
        stored = _stored(record.path.parent / "config.json")
        config = {"driver": "darts", "space": space, "method": record.method, "preset": preset_config(DARTS_PRESETS["cpu"]),
                  "random_state": record.seed, "data": "cifar10-jpeg train/valid halves"}
        assert config_hash(config) == stored["hash"], record.path


def test_committed_standalone_sweep_keeps_its_hash():
    stored = _stored(layout.standalone_dir(RESULTS, "cpu") / "config.json")
    assert config_hash(standalone_config("cpu")) == stored["hash"] == "640c4e115296ca71"
