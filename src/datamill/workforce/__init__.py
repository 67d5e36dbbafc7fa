"""The workforce domain."""
