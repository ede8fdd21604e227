// Assistants in the browser: create one from the UI; daily metrics posted over REST show in
// the detail charts, the overview tile and the wallboard (after a reload); range filters live
// in the URL; the ingestion-keys page. REST-only except where noted.

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

const close = (a, b) => Math.abs(a - b) < 1e-6;

test("create an assistant from the UI", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("create");
  await logInUi(page, user.email);
  await page.getByRole("link", { name: "New assistant" }).first().click();
  await page.waitForURL((url) => url.pathname === "/assistants/new");
  await page.getByLabel("Name").fill("Billing helper");
  await page.getByLabel("Model type").fill("claude-3-5-sonnet");
  await shot(page, "05-create-assistant");
  await page.getByRole("button", { name: "Create assistant" }).click();

  await page.waitForURL((url) => /^\/assistants\/\d+$/.test(url.pathname));
  const id = Number(new URL(page.url()).pathname.split("/").pop());
  assert.equal(await testIdText(page, "assistant-name"), "Billing helper");
  await page.getByText("No usage in this range yet").waitFor();
  await shot(page, "06-detail-empty");

  // The hub has it, and the overview shows its tile.
  const list = await api(`/users/${user.userId}/assistants`, { token: user.token });
  assert.deepEqual(list.body.map((a) => [a.id, a.name, a.modelType]), [[id, "Billing helper", "claude-3-5-sonnet"]]);
  await page.getByRole("link", { name: "Assistants" }).click();
  await page.getByTestId(`tile-${id}`).waitFor();
  assert.equal(await testIdText(page, `calls-${id}`), "0");

  // A second one with the same name is refused, and the form says so.
  await page.goto(`${BASE_URL}/assistants/new`);
  await page.getByLabel("Name").fill("Billing helper");
  await page.getByLabel("Model type").fill("gpt-4o");
  await page.getByRole("button", { name: "Create assistant" }).click();
  await page.getByText(/already have an assistant named/).waitFor();
  await page.getByRole("button", { name: "Log out" }).click();
  assert.deepEqual(browser.errors, []);
});

test("daily metrics posted over REST show in the charts, tiles and wallboard", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("daily");
  const assistant = await newAssistant(user, "Sales agent", "gpt-4o-mini");
  const days = [
    { date: utcDay(-2), callCount: 40, totalMinutes: 30, totalCost: 2.0 },
    { date: utcDay(-1), callCount: 60, totalMinutes: 45, totalCost: 3.0 },
    { date: utcDay(0), callCount: 25, totalMinutes: 10, totalCost: 1.25 },
  ];
  for (const day of days) {
    const res = await api(`/assistants/${assistant.id}/metrics`, { method: "POST", token: user.token, body: day });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }

  await logInUi(page, user.email);
  await page.goto(`${BASE_URL}/assistants/${assistant.id}`);
  await page.locator("#chart-calls canvas").first().waitFor();
  const calls = await eventually(async () => {
    const data = await chartData(page, "chart-calls");
    assert.ok(data, "the calls chart is drawn");
    return data;
  });
  // Default range: the 7 days ending today, oldest first.
  assert.equal(calls.categories.length, 7);
  assert.equal(calls.categories.at(-1), utcDay(0));
  assert.equal(calls.yAxisName, "calls / day");
  assert.deepEqual(calls.series[0].data.slice(-3), [40, 60, 25]);
  assert.deepEqual(calls.series[0].data.slice(0, 4), [0, 0, 0, 0]);
  assert.ok(close(calls.series[1].data.at(-1), 125 / 7), `rolling ${calls.series[1].data.at(-1)}`);

  const minutes = await chartData(page, "chart-minutes");
  assert.deepEqual(minutes.series[0].data.slice(-3), [30, 45, 10]);
  assert.equal(minutes.yAxisName, "minutes / day");
  const cost = await chartData(page, "chart-cost");
  assert.deepEqual(cost.series[0].data.slice(-3).map((v) => Math.round(v * 1e6) / 1e6), [0.05, 0.05, 0.05]);
  assert.equal(cost.series[0].data[0], null, "no average cost on a day without calls");
  assert.ok(close(cost.series[1].data.at(-1), 6.25 / 125));

  assert.equal(await testIdText(page, "kpi-calls"), "125");
  assert.equal(await testIdText(page, "kpi-today-calls"), "25");
  assert.equal(await testIdText(page, "kpi-minutes"), "85 min");
  assert.equal(await testIdText(page, "kpi-cost"), "$6.25");
  await shot(page, "07-detail-rest");

  // A preset goes into the URL, survives a reload, and changes the charts.
  await page.getByRole("button", { name: "1 month" }).click();
  await page.waitForURL((url) => url.searchParams.get("range") === "1m");
  await eventually(async () => assert.equal((await chartData(page, "chart-calls")).categories.length, 30));
  await page.reload();
  await page.locator("#chart-calls canvas").first().waitFor();
  await eventually(async () => assert.equal((await chartData(page, "chart-calls")).categories.length, 30));
  assert.equal(await page.locator('[data-range="1m"]').getAttribute("aria-pressed"), "true");
  await shot(page, "08-detail-1m");

  // A custom range from a shared link.
  await page.goto(`${BASE_URL}/assistants/${assistant.id}?range=custom&start=${utcDay(-2)}&end=${utcDay(-1)}`);
  await eventually(async () => {
    const data = await chartData(page, "chart-calls");
    assert.deepEqual(data.categories, [utcDay(-2), utcDay(-1)]);
    assert.deepEqual(data.series[0].data, [40, 60]);
  });
  assert.equal(await testIdText(page, "kpi-calls"), "100");

  // Tiles and the wallboard show today's REST numbers.
  await page.goto(`${BASE_URL}/`);
  await eventually(async () => assert.equal(await testIdText(page, `calls-${assistant.id}`), "25"));
  assert.equal(await testIdText(page, `cost-${assistant.id}`), "$1.25");
  await shot(page, "09-overview");
  await page.goto(`${BASE_URL}/wall`);
  await eventually(async () => assert.equal(await testIdText(page, `calls-${assistant.id}`), "25"));
  assert.equal(await testIdText(page, "wall-total-calls"), "25");
  await shot(page, "10-wall-rest");
  assert.deepEqual(browser.errors, []);
});

test("status and model filters are kept in the URL", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("filters");
  const assistant = await newAssistant(user);
  // Today: 2 failed gpt-4o calls, 1 successful gpt-4o call, 1 failed call of another model.
  const now = new Date().toISOString();
  const posted = await api(`/assistants/${assistant.id}/events`, {
    method: "POST", token: user.token,
    body: [
      { ts: now, model: "gpt-4o", status: "error", cost: 0.1 },
      { ts: now, model: "gpt-4o", status: "error", cost: 0.1 },
      { ts: now, model: "gpt-4o", status: "success", cost: 0.1 },
      { ts: now, model: "claude-3", status: "error", cost: 0.1 },
    ],
  });
  assert.equal(posted.status, 200, JSON.stringify(posted.body));
  await logInUi(page, user.email);
  await page.goto(`${BASE_URL}/assistants/${assistant.id}?range=3m`);
  await eventually(async () => assert.equal((await chartData(page, "chart-calls")).series[0].data.at(-1), 4));
  await page.getByLabel("Status").selectOption("error");
  await page.waitForURL((url) => url.searchParams.get("status") === "error" && url.searchParams.get("range") === "3m");
  await page.getByLabel("Model", { exact: true }).fill("gpt-4o");
  await page.getByLabel("Model", { exact: true }).press("Enter");
  await page.waitForURL((url) => url.searchParams.get("model") === "gpt-4o");
  await page.getByText("Filtered by status or model").waitFor();

  // The shared link restores the same filters.
  const link = page.url();
  await page.goto(`${BASE_URL}/`);
  await page.goto(link);
  assert.equal(await page.getByLabel("Status").inputValue(), "error");
  assert.equal(await page.getByLabel("Model", { exact: true }).inputValue(), "gpt-4o");
  assert.equal(await page.locator('[data-range="3m"]').getAttribute("aria-pressed"), "true");
  // The charts show only what the filters select: today's failed gpt-4o calls.
  await eventually(async () => assert.equal((await chartData(page, "chart-calls")).series[0].data.at(-1), 2));
  assert.equal(await page.locator(".state-error").count(), 0);
  await shot(page, "11-detail-filters");
  assert.deepEqual(browser.errors, []);
});

test("ingestion keys: list, create (shown once), use, revoke", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("keys");
  const assistant = await newAssistant(user);
  await logInUi(page, user.email);
  await page.goto(`${BASE_URL}/assistants/${assistant.id}`);
  await page.getByRole("link", { name: "Ingestion keys" }).click();
  await page.waitForURL((url) => url.pathname === `/assistants/${assistant.id}/keys`);
  await page.getByRole("heading", { name: "Ingestion keys" }).waitFor();

  const probe = await api(`/assistants/${assistant.id}/keys`, { token: user.token });
  assert.equal(probe.status, 200, "the hub serves ingestion keys");
  assert.deepEqual(probe.body, []);
  await page.getByText("No ingestion keys yet").waitFor();
  await page.getByLabel("New key name").fill("nightly-export");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = page.getByTestId("new-key");
  await secret.waitFor();
  const key = (await secret.locator("code").innerText()).trim();
  assert.ok(key.length >= 16, `key ${key}`);
  await page.getByRole("cell", { name: "nightly-export" }).waitFor();
  await shot(page, "12-keys");

  // The key works for ingestion (X-Api-Key).
  const res = await fetch(`${BASE_URL}/api/v1/assistants/${assistant.id}/events`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key },
    body: JSON.stringify({ cost: 0.01 }),
  });
  assert.equal(res.status, 200);

  // Revoke it.
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: "Revoke" }).click();
  await page.getByText("No ingestion keys yet").waitFor();
  assert.deepEqual(browser.errors, []);
});
