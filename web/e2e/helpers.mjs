// Shared helpers of the dashboard's browser tests: a hub's base URL (E2E_BASE_URL, set by
// scripts/e2e.sh), Debian's Chromium driven by playwright-core, REST calls to set up data,
// screenshots into artifacts/e2e/, and a retrying assertion for things that arrive live.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));

export const BASE_URL = (process.env.E2E_BASE_URL ?? "").replace(/\/$/, "");
if (!BASE_URL) {
  throw new Error("E2E_BASE_URL is not set: run the tests with scripts/e2e.sh");
}
export const ARTIFACTS = process.env.E2E_ARTIFACTS ?? path.resolve(here, "../../artifacts/e2e");
export const PASSWORD = "e2e-password-123";
/**
 * Every test's time limit (`test(name, { timeout: TEST_TIMEOUT }, fn)`). It lives in the tests, not
 * on the command line: `--test-timeout` (and `--test-concurrency`) do not exist in Debian
 * bookworm's Node 18, and scripts/e2e.sh runs the files one at a time with plain `node --test`.
 */
export const TEST_TIMEOUT = 180_000;

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A fresh Chromium (own empty profile) with one page; `close()` removes the profile. */
export async function openBrowser({ viewport = { width: 1366, height: 900 }, initScript } = {}) {
  const profile = mkdtempSync(path.join(tmpdir(), "metrics-hub-e2e-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport,
  });
  if (initScript) await context.addInitScript(initScript);
  const errors = [];
  const watch = (page) => {
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      // A wasm panic or a failed import shows up as a console error.
      if (m.type() === "error" && !/Failed to load resource|WebSocket connection/.test(m.text())) {
        errors.push(`console: ${m.text()}`);
      }
    });
  };
  context.on("page", watch);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  page.setDefaultTimeout(15_000);
  return {
    context,
    page,
    errors,
    async newPage() {
      const p = await context.newPage();
      p.setDefaultTimeout(15_000);
      return p;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as artifacts/e2e/<name>.png (after chart animations end). */
export async function shot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(1200);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Retries `check` (which throws while not yet true) until it passes or `timeout` ms pass. */
export async function eventually(check, { timeout = 10_000, interval = 200 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, interval));
    }
  }
}

/** A REST call; returns `{ status, body }` (body parsed when JSON). */
export async function api(pathname, { method = "GET", token, body } = {}) {
  const headers = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${BASE_URL}/api/v1${pathname}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed };
}

export function uniqueEmail(tag = "user") {
  return `e2e-${tag}-${randomBytes(5).toString("hex")}@example.com`;
}

/** Registers and logs in a new user over REST: `{ email, token, userId }`. */
export async function newUser(tag) {
  const email = uniqueEmail(tag);
  const reg = await api("/users", { method: "POST", body: { email, password: PASSWORD } });
  assert.equal(reg.status, 201, `register: ${JSON.stringify(reg.body)}`);
  const login = await api("/auth/login", { method: "POST", body: { email, password: PASSWORD } });
  assert.equal(login.status, 200, `login: ${JSON.stringify(login.body)}`);
  return { email, token: login.body.accessToken, userId: login.body.user.id };
}

/** Creates an assistant over REST; returns it. */
export async function newAssistant(user, name = "Support bot", modelType = "gpt-4o") {
  const res = await api(`/users/${user.userId}/assistants`, {
    method: "POST",
    token: user.token,
    body: { name, modelType },
  });
  assert.equal(res.status, 201, `create assistant: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** `YYYY-MM-DD` of today (UTC) plus `offset` days. */
export function utcDay(offset = 0) {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Logs in through the login page (dropping any session first) and waits for the overview, or
 * for `expectPath` (when the page is already at `/login?next=...`, that query is kept).
 */
export async function logInUi(page, email, password = PASSWORD, expectPath = "/") {
  const onLogin = page.url().startsWith(BASE_URL) && new URL(page.url()).pathname === "/login";
  if (!page.url().startsWith(BASE_URL)) {
    await page.goto(`${BASE_URL}/login`);
  }
  await page.evaluate(() => localStorage.removeItem("metrics-hub.session"));
  await page.goto(onLogin ? page.url() : `${BASE_URL}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => url.pathname === expectPath);
}

/** What an ECharts chart (by DOM id) currently draws: categories and series data. */
export async function chartData(page, id) {
  return page.evaluate((chartId) => {
    const el = document.getElementById(chartId);
    const chart = el && window.echarts && window.echarts.getInstanceByDom(el);
    if (!chart) return null;
    const option = chart.getOption();
    return {
      categories: option.xAxis[0].data,
      yAxisName: option.yAxis[0].name,
      series: option.series.map((s) => ({ name: s.name, type: s.type, data: s.data })),
    };
  }, id);
}

/** The visible text of a `data-testid` element. */
export async function testIdText(page, id) {
  return (await page.getByTestId(id).innerText()).trim();
}

/** The hub binary scripts/e2e.sh started (same settings), for its command line. */
function hubBinary() {
  const hub = process.env.E2E_HUB;
  assert.ok(hub, "E2E_HUB is not set: run the tests with scripts/e2e.sh");
  return hub;
}

/**
 * Runs `metrics-hub ARGS` (e.g. `admin create`, `retention run`) with `input` on standard input;
 * returns its standard output (throws, with its standard error, when it fails).
 */
export function hubCli(args, input = "") {
  return execFileSync(hubBinary(), args, { input, stdio: "pipe", encoding: "utf8" });
}

/**
 * Makes a registered user an administrator with `metrics-hub admin promote` (the hub binary that
 * scripts/e2e.sh started, with the same settings), then logs in again for a fresh token. The hub
 * caches each user's role for up to a second, so this waits that long before returning.
 */
export async function makeAdmin(user) {
  hubCli(["admin", "promote", user.email]);
  await new Promise((r) => setTimeout(r, 1100));
  const login = await api("/auth/login", { method: "POST", body: { email: user.email, password: PASSWORD } });
  assert.equal(login.status, 200);
  return { ...user, token: login.body.accessToken };
}
