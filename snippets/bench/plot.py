"""Streaming versus naive precision as the samples grow, plotted from the data.

Shown on guide/benchmarks.md. Run it as a script: it reads data/bench.json and
writes bench-scale-en.png and bench-scale-es.png into the current working
directory.
"""
# keras-a-medida: figures bench-scale-en.png bench-scale-es.png

import json
from pathlib import Path

# On the page, `results` is what report.py's first block read; here it is read
# from the repository root found from this file (the figures go to the working
# directory).
root = Path(__file__).resolve().parents[2]
results = json.loads((root / "data" / "bench.json").read_text())

# --8<-- [start:plot]
import matplotlib.pyplot as plt

LABELS = {
    "en": {
        "memory": "peak traced memory (bytes)",
        "time": "time per sample (ns)",
        "x": "samples evaluated",
        "streaming": "streaming Precision()",
        "naive": "keeps every prediction",
    },
    "es": {
        "memory": "pico de memoria registrada (bytes)",
        "time": "tiempo por muestra (ns)",
        "x": "muestras evaluadas",
        "streaming": "Precision() acumulativa",
        "naive": "guarda cada predicción",
    },
}
rows = results["scale"]  # read by the first block of the page
samples = [row["n"] for row in rows]

for lang, text in LABELS.items():
    fig, (memory, speed) = plt.subplots(
        1, 2, figsize=(9, 4), layout="constrained"
    )
    for kind, style in (("streaming", "o-"), ("naive", "s--")):
        peaks = [row[kind]["peak_bytes"] for row in rows]
        per_sample = [row[kind]["seconds_per_sample"] * 1e9 for row in rows]
        memory.loglog(samples, peaks, style, label=text[kind])
        speed.loglog(samples, per_sample, style, label=text[kind])
    memory.set(xlabel=text["x"], ylabel=text["memory"])
    speed.set(xlabel=text["x"], ylabel=text["time"])
    memory.legend()
    name = f"bench-scale-{lang}.png"
    fig.savefig(name, dpi=100)
    plt.close(fig)
    print(name)
# --8<-- [end:plot]

from pathlib import Path

for lang in LABELS:
    assert Path(f"bench-scale-{lang}.png").is_file()
