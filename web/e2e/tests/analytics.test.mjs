// The analytics page (`/analytics`) in the browser: every KPI, chart and table shows what
// `GET /dashboard` answers for the same filters (read from the DOM and the chart options,
// compared with the JSON), the filters live in the URL and survive a reload, 24h has hourly
// buckets, and new events move the numbers without a reload.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE_URL, api, chartData, eventually, logInUi, newAssistant, newUser, openBrowser, shot,
  utcDay,
  TEST_TIMEOUT,
} from "../helpers.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

const MODELS = ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet"];

/**
 * Calls over the last ~3 days, of three models, some failed, with countries and domains; most
 * report agent metrics (LLM and tool calls, cache-read tokens), some report none.
 */
function events(count, seed) {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const k = i * 7 + seed;
    const failed = k % 5 === 0;
    return {
      ts: new Date(now - (1 + i * 37) * 60_000).toISOString(),
      model: MODELS[k % 3],
      status: failed ? "error" : "success",
      statusCode: failed ? [500, 429][k % 2] : 200,
      durationMs: 1000 + (k * 37) % 5000,
      latencyMs: 100 + (k * 97) % 2000,
      tokensIn: (k * 13) % 2000,
      tokensOut: (k * 29) % 800,
      cost: (k % 7) * 0.003,
      country: ["US", "DE", "FR"][k % 3],
      domain: ["support", "sales"][k % 2],
      ...(k % 4 === 0 ? {} : {
        llmCalls: 1 + (k % 5),
        toolCalls: k % 3,
        cacheReadTokens: Math.floor(((k * 13) % 2000) * (k % 10) / 10),
      }),
    };
  });
}

async function post(user, assistantId, body) {
  const res = await api(`/assistants/${assistantId}/events`, { method: "POST", token: user.token, body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

/** The dashboard payload the page should be showing for `query`, computed fresh. */
async function dashboardApi(user, query) {
  const res = await fetch(`${BASE_URL}/api/v1/dashboard?${query}`, {
    headers: { authorization: `Bearer ${user.token}`, "cache-control": "no-cache" },
  });
  assert.equal(res.status, 200);
  return res.json();
}

/** Every KPI card's raw value (`data-value`), by key. */
async function kpiValues(page) {
  return page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('[data-testid^="kpi-"]')].map((el) => [
      el.dataset.testid.slice(4),
      el.dataset.value === "" ? null : Number(el.dataset.value),
    ]),
  ));
}

/** What the KPI cards should hold for a payload's summary. */
function expectedKpis(s) {
  const tokens = s.tokensIn + s.tokensOut;
  return {
    calls: s.calls,
    successRate: s.successRate,
    errorRate: s.successRate == null ? null : 1 - s.successRate,
    avgDurationMs: s.avgDurationMs,
    latencyP50: s.latency.p50,
    latencyP95: s.latency.p95,
    latencyP99: s.latency.p99,
    totalCost: s.totalCost,
    costPerRun: s.costPerRun,
    costPerSuccess: s.costPerSuccess,
    costPerFailure: s.costPerFailure,
    errors: s.errors,
    tokensIn: s.tokensIn,
    tokensOut: s.tokensOut,
    tokensTotal: tokens,
    tokensPerCall: s.calls > 0 ? tokens / s.calls : null,
    avgLatencyMs: s.avgLatencyMs,
    avgLlmCalls: s.avgLlmCalls,
    avgToolCalls: s.avgToolCalls,
    cacheHitRate: s.cacheHitRate,
  };
}

function assertKpis(got, summary, context) {
  const want = expectedKpis(summary);
  for (const [key, value] of Object.entries(want)) {
    if (value == null) {
      assert.equal(got[key], null, `${context}: ${key}`);
    } else {
      assert.ok(Math.abs(got[key] - value) <= 1e-9 * Math.max(1, Math.abs(value)), `${context}: ${key} ${got[key]} vs ${value}`);
    }
  }
}

/** The rows of a table by test id: [label, calls]. */
async function rows(page, testId, labelAttr) {
  return page.evaluate(([id, attr]) => [...document.querySelectorAll(`[data-testid="${id}"]`)]
    .map((r) => [r.dataset[attr], Number(r.dataset.calls)]), [testId, labelAttr]);
}

async function waitForData(page) {
  await page.getByTestId("kpis").waitFor();
  await page.locator("#chart-requests canvas").first().waitFor();
}

test("the analytics page shows exactly what the dashboard API answers, under every filter", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("analytics");
  const a = await newAssistant(user, "Support bot");
  const b = await newAssistant(user, "Sales agent", "claude-3-5-sonnet");
  await post(user, a.id, events(90, 1));
  await post(user, b.id, events(40, 4));
  await api(`/assistants/${a.id}/metrics`, {
    method: "POST", token: user.token, body: { date: utcDay(-2), callCount: 12, totalMinutes: 6, totalCost: 0.9 },
  });

  await logInUi(page, user.email);
  await page.getByRole("link", { name: "Analytics" }).click();
  await page.waitForURL((url) => url.pathname === "/analytics");
  await waitForData(page);

  // All assistants, 7 days: KPIs, charts and tables equal the API.
  let d = await dashboardApi(user, "range=7d");
  assert.equal(d.summary.calls, 90 + 40 + 12);
  assert.ok(d.summary.avgLlmCalls > 0 && d.summary.cacheHitRate > 0, "the events report agent metrics");
  assertKpis(await kpiValues(page), d.summary, "7d");
  const requests = await chartData(page, "chart-requests");
  assert.equal(requests.categories.length, 7);
  assert.deepEqual(requests.series.find((s) => s.name === "Success").data, d.requestsOverTime.map((p) => p.success));
  assert.deepEqual(requests.series.find((s) => s.name === "Errors").data, d.requestsOverTime.map((p) => p.error));
  const cost = await chartData(page, "chart-cost");
  assert.deepEqual(cost.series.find((s) => s.name === "Cost").data, d.costsOverTime.map((p) => p.cost));
  const latency = await chartData(page, "chart-latency");
  // ECharts may keep a missing value as null or as "-".
  const gaps = (values) => values.map((v) => (v === "-" || v === undefined ? null : v));
  assert.deepEqual(gaps(latency.series.find((s) => s.name === "p95").data), d.latencyOverTime.map((p) => p.p95));
  const tokens = await chartData(page, "chart-tokens");
  assert.deepEqual(tokens.series.find((s) => s.name === "Tokens in").data, d.tokensOverTime.map((p) => p.tokensIn));
  assert.deepEqual(await rows(page, "model-row", "model"), d.topModels.map((m) => [m.model, m.calls]));
  assert.deepEqual(await rows(page, "countries-row", "label"), d.topCountries.map((c) => [c.label, c.calls]));
  assert.deepEqual(await rows(page, "domains-row", "label"), d.topDomains.map((c) => [c.label, c.calls]));
  const codes = await page.evaluate(() => [...document.querySelectorAll('[data-testid="status-code"]')]
    .map((r) => [r.dataset.code, Number(r.dataset.count)]));
  assert.deepEqual(codes, d.errorsByStatusCode.map((c) => [c.statusCode, c.count]));
  assert.ok(codes.length > 0, "the data has failed calls with status codes");
  await shot(page, "30-analytics");

  // Status = error: the URL, the KPIs and a warning about what the filter hides.
  await page.getByLabel("Status").selectOption("error");
  await page.waitForURL((url) => url.searchParams.get("status") === "error");
  d = await dashboardApi(user, "range=7d&status=error");
  await eventually(async () => assertKpis(await kpiValues(page), d.summary, "status=error"));
  assert.equal(d.summary.successes, 0);
  await page.getByText("the success rate is 0% by construction").waitFor();

  // The model dropdown lists the models of /models; choosing one filters, and a reload keeps it.
  const models = (await api("/models", { token: user.token })).body.map((m) => m.model);
  const options = await page.getByTestId("model-filter").locator("option").allTextContents();
  assert.deepEqual(options.slice(1), models);
  await page.getByTestId("model-filter").selectOption("gpt-4o-mini");
  await page.waitForURL((url) => url.searchParams.get("model") === "gpt-4o-mini");
  await page.reload();
  await waitForData(page);
  assert.equal(await page.getByTestId("model-filter").inputValue(), "gpt-4o-mini");
  assert.equal(await page.getByLabel("Status").inputValue(), "error");
  d = await dashboardApi(user, "range=7d&status=error&model=gpt-4o-mini");
  await eventually(async () => assertKpis(await kpiValues(page), d.summary, "error + gpt-4o-mini"));
  assert.deepEqual(await rows(page, "model-row", "model"), [["gpt-4o-mini", d.summary.calls]]);
  await page.getByText("Daily records (POST …/metrics) carry no status or model").waitFor();

  // One assistant, 24 hours: hourly buckets.
  await page.goto(`${BASE_URL}/analytics?range=24h&assistant=${b.id}`);
  await waitForData(page);
  assert.equal(await page.getByTestId("assistant-filter").inputValue(), String(b.id));
  d = await dashboardApi(user, `range=24h&assistant=${b.id}`);
  assert.equal(d.window.granularity, "hour");
  await eventually(async () => {
    assertKpis(await kpiValues(page), d.summary, "24h b");
    assert.equal((await chartData(page, "chart-requests")).categories.length, 24);
  });
  assert.match(await page.getByTestId("analytics-subtitle").innerText(), /^Sales agent · last 24 hours, hourly buckets/);
  assert.deepEqual(browser.errors, []);
});

test("new events move the analytics numbers without a reload", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("analytics-live");
  const a = await newAssistant(user, "Live bot");
  await logInUi(page, user.email);
  await page.goto(`${BASE_URL}/analytics`);
  await page.getByText("No usage in this view yet").waitFor();
  await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
  await page.evaluate(() => { window.__noReload = true; });
  assert.equal((await kpiValues(page)).calls, 0);

  await post(user, a.id, [
    { model: "gpt-4o", cost: 0.5, latencyMs: 800 },
    { model: "gpt-4o", cost: 0.25, latencyMs: 650, statusCode: 500 },
    { model: "gpt-4o-mini", cost: 0.25, latencyMs: 300 },
  ]);
  await eventually(async () => {
    const kpis = await kpiValues(page);
    assert.equal(kpis.calls, 3);
    assert.ok(Math.abs(kpis.totalCost - 1) < 1e-9);
  }, { timeout: 5000 });
  const d = await dashboardApi(user, "range=7d");
  assertKpis(await kpiValues(page), d.summary, "live");
  assert.equal(await page.evaluate(() => window.__noReload), true);
  await shot(page, "31-analytics-live");
  assert.deepEqual(browser.errors, []);
});

test("dark mode follows the toggle and survives a reload; the page fits a phone", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("analytics-theme");
  const a = await newAssistant(user, "Theme bot");
  await post(user, a.id, events(30, 2));
  await logInUi(page, user.email);
  await page.goto(`${BASE_URL}/analytics`);
  await waitForData(page);
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(await theme(), "light");
  const light = await background();

  await page.getByTestId("theme-toggle").click();
  assert.equal(await theme(), "dark");
  assert.notEqual(await background(), light);
  // The charts are redrawn for the dark background: light axis text.
  await eventually(async () => {
    const color = await page.evaluate(() => {
      const chart = window.echarts.getInstanceByDom(document.getElementById("chart-requests"));
      return chart.getOption().xAxis[0].axisLabel.color;
    });
    assert.equal(color, "#e5e7eb");
  });
  await page.reload();
  await waitForData(page);
  assert.equal(await theme(), "dark");
  await shot(page, "32-analytics-dark");

  // A phone: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await waitForData(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than a phone`);
  await shot(page, "33-analytics-phone");
  await page.getByTestId("theme-toggle").click();
  assert.equal(await theme(), "light");
  await page.setViewportSize({ width: 1366, height: 900 });
  assert.deepEqual(browser.errors, []);
});

test("the domain filter narrows every figure to that domain's calls, as the API does", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("analytics-domain");
  const a = await newAssistant(user, "Domain bot");
  await post(user, a.id, events(60, 3));
  await logInUi(page, user.email);
  await page.goto(`${BASE_URL}/analytics`);
  await waitForData(page);
  const options = await page.getByTestId("domain-filter").locator("option").allTextContents();
  assert.deepEqual(options.slice(1).sort(), ["sales", "support"]);
  await page.getByTestId("domain-filter").selectOption("sales");
  await page.waitForURL((url) => url.searchParams.get("domain") === "sales");
  const d = await dashboardApi(user, "range=7d&domain=sales");
  assert.ok(d.summary.calls > 0 && d.summary.calls < 60, `${d.summary.calls} sales calls`);
  await eventually(async () => assertKpis(await kpiValues(page), d.summary, "domain=sales"));
  assert.deepEqual(await rows(page, "domains-row", "label"), [["sales", d.summary.calls]]);
  await page.getByText("Domain: computed from the stored calls").waitFor();
  await page.reload();
  await waitForData(page);
  assert.equal(await page.getByTestId("domain-filter").inputValue(), "sales");
  assert.deepEqual(browser.errors, []);
});

test("while the analytics load, a skeleton of the page holds its place", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("analytics-skeleton");
  await newAssistant(user, "Slow bot");
  await logInUi(page, user.email);
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route("**/api/v1/dashboard**", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${BASE_URL}/analytics`);
  await page.getByTestId("skeleton").waitFor();
  assert.equal(await page.locator('[data-testid="skeleton"] .skeleton-card').count(), 17);
  assert.equal(await page.getByTestId("kpis").count(), 0);
  release();
  await page.getByTestId("kpis").waitFor();
  assert.equal(await page.getByTestId("skeleton").count(), 0);
  await page.unroute("**/api/v1/dashboard**");
  assert.deepEqual(browser.errors, []);
});
