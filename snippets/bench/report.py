"""The benchmark results (data/bench.json, written by make bench), as tables.

Shown on guide/benchmarks.md. Run it as a script to check that the committed
results are sound and that every slower recipe is explained on the page.
"""

import os
from pathlib import Path

# The page's code reads data/ from the repository root: run it from there.
os.chdir(Path(__file__).resolve().parents[2])

# --8<-- [start:load]
import json
from pathlib import Path

results = json.loads(Path("data/bench.json").read_text())  # (1)!
machine, versions = results["machine"], results["versions"]
settings = results["settings"]
print("date:", results["date"])
print("machine:", machine["platform"], f"({machine['cpu_count']} CPUs)")
print(", ".join(f"{name} {v}" for name, v in versions.items()))
print(
    f"{settings['samples']} samples, batches of {settings['batch_size']},",
    f"{settings['rounds']} rounds of A B",
)
# --8<-- [end:load]
assert not settings["tiny"], "commit the results of a full run"

# --8<-- [start:ratios]
goal = results["goal"]
print(f"{'pair':15}{'custom ms':>10}{'built-in ms':>12}{'ratio':>7}")
for pair in results["pairs"]:
    flag = "" if pair["ratio"] <= goal else f"  > {goal}"
    print(
        f"{pair['name']:15}{pair['custom_ms']:10.3f}",
        f"{pair['builtin_ms']:12.3f}{pair['ratio']:7.2f}{flag}",
        sep="",
    )
# --8<-- [end:ratios]
EXPLAINED = {"softplus"}  # the page explains why these are slower
for pair in results["pairs"]:
    assert pair["ratio"] == pair["custom_ms"] / pair["builtin_ms"]
    assert pair["ratio"] <= goal or pair["name"] in EXPLAINED, pair["name"]
fused = {p["name"]: p for p in results["pairs"]}["softplus-fused"]
assert fused["ratio"] <= goal  # the faster form shown on the page

# --8<-- [start:scale]
print(f"{'samples':>10}{'streaming KiB':>15}{'naive KiB':>12}", end="")
print(f"{'streaming ns':>14}{'naive ns':>10}")
for row in results["scale"]:
    streaming, naive = row["streaming"], row["naive"]
    print(
        f"{row['n']:>10}",
        f"{streaming['peak_bytes'] / 1024:15.0f}",
        f"{naive['peak_bytes'] / 1024:12.0f}",
        f"{streaming['seconds_per_sample'] * 1e9:14.1f}",
        f"{naive['seconds_per_sample'] * 1e9:10.1f}",
        sep="",
    )
# --8<-- [end:scale]
rows = results["scale"]
full = [r for r in rows if r["n"] >= settings["scale_batch"]]  # full batches
assert len(full) >= 2
streaming_peaks = [r["streaming"]["peak_bytes"] for r in full]
assert max(streaming_peaks) < 2 * min(streaming_peaks)  # flat
for smaller, larger in zip(full, full[1:], strict=False):
    growth = larger["naive"]["peak_bytes"] / smaller["naive"]["peak_bytes"]
    assert growth > 5  # the naive metric grows with the samples
assert (
    rows[-1]["naive"]["peak_bytes"] > 50 * rows[-1]["streaming"]["peak_bytes"]
)
