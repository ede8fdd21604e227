// Live updates: events ingested over REST (`POST /api/v1/assistants/{id}/events`) reach the
// detail chart and the wallboard over the live WebSocket (`/api/v1/ws/live`) without a reload.
// Needs both endpoints on the hub (docs/streaming.md).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE_URL, api, chartData, eventually, logInUi, newAssistant, newUser, openBrowser, shot,
  testIdText, utcDay,
  TEST_TIMEOUT,
} from "../helpers.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

async function postEvents(user, assistantId, events) {
  const res = await api(`/assistants/${assistantId}/events`, { method: "POST", token: user.token, body: events });
  assert.equal(res.status, 200, `POST /events answered ${res.status}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.accepted, events.length);
}

test("ingested events move the detail chart and the wallboard without a reload", { timeout: TEST_TIMEOUT }, async () => {
  const user = await newUser("live");
  const assistant = await newAssistant(user, "Live bot");
  const other = await newAssistant(user, "Quiet bot", "llama-3.1-70b");
  await api(`/assistants/${assistant.id}/metrics`, {
    method: "POST", token: user.token,
    body: { date: utcDay(-1), callCount: 10, totalMinutes: 5, totalCost: 1 },
  });

  const detail = browser.page;
  await logInUi(detail, user.email);
  await detail.goto(`${BASE_URL}/assistants/${assistant.id}`);
  const wall = await browser.newPage();
  await wall.goto(`${BASE_URL}/wall`);
  for (const page of [detail, wall]) {
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
    // A marker that a reload would wipe.
    await page.evaluate(() => { window.__noReload = true; });
  }
  await detail.locator("#chart-calls canvas").first().waitFor();
  assert.equal((await chartData(detail, "chart-calls")).series[0].data.at(-1), 0);
  assert.equal(await testIdText(wall, `calls-${assistant.id}`), "0");

  const now = new Date().toISOString();
  await postEvents(user, assistant.id, [
    { ts: now, model: "gpt-4o", status: "success", durationMs: 60_000, cost: 0.5, latencyMs: 800 },
    { ts: now, model: "gpt-4o", status: "success", durationMs: 30_000, cost: 0.25, latencyMs: 650 },
    { ts: now, model: "gpt-4o", statusCode: 500, durationMs: 30_000, cost: 0.25, latencyMs: 2000 },
  ]);

  await eventually(async () => {
    const calls = await chartData(detail, "chart-calls");
    assert.equal(calls.series[0].data.at(-1), 3);
    assert.equal(calls.categories.at(-1), utcDay(0));
  }, { timeout: 5000 });
  const minutes = await chartData(detail, "chart-minutes");
  assert.equal(minutes.series[0].data.at(-1), 2);
  assert.equal(await testIdText(detail, "kpi-today-calls"), "3");
  await detail.getByTestId("last-update").waitFor();

  await eventually(async () => {
    assert.equal(await testIdText(wall, `calls-${assistant.id}`), "3");
    assert.equal(await testIdText(wall, `cost-${assistant.id}`), "$1.00");
    assert.equal(await testIdText(wall, `errors-${assistant.id}`), "33%");
    assert.equal(await testIdText(wall, "wall-total-calls"), "3");
  }, { timeout: 5000 });
  assert.equal(await testIdText(wall, `calls-${other.id}`), "0");
  await shot(detail, "20-detail-live");
  await shot(wall, "21-wall-live");

  // More arrive; both pages keep up, still without a reload.
  await postEvents(user, assistant.id, [{ cost: 0.1 }, { cost: 0.1 }]);
  await postEvents(user, other.id, [{ cost: 2 }]);
  await eventually(async () => {
    assert.equal((await chartData(detail, "chart-calls")).series[0].data.at(-1), 5);
    assert.equal(await testIdText(wall, `calls-${assistant.id}`), "5");
    assert.equal(await testIdText(wall, `calls-${other.id}`), "1");
    assert.equal(await testIdText(wall, "wall-total-calls"), "6");
  }, { timeout: 5000 });
  for (const page of [detail, wall]) {
    assert.equal(await page.evaluate(() => window.__noReload), true, "the page was reloaded");
  }
  await shot(wall, "22-wall-live-more");
  assert.deepEqual(browser.errors, []);
});

test("a budget the live feed reports as spent marks the assistant's tile at once", { timeout: TEST_TIMEOUT }, async () => {
  const user = await newUser("budget");
  const spender = await newAssistant(user, "Spender bot");
  const thrifty = await newAssistant(user, "Thrifty bot");
  const created = await api("/budgets", {
    method: "POST", token: user.token, body: { assistantId: spender.id, period: "daily", limit: 1 },
  });
  assert.equal(created.status, 201, `POST /budgets answered ${created.status}: ${JSON.stringify(created.body)}`);

  const own = await openBrowser();
  try {
    const wall = own.page;
    await logInUi(wall, user.email);
    await wall.goto(`${BASE_URL}/wall`);
    await wall.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
    await postEvents(user, spender.id, [{ cost: 0.4 }]);
    await eventually(async () => assert.equal(await testIdText(wall, `calls-${spender.id}`), "1"), { timeout: 5000 });
    assert.equal(await wall.getByTestId(`over-budget-${spender.id}`).count(), 0, "not over budget yet");

    await postEvents(user, spender.id, [{ cost: 0.7 }]);
    await wall.getByTestId(`over-budget-${spender.id}`).waitFor({ timeout: 5000 });
    assert.equal(await testIdText(wall, `over-budget-${spender.id}`), "Over budget");
    assert.equal(await wall.getByTestId(`over-budget-${thrifty.id}`).count(), 0);
    await shot(wall, "25-wall-over-budget");
    assert.deepEqual(own.errors, []);
  } finally {
    await own.close();
  }
});

test("a phone-sized wallboard and detail page stay readable", { timeout: TEST_TIMEOUT }, async () => {
  const phone = await openBrowser({ viewport: { width: 390, height: 844 } });
  try {
    const user = await newUser("phone");
    const assistant = await newAssistant(user, "Phone bot");
    await postEvents(user, assistant.id, [{ cost: 0.2, durationMs: 90_000 }]);
    await logInUi(phone.page, user.email);
    await phone.page.goto(`${BASE_URL}/assistants/${assistant.id}`);
    await eventually(async () => assert.equal((await chartData(phone.page, "chart-calls")).series[0].data.at(-1), 1));
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no horizontal scrolling on a phone (page is ${width}px wide)`);
    await shot(phone.page, "23-detail-phone");
    await phone.page.goto(`${BASE_URL}/wall`);
    await eventually(async () => assert.equal(await testIdText(phone.page, `calls-${assistant.id}`), "1"));
    await shot(phone.page, "24-wall-phone");
    assert.deepEqual(phone.errors, []);
  } finally {
    await phone.close();
  }
});

// Lets a test cut the page's WebSockets and refuse new ones, as a hub restart would.
const socketSwitch = () => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__refuseSockets = false;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      // A refused connection: nothing listens on port 9.
      super(window.__refuseSockets ? "ws://127.0.0.1:9/" : url, protocols);
      window.__sockets.push(this);
    }
  };
};

test("after the connection drops the page says so, reconnects and catches up", { timeout: TEST_TIMEOUT }, async () => {
  const cut = await openBrowser({ initScript: socketSwitch });
  try {
    const user = await newUser("reconnect");
    const assistant = await newAssistant(user, "Flaky link bot");
    const { page } = cut;
    await logInUi(page, user.email);
    await page.goto(`${BASE_URL}/assistants/${assistant.id}`);
    const indicator = page.getByTestId("live-indicator");
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
    await postEvents(user, assistant.id, [{ cost: 0.1 }]);
    await eventually(async () => assert.equal((await chartData(page, "chart-calls")).series[0].data.at(-1), 1));

    // The hub goes away: open sockets close, new ones are refused.
    await page.evaluate(() => {
      window.__refuseSockets = true;
      window.__sockets.forEach((s) => s.close());
    });
    await page.locator('[data-testid="live-indicator"][data-state="reconnecting"]').waitFor();
    assert.match(await indicator.innerText(), /Reconnecting/);
    await shot(page, "25-detail-reconnecting");

    // Usage keeps arriving meanwhile.
    await postEvents(user, assistant.id, [{ cost: 0.1 }, { cost: 0.1 }, { cost: 0.1 }]);
    await page.waitForTimeout(1500);
    assert.equal((await chartData(page, "chart-calls")).series[0].data.at(-1), 1, "no data without a connection");

    // The hub is back: the page reconnects by itself (backoff) and catches up.
    await page.evaluate(() => { window.__refuseSockets = false; });
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 35_000 });
    await eventually(async () => assert.equal((await chartData(page, "chart-calls")).series[0].data.at(-1), 4));
    assert.equal(await testIdText(page, "kpi-today-calls"), "4");
    assert.ok((await page.evaluate(() => window.__sockets.length)) >= 3, "reconnect attempts were made");

    // A quiet drop: nothing was missed, so the resume brings no message at all; the page is
    // live again all the same (it used to say "Reconnecting" until the next delta).
    const opened = await page.evaluate(() => window.__sockets.length);
    await page.evaluate(() => window.__sockets.forEach((s) => s.close()));
    await eventually(async () => assert.ok((await page.evaluate(() => window.__sockets.length)) > opened));
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 35_000 });
    assert.equal(await testIdText(page, "kpi-today-calls"), "4");
    assert.deepEqual(cut.errors, []);
  } finally {
    await cut.close();
  }
});

test("a tab holds one live socket across pages, and its numbers survive navigation", { timeout: TEST_TIMEOUT }, async () => {
  const tab = await openBrowser({ initScript: socketSwitch });
  try {
    const user = await newUser("one-socket");
    const assistant = await newAssistant(user, "Roaming bot");
    const { page } = tab;
    await logInUi(page, user.email);
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
    await postEvents(user, assistant.id, [{ cost: 0.1 }, { cost: 0.1 }]);
    // Client-side navigation through every page that follows the feed, and back.
    // The wallboard has no navigation bar (a TV): back to the overview with the history.
    const pages = ["Analytics", "Runs", "Costs", "Budgets", "Alerts", "Assistants", "Wallboard"];
    for (const name of pages) {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true }).click();
      await page.waitForLoadState("networkidle");
    }
    await page.goBack();
    await page.getByTestId(`tile-${assistant.id}`).getByRole("link").click();
    await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
    // An event posted now reaches the page on the socket opened at log-in.
    await postEvents(user, assistant.id, [{ cost: 0.1 }]);
    await eventually(async () => assert.equal(await testIdText(page, "kpi-today-calls"), "3"));
    const sockets = await page.evaluate(() => window.__sockets.map((s) => ({ url: s.url, open: s.readyState === WebSocket.OPEN })));
    assert.equal(sockets.length, 1, `sockets opened: ${JSON.stringify(sockets)}`);
    assert.ok(sockets[0].open && sockets[0].url.includes("/api/v1/ws/live"));
    assert.deepEqual(tab.errors, []);
  } finally {
    await tab.close();
  }
});
