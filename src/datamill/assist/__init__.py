"""Model assistance: pre-annotation with models that ship inside installed packages."""
