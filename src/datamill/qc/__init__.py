"""Quality control: acceptance sampling (ISO 2859-1 plans), transcript accuracy metrics, and
the aggregation of overlapping answers with agreement figures (``aggregation`` estimators,
``regions`` merging, ``aggregating`` service, ``agreement`` figures, ``agreement_report``).

Submodules are imported explicitly (``from datamill.qc.sampling import single_sampling_plan``,
``from datamill.qc.metrics import score_transcripts``); importing this package imports nothing
else, so ``import datamill.qc`` stays free of third-party dependencies.
"""
