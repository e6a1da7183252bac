"""What the browser tests share: an editor logging in, a language tab, and a watch on what
the browser reports (console errors, uncaught exceptions, Content-Security-Policy violations)."""

from django.conf import settings
from playwright.sync_api import expect

PASSWORD = "a-long-test-password"

# Runs in every page and popup before the page's own scripts (Playwright injects it through the
# DevTools protocol, so the policy does not apply to it). Every violation the browser reports to
# the page is written to the console, where the watch below collects it, across navigations.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI}`
                + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


class Watch:
    """Console messages, uncaught errors and CSP violations of every page of a context."""

    def __init__(self, context):
        self.console = []
        self.errors = []
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self.on_console)
        context.on("weberror", lambda error: self.errors.append(str(error.error)))

    def on_console(self, message):
        # The admin names no icon, so the browser asks for /favicon.ico: not our concern here.
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        self.console.append((message.type, message.text))

    @property
    def violations(self):
        return [
            text
            for kind, text in self.console
            if "Content Security Policy" in text or text.startswith("CSP violation")
        ]

    @property
    def problems(self):
        """Everything that should not happen: violations, console errors/warnings, exceptions."""
        return [
            f"{kind}: {text}" for kind, text in self.console if kind in ("error", "warning")
        ] + [f"exception: {error}" for error in self.errors]


def log_in(page, live_server, username="editor", password=PASSWORD, language="en"):
    """Through the login form, with the admin in `language` (its language cookie)."""
    host = live_server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}]
    )
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def logged_in(page, live_server, **kwargs):
    log_in(page, live_server, **kwargs)
    expect(page).to_have_url(live_server.url + "/admin/")
    return page


def show_tab(page, field, language):
    """Show the `language` tab ("zh_hans", "en") of a translated field's tab group."""
    tabs = page.locator(".ui-tabs").filter(has=page.locator(f"#id_{field}_{language}"))
    tabs.locator(".ui-tabs-nav a", has_text=language.replace("_", "-")).click()
    expect(page.locator(f"#id_{field}_{language}")).to_be_attached()
