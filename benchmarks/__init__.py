"""ember vs torch benchmarks: `python -m benchmarks` (see run.py)."""
