"""GeNAS on the DARTS space end to end (supernet, evolution, tables), judged by the NB301 surrogate."""

from __future__ import annotations

import json
from math import comb

import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau

from landscape.oracles.nb301 import NB301Surrogate
from landscape.studies.__main__ import main
from landscape.studies.genas_darts_space import PUBLISHED_GENOTYPES, random_search, sample_genotypes, write_search_comparison
from landscape.studies.genas import NB301_TRUTH
from landscape.studies.presets import DARTS_SPACE_PRESETS
from landscape.spaces.darts import format_genotype, parse_genotype


def best_of_k_expectation(fitness: np.ndarray, truth: np.ndarray, k: int) -> float:
    """E[truth of the fittest of k architectures drawn without replacement], by counting: the r-th fittest
    (0-based) is the best of a k-subset in C(n - 1 - r, k - 1) of the C(n, k) subsets."""
    order = np.argsort(-fitness)
    n = len(fitness)
    return sum(comb(n - 1 - r, k - 1) * truth[i] for r, i in enumerate(order)) / comb(n, k)


def test_random_search_matches_the_counting_expectation():
    rng = np.random.default_rng(0)
    fitness, truth = rng.permutation(30).astype(float), rng.normal(90, 2, 30)
    for k in (1, 5, 20):
        got = random_search(fitness, truth, k, n_repeats=20_000, random_state=1)
        assert got["mean"] == pytest.approx(best_of_k_expectation(fitness, truth, k), abs=0.03)
        assert got["q_low"] <= got["mean"] <= got["q_high"] and got["budget"] == k
    assert random_search(fitness, truth, 30)["q_low"] == truth[np.argmax(fitness)]  # the whole sample: no chance
    with pytest.raises(ValueError, match="budget"):
        random_search(fitness, truth, 31)
    with pytest.raises(ValueError, match="same length"):
        random_search(fitness, truth[:5], 2)


def test_sampled_genotypes_are_distinct_canonical_and_seeded():
    names = sample_genotypes(50, 3)
    assert len(set(names)) == 50 and names == sample_genotypes(50, 3) != sample_genotypes(50, 4)
    assert all(format_genotype(parse_genotype(s)) == s for s in names)


@pytest.mark.slow
def test_darts_space_end_to_end_through_the_surrogate(shared_data, tmp_path, capsys):
    """SPOS supernet on the DARTS space, evolution by angle + flatness, tables; everything scored by the NB301
    surrogate."""
    out = tmp_path / "search" / "genas-darts-smoke-seed0"
    argv = ["--space", "darts", "--preset", "smoke", "--out", str(out), "--device", "cpu"]
    assert main(["evolve", *argv]) == 0
    assert NB301_TRUTH in capsys.readouterr().out
    result = json.loads((out / "evolve_angle_flatness" / "result.json").read_text())
    history = pd.read_csv(out / "evolve_angle_flatness" / "history.csv")
    p = DARTS_SPACE_PRESETS["smoke"]
    assert result["space"] == "darts" and result["n_evaluated"] == len(history) <= p.population * p.generations
    assert history["arch"].is_unique and result["score"] == history["fitness"].max()
    best = parse_genotype(result["arch"])  # a valid genotype string, two inputs per node
    surrogate = NB301Surrogate()
    assert result["ground_truth"][NB301_TRUTH] == pytest.approx(float(surrogate([best])[0]))
    evaluations = pd.read_csv(out / "proxies" / "evaluations.csv")
    assert len(evaluations) == len(history) and evaluations["angle"].between(0, np.pi).all()
    assert main(["evolve", *argv]) == 0  # resumes: nothing evaluated again
    assert len(pd.read_csv(out / "proxies" / "evaluations.csv")) == len(evaluations)

    assert main(["tables", *argv]) == 0
    assert "Kendall tau vs the NB301 surrogate" in capsys.readouterr().out
    scores = pd.read_csv(out / "tables" / "scores.csv")
    table5 = pd.read_csv(out / "tables" / "table5.csv")
    assert len(scores) == p.table_archs and set(scores["arch"]) == set(sample_genotypes(p.table_archs, np.random.SeedSequence([0, 2])))
    np.testing.assert_allclose(scores[NB301_TRUTH], surrogate(list(scores["arch"])))
    for row in table5.itertuples():
        assert row.tau == pytest.approx(kendalltau(scores[row.proxy], scores[NB301_TRUTH]).statistic, abs=1e-12)
        assert row.ci_low <= row.tau <= row.ci_high and row.n == p.table_archs

    frame = write_search_comparison(out, surrogate=surrogate)  # the table the report reads (it calls no oracle)
    genas = frame[frame["method"] == "GeNAS evolution"].iloc[0]
    assert genas["accuracy"] == result["ground_truth"][NB301_TRUTH] and genas["budget"] == len(history)
    assert set(frame["method"]) >= {"random genotype", "random search", *PUBLISHED_GENOTYPES}
    published = frame.set_index("method").loc[list(PUBLISHED_GENOTYPES), "accuracy"].to_numpy(float)
    np.testing.assert_allclose(published, surrogate(list(PUBLISHED_GENOTYPES.values())))

    import matplotlib

    matplotlib.use("Agg")
    from landscape.report.sections.darts_genas import darts_genas_section

    artifacts = {a.name: a for a in darts_genas_section(None, preset="smoke", results=tmp_path)}
    assert set(artifacts) == {"genas_darts_table5", "genas_darts_gamma_ablation", "genas_darts_search"}
    assert "0.42 [0.38, 0.45]" in artifacts["genas_darts_table5"].description  # says what the surrogate can tell
    pd.testing.assert_frame_equal(artifacts["genas_darts_table5"].table.drop(columns="run"), table5)
    for artifact in artifacts.values():
        fig = matplotlib.pyplot.figure()
        artifact.plot(artifact.table, fig.add_subplot())
        matplotlib.pyplot.close(fig)
