// The costs page (`/costs`): spend and projections equal `GET /dashboard`'s, cost by model and
// by domain sort and search, the prices in force come from `GET /prices`, and the live ticker
// moves from the WebSocket alone (the REST answers are blocked while it does).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE_URL, api, eventually, logInUi, makeAdmin, newAssistant, newUser, openBrowser, shot,
  TEST_TIMEOUT,
} from "../helpers.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

const value = (page, id) => page.getByTestId(id).getAttribute("data-value").then(Number);

async function post(user, assistantId, body) {
  const res = await api(`/assistants/${assistantId}/events`, { method: "POST", token: user.token, body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

test("spend, breakdowns and prices equal the API; the ticker is live", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  let user = await newUser("costs");
  const a = await newAssistant(user, "Cost bot");
  const now = Date.now();
  const events = [
    ["gpt-4o", "support", 0.8], ["gpt-4o", "sales", 0.4], ["gpt-4o-mini", "support", 0.05],
    ["gpt-4o-mini", "support", 0.05], ["gpt-4o-mini", "docs", 0.1], ["claude-3-5-sonnet", "sales", 0.6],
  ].map(([model, domain, cost], i) => ({ ts: new Date(now - i * 60_000).toISOString(), model, domain, cost, latencyMs: 500 }));
  await post(user, a.id, events);
  user = await makeAdmin(user);
  const past = new Date(now - 86_400_000).toISOString();
  const future = new Date(now + 30 * 86_400_000).toISOString();
  for (const [effectiveFrom, inputPerMtok] of [[past, 2.5], [future, 2]]) {
    const res = await api("/prices", {
      method: "POST", token: user.token,
      body: { model: "gpt-4o", effectiveFrom, inputPerMtok, outputPerMtok: 10 },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }

  await logInUi(page, user.email);
  await page.getByRole("link", { name: "Costs" }).click();
  await page.waitForURL((url) => url.pathname === "/costs");
  await page.getByTestId("spend").waitFor();
  await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });

  const d = (await api("/dashboard?range=7d", { token: user.token })).body;
  assert.ok(Math.abs(d.projection.todayCost - 2.0) < 1e-9);
  for (const [id, want] of [
    ["spend-today", d.projection.todayCost], ["spend-month", d.projection.monthToDateCost],
    ["spend-rate", d.projection.dailyRunRate / 24], ["spend-projected-month", d.projection.projectedMonth],
  ]) {
    assert.ok(Math.abs((await value(page, id)) - want) < 1e-9, `${id}`);
  }
  await eventually(async () => assert.ok(Math.abs((await value(page, "ticker-today")) - 2.0) < 1e-9));

  // Cost by model: by cost first; click "Calls" to sort by calls; search narrows.
  const names = (id) => page.evaluate((t) => [...document.querySelectorAll(`[data-testid="${t}"]`)].map((r) => r.dataset.name), id);
  assert.deepEqual(await names("models-row"), ["gpt-4o", "claude-3-5-sonnet", "gpt-4o-mini"]);
  const modelCosts = page.getByTestId("models-costs");
  await modelCosts.getByRole("button", { name: "Calls" }).click();
  assert.deepEqual(await names("models-row"), ["gpt-4o-mini", "gpt-4o", "claude-3-5-sonnet"]);
  await modelCosts.getByRole("searchbox").fill("MINI");
  assert.deepEqual(await names("models-row"), ["gpt-4o-mini"]);
  const domains = d.topDomains.map((l) => [l.label, l.cost]).sort((x, y) => y[1] - x[1]).map((x) => x[0]);
  assert.deepEqual(await names("domains-row"), domains);

  // The price in force is the past one, and the next change is announced.
  const row = page.locator('[data-testid="price-row"][data-model="gpt-4o"]');
  assert.equal(await row.getAttribute("data-input"), "2.5");
  assert.match(await row.innerText(), /\$2\.00 in .* from /);
  await shot(page, "40-costs");

  // From here on no REST answer gets through: the ticker moves on WebSocket deltas alone.
  await page.route("**/api/v1/dashboard**", (route) => route.abort());
  await post(user, a.id, [{ model: "gpt-4o", cost: 1.25 }]);
  await eventually(async () => assert.ok(Math.abs((await value(page, "ticker-today")) - 3.25) < 1e-9), { timeout: 5000 });
  assert.ok((await value(page, "ticker-projection")) >= 3.25);
  await page.unroute("**/api/v1/dashboard**");
  assert.deepEqual(browser.errors.filter((e) => !/dashboard/.test(e)), []);
});

test("live sessions: the panel lists the active sessions and follows new ones without a reload", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("sessions");
  const a = await newAssistant(user, "Session bot");
  await post(user, a.id, [
    { sessionId: "chat-1", model: "gpt-4o", cost: 0.1 },
    { sessionId: "chat-1", model: "gpt-4o", cost: 0.2 },
    { sessionId: "chat-1", model: "gpt-4o-mini", cost: 0.05 },
    { sessionId: "chat-2", model: "gpt-4o", cost: 0.4 },
  ]);
  await logInUi(page, user.email);
  await page.goto(`${BASE_URL}/costs`);
  await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
  const live = (await api("/sessions/live", { token: user.token })).body;
  assert.equal(live.count, 2);
  await eventually(async () => {
    assert.equal(await page.getByTestId("live-sessions-count").getAttribute("data-value"), "2");
    const rows = await page.evaluate(() => [...document.querySelectorAll('[data-testid="session-row"]')]
      .map((r) => [r.dataset.session, Number(r.dataset.calls), Number(r.dataset.cost)]));
    assert.deepEqual(rows, live.sessions.map((s) => [s.sessionId, s.calls, s.cost]));
  });
  const history = (await api(`/sessions?start=${new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10)}&end=${new Date().toISOString().slice(0, 10)}`, { token: user.token })).body;
  assert.equal(Number(await page.getByTestId("sessions-count").getAttribute("data-value")), history.count);

  await page.evaluate(() => { window.__noReload = true; });
  await post(user, a.id, [{ sessionId: "chat-3", model: "gpt-4o", cost: 0.3 }]);
  await eventually(async () => {
    assert.equal(await page.getByTestId("live-sessions-count").getAttribute("data-value"), "3");
    assert.equal(await page.locator('[data-testid="session-row"][data-session="chat-3"]').count(), 1);
  }, { timeout: 5000 });
  assert.equal(await page.evaluate(() => window.__noReload), true);
  await shot(page, "41-costs-sessions");

  // A session's id leads to its calls.
  await page.locator('[data-testid="session-row"][data-session="chat-1"] a').click();
  await page.waitForURL((url) => url.pathname === "/runs" && url.searchParams.get("session") === "chat-1");
  await page.getByTestId("runs-table").waitFor();
  const calls = (await api("/runs?session=chat-1", { token: user.token })).body.runs.map((r) => r.id);
  assert.equal(calls.length, 3);
  await eventually(async () => assert.deepEqual(
    await page.evaluate(() => [...document.querySelectorAll('[data-testid="run-row"]')].map((r) => Number(r.dataset.id))),
    calls,
  ));
  await page.getByTestId("session-filter").waitFor();
  assert.deepEqual(browser.errors, []);
});
