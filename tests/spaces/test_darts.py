"""The DARTS search space: genotype parsing/formatting and validation, codes, canonical form,
A²M neighbours, distances and sampling."""

from __future__ import annotations

import re
from collections import namedtuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from landscape.graph.darts import N_MOVES, hamming_distance, neighbour_codes, neighbours, sample_neighbours, sphere_size
from landscape.spaces.darts import (CONCAT, DARTS_V1, DARTS_V2, N_GENOTYPES, N_SUPERNET_EDGES, OPS, PC_DARTS,
                                    SUPERNET_OPS, Genotype, as_cell, as_codes, as_genotype, candidate_to_genotype,
                                    canonical_codes, canonical_genotype, check_candidate, codes_to_genotype,
                                    codes_to_key, format_genotype, genotype_to_candidate, genotype_to_codes,
                                    parse_genotype, random_candidates, random_genotype,
                                    as_candidate, repair_candidates)

PUBLISHED = [DARTS_V1, DARTS_V2, PC_DARTS]

# Verbatim from quark0/darts cnn/genotypes.py and yuhuixu1993/PC-DARTS genotypes.py.
DARTS_V2_TEXT = (
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), "
    "('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], "
    "reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), "
    "('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])"
)
PC_DARTS_TEXT = """Genotype(
    normal=[("sep_conv_3x3", 1), ("skip_connect", 0), ("sep_conv_3x3", 0), ("dil_conv_3x3", 1), ("sep_conv_5x5", 0),
            ("sep_conv_3x3", 1), ("avg_pool_3x3", 0), ("dil_conv_3x3", 1)],  # a comment
    normal_concat=range(2, 6),
    reduce=[("sep_conv_5x5", 1), ("max_pool_3x3", 0), ("sep_conv_5x5", 1), ("sep_conv_5x5", 2), ("sep_conv_3x3", 0),
            ("sep_conv_3x3", 3), ("sep_conv_3x3", 1), ("sep_conv_3x3", 2)],
    reduce_concat=range(2, 6),
)"""


@st.composite
def genotypes(draw) -> Genotype:
    """Any valid genotype, the two edges of a node in either order."""
    cells = []
    for _ in range(2):
        edges = []
        for j in range(2, 6):
            a, b = draw(st.lists(st.integers(0, j - 1), min_size=2, max_size=2, unique=True))
            edges += [(draw(st.sampled_from(OPS)), a), (draw(st.sampled_from(OPS)), b)]
        cells.append(tuple(edges))
    return Genotype(cells[0], CONCAT, cells[1], CONCAT)


def canonical_by_hand(g: Genotype) -> tuple:
    """Each node's edges as an unordered set: a reference canonical form independent of the module."""
    return tuple(tuple(frozenset(cell[k:k + 2]) for k in range(0, 8, 2)) for cell in (g.normal, g.reduce))


def neighbours_by_hand(g: Genotype) -> set:
    """All op substitutions and rewirings of ``g``, deduplicated as unordered node edge sets."""
    out = set()
    for c, cell in enumerate((g.normal, g.reduce)):
        for e, (op, src) in enumerate(cell):
            partner_src = cell[e ^ 1][1]
            node = 2 + e // 2
            variants = [(o, src) for o in OPS if o != op]
            variants += [(op, s) for s in range(node) if s not in (src, partner_src)]
            for v in variants:
                cells = [list(g.normal), list(g.reduce)]
                cells[c][e] = v
                out.add(canonical_by_hand(Genotype(tuple(cells[0]), CONCAT, tuple(cells[1]), CONCAT)))
    return out


# --- constants, parsing and formatting ---------------------------------------------------------------


def test_ops_follow_darts_primitives():
    assert SUPERNET_OPS == ("none", "max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3",
                            "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5")
    assert OPS == SUPERNET_OPS[1:]


def test_published_genotypes_parse_verbatim():
    assert parse_genotype(DARTS_V2_TEXT) == DARTS_V2
    assert parse_genotype(PC_DARTS_TEXT) == PC_DARTS
    assert DARTS_V2.normal[7] == ("dil_conv_3x3", 2) and DARTS_V2.normal_concat == (2, 3, 4, 5)


@pytest.mark.parametrize("g", PUBLISHED)
def test_published_round_trip(g):
    text = format_genotype(g)
    assert text == repr(g) == str(g)
    assert text.startswith("Genotype(normal=[(") and "normal_concat=range(2, 6)" in text
    assert parse_genotype(text) == g
    assert codes_to_genotype(genotype_to_codes(g)) == g


def test_darts_namedtuple_is_accepted_and_its_repr_parses():
    darts_genotype = namedtuple("Genotype", "normal normal_concat reduce reduce_concat")  # DARTS' own type
    g = darts_genotype(list(DARTS_V2.normal), range(2, 6), list(DARTS_V2.reduce), range(2, 6))
    assert as_genotype(g) == DARTS_V2
    assert parse_genotype(repr(g)) == DARTS_V2
    assert parse_genotype(format_genotype(g)) == DARTS_V2


def test_tuples_parse_like_lists():
    text = DARTS_V2_TEXT.replace("normal=[", "normal=(", 1).replace("], normal_concat", "), normal_concat")
    assert parse_genotype(text) == DARTS_V2


def test_positional_fields_parse():
    text = f"Genotype({list(DARTS_V2.normal)}, [2, 3, 4, 5], {list(DARTS_V2.reduce)}, range(2, 6))"
    assert parse_genotype(text) == DARTS_V2


@settings(deadline=None)
@given(genotypes())
def test_random_genotypes_round_trip(g):
    assert parse_genotype(format_genotype(g)) == g
    c = genotype_to_codes(g)
    assert c.shape == (2, 8, 2) and c.dtype == np.int8
    assert codes_to_genotype(c) == g


def test_vectorised_codes_and_formatting():
    c = genotype_to_codes(PUBLISHED)
    assert c.shape == (3, 2, 8, 2)
    assert codes_to_genotype(c) == PUBLISHED
    texts = format_genotype(c)
    assert texts.shape == (3,) and list(texts) == [repr(g) for g in PUBLISHED]
    assert format_genotype(c[1]) == repr(DARTS_V2)
    assert genotype_to_codes([]).shape == (0, 2, 8, 2)
    assert genotype_to_codes(DARTS_V2_TEXT).tolist() == c[1].tolist()


# --- validation --------------------------------------------------------------------------------------


def _with_edge(cell: str, e: int, edge) -> str:
    cells = {"normal": list(DARTS_V2.normal), "reduce": list(DARTS_V2.reduce)}
    cells[cell][e] = edge
    return f"Genotype(normal={cells['normal']!r}, normal_concat=[2, 3, 4, 5], reduce={cells['reduce']!r}, " \
           f"reduce_concat=[2, 3, 4, 5])"


@pytest.mark.parametrize(("text", "message"), [
    (_with_edge("normal", 3, ("conv_7x1_1x7", 1)),
     r"normal cell: unknown operation 'conv_7x1_1x7' on edge \[3\]; allowed: max_pool_3x3, .*dil_conv_5x5"),
    (_with_edge("reduce", 0, ("none", 0)),
     r"reduce cell: unknown operation 'none' on edge \[0\] \('none' exists only in the supernet\)"),
    (_with_edge("normal", 0, ("sep_conv_3x3", 2)),
     r"normal cell: edge \[0\] \('sep_conv_3x3', 2\) reads state 2, but node 2 may only read states 0\.\.1"),
    (_with_edge("reduce", 7, ("skip_connect", 5)),
     r"reduce cell: edge \[7\] \('skip_connect', 5\) reads state 5, but node 5 may only read states 0\.\.4"),
    (_with_edge("normal", 5, ("sep_conv_3x3", -1)), r"edge \[5\] .* reads state -1, but node 4"),
    (_with_edge("normal", 3, ("sep_conv_3x3", 0)),
     r"normal cell: node 3 reads state 0 twice \(edges \[2\] and \[3\]\); its two inputs must differ"),
    (_with_edge("normal", 3, ("sep_conv_3x3",)), r"normal cell: edge \[3\] must be an \(op, input\) pair"),
    (_with_edge("normal", 3, ("sep_conv_3x3", True)), r"edge \[3\] must be an \(op, input\) pair"),
    (_with_edge("normal", 3, ("sep_conv_3x3", 1.0)), r"edge \[3\] must be an \(op, input\) pair"),
    (DARTS_V2_TEXT.replace("('dil_conv_3x3', 2)], normal_concat", "], normal_concat"),
     r"normal cell must have 8 edges \(2 inputs for each of 4 nodes\), found 7"),
    (DARTS_V2_TEXT.replace("('max_pool_3x3', 1)], reduce_concat", "('max_pool_3x3', 1), ('skip_connect', 3)], "
                                                                   "reduce_concat"), r"found 9"),
    (DARTS_V2_TEXT.replace("normal_concat=[2, 3, 4, 5]", "normal_concat=[2, 3, 4]"),
     r"normal_concat must be \[2, 3, 4, 5\] \(all four intermediate nodes\), found \[2, 3, 4\]"),
    (DARTS_V2_TEXT.replace("reduce_concat=[2, 3, 4, 5]", "reduce_concat=range(1, 6)"),
     r"reduce_concat must be \[2, 3, 4, 5\] .*found range\(1, 6\)"),
])
def test_invalid_genotype_messages(text, message):
    with pytest.raises(ValueError, match=message) as info:
        parse_genotype(text)
    assert f"invalid DARTS genotype {text!r}" in str(info.value)


@pytest.mark.parametrize(("text", "message"), [
    ("Genotype(normal=[", r"not a Python expression"),
    ("DARTS_V2", r"expected 'Genotype\(normal=\[\.\.\.\], normal_concat=\.\.\., reduce=\[\.\.\.\], "),
    ("Genotype(normal=[], normal=[], normal_concat=[], reduce=[], reduce_concat=[])", r"field 'normal' given twice"),
    (DARTS_V2_TEXT.replace("reduce_concat=", "concat="), r"unknown field 'concat'; fields are normal, normal_concat"),
    (DARTS_V2_TEXT.replace(", reduce_concat=[2, 3, 4, 5]", ""), r"missing field\(s\) reduce_concat"),
    (DARTS_V2_TEXT.replace("normal_concat=[2, 3, 4, 5]", "normal_concat=list(range(2, 6))"),
     r"normal_concat= must be a literal list \(or range\(2, 6\)\), found 'list\(range\(2, 6\)\)'"),
    ("Genotype(*x)", r"plain positional fields"),
    ("Genotype(**x)", r"unknown field \*\*"),
])
def test_malformed_genotype_messages(text, message):
    with pytest.raises(ValueError, match=message) as info:
        parse_genotype(text)
    assert f"malformed DARTS genotype {text!r}" in str(info.value)


def test_type_errors():
    with pytest.raises(TypeError, match="a genotype string must be str, got int: 3"):
        parse_genotype(3)
    with pytest.raises(TypeError, match=r"expected a DARTS Genotype \(fields normal, .*got dict"):
        as_genotype({"normal": []})


def test_invalid_object_and_cell_quote_their_input():
    bad = Genotype(DARTS_V2.normal[:7], CONCAT, DARTS_V2.reduce, CONCAT)
    with pytest.raises(ValueError, match=re.escape(f"invalid DARTS genotype {bad!r}: normal cell must have 8")):
        as_genotype(bad)
    with pytest.raises(ValueError, match=r"invalid DARTS cell 'abc' must be a list of 8 \(op, input\) pairs, "
                                         r"found str"):
        as_cell("abc")
    assert as_cell([list(e) for e in DARTS_V2.reduce]) == DARTS_V2.reduce


@pytest.mark.parametrize(("edit", "message"), [
    (lambda c: c[..., :7, :], r"trailing axes \(2 cells, 8 edges, 2 = op/input\), got shape \(2, 7, 2\)"),
    (lambda c: c.astype(float), r"must be integers, got dtype float64"),
    (lambda c: np.where(np.arange(2) == 0, 7, c), r"op codes must lie in 0\.\.6, got values"),
    (lambda c: _set(c, (1, 5, 1), 4), r"codes: edge \[5\] of the reduce cell reads state 4, but node 4 may only "
                                      r"read states 0\.\.3"),
    (lambda c: _set(c, (0, 3, 1), 0), r"codes: node 3 of the normal cell reads state 0 twice"),
    (lambda c: np.stack([c, _set(c, (0, 3, 1), 0)]), r"codes\[1\]: node 3 of the normal cell reads state 0 twice"),
])
def test_invalid_codes_messages(edit, message):
    with pytest.raises(ValueError, match=message):
        as_codes(edit(genotype_to_codes(DARTS_V2)))


def _set(c: np.ndarray, index: tuple, value: int) -> np.ndarray:
    c = c.copy()
    c[index] = value
    return c


# --- canonical form, keys and distances --------------------------------------------------------------


def test_canonical_equality():
    swapped = Genotype(
        normal=(("sep_conv_3x3", 1), ("sep_conv_3x3", 0), *DARTS_V2.normal[2:]),
        normal_concat=CONCAT, reduce=DARTS_V2.reduce, reduce_concat=CONCAT)
    assert swapped != DARTS_V2
    assert canonical_genotype(swapped) == canonical_genotype(DARTS_V2)
    assert canonical_genotype(DARTS_V2).normal[4:6] == (("skip_connect", 0), ("sep_conv_3x3", 1))
    assert codes_to_key(genotype_to_codes(swapped)) == codes_to_key(genotype_to_codes(DARTS_V2))
    assert hamming_distance(swapped, DARTS_V2) == 0


@settings(deadline=None)
@given(genotypes(), genotypes())
def test_canonical_form_keys_and_distance(g1, g2):
    c1, c2 = genotype_to_codes(g1), genotype_to_codes(g2)
    assert canonical_codes(canonical_codes(c1)).tolist() == canonical_codes(c1).tolist()
    same = canonical_by_hand(g1) == canonical_by_hand(g2)
    assert (canonical_genotype(g1) == canonical_genotype(g2)) == same
    assert (codes_to_key(c1) == codes_to_key(c2)) == same
    assert 0 <= codes_to_key(c1) < N_GENOTYPES
    d = hamming_distance(g1, g2)
    assert d == hamming_distance(g2, g1) and (d == 0) == same and 0 <= d <= 26


def test_distance_pairs_edges_as_unordered():
    # Rewiring node 4's input 0 -> 3 reorders its canonical edges, yet it is one move.
    g = as_genotype(Genotype(
        normal=(("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("skip_connect", 0), ("sep_conv_3x3", 1),
                ("max_pool_3x3", 0), ("dil_conv_3x3", 2), ("skip_connect", 0), ("dil_conv_3x3", 2)),
        normal_concat=CONCAT, reduce=DARTS_V2.reduce, reduce_concat=CONCAT))
    moved = g._replace(normal=g.normal[:4] + (("max_pool_3x3", 3), ("dil_conv_3x3", 2)) + g.normal[6:])
    assert canonical_genotype(moved).normal[4:6] == (("dil_conv_3x3", 2), ("max_pool_3x3", 3))
    assert hamming_distance(g, moved) == 1
    # an edge changing both op and input counts twice
    assert hamming_distance(g, g._replace(normal=g.normal[:4] + (("avg_pool_3x3", 3),) + g.normal[5:])) == 2


def test_distance_is_vectorised():
    c = genotype_to_codes(PUBLISHED)
    d = hamming_distance(c[:, None], c[None, :])
    assert d.shape == (3, 3) and (np.diag(d) == 0).all() and (d == d.T).all()
    assert d[0, 1] == hamming_distance(DARTS_V1, DARTS_V2)


# --- neighbours and sampling -------------------------------------------------------------------------


def test_neighbour_count_closed_form():
    op_substitutions = 2 * 8 * (len(OPS) - 1)  # 96
    rewirings = 2 * sum(2 * (j - 2) for j in range(2, 6))  # per cell: node 2: 0, node 3: 2, node 4: 4, node 5: 6
    assert (op_substitutions, rewirings) == (96, 24)
    assert N_MOVES == op_substitutions + rewirings == 120 == sphere_size(DARTS_V2, 1)


@pytest.mark.parametrize("g", PUBLISHED)
def test_neighbours_of_published(g):
    nbrs = neighbours(g)
    assert len(nbrs) == 120
    assert {canonical_by_hand(n) for n in nbrs} == neighbours_by_hand(g)  # by-hand dedupe leaves 120 too
    assert all(n == canonical_genotype(n) for n in nbrs)
    assert all(hamming_distance(g, n) == 1 for n in nbrs)


@settings(deadline=None, max_examples=50)
@given(genotypes())
def test_neighbours_match_brute_force(g):
    nbrs = neighbours(g)
    by_hand = neighbours_by_hand(g)
    assert len(by_hand) == len(nbrs) == 120
    assert {canonical_by_hand(n) for n in nbrs} == by_hand


def test_neighbour_codes_vectorised():
    c = genotype_to_codes(PUBLISHED)
    nb = neighbour_codes(c)
    assert nb.shape == (3, 120, 2, 8, 2)
    assert codes_to_genotype(nb[2]) == neighbours(PC_DARTS)
    assert (hamming_distance(nb, c[:, None]) == 1).all()


SAME_OPS = parse_genotype(  # every node applies one op to both of its inputs
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 2), "
    "('dil_conv_5x5', 1), ('dil_conv_5x5', 3), ('max_pool_3x3', 0), ('max_pool_3x3', 4)], normal_concat=range(2, 6), "
    "reduce=[('avg_pool_3x3', 0), ('avg_pool_3x3', 1), ('sep_conv_5x5', 1), ('sep_conv_5x5', 2), "
    "('skip_connect', 2), ('skip_connect', 3), ('dil_conv_3x3', 1), ('dil_conv_3x3', 3)], reduce_concat=range(2, 6))"
)


@pytest.mark.parametrize(("g", "expected"), [(SAME_OPS, 6864), (DARTS_V2, 6894), (random_genotype(0), None)])
def test_sphere_sizes_agree_with_breadth_first_search(g, expected):
    c = genotype_to_codes(g)
    two_steps = neighbour_codes(neighbour_codes(c)).reshape(-1, 2, 8, 2)
    at_two = two_steps[hamming_distance(two_steps, c) == 2]
    assert len(np.unique(codes_to_key(at_two))) == sphere_size(g, 2) == (expected or sphere_size(g, 2))
    assert sphere_size(g, 1) == 120
    assert sum(sphere_size(g, r) for r in range(27)) == N_GENOTYPES
    assert sphere_size(g, 0) == 1 and sphere_size(g, 26) > 0 and sphere_size(g, 27) == 0


@pytest.mark.parametrize(("radius", "n"), [(1, 10), (2, 25), (3, 30), (5, 20)])
def test_sample_neighbours_exact_radius_and_seeded(radius, n):
    sample = sample_neighbours(DARTS_V2, radius, n, random_state=0)
    assert len(sample) == n
    assert len({codes_to_key(genotype_to_codes(g)).item() for g in sample}) == n
    assert all(hamming_distance(DARTS_V2, g) == radius and g == canonical_genotype(g) for g in sample)
    assert sample_neighbours(DARTS_V2, radius, n, random_state=0) == sample
    assert sample_neighbours(DARTS_V2, radius, n, random_state=np.random.default_rng(0)) == sample
    assert sample_neighbours(DARTS_V2, radius, n, random_state=1) != sample


def test_sample_all_radius_one_neighbours():
    assert set(sample_neighbours(PC_DARTS, 1, 120, random_state=3)) == set(neighbours(PC_DARTS))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"radius": 0}, r"radius must be an integer >= 1, got 0"),
    ({"radius": 1.5}, r"radius must be an integer >= 1, got 1\.5"),
    ({"n": 0}, r"n must be an integer >= 1, got 0"),
    ({"n": True}, r"n must be an integer >= 1, got True"),
    ({"radius": 1, "n": 121}, r"n=121 exceeds the 120 genotypes at distance 1 from this genotype"),
    ({"random_state": -1}, r"random_state must be None, a non-negative int or a numpy\.random\.Generator, got -1"),
    ({"random_state": "seed"}, r"random_state must be .*got 'seed'"),
])
def test_sample_neighbours_argument_errors(kwargs, message):
    args = {"radius": 3, "n": 30, "random_state": 0, **kwargs}
    with pytest.raises(ValueError, match=message):
        sample_neighbours(DARTS_V2, **args)


def test_sphere_size_argument_error():
    with pytest.raises(ValueError, match=r"radius must be an integer >= 0, got -1"):
        sphere_size(DARTS_V2, -1)


def test_random_genotype():
    g = random_genotype(7)
    assert g == as_genotype(g) == canonical_genotype(g)
    assert random_genotype(7) == g and random_genotype(np.random.default_rng(7)) == g
    assert len({random_genotype(s) for s in range(20)}) == 20
    with pytest.raises(ValueError, match="random_state must be"):
        random_genotype(2.0)


# -- the SPOS supernet's candidate encoding (GeNAS / RLNAS) ------------------------------------------------------
def test_darts_v2_candidate_written_out_by_hand():
    # node 2 <- 0, 1 | node 3 <- 0, 1, 2 | node 4 <- 0..3 | node 5 <- 0..4; op index into SUPERNET_OPS, 0 = none
    sep3, skip, dil3, maxp = (SUPERNET_OPS.index(o) for o in ("sep_conv_3x3", "skip_connect", "dil_conv_3x3",
                                                               "max_pool_3x3"))
    normal = [sep3, sep3, sep3, sep3, 0, skip, sep3, 0, 0, skip, 0, dil3, 0, 0]
    reduce = [maxp, maxp, 0, maxp, skip, maxp, 0, skip, 0, 0, maxp, skip, 0, 0]
    assert genotype_to_candidate(DARTS_V2).tolist() == [normal, reduce]


@pytest.mark.parametrize("genotype", PUBLISHED)
def test_candidate_round_trip(genotype):
    cand = genotype_to_candidate(genotype)
    assert cand.shape == (2, N_SUPERNET_EDGES) and (cand > 0).sum() == 16
    assert candidate_to_genotype(cand) == canonical_genotype(genotype)


def test_faithful_candidates_repair_every_node_to_two_inputs():
    cands = random_candidates(2000, 0)
    assert cands.shape == (2000, 2, 14)
    for cand in cands[:200]:
        check_candidate(cand)  # raises unless every node has exactly two inputs
    active = (cands > 0).reshape(-1, 14)
    assert (active.sum(axis=1) == 8).all()
    ops = np.bincount(cands[cands > 0], minlength=len(SUPERNET_OPS))[1:]
    assert ops.min() / ops.max() > 0.9  # the active ops are drawn uniformly from the 7 real ones
    assert np.array_equal(random_candidates(5, 3), random_candidates(5, 3))


def test_repair_keeps_valid_candidates_and_the_kept_edges_of_invalid_ones():
    valid = random_candidates(50, 4)
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    assert np.array_equal(repair_candidates(valid, rng), valid) and rng.bit_generator.state == state  # no draws
    mutated = valid.copy()
    mutated[:, 0, :] = np.random.default_rng(1).integers(0, 8, (50, 14))  # the normal cell redrawn at random
    repaired = repair_candidates(mutated, 2)
    for before, after in zip(mutated, repaired):
        check_candidate(after)
        assert np.array_equal(after[1], before[1])  # a valid reduce cell is left alone
        changed = after[0] != before[0]
        # check_cand only switches active edges off or draws a real op for an inactive one
        assert np.all((after[0][changed] == 0) | (before[0][changed] == 0))
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 2, 14\)"):
        repair_candidates(np.zeros((3, 14)))


def test_as_candidate_takes_genotypes_strings_and_flat_rows():
    cand = genotype_to_candidate(DARTS_V2)
    for arch in (DARTS_V2, format_genotype(DARTS_V2), cand, cand.ravel().tolist()):
        assert np.array_equal(as_candidate(arch), cand)


def test_exact_candidates_are_uniform_genotypes():
    cands = random_candidates(300, 1, mode="exact")
    genotypes = [candidate_to_genotype(c) for c in cands]
    assert all(g == canonical_genotype(g) for g in genotypes)
    node5_inputs = np.array([[j for op, j in g.normal[6:]] for g in genotypes])
    assert set(np.unique(node5_inputs)) == {0, 1, 2, 3, 4}


@pytest.mark.parametrize("bad, message", [
    (np.zeros((2, 13), dtype=int), r"shape \(2, 14\)"),
    (np.full((2, 14), 8), r"op indices must lie in 0..7"),
    (np.zeros((2, 14), dtype=int), "normal cell, node 2: 0 active inputs"),
])
def test_bad_candidates(bad, message):
    with pytest.raises(ValueError, match=message):
        check_candidate(bad)
