"""Writes a results table as the Python lance-bench (the tool this suite replaces) leaves it, ROWS rows, for `npm run bench`.

Run with its locked stack (.venv-seed: lancedb 0.25.3, pylance 0.39, pyarrow 21): Lance
file format 2.0, its ten columns, the placeholder throughput, Criterion-like rows (10 raw
per-sample totals, the raw record in `metadata`), 100 benchmarks per commit. Written as a stream of
batches, so generating a million rows needs little memory.

Usage: seed_table.py URI ROWS
"""

import json
import os
import sys

import lance
import pyarrow as pa

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "test", "seed"))
from seed_tool import SCHEMA, storage_options  # noqa: E402

BENCHMARKS = 100
BATCH = 50_000


def batch(start: int, count: int) -> pa.RecordBatch:
    rows = range(start, start + count)
    commit = [i // BENCHMARKS for i in rows]
    name = [f"group/bench_{i % BENCHMARKS}" for i in rows]
    values = [[float(1000 + (i % 97) + k) * (k + 1) for k in range(10)] for i in rows]
    record = lambda i, v: json.dumps(  # noqa: E731
        {
            "reason": "benchmark-complete",
            "id": name[i - start],
            "iteration_count": list(range(1, 11)),
            "measured_values": v,
            "unit": "ns",
        }
    )
    summary = [
        {"min": v[0], "q1": v[2], "median": v[5], "q3": v[7], "max": v[9], "mean": sum(v) / 10 / 5.5, "standard_deviation": 1.0}
        for v in values
    ]
    return pa.RecordBatch.from_pydict(
        {
            "id": [f"{i:08d}-0000-4000-8000-000000000000" for i in rows],
            "dut": [{"name": "lance", "version": f"0.1.0+{c:07x}", "timestamp": 1_700_000_000 + c} for c in commit],
            "test_bed": [{"name": "seed", "cpu": "cpu", "memory_gb": 16, "os": "Linux", "created_at": 0}] * count,
            "benchmark_name": name,
            "values": values,
            "summary": summary,
            "units": ["nanoseconds"] * count,
            "throughput": [{"multiplier": 0.0, "name": "", "unit_system": ""}] * count,
            "metadata": [record(i, v) for i, v in zip(rows, values)],
            "timestamp": [1_700_000_000] * count,
        },
        schema=SCHEMA,
    )


def main() -> None:
    uri, total = sys.argv[1], int(sys.argv[2])
    reader = pa.RecordBatchReader.from_batches(
        SCHEMA, (batch(start, min(BATCH, total - start)) for start in range(0, total, BATCH))
    )
    options = storage_options() if uri.startswith("s3://") else None
    lance.write_dataset(reader, f"{uri.rstrip('/')}/results.lance", data_storage_version="2.0", storage_options=options)
    print(json.dumps({"rows": total}))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
