"""Users, roles, permissions, API tokens and the hash-chained audit trail."""
