"""The web face: server-rendered pages and the small JSON endpoints they need, over the services."""
