"""The NB201 cell space: string/code/key/index conversions and isomorphism classes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landscape.spaces.nb201 import (EDGES, N_ARCHS, OPS, ArchIndex, all_codes, as_codes, codes_to_key, format_arch,
                                    isomorphism_classes, isomorphism_hash, key_to_codes, parse_arch, unique_strings)

INDEX0 = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|"
VALID = "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|"

codes_st = st.tuples(*[st.integers(0, 4)] * 6)
SETTINGS = settings(max_examples=100, deadline=None)


# -- parse / format ----------------------------------------------------------------------------


@SETTINGS
@given(codes_st)
def test_format_then_parse_round_trips(codes):
    s = format_arch(codes)
    assert isinstance(s, str)
    assert parse_arch(s) == codes


@SETTINGS
@given(st.integers(0, N_ARCHS - 1))
def test_string_index_codes_string_round_trip(store, i):
    s = store.index.arch_string(i)
    assert isinstance(s, str)
    assert store.index.index_of(s) == i
    codes = store.index.codes_of(i)
    assert tuple(codes) == parse_arch(s)
    assert format_arch(codes) == s
    assert store.index.index_of(codes) == i


def test_docstring_example():
    assert parse_arch(VALID) == (3, 0, 1, 0, 0, 4)
    assert format_arch((3, 0, 1, 0, 0, 4)) == VALID


def test_format_is_vectorised():
    codes = all_codes()
    strings = format_arch(codes)
    assert strings.shape == (N_ARCHS,)
    assert len(set(strings.tolist())) == N_ARCHS
    assert [parse_arch(s) for s in strings[:50]] == [tuple(c) for c in codes[:50].tolist()]
    assert format_arch(codes[:6].reshape(2, 3, 6)).shape == (2, 3)


def test_string_edge_order_matches_edges():
    # the op on edge e of the string is the e-th op; its '~i' names the source node of EDGES[e]
    for e, (dst, src) in enumerate(EDGES):
        codes = [0] * 6
        codes[e] = 3
        node = format_arch(codes).strip("|").split("|+|")[dst - 1]
        assert node.split("|")[src] == f"nor_conv_3x3~{src}"


BAD_STRINGS = {
    "two nodes": "|nor_conv_3x3~0|+|none~0|skip_connect~1|",
    "four nodes": VALID + "+|none~0|none~1|none~2|none~3|",
    "edges of node 2": "|nor_conv_3x3~0|+|none~0|+|none~0|none~1|avg_pool_3x3~2|",
    "edges of node 3": "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|none~2|",
    "unknown op": "|conv_5x5~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|",
    "wrong input first": "|nor_conv_3x3~2|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|",
    "swapped inputs": "|nor_conv_3x3~0|+|none~1|skip_connect~0|+|none~0|none~1|avg_pool_3x3~2|",
    "missing tilde": "|nor_conv_3x3|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|",
    "empty": "",
    "no bars": "nor_conv_3x3~0+none~0|skip_connect~1+none~0|none~1|avg_pool_3x3~2",
    "padded input": "|nor_conv_3x3~00|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|",
    "space": "|nor_conv_3x3~0| +|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|",
    "upper case": "|NOR_CONV_3X3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|",
}


@pytest.mark.parametrize("bad", BAD_STRINGS.values(), ids=BAD_STRINGS.keys())
def test_bad_strings_raise_value_error_quoting_the_input(bad):
    with pytest.raises(ValueError) as info:
        parse_arch(bad)
    assert repr(bad) in str(info.value)


def test_unknown_op_message_lists_allowed_ops():
    with pytest.raises(ValueError, match="conv_5x5") as info:
        parse_arch(BAD_STRINGS["unknown op"])
    assert all(op in str(info.value) for op in OPS)


@pytest.mark.parametrize("stray", [VALID + "\n", VALID.replace("|+", "|\n+", 1), " " + VALID, VALID + "|"])
def test_stray_characters_are_rejected(stray):
    # parse_arch's docstring promises a ValueError for stray characters; a string that parses
    # must be exactly the official string of its codes
    with pytest.raises(ValueError):
        parse_arch(stray)


@pytest.mark.parametrize("obj", [None, 3, b"|none~0|", ("none",), np.str_("x").encode()])
def test_non_str_raises_type_error(obj):
    with pytest.raises(TypeError):
        parse_arch(obj)


@SETTINGS
@given(codes_st, st.data())
def test_mutated_strings_raise_or_parse_exactly(codes, data):
    """A one-character edit gives either a ValueError or another exact official string."""
    s = format_arch(codes)
    pos = data.draw(st.integers(0, len(s)))
    char = data.draw(st.sampled_from(list("|+~0123456789_abcnopstxz ")))
    kind = data.draw(st.sampled_from(["insert", "delete", "replace"]))
    if kind == "insert":
        m = s[:pos] + char + s[pos:]
    elif kind == "delete":
        m = s[:pos] + s[pos + 1:]
    else:
        m = s[:pos] + char + s[pos + 1:]
    try:
        parsed = parse_arch(m)
    except ValueError as exc:
        assert repr(m) in str(exc)
    else:
        assert format_arch(parsed) == m


# -- codes and keys ----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(5,), (7,), (), (2, 5), (6, 2)])
def test_as_codes_rejects_shapes(shape):
    with pytest.raises(ValueError, match="last axis"):
        as_codes(np.zeros(shape, dtype=int))


@pytest.mark.parametrize("codes", [(0, 0, 0, 0, 0, 5), (-1, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 127)])
def test_as_codes_rejects_values(codes):
    with pytest.raises(ValueError, match="0..4"):
        as_codes(codes)


@pytest.mark.parametrize("codes", [(0.0, 1.0, 2.0, 3.0, 4.0, 0.0), np.ones(6) * 1.5, np.ones(6, dtype=bool)])
def test_as_codes_rejects_non_integers(codes):
    with pytest.raises(ValueError, match="integers"):
        as_codes(codes)


def test_as_codes_accepts_integer_dtypes():
    for dtype in (np.int8, np.uint8, np.int32, np.int64):
        out = as_codes(np.array([[0, 1, 2, 3, 4, 0]], dtype=dtype))
        assert out.dtype == np.int8 and out.tolist() == [[0, 1, 2, 3, 4, 0]]


def test_codes_to_key_is_a_bijection():
    codes = all_codes()
    keys = codes_to_key(codes)
    assert keys.tolist() == list(range(N_ARCHS))
    assert np.array_equal(key_to_codes(keys), codes)
    assert len({tuple(c) for c in codes.tolist()}) == N_ARCHS
    assert codes_to_key((1, 0, 0, 0, 0, 0)) == 1
    assert codes_to_key((0, 0, 0, 0, 0, 1)) == 5**5


@SETTINGS
@given(codes_st)
def test_key_round_trip(codes):
    key = codes_to_key(codes)
    assert 0 <= key < N_ARCHS
    assert tuple(key_to_codes(key).tolist()) == codes


@pytest.mark.parametrize("key", [-1, N_ARCHS, 10**9])
def test_key_to_codes_rejects_out_of_range(key):
    with pytest.raises(ValueError):
        key_to_codes(key)


# -- the official index ------------------------------------------------------------------------


def test_index_zero_is_the_reference_string(store):
    assert store.index.arch_string(0) == INDEX0
    assert store.index.index_of(INDEX0) == 0
    assert len(store.index) == N_ARCHS


def test_index_is_not_base5_order(store):
    assert not np.array_equal(store.index.keys(), np.arange(N_ARCHS))
    assert np.array_equal(np.sort(store.index.keys()), np.arange(N_ARCHS))


def test_index_vectorised_lookups(store):
    idx = np.array([0, 6111, 15624, 857])
    strings = store.index.arch_string(idx)
    assert store.index.indices_of(strings).tolist() == idx.tolist()
    assert store.index.index_of(store.index.codes_of(idx)).tolist() == idx.tolist()
    assert store.index.index_of_key(store.index.keys()[idx]).tolist() == idx.tolist()


@pytest.mark.parametrize("bad", [-1, N_ARCHS, 1.5])
def test_index_rejects_bad_indices(store, bad):
    with pytest.raises(ValueError):
        store.index.codes_of(bad)


def test_arch_index_rejects_non_permutations():
    codes = all_codes()
    dup = codes.copy()
    dup[7] = dup[8]
    with pytest.raises(ValueError, match="permutation") as info:
        ArchIndex(dup)
    assert format_arch(codes[7]) in str(info.value)  # names the missing cell
    with pytest.raises(ValueError, match="shape"):
        ArchIndex(codes[:-1])
    with pytest.raises(ValueError):
        ArchIndex(np.concatenate([codes, codes[:1]]))
    ArchIndex(codes[np.random.default_rng(0).permutation(N_ARCHS)])  # any permutation is fine


def test_arch_index_does_not_freeze_or_alias_the_callers_array():
    codes = all_codes()[np.random.default_rng(1).permutation(N_ARCHS)]
    index = ArchIndex(codes)
    before = index.arch_string(0)
    # the caller still owns its array: it stays writable and editing it leaves the index alone
    assert codes.flags.writeable
    codes[0] = codes[1]
    assert index.arch_string(0) == before
    assert index.index_of(before) == 0


# -- isomorphism -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nats_table(shared_data):
    return pd.read_csv(shared_data / "v-tao_nats-bench-landscape" / "nats_bench.csv")


def test_unique_strings_equal_nats_column(store, nats_table):
    assert nats_table["ArchitectureString"].tolist() == store.index.arch_string(np.arange(N_ARCHS)).tolist()
    ours = unique_strings(store.codes)
    theirs = nats_table["UniqueString"].to_numpy(dtype=str)
    mismatch = np.flatnonzero(ours != theirs)
    assert mismatch.size == 0, f"first mismatch at {mismatch[:1]}: {ours[mismatch[:1]]} vs {theirs[mismatch[:1]]}"


def test_unique_string_by_hand():
    # node1 = conv3(x0); node2 = none(x0) + skip(node1); node3 = none + none + avg(node2)
    assert unique_strings(np.array([[3, 0, 1, 0, 0, 4]])).tolist() == ["#+#+(#+(0)@nor_conv_3x3)@avg_pool_3x3"]
    assert unique_strings(np.array([[0] * 6])).tolist() == ["#+#+#"]
    assert unique_strings(np.array([[1, 1, 1, 1, 1, 1]])).tolist() == ["0+0+0+0"]  # four paths 0->3


def test_isomorphism_partition_equals_nats(store, nats_table):
    ours = isomorphism_classes(store.codes)
    theirs, _ = pd.factorize(nats_table["UniqueString"])
    assert np.unique(ours).size == 6466
    assert np.unique(theirs).size == 6466
    assert len(set(zip(ours.tolist(), theirs.tolist()))) == 6466
    assert np.array_equal(store.isomorphism_classes(), ours)
    assert np.array_equal(store.index.isomorphism_classes(), ours)


def test_class_labels_are_first_members():
    codes = all_codes()[np.random.default_rng(3).permutation(N_ARCHS)]
    for kind in ("nb201", "functional"):
        labels = isomorphism_classes(codes, kind=kind)
        assert labels.dtype == np.int64
        assert (labels <= np.arange(N_ARCHS)).all()
        assert np.array_equal(labels[labels], labels)  # a label is its own representative
        reps = np.flatnonzero(labels == np.arange(N_ARCHS))
        assert reps.size == np.unique(labels).size


def test_functional_classes_are_coarser(store):
    nb = isomorphism_classes(store.codes)
    fn = isomorphism_classes(store.codes, kind="functional")
    assert np.unique(fn).size == 4930
    pairs = pd.DataFrame({"nb": nb, "fn": fn}).drop_duplicates()
    assert len(pairs) == 6466  # every NB201 class lies inside exactly one functional class
    assert pairs["nb"].is_unique


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="kind"):
        isomorphism_classes(all_codes()[:3], kind="bogus")


def _same_class(a, b, kind="nb201") -> bool:
    labels = isomorphism_classes(np.array([a, b]), kind=kind)
    return bool(labels[0] == labels[1])


@SETTINGS
@given(codes_st, st.integers(0, 4), st.integers(0, 4))
def test_ops_on_edges_out_of_a_dead_node_do_not_matter(codes, a, b):
    # edge 0 (1 <- 0) is 'none': node 1 is zero, so the ops on its out-edges (2 <- 1, 3 <- 1) are irrelevant
    x = list(codes)
    x[0] = 0
    y = list(x)
    y[2], y[4] = a, b
    assert unique_strings(np.array([x]))[0] == unique_strings(np.array([y]))[0]
    assert _same_class(x, y)
    assert _same_class(x, y, kind="functional")


def test_cells_with_all_none_output_form_one_class():
    codes = all_codes()
    dead = (codes[:, 3] == 0) & (codes[:, 4] == 0) & (codes[:, 5] == 0)
    assert dead.sum() == 125
    for kind in ("nb201", "functional"):
        labels = isomorphism_classes(codes, kind=kind)
        assert np.unique(labels[dead]).size == 1
    hashes = isomorphism_hash(codes)
    assert (hashes[dead] == 0).all()
    # and nothing with a live path to the output joins it functionally
    assert (hashes[codes[:, 3] != 0] != 0).all()


@SETTINGS
@given(st.integers(0, 4), st.integers(0, 4))
def test_commutative_sums_give_the_same_unique_string(c3, c5):
    # node2 = conv1(x0) + skip(conv3(x0))  vs  node2 = conv3(x0) + skip(conv1(x0)); node 1 unused by node 3
    a = (3, 2, 1, c3, 0, c5)
    b = (2, 3, 1, c3, 0, c5)
    ua, ub = unique_strings(np.array([a, b]))
    assert ua == ub
    assert _same_class(a, b) and _same_class(a, b, kind="functional")
    # control: once node 3 reads node 1 directly, the two cells differ
    a2, b2 = (3, 2, 1, c3, 1, c5), (2, 3, 1, c3, 1, c5)
    assert not _same_class(a2, b2)
    assert not _same_class(a2, b2, kind="functional")


def test_different_ops_on_live_edges_differ():
    assert not _same_class((3, 0, 0, 1, 1, 0), (2, 0, 0, 1, 1, 0))
    assert not _same_class((0, 0, 0, 3, 0, 0), (0, 0, 0, 2, 0, 0), kind="functional")
    # skip sums flatten functionally but not in NB201's string: skip(x0) + skip(skip(x0)) twice over
    a, b = (1, 0, 0, 1, 1, 0), (0, 1, 0, 1, 0, 1)  # x0 + x0 either way
    assert _same_class(a, b, kind="functional")
    assert not _same_class(a, b)


def test_live_edges_are_on_an_input_output_path():
    """Reference: networkx reachability on the graph of the cell's non-``none`` edges, for every cell."""
    import networkx as nx

    from landscape.spaces.nb201 import EDGES, all_codes, live_edges, parameter_free_live

    codes = all_codes()
    live = live_edges(codes)
    for row, flags in zip(codes[::7], live[::7]):
        g = nx.DiGraph()
        g.add_nodes_from(range(4))
        g.add_edges_from((i, j) for (j, i), op in zip(EDGES, row) if op != 0)
        expected = [op != 0 and nx.has_path(g, 0, i) and nx.has_path(g, j, 3) for (j, i), op in zip(EDGES, row)]
        assert list(flags) == expected
        free = sum(f and op in (1, 4) for f, op in zip(expected, row))
        assert parameter_free_live(row[None])[0] == free
