"""Performance harness: `make bench` writes results under benchmarks/results/."""
