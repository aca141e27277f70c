"""Single online lookups from the Python client, one at a time; writes p50/p99 as JSON (larder-bench serve)."""
import argparse
import json
import random
import time

from larder import Client

parser = argparse.ArgumentParser()
parser.add_argument("--target", required=True)
parser.add_argument("--features", required=True, help="comma-separated view:feature refs")
parser.add_argument("--join-key", required=True)
parser.add_argument("--entities", type=int, required=True, help="keys are uniform in [0, entities)")
parser.add_argument("--seed", type=int, default=42)
parser.add_argument("--warmup", type=float, default=10)
parser.add_argument("--seconds", type=float, default=30)
parser.add_argument("--out", required=True)
args = parser.parse_args()

refs = args.features.split(",")
rng = random.Random(args.seed)
latencies = []
with Client(args.target, timeout=10) as client:
    response = client.get_online_features(features=refs, entities={args.join_key: [0]}, full_feature_names=True)
    statuses = [s for column in response.statuses().values() for s in column]
    if statuses != ["PRESENT"] * len(refs):
        raise SystemExit(f"entity 0 is not fully materialized: {statuses}")
    start = time.perf_counter_ns()
    measure_from = start + int(args.warmup * 1e9)
    end = measure_from + int(args.seconds * 1e9)
    while True:
        before = time.perf_counter_ns()
        if before >= end:
            break
        # A whole client call: building the request, the gRPC round trip and decoding rows (values and statuses).
        client.get_online_features(features=refs, entities={args.join_key: [rng.randrange(args.entities)]},
                                   full_feature_names=True).rows()
        if before >= measure_from:
            latencies.append(time.perf_counter_ns() - before)

latencies.sort()


def percentile(p):
    return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] / 1e6 if latencies else float("nan")


with open(args.out, "w") as f:
    json.dump({"calls": len(latencies), "p50_ms": percentile(50), "p99_ms": percentile(99),
               "max_ms": latencies[-1] / 1e6 if latencies else None}, f)
