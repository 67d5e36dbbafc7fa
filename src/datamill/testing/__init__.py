"""Public helpers for tests and plugin authors: real media made on the spot."""
