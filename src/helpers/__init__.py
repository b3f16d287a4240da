"""Oslohelsa: the code the notebooks call (one module per job)."""
