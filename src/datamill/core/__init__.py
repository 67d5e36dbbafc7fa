"""Kernel: errors, registries, clocks. Imports nothing else from datamill."""
