"""Batch execution of pure item jobs: a local process pool by default."""
