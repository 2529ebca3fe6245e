"""The papers' experiments, built on the algorithms of :mod:`landscape.search`: presets, drivers and results.

* :mod:`landscape.studies.ladder` — a SPOS supernet budget ladder: where the GeNAS proxies begin to rank.
"""
