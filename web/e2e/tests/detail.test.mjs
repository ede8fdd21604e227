// The assistant detail page's analytics: the KPI cards and the latency and cost charts of its
// range equal `GET /dashboard?assistant=`, and the rolling window of the daily charts is a
// choice kept in the URL whose averages equal `GET …/metrics/rolling-avg?days=`.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE_URL, api, chartData, eventually, logInUi, newAssistant, newUser, openBrowser, shot, utcDay,
  TEST_TIMEOUT,
} from "../helpers.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

test("the detail page shows its range's KPIs, latency and cost, and a chosen rolling window", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("detail");
  const a = await newAssistant(user, "Detail bot");
  const now = Date.now();
  const events = Array.from({ length: 40 }, (_, i) => ({
    ts: new Date(now - i * 3_600_000).toISOString(),
    model: i % 2 ? "gpt-4o" : "gpt-4o-mini",
    statusCode: i % 9 === 0 ? 500 : 200,
    latencyMs: 150 + i * 25,
    cost: 0.01 * (1 + (i % 4)),
  }));
  let res = await api(`/assistants/${a.id}/events`, { method: "POST", token: user.token, body: events });
  assert.equal(res.status, 200);
  for (let d = -12; d <= -3; d += 1) {
    res = await api(`/assistants/${a.id}/metrics`, {
      method: "POST", token: user.token, body: { date: utcDay(d), callCount: 10 - d, totalMinutes: 5, totalCost: 1 },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }

  await logInUi(page, user.email);
  await page.goto(`${BASE_URL}/assistants/${a.id}`);
  await page.getByTestId("range-kpis").waitFor();
  const d = (await api(`/dashboard?range=7d&assistant=${a.id}`, { token: user.token })).body;
  const value = async (key) => Number(await page.getByTestId(`range-kpi-${key}`).getAttribute("data-value"));
  assert.equal(await value("calls"), d.summary.calls);
  assert.ok(Math.abs((await value("totalCost")) - d.summary.totalCost) < 1e-9);
  assert.equal(await value("latencyP95"), d.summary.latency.p95);
  await page.locator("#chart-latency canvas").first().waitFor();
  const gaps = (values) => values.map((v) => (v === "-" || v === undefined ? null : v));
  assert.deepEqual(gaps((await chartData(page, "chart-latency")).series.find((s) => s.name === "p95").data),
    d.latencyOverTime.map((p) => p.p95));
  assert.deepEqual((await chartData(page, "chart-range-cost")).series.find((s) => s.name === "Cost").data,
    d.costsOverTime.map((p) => p.cost));

  // A 14-day rolling window: in the URL, on the charts, equal to the API's, kept by a reload.
  await page.getByTestId("rolling-window").selectOption("14");
  await page.waitForURL((url) => url.searchParams.get("window") === "14");
  const rolling = (await api(`/assistants/${a.id}/metrics/rolling-avg?days=14&start=${utcDay(-6)}&end=${utcDay(0)}`, { token: user.token })).body;
  await eventually(async () => {
    const calls = await chartData(page, "chart-calls");
    const line = calls.series.find((s) => s.name === "14-day average");
    assert.ok(line, `series: ${calls.series.map((s) => s.name)}`);
    const byDay = Object.fromEntries(rolling.points.map((p) => [p.date, p.avgCallCount]));
    assert.deepEqual(gaps(line.data), calls.categories.map((day) => byDay[day] ?? null));
  });
  await page.reload();
  await page.getByTestId("range-kpis").waitFor();
  assert.equal(await page.getByTestId("rolling-window").inputValue(), "14");
  await shot(page, "22-detail-analytics");
  assert.deepEqual(browser.errors, []);
});
