"""Loads Cohort web pages in headless Chromium (Debian's /usr/bin/chromium through Playwright),
saves a screenshot of each, and fails on console errors, empty charts or broken images. On the run
page it also reads the screen's colours where populate.py's segmentation mask has class 1 (cat),
class 2 (dog) and class 0 (background), and fails unless the classes are drawn in their colours,
and pages the "frames" media key to older steps by its Older link and its step menu.

  check_pages.py BASE_URL API_KEY OUT_DIR PAGES_JSON

PAGES_JSON maps a page name to its path. Logs in through the login form first. Prints one JSON
line {"ok": bool, "failures": [...], "checked": [...]} and exits 1 when anything failed.
"""
import json
import os
import struct
import sys
import zlib

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


def decode_png(data):
    """Pixels of an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium's screenshots are) as rows of tuples."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunk = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        position += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, f"unexpected PNG format {header}"
    channels = 3 if color == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        previous = line
    return rows


def check_mask_colours(page, label):
    """The segmentation mask over its gray image: cat green (#3cb44b), dog blue (#4363d8), background gray."""
    wrap = page.locator(".img-wrap", has=page.locator('img.mask[alt="mask truth"]')).first
    if wrap.count() == 0:
        failures.append(f"{label}: no segmentation mask on the page")
        return None
    rows = decode_png(wrap.screenshot())
    height, width = len(rows), len(rows[0])
    sample = {name: rows[int(height * fy)][int(width * fx)]
              for name, fx, fy in (("cat", 0.25, 0.5), ("dog", 0.75, 0.25), ("background", 0.75, 0.75))}
    r, g, b = sample["cat"]
    if not g - max(r, b) > 30:
        failures.append(f"{label}: the mask's class 1 is not drawn green: {sample}")
    r, g, b = sample["dog"]
    if not b - max(r, g) > 30:
        failures.append(f"{label}: the mask's class 2 is not drawn blue: {sample}")
    if max(sample["background"]) - min(sample["background"]) > 12:
        failures.append(f"{label}: the mask's class 0 is not transparent over the gray image: {sample}")
    if not page.locator('ul.mask-legend li', has_text="cat").count():
        failures.append(f"{label}: no legend naming the mask's classes")
    return sample


def frame_steps(page):
    """The steps the "frames" media key shows, newest first."""
    captions = page.locator(".media-key", has=page.locator('h3:text-is("frames")')).locator("figcaption").all_inner_texts()
    return [int(text.split()[1]) for text in captions]


def check_media_paging(page, label):
    """Older steps of a media key through its Older link, then through its step menu (plain links and a GET form)."""
    newest = frame_steps(page)
    section = page.locator(".media-key", has=page.locator('h3:text-is("frames")'))
    if not newest or section.get_by_role("link", name="Older", exact=True).count() == 0:
        failures.append(f"{label}: the frames media key shows {newest} and no Older link")
        return None
    section.get_by_role("link", name="Older", exact=True).click()
    page.wait_for_load_state("networkidle")
    older = frame_steps(page)
    if not older or max(older) >= min(newest):
        failures.append(f"{label}: Older went from steps {newest} to {older}")
    page.locator(".media-key", has=page.locator('h3:text-is("frames")')).locator('select[name="until"]').select_option("100")
    page.locator(".media-key", has=page.locator('h3:text-is("frames")')).get_by_role("button", name="Show").click()
    page.wait_for_load_state("networkidle")
    chosen = frame_steps(page)
    if not chosen or chosen[0] != 100:
        failures.append(f"{label}: choosing step 100 shows steps {chosen}")
    page.evaluate(LOAD_IMAGES)
    broken = page.evaluate(PAGE_CHECKS)["broken"]
    if broken:
        failures.append(f"{label}: broken images on an older media page {broken}")
    page.screenshot(path=os.path.join(out, "desktop-run-media-older.png"), full_page=True)
    return {"newest": newest, "older": older, "chosen": chosen}


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
            if name == "run":
                facts["mask"] = check_mask_colours(page, label)
            page.screenshot(path=os.path.join(out, f"{device}-{name}.png"), full_page=True)
            if name == "run" and device == "desktop":
                facts["media_pages"] = check_media_paging(page, label)
            checked.append({"page": label, **facts})
        context.close()
    browser.close()

print(json.dumps({"ok": not failures, "failures": failures, "checked": checked}))
sys.exit(1 if failures else 0)
