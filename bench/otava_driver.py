"""Runs Apache Otava's change point detection for bench/report.ts.

Reads {"series": [[float, ...], ...], "window_len": int, "max_pvalue": float} on stdin and
prints {"change_points": [[index, ...], ...], "seconds": float}: the indices (first point after
each change) that otava.analysis.compute_change_points finds, with its CLI defaults unless
told otherwise, and the CPU time spent in it (interpreter start-up and JSON excluded).
"""

import json
import sys
import time

from otava.analysis import compute_change_points


def main() -> None:
    request = json.load(sys.stdin)
    window_len = int(request.get("window_len", 50))
    max_pvalue = float(request.get("max_pvalue", 0.001))
    found = []
    started = time.process_time()
    for values in request["series"]:
        # a plain list: given a numpy array, Otava skips its windowing and returns wrong indices
        points, _weak = compute_change_points(
            [float(v) for v in values], window_len=window_len, max_pvalue=max_pvalue, min_magnitude=0.0
        )
        found.append([int(p.index) for p in points])
    seconds = time.process_time() - started
    json.dump({"change_points": found, "seconds": seconds}, sys.stdout)


if __name__ == "__main__":
    main()
