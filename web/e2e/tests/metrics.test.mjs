// Metrics in the browser: a local fixture server answers GitHub's repository and stargazers
// endpoints in their real shape (scripts/e2e.sh points the hub at it with
// APP_SOURCES__BASE_URLS=github=http://127.0.0.1:$E2E_FIXTURE_PORT). A new user opens the Metrics
// area (/sources), adds "GitHub stars" for a repository with a new connection (its secret never
// shown again), and sees the chart with the backfilled history at once; a refresh polls the
// fixture and the new count appears without a reload, and so does one made over REST (the live
// `source` message); its transformer previews against the sample; the widget's settings turn it
// into bars.

import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";
import {
  api, chartData, eventually, logInUi, newUser, openBrowser, shot, TEST_TIMEOUT,
} from "../helpers.mjs";

const FIXTURE_PORT = Number(process.env.E2E_FIXTURE_PORT ?? 0);
const SECRET = "ghp_e2eFixtureSecret9Z4";
const OWNER = "e2e-org";
const REPO = "hub";
const DAY = 86_400_000;

/** 40 stars over the last 30 days (several a day on some days), oldest first, as GitHub's
 * `application/vnd.github.star+json` stargazers list gives them. */
function stargazers() {
  const now = Date.now();
  return Array.from({ length: 40 }, (_, i) => ({
    starred_at: new Date(now - (30 - Math.floor((i * 30) / 40)) * DAY).toISOString().replace(/\.\d+Z$/, "Z"),
    user: { login: `stargazer-${i}`, id: 1000 + i, type: "User", site_admin: false },
  }));
}

/** What the fixture answers and what it was asked. */
const fixture = { stars: 40, requests: [] };

function repo() {
  return {
    id: 4242,
    name: REPO,
    full_name: `${OWNER}/${REPO}`,
    owner: { login: OWNER, id: 77, type: "Organization" },
    private: false,
    html_url: `https://github.com/${OWNER}/${REPO}`,
    stargazers_count: fixture.stars,
    watchers_count: fixture.stars,
    forks_count: 3,
    open_issues_count: 1,
    created_at: "2025-01-01T00:00:00Z",
    updated_at: new Date().toISOString(),
  };
}

let server;
let browser;
before(async () => {
  if (!FIXTURE_PORT) return;
  server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://fixture");
    fixture.requests.push({ path: url.pathname, auth: req.headers.authorization ?? "", accept: req.headers.accept ?? "" });
    const send = (status, body) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === `/repos/${OWNER}/${REPO}/stargazers`) return send(200, stargazers());
    if (url.pathname === `/repos/${OWNER}/${REPO}`) return send(200, repo());
    return send(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(FIXTURE_PORT, "127.0.0.1", resolve);
  });
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

/** The one widget's chart id, once it is drawn. */
async function widgetChartId(page) {
  const card = page.getByTestId("widget");
  await card.waitFor({ timeout: 30_000 });
  return `widget-chart-${await card.getAttribute("data-widget-id")}`;
}

test("GitHub stars added in the Metrics area chart their history at once, refresh live, and change settings", { timeout: TEST_TIMEOUT, skip: !FIXTURE_PORT && "E2E_FIXTURE_PORT is not set (scripts/e2e.sh sets it)" }, async () => {
  const user = await newUser("metrics");
  const page = browser.page;
  await logInUi(page, user.email);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Metrics", exact: true }).click();
  // `/sources`, not `/metrics`: that is the hub's Prometheus endpoint.
  await page.waitForURL((url) => url.pathname === "/sources");
  await page.getByText("No metrics yet").waitFor();
  // A reload stays on the page (the hub answers index.html there).
  await page.reload();
  await page.getByText("No metrics yet").waitFor();

  await page.getByRole("button", { name: "Add metric" }).click();
  const form = page.getByRole("form", { name: "Add metric" });
  await form.getByLabel("Template").selectOption("github-repo-stars");
  assert.equal(await form.getByLabel("Owner").getAttribute("placeholder"), "rust-lang");
  // Refused before anything is sent: each message under its field.
  await form.getByRole("button", { name: "Add metric" }).click();
  assert.ok((await form.getByText("is required").count()) >= 2);

  await form.getByLabel("Owner").fill(OWNER);
  await form.getByLabel("Repository").fill(REPO);
  // No connection yet: the new-connection form is open; the secret is a password field.
  const secret = form.getByLabel("Token or key");
  assert.equal(await secret.getAttribute("type"), "password");
  await secret.fill(SECRET);
  await form.getByRole("button", { name: "Save connection" }).click();
  await eventually(async () => {
    const label = await form.getByLabel("Connection").evaluate((s) => s.options[s.selectedIndex]?.text ?? "");
    assert.match(label, /My github token/);
  });
  const connections = await api("/connections", { token: user.token });
  assert.equal(connections.status, 200);
  assert.equal(connections.body.length, 1);
  assert.ok(!JSON.stringify(connections.body).includes(SECRET), "the API never returns the secret");
  assert.ok(!(await page.locator("body").innerText()).includes(SECRET), "the page never shows the secret");
  assert.equal(await form.getByLabel("Poll").inputValue(), "daily", "the template's default frequency");

  await form.getByRole("button", { name: "Add metric" }).click();
  const chartId = await widgetChartId(page);
  // The backfilled history: a running total per day up to the 40 stars the fixture lists.
  const drawn = await eventually(async () => {
    const data = await chartData(page, chartId);
    assert.ok(data, "the chart is drawn");
    assert.ok(data.categories.length >= 10, `history points: ${JSON.stringify(data.categories)}`);
    const values = data.series[0].data.map(Number);
    assert.ok(values.every((v, i) => i === 0 || v >= values[i - 1]), `a running total: ${values}`);
    assert.ok(Math.max(...values) >= 40, `up to the fixture's stars: ${values}`);
    return data;
  }, { timeout: 20_000 });
  assert.equal(drawn.series[0].type, "line");
  const stargazerCalls = fixture.requests.filter((r) => r.path.endsWith("/stargazers"));
  assert.ok(stargazerCalls.length >= 1, "the hub fetched the history from the fixture");
  assert.equal(stargazerCalls[0].auth, `Bearer ${SECRET}`, "with the connection's secret");
  assert.match(await page.getByTestId("widget-updated").innerText(), /Updated|Not fetched/);
  await shot(page, "60-metrics-github-stars");

  // Refresh: the fixture now counts 57 stars; the chart shows them without a reload.
  fixture.stars = 57;
  const before = fixture.requests.length;
  await page.getByTestId("widget-refresh").click();
  await eventually(async () => {
    assert.ok(fixture.requests.slice(before).some((r) => r.path === `/repos/${OWNER}/${REPO}`), "polled");
    const data = await chartData(page, chartId);
    assert.ok(data.series[0].data.map(Number).includes(57), `the new count: ${data.series[0].data}`);
  }, { timeout: 20_000 });
  await page.getByTestId("widget-updated").getByText("Updated").waitFor();

  // Live: a poll the page did not ask for (a refresh over REST) reaches it over the WebSocket
  // (`subscribeSources`, then a `source` message) and the chart follows without a reload.
  fixture.stars = 63;
  const sourceId = await page.getByTestId("widget").getAttribute("data-source-id");
  const polled = await api(`/sources/${sourceId}/refresh`, { method: "POST", token: user.token, body: {} });
  assert.equal(polled.status, 200, `refresh: ${JSON.stringify(polled.body)}`);
  await eventually(async () => {
    const data = await chartData(page, chartId);
    assert.ok(data.series[0].data.map(Number).includes(63), `the live count: ${data.series[0].data}`);
  }, { timeout: 10_000 });

  // The transformer: the template's, active, previewed against the source's sample.
  const card = page.getByTestId("widget");
  await card.getByRole("button", { name: "Transformer" }).click();
  await card.getByTestId("transformer-status").getByText("active").waitFor();
  await eventually(async () => {
    const preview = await card.getByTestId("transformer-preview").innerText();
    assert.match(preview, /\b1 point\b/, preview);
  }, { timeout: 10_000 });
  assert.equal(await card.getByTestId("preview-error").count(), 0);
  await card.getByRole("button", { name: "Transformer" }).click();

  // Settings: bars instead of a line, saved and drawn.
  await card.getByRole("button", { name: "Settings" }).click();
  await card.getByLabel("Chart type").selectOption("bar");
  await card.getByRole("button", { name: "Save settings" }).click();
  await eventually(async () => {
    const data = await chartData(page, chartId);
    assert.equal(data?.series[0].type, "bar");
  }, { timeout: 15_000 });
  const widgets = await api("/widgets", { token: user.token });
  assert.equal(widgets.body[0].chartType, "bar");
  assert.deepEqual(browser.errors, []);
  await shot(page, "61-metrics-bars");
});
