"""Production services only speech projects use: the closed speaker list
(:mod:`.speakers`) and the read-speech prompt check's calibration and listener tasks
(:mod:`.prompt_check`).

The loop never imports this package (an import-linter contract holds it to that): it reaches
these services through the entry points of :mod:`datamill.production.hooks` --
``datamill.submission_checks`` (speaker codes), ``datamill.check_requirements`` (calibrated
thresholds) and ``datamill.check_verdicts`` (a clip parked for a listener). The faces import
them directly for the speech pages and commands.
"""
