"""Every page a browser test visits is checked with axe-core against WCAG 2.0, 2.1 and 2.2, levels A and AA, and
measured: nothing on it may be wider than the browser's window (no sideways scrolling, issue 11), at whatever width
the test set (the site walk sets 320 px, tests/browser/test_page_widths_browser.py).

axe-core is the npm package pinned in package.json (docs/decisions/0017-accessibility-checked-with-axe-core.md),
installed in node_modules by `make install`. The check runs on each page once it has loaded, after each HTMX swap,
and again on the pages still open when their browser context closes. It is injected with
`page.evaluate` (DevTools, like the test's own calls): the page's Content-Security-Policy, which refuses inline
scripts, neither blocks it nor reports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

AXE_SOURCE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# Rules whose violations are tolerated for now, with the reason; each one is still counted and printed per page.
# Empty: every violation fails the test.
ALLOWED_RULES: dict[str, str] = {}

_RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(" ")),
  }));
}"""


# The page's width against the window's: `clientWidth` is the window without its scrollbar, so a page that fits has
# `scrollWidth == clientWidth` (the brief's `scrollWidth <= innerWidth` would let a scrollbar's width through). When
# the page is too wide, the outermost elements that stick out (outside any box that scrolls on its own) say why.
_MEASURE_WIDTH = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const result = {scrollWidth: root.scrollWidth, clientWidth: width, culprits: []};
  if (root.scrollWidth <= width) return result;
  const scrolls = (element) => ["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(element).overflowX);
  const name = (element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
    + [...element.classList].map((c) => "." + c).join("");
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || (box.right <= width + 1 && box.left >= -1)) continue;
    let inside = false, outer = false;
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrolls(up)) { inside = true; break; }
      const upBox = up.getBoundingClientRect();
      if (upBox.right > width + 1 || upBox.left < -1) { outer = true; break; }
    }
    if (!inside && !outer) result.culprits.push(`${name(element)} (${Math.round(box.left)}..${Math.round(box.right)})`);
    if (result.culprits.length >= 10) break;
  }
  return result;
}"""


_AFTER_SWAP = """document.addEventListener("htmx:afterSettle", () => window.bawabaAxeAfterSwap());"""


@dataclass
class PageReport:
    url: str
    violations: list[dict[str, Any]]

    @property
    def failing(self) -> list[dict[str, Any]]:
        return [violation for violation in self.violations if violation["rule"] not in ALLOWED_RULES]

    def describe(self) -> str:
        lines = [f"{self.url}: {len(self.violations)} violation(s)"]
        for violation in self.violations:
            allowed = " (allowed: see ALLOWED_RULES)" if violation["rule"] in ALLOWED_RULES else ""
            lines.append(f"  - {violation['rule']} [{violation['impact']}] {violation['help']}{allowed}")
            lines.extend(f"      {target}" for target in violation["targets"][:10])
        return "\n".join(lines)


@dataclass
class WidthReport:
    """One page's width at the window's width: too wide when it scrolls sideways."""

    url: str
    scroll_width: int
    window_width: int
    culprits: list[str]

    @property
    def too_wide(self) -> bool:
        return self.scroll_width > self.window_width

    def describe(self) -> str:
        lines = [f"{self.url}: {self.scroll_width} px wide in a {self.window_width} px window"]
        lines.extend(f"  - {culprit}" for culprit in self.culprits)
        return "\n".join(lines)


@dataclass
class Audit:
    """The axe-core results and the widths of one test's pages."""

    reports: list[PageReport] = field(default_factory=list)
    widths: list[WidthReport] = field(default_factory=list)
    _source: str | None = field(default=None, repr=False)

    def watch(self, context) -> None:
        # Each HTMX swap, once settled, is checked too: the page tells the test through a binding (DevTools again).
        context.expose_binding("bawabaAxeAfterSwap", lambda source: self.check(source["page"]))
        context.add_init_script(_AFTER_SWAP)
        context.on("page", self._watch_page)
        for page in context.pages:
            self._watch_page(page)
        close = context.close

        def check_then_close(**options):
            # The last state of each page, after its HTMX swaps; a page never loaded has nothing to check.
            for page in context.pages:
                if page.url.startswith("http"):
                    self.check(page)
            close(**options)

        context.close = check_then_close

    def _watch_page(self, page) -> None:
        page.on("load", lambda: self.check(page))

    def check(self, page) -> None:
        from playwright.sync_api import Error

        if self._source is None:
            self._source = AXE_SOURCE.read_text(encoding="utf-8")
        try:
            if not page.evaluate("typeof window.axe !== 'undefined'"):
                page.evaluate(self._source)
            url = page.url
            for _ in range(100):
                # One run at a time: a check started by a load or a swap may still be running (the page's own
                # timers do not run without JavaScript, so the wait is the test's).
                if not page.evaluate("window.axe._running === true"):
                    break
                page.wait_for_timeout(50)
            violations = page.evaluate(_RUN_AXE, WCAG_TAGS)
            width = page.evaluate(_MEASURE_WIDTH)
        except Error as error:
            # The test moved on (a new page loads, or the page closed) while the check ran: the next load is checked.
            # A context without JavaScript cannot run axe either; the same pages are checked with it elsewhere.
            print(f"axe-core: not checked ({str(error).splitlines()[0]})")
            return
        report = PageReport(url=url, violations=violations)
        self.reports.append(report)
        print(f"axe-core: {len(violations)} violation(s) on {url}")
        measured = WidthReport(url, width["scrollWidth"], width["clientWidth"], width["culprits"])
        self.widths.append(measured)
        print(f"width: {measured.scroll_width} px in a {measured.window_width} px window on {url}")

    def wait_until_checked(self, page, *, after: int) -> None:
        """Wait until the page now loaded is checked, the `after`-th check or later: a test that goes from page to
        page without acting on them would otherwise have moved on before the check on load runs (Playwright calls
        the handler when the test next waits on the browser)."""
        for _ in range(200):
            if any(report.url == page.url for report in self.widths[after:]):
                return
            page.wait_for_timeout(50)
        raise AssertionError(f"{page.url} was never checked")

    def assert_clean(self) -> None:
        failing = [report for report in self.reports if report.failing]
        too_wide = [report for report in self.widths if report.too_wide]
        problems = []
        if failing:
            problems.append("axe-core found accessibility violations (WCAG 2.2 A/AA):")
            problems.extend(report.describe() for report in failing)
        if too_wide:
            problems.append("Pages wider than the window (they scroll sideways):")
            problems.extend(report.describe() for report in too_wide)
        assert not problems, "\n".join(problems)


class AuditedBrowser:
    """The session's Chromium, whose new contexts have each page checked by `audit`."""

    def __init__(self, browser, audit: Audit) -> None:
        self._browser = browser
        self._audit = audit

    @property
    def audit(self) -> Audit:
        return self._audit

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        if options.get("java_script_enabled", True):
            self._audit.watch(context)
        else:
            # axe-core waits on the page's timers, which do not run without JavaScript: a test of the pages without
            # it is not checked (the same pages are, by the tests with JavaScript).
            print("axe-core: not checked (a context without JavaScript)")
        return context

    def __getattr__(self, name: str):
        return getattr(self._browser, name)
