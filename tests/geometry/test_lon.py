"""Local optima networks and funnels on hand-made landscapes with known structure, and on NB201."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landscape.geometry import basin_lon, funnels, sampled_lon

from .conftest import path_edges

# A path 0 - 1 - ... - 6 with three peaks: 0 (5), 3 (4), 6 (9).  Steepest ascent (ties: smaller id):
# basins {0, 1}, {2, 3, 4}, {5, 6}.  Peak 3 can climb to either side: two funnels, sinks 0 and 6.
TWO_FUNNELS = np.array([5.0, 2.0, 1.0, 4.0, 1.0, 2.0, 9.0])


def test_basin_lon_of_a_hand_made_landscape():
    lon = basin_lon(TWO_FUNNELS, path_edges(7))
    assert lon.nodes.to_dict("list") == {"optimum": [6, 0, 3], "value": [9.0, 5.0, 4.0], "basin_size": [2, 2, 3]}
    # weight: crossing neighbour pairs / the basin's total degree (basin {0,1}: degrees 1 + 2; {2,3,4}: 2 + 2 + 2)
    want = pd.DataFrame({"source": [0, 3, 3, 6], "target": [3, 0, 6, 3], "weight": [1 / 3, 1 / 6, 1 / 6, 1 / 3],
                         "type": ["worsening", "improving", "improving", "worsening"]})
    pd.testing.assert_frame_equal(lon.edges, want, check_dtype=False)
    f = funnels(lon)
    assert f["sink"].tolist() == ["6", "0"] and f["optima"].tolist() == [2, 2]  # peak 3 drains into both
    assert f["exclusive_optima"].tolist() == [1, 1] and f["cells"].tolist() == [5, 5]
    g = lon.to_networkx()
    assert g.number_of_nodes() == 3 and g.edges[3, 6]["type"] == "improving"


def test_one_funnel_and_a_neutral_sink():
    one = np.array([3.0, 2.0, 1.0, 2.0, 4.0, 2.0, 1.0, 2.0, 3.0])  # peaks 0, 4, 8: everything drains into 4
    f = funnels(basin_lon(one, path_edges(9)))
    assert f["sink"].tolist() == ["4"] and f["optima"].tolist() == [3] and f["share_of_cells"].tolist() == [1.0]
    tied = np.array([5.0, 1.0, 5.0 - 5e-8])  # two optima tied up to float noise, an equal edge between basins
    lon = basin_lon(tied, path_edges(3))
    assert set(lon.edges["type"]) == {"equal"} and funnels(lon)["sink"].tolist() == ["0 2"]
    assert len(funnels(basin_lon(tied, path_edges(3), atol=0))) == 1  # exact: 0 is better, 2 drains into it


def test_sampled_lon_finds_the_same_optima_and_is_seeded():
    v = TWO_FUNNELS
    lon = sampled_lon(v, path_edges(7), n_runs=30, strength=2, patience=20, random_state=0)
    assert set(lon.nodes["optimum"]) <= {0, 3, 6} and 6 in set(lon.nodes["optimum"])
    assert set(lon.edges["type"]) <= {"improving", "equal", "worsening"} and (lon.edges["weight"] >= 1).all()
    again = sampled_lon(v, path_edges(7), n_runs=30, strength=2, patience=20, random_state=0)
    pd.testing.assert_frame_equal(lon.edges, again.edges)
    with pytest.raises(ValueError, match="strength"):
        sampled_lon(v, path_edges(7), strength=0)


def test_nb201_cifar10_is_one_funnel_into_the_tied_optima(store):
    acc = store.array("cifar10", split="test", epochs=200)
    lon = basin_lon(acc, store.index)
    assert len(lon.nodes) == 18 and lon.nodes["basin_size"].sum() == 15625
    assert lon.nodes["optimum"].iloc[:2].tolist() == [6111, 13714] and lon.nodes["basin_size"].iloc[0] == 7951
    f = funnels(lon)
    assert f["sink"].tolist() == ["6111 13714"] and f["cells"].iloc[0] == 15625


def test_weak_and_strong_basins_by_hand():
    from landscape.geometry import weak_strong_basins

    # improving paths on TWO_FUNNELS: cell 2 (1.0) can climb to 1 -> 0 or to 3; cell 4 to 3 or 5 -> 6
    table = weak_strong_basins(TWO_FUNNELS, path_edges(7)).set_index("optimum")
    assert table.loc[3].tolist() == [4.0, 3, 3, 1] and table.loc[0].tolist() == [5.0, 2, 3, 2]
    assert table.loc[6].tolist() == [9.0, 2, 3, 2]


def test_neutral_network_percolation_and_fdc_among_optima(store):
    from landscape.geometry import fitness_distance_correlation, neutral_network_table

    table = neutral_network_table(np.array([1.0, 1.0, 2.0, 3.0, 3.0, 1.0]), path_edges(6), tol=0).set_index("network")
    assert table.loc[3, ["neighbour_networks", "neighbour_values"]].tolist() == [2, 2]  # {2} and {5}: values 2, 1
    assert table.loc[0, ["neighbour_networks", "neighbour_values"]].tolist() == [1, 1]
    acc = store.array("cifar10", split="test", epochs=200)
    # among the 18 optima, better ones sit closer to the best: a strong negative FDC
    assert fitness_distance_correlation(acc, store.index, among="optima") < -0.8
