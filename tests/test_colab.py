"""Every notebook twin opens in Colab from the branch the workflow publishes, pinned."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from keras_a_medida.checks import Site
from keras_a_medida.colab import BRANCH, ColabError, colab_url, repository, requirements
from keras_a_medida.pages import Page
from tests_paths import ROOT

LOCK = ROOT / "requirements.lock"
WORKFLOW = ROOT / ".github" / "workflows" / "docs.yml"
COLAB = re.compile(r'href="(https://colab\.research\.google\.com/github/[^"]+)"')
DOWNLOAD = re.compile(r'<p class="kam-notebook">.*?href="([^"]+)" download>')


def lock_pins() -> dict[str, str]:
    """The lock, read here on its own: ``{name as pip spells it: version}``."""
    pins = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if "==" in line:
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def repo_url() -> str:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    return re.search(r"^repo_url: (\S+)$", text, re.M)[1]


def test_the_install_cell_pins_tensorflow_keras_and_what_the_code_imports():
    pins = lock_pins()
    code = ["import numpy as np\nfrom matplotlib import pyplot\n", "import json, keras.ops\n"]
    assert requirements(code, LOCK) == (
        [
            f"tensorflow-cpu=={pins['tensorflow-cpu']}",
            f"keras=={pins['keras']}",
            f"matplotlib=={pins['matplotlib']}",
            f"numpy=={pins['numpy']}",
        ],
        False,
    )
    assert requirements(["from keras_a_medida.bench import load_results\n"], LOCK)[1] is True
    with pytest.raises(ColabError, match=r"guide/x\.md: imports 'not_a_module_here'"):
        requirements(["import not_a_module_here\n"], LOCK, "guide/x.md")


def test_colab_urls_name_the_github_repository():
    assert repository("https://github.com/owner/name/") == "owner/name"
    assert colab_url("https://github.com/o/n", "es/notebooks/a/a.ipynb") == (
        f"https://colab.research.google.com/github/o/n/blob/{BRANCH}/es/notebooks/a/a.ipynb"
    )
    with pytest.raises(ColabError, match="repo_url 'https://gitlab.com/o/n'"):
        repository("https://gitlab.com/o/n")


@pytest.fixture(scope="module")
def site_dir(built_site) -> Path:
    assert built_site.returncode == 0, built_site.output
    return built_site.site_dir


def colab_links(site_dir: Path, site_config) -> dict[str, str]:
    """``{Colab URL: site path of the .ipynb}`` of every guide page, checked on the way."""
    site = Site(site_config)
    found = {}
    prefix = f"https://colab.research.google.com/github/{repository(repo_url())}/blob/{BRANCH}/"
    for lang in site_config.languages:
        for page in site.pages[lang]:
            if not any(b.is_python for b in site.blocks(page)):
                continue
            html_path = Page.of(page, site_config).built_html(site_dir)
            html = html_path.read_text(encoding="utf-8")
            download = DOWNLOAD.search(html)
            assert download, f"{html_path}: no notebook download link"
            ipynb = (html_path.parent / download[1]).resolve()
            rel = ipynb.relative_to(site_dir.resolve()).as_posix()
            links = COLAB.findall(html)
            assert links == [prefix + rel], f"{html_path}: Colab links {links}, not {rel}"
            notebook_html = (ipynb.parent / "index.html").read_text(encoding="utf-8")
            assert COLAB.findall(notebook_html) == links, f"{ipynb.parent}: no Colab link"
            found[links[0]] = rel
    return found


def test_each_page_opens_its_notebook_in_colab_with_the_pins_first(site_dir, site_config):
    pins = lock_pins()
    owners = importlib.metadata.packages_distributions()
    links = colab_links(site_dir, site_config)
    assert len(links) >= 2 * 13
    for rel in links.values():
        cells = json.loads((site_dir / rel).read_text(encoding="utf-8"))["cells"]
        first = "".join(cells[0]["source"])
        assert cells[0]["cell_type"] == "code" and not cells[0]["outputs"], rel
        install = re.search(r"^%pip install -q (.+)$", first, re.M)
        assert install, f"{rel}: the first cell does not install anything:\n{first}"
        wanted = dict(spec.split("==") for spec in install[1].split())
        assert {k: pins.get(k) for k in wanted} == wanted, f"{rel}: not the lock's pins"
        assert {"tensorflow-cpu", "keras"} <= set(wanted), rel
        code = [
            "".join(c["source"]) for c in cells[1:] if c["cell_type"] == "code"
        ]  # the page's blocks
        for module in {m for source in code for m in _imports(source)}:
            if module in sys.stdlib_module_names or module == "__future__":
                continue
            if module == "keras_a_medida":
                assert "git clone" in first and "src" in first, f"{rel}: imports the tooling"
                continue
            dists = {re.sub(r"[-_.]+", "-", d).lower() for d in owners.get(module, [])}
            assert dists & set(wanted), f"{rel}: imports {module}, not installed first"


def _imports(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def _publish_step() -> str:
    steps = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["build"]["steps"]
    runs = [s["run"] for s in steps if "keras_a_medida.colab" in s.get("run", "")]
    assert len(runs) == 1, f"{WORKFLOW}: no single step publishes the notebooks"
    return runs[0]


def test_the_workflow_publishes_every_linked_notebook_where_colab_looks(
    site_dir, site_config, tmp_path
):
    """Run the workflow's publishing step against a throw-away remote."""
    links = colab_links(site_dir, site_config)
    remote, work = tmp_path / "remote.git", tmp_path / "work"
    git = ["git", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q", "--bare", str(remote)], check=True)
    subprocess.run([*git, "init", "-q", str(work)], check=True)
    subprocess.run(["git", "-C", str(work), "remote", "add", "origin", str(remote)], check=True)
    shutil.copytree(site_dir, work / "site", ignore=shutil.ignore_patterns("*.html", "*.json"))
    (work / ".venv").symlink_to(Path(sys.executable).parent.parent)  # as in a worktree
    env = dict(os.environ, GITHUB_SHA="0" * 40, PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run(
        ["bash", "-e", "-c", _publish_step()],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    tree = subprocess.run(
        ["git", "-C", str(remote), "ls-tree", "-r", "--name-only", BRANCH],
        capture_output=True,
        text=True,
    )
    assert tree.returncode == 0, f"the workflow pushed no branch {BRANCH}: {tree.stderr}"
    listed = tree.stdout.split()
    missing = [url for url, rel in links.items() if rel not in listed]
    assert missing == [], f"the branch {BRANCH} lacks {missing[:3]}"
    for url, rel in links.items():
        assert url.endswith(f"/blob/{BRANCH}/{rel}")
