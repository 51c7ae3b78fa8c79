"""A test run starts only what its selected tests need, and leaves nothing behind.

Each test runs pytest in a subprocess on a small site of plain Python (no Keras: its
kernel, snippets and build take seconds), with its own ``TMPDIR`` and a tag in its
environment, so that every folder and process the run made can be found afterwards.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid

import psutil
import pytest

from conftest import ES_PAGE, PAGE, edit

#: Tests of the small site: plain ones, and one per slow result.
USES = """\
import os

import pytest


def test_plain():
    assert True


@pytest.mark.slow
def test_marked():
    assert True


def test_flaky():
    assert os.environ.get("KAM_FAIL") != "1"


def test_uses_snippets(snippet_results):
    assert all(result["ok"] for result in snippet_results.values())


def test_uses_jax(jax_results):
    assert all(result["ok"] for result in jax_results["modules"].values())


def test_uses_build(built_site):
    assert built_site.returncode == 0, built_site.output
"""

NAV = "nav:\n  - Home: index.md\n  - Guide: guide/steps.md\n"  # titles with a Spanish title
SUMMARY = re.compile(
    r"keras-a-medida: (\d+) page\(s\) run, snippets process (\w+ ?\w*), "
    r"JAX process (\w+ ?\w*), build (\w+ ?\w*)"
)


@pytest.fixture
def plain_site(steps_site):
    """The steps site without its Keras page: everything in it runs without TensorFlow."""
    for lang in ("en", "es"):
        (steps_site / f"docs/{lang}/guide/functions-or-subclasses.md").unlink()
    for module in (steps_site / "snippets/choosing").glob("*.py"):
        module.unlink()
    config = steps_site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text[: text.index("\nnav:\n") + 1] + NAV, encoding="utf-8")
    (steps_site / "tests").mkdir()
    (steps_site / "tests/test_uses.py").write_text(USES, encoding="utf-8")
    return steps_site


def start(site, *args, env=None):
    """Start pytest on ``site`` with its own TMPDIR and a tag; return (process, tag, tmp)."""
    tag = uuid.uuid4().hex
    tmp = site / "tmp"
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp), "KAM_RUN_TAG": tag, **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", *args],
        cwd=site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, tag, tmp


def tagged(tag):
    """The processes whose environment carries ``tag``."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("KAM_RUN_TAG") == tag:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return found


def run(site, *args, env=None):
    """Run pytest on ``site`` to its end; return its exit code, output and summary."""
    process, _, _ = start(site, *args, env=env)
    out, _ = process.communicate(timeout=600)
    match = SUMMARY.search(out)
    assert match, out
    return process.returncode, out, (int(match[1]), match[2], match[3], match[4])


def assert_nothing_left(tag, tmp):
    deadline = time.monotonic() + 10
    while tagged(tag) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [" ".join(p.cmdline()) for p in tagged(tag)]
    assert left == [], f"processes left running: {left}"
    assert sorted(p.name for p in tmp.iterdir()) == [], "temporary folders left"


SLOW = "import time\n\ntime.sleep(60)\n"


def test_a_failing_run_with_x_leaves_no_folder_and_no_process(plain_site):
    (plain_site / "snippets/demo/slow.py").write_text(SLOW, encoding="utf-8")
    edit(plain_site / PAGE, "```text\npenalty\n```", "```text\nfactor\n```")
    process, tag, tmp = start(plain_site, "-x", "-p", "no:cacheprovider")
    out, _ = process.communicate(timeout=600)
    assert process.returncode == 1 and "stopping after 1 failures" in out, out
    assert "snippets process started, JAX process started" in out, out  # running at -x
    assert_nothing_left(tag, tmp)


def test_a_full_run_leaves_no_folder_and_no_process(plain_site):
    process, tag, tmp = start(plain_site, "-p", "no:cacheprovider")
    out, _ = process.communicate(timeout=600)
    assert process.returncode == 0, out
    assert "1 page(s) run, snippets process started, JAX process started, build run" in out, out
    assert_nothing_left(tag, tmp)


def test_ctrl_c_leaves_no_folder_and_no_process(plain_site):
    (plain_site / "snippets/demo/slow.py").write_text(SLOW, encoding="utf-8")
    process, tag, tmp = start(plain_site, "-p", "no:cacheprovider")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        commands = [" ".join(p.cmdline()) for p in tagged(tag)]
        lanes = ("run-snippets", "keras_a_medida.backends run", "ipykernel")
        if all(any(lane in c for c in commands) for lane in lanes):
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"the run never started its kernel and snippets processes: {commands}")
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=120)
    assert "KeyboardInterrupt" in out, out
    assert_nothing_left(tag, tmp)


@pytest.mark.parametrize(
    ("args", "pages"),
    [
        (["-k", "plain"], 0),
        (["-m", "slow"], 0),
        ([PAGE], 1),
        (["tests/test_uses.py::test_plain", ES_PAGE], 0),
    ],
    ids=["-k", "-m", "one page", "a test and a shared twin"],
)
def test_only_what_is_selected_starts(plain_site, args, pages):
    code, out, summary = run(plain_site, "-p", "no:cacheprovider", *args)
    assert code == 0, out
    assert summary == (pages, "not started", "not started", "not run"), out


def test_last_failed_reruns_only_the_failed_test(plain_site):
    code, out, _ = run(
        plain_site, "tests/test_uses.py", "-k", "flaky or plain", env={"KAM_FAIL": "1"}
    )
    assert code == 1, out
    code, out, summary = run(plain_site, "--lf")
    assert code == 0 and "1 passed" in out, out
    assert summary == (0, "not started", "not started", "not run"), out


def test_update_outputs_rewrites_both_languages_then_the_run_passes(plain_site):
    for page in (PAGE, ES_PAGE):
        edit(plain_site / page, "```text\npenalty\n```", "```text\nfactor\n```")
    code, out, _ = run(plain_site, "-p", "no:cacheprovider", "docs", "--update-outputs")
    assert code == 0, out
    for page in (PAGE, ES_PAGE):
        text = (plain_site / page).read_text(encoding="utf-8")
        assert "```text\npenalty\n```" in text and "factor" not in text, page
    code, out, _ = run(plain_site, "-p", "no:cacheprovider", "docs")
    assert code == 0, out
