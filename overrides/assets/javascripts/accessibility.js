// Small accessibility fixes to what Material for MkDocs and nbconvert render,
// found by axe-core in tests/test_browser.py. `document$` is Material's page observable.
document$.subscribe(function () {
  var spanish = document.documentElement.lang === "es";
  // The search overlay is a dialog without a name.
  document.querySelectorAll(".md-search[role=dialog]").forEach(function (dialog) {
    dialog.setAttribute("aria-label", spanish ? "Búsqueda" : "Search");
  });
  // Code annotation markers are links with no text.
  document.querySelectorAll("a[href*='_annotation_']").forEach(function (link, index) {
    if (!link.textContent.trim() && !link.getAttribute("aria-label")) {
      link.setAttribute("aria-label", (spanish ? "Anotación " : "Annotation ") + (index + 1));
    }
  });
  // Scrollable code in notebook pages must be reachable with the keyboard.
  document.querySelectorAll(".jp-Cell pre, .highlight-ipynb").forEach(function (region) {
    if (region.scrollWidth > region.clientWidth && !region.hasAttribute("tabindex")) {
      region.setAttribute("tabindex", "0");
    }
  });
});
