// Measures the wallboard left alone for a long time, in the same headless Chromium as the e2e
// tests, against a running hub: not a test, it prints figures. A fresh user with three
// assistants opens /wall; usage arrives every second (REST, a few events to a random
// assistant) and the WebSocket is cut every minute (as a flaky network or hub restarts would).
// Every 30 s, after a forced garbage collection, it samples the page's JS heap, DOM nodes and
// event listeners (Chrome DevTools Protocol), and at the end it checks the board against the
// API (no drift) and counts open sockets.
//   E2E_BASE_URL=http://127.0.0.1:8080 node web/e2e/measure/wall-memory.mjs [minutes]
// Figures: heap at minute 1 (after the first load settled) and at the end, the highest, and
// the slope over the second half (MB per hour): growth shows up as a positive slope.

import { BASE_URL, PASSWORD, api, newAssistant, newUser, openBrowser } from "../helpers.mjs";

const MINUTES = Number(process.argv[2] ?? 20);
const SAMPLE_MS = 30_000;
const CUT_MS = 60_000;

// Lets the script cut the page's WebSockets (see tests/wall.test.mjs).
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

const user = await newUser("wall-memory");
const assistants = [];
for (const name of ["Support bot", "Sales agent", "Research agent"]) {
  assistants.push(await newAssistant(user, name));
}
const models = ["gpt-4o", "claude-3.5-sonnet", "llama-3.1-70b"];
let sent = 0;
async function post() {
  const assistant = assistants[Math.floor(Math.random() * assistants.length)];
  const n = 1 + Math.floor(Math.random() * 4);
  const events = Array.from({ length: n }, () => ({
    model: models[Math.floor(Math.random() * models.length)],
    status: Math.random() < 0.03 ? "error" : "success",
    durationMs: 200 + Math.floor(Math.random() * 2000),
    tokensIn: 500, tokensOut: 200, cost: 0.002,
  }));
  const res = await api(`/assistants/${assistant.id}/events`, { method: "POST", token: user.token, body: events });
  if (res.status !== 200) throw new Error(`POST events: ${res.status} ${JSON.stringify(res.body)}`);
  sent += n;
}

const browser = await openBrowser({ initScript: socketSwitch, viewport: { width: 1920, height: 1080 } });
const { page } = browser;
await page.goto(`${BASE_URL}/login`);
await page.getByLabel("Email").fill(user.email);
await page.getByLabel("Password").fill(PASSWORD);
await page.getByRole("button", { name: "Log in" }).click();
await page.waitForURL((url) => url.pathname === "/");
await page.goto(`${BASE_URL}/wall`);
await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 30_000 });

const cdp = await page.context().newCDPSession(page);
await cdp.send("Performance.enable");
async function sample(minute) {
  await cdp.send("HeapProfiler.collectGarbage");
  const { metrics } = await cdp.send("Performance.getMetrics");
  const get = (name) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return {
    minute,
    heapMb: get("JSHeapUsedSize") / 1e6,
    nodes: get("Nodes"),
    listeners: get("JSEventListeners"),
  };
}

const started = Date.now();
const samples = [];
let nextSample = started + SAMPLE_MS;
let nextCut = started + CUT_MS;
let cuts = 0;
while (Date.now() - started < MINUTES * 60_000) {
  await post();
  if (Date.now() >= nextCut) {
    await page.evaluate(() => window.__sockets.forEach((s) => s.close()));
    cuts += 1;
    nextCut += CUT_MS;
  }
  if (Date.now() >= nextSample) {
    const s = await sample((Date.now() - started) / 60_000);
    samples.push(s);
    console.error(`minute ${s.minute.toFixed(1)}: heap ${s.heapMb.toFixed(2)} MB, ${s.nodes} nodes, ${s.listeners} listeners, ${sent} events sent`);
    nextSample += SAMPLE_MS;
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

// No drift: once the feed is live again, the board's total equals the API's.
await page.locator('[data-testid="live-indicator"][data-state="live"]').waitFor({ timeout: 40_000 });
const today = new Date().toISOString().slice(0, 10);
const summary = (await api(`/summary?start=${today}&end=${today}`, { token: user.token })).body;
let shown = "";
for (let i = 0; i < 50; i += 1) {
  shown = (await page.getByTestId("wall-total-calls").innerText()).trim().replace(/,/g, "");
  if (shown === String(summary.kpis.calls)) break;
  await new Promise((resolve) => setTimeout(resolve, 200));
}
const openSockets = await page.evaluate(() => window.__sockets.filter((s) => s.readyState === WebSocket.OPEN).length);

const half = samples.filter((s) => s.minute >= MINUTES / 2);
const slope = (() => {
  const n = half.length;
  if (n < 2) return NaN;
  const mx = half.reduce((a, s) => a + s.minute, 0) / n;
  const my = half.reduce((a, s) => a + s.heapMb, 0) / n;
  const num = half.reduce((a, s) => a + (s.minute - mx) * (s.heapMb - my), 0);
  const den = half.reduce((a, s) => a + (s.minute - mx) ** 2, 0);
  return (num / den) * 60;
})();
const first = samples.find((s) => s.minute >= 1) ?? samples[0];
const last = samples.at(-1);
console.log(JSON.stringify({
  minutes: MINUTES,
  eventsSent: sent,
  socketCuts: cuts,
  heapMb: {
    atMinute1: +first.heapMb.toFixed(2),
    end: +last.heapMb.toFixed(2),
    max: +Math.max(...samples.map((s) => s.heapMb)).toFixed(2),
    slopeSecondHalfMbPerHour: +slope.toFixed(2),
  },
  domNodes: { atMinute1: first.nodes, end: last.nodes, max: Math.max(...samples.map((s) => s.nodes)) },
  listeners: { atMinute1: first.listeners, end: last.listeners },
  board: { shownCalls: shown, apiCalls: summary.kpis.calls, equal: shown === String(summary.kpis.calls) },
  openSockets,
  errors: browser.errors,
}, null, 2));
await browser.close();
