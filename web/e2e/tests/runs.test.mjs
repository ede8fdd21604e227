// The runs page (`/runs`): the calls equal `GET /runs` page by page ("Load more" follows the
// keyset cursor), filters live in the URL, a click opens a call in full (metadata included),
// and new calls come in live: at the top they appear by themselves, scrolled down a pill
// offers them.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE_URL, api, eventually, logInUi, newAssistant, newUser, openBrowser, shot,
  TEST_TIMEOUT,
} from "../helpers.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

async function post(user, assistantId, body) {
  const res = await api(`/assistants/${assistantId}/events`, { method: "POST", token: user.token, body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

const rowIds = (page) => page.evaluate(() => [...document.querySelectorAll('[data-testid="run-row"]')].map((r) => Number(r.dataset.id)));

test("runs page by page, filtered, opened in full, and live", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("runs");
  const a = await newAssistant(user, "Runs bot");
  const now = Date.now();
  await post(user, a.id, Array.from({ length: 120 }, (_, i) => ({
    ts: new Date(now - (i + 1) * 60_000).toISOString(),
    model: i % 2 ? "gpt-4o" : "gpt-4o-mini",
    statusCode: i % 10 === 0 ? 503 : 200,
    latencyMs: 100 + i,
    cost: 0.001 * i,
    metadata: { ticket: `T-${i}`, tags: ["e2e", i % 2 ? "odd" : "even"] },
  })));

  await logInUi(page, user.email);
  await page.getByRole("link", { name: "Runs" }).click();
  await page.waitForURL((url) => url.pathname === "/runs");
  await page.getByTestId("runs-table").waitFor();
  const range = `start=${new Date(now - 6 * 86_400_000).toISOString().slice(0, 10)}&end=${new Date(now).toISOString().slice(0, 10)}`;
  const first = (await api(`/runs?${range}&limit=50`, { token: user.token })).body;
  assert.deepEqual(await rowIds(page), first.runs.map((r) => r.id));
  await page.getByTestId("load-more").click();
  await eventually(async () => assert.equal((await rowIds(page)).length, 100));
  const second = (await api(`/runs?${range}&limit=50&cursor=${first.nextCursor}`, { token: user.token })).body;
  assert.deepEqual((await rowIds(page)).slice(50), second.runs.map((r) => r.id));
  await page.getByTestId("load-more").click();
  await eventually(async () => assert.equal((await rowIds(page)).length, 120));
  assert.equal(await page.getByTestId("load-more").count(), 0, "no more pages");

  // Failed calls only: in the URL, and exactly the API's.
  await page.getByLabel("Status").selectOption("error");
  await page.waitForURL((url) => url.searchParams.get("status") === "error");
  const failed = (await api(`/runs?${range}&limit=50&status=error`, { token: user.token })).body;
  assert.equal(failed.runs.length, 12);
  await eventually(async () => assert.deepEqual(await rowIds(page), failed.runs.map((r) => r.id)));

  // One call in full, metadata as sent.
  const run = failed.runs[0];
  await page.locator(`[data-testid="run-row"][data-id="${run.id}"]`).click();
  const detail = page.getByTestId("run-detail");
  await detail.waitFor();
  assert.equal(await detail.getAttribute("data-id"), String(run.id));
  assert.deepEqual(JSON.parse(await page.getByTestId("run-metadata").innerText()), run.metadata);
  assert.match(await page.getByTestId("run-error").innerText(), /failed with status 503/);
  await shot(page, "60-runs-detail");
  await page.getByRole("button", { name: "Close" }).click();
  assert.equal(await page.getByTestId("run-detail").count(), 0);

  // Live, at the top: a new call appears first without a reload.
  await page.getByLabel("Status").selectOption("");
  await page.waitForURL((url) => !url.searchParams.has("status"));
  await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
  await page.evaluate(() => { window.__noReload = true; });
  await post(user, a.id, [{ model: "gpt-4o", cost: 0.5, metadata: { live: true } }]);
  const newest = (await api(`/runs?${range}&limit=1`, { token: user.token })).body.runs[0];
  await eventually(async () => assert.equal((await rowIds(page))[0], newest.id), { timeout: 5000 });

  // Scrolled down: the list stays, a pill counts the new calls, and a click shows them.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.waitForTimeout(300);
  const before = await rowIds(page);
  await post(user, a.id, [{ cost: 0.1 }, { cost: 0.1 }, { cost: 0.1 }]);
  await eventually(async () => assert.equal(await page.getByTestId("new-runs").innerText(), "3 new — show"), { timeout: 5000 });
  assert.deepEqual(await rowIds(page), before, "the list does not move under a scrolled reader");
  await page.getByTestId("new-runs").click();
  const top = (await api(`/runs?${range}&limit=3`, { token: user.token })).body.runs.map((r) => r.id);
  await eventually(async () => assert.deepEqual((await rowIds(page)).slice(0, 3), top));
  assert.equal(await page.evaluate(() => window.__noReload), true);
  await shot(page, "61-runs");
  assert.deepEqual(browser.errors, []);
});
