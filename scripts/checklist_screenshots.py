"""Take the screenshots for the README: a learning theme and the reflective checklist walkthrough.

Run it against a server with the content and demo users loaded, best on a throwaway database:

    DATABASE_URL=sqlite:////tmp/screens.sqlite3 make run PORT=8765     # in one terminal
    make screenshots PORT=8765                                          # in another

It signs in as the demo FCA (the password is $DEMO_PASSWORD, else the one in .demo-password),
starts a checklist and writes small PNGs to docs/images/. BASE_URL overrides the server's address.
"""

import os
import shutil
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
BASE = os.environ.get("BASE_URL", "http://127.0.0.1:8765").rstrip("/")
PASSWORD = os.environ.get("DEMO_PASSWORD") or (ROOT / ".demo-password").read_text(encoding="utf-8").strip()
OUT = ROOT / "docs" / "images"
SHOTS = ("guidance-theme", "checklist-step", "checklist-conflict", "checklist-check-answers")


def shrink(path):
    image = Image.open(path).convert("RGB")
    image = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    image.save(path, optimize=True)


def sign_in(page):
    page.goto(BASE + "/accounts/login/")
    page.fill("#id_username", "fca")
    page.fill("#id_password", PASSWORD)
    page.click("button:text('Sign in')")
    page.wait_for_url(lambda u: "login" not in u)


def main():
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 1100, "height": 860})
        page = context.new_page()
        sign_in(page)
        page.goto(BASE + "/guidance/themes/changing-risk-and-need/")
        page.evaluate("() => window.scrollTo(0, 120)")
        page.screenshot(path=f"{OUT}/guidance-theme.png")

        page.goto(BASE + "/checklists/start/what-so-what-then-what/")
        page.fill("#case_reference", "ZE21P00123")
        page.fill("#title", "New information from the police")
        page.click("button:text('Start the checklist')")
        page.wait_for_load_state("networkidle")
        step_one = page.url
        page.fill(
            "#q-what-happened", "Police were called to the home on Saturday night after a neighbour heard shouting."
        )
        page.locator("#status-what-happened").get_by_text("Saved at").wait_for()
        page.goto(step_one.replace("/steps/1/", "/steps/3/"))
        page.wait_for_load_state("networkidle")
        page.check("input[name='q-risk-factors'][value='domestic-abuse']")
        page.locator("#status-risk-factors").get_by_text("Saved at").wait_for()
        page.check("input[name='q-risk-factors'][value='substance-misuse']")
        page.wait_for_timeout(800)
        page.goto(step_one.replace("/steps/1/", "/steps/4/"))
        page.wait_for_load_state("networkidle")
        page.fill("#q-risk-assessment-how", "The risk is higher than I had assessed: two risk factors now interact.")
        page.locator("#status-risk-assessment-how").get_by_text("Saved at").wait_for()
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=f"{OUT}/checklist-step.png")

        # A second tab with an older copy of step 1.
        other = context.new_page()
        other.goto(step_one)
        other.wait_for_load_state("networkidle")
        page.goto(step_one)
        page.wait_for_load_state("networkidle")
        page.fill(
            "#q-what-happened",
            "Police were called on Saturday night. The mother says her new partner had been drinking.",
        )
        page.locator("#status-what-happened").get_by_text("Saved at").wait_for()
        other.fill(
            "#q-what-happened",
            "Police were called on Saturday night after a neighbour heard shouting and a child crying.",
        )
        other.locator("#status-what-happened .app-conflict").wait_for()
        other.locator("#question-what-happened").scroll_into_view_if_needed()
        other.evaluate("() => window.scrollTo(0, 120)")
        other.screenshot(path=f"{OUT}/checklist-conflict.png")

        page.goto(step_one.replace("/steps/1/", "/check/"))
        page.wait_for_load_state("networkidle")
        page.evaluate("() => window.scrollTo(0, 140)")
        page.screenshot(path=f"{OUT}/checklist-check-answers.png")
        browser.close()
    for name in SHOTS:
        shrink(f"{OUT}/{name}.png")


if __name__ == "__main__":
    main()
