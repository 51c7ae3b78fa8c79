"""The contributor's commands: ``python -m keras_a_medida check | run-snippets | stamp | ...``.

``python -m keras_a_medida --help`` lists them. An error names the page, file or argument,
and the command exits non-zero.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from .backends import run_here, tensorflow_modules
from .checks import run_checks
from .config import SiteConfigError, load_site_config
from .links import check_links
from .lock import LockError, write_lock
from .pages import Page
from .scaffold import ScaffoldError, scaffold
from .translations import TRANSLATION_KEY, content_hash, split_front_matter, stamp_translation


def cmd_check(args) -> int:
    """``check``: print every problem with its fix; exit 1 if there is any."""
    problems = run_checks(load_site_config(args.root))
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem(s) found.")
        return 1
    print("All checks passed.")
    return 0


def cmd_run_snippets(args) -> int:
    """``run-snippets``: run modules as scripts; exit 1 if one fails."""
    root = Path(args.root).resolve()
    modules = [Path(m).resolve() for m in args.modules]
    modules = modules or tensorflow_modules(load_site_config(root))
    results = run_here(modules, root)["modules"]  # stdout compared with JAX's: test_backends
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0 if all(r["ok"] for r in results.values()) else 1


def cmd_stamp(args) -> int:
    """``stamp``: record the English version each translated page follows."""
    site = load_site_config(args.root)
    for name in args.pages:
        page = Path(name).resolve()
        if page.is_relative_to(site.lang_dir(site.default_language)) or not page.is_file():
            print(f"error: {name} is not a translated page", file=sys.stderr)
            return 2
        print(f"{name}: translation_of {stamp_translation(page, site)}")
    return 0


def cmd_translation_diff(args) -> int:
    """``translation-diff``: the English changes since the recorded version."""
    site = load_site_config(args.root)
    mirror = Path(args.page).resolve()
    meta, _ = split_front_matter(mirror.read_text(encoding="utf-8"))
    recorded = str(meta.get(TRANSLATION_KEY, ""))
    source = Page.of(mirror, site).twin(site.default_language).path
    rel = source.relative_to(site.root).as_posix()

    def git(*words):
        return subprocess.run(
            ["git", *words], cwd=site.root, capture_output=True, text=True, check=True
        ).stdout

    if content_hash(source.read_text(encoding="utf-8")) == recorded:
        print(f"{rel}: no change since the version {args.page} records")
        return 0
    for commit in git("log", "--format=%H", "--", rel).split():
        if content_hash(git("show", f"{commit}:{rel}")) == recorded:
            print(git("diff", commit, "--", rel) or f"{rel}: no change since {commit[:10]}")
            return 0
    print(
        f"error: {args.page} records a version of {rel} ({recorded!r}) that no commit "
        "holds, so there is nothing to diff against (a page scaffolded and edited before "
        "its first commit is one case). Compare the two pages, then record the English "
        f"version: python -m keras_a_medida stamp {args.page}",
        file=sys.stderr,
    )
    return 1


def cmd_new(args) -> int:
    """``new``: scaffold a component (see [keras_a_medida.scaffold][])."""
    site = load_site_config(args.root)
    try:
        written = scaffold(site, args.component)
    except ScaffoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path.relative_to(site.root)}")
    print("Now fill in every TODO; `pytest <page> --update-outputs` writes a page's outputs.")
    print("`make test` lists what is left, file by file.")
    return 0


def cmd_lock(args) -> int:
    """``lock``: write ``requirements.lock`` from this venv (registry releases only)."""
    out = Path(args.root).resolve() / "requirements.lock"
    try:
        count = write_lock(out)
    except LockError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {count} pins to {out.name}")
    return 0


def cmd_links(args) -> int:
    """``links``: check a built site's internal links and anchors; list external ones."""
    report = check_links(Path(args.site_dir), load_site_config(args.root).url_path)
    for url, pages in sorted(report.external.items()):
        print(f"external (not fetched): {url}  ({len(pages)} page(s))")
    for page, link, reason in report.broken:
        print(f"BROKEN {page}: {link} ({reason})")
    print(f"{report.checked} internal links checked, {len(report.broken)} broken")
    return 1 if report.broken else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m keras_a_medida``."""
    parser = argparse.ArgumentParser(prog="python -m keras_a_medida")
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="run every guard; print each problem with a fix")
    run = sub.add_parser("run-snippets", help="run snippets modules as scripts")
    run.add_argument("modules", nargs="*", help="modules to run (default: all)")
    run.add_argument("--json", help="write per-module results to this file")
    stamp = sub.add_parser("stamp", help="record which English version a translation follows")
    stamp.add_argument("pages", nargs="+", help="translated pages, e.g. docs/es/index.md")
    diff = sub.add_parser(
        "translation-diff", help="what changed in the English page since it was translated"
    )
    diff.add_argument("page", help="a translated page")
    new = sub.add_parser("new", help="scaffold a component: snippet, pages, nav")
    new.add_argument("component", help="topic/name, e.g. metrics/my_metric")
    sub.add_parser("lock", help="write requirements.lock: name==version, registry releases only")
    links = sub.add_parser("links", help="check a built site's links and anchors")
    links.add_argument("site_dir", nargs="?", default="site", help="built site (default: site)")
    args = parser.parse_args(argv)
    try:
        commands = {
            "check": cmd_check,
            "run-snippets": cmd_run_snippets,
            "stamp": cmd_stamp,
            "translation-diff": cmd_translation_diff,
            "new": cmd_new,
            "links": cmd_links,
            "lock": cmd_lock,
        }
        return commands[args.command](args)
    except SiteConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
