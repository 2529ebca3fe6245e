"""Torch networks for the NB201 and DARTS spaces, supernets, and data loaders."""
