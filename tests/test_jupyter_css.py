"""The notebook pages' shared stylesheet keeps every rule that can match them."""

from __future__ import annotations

from conftest import hook

used_rules = hook("jupyter_css").used_rules

CSS = """
:root{--x:1}
.a .b{color:red}
.a .gone{color:blue}
.a:not(.active) .b{opacity:.5}
p,.gone{margin:0}
@media (max-width:10px){.gone{x:1}.b{y:2}}
@media print{.gone{x:1}}
@font-face{font-family:f}
"""


def test_only_rules_naming_absent_classes_are_dropped():
    kept = used_rules(CSS, {"a", "b"})
    assert ":root{--x:1}" in kept and ".a .b{color:red}" in kept
    assert ".a:not(.active) .b{opacity:.5}" in kept  # a class it must lack is no reason
    assert "p,.gone{margin:0}" in kept  # one selector of the list can match
    assert "@media (max-width:10px){.b{y:2}}" in kept and "@font-face" in kept
    assert ".gone{" not in kept.replace("p,.gone{", "") and "@media print" not in kept
