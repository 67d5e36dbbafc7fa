"""``python -m datamill.cli``."""

from datamill.cli.main import app

app()
