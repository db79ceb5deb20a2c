"""Print the pack to PDF with headless Chromium (Playwright drives Debian's /usr/bin/chromium).

The HTML is loaded from a file with every request outside it refused, so the printed pack is
exactly the offline document. Chromium is found at $HEADWAY_CHROMIUM, else /usr/bin/chromium;
Playwright comes with the `pdf` extra (`pip install 'headway[pdf]'`).
"""

from __future__ import annotations

import os
from pathlib import Path

from headway.review.period import ReviewError

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def chromium_path() -> Path:
    path = Path(os.environ.get("HEADWAY_CHROMIUM") or CHROMIUM)
    if not path.is_file() or not os.access(path, os.X_OK):
        raise ReviewError(
            f"cannot print the PDF: no Chromium at {path}",
            "Install it (Debian: apt-get install -y chromium), point HEADWAY_CHROMIUM at one, or pass --no-pdf.",
            code="no_browser",
            status=500,
        )
    return path


def write_pdf(html_file: Path, pdf_file: Path) -> Path:
    """Print `html_file` (A4, backgrounds on) to `pdf_file`; returns `pdf_file`."""
    browser_path = chromium_path()
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:
        raise ReviewError(
            "cannot print the PDF: Playwright is not installed",
            "pip install 'headway[pdf]', or pass --no-pdf.",
            code="no_browser",
            status=500,
        ) from error
    page_url = html_file.resolve().as_uri()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(browser_path), args=ARGS)
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.continue_() if route.request.url == page_url else route.abort())
                page.goto(page_url, wait_until="load")
                page.pdf(path=str(pdf_file), format="A4", print_background=True, prefer_css_page_size=True)
            finally:
                browser.close()
    except Error as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ReviewError(f"Chromium could not print the PDF: {first}", code="pdf_failed", status=500) from error
    return pdf_file
