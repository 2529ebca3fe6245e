"""Plotting functions: tidy frame and an optional Axes in, the Axes out (seaborn style).

They only draw; every number comes from a report section's computing code.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

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


def plot_abc_histograms(hist: pd.DataFrame, axes, intervals: dict | None = None):
    """Neighbour-accuracy densities of models A/B/C: one row of Axes per dataset, one column per radius.

    Columns ``dataset, model, radius, bin_low, density`` (1-point bins; empty bins may be left
    out); ``axes`` is a 2-D array of Axes; ``intervals`` (dataset → model → ``(low, high)``, A²M's) are shaded.
    """
    datasets, radii = list(dict.fromkeys(hist["dataset"])), sorted(hist["radius"].unique())
    colours = dict(zip(["A", "B", "C"], sns.color_palette(PALETTE)))
    for i, d in enumerate(datasets):
        for j, r in enumerate(radii):
            ax = axes[i, j]
            part = hist[(hist["dataset"] == d) & (hist["radius"] == r)]
            for model, m in part.groupby("model", sort=True, observed=True):
                low = np.arange(m["bin_low"].min(), m["bin_low"].max() + 1)
                density = m.set_index("bin_low")["density"].reindex(low, fill_value=0.0)
                ax.stairs(density.to_numpy(), np.append(low, low[-1] + 1), color=colours.get(model),
                          label=f"model {model}", linewidth=1.2)
            for model, (low, high) in (intervals or {}).get(d, {}).items():
                ax.axvspan(low, high, color=colours.get(model), alpha=0.12, linewidth=0)
            ax.set_title(f"{d}, radius {r}", fontsize=9)
            ax.set_xlabel("neighbour test accuracy (%)" if i == len(datasets) - 1 else "")
            ax.set_ylabel("density (1/%)" if j == 0 else "")
            ax.legend(fontsize=6, title="shaded: the model's own interval" if intervals and i == j == 0 else None,
                      title_fontsize=6)
    return axes


def plot_flatness_by_decile(deciles: pd.DataFrame, ax=None, metric: str = "test accuracy", unit: str = "points"):
    """Mean |Δ metric| to neighbours per decile of the metric, with CI band: ``dataset, bin, flatness_mean, ci_*``
    (``metric``, ``unit``: how the axes name the metric; default the benchmark's test accuracy)."""
    ax = _axes(ax)
    for (d, part), colour in zip(deciles.groupby("dataset", sort=False), sns.color_palette(PALETTE)):
        ax.plot(part["bin"], part["flatness_mean"], marker="o", color=colour, label=d)
        ax.fill_between(part["bin"], part["ci_low"], part["ci_high"], color=colour, alpha=0.25)
    ax.set(xlabel=f"decile of the cell's own {metric} (1 = worst, 10 = best)",
           ylabel=f"mean |Δ {metric}| to the 24 neighbours" + (f" ({unit})" if unit else ""),
           title=f"Neighbourhood flatness by {metric} decile", xticks=range(1, int(deciles["bin"].max()) + 1))
    ax.legend()
    return ax


def plot_path_barriers(paths: pd.DataFrame, ax=None):
    """Best-path barrier of distance-3 pairs per A/B/C model and dataset: ``dataset, model, best``."""
    ax = _axes(ax)
    sns.boxplot(data=paths, x="dataset", y="best", hue="model", palette=PALETTE, fliersize=1.5, ax=ax)
    ax.axhline(0, color="0.4", linewidth=0.8, linestyle="--")
    ax.set(xlabel="", ylabel="barrier of the best monotone path (points)",
           title="Accuracy barriers between distance-3 pairs of models A/B/C")
    return ax


def plot_minimax_quantiles(curves: pd.DataFrame, ax=None):
    """Quantile function of minimax barriers among the top 1 %: ``dataset, quantile, barrier``."""
    ax = _axes(ax)
    sns.lineplot(data=curves, x="quantile", y="barrier", hue="dataset", palette=PALETTE, drawstyle="steps-post", ax=ax)
    ax.axhline(0, color="0.4", linewidth=0.8, linestyle="--")
    ax.set(xlabel="quantile (fraction of pairs)", ylabel="minimax barrier (accuracy points)",
           title="Quantile function of the barriers among the best 1 % of cells")
    return ax


def plot_barrier_tree(tree: pd.DataFrame, ax=None, value: str = "test accuracy (%)", max_labels: int = 40):
    """Disconnectivity graph from :func:`landscape.geometry.barrier_tree`'s frame (optima on top, merges below);
    ``value`` names the y axis; with more than ``max_labels`` optima their indices stay in the table only."""
    ax = _axes(ax)
    parent, height = tree["parent"].to_numpy(), tree["height"].to_numpy()
    children: dict[int, list[int]] = {}
    for node, p in enumerate(parent):  # 2k - 1 tree nodes
        children.setdefault(int(p), []).append(node)
    order = _postorder(children, int(np.flatnonzero(parent == -1)[0]))
    leaves = [n for n in order if n not in children]
    x = np.zeros(len(parent))
    x[leaves] = np.arange(len(leaves))
    gap = 0.015 * (height.max() - height.min() or 1.0)  # nearly equal merges drawn apart, never on top of each other
    shown = height.astype(float).copy()
    for node in order:  # children first: a merge sits at least `gap` below its lowest child
        kids = children.get(node)
        if kids:
            x[node] = np.mean(x[kids])
            shown[node] = min(height[node], min(shown[kids]) - gap)
            for k in kids:
                ax.plot([x[k], x[k]], [shown[k], shown[node]], color="0.2", linewidth=1)
            ax.plot([min(x[kids]), max(x[kids])], [shown[node]] * 2, color="0.2", linewidth=1)
    moved = bool((shown < height - 1e-12).any())
    height = shown
    ax.scatter(x[leaves], height[leaves], color=sns.color_palette(PALETTE)[0], zorder=3, s=18)
    labelled = "arch" in tree and len(leaves) <= max_labels
    if labelled:
        ax.set_xticks(x[leaves], [str(int(a)) for a in tree["arch"].to_numpy()[leaves]], rotation=90, fontsize=6)
    else:
        ax.set_xticks([])
    ax.set(xlabel=f"the {len(leaves)} local optima" + (" by cell index" if labelled else " (indices in the CSV)")
                  + " (no neighbour is better;\nstrict optima and cells tied with their best neighbour)"
                  + (f"\nmerges closer than {gap:.2g} are drawn {gap:.2g} apart (exact heights in the CSV)" if moved else ""),
           ylabel=value, title="Barrier tree (disconnectivity graph)")
    return ax


def _basin_sizes(basin: np.ndarray, largest: float) -> np.ndarray:
    """Marker areas of :func:`plot_lons`: proportional to the square root of the basin (cells), the largest 500."""
    return 15 + 500 * np.sqrt(np.asarray(basin, float) / largest)


def plot_lons(nodes: pd.DataFrame, edges: pd.DataFrame, axes):
    """One LON per dataset: ``nodes`` (``dataset, optimum, value, basin_size``) at height = their accuracy, sized by
    basin (key in the legend), the largest basins in the middle; from each optimum one arrow, its most likely
    improving move (``edges``: ``dataset, source, target, weight, type``), width by weight; sinks (no improving
    move: where a local search ends) labelled by cell index."""
    for ax, (d, part) in zip(np.ravel(axes), nodes.groupby("dataset", sort=False)):
        part = part.sort_values("basin_size", ascending=False, kind="stable").reset_index(drop=True)
        offsets = np.array([(k + 1) // 2 * (1 if k % 2 else -1) for k in range(len(part))], float)
        x = dict(zip(part["optimum"].astype(int), offsets))
        y = dict(zip(part["optimum"].astype(int), part["value"]))
        up = edges[(edges["dataset"] == d) & (edges["type"] == "improving")]
        best = up.sort_values("weight", kind="stable").groupby("source").tail(1)
        top = best["weight"].max() if len(best) else 1.0
        for r in best.itertuples():
            ax.annotate("", xy=(x[int(r.target)], y[int(r.target)]), xytext=(x[int(r.source)], y[int(r.source)]),
                        arrowprops=dict(arrowstyle="->", color="0.35", alpha=0.75, lw=0.4 + 2.6 * r.weight / top,
                                        shrinkA=4, shrinkB=6))
        largest = part["basin_size"].max()
        drawn = ax.scatter(offsets, part["value"], s=_basin_sizes(part["basin_size"], largest), c=part["value"],
                           cmap="viridis", edgecolors="0.2", linewidths=0.4, zorder=3)
        sinks = part[~part["optimum"].isin(best["source"])]
        for value, tied in sinks.groupby(sinks["value"].round(4), sort=False):  # tied sinks: one funnel, one label
            ax.annotate(" = ".join(str(int(o)) for o in tied["optimum"]), (max(x[int(o)] for o in tied["optimum"]),
                        value), fontsize=7, xytext=(10, -3), textcoords="offset points")
        for b in [v for v in (10, 100, 1000, 10000) if v <= largest][-3:]:
            ax.scatter([], [], s=_basin_sizes([b], largest), color="0.7", edgecolors="0.2", label=f"basin {b:,} cells")
        ax.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=3, frameon=False,
                  columnspacing=2.5, handletextpad=0.8)
        ax.set(xticks=[], ylabel="200-epoch test accuracy (%)",
               title=f"{d}: {len(part)} optima, funnel sink(s) labelled\narrow: each optimum's likeliest improving move")
        ax.margins(x=0.15, y=0.06)
        drawn.set_clim(part["value"].min(), part["value"].max())
        ax.title.set_fontsize(9)
    return axes


def _postorder(children: dict[int, list[int]], root: int) -> list[int]:
    """Nodes of the tree below ``root``, children before parents, leaves left to right."""
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(children.get(node, []))
    return out[::-1]


def plot_autocorrelation(walks: pd.DataFrame, ax=None):
    """Random-walk autocorrelation per dataset: columns ``dataset, lag, rho`` (and ``how``: exact / Monte Carlo,
    drawn as line style)."""
    ax = _axes(ax)
    sns.lineplot(data=walks, x="lag", y="rho", hue="dataset", style="how" if "how" in walks else None,
                 palette=PALETTE, marker="o", ax=ax)
    ax.set(xlabel="lag (steps of a random walk on the neighbour graph)", ylabel="autocorrelation ρ(lag)",
           title="Random-walk autocorrelation", ylim=(0, 1))
    return ax


def plot_tau_intervals(tau: pd.DataFrame, ax=None):
    """Kendall τ with CIs, one row per (comparison, dataset, proxy): ``estimate, ci_low, ci_high``."""
    ax = _axes(ax)
    tau = tau.sort_values("comparison", kind="stable", key=lambda c: c.map({g: i for i, g in enumerate(
        dict.fromkeys(tau["comparison"]))})).reset_index(drop=True)
    labels = [f"{p} ({d}, n={n:,})" for p, d, n in zip(tau["proxy"], tau["dataset"], tau["n"])]
    groups = list(dict.fromkeys(tau["comparison"]))
    gap = np.cumsum((tau["comparison"] != tau["comparison"].shift()).to_numpy()) - 1  # a blank row between groups
    y = np.arange(len(tau)) + gap
    colours = dict(zip(groups, sns.color_palette("tab10", len(groups))))
    for g in groups:
        rows = (tau["comparison"] == g).to_numpy()
        est = tau["estimate"].to_numpy()[rows]
        err = np.vstack([est - tau["ci_low"].to_numpy()[rows], tau["ci_high"].to_numpy()[rows] - est])
        ax.errorbar(est, y[rows], xerr=err, fmt="o", markersize=3, color=colours[g], label=g, capsize=2)
    ax.set_yticks(y, labels, fontsize=6)
    ax.invert_yaxis()
    ax.axvline(0, color="0.4", linewidth=0.8, linestyle="--")
    ax.set(xlabel="Kendall τ-b (95% bootstrap CI)")
    ax.legend(fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    return ax


def plot_proxy_scatter(scatter: pd.DataFrame, axes):
    """Each proxy against ground-truth accuracy, one Axes per proxy: ``proxy, score, test_accuracy, preset``."""
    from scipy.stats import kendalltau

    proxies = list(dict.fromkeys(scatter["proxy"]))
    flat = axes.ravel()
    for ax, proxy in zip(flat, proxies):
        part = scatter[scatter["proxy"] == proxy]
        sns.scatterplot(data=part, x="test_accuracy", y="score", hue="preset", palette=PALETTE, ax=ax, legend=False)
        tau = kendalltau(part["score"], part["test_accuracy"]).statistic
        ax.set_title(f"{proxy}: τ-b {tau:.2f}, n={len(part)}", fontsize=8)
        ax.set_xlabel("CIFAR-10 test acc. @200 (%)", fontsize=8)
        ax.set_ylabel(proxy, fontsize=8)
    for ax in flat[len(proxies):]:
        ax.set_axis_off()
    if len(flat) > len(proxies):
        flat[-1].text(0, 0.5, "One point per cell trained alone.\nτ-b against 200-epoch CIFAR-10 test\naccuracy; "
                              "CIs in flatness_tau.csv.", fontsize=8, va="center")
    return axes


def plot_darts_by_radius(by_radius: pd.DataFrame, ax=None):
    """Mean |Δ accuracy| to sampled neighbours per radius with CI: ``radius, mean_abs_delta, ci_low, ci_high``."""
    ax = _axes(ax)
    est = by_radius["mean_abs_delta"].to_numpy()
    err = np.vstack([est - by_radius["ci_low"].to_numpy(), by_radius["ci_high"].to_numpy() - est])
    ax.errorbar(by_radius["radius"], est, yerr=err, fmt="o-", capsize=3, color=sns.color_palette(PALETTE)[0])
    ax.set(xlabel="radius (edits)", ylabel="mean |Δ predicted accuracy| (points)", xticks=by_radius["radius"],
           title="DARTS space under the NB301 surrogate: neighbourhood flatness", ylim=(0, None))
    return ax


def _tau_points(frame: pd.DataFrame, x: str, ax) -> None:
    """τ with CI per (x, dataset), dodged, plus the paper's τ as open markers: one black marker per x where the
    paper has one value for every series (e.g. its CIFAR-10 τ beside two ground truths), else one per series."""
    xs = list(dict.fromkeys(frame[x].astype(str)))
    datasets = list(dict.fromkeys(frame["dataset"]))
    width = 0.8 / len(datasets)
    has_paper = "paper_tau" in frame and frame["paper_tau"].notna().any()
    shared = has_paper and frame.groupby(frame[x].astype(str))["paper_tau"].nunique(dropna=True).le(1).all()
    for k, (d, colour) in enumerate(zip(datasets, sns.color_palette(PALETTE))):
        part = frame[frame["dataset"] == d]
        pos = np.array([xs.index(v) for v in part[x].astype(str)]) + (k - (len(datasets) - 1) / 2) * width
        est = part["tau"].to_numpy()
        err = np.vstack([est - part["ci_low"].to_numpy(), part["ci_high"].to_numpy() - est])
        ax.errorbar(pos, est, yerr=err, fmt="o", color=colour, capsize=2, markersize=4, label=f"{d} (ours)")
        if has_paper and not shared:
            ax.scatter(pos, part["paper_tau"], marker="D", facecolors="none", edgecolors=colour, s=30,
                       label=f"{d} (paper)")
    if shared:
        paper = frame.groupby(frame[x].astype(str), sort=False)["paper_tau"].first().reindex(xs)
        ax.scatter(np.arange(len(xs)), paper, marker="D", facecolors="none", edgecolors="0.1", s=34,
                   label="the paper (its CIFAR-10 τ)")
    ax.set_xticks(range(len(xs)), xs, rotation=20, ha="right", fontsize=8)
    ax.axhline(0, color="0.4", linewidth=0.8, linestyle="--")
    ax.set_ylabel("Kendall τ-b vs 200-epoch test accuracy")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)  # beside, never over a CI


def plot_table5(table5: pd.DataFrame, ax=None, truth: str = "200-epoch test accuracy",
                title: str = "Proxies on SPOS sub-networks vs ground truth (open: GeNAS Table 5)"):
    """GeNAS Table 5 as points: ``proxy, dataset, tau, ci_low, ci_high, paper_tau`` (``dataset``: each series,
    a dataset or a ground truth; ``truth`` names what τ is taken against)."""
    ax = _axes(ax)
    _tau_points(table5, "proxy", ax)
    ax.set(xlabel="", ylabel=f"Kendall τ-b vs {truth}", title=title)
    return ax


def plot_darts_table5(table5: pd.DataFrame, ax=None, reference: tuple[float, float, float] | None = None):
    """Table 5 on the DARTS space: τ (CI) of each proxy against the NB301 surrogate; ``reference`` = the surrogate's
    own τ (low, high) against trained genotypes, drawn as a band: about as high as a proxy's τ can be shown to go."""
    ax = _axes(ax)
    _tau_points(table5, "proxy", ax)
    if reference is not None:
        ax.axhspan(reference[1], reference[2], color="0.85", zorder=0,
                   label=f"surrogate vs trained genotypes (τ {reference[0]:.2f})")
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set(xlabel="", ylabel="Kendall τ-b vs NB301 surrogate accuracy",
           title="DARTS space: proxies on SPOS sub-networks vs the NB301 surrogate")
    return ax


def plot_darts_search(comparison: pd.DataFrame, ax=None):
    """Surrogate accuracy of searched and reference genotypes: ``method, fitness, accuracy, q_low, q_high``."""
    ax = _axes(ax)
    frame = comparison.reset_index(drop=True)
    labels = [m if not isinstance(f, str) or f in ("none", "gradient (first order)") else f"{m} ({f})"
              for m, f in zip(frame["method"], frame["fitness"])]
    y = np.arange(len(frame))[::-1]
    low = (frame["accuracy"] - frame["q_low"]).fillna(0).to_numpy()
    high = (frame["q_high"] - frame["accuracy"]).fillna(0).to_numpy()
    ax.errorbar(frame["accuracy"], y, xerr=np.vstack([low, high]), fmt="o", color=sns.color_palette(PALETTE)[0],
                capsize=2, markersize=5)
    ax.set_yticks(y, labels, fontsize=7)
    ax.set(xlabel="NB301 surrogate CIFAR-10 accuracy (%); bars: central 95% of single random searches", ylabel="",
           title="DARTS space: searched genotypes under the NB301 surrogate")
    return ax


def plot_ablation(frame: pd.DataFrame, key: str, ax=None):
    """τ of flatness per ``key`` value (σ triple or α) and dataset: ``<key>, dataset, tau, ci_*, paper_tau``."""
    ax = _axes(ax)
    _tau_points(frame, key, ax)
    ax.set(xlabel=key, title=f"Flatness τ across {key} (open: GeNAS)")
    return ax


def plot_joint_heatmap(joint: pd.DataFrame, ax=None):
    """Symmetric τ matrix from a long pairwise table: ``column_a, column_b, tau``."""
    ax = _axes(ax)
    names = list(dict.fromkeys(list(joint["column_a"]) + list(joint["column_b"])))
    m = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    for a, b, t in zip(joint["column_a"], joint["column_b"], joint["tau"]):
        m.loc[a, b] = m.loc[b, a] = t
    sns.heatmap(m, vmin=-1, vmax=1, cmap="vlag", annot=True, fmt=".2f", annot_kws={"fontsize": 7}, square=True,
                cbar_kws={"label": "Kendall τ-b"}, ax=ax)
    ax.tick_params(labelsize=7)
    n = f"n = {int(joint['n'].iloc[0])} cells; " if "n" in joint else ""
    ax.set_title(f"τ-b between weight- and architecture-space measures; {n}95% CIs in the CSV\n"
                 "neighbourhood flatness = −mean |Δ accuracy| to the 24 neighbours (larger = flatter)", fontsize=9,
                 loc="left")
    return ax


def plot_search_accuracy(long: pd.DataFrame, axes, paper: dict[str, float] | None = None):
    """Ground-truth accuracy of searched architectures, one panel (with its own axis) per dataset: ``method, seed,
    dataset, test_accuracy``; a grey line joins the cells of one seed (a paired comparison), a bar marks each
    method's mean ± sd; ``paper``: dataset → a published value, drawn as a dashed line."""
    methods = list(dict.fromkeys(long["method"]))
    colours = dict(zip(methods, sns.color_palette(PALETTE)))
    for ax, (d, part) in zip(np.ravel(axes), long.groupby("dataset", sort=False)):
        wide = part.pivot_table(index="seed", columns="method", values="test_accuracy").reindex(columns=methods)
        xs = np.arange(len(methods))
        for _, row in wide.iterrows():
            ax.plot(xs, row.to_numpy(), color="0.75", linewidth=0.8, zorder=1)
        for i, m in enumerate(methods):
            values = wide[m].dropna().to_numpy()
            ax.scatter(np.full(values.size, i), values, color=colours[m], s=28, zorder=3, label=m)
            ax.errorbar(i + 0.12, values.mean(), yerr=values.std(ddof=1) if values.size > 1 else 0, fmt="_",
                        color=colours[m], capsize=3, markersize=12, zorder=2)
        if paper and d in paper:
            ax.axhline(paper[d], color="0.3", linestyle="--", linewidth=1, label=f"paper ({paper[d]:g})")
        ax.set(xticks=xs, xticklabels=methods, xlim=(-0.5, len(methods) - 0.5), title=f"{d} ({len(wide)} seeds)",
               ylabel="200-epoch test accuracy of the found cell (%)" if ax is np.ravel(axes)[0] else "")
        if paper and d in paper:
            ax.legend(fontsize=7, loc="best")
    return axes


def plot_ladder_curve(curve: pd.DataFrame, axes, ceiling: pd.DataFrame | None = None,
                      proxies: tuple[str, ...] = ("angle", "accuracy", "flatness", "angle_accuracy", "angle_flatness",
                                                  "accuracy_flatness")):
    """The budget ladder: τ (95% CI) of each proxy against images seen (log axis), one panel per truth (``matched``,
    ``cifar10``).  Lines: the main series (seed 0); open circles: other seeds; squares: other skeletons; diamonds
    at 6.25M: GeNAS Table 5 (CIFAR-10 panel); grey band: the noise ceiling (seed 0 vs seed 1 at matched scale)."""
    series = curve[curve["seed"] == 0].groupby(["c", "n"]).size().idxmax()
    colours = dict(zip(proxies, sns.color_palette(PALETTE, len(proxies))))
    for ax, truth in zip(np.ravel(axes), ("matched", "cifar10")):
        part = curve[(curve["truth"] == truth) & curve["proxy"].isin(proxies)]
        for proxy, g in part.groupby("proxy", sort=False):
            main = g[(g["c"] == series[0]) & (g["n"] == series[1]) & (g["seed"] == 0)].sort_values("images_seen")
            err = np.vstack([main["tau"] - main["ci_low"], main["ci_high"] - main["tau"]])
            ax.errorbar(main["images_seen"], main["tau"], yerr=err, color=colours[proxy], marker="o", markersize=3,
                        capsize=2, linewidth=1, label=proxy)
            for _, r in g.drop(main.index).iterrows():
                marker = "o" if (r["c"], r["n"]) == tuple(series) else "s"
                ax.errorbar(r["images_seen"] * (1.06 if marker == "o" else 0.94), r["tau"],
                            yerr=[[r["tau"] - r["ci_low"]], [r["ci_high"] - r["tau"]]], color=colours[proxy],
                            marker=marker, mfc="none", markersize=5, capsize=2, linewidth=0.8)
            if truth == "cifar10" and np.isfinite(g["paper_tau"].iloc[0]):
                ax.scatter([6.25e6], [g["paper_tau"].iloc[0]], marker="D", facecolors="none", edgecolors=colours[proxy])
        if ceiling is not None and truth == "matched" and len(ceiling):
            seeds = ceiling.iloc[0]
            ax.axhspan(seeds["ci_low"], seeds["ci_high"], color="0.85", zorder=0, label="seed vs seed (ceiling)")
        ax.axhline(0, color="0.4", linewidth=0.8, linestyle="--")
        ax.set_xscale("log")
        ax.set_xlim(curve["images_seen"].min() / 1.6, 1e7)
        cells = int(part["n_cells"].max()) if len(part) else 0
        ax.set(xlabel="images seen by the supernet (log)", ylabel=f"Kendall τ-b vs {truth} truth",
               title={"matched": f"against the matched-scale truth ({cells} cells)",
                      "cifar10": f"against 200-epoch CIFAR-10 ({cells} cells)"}[truth])
    from matplotlib.lines import Line2D

    handles, _ = np.ravel(axes)[-1].get_legend_handles_labels()
    handles += [Line2D([], [], color="0.3", marker="o", mfc="none", linestyle="", label="another supernet seed"),
                Line2D([], [], color="0.3", marker="s", mfc="none", linestyle="", label="another skeleton (C, N)"),
                Line2D([], [], color="0.3", marker="D", mfc="none", linestyle="", label="GeNAS Table 5 (6.25M)")]
    np.ravel(axes)[-1].legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                              frameon=False)
    return axes


def plot_accuracy_vs_flatness(cells: pd.DataFrame, ax=None):
    """Accuracy against neighbourhood flatness of sampled cells: ``cifar10, neighbourhood_flatness``."""
    ax = _axes(ax)
    ax.scatter(cells["neighbourhood_flatness"], cells["cifar10"], s=8, alpha=0.6, color=sns.color_palette(PALETTE)[0])
    ax.set(xlabel="mean |Δ accuracy| to the 24 neighbours (points; lower = flatter)",
           ylabel="200-epoch CIFAR-10 test accuracy (%)", title=f"Accuracy against flatness ({len(cells)} cells)")
    return ax


def _mean_band(values: pd.Series) -> tuple[float, float, float]:
    """Mean of one step's values over seeds and its 95% t interval (the mean itself for a single seed)."""
    from scipy import stats

    v = values.dropna().to_numpy(float)
    mean = float(v.mean()) if v.size else np.nan
    if v.size < 2:
        return mean, mean, mean
    half = float(stats.t.ppf(0.975, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size))
    return mean, mean - half, mean + half


def plot_collapse_trajectories(traj: pd.DataFrame, axes, variant: str = "darts"):
    """The argmax genotype during the search (``variant``'s runs, DARTS and A²M): its 200-epoch CIFAR-10 accuracy
    under NB201's derivation (``none`` included) and DARTS's (``none`` excluded), and its numbers of ``none`` edges
    (solid) and skip connections (dashed) under NB201's derivation; mean over seeds with a 95% t band (clipped to
    the possible range)."""
    part = traj[traj["variant"] == variant]
    colours = dict(zip(("darts", "a2m"), sns.color_palette(PALETTE)))
    accuracy = "CIFAR-10 accuracy of the argmax (%)"
    panels = (("argmax with none (NB201's derivation)", accuracy, (("acc_cifar10", "-"),), (0, 100)),
              ("argmax without none (DARTS's derivation)", accuracy, (("acc_no_none_cifar10", "-"),), (0, 100)),
              ("none (solid) and skip (dashed) edges, NB201's derivation", "edges (of 6)",
               (("arch_nones", "-"), ("arch_skips", "--")), (0, 6)))
    for ax, (title, ylabel, series, (lo, hi)) in zip(np.ravel(axes), panels):
        for method, rows in part.groupby("method", sort=False):
            for column, style in series:
                stats = pd.DataFrame([_mean_band(g) for _, g in rows.groupby("step")[column]],
                                     index=sorted(rows["step"].unique()), columns=["mean", "low", "high"])
                label = f"{method} ({rows['seed'].nunique()} seeds)" if style == "-" else None
                ax.plot(stats.index, stats["mean"], style, color=colours.get(method), label=label)
                ax.fill_between(stats.index, stats["low"].clip(lo, hi), stats["high"].clip(lo, hi),
                                color=colours.get(method), alpha=0.2)
        ax.set(xlabel="search step", ylabel=ylabel, title=title)
        ax.title.set_fontsize(9)
    np.ravel(axes)[0].legend(fontsize=7)
    return axes
