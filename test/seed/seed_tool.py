"""The Python lance-bench's data model (lancedb/lance-bench, which this suite replaces), publishers and readers, re-implemented for the tests.

Written from its description (its data model: Result, TestBed, DutBuild, SummaryValues; its
publishers for cargo-criterion JSON lines and pytest-benchmark JSON; its `dut.version LIKE` look-up;
its readers), not copied from its code, and run on its locked stack: lancedb 0.25.3,
pylance 0.39.0, pyarrow 21 on Python 3.12. What matters here is what it writes and how it reads:

- tables created by lancedb 0.25.3's default, Lance file format 2.0, which cannot store a null
  struct: a missing throughput is written as {multiplier: 0.0, name: '', unit_system: ''};
- Criterion rows keep the raw per-sample totals in `values`, quantiles over those totals, mean and
  standard deviation (with n) per iteration, and the whole cargo-criterion record in `metadata`;
- pytest-benchmark seconds are converted to nanoseconds;
- rows are appended with its ten columns only.

Usage: seed_tool.py COMMAND --db URI [...]; every command prints one JSON object.
  publish-criterion FILE --version V --timestamp T [--testbed NAME]
  publish-pytest FILE --version V --timestamp T [--testbed NAME] [--commits N]
  read [--rows]            reads every row and column: the count and columns (and the rows)
  has-results SHA          its look-up: dut.version LIKE '%<sha7>%'
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid

import lancedb
import pyarrow as pa

TABLE = "results"

SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("dut", pa.struct([("name", pa.string()), ("version", pa.string()), ("timestamp", pa.int64())])),
        (
            "test_bed",
            pa.struct(
                [
                    ("name", pa.string()),
                    ("cpu", pa.string()),
                    ("memory_gb", pa.int32()),
                    ("os", pa.string()),
                    ("created_at", pa.int64()),
                ]
            ),
        ),
        ("benchmark_name", pa.string()),
        ("values", pa.list_(pa.float64())),
        (
            "summary",
            pa.struct(
                [(name, pa.float64()) for name in ("min", "q1", "median", "q3", "max", "mean", "standard_deviation")]
            ),
        ),
        ("units", pa.string()),
        ("throughput", pa.struct([("multiplier", pa.float64()), ("name", pa.string()), ("unit_system", pa.string())])),
        ("metadata", pa.string()),
        ("timestamp", pa.int64()),
    ]
)

NO_THROUGHPUT = {"multiplier": 0.0, "name": "", "unit_system": ""}


def storage_options() -> dict[str, str]:
    """S3-compatible endpoints for the tests (moto on 127.0.0.1), from the usual AWS variables."""
    options = {}
    for env, key in [
        ("AWS_ENDPOINT_URL_S3", "aws_endpoint"),
        ("AWS_ENDPOINT_URL", "aws_endpoint"),
        ("AWS_ACCESS_KEY_ID", "aws_access_key_id"),
        ("AWS_SECRET_ACCESS_KEY", "aws_secret_access_key"),
        ("AWS_REGION", "aws_region"),
    ]:
        if os.environ.get(env) and key not in options:
            options[key] = os.environ[env]
    if options.get("aws_endpoint", "").startswith("http://"):
        options["allow_http"] = "true"
    return options


def connect(uri: str):
    for attempt in range(3):
        try:
            return lancedb.connect(uri, storage_options=storage_options() if uri.startswith("s3://") else None)
        except Exception:
            if attempt == 2:
                raise
            time.sleep((attempt + 1) * 2)


def quantiles(values: list[float]) -> tuple[float, float, float]:
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else (values[0],) * 3
    return q1, median, q3


def test_bed(name: str) -> dict:
    return {"name": name, "cpu": "seed-cpu", "memory_gb": 16, "os": "Linux", "created_at": int(time.time())}


def row(name: str, values: list[float], summary: dict, throughput: dict, metadata: dict, args) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "dut": {"name": "lance", "version": args.version, "timestamp": args.timestamp},
        "test_bed": test_bed(args.testbed),
        "benchmark_name": name,
        "values": values,
        "summary": summary,
        "units": "nanoseconds",
        "throughput": throughput,
        "metadata": json.dumps(metadata),
        "timestamp": int(time.time()),
    }


def criterion_rows(path: str, args) -> list[dict]:
    rows = []
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            if record.get("reason") != "benchmark-complete":
                continue
            totals = [float(v) for v in record["measured_values"]]
            per_iteration = [t / n for t, n in zip(totals, record["iteration_count"])]
            q1, median, q3 = quantiles(totals)
            summary = {
                "min": min(totals),
                "q1": q1,
                "median": median,
                "q3": q3,
                "max": max(totals),
                "mean": statistics.fmean(per_iteration),
                "standard_deviation": statistics.pstdev(per_iteration),
            }
            throughput = NO_THROUGHPUT
            if record.get("throughput"):
                first = record["throughput"][0]
                throughput = {"multiplier": float(first["per_iteration"]), "name": first["unit"], "unit_system": "binary"}
            rows.append(row(record["id"], totals, summary, throughput, record, args))
    return rows


def pytest_rows(path: str, args) -> list[dict]:
    with open(path) as f:
        report = json.load(f)
    rows = []
    for bench in report["benchmarks"]:
        stats = bench["stats"]
        if "data" not in stats:
            continue
        ns = [v * 1e9 for v in stats["data"]]
        summary = {
            key: stats[source] * 1e9
            for key, source in [
                ("min", "min"),
                ("q1", "q1"),
                ("median", "median"),
                ("q3", "q3"),
                ("max", "max"),
                ("mean", "mean"),
                ("standard_deviation", "stddev"),
            ]
        }
        metadata = {k: v for k, v in bench.items() if k != "stats"}
        rows.append(row(bench["fullname"], ns, summary, NO_THROUGHPUT, metadata, args))
    return rows


def publish(rows: list[dict], uri: str) -> dict:
    db = connect(uri)
    data = pa.Table.from_pylist(rows, schema=SCHEMA)
    if TABLE in db.table_names():
        db.open_table(TABLE).add(data)
    else:
        db.create_table(TABLE, data)
    return {"published": len(rows)}


def read(uri: str, with_rows: bool) -> dict:
    """Reads the whole table, every column decoded (what its readers do); rows on request."""
    db = connect(uri)
    arrow = db.open_table(TABLE).to_arrow()
    out = {"count": arrow.num_rows, "columns": arrow.schema.names}
    if with_rows:
        out["rows"] = [
            {
                "id": r["id"],
                "benchmark_name": r["benchmark_name"],
                "version": r["dut"]["version"],
                "values": r["values"],
                "throughput": r["throughput"],
            }
            for r in arrow.select(["id", "benchmark_name", "dut", "values", "throughput"]).to_pylist()
        ]
    return out


def has_results(uri: str, sha: str) -> dict:
    db = connect(uri)
    table = db.open_table(TABLE)
    found = table.search().where(f"dut.version LIKE '%{sha[:7]}%'").limit(1).to_list()
    return {"found": len(found) > 0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["publish-criterion", "publish-pytest", "read", "has-results"])
    parser.add_argument("arg", nargs="?")
    parser.add_argument("--db", required=True)
    parser.add_argument("--version")
    parser.add_argument("--timestamp", type=int)
    parser.add_argument("--testbed", default="seed-machine")
    parser.add_argument("--commits", type=int, default=1)
    parser.add_argument("--rows", action="store_true", help="read: print the rows too")
    args = parser.parse_args()
    if args.command == "publish-criterion":
        out = publish(criterion_rows(args.arg, args), args.db)
    elif args.command == "publish-pytest":
        # --commits N: the same results for N commits (versions +0000000, +0000001, …) in one append
        rows = pytest_rows(args.arg, args)
        if args.commits > 1:
            base = args.version.split("+")[0]
            rows = [
                {**r, "id": str(uuid.uuid4()), "dut": {**r["dut"], "version": f"{base}+{i:07d}", "timestamp": args.timestamp + i}}
                for i in range(args.commits)
                for r in rows
            ]
        out = publish(rows, args.db)
    elif args.command == "read":
        out = read(args.db, args.rows)
    else:
        out = has_results(args.db, args.arg)
    json.dump(out, sys.stdout)
    sys.stdout.flush()
    # lancedb 0.25.3's native threads can abort the interpreter's shutdown (PyGILState_Release)
    # after the work is done: leave without it
    os._exit(0)


if __name__ == "__main__":
    main()
