"""Loads Cohort web pages in headless Chromium (Debian's /usr/bin/chromium through Playwright),
saves a screenshot of each, and fails on console errors, empty charts or broken images.

  check_pages.py BASE_URL API_KEY OUT_DIR PAGES_JSON

PAGES_JSON maps a page name to its path. Logs in through the login form first. Prints one JSON
line {"ok": bool, "failures": [...], "checked": [...]} and exits 1 when anything failed.
"""
import json
import os
import sys

from playwright.sync_api import sync_playwright

base, key, out, pages = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
os.makedirs(out, exist_ok=True)
failures, checked = [], []

PAGE_CHECKS = """() => {
  const charts = [...document.querySelectorAll('figure.cohort-chart svg')];
  const empty = charts.filter(svg => svg.querySelectorAll('path').length === 0).map(svg => svg.closest('figure').id);
  const broken = [...document.images].filter(img => !img.complete || img.naturalWidth === 0).map(img => img.getAttribute('src'));
  const overflow = document.documentElement.scrollWidth > window.innerWidth + 1;
  return {charts: charts.length, empty, broken, images: document.images.length, overflow, title: document.title};
}"""

LOAD_IMAGES = """async () => {
  for (const img of document.images) { img.loading = 'eager'; }
  await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
}"""

with sync_playwright() as playwright:
    browser = playwright.chromium.launch(executable_path=os.environ.get("COHORT_CHROMIUM", "/usr/bin/chromium"),
                                         args=["--no-sandbox", "--disable-gpu"])
    for device, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844})):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "/login")
        page.fill("#key", key)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        for name, path in pages.items():
            if device == "phone" and name not in ("run", "group", "project"):
                continue
            errors.clear()
            response = page.goto(base + path, wait_until="networkidle")
            page.evaluate(LOAD_IMAGES)
            facts = page.evaluate(PAGE_CHECKS)
            label = f"{device}:{name}"
            if response is None or response.status != 200:
                failures.append(f"{label}: HTTP {response.status if response else 'no response'} for {path}")
            if errors:
                failures.append(f"{label}: console errors {errors}")
            if facts["empty"]:
                failures.append(f"{label}: charts without a path {facts['empty']}")
            if facts["broken"]:
                failures.append(f"{label}: broken images {facts['broken']}")
            if device == "phone" and facts["overflow"]:
                failures.append(f"{label}: the page is wider than the phone's screen")
            if name in ("run", "group") and facts["charts"] == 0:
                failures.append(f"{label}: no charts")
            if name == "run" and facts["images"] == 0:
                failures.append(f"{label}: no images")
            page.screenshot(path=os.path.join(out, f"{device}-{name}.png"), full_page=True)
            checked.append({"page": label, **facts})
        context.close()
    browser.close()

print(json.dumps({"ok": not failures, "failures": failures, "checked": checked}))
sys.exit(1 if failures else 0)
