"""Screenshots of the home page, a project and a kit at 1366 px and 390 px (whole pages), from a running
demo (`scripts/demo`), with what a phone reader meets: the page's width, the header's height and how far
down the « Contribuer » button is.

    uv run python scripts/screenshots.py http://127.0.0.1:8000 /tmp/screens

Uses Debian's Chromium (/usr/bin/chromium), never a downloaded browser. Writes PNG files only to OUT.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = (("home", "/"), ("project", "/projets/le-cafe-da-cote-cafe-amap-et-ressourcerie/"),
         ("kit", "/kits/cartographier-son-quartier-dans-openstreetmap/"))


def main(base: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width, height in ((1366, 900), (390, 844)):
            page = browser.new_page(viewport={"width": width, "height": height})
            for name, path in PAGES:
                page.goto(base + path, wait_until="networkidle")
                page.screenshot(path=out / f"{name}-{width}.png", full_page=True)
                measures = [f"page width {page.evaluate('document.documentElement.scrollWidth')} px",
                            f"header {page.locator('header').first.bounding_box()['height']:.0f} px"]
                if name == "project":
                    button = page.get_by_role("link", name="Contribuer").or_(
                        page.get_by_role("button", name="Contribuer")).first
                    top = button.evaluate("e => e.getBoundingClientRect().top + window.scrollY")
                    measures.append(f"« Contribuer » at {top:.0f} px")
                print(f"{name}-{width}.png  " + ", ".join(measures))
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), Path(sys.argv[2]))
