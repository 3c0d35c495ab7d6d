"""Every page a browser test visits is checked with axe-core against WCAG 2.0, 2.1 and 2.2, levels A and AA.

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
class Audit:
    """The axe-core results of one test's pages."""

    reports: list[PageReport] = field(default_factory=list)
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
        except Error as error:
            # The test moved on (a new page loads, or the page closed) while the check ran: the next load is checked.
            # A context without JavaScript cannot run axe either; the same pages are checked with it elsewhere.
            print(f"axe-core: not checked ({str(error).splitlines()[0]})")
            return
        report = PageReport(url=url, violations=violations)
        self.reports.append(report)
        print(f"axe-core: {len(violations)} violation(s) on {url}")

    def assert_clean(self) -> None:
        failing = [report for report in self.reports if report.failing]
        assert not failing, "axe-core found accessibility violations (WCAG 2.2 A/AA):\n" + "\n".join(
            report.describe() for report in failing
        )


class AuditedBrowser:
    """The session's Chromium, whose new contexts have each page checked by `audit`."""

    def __init__(self, browser, audit: Audit) -> None:
        self._browser = browser
        self._audit = audit

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
