"""NB201 networks and the SPOS supernet: shapes, parameter counts, weight sharing."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from landscape.nn.nb201 import NB201Cell, NB201Network
from landscape.nn.supernet import NB201Supernet, sample_architectures
from landscape.spaces.nb201 import format_arch

# Parameters of one op at width c, BN affine (NB201's ``infer.tiny``): conv1x1 = c² + 2c,
# conv3x3 = 9c² + 2c; skip, pooling and none have none.  Five cells at each of 16, 32, 64.
PER_CONV1X1 = 5 * sum(c * c + 2 * c for c in (16, 32, 64))
PER_CONV3X3 = 5 * sum(9 * c * c + 2 * c for c in (16, 32, 64))


def n_params(codes) -> int:
    net = NB201Network(lambda c: NB201Cell(codes, c), c=16, n=5, num_classes=10)
    return sum(p.numel() for p in net.parameters())


def test_cell_definition_parameter_counts():
    assert (PER_CONV1X1, PER_CONV3X3) == (28_000, 243_040)
    base = n_params((0,) * 6)
    rng = np.random.default_rng(0)
    for codes in rng.integers(0, 5, size=(12, 6)):
        want = base + PER_CONV1X1 * int((codes == 2).sum()) + PER_CONV3X3 * int((codes == 3).sum())
        assert n_params(tuple(codes)) == want, format_arch(codes)


def test_parameter_counts_match_the_benchmark(store):
    """Our count equals NB201's ``params`` for ≥ 99% of cells; for the others the benchmark reports the
    count of another member of the same isomorphism class (its value is stored per class)."""
    base = n_params((0,) * 6)
    codes = store.codes
    ours = (base + PER_CONV1X1 * (codes == 2).sum(1) + PER_CONV3X3 * (codes == 3).sum(1)) / 1e6
    bench = store.array("cifar10-valid", "params_mb", split="model")
    equal = np.isclose(ours, bench, atol=5e-7)
    assert equal.mean() >= 0.99
    classes = store.isomorphism_classes()
    for i in np.flatnonzero(~equal):
        members = np.flatnonzero(classes == classes[i])
        assert np.isclose(ours[members], bench[i], atol=5e-7).any(), store.index.arch_string(i)


def test_network_shapes_and_validation():
    net = NB201Network(lambda c: NB201Cell("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|"
                                           "nor_conv_1x1~1|none~2|", c), c=4, n=2, num_classes=7)
    assert net(torch.randn(3, 3, 16, 16)).shape == (3, 7)
    assert len(net.cells) == 3 * 2 + 2
    with pytest.raises(ValueError, match="C must be an integer >= 1"):
        NB201Network(lambda c: NB201Cell((0,) * 6, c), c=0)


def test_supernet_paths_equal_their_subnets():
    torch.manual_seed(0)
    sup = NB201Supernet(c=4, n=1, num_classes=5).eval()
    with torch.no_grad():
        for m in sup.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
    x = torch.randn(2, 3, 8, 8)
    initial = {k: v.clone() for k, v in sup.state_dict().items()}
    for codes in sample_architectures(6, random_state=1):
        sub = sup.subnet(codes).eval()
        torch.testing.assert_close(sub(x), sup(x, codes))
    with torch.no_grad():
        for p in sup.parameters():
            p.add_(1.0)
    codes = (3, 3, 3, 3, 3, 3)
    before = sup.subnet(codes, state=initial)
    after = sup.subnet(codes)
    torch.testing.assert_close(dict(before.named_parameters())["cells.0.edges.0.1.weight"] + 1,
                               dict(after.named_parameters())["cells.0.edges.0.1.weight"])
    with pytest.raises(ValueError, match="needs an architecture"):
        sup(x)
    with pytest.raises(ValueError):
        sup(x, "|conv_7x7~0|+|none~0|none~1|+|none~0|none~1|none~2|")


def test_sample_architectures_seeded():
    a = sample_architectures(50, random_state=3)
    assert a.shape == (50, 6) and a.min() >= 0 and a.max() <= 4
    np.testing.assert_array_equal(a, sample_architectures(50, random_state=3))
    with pytest.raises(ValueError, match="n must be"):
        sample_architectures(0)


def test_create_network_registry():
    from landscape.nn import create_network
    from landscape.spaces.darts import DARTS_V2

    net = create_network("nb201", (3, 3, 3, 3, 3, 3), c=4, n=1)
    assert net(torch.randn(1, 3, 8, 8)).shape == (1, 10)
    assert create_network("darts", DARTS_V2, c=4, layers=3)(torch.randn(1, 3, 16, 16)).shape == (1, 10)
    with pytest.raises(ValueError, match="space must be one of .nb201., .darts., got .nb301."):
        create_network("nb301", DARTS_V2)
    with pytest.raises(ValueError, match="not \\['layers'\\]"):
        create_network("nb201", (0,) * 6, layers=3)
