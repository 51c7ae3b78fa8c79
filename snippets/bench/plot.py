"""Streaming versus naive precision as the samples grow, plotted from the data.

Shown on guide/benchmarks.md. Run it as a script: it reads data/bench.json and
writes bench-scale-en.png and bench-scale-es.png into the current working
directory.
"""
# keras-a-medida: figures bench-scale-en.png bench-scale-es.png

# --8<-- [start:plot]
import matplotlib.pyplot as plt

from keras_a_medida.bench import load_results

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
rows = load_results()["scale"]
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
