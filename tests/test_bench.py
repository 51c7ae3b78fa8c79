"""The benchmark (bench/run.py) runs in its tiny mode, takes each recipe from the snippet
sections its page shows, and its committed results are sound."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from keras_a_medida.config import load_site_config
from keras_a_medida.pages import Expander

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "run.py"


def _import_script():
    """bench/run.py as a module (it is a script, not part of a package)."""
    spec = importlib.util.spec_from_file_location("bench_run", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


bench = _import_script()


def _committed() -> dict:
    return json.loads(bench.DEFAULT_OUT.read_text(encoding="utf-8"))


def test_tiny_benchmark_writes_sound_results(tmp_path):
    out = tmp_path / "bench.json"
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--tiny", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
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
    assert bench.DEFAULT_OUT == ROOT / "data" / "bench.json"
    results = _committed()
    assert bench.validate(results) == []
    assert results["settings"]["tiny"] is False, "commit the results of a full run"
    assert [p["name"] for p in results["pairs"]] == [p.name for p in bench.PAIRS]
    assert results["scale"][-1]["n"] >= 10**7


def test_validate_names_what_is_missing():
    results = _committed()
    broken = {**results, "pairs": [p for p in results["pairs"] if p["name"] != "l1"]}
    assert "pair 'l1' is missing" in bench.validate(broken)
    broken = {**results, "machine": {}}
    assert "machine: missing 'platform'" in bench.validate(broken)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_each_pair_runs_sections_that_its_page_shows(lang):
    missing = []
    for pair in bench.PAIRS:
        page = (ROOT / "docs" / lang / "guide" / pair.page).read_text(encoding="utf-8")
        for section in pair.sections:
            include = f'--8<-- "{pair.snippet}:{section}"'
            if include not in page:
                missing.append(f"pair {pair.name!r}: guide/{pair.page} lacks {include}")
    assert missing == []


def test_a_missing_section_names_the_pair_the_file_and_the_section():
    pair = dataclasses.replace(bench.PAIRS[0], sections=("stable-but-renamed",))
    with pytest.raises(bench.RecipeError) as caught:
        bench.load_recipe(pair, Expander(load_site_config(ROOT)))
    message = str(caught.value)
    assert f"pair {pair.name!r}" in message, message
    assert pair.snippet in message, message
    assert "'stable-but-renamed'" in message, message


def test_a_missing_name_names_the_pair_the_file_and_the_sections(tmp_path):
    (tmp_path / "recipe.py").write_text(
        "# --8<-- [start:recipe]\nprint('renamed')\nrenamed = 1\n# --8<-- [end:recipe]\n",
        encoding="utf-8",
    )
    site = load_site_config(ROOT)
    site = dataclasses.replace(
        site, snippets_config={**site.snippets_config, "base_path": [str(tmp_path)]}
    )
    pair = bench.Pair("fake", "loss", "losses.md", "recipe.py", ("recipe",), "original", "Huber")
    with pytest.raises(bench.RecipeError) as caught:
        bench.load_recipe(pair, Expander(site))
    assert str(caught.value) == "pair 'fake': sections recipe of recipe.py define no 'original'"
    assert bench.load_recipe(dataclasses.replace(pair, custom="renamed"), Expander(site)) == 1
