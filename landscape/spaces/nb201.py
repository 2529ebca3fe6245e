"""The NAS-Bench-201 cell search space (Dong & Yang, ICLR 2020).

A cell is a DAG on 4 nodes; every edge ``i -> j`` (``i < j``) carries one of five
operations, so the space holds ``5**6 = 15,625`` cells.  Architectures appear in
three forms:

* the official string ``|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`` (node by node,
  ``op~i`` is the operation on the edge from node ``i``);
* an op-code tuple of length 6 in string edge order (:data:`EDGES`), codes
  indexing :data:`OPS`;
* the official benchmark index, whose order is the order of the ground-truth
  tables (not base-5 order): see :class:`ArchIndex`.

Examples
--------
>>> parse_arch("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|")
(3, 0, 1, 0, 0, 4)
>>> format_arch((3, 0, 1, 0, 0, 4))
'|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = [
    "arch_codes",
    "arch_strings",
    "OPS",
    "EDGES",
    "N_OPS",
    "N_EDGES",
    "N_ARCHS",
    "parse_arch",
    "format_arch",
    "as_codes",
    "codes_to_key",
    "key_to_codes",
    "all_codes",
    "isomorphism_hash",
    "unique_strings",
    "isomorphism_classes",
    "live_edges",
    "parameter_free_live",
    "ArchIndex",
]

#: Operations in NAS-Bench-201's own order; an op code indexes this tuple.
OPS: tuple[str, ...] = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")
#: Edges ``(to, from)`` in the order they appear in an architecture string.
EDGES: tuple[tuple[int, int], ...] = ((1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2))
N_OPS = len(OPS)
N_EDGES = len(EDGES)
N_ARCHS = N_OPS**N_EDGES
N_NODES = 4

_OP_CODE = {op: code for code, op in enumerate(OPS)}
_PLACES = N_OPS ** np.arange(N_EDGES, dtype=np.int64)  # edge e has weight 5**e in the key
_NODE_RE = re.compile(r"\|(.*)\|")


def parse_arch(arch: str) -> tuple[int, ...]:
    """Parse an NB201 architecture string into its op-code tuple.

    Raises
    ------
    ValueError
        Quoting the input and saying what is wrong (node count, edge count,
        an unknown operation, a wrong input node, stray characters).
    """
    if not isinstance(arch, str):
        raise TypeError(f"an architecture string must be str, got {type(arch).__name__}: {arch!r}")
    nodes = arch.split("+")
    if len(nodes) != N_NODES - 1:
        raise ValueError(
            f"malformed NB201 architecture {arch!r}: expected {N_NODES - 1} nodes separated by '+', "
            f"found {len(nodes)}"
        )
    codes: list[int] = []
    for j, node in enumerate(nodes, start=1):
        match = _NODE_RE.fullmatch(node)
        if match is None:
            raise ValueError(
                f"malformed NB201 architecture {arch!r}: node {j} {node!r} must look like '|op~i|...|'"
            )
        edges = match.group(1).split("|")
        if len(edges) != j:
            raise ValueError(
                f"malformed NB201 architecture {arch!r}: node {j} must have {j} incoming edge(s), "
                f"found {len(edges)} in {node!r}"
            )
        for i, edge in enumerate(edges):
            op, sep, src = edge.partition("~")
            if not sep:
                raise ValueError(f"malformed NB201 architecture {arch!r}: edge {edge!r} lacks '~input'")
            if op not in _OP_CODE:
                raise ValueError(
                    f"unknown operation {op!r} in NB201 architecture {arch!r}; allowed: {', '.join(OPS)}"
                )
            if src != str(i):
                raise ValueError(
                    f"malformed NB201 architecture {arch!r}: edge {i + 1} of node {j} must read from "
                    f"node {i} ('{op}~{i}'), found '{edge}'"
                )
            codes.append(_OP_CODE[op])
    return tuple(codes)


def format_arch(codes: Sequence[int] | np.ndarray) -> str | np.ndarray:
    """Format op codes as official NB201 architecture strings.

    One tuple of 6 codes gives a ``str``; an array of shape ``(..., 6)`` gives an
    array of strings (vectorised).
    """
    c = as_codes(codes)
    names = np.array(OPS)[c]
    out = np.full(c.shape[:-1], "|", dtype="<U120")
    for e, (dst, src) in enumerate(EDGES):
        if e and EDGES[e - 1][0] != dst:
            out = np.char.add(out, "+|")
        out = np.char.add(np.char.add(out, names[..., e]), f"~{src}|")
    return str(out) if out.ndim == 0 else out


def as_codes(codes: Sequence[int] | np.ndarray) -> np.ndarray:
    """Validate op codes (shape ``(..., 6)``, values in ``0..4``) and return them as int8."""
    arr = np.asarray(codes)
    if arr.shape[-1:] != (N_EDGES,):
        raise ValueError(f"NB201 op codes need a last axis of length {N_EDGES}, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"NB201 op codes must be integers, got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() >= N_OPS):
        raise ValueError(f"NB201 op codes must lie in 0..{N_OPS - 1}, got values {arr.min()}..{arr.max()}")
    return arr.astype(np.int8, copy=False)


def arch_codes(arch: str | Sequence[int] | np.ndarray) -> tuple[int, ...]:
    """Op codes from an architecture string or a 6-tuple of codes (validated)."""
    return parse_arch(arch) if isinstance(arch, str) else tuple(int(c) for c in as_codes(arch))


def arch_strings(archs: Sequence[str | Sequence[int]]) -> list[str]:
    """Official strings of NB201 architectures given as strings or op codes (validated; at least one)."""
    names = [format_arch(arch_codes(a)) for a in archs]
    if not names:
        raise ValueError("archs is empty: give at least one architecture")
    return names


def codes_to_key(codes: Sequence[int] | np.ndarray) -> np.ndarray:
    """Base-5 key of op codes: ``sum_e codes[e] * 5**e`` (a bijection onto ``0..15624``)."""
    return as_codes(codes).astype(np.int64) @ _PLACES


def key_to_codes(keys: int | np.ndarray) -> np.ndarray:
    """Inverse of :func:`codes_to_key`."""
    k = np.asarray(keys, dtype=np.int64)
    if k.size and (k.min() < 0 or k.max() >= N_ARCHS):
        raise ValueError(f"base-5 keys must lie in 0..{N_ARCHS - 1}, got {k.min()}..{k.max()}")
    return ((k[..., None] // _PLACES) % N_OPS).astype(np.int8)


def all_codes() -> np.ndarray:
    """All 15,625 op-code tuples in base-5 key order, shape ``(15625, 6)``."""
    return key_to_codes(np.arange(N_ARCHS))


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a bijective, strongly non-linear map on uint64."""
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


# One salt per parametric op; skip_connect is the identity and none is zero.
_OP_SALT = {2: np.uint64(0x9E3779B97F4A7C15), 3: np.uint64(0xD1B54A32D192ED03), 4: np.uint64(0x8CB92BA72F3D8DD7)}
_INPUT_HASH = np.uint64(0x2545F4914F6CDD1D)


def isomorphism_hash(codes: np.ndarray) -> np.ndarray:
    """Hash of the function a cell computes, equal for isomorphic cells.

    Each node's value is hashed as a formal expression: the input node is a fixed
    constant; ``none`` contributes zero; ``skip_connect`` passes its input through
    unchanged (so sums flatten); any other op ``o`` maps a non-zero value ``v`` to
    ``mix(v ^ salt_o)`` and zero to zero (an op of a zero tensor is zero, which
    removes dead and unreachable nodes); a node sums its incoming terms with
    wrapping uint64 addition, which is commutative and keeps multiplicities.  The
    output is node 3's hash.  Collisions between different expressions occur with
    probability about ``2**-64`` per pair.  This is coarser than NB201's own
    definition (:func:`unique_strings`): 4,930 classes instead of 6,466.

    Parameters
    ----------
    codes : array of shape ``(..., 6)``
    """
    c = as_codes(codes)
    nodes = [np.full(c.shape[:-1], _INPUT_HASH, dtype=np.uint64)]
    for j in range(1, N_NODES):
        total = np.zeros(c.shape[:-1], dtype=np.uint64)
        for e, (dst, src) in enumerate(EDGES):
            if dst != j:
                continue
            op, v = c[..., e], nodes[src]
            term = np.where(op == 1, v, np.uint64(0))
            for code, salt in _OP_SALT.items():
                term = np.where((op == code) & (v != 0), _mix(v ^ salt), term)
            with np.errstate(over="ignore"):
                total = total + term
        nodes.append(total)
    return nodes[-1]


def _term(op: int, node: str) -> str:
    """NB201's term for ``op`` applied to a node string (zero is ``#``)."""
    if op == 0 or node == "#":
        return "#"
    return node if op == 1 else f"({node})@{OPS[op]}"


def _join_sorted(terms: np.ndarray) -> np.ndarray:
    """``'+'.join(sorted(row))`` for every row of a 2-D unicode array."""
    terms = np.sort(terms, axis=-1)
    out = terms[..., 0]
    for k in range(1, terms.shape[-1]):
        out = np.char.add(np.char.add(out, "+"), terms[..., k])
    return out


def unique_strings(codes: np.ndarray) -> np.ndarray:
    """NAS-Bench-201's canonical string of each cell (``CellStructure.to_unique_str(consider_zero=True)``).

    Node ``j``'s string is ``'+'.join(sorted(terms))`` over its incoming edges,
    where a term is ``#`` for ``none`` or an input node whose string is exactly
    ``#``, the input string for ``skip_connect``, and ``(input)@op`` otherwise;
    node 0 is ``0``.  Sums are sorted (commutative) but not flattened and zero
    terms stay in the string, so this is a syntactic canonical form: it defines
    the benchmark's 6,466 "unique" cells.  Vectorised over cells: the Python
    loops below run over op combinations of nodes 1 and 2 (at most 625), the
    last node is assembled with NumPy string operations.
    """
    c = as_codes(codes)
    node1 = np.array([_term(o, "0") for o in range(N_OPS)])
    node2 = _join_sorted(np.array([[[_term(a, "0"), _term(b, n1)] for b in range(N_OPS)]
                                   for n1 in node1 for a in range(N_OPS)]))  # [5*c0 + c1, c2]
    term_from_1 = np.array([[_term(o, n1) for o in range(N_OPS)] for n1 in node1])
    term_from_2 = np.array([[_term(o, n2) for o in range(N_OPS)] for n2 in node2.ravel()])
    c = c.astype(np.int64)
    n2_index = (N_OPS * c[..., 0] + c[..., 1]) * N_OPS + c[..., 2]
    terms = np.stack(
        [np.array([_term(o, "0") for o in range(N_OPS)])[c[..., 3]],
         term_from_1[c[..., 0], c[..., 4]],
         term_from_2[n2_index, c[..., 5]]],
        axis=-1,
    )
    return _join_sorted(terms)


def isomorphism_classes(codes: np.ndarray, kind: str = "nb201") -> np.ndarray:
    """Label each row of ``codes`` by its isomorphism class.

    Parameters
    ----------
    codes : array of shape ``(n, 6)``
    kind : {"nb201", "functional"}
        ``"nb201"`` (default) is the benchmark's own definition via
        :func:`unique_strings`: 6,466 classes on the full space.
        ``"functional"`` identifies cells that compute the same formal
        expression (:func:`isomorphism_hash`: zeros dropped, sums flattened):
        4,930 classes, a coarser partition that NB201's string misses.

    Returns
    -------
    labels : int64 array of shape ``(n,)``
        The label of a class is the row number of its first member in ``codes``,
        so ``labels[i] == i`` marks a class representative.
    """
    if kind == "nb201":
        key = unique_strings(codes)
    elif kind == "functional":
        key = isomorphism_hash(codes)
    else:
        raise ValueError(f"kind must be 'nb201' or 'functional', got {kind!r}")
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first[inverse.reshape(key.shape)].astype(np.int64)


def live_edges(codes: np.ndarray) -> np.ndarray:
    """Which edges of each cell are on a path from the input (node 0) to the output (node 3): ``(n, 6)`` bools.

    An edge ``j ← i`` is live when its operation is not ``none``, node ``i`` is reached from the input and node
    ``j`` reaches the output through edges that are not ``none``; a dead edge cannot change the cell's output.

    >>> live_edges(np.array([parse_arch("|nor_conv_3x3~0|+|none~0|skip_connect~1|+|none~0|none~1|avg_pool_3x3~2|")]))
    array([[ True, False,  True, False, False,  True]])
    """
    on = as_codes(codes) != _OP_CODE["none"]
    e = {edge: on[..., k] for k, edge in enumerate(EDGES)}
    reach = {0: np.ones(on.shape[:-1], dtype=bool)}
    for j in range(1, N_NODES):
        reach[j] = np.any([reach[i] & e[(j, i)] for i in range(j)], axis=0)
    back = {N_NODES - 1: np.ones(on.shape[:-1], dtype=bool)}
    for i in range(N_NODES - 2, -1, -1):
        back[i] = np.any([back[j] & e[(j, i)] for j in range(i + 1, N_NODES)], axis=0)
    return np.stack([e[(j, i)] & reach[i] & back[j] for j, i in EDGES], axis=-1)


def parameter_free_live(codes: np.ndarray) -> np.ndarray:
    """The number of parameter-free operations (``skip_connect``, ``avg_pool_3x3``) on live edges of each cell
    (:func:`live_edges`): the cell's share of weight-free paths, the early bias of a weight-sharing supernet."""
    codes = as_codes(codes)
    free = (codes == _OP_CODE["skip_connect"]) | (codes == _OP_CODE["avg_pool_3x3"])
    return (free & live_edges(codes)).sum(axis=-1)


class ArchIndex:
    """The official NB201 index ⇄ architecture mapping.

    Built from the op codes of the 15,625 cells listed in official index order
    (the row order of the ground-truth tables); the store provides it as
    ``store.index``.

    Parameters
    ----------
    codes : array of shape ``(15625, 6)``
        Row ``i`` holds the op codes of the architecture with official index ``i``.
    """

    def __init__(self, codes: np.ndarray):
        c = as_codes(codes)
        if c.shape != (N_ARCHS, N_EDGES):
            raise ValueError(f"an NB201 index needs codes of shape ({N_ARCHS}, {N_EDGES}), got {c.shape}")
        keys = codes_to_key(c)
        position = np.full(N_ARCHS, -1, dtype=np.int64)
        position[keys] = np.arange(N_ARCHS)
        if (position < 0).any():
            missing = int(np.flatnonzero(position < 0)[0])
            raise ValueError(
                f"the index order is not a permutation of the NB201 space: "
                f"{format_arch(key_to_codes(missing))!r} is missing"
            )
        self.codes = c.copy()  # never alias (or freeze) the caller's array
        self.codes.setflags(write=False)
        self._position = position

    def __len__(self) -> int:
        return N_ARCHS

    def index_of(self, arch: str | Sequence[int] | np.ndarray) -> int | np.ndarray:
        """Official index of an architecture string, an op-code tuple, or an array of codes."""
        if isinstance(arch, str):
            return int(self._position[codes_to_key(parse_arch(arch))])
        keys = codes_to_key(arch)
        out = self._position[keys]
        return int(out) if np.ndim(out) == 0 else out

    def index_of_key(self, keys: np.ndarray) -> np.ndarray:
        """Official indices of base-5 keys (:func:`codes_to_key`); no range check, for hot paths."""
        return self._position[keys]

    def indices_of(self, archs: Iterable[str]) -> np.ndarray:
        """Official indices of several architecture strings."""
        return self._position[codes_to_key(np.array([parse_arch(a) for a in archs], dtype=np.int64))]

    def _check(self, index: int | np.ndarray) -> np.ndarray:
        idx = np.asarray(index)
        if not np.issubdtype(idx.dtype, np.integer):
            raise ValueError(f"NB201 indices must be integers, got {index!r}")
        if idx.size and (idx.min() < 0 or idx.max() >= N_ARCHS):
            raise ValueError(f"NB201 indices lie in 0..{N_ARCHS - 1}, got {idx.min()}..{idx.max()}")
        return idx

    def codes_of(self, index: int | np.ndarray) -> np.ndarray:
        """Op codes of one index (shape ``(6,)``) or of an array of indices."""
        return self.codes[self._check(index)]

    def arch_string(self, index: int | np.ndarray) -> str | np.ndarray:
        """Official architecture string of an index (or an array of strings for an array of indices)."""
        return format_arch(self.codes_of(index))

    def keys(self) -> np.ndarray:
        """Base-5 keys in official index order."""
        return codes_to_key(self.codes)

    def isomorphism_classes(self, kind: str = "nb201") -> np.ndarray:
        """Class label per official index: the smallest official index in the class (see :func:`isomorphism_classes`)."""
        return isomorphism_classes(self.codes, kind=kind)
