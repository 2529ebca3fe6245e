"""The DARTS cell search space (Liu, Simonyan & Yang, "DARTS: Differentiable Architecture Search", ICLR 2019).

A network stacks *normal* and *reduction* cells.  Each cell has two input states (0 = the output
of cell ``k-2``, 1 = the output of cell ``k-1``) and four intermediate nodes, states 2..5.  Node
``j`` sums two operations applied to two *distinct* earlier states ``0..j-1``, and the cell outputs
the concatenation of nodes 2..5.  A genotype therefore fixes, per cell, 8 ``(op, input)`` edges
(two per node, in node order), each op one of the 7 in :data:`OPS`; the space holds
:data:`N_GENOTYPES` ≈ 1.08·10¹⁸ genotypes once the two edges of a node are taken as unordered.

Genotypes appear in two forms:

* :class:`Genotype`, field-compatible with DARTS' ``namedtuple`` and printed in its repr
  (``Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6), ...)``), which
  :func:`parse_genotype` reads back without ``eval``;
* integer codes of shape ``(..., 2, 8, 2)``: cell (0 normal, 1 reduce) × edge × (op code indexing
  :data:`OPS`, input state), for vectorised work over many genotypes.

The two edges of a node are unordered, so a genotype has a *canonical form*: each node's edges
sorted by input (:func:`canonical_codes`); equal cells have equal canonical codes.  Neighbours
follow A²M's moves on this space (:mod:`landscape.graph.darts`): substitute one edge's op, or rewire
one edge to another allowed input of its node (inputs of a node stay distinct).

Examples
--------
>>> g = parse_genotype(format_genotype(DARTS_V2))
>>> g == DARTS_V2, len(g.normal)                  # 8 (op, input) edges per cell
(True, 8)
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import numpy as np

from ..validation import check_choice, check_int, check_random_state

__all__ = [
    "genotype_batch",
    "OPS",
    "SUPERNET_OPS",
    "N_OPS",
    "N_NODES",
    "N_EDGES",
    "CONCAT",
    "EDGE_NODE",
    "N_GENOTYPES",
    "Genotype",
    "DARTS_V1",
    "DARTS_V2",
    "PC_DARTS",
    "parse_genotype",
    "format_genotype",
    "as_genotype",
    "as_cell",
    "as_codes",
    "genotype_to_codes",
    "codes_to_genotype",
    "canonical_codes",
    "canonical_genotype",
    "codes_to_key",
    "random_genotype",
    "SUPERNET_EDGES",
    "N_SUPERNET_EDGES",
    "genotype_to_candidate",
    "candidate_to_genotype",
    "check_candidate",
    "as_candidate",
    "repair_candidates",
    "random_candidates",
]

#: The 7 candidate operations of a genotype, in the order of DARTS' ``PRIMITIVES`` (without ``none``).
OPS: tuple[str, ...] = (
    "max_pool_3x3",
    "avg_pool_3x3",
    "skip_connect",
    "sep_conv_3x3",
    "sep_conv_5x5",
    "dil_conv_3x3",
    "dil_conv_5x5",
)
#: The mixed-op candidates of the DARTS supernet: DARTS' ``PRIMITIVES`` (``none`` first, then :data:`OPS`).
SUPERNET_OPS: tuple[str, ...] = ("none", *OPS)
N_OPS = len(OPS)
#: Intermediate nodes per cell (states 2..5).
N_NODES = 4
#: Edges per cell: two inputs per intermediate node.
N_EDGES = 2 * N_NODES
#: The nodes concatenated into a cell's output.
CONCAT: tuple[int, ...] = tuple(range(2, 2 + N_NODES))
#: The state (2..5) that each of the 8 edges of a cell feeds; node ``j`` may read states ``0..j-1``.
EDGE_NODE = np.repeat(np.arange(2, 2 + N_NODES), 2)
EDGE_NODE.setflags(write=False)
_CELLS = ("normal", "reduce")
_OP_CODE = {op: code for code, op in enumerate(OPS)}
# A node j has C(j, 2) unordered input pairs and 7² op pairs: the mixed radices of codes_to_key.
_NODE_RADIX = np.array([N_OPS**2 * j * (j - 1) // 2 for j in range(2, 2 + N_NODES)], dtype=np.int64)
_NODE_PLACE = np.concatenate([[1], np.cumprod(_NODE_RADIX)[:-1]])
_CELL_COUNT = int(np.prod(_NODE_RADIX))
#: Number of genotypes (canonical forms): ``(7**8 * 1*3*6*10) ** 2`` ≈ 1.08e18.
N_GENOTYPES = _CELL_COUNT**2


class Genotype(NamedTuple):
    """A DARTS genotype, field-compatible with DARTS' ``Genotype`` namedtuple (``genotypes.py``).

    ``normal`` and ``reduce`` hold 8 ``(op, input)`` pairs each, two per node in node order;
    the concats are nodes 2..5.  Construction does not validate: use :func:`as_genotype`
    or :func:`parse_genotype`.  ``repr`` prints DARTS' format (see :func:`format_genotype`).
    """

    normal: tuple[tuple[str, int], ...]
    normal_concat: tuple[int, ...]
    reduce: tuple[tuple[str, int], ...]
    reduce_concat: tuple[int, ...]

    def __repr__(self) -> str:
        return _format(self)


def _format(g: Any) -> str:
    def concat(c: Any) -> str:
        return "range(2, 6)" if isinstance(c, Sequence) and tuple(c) == CONCAT else repr(c)

    def cell(edges: Any) -> str:
        return repr([tuple(e) for e in edges]) if isinstance(edges, (list, tuple)) else repr(edges)

    return (f"Genotype(normal={cell(g.normal)}, normal_concat={concat(g.normal_concat)}, "
            f"reduce={cell(g.reduce)}, reduce_concat={concat(g.reduce_concat)})")


def _check_cell(edges: Any, where: str) -> tuple[tuple[str, int], ...]:
    """Validate one cell's edges; ``where`` prefixes every error message."""
    if not isinstance(edges, (list, tuple)):
        raise ValueError(f"{where} must be a list of {N_EDGES} (op, input) pairs, found {type(edges).__name__}")
    if len(edges) != N_EDGES:
        raise ValueError(f"{where} must have {N_EDGES} edges (2 inputs for each of {N_NODES} nodes), "
                         f"found {len(edges)}")
    out: list[tuple[str, int]] = []
    for e, edge in enumerate(edges):
        node = int(EDGE_NODE[e])
        if not (isinstance(edge, (list, tuple)) and len(edge) == 2 and isinstance(edge[0], str)
                and isinstance(edge[1], (int, np.integer)) and not isinstance(edge[1], bool)):
            raise ValueError(f"{where}: edge [{e}] must be an (op, input) pair like ('sep_conv_3x3', 0), "
                             f"found {edge!r}")
        op, src = edge[0], int(edge[1])
        if op not in _OP_CODE:
            hint = " ('none' exists only in the supernet)" if op == "none" else ""
            raise ValueError(f"{where}: unknown operation {op!r} on edge [{e}]{hint}; allowed: {', '.join(OPS)}")
        if not 0 <= src < node:
            raise ValueError(f"{where}: edge [{e}] {edge!r} reads state {src}, but node {node} may only read "
                             f"states 0..{node - 1} (0 = c_{{k-2}}, 1 = c_{{k-1}}, 2.. = earlier nodes)")
        if e % 2 and src == out[-1][1]:
            raise ValueError(f"{where}: node {node} reads state {src} twice (edges [{e - 1}] and [{e}]); "
                             f"its two inputs must differ")
        out.append((op, src))
    return tuple(out)


def _check_concat(concat: Any, where: str) -> tuple[int, ...]:
    if not (isinstance(concat, (list, tuple, range)) and len(concat) == N_NODES and tuple(concat) == CONCAT):
        raise ValueError(f"{where} must be [2, 3, 4, 5] (all four intermediate nodes), found {concat!r}")
    return CONCAT


def as_cell(edges: Sequence[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """Validate one cell's 8 ``(op, input)`` edges and return them as a tuple of pairs.

    Raises
    ------
    ValueError
        Quoting the input and saying what is wrong: not 8 edges, an unknown op, an input out of
        range for its node, or the same input twice for a node.
    """
    return _check_cell(edges, f"invalid DARTS cell {edges!r}")


def _validate(fields: dict[str, Any], quoted: str) -> Genotype:
    where = f"invalid DARTS genotype {quoted}"
    return Genotype(
        normal=_check_cell(fields["normal"], f"{where}: normal cell"),
        normal_concat=_check_concat(fields["normal_concat"], f"{where}: normal_concat"),
        reduce=_check_cell(fields["reduce"], f"{where}: reduce cell"),
        reduce_concat=_check_concat(fields["reduce_concat"], f"{where}: reduce_concat"),
    )


def as_genotype(genotype: Genotype | str | Any) -> Genotype:
    """Validate a genotype and return it as a :class:`Genotype` of tuples.

    Accepts a :class:`Genotype`, DARTS' own ``Genotype`` namedtuple (lists, ``range`` concats)
    or any object with its four fields, or a genotype string (:func:`parse_genotype`).
    """
    if isinstance(genotype, str):
        return parse_genotype(genotype)
    if not all(hasattr(genotype, f) for f in Genotype._fields):
        raise TypeError(f"expected a DARTS Genotype (fields {', '.join(Genotype._fields)}) or a genotype string, "
                        f"got {type(genotype).__name__}: {genotype!r}")
    return _validate({f: getattr(genotype, f) for f in Genotype._fields}, repr(genotype))


def _literal(node: ast.expr, field: str, text: str) -> Any:
    """A field's value: a Python literal or ``range(a[, b])`` with integer literals."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range"
            and not node.keywords and 1 <= len(node.args) <= 2
            and all(isinstance(a, ast.Constant) and type(a.value) is int for a in node.args)):
        return range(*(a.value for a in node.args))
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise ValueError(f"malformed DARTS genotype {text!r}: {field}= must be a literal list "
                         f"(or range(2, 6)), found {ast.unparse(node)!r}") from None


def parse_genotype(text: str) -> Genotype:
    """Parse DARTS' genotype repr, e.g. ``Genotype(normal=[('sep_conv_3x3', 0), ...], normal_concat=range(2, 6),
    reduce=[...], reduce_concat=[2, 3, 4, 5])``, without evaluating it (fields may also be positional).

    Raises
    ------
    ValueError
        Quoting the input and saying what is wrong (syntax, fields, or an invalid cell: see :func:`as_cell`).
    """
    if not isinstance(text, str):
        raise TypeError(f"a genotype string must be str, got {type(text).__name__}: {text!r}")
    shape = "'Genotype(normal=[...], normal_concat=..., reduce=[...], reduce_concat=...)'"
    try:
        call = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ValueError(f"malformed DARTS genotype {text!r}: not a Python expression ({exc.msg})") from None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "Genotype"):
        raise ValueError(f"malformed DARTS genotype {text!r}: expected {shape}")
    if len(call.args) > len(Genotype._fields) or any(isinstance(a, ast.Starred) for a in call.args):
        raise ValueError(f"malformed DARTS genotype {text!r}: at most {len(Genotype._fields)} plain positional "
                         f"fields, expected {shape}")
    nodes: dict[str, ast.expr] = dict(zip(Genotype._fields, call.args))
    for kw in call.keywords:
        if kw.arg not in Genotype._fields:
            name = "**" if kw.arg is None else repr(kw.arg)
            raise ValueError(f"malformed DARTS genotype {text!r}: unknown field {name}; "
                             f"fields are {', '.join(Genotype._fields)}")
        if kw.arg in nodes:
            raise ValueError(f"malformed DARTS genotype {text!r}: field {kw.arg!r} given twice")
        nodes[kw.arg] = kw.value
    missing = [f for f in Genotype._fields if f not in nodes]
    if missing:
        raise ValueError(f"malformed DARTS genotype {text!r}: missing field(s) {', '.join(missing)}")
    return _validate({f: _literal(nodes[f], f, text) for f in Genotype._fields}, repr(text))


def format_genotype(genotype: Genotype | str | Any | np.ndarray) -> str | np.ndarray:
    """DARTS' repr of a genotype (``normal_concat=range(2, 6)``, as DARTS' ``genotype()`` prints it).

    A genotype gives a ``str``; codes of shape ``(..., 2, 8, 2)`` give one string per genotype
    (a ``str`` for shape ``(2, 8, 2)``, else an object array of shape ``(...)``).
    """
    if isinstance(genotype, np.ndarray):
        c = as_codes(genotype)
        out = np.empty(c.shape[:-3], dtype=object)
        for idx in np.ndindex(out.shape):
            out[idx] = _format(_from_codes(c[idx]))
        return out[()] if out.ndim == 0 else out
    return _format(as_genotype(genotype))


def as_codes(codes: Sequence | np.ndarray) -> np.ndarray:
    """Validate genotype codes, shape ``(..., 2, 8, 2)``, and return them as int8.

    ``codes[..., cell, e, 0]`` is the op code (indexing :data:`OPS`) and ``codes[..., cell, e, 1]``
    the input state of edge ``e`` (feeding node :data:`EDGE_NODE` ``[e]``) of the normal
    (``cell = 0``) or reduction (``cell = 1``) cell.
    """
    arr = np.asarray(codes)
    if arr.shape[-3:] != (2, N_EDGES, 2):
        raise ValueError(f"DARTS genotype codes need trailing axes (2 cells, {N_EDGES} edges, 2 = op/input), "
                         f"got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"DARTS genotype codes must be integers, got dtype {arr.dtype}")
    ops, src = arr[..., 0], arr[..., 1]
    if arr.size and (ops.min() < 0 or ops.max() >= N_OPS):
        raise ValueError(f"DARTS op codes must lie in 0..{N_OPS - 1}, got values {ops.min()}..{ops.max()}")
    bad = np.argwhere((src < 0) | (src >= EDGE_NODE))
    if len(bad):
        *lead, cell, e = bad[0].tolist()
        raise ValueError(f"DARTS genotype codes{lead or ''}: edge [{e}] of the {_CELLS[cell]} cell reads "
                         f"state {src[tuple(bad[0])]}, but node {EDGE_NODE[e]} may only read states "
                         f"0..{EDGE_NODE[e] - 1}")
    bad = np.argwhere(src[..., 0::2] == src[..., 1::2])
    if len(bad):
        *lead, cell, k = bad[0].tolist()
        raise ValueError(f"DARTS genotype codes{lead or ''}: node {k + 2} of the {_CELLS[cell]} cell "
                         f"reads state {src[(*lead, cell, 2 * k)]} twice; its two inputs must differ")
    return arr.astype(np.int8, copy=False)


def _from_codes(c: np.ndarray) -> Genotype:
    """Genotype of one validated ``(2, 8, 2)`` code array."""
    normal, reduce = (tuple((OPS[o], int(i)) for o, i in cell) for cell in c.tolist())
    return Genotype(normal, CONCAT, reduce, CONCAT)


def genotype_to_codes(genotypes: Genotype | str | Any | Iterable[Genotype | str | Any]) -> np.ndarray:
    """Codes of one genotype (shape ``(2, 8, 2)``) or of several (shape ``(n, 2, 8, 2)``), in given edge order."""
    def one(g: Any) -> np.ndarray:
        g = as_genotype(g)
        return np.array([[(_OP_CODE[op], src) for op, src in cell] for cell in (g.normal, g.reduce)], dtype=np.int8)

    if isinstance(genotypes, str) or hasattr(genotypes, "normal"):
        return one(genotypes)
    rows = [one(g) for g in genotypes]
    return np.stack(rows) if rows else np.zeros((0, 2, N_EDGES, 2), dtype=np.int8)


def codes_to_genotype(codes: Sequence | np.ndarray) -> Genotype | list[Genotype]:
    """Inverse of :func:`genotype_to_codes`: a :class:`Genotype` for shape ``(2, 8, 2)``, a list for
    shape ``(n, 2, 8, 2)``."""
    c = as_codes(codes)
    if c.ndim == 3:
        return _from_codes(c)
    if c.ndim == 4:
        return [_from_codes(row) for row in c]
    raise ValueError(f"codes_to_genotype needs codes of shape (2, 8, 2) or (n, 2, 8, 2), got shape {c.shape}")


def genotype_batch(genotypes: Any | Iterable[Any] | np.ndarray) -> np.ndarray:
    """Canonical codes ``(n, 2, 8, 2)`` of one genotype, an iterable of genotypes / genotype strings,
    or a codes array ``(2, 8, 2)`` / ``(n, 2, 8, 2)`` (see :mod:`landscape.spaces.darts`)."""
    if isinstance(genotypes, np.ndarray):
        c = as_codes(genotypes)
    else:
        c = genotype_to_codes(genotypes)
    if c.ndim == 3:
        c = c[None]
    if c.ndim != 4:
        raise ValueError(f"genotypes must be one genotype or a batch: codes of shape (n, 2, {N_EDGES}, 2), "
                         f"got shape {c.shape}")
    return canonical_codes(c)


def _nodes(c: np.ndarray) -> np.ndarray:
    """View codes ``(..., 2, 8, 2)`` as ``(..., 2 cells, 4 nodes, 2 edges, 2)``."""
    return c.reshape(c.shape[:-2] + (N_NODES, 2, 2))


def _canonical(c: np.ndarray) -> np.ndarray:
    x = _nodes(c)
    swap = x[..., 0, 1] > x[..., 1, 1]
    return np.where(swap[..., None, None], x[..., ::-1, :], x).reshape(c.shape)


def canonical_codes(codes: Sequence | np.ndarray) -> np.ndarray:
    """Canonical form of codes: the two edges of every node sorted by input state (vectorised)."""
    return _canonical(as_codes(codes))


def canonical_genotype(genotype: Genotype | str | Any) -> Genotype:
    """Canonical form of a genotype (the two edges of every node sorted by input state)."""
    return _from_codes(_canonical(genotype_to_codes(genotype)))


def _key(c: np.ndarray) -> np.ndarray:
    x = _nodes(_canonical(c)).astype(np.int64)
    lo, hi = x[..., 0, 1], x[..., 1, 1]
    node = ((hi * (hi - 1) // 2 + lo) * N_OPS + x[..., 0, 0]) * N_OPS + x[..., 1, 0]
    cell = node @ _NODE_PLACE
    return cell[..., 0] * _CELL_COUNT + cell[..., 1]


def codes_to_key(codes: Sequence | np.ndarray) -> np.ndarray:
    """Integer key of each genotype's canonical form, a bijection onto ``0..N_GENOTYPES-1`` (int64, shape ``(...)``).

    Per node: (index of the unordered input pair among the node's C(j, 2)) · 49 + the two op codes;
    nodes and cells combine in mixed radix.  Equal keys ⇔ equal canonical forms.
    """
    return _key(as_codes(codes))


def random_genotype(random_state: int | np.random.Generator | None = None) -> Genotype:
    """A genotype drawn uniformly from the space (canonical form): per node two distinct inputs and two ops."""
    rng = check_random_state(random_state)
    c = np.empty((2, N_EDGES, 2), dtype=np.int8)
    for cell in range(2):
        for e in range(0, N_EDGES, 2):
            c[cell, e:e + 2, 1] = np.sort(rng.choice(EDGE_NODE[e], size=2, replace=False))
            c[cell, e:e + 2, 0] = rng.integers(N_OPS, size=2)
    return _from_codes(c)


#: The 14 edges of a supernet cell, ``(node, input state)`` in DARTS' ``model_search.py`` order: node 2 ← 0, 1;
#: node 3 ← 0, 1, 2; node 4 ← 0..3; node 5 ← 0..4.
SUPERNET_EDGES: tuple[tuple[int, int], ...] = tuple((2 + i, j) for i in range(N_NODES) for j in range(2 + i))
N_SUPERNET_EDGES = len(SUPERNET_EDGES)
_NODE_OFFSET = {node: SUPERNET_EDGES.index((node, 0)) for node in range(2, 2 + N_NODES)}


def genotype_to_candidate(genotype: Genotype | str | Any) -> np.ndarray:
    """A genotype as the SPOS supernet's candidate: shape ``(2, 14)`` (normal, reduce), one
    :data:`SUPERNET_OPS` index per :data:`SUPERNET_EDGES` entry, 0 (``none``) on the unused edges.

    This is the published GeNAS/RLNAS encoding (``cand_evaluator.py``: "operation idx per 14 edges").
    """
    c = genotype_to_codes(genotype)
    if c.ndim != 3:
        raise ValueError(f"genotype_to_candidate takes one genotype, got codes of shape {c.shape}")
    cand = np.zeros((2, N_SUPERNET_EDGES), dtype=np.int8)
    for cell in range(2):
        for e in range(N_EDGES):
            cand[cell, _NODE_OFFSET[int(EDGE_NODE[e])] + int(c[cell, e, 1])] = int(c[cell, e, 0]) + 1
    return cand


def check_candidate(candidate: Sequence | np.ndarray) -> np.ndarray:
    """A supernet candidate as an int8 array ``(2, 14)``, or a ValueError naming the node that does not have
    exactly two active (non-``none``) inputs or the entry that is not a :data:`SUPERNET_OPS` index."""
    cand = np.asarray(candidate)
    if cand.shape != (2, N_SUPERNET_EDGES) or cand.dtype.kind not in "iu":
        raise ValueError(f"a supernet candidate is an integer array of shape (2, {N_SUPERNET_EDGES}) (normal, reduce; "
                         f"one op index per edge, 0 = none), got {cand.dtype} of shape {cand.shape}")
    if cand.min() < 0 or cand.max() >= len(SUPERNET_OPS):
        raise ValueError(f"candidate op indices must lie in 0..{len(SUPERNET_OPS) - 1} (SUPERNET_OPS), "
                         f"got {cand.min()}..{cand.max()}")
    for cell in range(2):
        for node, offset in _NODE_OFFSET.items():
            active = int((cand[cell, offset:offset + node] > 0).sum())
            if active != 2:
                raise ValueError(f"{_CELLS[cell]} cell, node {node}: {active} active inputs in candidate "
                                 f"{cand[cell].tolist()}; every node takes exactly 2")
    return cand.astype(np.int8)


def candidate_to_genotype(candidate: Sequence | np.ndarray) -> Genotype:
    """The genotype of a supernet candidate (GeNAS ``parse_searched_cell``: the active edges of each node in
    input order), in canonical form."""
    cand = check_candidate(candidate)
    cells = [[(SUPERNET_OPS[int(cand[cell, offset + j])], j) for node, offset in _NODE_OFFSET.items()
              for j in range(node) if cand[cell, offset + j] > 0] for cell in range(2)]
    return Genotype(tuple(cells[0]), CONCAT, tuple(cells[1]), CONCAT)


def as_candidate(arch: Any) -> np.ndarray:
    """A supernet candidate ``(2, 14)`` from a candidate (array, or its 28 entries flat) or a genotype (a
    :class:`Genotype` or its string)."""
    if isinstance(arch, str) or hasattr(arch, "normal"):
        return genotype_to_candidate(arch)
    cand = np.asarray(arch)
    return check_candidate(cand.reshape(2, N_SUPERNET_EDGES) if cand.size == 2 * N_SUPERNET_EDGES else cand)


def _repair(cand: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """GeNAS/RLNAS ``utils.check_cand`` on one cell (in place): node ``j`` (0-based) keeps ``j`` of its ``j + 2``
    edges at ``none`` — random edges are set to ``none``, or random ``none`` edges redrawn to a real op."""
    for i, (node, offset) in enumerate(_NODE_OFFSET.items()):
        edges = cand[offset:offset + node]
        zeros = np.flatnonzero(edges == 0)
        if len(zeros) < i:
            edges[rng.choice(np.flatnonzero(edges > 0), i - len(zeros), replace=False)] = 0
        elif len(zeros) > i:
            for k in rng.choice(zeros, len(zeros) - i, replace=False):
                edges[k] = rng.integers(1, len(SUPERNET_OPS))
    return cand


def random_candidates(n: int, random_state: int | np.random.Generator | None = None, *,
                      mode: str = "faithful") -> np.ndarray:
    """``n`` random supernet candidates, shape ``(n, 2, 14)``.

    ``faithful`` (the published SPOS training and evolution): every edge's op drawn uniformly from the 8
    :data:`SUPERNET_OPS`, ``none`` included, then repaired so that each node has two inputs
    (``utils.check_cand``) — not uniform over genotypes.  ``exact``: genotypes drawn uniformly
    (:func:`random_genotype`), as the text's "uniform sampling" reads.
    """
    n = check_int(n, "n", 1)
    mode = check_choice(mode, "mode", ("faithful", "exact"))
    rng = check_random_state(random_state)
    if mode == "exact":
        return np.stack([genotype_to_candidate(random_genotype(rng)) for _ in range(n)])
    return repair_candidates(rng.integers(0, len(SUPERNET_OPS), size=(n, 2, N_SUPERNET_EDGES)), rng)


def repair_candidates(cands: np.ndarray, random_state: int | np.random.Generator | None = None) -> np.ndarray:
    """Candidates ``(..., 2, 14)`` made valid as the published code does after every draw, mutation and
    crossover (GeNAS/RLNAS ``utils.check_cand``, per cell): node ``j`` (0-based) keeps ``j`` of its ``j + 2`` edges
    at ``none``, random surplus active edges set to ``none``, random surplus ``none`` edges redrawn to a real op.
    Returns a repaired int8 copy; valid candidates come back unchanged (and draw nothing)."""
    cands = np.array(cands, dtype=np.int8)
    if cands.shape[-2:] != (2, N_SUPERNET_EDGES):
        raise ValueError(f"candidates must have shape (..., 2, {N_SUPERNET_EDGES}), got {cands.shape}")
    if cands.size and (cands.min() < 0 or cands.max() >= len(SUPERNET_OPS)):
        raise ValueError(f"candidate op indices must lie in 0..{len(SUPERNET_OPS) - 1} (SUPERNET_OPS)")
    rng = check_random_state(random_state)
    for cand in cands.reshape(-1, N_SUPERNET_EDGES):
        _repair(cand, rng)
    return cands


#: DARTS (second order), CIFAR-10: ``DARTS_V2`` in ``genotypes.py`` of github.com/quark0/darts (3.3M params).
DARTS_V2 = as_genotype(Genotype(
    normal=[("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("sep_conv_3x3", 1),
            ("sep_conv_3x3", 1), ("skip_connect", 0), ("skip_connect", 0), ("dil_conv_3x3", 2)],
    normal_concat=[2, 3, 4, 5],
    reduce=[("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2), ("max_pool_3x3", 1),
            ("max_pool_3x3", 0), ("skip_connect", 2), ("skip_connect", 2), ("max_pool_3x3", 1)],
    reduce_concat=[2, 3, 4, 5],
))
#: DARTS (first order), CIFAR-10: ``DARTS_V1`` in ``genotypes.py`` of github.com/quark0/darts (the paper
#: reports 3.3M params; :class:`~landscape.nn.darts.DARTSNetwork` at C = 36, 20 layers counts 3,169,414).
DARTS_V1 = as_genotype(Genotype(
    normal=[("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("skip_connect", 0), ("sep_conv_3x3", 1),
            ("skip_connect", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("skip_connect", 2)],
    normal_concat=[2, 3, 4, 5],
    reduce=[("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2), ("max_pool_3x3", 0),
            ("max_pool_3x3", 0), ("skip_connect", 2), ("skip_connect", 2), ("avg_pool_3x3", 0)],
    reduce_concat=[2, 3, 4, 5],
))
#: PC-DARTS (Xu et al., ICLR 2020), CIFAR-10: ``PC_DARTS_cifar`` in ``genotypes.py`` of
#: github.com/yuhuixu1993/PC-DARTS (3.6M params).
PC_DARTS = as_genotype(Genotype(
    normal=[("sep_conv_3x3", 1), ("skip_connect", 0), ("sep_conv_3x3", 0), ("dil_conv_3x3", 1),
            ("sep_conv_5x5", 0), ("sep_conv_3x3", 1), ("avg_pool_3x3", 0), ("dil_conv_3x3", 1)],
    normal_concat=range(2, 6),
    reduce=[("sep_conv_5x5", 1), ("max_pool_3x3", 0), ("sep_conv_5x5", 1), ("sep_conv_5x5", 2),
            ("sep_conv_3x3", 0), ("sep_conv_3x3", 3), ("sep_conv_3x3", 1), ("sep_conv_3x3", 2)],
    reduce_concat=range(2, 6),
))
