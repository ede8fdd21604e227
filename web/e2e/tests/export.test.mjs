// Runs filters, orders and exports (`/runs`, `/analytics`): the country / minimum latency /
// minimum cost filters and the order live in the URL and list exactly the API's calls; a
// click on a bucket of the analytics requests chart opens /runs on that bucket's time range;
// Export downloads (a real browser download through a signed link) the very rows /runs lists.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import {
  BASE_URL, api, eventually, logInUi, newAssistant, newUser, openBrowser, shot, TEST_TIMEOUT,
} from "../helpers.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

const rowIds = (page) => page.evaluate(() => [...document.querySelectorAll('[data-testid="run-row"]')].map((r) => Number(r.dataset.id)));

/** Every run of `query`, following the API's cursors. */
async function allRuns(user, query) {
  const runs = [];
  let cursor = null;
  for (;;) {
    const res = await api(`/runs?${query}&limit=500${cursor ? `&cursor=${cursor}` : ""}`, { token: user.token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    runs.push(...res.body.runs);
    if (!res.body.nextCursor) return runs;
    cursor = res.body.nextCursor;
  }
}

/** Clicks Export with `format` chosen; returns the download's name and text. */
async function download(page, format) {
  await page.getByTestId("export-format").first().selectOption(format);
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("export").first().click(),
  ]);
  const text = await readFile(await file.path(), "utf8");
  return { name: file.suggestedFilename(), text };
}

const csvIds = (text) => text.trim().split("\n").slice(1).map((line) => Number(line.split(",")[0]));

test("filter and order runs, drill into a chart bucket, export what is shown", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("export");
  const a = await newAssistant(user, "Export bot");
  const now = Date.now();
  // 90 calls over the last four days; a third from Germany, latencies and costs with ties.
  const events = Array.from({ length: 90 }, (_, i) => ({
    ts: new Date(now - (i % 4) * 86_400_000 - (i + 1) * 60_000).toISOString(),
    model: i % 2 ? "gpt-4o" : "gpt-4o-mini",
    statusCode: i % 9 === 0 ? 500 : 200,
    latencyMs: (i * 37) % 500,
    cost: 0.001 * (i % 7),
    country: ["DE", "US", "FR"][i % 3],
    domain: i % 2 ? "support" : "sales",
    metadata: { ticket: `=T-${i}` },
  }));
  const posted = await api(`/assistants/${a.id}/events`, { method: "POST", token: user.token, body: events });
  assert.equal(posted.status, 200, JSON.stringify(posted.body));

  await logInUi(page, user.email);
  await page.goto(`${BASE_URL}/runs`);
  await page.getByTestId("runs-table").waitFor();
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const range = `start=${day(now - 6 * 86_400_000)}&end=${day(now)}`;

  // A half-typed filter survives a live update that re-renders the page (it used to be wiped).
  await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor();
  const newest = (await rowIds(page))[0];
  await page.getByTestId("min-cost-filter").fill("0.004");
  const late = { ts: new Date().toISOString(), model: "gpt-4o", statusCode: 200, latencyMs: 5, cost: 0, country: "US", domain: "sales" };
  const one = await api(`/assistants/${a.id}/events`, { method: "POST", token: user.token, body: [late] });
  assert.equal(one.status, 200, JSON.stringify(one.body));
  await eventually(async () => assert.notEqual((await rowIds(page))[0], newest));
  assert.equal(await page.getByTestId("min-cost-filter").inputValue(), "0.004");
  await page.getByTestId("min-cost-filter").fill("");
  await page.getByTestId("min-cost-filter").press("Enter");

  // Country and minimum latency: in the URL, the field shows what applies, and the count is
  // the API's.
  await page.getByTestId("country-filter").fill("de");
  await page.getByTestId("country-filter").press("Enter");
  await page.waitForURL(/country=DE/);
  assert.equal(await page.getByTestId("country-filter").inputValue(), "DE");
  await page.getByTestId("min-latency-filter").fill("200");
  await page.getByTestId("min-latency-filter").press("Enter");
  await page.waitForURL(/minLatencyMs=200/);
  const filtered = await allRuns(user, `${range}&country=DE&minLatencyMs=200`);
  assert.ok(filtered.length > 5 && filtered.length < 30, `${filtered.length} calls`);
  assert.ok(filtered.every((r) => r.country === "DE" && r.latencyMs >= 200));
  await eventually(async () => assert.deepEqual(await rowIds(page), filtered.map((r) => r.id)));
  assert.equal(await page.getByTestId("runs-count").innerText(), `${filtered.length} calls shown`);

  // Most expensive first: in the URL, the API's order, and a word that live updates pause.
  await page.getByTestId("sort").selectOption("costliest");
  await page.waitForURL((url) => url.searchParams.get("sort") === "costliest");
  const costly = await allRuns(user, `${range}&country=DE&minLatencyMs=200&sort=costliest`);
  await eventually(async () => assert.deepEqual(await rowIds(page), costly.map((r) => r.id)));
  assert.match(await page.getByTestId("sort-notice").innerText(), /not added live/);
  // The view survives a reload (it is all in the URL).
  await page.reload();
  await page.getByTestId("runs-table").waitFor();
  assert.deepEqual(await rowIds(page), costly.map((r) => r.id));
  assert.equal(await page.getByTestId("country-filter").inputValue(), "DE");

  // Export: the file holds exactly the rows listed, in their order.
  const csv = await download(page, "csv");
  assert.match(csv.name, /^runs-.*\.csv$/);
  assert.deepEqual(csvIds(csv.text), costly.map((r) => r.id));
  const ndjson = await download(page, "ndjson");
  assert.match(ndjson.name, /\.ndjson$/);
  assert.deepEqual(ndjson.text.trim().split("\n").map((l) => JSON.parse(l)), costly);
  await shot(page, "62-runs-filtered");

  // Analytics: a click on a bucket of the requests chart opens that bucket's calls.
  await page.goto(`${BASE_URL}/analytics?assistant=${a.id}&status=success`);
  const chart = page.locator("#chart-requests");
  await chart.waitFor();
  const dashboard = (await api(`/dashboard?range=7d&assistant=${a.id}&status=success`, { token: user.token })).body;
  const buckets = dashboard.requestsOverTime;
  const index = buckets.length - 3;
  assert.ok(buckets[index].success > 0, "the bucket has calls");
  await eventually(async () => {
    const ready = await page.evaluate(() => {
      const el = document.getElementById("chart-requests");
      return Boolean(el && window.echarts?.getInstanceByDom(el));
    });
    assert.ok(ready);
  });
  await page.waitForTimeout(600); // the chart's entry animation
  const point = await page.evaluate((i) => {
    const chart = window.echarts.getInstanceByDom(document.getElementById("chart-requests"));
    const x = chart.convertToPixel({ xAxisIndex: 0 }, i);
    const y = chart.convertToPixel({ yAxisIndex: 0 }, 0) - 5;
    return { x, y };
  }, index);
  await chart.click({ position: point });
  await page.waitForURL((url) => url.pathname === "/runs" && url.searchParams.has("from"));
  const url = new URL(page.url());
  const start = buckets[index].bucket;
  const until = buckets[index + 1].bucket;
  assert.equal(new Date(url.searchParams.get("from")).toISOString(), new Date(start).toISOString());
  assert.equal(new Date(url.searchParams.get("until")).toISOString(), new Date(until).toISOString());
  assert.equal(url.searchParams.get("status"), "success");
  assert.equal(url.searchParams.get("assistant"), String(a.id));
  await page.getByTestId("bucket-filter").waitFor();
  const params = new URLSearchParams(url.search);
  params.delete("range"); // the page's own parameter; start and end are the API's
  const inBucket = await allRuns(user, params.toString());
  assert.equal(inBucket.length, buckets[index].success);
  await eventually(async () => assert.deepEqual(await rowIds(page), inBucket.map((r) => r.id)));
  await shot(page, "63-runs-bucket");

  // And the export of the analytics view is its calls.
  await page.goto(`${BASE_URL}/analytics?assistant=${a.id}&status=success`);
  await chart.waitFor();
  const json = await download(page, "json");
  const shown = await allRuns(user, `${range}&assistant=${a.id}&status=success`);
  assert.deepEqual(JSON.parse(json.text), shown);
  assert.deepEqual(browser.errors, []);
});
