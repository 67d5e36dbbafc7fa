"""Modality plugins: each registers under the ``datamill.modalities`` entry-point group."""
