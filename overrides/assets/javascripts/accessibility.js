// Small accessibility fixes to what Material for MkDocs and nbconvert render,
// found by axe-core in tests/test_browser.py. `document$` is Material's page observable.
var spanish = document.documentElement.lang === "es";

// Code annotation markers are links with no text. With content.lazy (mkdocs.yml) Material
// renders them when their code block nears the viewport, after the page has loaded, so
// they are labelled as they appear, with the number the marker shows.
function labelAnnotations() {
  document.querySelectorAll("a[href*='_annotation_']:not([aria-label])").forEach(function (link) {
    if (!link.textContent.trim()) {
      var number = link.getAttribute("href").split("_annotation_").pop();
      link.setAttribute("aria-label", (spanish ? "Anotación " : "Annotation ") + number);
    }
  });
}
new MutationObserver(labelAnnotations).observe(document.body, { childList: true, subtree: true });

document$.subscribe(function () {
  // The search overlay is a dialog without a name.
  document.querySelectorAll(".md-search[role=dialog]").forEach(function (dialog) {
    dialog.setAttribute("aria-label", spanish ? "Búsqueda" : "Search");
  });
  labelAnnotations();
  // Scrollable code in notebook pages must be reachable with the keyboard.
  document.querySelectorAll(".jp-Cell pre, .highlight-ipynb").forEach(function (region) {
    if (region.scrollWidth > region.clientWidth && !region.hasAttribute("tabindex")) {
      region.setAttribute("tabindex", "0");
    }
  });
});
