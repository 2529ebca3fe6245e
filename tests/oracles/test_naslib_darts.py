"""NASLib's DARTS table: loading into canonical genotype strings, and the lookup oracle."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from landscape.errors import DatasetMissingError, SourceError
from landscape.oracles import NASLIB_DARTS_FILE, TableOracle, load_naslib_darts
from landscape.spaces.darts import (DARTS_V2, canonical_genotype, format_genotype, genotype_batch, genotype_to_codes,
                                    parse_genotype)


@pytest.fixture(scope="module")
def table(shared_data) -> pd.DataFrame:
    path = shared_data / NASLIB_DARTS_FILE
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return load_naslib_darts(path)


def test_real_table(table):
    assert len(table) == 725 and table.key.is_unique
    assert table.val_accuracy.min() == pytest.approx(91.24, abs=0.01)
    assert table.val_accuracy.max() == pytest.approx(94.49, abs=0.01)
    assert table.val_accuracy.mean() == pytest.approx(93.12, abs=0.01)
    assert [c for c in table.columns if c.startswith("zc:")] == [
        "zc:synflow", "zc:grasp", "zc:fisher", "zc:grad_norm", "zc:l2_norm", "zc:plain", "zc:nwot", "zc:epe_nas",
        "zc:jacov", "zc:snip"]
    g = table.genotype.iloc[0]
    assert format_genotype(canonical_genotype(parse_genotype(g))) == g


def test_first_key_by_hand(table):
    # file key 534: [[(0, 0), (1, 5), (1, 1), (0, 1), (1, 3), (0, 3), (1, 3), (3, 2)], [(1, 0), (0, 2), ...]]
    row = table[table.naslib_idx == 534].iloc[0]
    g = parse_genotype(row.genotype)
    assert g.normal == (("max_pool_3x3", 0), ("dil_conv_3x3", 1), ("avg_pool_3x3", 0), ("avg_pool_3x3", 1),
                        ("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 1), ("skip_connect", 3))
    assert g.reduce[:2] == (("skip_connect", 0), ("max_pool_3x3", 1))
    assert row.val_accuracy == pytest.approx(93.32119084207302)


def test_oracle_on_real_table(table):
    oracle = TableOracle(table)
    assert len(oracle) == 725
    np.testing.assert_array_equal(oracle(table.genotype), table.val_accuracy.to_numpy())
    flipped = genotype_batch(table.genotype[:5].tolist())[:, :, [1, 0, 3, 2, 5, 4, 7, 6]]  # other edge order
    np.testing.assert_array_equal(oracle(flipped), table.val_accuracy.to_numpy()[:5])
    assert TableOracle(table, "zc:synflow")(table.genotype[:3]).shape == (3,)


def toy_frame() -> pd.DataFrame:
    return pd.DataFrame({"genotype": [format_genotype(DARTS_V2)], "acc": [94.0]})


def test_missing_genotypes():
    from landscape.spaces.darts import PC_DARTS
    with pytest.raises(KeyError, match="1 of 2 genotypes are not in the table .*missing='nan'"):
        TableOracle(toy_frame(), "acc")([DARTS_V2, PC_DARTS])
    out = TableOracle(toy_frame(), "acc", missing="nan")([DARTS_V2, PC_DARTS])
    assert out[0] == 94.0 and np.isnan(out[1])
    assert TableOracle(toy_frame(), "acc").covers([PC_DARTS, DARTS_V2]).tolist() == [False, True]


def test_codes_and_strings_agree():
    oracle = TableOracle(toy_frame(), "acc")
    assert oracle(genotype_to_codes(DARTS_V2)).tolist() == [94.0]
    assert oracle(format_genotype(DARTS_V2)).tolist() == [94.0]


@pytest.mark.parametrize("kwargs, match", [
    (dict(column="nope"), "column must be a value column of frame, got 'nope'"),
    (dict(column="acc", missing="zero"), "missing must be one of 'raise', 'nan', got 'zero'"),
])
def test_oracle_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TableOracle(toy_frame(), **kwargs)


def test_conflicting_duplicates():
    frame = pd.concat([toy_frame(), toy_frame().assign(acc=90.0)])
    with pytest.raises(ValueError, match="one genotype twice with different 'acc' values"):
        TableOracle(frame, "acc")
    assert len(TableOracle(pd.concat([toy_frame(), toy_frame()]), "acc")) == 1


def test_file_errors(tmp_path):
    with pytest.raises(DatasetMissingError, match="zc_nasbench301.json not found"):
        load_naslib_darts(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"cifar10": {')
    with pytest.raises(SourceError, match="not valid JSON"):
        load_naslib_darts(bad)
    key = "[[(0, 3), (0, 3), (0, 3), (1, 3), (0, 3), (1, 3), (0, 3), (1, 3)], " \
          "[(0, 3), (1, 3), (0, 3), (1, 3), (0, 3), (1, 3), (0, 3), (1, 3)]]"  # node 2 reads state 0 twice
    bad.write_text(json.dumps({"cifar10": {key: {"idx": "0", "val_accuracy": 90.0}}}))
    with pytest.raises(SourceError, match="invalid DARTS genotype key"):
        load_naslib_darts(bad)
    with pytest.raises(ValueError, match="dataset must be a dataset of .* got 'cifar100'; the file holds: 'cifar10'"):
        load_naslib_darts(bad, "cifar100")
