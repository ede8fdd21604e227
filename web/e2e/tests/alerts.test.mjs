// Alert rules and webhooks in the browser: a webhook is added on /alerts (its secret shown once),
// an error-rate rule is created through the page with that webhook, events ingested over REST
// cross the threshold, the rule's toast shows on the open page, the history lists the firing
// with its delivery "delivered", and the receiver this test starts (plain node http on
// 127.0.0.1, allow-listed by scripts/e2e.sh) got one POST whose HMAC verifies with the secret
// the page showed; a budget gets the webhook from its form.

import assert from "node:assert/strict";
import crypto from "node:crypto";
import http from "node:http";
import { after, before, test } from "node:test";
import { api, eventually, logInUi, newAssistant, newUser, openBrowser, shot, TEST_TIMEOUT } from "../helpers.mjs";

let browser;
let receiver;
const received = [];
before(async () => {
  browser = await openBrowser();
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      received.push({ body: Buffer.concat(chunks), signature: req.headers["x-metrics-hub-signature"] ?? "" });
      res.writeHead(204).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
});
after(async () => {
  await browser?.close();
  receiver?.close();
});

/** The receiver's check: HMAC-SHA256 of `<t>.<raw body>` with the secret, as docs/alerts.md says. */
function verifies(secret, header, body) {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2)));
  const expected = crypto.createHmac("sha256", secret).update(`${parts.t}.`).update(body).digest("hex");
  return parts.v1 !== undefined && crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(parts.v1.padEnd(64, "0").slice(0, 64)))
    && Math.abs(Date.now() / 1000 - Number(parts.t)) <= 300;
}

test("a rule made in the UI with a webhook fires once: toast, history with its delivery, a signed POST", { timeout: TEST_TIMEOUT }, async () => {
  const user = await newUser("alerts");
  const bot = await newAssistant(user, "Flaky bot");
  const page = browser.page;
  await logInUi(page, user.email);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts", exact: true }).click();
  await page.waitForURL((url) => url.pathname === "/alerts");

  // A webhook the SSRF policy refuses, then the receiver (allow-listed): its secret shown once.
  const hooks = page.getByRole("region", { name: "Webhooks" });
  await hooks.getByLabel("URL").fill("http://169.254.169.254/latest");
  await hooks.getByRole("button", { name: "Add webhook" }).click();
  await hooks.getByText(/link-local/).waitFor();
  const url = `http://127.0.0.1:${receiver.address().port}/hook`;
  await hooks.getByLabel("URL").fill(url);
  await hooks.getByRole("button", { name: "Add webhook" }).click();
  const secret = (await page.getByTestId("webhook-secret").locator("code").innerText()).trim();
  assert.match(secret, /^whsec_[0-9a-f]{64}$/);
  const [webhook] = (await api("/webhooks", { token: user.token })).body;
  assert.equal(webhook.url, url);
  assert.equal(webhook.secret, undefined, "the list never shows the secret");

  // The rule, through the form.
  const rules = page.getByRole("region", { name: "Alert rules" });
  await rules.getByLabel("Watches").selectOption({ label: "Flaky bot" });
  await rules.getByLabel("Metric").selectOption("error_rate");
  await rules.getByLabel("Webhook").selectOption({ label: url });
  await rules.getByLabel("Above").fill("20");
  await rules.getByLabel("Window (min)").fill("5");
  await rules.getByLabel("At least calls").fill("4");
  await rules.getByRole("button", { name: "Create rule" }).click();
  await page.getByTestId("rule").waitFor();
  const [rule] = (await api("/alert-rules", { token: user.token })).body;
  assert.deepEqual(
    [rule.assistantId, rule.metric, rule.threshold, rule.windowMinutes, rule.minCalls, rule.webhookId],
    [bot.id, "error_rate", 20, 5, 4, webhook.id],
  );

  // Three good calls, then three failures: 50 % of six calls, above 20 %: one toast.
  await page.locator('[data-testid="toasts"][data-state="live"]').waitFor({ state: "attached", timeout: 15_000 });
  const ok = { model: "gpt-4o", status: "success", latencyMs: 120 };
  const failed = { model: "gpt-4o", status: "error", latencyMs: 900 };
  let res = await api(`/assistants/${bot.id}/events`, { method: "POST", token: user.token, body: [ok, ok, ok] });
  assert.equal(res.status, 200);
  assert.equal(await page.getByTestId("rule-toast").count(), 0, "3 calls: under minCalls, not judged");
  res = await api(`/assistants/${bot.id}/events`, { method: "POST", token: user.token, body: [failed, failed, failed] });
  assert.equal(res.status, 200);
  const toast = page.locator(`[data-testid="rule-toast"][data-rule-id="${rule.id}"]`);
  await toast.waitFor({ timeout: 5_000 });
  assert.match(await toast.innerText(), /error rate > 20% over 5 min: 50\.0% \(6 calls\)/);
  await shot(page, "40-rule-toast");

  // Delivered once, signed with the secret the page showed; the history says so.
  await eventually(() => assert.equal(received.length, 1), { timeout: 10_000 });
  const payload = JSON.parse(received[0].body.toString());
  assert.equal(payload.kind, "error_rate");
  assert.equal(payload.rule.ruleId, rule.id);
  assert.ok(verifies(secret, received[0].signature, received[0].body), "signature verifies");
  assert.ok(!verifies("whsec_other", received[0].signature, received[0].body));
  await page.reload();
  const row = page.locator(`[data-testid="rule-alert"][data-rule-id="${rule.id}"]`);
  await row.waitFor();
  assert.equal(await row.getByTestId("delivery").getAttribute("data-state"), "delivered");
  assert.match(await row.innerText(), /50\.0% of 6 calls[\s\S]*firing[\s\S]*delivered \(1 attempt, 204\)/);
  assert.equal(await page.locator('[data-testid="rule"][data-firing="true"]').count(), 1);
  const history = (await api("/alert-rules/alerts", { token: user.token })).body;
  assert.equal(history.length, 1);
  assert.equal(history[0].delivery.state, "delivered");
  await shot(page, "41-alerts");
  assert.equal(received.length, 1, "delivered once");

  // A budget gets the same webhook from its form.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Budgets", exact: true }).click();
  await page.waitForURL((u) => u.pathname === "/budgets");
  await page.getByLabel("Limit (US$)", { exact: true }).fill("5");
  await page.locator("#budget-webhook").selectOption({ label: url });
  await page.getByRole("button", { name: "Create budget" }).click();
  await page.getByTestId("budget-webhook").waitFor();
  const [budget] = (await api("/budgets", { token: user.token })).body;
  assert.equal(budget.webhookId, webhook.id);
});
