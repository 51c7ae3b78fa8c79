"""``requirements.lock``: one ``name==version`` line per package, registry releases only.

``pip freeze`` records how each package was installed, so a wheel installed from a local
file or a URL becomes ``name @ file:///...``: a line that installs only on the machine
that wrote it. The lock is written from the installed distributions' metadata instead,
and a distribution installed from a path, a URL or a VCS (its ``direct_url.json``,
PEP 610) is refused, by name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

#: Installer tools and the project itself are not locked.
NOT_LOCKED = {"pip", "setuptools", "wheel", "keras-a-medida"}

#: A line the registry can serve: ``name==version``, a public version (no ``+local``).
LOCK_LINE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*==[0-9][0-9A-Za-z.!]*$")


class LockError(Exception):
    """A package cannot be locked as a registry release; the message names it."""


def canonical(name: str) -> str:
    """A package name as the registry compares it (PEP 503).

    Examples:
        >>> canonical("Jinja2"), canonical("tensorflow_cpu")
        ('jinja2', 'tensorflow-cpu')
    """
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_lines(distributions: Iterable[metadata.Distribution] | None = None) -> list[str]:
    """``name==version`` for every installed distribution, sorted by name.

    Raises:
        LockError: Naming each distribution installed from a path, a URL or a VCS, or
            with a local version (``1.0+cpu``): the registry serves neither.
    """
    found: dict[str, str] = {}
    refused = []
    for dist in metadata.distributions() if distributions is None else distributions:
        name, version = dist.metadata["Name"], dist.version
        if canonical(name) in NOT_LOCKED or canonical(name) in map(canonical, found):
            continue
        direct = dist.read_text("direct_url.json")
        if direct:
            url = json.loads(direct).get("url", "?")
            refused.append(f"{name} {version} was installed from {url}")
            continue
        line = f"{name}=={version}"
        if not LOCK_LINE.match(line):
            refused.append(f"{name} {version} is not a public release version")
            continue
        found[name] = line
    if refused:
        raise LockError(
            "cannot lock packages that the registry does not serve; reinstall them "
            "from the registry (pip install NAME==VERSION), then run make lock again:\n  "
            + "\n  ".join(refused)
        )
    return [found[name] for name in sorted(found, key=str.lower)]


def read_lock(path: Path) -> dict[str, str]:
    """A lock file as ``{canonical name: version}``."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, version = line.partition("==")
        if sep and not line.lstrip().startswith("#"):
            pins[canonical(name.strip())] = version.strip()
    return pins


def lock_problems(path: Path) -> list[str]:
    """Each line of a lock file that is not ``name==version``, as ``path:line: ...``."""
    problems = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not LOCK_LINE.match(line):
            problems.append(
                f"{path.name}:{number}: {line!r} is not a name==version line the "
                "registry serves (a local path, URL or VCS reference installs only where "
                "it was written); pin the release instead, e.g. 'name==1.2.3'"
            )
    return problems


def write_lock(path: Path) -> int:
    """Write the lock from the running interpreter's packages; return how many."""
    lines = lock_lines()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)
