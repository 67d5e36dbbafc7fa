"""The ``datamill`` command line: ``datamill <domain> <verb>``, thin over the services."""
