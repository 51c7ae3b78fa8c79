"""The lock installs anywhere: only ``name==version`` lines that the registry serves."""

from __future__ import annotations

import json
from importlib import metadata

import pytest

from keras_a_medida.lock import LockError, lock_lines, lock_problems
from tests_paths import ROOT

#: The line that once stopped every fresh install (issue 12): a wheel on one machine.
LOCAL_WHEEL = (
    "playwright @ file:///tmp/pw/playwright-1.65.2-py3-none-manylinux1_x86_64.whl"
    "#sha256=58932d35f56767ab7ebcdd3d4a733bfb3e62a1a5bc43c08e28b9fa9b3e61cf33"
)


def test_the_lock_holds_only_registry_releases():
    assert lock_problems(ROOT / "requirements.lock") == []


@pytest.mark.parametrize(
    "line",
    [LOCAL_WHEEL, "keras @ git+https://github.com/keras-team/keras", "torch==2.9.1+cpu", "numpy"],
)
def test_a_line_the_registry_cannot_serve_is_named(tmp_path, line):
    lock = tmp_path / "requirements.lock"
    lock.write_text(f"keras==3.15.1\n{line}\nnumpy==2.4.6\n", encoding="utf-8")
    [problem] = lock_problems(lock)
    assert problem.startswith(f"requirements.lock:2: {line!r} is not a name==version line")


def _distribution(folder, name, version, direct_url=None):
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    if direct_url:
        (info / "direct_url.json").write_text(json.dumps(direct_url))
    return metadata.PathDistribution(info)


def test_make_lock_refuses_a_package_installed_from_a_file(tmp_path):
    wheel = "file:///tmp/pw/playwright-1.65.2-py3-none-manylinux1_x86_64.whl"
    dists = [
        _distribution(tmp_path, "Jinja2", "3.1.6"),
        _distribution(tmp_path, "playwright", "1.65.2", {"url": wheel, "archive_info": {}}),
    ]
    with pytest.raises(LockError, match=f"playwright 1.65.2 was installed from {wheel}"):
        lock_lines(dists)
    assert lock_lines(dists[:1]) == ["Jinja2==3.1.6"]


def test_make_lock_skips_the_project_and_the_installers(tmp_path):
    dists = [
        _distribution(tmp_path, "wheel", "0.45"),
        _distribution(tmp_path, "keras_a_medida", "0.1.0", {"url": "file:///x", "dir_info": {}}),
        _distribution(tmp_path, "numpy", "2.4.6"),
        _distribution(tmp_path, "absl-py", "2.5.1"),
    ]
    assert lock_lines(dists) == ["absl-py==2.5.1", "numpy==2.4.6"]
