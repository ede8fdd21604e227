// The wallboard (`/wall`) unattended: per-assistant today and 24-hour numbers with error rates
// coloured by threshold, the 24-hour p95 equal to the API's, budget alerts shown as they
// arrive, and a reconnect storm (the WebSocket cut again and again while usage keeps coming)
// that leaves it exactly right, with no more sockets open than before.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE_URL, api, eventually, logInUi, newAssistant, newUser, openBrowser, shot, testIdText,
  TEST_TIMEOUT,
} from "../helpers.mjs";

// Lets the test cut the page's WebSockets (see live.test.mjs).
const socketSwitch = () => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      window.__sockets.push(this);
    }
  };
};

let browser;
before(async () => {
  browser = await openBrowser({ initScript: socketSwitch, viewport: { width: 1920, height: 1080 } });
});
after(async () => {
  await browser?.close();
});

async function post(user, assistantId, body) {
  const res = await api(`/assistants/${assistantId}/events`, { method: "POST", token: user.token, body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

const today = () => new Date().toISOString().slice(0, 10);

test("the wallboard shows the 24-hour figures, colours error rates and shows budget alerts", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("wall");
  const a = await newAssistant(user, "Front desk");
  const b = await newAssistant(user, "Back office");
  const ok = (n, cost) => Array.from({ length: n }, (_, i) => ({ model: "gpt-4o", cost, latencyMs: 200 + i * 10 }));
  await post(user, a.id, [...ok(9, 0.01), { model: "gpt-4o", statusCode: 500, latencyMs: 3000, cost: 0.01 }]);
  await post(user, b.id, ok(200, 0.001));
  const budget = await api("/budgets", { method: "POST", token: user.token, body: { assistantId: b.id, period: "daily", limit: 0.5 } });
  assert.equal(budget.status, 201, JSON.stringify(budget.body));

  await logInUi(page, user.email);
  await page.goto(`${BASE_URL}/wall`);
  await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
  await eventually(async () => assert.equal(await testIdText(page, "wall-total-calls"), "210"));
  // 1 failed of 10 is bad (≥ 5 %); none of 200 is fine.
  assert.equal(await page.getByTestId(`errors-${a.id}`).getAttribute("data-level"), "bad");
  assert.equal(await page.getByTestId(`errors-${b.id}`).getAttribute("data-level"), "ok");
  assert.equal(await testIdText(page, `calls24h-${a.id}`), "10");
  assert.equal(await testIdText(page, `cost24h-${b.id}`), "$0.20");
  const day = (await api("/dashboard?range=24h", { token: user.token })).body;
  await eventually(async () => assert.equal(await page.getByTestId("wall-p95").getAttribute("data-value"), String(day.summary.latency.p95)));
  assert.equal(await page.getByTestId("wall-alerts").innerText(), "No budget alerts");

  // Back office crosses its $0.50 budget: the alert shows without a touch.
  await post(user, b.id, ok(400, 0.001));
  await page.locator(`[data-testid="wall-alert"][data-budget="${budget.body.id}"]`).first().waitFor({ timeout: 5000 });
  assert.match(await page.getByTestId("wall-alerts").innerText(), /daily budget \d+ at (50|80|100)%: \$0\.\d+ of \$0\.50/);
  await shot(page, "50-wall");
  assert.deepEqual(browser.errors, []);
});

test("a reconnect storm leaves the wallboard exact, without leaking sockets", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("wall-storm");
  const a = await newAssistant(user, "Storm bot");
  await logInUi(page, user.email);
  await page.goto(`${BASE_URL}/wall`);
  await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
  await page.evaluate(() => { window.__noReload = true; });
  // The tab's one feed (pages and toasts share it): still one after the storm.
  const openSockets = () => page.evaluate(() => window.__sockets.filter((s) => s.readyState === WebSocket.OPEN).length);
  await eventually(async () => assert.ok((await openSockets()) >= 1));
  const before = await openSockets();

  let sent = 0;
  for (let round = 0; round < 6; round += 1) {
    await page.evaluate(() => window.__sockets.forEach((s) => s.close()));
    const n = 1 + round;
    await post(user, a.id, Array.from({ length: n }, () => ({ model: "gpt-4o", cost: 0.01 })));
    sent += n;
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 35_000 });
  }
  const summary = (await api(`/summary?start=${today()}&end=${today()}`, { token: user.token })).body;
  assert.equal(summary.kpis.calls, sent);
  await eventually(async () => {
    assert.equal(await testIdText(page, "wall-total-calls"), String(sent));
    assert.equal(await testIdText(page, `calls-${a.id}`), String(sent));
    assert.equal(await testIdText(page, "wall-total-cost"), `$${(sent * 0.01).toFixed(2)}`);
  }, { timeout: 10_000 });
  await eventually(async () => assert.equal(await openSockets(), before, "no socket leaks from the storm"));
  assert.equal(before, 1, "one socket per tab");
  assert.equal(await page.evaluate(() => window.__noReload), true);
  assert.deepEqual(browser.errors, []);
});
