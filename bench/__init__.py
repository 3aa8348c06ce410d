"""Benchmarks with budgets from DESIGN.md, each against a baseline measured in the same run."""
