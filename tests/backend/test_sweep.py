"""run_sweep: the same results on every backend, resuming, worker death, failures and clear errors."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pandas as pd
import pytest

from landscape.backend import SweepError, architecture_tasks, evaluate_architecture, run_sweep, task_key
from landscape.errors import CheckpointError
from landscape.runs import RunStore

from . import _fns

ARCHS = ["|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
         "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"]
TINY = {"c": 4, "epochs": 1, "train_per_class": 10, "valid_per_class": 5}


def cheap_tasks(tmp_path: Path, n: int = 6, **extra) -> list[dict]:
    return [{"key": f"x{x}", "x": x, "log": str(tmp_path / "calls.log"), **extra} for x in range(n)]


def calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "calls.log"
    return log.read_text().split() if log.exists() else []


def expected(n: int = 6) -> pd.DataFrame:
    return pd.DataFrame({"key": [f"x{x}" for x in range(n)], "x": range(n), "square": [x * x for x in range(n)],
                         "third": [x / 3 for x in range(n)]})


def new_run(tmp_path: Path, name: str = "run") -> RunStore:
    return RunStore(tmp_path / name, {"sweep": "test"})


# ------------------------------------------------------------------------------------------ local


def test_in_process_saves_in_task_order_and_second_run_does_nothing(tmp_path):
    tasks = cheap_tasks(tmp_path)[::-1]
    s = new_run(tmp_path)
    first = run_sweep(_fns.square, tasks, s, progress=False)
    pd.testing.assert_frame_equal(first, expected()[::-1].reset_index(drop=True))
    assert sorted(calls(tmp_path)) == sorted(t["key"] for t in tasks)
    again = run_sweep(_fns.square, tasks, s, progress=False)
    pd.testing.assert_frame_equal(again, first)
    assert len(calls(tmp_path)) == len(tasks)  # nothing recomputed
    assert len(s.read("results")) == len(tasks)


def test_new_tasks_extend_a_finished_sweep(tmp_path):
    s = new_run(tmp_path)
    run_sweep(_fns.square, cheap_tasks(tmp_path, 3), s, progress=False)
    frame = run_sweep(_fns.square, cheap_tasks(tmp_path, 6), s, progress=False)
    pd.testing.assert_frame_equal(frame, expected(6))
    assert calls(tmp_path) == [f"x{x}" for x in range(6)]


def test_interrupted_sweep_resumes_with_the_rest(tmp_path):
    s = new_run(tmp_path)
    with pytest.raises(_fns.Interrupt):
        run_sweep(_fns.interrupt_on, cheap_tasks(tmp_path, stop=4), s, progress=False)
    assert list(s.read("results")["key"]) == ["x0", "x1", "x2", "x3"]
    frame = run_sweep(_fns.interrupt_on, cheap_tasks(tmp_path, stop=-1), s, progress=False)
    pd.testing.assert_frame_equal(frame, expected())
    assert calls(tmp_path) == [f"x{x}" for x in range(6)]  # x0..x3 once, then only x4 and x5


def test_exception_in_fn_names_the_key_after_saving_the_others(tmp_path):
    s = new_run(tmp_path)
    with pytest.raises(SweepError, match=r"1 of 6 task\(s\) failed:\n  task 'x2': ValueError: bad input x=2") as info:
        run_sweep(_fns.fail_on, cheap_tasks(tmp_path, bad=2), s, progress=False)
    assert info.value.keys == ["x2"]
    assert sorted(s.read("results")["key"]) == ["x0", "x1", "x3", "x4", "x5"]
    frame = run_sweep(_fns.fail_on, cheap_tasks(tmp_path, bad=-1), s, progress=False)
    pd.testing.assert_frame_equal(frame, expected())
    assert sorted(calls(tmp_path)) == [f"x{x}" for x in range(6)]  # only x2 computed by the second run


def test_process_pool_matches_and_survives_a_killed_worker(tmp_path):
    tasks = cheap_tasks(tmp_path, die=3, marker=str(tmp_path / "marker"))
    frame = run_sweep(_fns.die_once, tasks, new_run(tmp_path), n_workers=2, progress=False)
    pd.testing.assert_frame_equal(frame, expected())
    assert (tmp_path / "marker").exists()
    assert sorted(set(calls(tmp_path))) == [f"x{x}" for x in range(6)]


def test_process_pool_gives_up_after_max_retries(tmp_path):
    s = new_run(tmp_path)
    with pytest.raises(SweepError, match=r"task 'x1': its worker process died in each of 2 attempts"):
        run_sweep(_fns.die_always, cheap_tasks(tmp_path, 2, die=1), s, n_workers=2, max_retries=1, progress=False)
    assert list(s.read("results")["key"]) == ["x0"]


def test_keys_are_kept_as_strings_and_hashed_when_absent(tmp_path):
    tasks = [{"key": "007", "x": 7, "log": str(tmp_path / "calls.log")},
             {"key": 8, "x": 8, "log": str(tmp_path / "calls.log")}]
    s = new_run(tmp_path)
    assert list(run_sweep(_fns.square, tasks, s, progress=False)["key"]) == ["007", "8"]
    assert list(run_sweep(_fns.square, tasks, s, progress=False)["key"]) == ["007", "8"]
    assert calls(tmp_path) == ["007", "8"]
    assert task_key({"x": 1, "y": [1, 2]}) == task_key({"y": [1, 2], "x": 1}) != task_key({"x": 2, "y": [1, 2]})


@pytest.mark.parametrize("tasks, kwargs, match", [
    ([{"key": "a"}, {"key": "a"}], {}, "two tasks share the key 'a'"),
    ([{"key": ""}], {}, "non-empty str"),
    (["not a dict"], {}, "a task must be a dict"),
    ([{"x": object()}], {}, "cannot be hashed"),
    ([{"key": "a"}], {"backend": "dask"}, "backend must be one of"),
    ([{"key": "a"}], {"n_workers": 0}, "n_workers must be an integer >= 1, got 0"),
    ([{"key": "a"}], {"max_retries": -1}, "max_retries must be an integer >= 0, got -1"),
    ([{"key": "a"}], {"table": "bad name"}, "table name"),
])
def test_bad_arguments_are_clear_value_errors(tmp_path, tasks, kwargs, match):
    with pytest.raises(ValueError, match=match):
        run_sweep(_fns.square, tasks, new_run(tmp_path), progress=False, **kwargs)


def test_contract_violations_and_foreign_tables(tmp_path):
    s = new_run(tmp_path)
    with pytest.raises(SweepError, match="task 'x0': fn returned list, not a dict"):
        run_sweep(_fns.not_a_dict, cheap_tasks(tmp_path, 1), s, progress=False)
    with pytest.raises(ValueError, match="cannot be sent to worker processes"):
        run_sweep(lambda t: {}, cheap_tasks(tmp_path, 2), s, n_workers=2, progress=False)
    s.write("other", pd.DataFrame({"a": [1]}))
    with pytest.raises(CheckpointError, match="other.csv has no 'key' column"):
        run_sweep(_fns.square, cheap_tasks(tmp_path, 1), s, table="other", progress=False)


def test_missing_ray_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'landscape\[ray\]'"):
        run_sweep(_fns.square, cheap_tasks(tmp_path, 1), new_run(tmp_path), backend="ray", progress=False)
    assert calls(tmp_path) == []


# ------------------------------------------------------------------------------------------ ray


@pytest.mark.slow
def test_backends_give_identical_proxies(tmp_path, ray_instance):
    tasks = architecture_tasks(ARCHS, seeds=[0, 1], **TINY)
    local = run_sweep(evaluate_architecture, tasks, new_run(tmp_path, "local"), progress=False)
    pool = run_sweep(evaluate_architecture, tasks, new_run(tmp_path, "pool"), n_workers=2, progress=False)
    on_ray = run_sweep(evaluate_architecture, tasks, new_run(tmp_path, "ray"), backend="ray", progress=False)
    pd.testing.assert_frame_equal(local, pool)
    pd.testing.assert_frame_equal(local, on_ray)
    assert list(local["arch"]) == [a for a in ARCHS for _ in (0, 1)] and list(local["seed"]) == [0, 1, 0, 1]
    assert local["valid_loss"].nunique() == 4  # every (arch, seed) really trained its own network


def test_ray_runs_a_callable_that_is_not_a_function(tmp_path, ray_instance):
    frame = run_sweep(functools.partial(_fns.scaled, factor=10), cheap_tasks(tmp_path, 3), new_run(tmp_path),
                      backend="ray", n_workers=1, progress=False)
    assert list(frame["scaled"]) == [0, 10, 20]


def test_ray_retries_a_killed_worker_and_loses_nothing(tmp_path, ray_instance):
    s = new_run(tmp_path)
    tasks = cheap_tasks(tmp_path, die=2, marker=str(tmp_path / "marker"))
    frame = run_sweep(_fns.die_once, tasks, s, backend="ray", max_retries=2, progress=False)
    pd.testing.assert_frame_equal(frame, expected())
    assert (tmp_path / "marker").read_text() == "killed"
    assert sorted(calls(tmp_path)) == [f"x{x}" for x in range(6)]  # each finished exactly once
    run_sweep(_fns.die_once, tasks, s, backend="ray", progress=False)
    assert len(calls(tmp_path)) == 6


def test_ray_failures_name_the_key_after_saving_the_rest(tmp_path, ray_instance):
    raised, died = tmp_path / "raised", tmp_path / "died"
    raised.mkdir(), died.mkdir()
    with pytest.raises(SweepError, match=r"task 'x1': ValueError: bad input x=1"):
        run_sweep(_fns.fail_on, cheap_tasks(raised, 4, bad=1), new_run(raised), backend="ray", progress=False)
    assert sorted(new_run(raised).read("results")["key"]) == sorted(calls(raised)) == ["x0", "x2", "x3"]
    with pytest.raises(SweepError, match=r"task 'x3': its Ray worker failed in each of 1 attempts"):
        run_sweep(_fns.die_always, cheap_tasks(died, 4, die=3), new_run(died), backend="ray", max_retries=0,
                  progress=False)
    assert sorted(new_run(died).read("results")["key"]) == sorted(calls(died)) == ["x0", "x1", "x2"]
