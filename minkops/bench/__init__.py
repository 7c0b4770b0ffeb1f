"""Benchmarks: scripts a person runs, printing figures and their ratio to a baseline measured
in the same run (never timed tests). Start with `scripts/benchmark --help`."""
