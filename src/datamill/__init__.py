"""datamill: the open-source factory for AI training data."""

__all__ = ["__version__"]

__version__ = "0.1.0"
