"""The NB201 space as a ``networkx.Graph`` with the store's accuracies as node attributes."""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx
import numpy as np

from ..graph import as_graph, graph_from_edges
from ..spaces.nb201 import N_ARCHS
from .store import Store

__all__ = ["DEFAULT_NODE_METRICS", "nb201_graph"]

#: Node attributes of :func:`nb201_graph` by default: name -> store selection.
DEFAULT_NODE_METRICS: dict[str, dict] = {
    "cifar10_test_200": {"dataset": "cifar10", "split": "test", "epochs": 200},
    "cifar100_test_200": {"dataset": "cifar100", "split": "test", "epochs": 200},
    "ImageNet16-120_test_200": {"dataset": "ImageNet16-120", "split": "test", "epochs": 200},
    "cifar10_valid_200": {"dataset": "cifar10-valid", "split": "valid", "epochs": 200, "source": "landscapes"},
    "cifar10_valid_12": {"dataset": "cifar10", "split": "valid", "epochs": 12},
}


def nb201_graph(store: Store, metrics: Mapping[str, dict] | None = None) -> nx.Graph:
    """The whole NB201 space as a ``networkx.Graph``: 15,625 nodes, 187,500 edges.

    Every node (an official index) carries ``arch`` (its string), ``iso_class``
    (NB201 isomorphism class label) and one attribute per entry of ``metrics``
    (name -> keyword selection for :meth:`Store.array`; default
    :data:`DEFAULT_NODE_METRICS`: 200-epoch test accuracy on the three datasets,
    cifar10-valid validation accuracy and 12-epoch CIFAR-10 validation accuracy).
    Edges join architectures one operation apart (6 cell edges x 4 other operations: 24 neighbours each).

    Parameters
    ----------
    store : Store
        The ground-truth store (:func:`~landscape.bench.paths.load_store`).
    metrics : mapping of str to dict, or None, default None
        Node attribute name -> keyword arguments of :meth:`Store.array` (each selecting one full series);
        None: :data:`DEFAULT_NODE_METRICS`.  A name ``arch`` or ``iso_class`` is overwritten.

    Returns
    -------
    networkx.Graph
        Nodes ``0..15624`` with the float attributes of ``metrics`` (accuracies in %), ``iso_class`` (int: the
        smallest index of the class) and ``arch`` (str); edges carry no attributes.

    Raises
    ------
    ValueError
        If a selection of ``metrics`` matches no series, several, or one that does not cover every architecture.

    Examples
    --------
    >>> g = nb201_graph(store, {"c10": {"dataset": "cifar10", "split": "test", "epochs": 200}})
    >>> g.number_of_nodes(), g.number_of_edges(), g.degree[6111]
    (15625, 187500, 24)
    >>> node = g.nodes[6111]
    >>> round(float(node["c10"]), 2), node["iso_class"], node["arch"]
    (94.37, 6111, '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|')
    """
    metrics = DEFAULT_NODE_METRICS if metrics is None else metrics
    attrs: dict[str, np.ndarray] = {name: store.array(**sel) for name, sel in metrics.items()}
    attrs["iso_class"] = store.isomorphism_classes()
    attrs["arch"] = store.index.arch_string(np.arange(N_ARCHS))
    return graph_from_edges(N_ARCHS, as_graph(store.index).edges, attrs)
