"""SPOS supernet + evolutionary search (GeNAS): operators, determinism, resuming, errors, end to end."""

from __future__ import annotations

import dataclasses
import math
import shutil

import numpy as np
import pandas as pd
import pytest
import torch

import landscape.studies.proxy_cache as proxy_cache
from landscape.nn.darts_spos import DARTSSPOSSupernet
from landscape.bench.analyses import ground_truth
from landscape.errors import CheckpointError, ConfigMismatchError
from landscape.flatness.study import STUDY_PRESETS
from landscape.presets import PRESETS
from landscape.studies.darts import DARTS_PRESETS
from landscape.studies.presets import DARTS_SPACE_PRESETS
from landscape.search import GENOMES, Genome, crossover, evolutionary_search, mutate
from landscape.studies import SEARCH_PRESETS, get_preset, run_search, train_supernet
from landscape.spaces.darts import SUPERNET_OPS, check_candidate, random_candidates
from landscape.studies.__main__ import main
from landscape.spaces.nb201 import parse_arch

from .conftest import TINY


class Stop(Exception):
    """Raised from a progress hook to interrupt a run, as a kill would."""


def stop_after(k: int):
    def hook(step: int) -> None:
        if step >= k:
            raise Stop
    return hook


# -- presets ---------------------------------------------------------------------------------
def test_presets():
    assert PRESETS == ("smoke", "cpu", "paper")
    assert tuple(SEARCH_PRESETS) == tuple(DARTS_PRESETS) == tuple(STUDY_PRESETS) == PRESETS  # one vocabulary
    assert tuple(DARTS_SPACE_PRESETS) == PRESETS
    paper = get_preset("paper")
    assert (paper.c, paper.n, paper.epochs, paper.lr, paper.population, paper.generations, paper.top_k,
            paper.mutants, paper.mutation_prob, paper.crossovers) == (16, 5, 250, 0.025, 100, 20, 10, 25, 0.1, 25)
    assert paper.sigmas == (2e-3, 1e-2, 2e-2)
    for p in (paper, get_preset("cpu")):  # the published code's settings (NOTES.md)
        assert (p.gamma, p.grad_clip, p.recalibrate_batches, p.bn_mode) == (16.0, 5.0, 14, "faithful")
    assert "40 epochs" in get_preset("cpu").note
    with pytest.raises(ValueError, match="preset must be one of 'smoke', 'cpu', 'paper', got 'huge'"):
        get_preset("huge")
    with pytest.raises(ValueError, match="top_k"):
        dataclasses.replace(TINY, top_k=10)
    with pytest.raises(ValueError, match="default sigmas"):
        dataclasses.replace(TINY, sigma_sets=((1e-3, 2e-3, 3e-3),))


# -- operators and the search on known functions ----------------------------------------------
def test_mutation_and_crossover_are_valid():
    rng = np.random.default_rng(0)
    parents = rng.integers(0, 5, (2000, 6))
    assert np.array_equal(mutate(parents, 0.0, 1), parents)
    child = mutate(parents, 1.0, 1)
    assert child.min() >= 0 and child.max() <= 4
    assert np.mean(child != parents) == pytest.approx(0.8, abs=0.02)  # a redraw keeps the op with p = 1/5
    assert np.mean(mutate(parents, 0.1, 2) != parents) == pytest.approx(0.08, abs=0.01)
    assert np.array_equal(mutate(parents, 0.3, 5), mutate(parents, 0.3, 5))
    a, b = rng.integers(0, 5, (500, 6)), rng.integers(0, 5, (500, 6))
    kid = crossover(a, b, 3)
    assert np.all((kid == a) | (kid == b))
    differ = a != b
    assert np.mean(kid[differ] == a[differ]) == pytest.approx(0.5, abs=0.03)
    with pytest.raises(ValueError, match="prob"):
        mutate(parents, 1.5)
    with pytest.raises(ValueError, match="same shape"):
        crossover(a, b[:3])


TARGET = np.array([3, 1, 4, 0, 2, 3])


def hamming_fitness(codes: np.ndarray) -> np.ndarray:
    return -(codes != TARGET).sum(axis=1).astype(float)


def test_evolution_finds_the_optimum_of_a_known_function():
    for seed in range(4):
        res = evolutionary_search(hamming_fitness, population=20, generations=11, top_k=5, mutants=8,
                                  mutation_prob=0.2, crossovers=6, random_state=seed)
        assert np.array_equal(res.best, TARGET) and res.best_fitness == 0
        assert res.history["codes"].is_unique  # never evaluated twice
        assert res.n_evaluated == 20 * 11
    # random search with the same budget rarely gets there: the operators do the work
    rng = np.random.default_rng(0)
    hits = [hamming_fitness(rng.integers(0, 5, (220, 6))).max() == 0 for _ in range(20)]
    assert sum(hits) <= 2


def test_evolution_generations_and_determinism():
    kwargs = dict(population=10, generations=4, top_k=3, mutants=4, mutation_prob=0.5, crossovers=3)
    res = evolutionary_search(hamming_fitness, random_state=7, **kwargs)
    again = evolutionary_search(hamming_fitness, random_state=7, **kwargs)
    other = evolutionary_search(hamming_fitness, random_state=8, **kwargs)
    pd.testing.assert_frame_equal(res.history, again.history)
    assert not res.history["codes"].equals(other.history["codes"])
    h = res.history
    assert h.groupby("generation").size().tolist() == [10] * 4
    assert set(h.loc[h.generation == 0, "origin"]) == {"random"}
    later = h[h.generation > 0].groupby("generation")["origin"].value_counts().unstack(fill_value=0)
    assert (later["mutation"] <= 4).all() and (later["crossover"] <= 3).all()
    assert later["mutation"].sum() > 0 and later["crossover"].sum() > 0
    assert res.top_k.shape == (3, 6) and hamming_fitness(res.top_k)[0] == res.best_fitness
    with pytest.raises(ValueError, match="top_k"):
        evolutionary_search(hamming_fitness, population=3, top_k=5)
    with pytest.raises(ValueError, match="mutation_prob"):
        evolutionary_search(hamming_fitness, mutation_prob=-0.1)
    with pytest.raises(ValueError, match="finite values"):
        evolutionary_search(lambda c: np.full(len(c), np.nan), population=2, top_k=1, generations=1)


def sep_conv_count(rows: np.ndarray) -> np.ndarray:
    """Active sep_conv_3x3 edges of a flattened DARTS candidate (normal and reduce): a known fitness."""
    return (rows == SUPERNET_OPS.index("sep_conv_3x3")).sum(axis=1).astype(float)


def test_darts_genome_as_the_published_evolution():
    genome = GENOMES["darts"]
    parents = random_candidates(500, 0).reshape(500, -1)
    mutants = mutate(parents, 0.5, 1, genome.n_choices, genome.mutable)
    assert np.array_equal(mutants[:, 14:], parents[:, 14:])  # search.py mutates range(config.edges) only
    assert np.mean(mutants[:, :14] != parents[:, :14]) == pytest.approx(0.5 * 7 / 8, abs=0.02)
    res = evolutionary_search(sep_conv_count, population=20, generations=8, top_k=5, mutants=8, crossovers=8,
                              mutation_prob=0.1, genome=genome, random_state=0)
    rows = np.array(res.history["codes"].tolist())
    for row in rows:
        check_candidate(row.reshape(2, 14))  # every evaluated row repaired to two inputs per node
    assert res.history["codes"].is_unique and res.n_evaluated == 160
    first = res.history[res.history.generation == 0]["fitness"]
    assert res.best_fitness >= first.max() + 4  # the operators climb: 16 active edges at most
    with pytest.raises(ValueError, match="genome must be a Genome"):
        evolutionary_search(sep_conv_count, genome="darts")
    with pytest.raises(ValueError, match="mutable"):
        Genome(4, 3, mutable=5)


def test_evolution_resumes_to_the_same_result():
    kwargs = dict(population=8, generations=5, top_k=3, mutants=3, mutation_prob=0.3, crossovers=3, random_state=3)
    full = evolutionary_search(hamming_fitness, **kwargs)
    states = []

    def interrupt(state):
        states.append(state)
        if state["generation"] == 1:
            raise Stop

    with pytest.raises(Stop):
        evolutionary_search(hamming_fitness, on_generation=interrupt, **kwargs)
    calls = []

    def counting(codes):
        calls.append(len(codes))
        return hamming_fitness(codes)

    resumed = evolutionary_search(counting, resume=states[-1], **kwargs)
    pd.testing.assert_frame_equal(full.history, resumed.history)
    assert sum(calls) == len(full.history) - 16  # generations 0 and 1 were not evaluated again


# -- SPOS training ----------------------------------------------------------------------------
def test_spos_resumes_to_the_same_weights(shared_data, trained_dir, tmp_path):
    three = dataclasses.replace(TINY, epochs=3)
    with pytest.raises(Stop):
        train_supernet(three, tmp_path, random_state=0, progress=False, on_epoch=stop_after(1))
    assert len(pd.read_csv(tmp_path / "spos" / "history.csv")) == 1
    resumed = train_supernet(three, tmp_path, random_state=0, progress=False)
    full = train_supernet(three, tmp_path / "full", random_state=0, progress=False)
    for (k, a), (_, b) in zip(resumed.supernet.state_dict().items(), full.supernet.state_dict().items()):
        assert torch.equal(a, b), k
    pd.testing.assert_frame_equal(resumed.history.drop(columns="seconds"), full.history.drop(columns="seconds"))
    assert all(torch.equal(resumed.initial_state[k], full.initial_state[k]) for k in full.initial_state)
    assert not torch.equal(full.initial_state["classifier.weight"], full.supernet.state_dict()["classifier.weight"])
    # a finished run is loaded, not retrained; another seed gives other weights
    again = train_supernet(TINY, trained_dir, random_state=0, progress=False)
    assert len(again.history) == TINY.epochs
    other = train_supernet(TINY, tmp_path / "seed1", random_state=1, progress=False)
    assert not torch.equal(other.supernet.classifier.weight, again.supernet.classifier.weight)


def test_spos_cosine_per_epoch_and_gradient_clip(shared_data, tmp_path, monkeypatch):
    """As the published supernet training: the lr of epoch e is lr_min + ½(lr − lr_min)(1 + cos(π e / E))
    for every step of that epoch, and every step clips the gradient norm at 5."""
    clips = []
    real = torch.nn.utils.clip_grad_norm_

    def counting(params, max_norm, *args, **kwargs):
        clips.append(max_norm)
        return real(params, max_norm, *args, **kwargs)

    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_", counting)
    three = dataclasses.replace(TINY, epochs=3)
    trained = train_supernet(three, tmp_path, random_state=0, progress=False)
    want = [0.001 + 0.5 * (0.025 - 0.001) * (1 + math.cos(math.pi * e / 3)) for e in range(3)]
    np.testing.assert_allclose(trained.history["lr"], want, rtol=1e-12)
    steps = -(-40 // 20)  # 4 images per class x 10 classes, batch 20
    assert clips == [5.0] * (3 * steps)


def test_darts_space_supernet_trains_and_resumes_to_the_same_weights(shared_data, tmp_path):
    p = dataclasses.replace(TINY, layers=3, epochs=2)

    def stop(epoch: int) -> None:
        raise KeyboardInterrupt

    full = train_supernet(p, tmp_path / "full", space="darts", progress=False)
    with pytest.raises(KeyboardInterrupt):
        train_supernet(p, tmp_path / "cut", space="darts", progress=False, on_epoch=stop)
    resumed = train_supernet(p, tmp_path / "cut", space="darts", progress=False)
    assert isinstance(full.supernet, DARTSSPOSSupernet) and list(full.history["epoch"]) == [1, 2]
    for name, value in full.supernet.state_dict().items():
        assert torch.equal(value, resumed.supernet.state_dict()[name]), name
    assert get_preset("paper", "darts").layers == 8 and get_preset("paper", "darts").c == 16


def test_spos_errors(shared_data, trained_dir, tmp_path):
    with pytest.raises(ValueError, match="preset 'tiny' has no layers: on the DARTS space use DARTS_SPACE_PRESETS"):
        train_supernet(TINY, tmp_path, space="darts")
    with pytest.raises(ValueError, match="space must be one of 'nb201', 'darts'"):
        train_supernet(TINY, tmp_path, space="nb301")
    with pytest.raises(ValueError, match="random_state must be a non-negative integer"):
        train_supernet(TINY, tmp_path, random_state=-1)
    with pytest.raises(ValueError, match="device"):
        train_supernet(TINY, tmp_path, device="gpu0")
    with pytest.raises(ConfigMismatchError, match="another configuration"):
        train_supernet(dataclasses.replace(TINY, epochs=5), trained_dir, progress=False)
    copy = tmp_path / "copy"
    shutil.copytree(trained_dir, copy)
    (copy / "spos" / "checkpoint.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="corrupt or truncated"):
        train_supernet(TINY, copy, progress=False)


# -- the search end to end --------------------------------------------------------------------
@pytest.mark.slow
def test_search_end_to_end_and_resume(shared_data, trained_dir, store, tmp_path, monkeypatch):
    out = tmp_path / "search"
    shutil.copytree(trained_dir / "spos", out / "spos")  # the trained supernet, with no proxies evaluated yet
    calls = []
    real = proxy_cache.supernet_proxies

    def counting(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(proxy_cache, "supernet_proxies", counting)
    result = run_search(TINY, out, fitness="angle_flatness", store=store, progress=False)
    n = TINY.population * TINY.generations
    assert result.n_evaluated == n == len(calls) and len({tuple(c) for c in calls}) == n
    assert parse_arch(result.arch)  # a valid NB201 string
    idx = store.index.index_of(result.arch)
    assert result.ground_truth == {d: store.array(d, split="test", epochs=200)[idx]
                                   for d in ("cifar10", "cifar100", "ImageNet16-120")}
    assert result.score == result.history["fitness"].max()
    evaluations = pd.read_csv(out / "proxies" / "evaluations.csv")
    assert set(evaluations["arch"]) == set(result.history["arch"])
    assert (result.run.path / "result.json").exists()

    # another fitness reuses the cached evaluations of the same architectures
    calls.clear()
    by_angle = run_search(TINY, out, fitness="angle", store=store, progress=False)
    assert len(calls) < n
    scores = proxy_cache.proxy_frame(pd.read_csv(out / "proxies" / "evaluations.csv").set_index("arch"),
                                   TINY.sigmas[0])
    assert by_angle.score == scores.loc[by_angle.arch, "angle"] == scores.loc[by_angle.history["arch"], "angle"].max()

    # interrupted after generation 0 (a copy of the supernet folder): resumes to the same result
    copy = tmp_path / "copy"
    shutil.copytree(trained_dir / "spos", copy / "spos")
    calls.clear()
    with pytest.raises(Stop):
        run_search(TINY, copy, store=store, progress=False, on_generation=stop_after(0))
    assert len(calls) == TINY.population
    resumed = run_search(TINY, copy, store=store, progress=False)
    assert len(calls) == n  # nothing evaluated twice
    assert (resumed.arch, resumed.score) == (result.arch, result.score)
    pd.testing.assert_frame_equal(resumed.history, result.history)
    with pytest.raises(ValueError, match="fitness must be one of"):
        run_search(TINY, copy, fitness="loss", store=store)


def test_ground_truth_lookup(store):
    archs = [store.index.arch_string(0), parse_arch(store.index.arch_string(5))]
    frame = ground_truth(archs, store)
    assert frame["index"].tolist() == [0, 5]
    assert frame.loc[1, "cifar100"] == store.array("cifar100", split="test", epochs=200)[5]
    with pytest.raises(ValueError, match="empty"):
        ground_truth([], store)


# -- the command line -------------------------------------------------------------------------
def test_cli_smoke_and_errors(shared_data, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["spos", "--preset", "smoke", "--out", str(out), "--device", "cpu"]) == 0
    assert "supernet: 2 epochs" in capsys.readouterr().out
    assert main(["spos", "--preset", "smoke", "--out", str(out), "--seed", "1"]) == 1
    err = capsys.readouterr().err.strip()
    assert "another configuration" in err and "\n" not in err
    (out / "spos" / "checkpoint.pt").write_bytes(b"\x00" * 10)
    assert main(["spos", "--preset", "smoke", "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip()
    assert "corrupt" in err and "\n" not in err
    for argv in (["spos", "--preset", "huge"], ["spos", "--preset", "smoke", "--space", "nb301"], ["spos"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        assert "invalid choice" in capsys.readouterr().err or argv == ["spos"]
    with pytest.raises(SystemExit) as exc:
        main(["evolve", "--help"])
    assert exc.value.code == 0 and "--fitness" in capsys.readouterr().out
