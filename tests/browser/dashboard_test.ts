import assert from "node:assert/strict";
import { type Browser, chromium, type Page } from "playwright-core";
import { startDashboardServer, TEST_API_KEY } from "./_dashboard_server.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

/** A page of its own (own sessionStorage) and the errors it logs. */
interface FreshPage {
  page: Page;
  problems: string[];
}

async function inFreshPage(
  browser: Browser,
  run: (fresh: FreshPage) => Promise<void>,
): Promise<void> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    await run({ page, problems });
  } finally {
    await context.close();
  }
}

/** Waits until an element's text matches. */
function textOf(page: Page, id: string, pattern: RegExp): Promise<void> {
  return page.locator(`#${id}`, { hasText: pattern }).waitFor();
}

async function enterKey(page: Page, key: string): Promise<void> {
  await page.fill("#api-key", key);
  await page.click("#key-form button[type=submit]");
}

/** Console errors other than the 401s a page without a key provokes. */
function unexpected(problems: string[]): string[] {
  return problems.filter((text) => !text.includes("401"));
}

Deno.test({
  name: "the dashboard in a real browser",
  ignore: !hasChromium,
  fn: async (t) => {
    await using server = await startDashboardServer();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu"],
    });
    try {
      await t.step(
        "loads with its chart and target line and no console or policy errors",
        () =>
          inFreshPage(browser, async ({ page, problems }) => {
            await page.goto(`${server.url}/`);

            await page.waitForSelector("#trend .uplot canvas");
            await textOf(page, "phase", /^ready$/);
            const legend = await page.textContent("#trend .u-legend");
            assert.match(legend ?? "", /target 300 ms/);
            await textOf(page, "live", /enter the API key/);
            assert.deepEqual(unexpected(problems), []);
          }),
      );

      await t.step(
        "shows a test handoff's result and updates the live numbers",
        () =>
          inFreshPage(browser, async ({ page, problems }) => {
            await page.goto(`${server.url}/dashboard/`);
            await enterKey(page, TEST_API_KEY);
            await textOf(page, "live", /^live$/);

            await page.fill("#z-source", "3");
            await page.click("#handoff-form button[type=submit]");

            await textOf(page, "handoff-result", /z_target/);
            assert.match(
              await page.textContent("#handoff-result") ?? "",
              /^test handoff at z 3 um: z_target -?\d+\.\d{3} um, \d+\.\d ms/,
            );
            await textOf(page, "total-handoffs", /^[1-9]\d*$/);
            assert.match(
              await page.textContent("#avg-handoff") ?? "",
              /^\d+\.\d ms$/,
            );
            assert.match(
              await page.textContent("#rms-error") ?? "",
              /^\d\.\d{3} um$/,
            );
            assert.equal(
              await page.evaluate(() =>
                sessionStorage.getItem("autofocus.apiKey")
              ),
              TEST_API_KEY,
            );
            assert.equal((await page.content()).includes(TEST_API_KEY), false);
            assert.deepEqual(unexpected(problems), []);
          }),
      );

      await t.step(
        "lists each device's state and follows a calibration started from the page",
        () =>
          inFreshPage(browser, async ({ page, problems }) => {
            await page.goto(`${server.url}/dashboard/`);
            await enterKey(page, TEST_API_KEY);
            await textOf(page, "live", /^live$/);
            await page.locator("#devices td", { hasText: /^turret$/ })
              .waitFor();

            const kinds = await page.locator("#devices tr td:first-child")
              .allTextContents();
            assert.deepEqual(kinds, [
              "turret",
              "focus_motor",
              "camera",
              "illumination",
              "temperature",
            ]);
            await page.click("#start-calibration");

            await textOf(page, "calibration-state", /^calibration finished$/);
            assert.deepEqual(unexpected(problems), []);
          }),
      );

      await t.step(
        "says so when a test handoff is sent with a wrong key",
        () =>
          inFreshPage(browser, async ({ page }) => {
            await page.goto(`${server.url}/dashboard/`);
            await enterKey(page, "wrong-key");

            await page.click("#handoff-form button[type=submit]");

            await textOf(page, "handoff-result", /failed/);
            assert.match(
              await page.textContent("#handoff-result") ?? "",
              /the API key is missing or wrong/,
            );
          }),
      );
    } finally {
      await browser.close();
    }
  },
});
