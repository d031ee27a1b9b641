"""Benchmarks: workloads generated on the spot, figures printed."""
