"""The report: ``python -m landscape.report`` regenerates every figure and table."""
