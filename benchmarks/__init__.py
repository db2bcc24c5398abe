"""Benchmarks: each module has ``main(argv)`` and accepts ``--smoke`` for a seconds-long run.

Run them all with ``python -m benchmarks`` or one with ``python -m benchmarks NAME [ARGS...]``.
Each prints a table of seconds and ratios against the named peer measured in the same run.
"""
