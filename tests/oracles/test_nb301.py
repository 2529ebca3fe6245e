"""The NAS-Bench-301 surrogate: the encoding against a plain reference, and against NASLib's DARTS accuracies.

Encoding check (measured with onnxruntime 1.32, epoch 98): Kendall τ between the surrogate's
prediction and NASLib's val_accuracy on its 725 DARTS genotypes is 0.416 (bootstrap 95 % CI
0.378-0.454); with the normal- and reduce-cell columns swapped it drops to 0.269 (0.222-0.317),
and 10 random column orders give 0.10-0.28.  The thresholds below sit at the CI bounds.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from scipy.stats import kendalltau

from landscape.errors import DatasetMissingError, SourceError
from landscape.oracles.nb301 import NASLIB_TAU
from landscape.oracles import NASLIB_DARTS_FILE, NB301_DIR, X_CAT_COLUMNS, NB301Surrogate, load_naslib_darts
from landscape.spaces.darts import DARTS_V2, PC_DARTS, Genotype, genotype_to_codes, random_genotype


@pytest.fixture(scope="module")
def nb301_dir(shared_data):
    path = shared_data / NB301_DIR
    if not (path / "model_v2.onnx").is_file():
        pytest.skip(f"{path}/model_v2.onnx not present")
    pytest.importorskip("onnxruntime")
    return path


@pytest.fixture(scope="module")
def surrogate(nb301_dir) -> NB301Surrogate:
    return NB301Surrogate(nb301_dir, n_threads=1)


def reference_x_cat(genotype: Genotype, encoding: dict) -> list[int]:
    """NASLib's ``convert_genotype_to_config`` then YAHPO-Gym's ``_config_to_xs``, with plain dicts."""
    prefix = "NetworkSelectorDatasetInfo_COLON_darts_COLON_"
    config = {}
    for cell_type in ("normal", "reduce"):
        cell, start = getattr(genotype, cell_type), 0
        for node in range(4):
            pair = cell[2 * node:2 * node + 2]
            config.update({f"{prefix}edge_{cell_type}_{start + i}": op for op, i in pair})
            if node:
                inputs = sorted(i for _, i in pair)
                config[f"{prefix}inputs_node_{cell_type}_{node + 2}"] = "_".join(map(str, inputs))
            start += node + 2
    return [encoding[name][config.get(name, "#na#")] for name in X_CAT_COLUMNS]


def test_encoding_matches_reference(surrogate, nb301_dir):
    encoding = json.loads((nb301_dir / "encoding_v2.json").read_text())
    genotypes = [DARTS_V2, PC_DARTS] + [random_genotype(s) for s in range(40)]
    expected = np.array([reference_x_cat(g, encoding) for g in genotypes])
    np.testing.assert_array_equal(surrogate.encode(genotypes), expected)
    flipped = genotype_to_codes(genotypes)[:, :, [1, 0, 3, 2, 5, 4, 7, 6]]  # edges of a node in the other order
    np.testing.assert_array_equal(surrogate.encode(flipped), expected)


def test_rank_agreement_with_naslib(surrogate, shared_data):
    table = load_naslib_darts(shared_data / NASLIB_DARTS_FILE)
    truth = table.val_accuracy.to_numpy()
    x = surrogate.encode(table.genotype)
    tau = kendalltau(100 * surrogate.predict_encoded(x)[:, 0], truth).statistic
    swapped = np.r_[14:28, 0:14, 31:34, 28:31]  # normal <-> reduce columns: a plausible wrong order
    wrong = kendalltau(surrogate.predict_encoded(x[:, swapped])[:, 0], truth).statistic
    assert tau == pytest.approx(NASLIB_TAU[0], abs=5e-4) and NASLIB_TAU[1] < tau < NASLIB_TAU[2]
    assert wrong < 0.32 and tau - wrong > 0.1
    np.testing.assert_allclose(surrogate(table.genotype), 100 * surrogate.predict_encoded(x)[:, 0])


def test_darts_v2_near_the_top(surrogate):
    random_acc = surrogate([random_genotype(s) for s in range(200)])
    v2 = surrogate(DARTS_V2)[0]
    assert 92.0 < v2 < 95.0  # 92.91: the surrogate's epoch-98 CIFAR-10 validation accuracy (%)
    assert (random_acc < v2).mean() >= 0.8  # measured 0.90
    assert 90.0 < random_acc.mean() < 93.5  # measured 92.4


def test_batch_equals_single_and_outputs(surrogate):
    genotypes = [random_genotype(s) for s in range(5)]
    batch = surrogate(genotypes)
    np.testing.assert_allclose(batch, [surrogate(g)[0] for g in genotypes], rtol=1e-6)
    frame = surrogate.predict(genotypes)
    assert list(frame.columns) == ["val_accuracy", "val_cross_entropy", "runtime", "runtime_increase"]
    np.testing.assert_allclose(frame.val_accuracy, batch)
    early = surrogate(genotypes, epoch=1)
    assert (early < batch - 10).all()  # the learning curve rises: about 55 % at epoch 1


def test_errors(tmp_path, nb301_dir, surrogate):
    with pytest.raises(DatasetMissingError, match="model_v2.onnx not found .* github.com/slds-lmu/yahpo_data"):
        NB301Surrogate(tmp_path)
    shutil.copy(nb301_dir / "encoding_v2.json", tmp_path / "encoding_v2.json")  # temporary folder, removed by pytest
    (tmp_path / "model_v2.onnx").write_bytes(b"not an onnx model")
    with pytest.raises(SourceError, match="onnxruntime cannot load it"):
        NB301Surrogate(tmp_path)
    with pytest.raises(ValueError, match="epoch must be an integer 1..98, got 99"):
        NB301Surrogate(nb301_dir, epoch=99)
    with pytest.raises(ValueError, match=r"x_cat must be integer codes of shape \(n, 34\)"):
        surrogate.predict_encoded(np.zeros((2, 33), np.int32))
