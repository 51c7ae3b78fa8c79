"""Streaming versus batch-averaged precision over 20 random batches, plotted.

Shown on guide/metrics.md. Run it as a script: it writes the two figures
streaming-precision-en.png and streaming-precision-es.png into the current
working directory.
"""
# keras-a-medida: figures streaming-precision-en.png streaming-precision-es.png

# --8<-- [start:batches]
import keras
import matplotlib.pyplot as plt
import numpy as np

keras.utils.set_random_seed(3)
batches = []
for size in np.random.randint(2, 17, size=20):  # 20 small batches
    share = np.random.rand()  # each with its own share of positives
    y_true = (np.random.rand(size) < share).astype("float32")
    y_pred = np.clip(0.3 * y_true + 0.7 * np.random.rand(size), 0, 1)
    batches.append((y_true, y_pred))

streaming = keras.metrics.Precision()  # counts over every batch so far
one_batch = keras.metrics.Precision()  # reset before each batch
batch_values, averaged, streamed = [], [], []
for y_true, y_pred in batches:
    one_batch.reset_state()
    one_batch.update_state(y_true, y_pred)
    streaming.update_state(y_true, y_pred)
    batch_values.append(float(one_batch.result()))
    averaged.append(float(np.mean(batch_values)))
    streamed.append(float(streaming.result()))

print("mean of batch precisions:", round(averaged[-1], 3))
print("streaming precision:", round(streamed[-1], 3))
# --8<-- [end:batches]
assert streamed[-1] - averaged[-1] > 0.05  # visibly apart
all_true = np.concatenate([t for t, _ in batches]).astype(bool)
all_pred = np.concatenate([p for _, p in batches]) > 0.5
true_precision = (all_true & all_pred).sum() / all_pred.sum()
assert abs(streamed[-1] - true_precision) < 1e-6

# --8<-- [start:plot]
LABELS = {
    "en": {
        "title": "Streaming versus batch-averaged precision",
        "x": "batch",
        "y": "precision",
        "batch": "precision of each batch",
        "averaged": "mean of batch precisions",
        "streamed": "streaming Precision()",
    },
    "es": {
        "title": "Precisión acumulativa frente a la media por lotes",
        "x": "lote",
        "y": "precisión",
        "batch": "precisión de cada lote",
        "averaged": "media de las precisiones por lote",
        "streamed": "Precision() acumulativa",
    },
}
steps = np.arange(1, len(streamed) + 1)

for lang, text in LABELS.items():
    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    ax.plot(steps, batch_values, "o", color="0.7", label=text["batch"])
    ax.plot(steps, averaged, "--", label=text["averaged"])
    ax.plot(steps, streamed, "-", linewidth=2, label=text["streamed"])
    ax.set(title=text["title"], xlabel=text["x"], ylabel=text["y"])
    ax.set_xticks(steps)
    ax.set_ylim(-0.05, 1.05)
    fig.legend(loc="outside lower center", ncols=3, fontsize="small")
    name = f"streaming-precision-{lang}.png"
    fig.savefig(name, dpi=100)
    plt.close(fig)
    print(name)
# --8<-- [end:plot]

from pathlib import Path  # noqa: E402

for lang in LABELS:
    assert Path(f"streaming-precision-{lang}.png").is_file()
