"""Plotting functions: tidy frame and an optional Axes in, the Axes out (seaborn style).

They only draw; every number comes from a report section's computing code.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # the report renders to files; notebooks set their own backend

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

PALETTE = "colorblind"


def _axes(ax):
    return ax if ax is not None else plt.figure(figsize=(6, 4), layout="constrained").add_subplot()


def plot_class_sizes(sizes: pd.DataFrame, ax=None):
    """Number of classes of each size, log-log: columns ``size``, ``classes``, ``kind``."""
    ax = _axes(ax)
    sns.scatterplot(data=sizes, x="size", y="classes", hue="kind", style="kind", palette=PALETTE, s=40, ax=ax)
    ax.set(xscale="log", yscale="log", xlabel="cells in the class (log scale)",
           ylabel="number of classes (log scale)", title="NB201 isomorphism-class sizes")
    return ax


def plot_degree_distribution(degrees: pd.DataFrame, ax=None):
    """Node-degree histogram on a numeric axis: columns ``degree``, ``nodes``, ``graph``."""
    ax = _axes(ax)
    for (name, part), colour in zip(degrees.groupby("graph"), sns.color_palette(PALETTE)):
        ax.bar(part["degree"], part["nodes"], width=1.0, color=colour, label=name)
    ax.set(yscale="log", xlabel="degree (distinct neighbouring classes)", ylabel="classes (log scale)",
           title="Degree distribution of the isomorphism quotient graph")
    ax.legend()
    return ax


def plot_accuracy_distributions(acc: pd.DataFrame, ax=None):
    """Histograms of accuracy per dataset: columns ``dataset``, ``value`` (accuracy, %)."""
    ax = _axes(ax)
    sns.histplot(data=acc, x="value", hue="dataset", palette=PALETTE, bins=100, element="step",
                 fill=False, ax=ax)
    ax.set_xlabel("test accuracy after 200 epochs (%)")
    ax.set_ylabel("cells")
    ax.set_title("Ground-truth accuracy over the 15,625 NB201 cells")
    return ax
