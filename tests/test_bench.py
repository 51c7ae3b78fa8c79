"""The benchmark runs (in its tiny mode) and its committed results are sound."""

from __future__ import annotations

import json
import subprocess
import sys

from keras_a_medida import bench
from tests_paths import ROOT


def test_tiny_benchmark_writes_sound_results(tmp_path):
    out = tmp_path / "bench.json"
    argv = [sys.executable, "-m", "keras_a_medida", "--root", str(ROOT), "bench", "--tiny"]
    run = subprocess.run([*argv, "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    assert bench.validate(results) == []
    assert results["settings"]["tiny"] is True
    names = [pair["name"] for pair in results["pairs"]]
    assert set(bench.REQUIRED_PAIRS) <= set(names)
    assert all(pair["ratio"] > 0 for pair in results["pairs"])
    assert results["machine"]["cpu_count"] >= 1
    assert results["versions"]["keras"] and results["versions"]["tensorflow"]
    assert [row["n"] for row in results["scale"]] == results["settings"]["scale_sizes"]


def test_committed_results_are_sound_and_complete():
    path = ROOT / bench.DEFAULT_OUT
    assert path == bench.results_path()
    results = bench.load_results(path)
    assert bench.validate(results) == []
    assert results["settings"]["tiny"] is False, "commit the results of a full run"
    assert [p["name"] for p in results["pairs"]] == [p.name for p in bench.PAIRS]
    assert results["scale"][-1]["n"] >= 10**7


def test_validate_names_what_is_missing():
    results = bench.load_results()
    broken = {**results, "pairs": [p for p in results["pairs"] if p["name"] != "l1"]}
    assert "pair 'l1' is missing" in bench.validate(broken)
    broken = {**results, "machine": {}}
    assert "machine: missing 'platform'" in bench.validate(broken)
