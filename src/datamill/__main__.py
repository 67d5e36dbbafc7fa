"""``python -m datamill``: the ``datamill`` command, for an environment whose scripts folder is
not on ``PATH`` (a virtual environment used without activating it)."""

from datamill.cli.main import app

app(prog_name="datamill")
