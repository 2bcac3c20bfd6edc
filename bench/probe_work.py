"""A probe of fixed work for the run-command overhead benchmark: N rounds of integer hashing.

    python3 probe_work.py N [anything]

The extra argument is the search parameter the benchmark varies (ignored: every probe does the
same work, so the suite's own cost per probe is the only difference between runs).
"""
import sys

n = int(sys.argv[1])
h = 0
for i in range(n):
    h = (h * 31 + i) & 0xFFFFFFFF
print(h)
