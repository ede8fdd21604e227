// Measures the dashboard as a user sees it, in the same headless Chromium as the e2e tests,
// against a running hub with the demo data (`metrics-hub seed`): not a test, it prints figures.
//   E2E_BASE_URL=http://127.0.0.1:8080 node web/e2e/measure/dashboard.mjs [rounds]
// - first meaningful paint of /analytics: from navigation start until the KPI cards hold the
//   API's numbers and the requests chart is drawn, cold (new browser profile) and warm
//   (cached assets);
// - ingest-to-pixel on /wall: from sending one event over REST until the wallboard's total
//   shows it (the REST call itself included, as a client would live it).
// Demo login: MEASURE_EMAIL (default ada@example.com), MEASURE_PASSWORD (default demo-password).

import { BASE_URL, api, openBrowser } from "../helpers.mjs";

const ROUNDS = Number(process.argv[2] ?? 20);
const EMAIL = process.env.MEASURE_EMAIL ?? "ada@example.com";
const PASSWORD = process.env.MEASURE_PASSWORD ?? "demo-password";

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const summary = (values) => ({
  n: values.length,
  p50: Math.round(quantile(values, 0.5)),
  p95: Math.round(quantile(values, 0.95)),
  max: Math.round(Math.max(...values)),
});

async function logIn(page) {
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => url.pathname === "/");
}

/** ms from navigation start until the analytics page shows its data. */
async function analyticsPaint(page) {
  await page.goto(`${BASE_URL}/analytics`);
  await page.locator('[data-testid="kpi-calls"][data-value]').waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => {
    const el = document.getElementById("chart-requests");
    const chart = el && window.echarts && window.echarts.getInstanceByDom(el);
    return chart && chart.getOption().series.length > 0;
  });
  return page.evaluate(() => performance.now());
}

const login = await api("/auth/login", { method: "POST", body: { email: EMAIL, password: PASSWORD } });
if (login.status !== 200) throw new Error(`log in as ${EMAIL}: ${login.status}; seed the demo data first`);
const token = login.body.accessToken;
const assistants = (await api(`/users/${login.body.user.id}/assistants`, { token })).body;

const cold = [];
for (let i = 0; i < Math.min(ROUNDS, 5); i += 1) {
  const browser = await openBrowser();
  await logIn(browser.page);
  cold.push(await analyticsPaint(browser.page));
  await browser.close();
}
const browser = await openBrowser();
await logIn(browser.page);
const warm = [];
for (let i = 0; i < ROUNDS; i += 1) warm.push(await analyticsPaint(browser.page));

const page = browser.page;
await page.goto(`${BASE_URL}/wall`);
await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 15_000 });
const pixel = [];
for (let i = 0; i < ROUNDS; i += 1) {
  const before = await page.getByTestId("wall-total-calls").innerText();
  const waiting = page.waitForFunction(
    (old) => document.querySelector('[data-testid="wall-total-calls"]')?.textContent.trim() !== old,
    before.trim(),
    { timeout: 10_000, polling: "raf" },
  );
  const start = performance.now();
  const res = await api(`/assistants/${assistants[i % assistants.length].id}/events`, {
    method: "POST", token, body: [{ model: "gpt-4o", cost: 0.001, latencyMs: 300 }],
  });
  if (res.status !== 200) throw new Error(`ingest: ${res.status}`);
  await waiting;
  pixel.push(performance.now() - start);
  await page.waitForTimeout(300);
}
await browser.close();
console.log(JSON.stringify({
  date: new Date().toISOString(),
  base: BASE_URL,
  analyticsFirstPaintColdMs: summary(cold),
  analyticsFirstPaintWarmMs: summary(warm),
  wallIngestToPixelMs: summary(pixel),
}, null, 2));
