"""The ``python -m landscape.data`` command line: import, info, fetch, ensure."""
