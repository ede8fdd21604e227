// The prices page (`/prices`): the table in force and its history equal `GET /prices`; an
// admin adds a version through the form (a refused one shows the hub's message under its
// field); a user adds an override of their own, a token-only call of theirs is priced with it
// and the `/runs` drill-down names that version and shows the cost; the override is removed
// again. The analytics cards say "not reported" for agent metrics nobody sent.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import {
  BASE_URL, api, eventually, logInUi, makeAdmin, newAssistant, newUser, openBrowser, shot,
  TEST_TIMEOUT,
} from "../helpers.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

const rowsOf = (page, testId) => page.evaluate((id) => [...document.querySelectorAll(`[data-testid="${id}"]`)]
  .map((r) => ({ id: Number(r.dataset.id), model: r.dataset.model })), testId);

/** Per model, the id of the version in force now (what the "in force" table shows). */
function inForce(prices) {
  const now = Date.now();
  const byModel = new Map();
  for (const p of prices) {
    const at = Date.parse(p.effectiveFrom);
    const best = byModel.get(p.model);
    if (at <= now && (!best || at > Date.parse(best.effectiveFrom))) byModel.set(p.model, p);
  }
  return [...byModel.values()].map((p) => ({ id: p.id, model: p.model }))
    .sort((a, b) => a.model.localeCompare(b.model));
}

test("prices are read, added by admins, overridden by users and name the runs they price", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const tag = randomBytes(3).toString("hex");
  const model = `e2e-model-${tag}`;
  const admin = await makeAdmin(await newUser("prices-admin"));
  const user = await newUser("prices");
  const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const added = await api("/prices", {
    method: "POST", token: admin.token,
    body: { model, inputPerMtok: 2, outputPerMtok: 8, cacheReadPerMtok: 0.5, effectiveFrom: twoDaysAgo },
  });
  assert.equal(added.status, 201, JSON.stringify(added.body));

  // A user reads the page: it is the API's table, and offers no table form.
  await logInUi(page, user.email);
  await page.getByRole("link", { name: "Prices" }).click();
  await page.waitForURL((url) => url.pathname === "/prices");
  await page.getByTestId("price-table").waitFor();
  let table = (await api("/prices", { token: user.token })).body;
  assert.deepEqual(await rowsOf(page, "price-row"), inForce(table));
  const versions = (await rowsOf(page, "price-version")).map((v) => v.id).sort((a, b) => a - b);
  assert.deepEqual(versions, table.map((p) => p.id).sort((a, b) => a - b));
  const row = page.locator(`[data-testid="price-row"][data-model="${model}"]`);
  assert.equal(await row.locator('[data-field="cacheRead"]').getAttribute("data-value"), "0.5");
  assert.equal(await page.getByTestId("price-form").count(), 0, "only admins see the table form");
  await page.getByTestId("overrides-empty").waitFor();

  // An admin adds a version through the form; a refused one says why under its field.
  await logInUi(page, admin.email);
  await page.goto(`${BASE_URL}/prices`);
  const form = page.getByTestId("price-form");
  await form.waitFor();
  await page.locator("#price-model").fill(`${model}-b`);
  await page.locator("#price-input").fill("-1");
  await page.locator("#price-output").fill("12");
  await form.getByRole("button", { name: "Add version" }).click();
  await eventually(async () => assert.match(await form.locator(".field-error").innerText(), /between 0 and/));
  assert.equal((await api("/prices", { token: user.token })).body.length, table.length, "nothing stored");
  await page.locator("#price-input").fill("3");
  await page.locator("#price-cache").fill("0.3");
  await form.getByRole("button", { name: "Add version" }).click();
  await page.locator(`[data-testid="price-row"][data-model="${model}-b"]`).waitFor();
  table = (await api("/prices", { token: user.token })).body;
  const fromForm = table.find((p) => p.model === `${model}-b`);
  assert.deepEqual([fromForm.inputPerMtok, fromForm.outputPerMtok, fromForm.cacheReadPerMtok], [3, 12, 0.3]);
  await eventually(async () => assert.deepEqual(await rowsOf(page, "price-row"), inForce(table)));

  // The user adds an override (a contract price) for the model.
  await logInUi(page, user.email);
  await page.goto(`${BASE_URL}/prices`);
  const overrideForm = page.getByTestId("override-form");
  await overrideForm.waitFor();
  await page.locator("#override-model").fill(model);
  await page.locator("#override-input").fill("1");
  await page.locator("#override-output").fill("2");
  await overrideForm.getByRole("button", { name: "Add override" }).click();
  await page.locator(`[data-testid="override"][data-model="${model}"]`).waitFor();
  const overrides = (await api("/prices/overrides", { token: user.token })).body;
  assert.equal(overrides.length, 1);
  assert.deepEqual([overrides[0].model, overrides[0].inputPerMtok, overrides[0].ownerId], [model, 1, user.userId]);
  await shot(page, "70-prices");

  // A token-only call of the user's is priced with the override; the drill-down says so.
  const assistant = await newAssistant(user, "Priced bot");
  const posted = await api(`/assistants/${assistant.id}/events`, {
    method: "POST", token: user.token,
    body: { model, tokensIn: 1000, tokensOut: 100, cacheReadTokens: 200 },
  });
  assert.equal(posted.status, 200, JSON.stringify(posted.body));
  const run = (await api(`/runs?assistant=${assistant.id}`, { token: user.token })).body.runs[0];
  // 1000 × $1 + 100 × $2 per million (the override has no cache-read price).
  assert.equal(run.cost, 0.0012);
  assert.deepEqual(run.price, { id: overrides[0].id, model, effectiveFrom: overrides[0].effectiveFrom, isOverride: true });
  await page.getByRole("link", { name: "Runs" }).click();
  await page.waitForURL((url) => url.pathname === "/runs");
  await page.locator(`[data-testid="run-row"][data-id="${run.id}"]`).click();
  const detail = page.getByTestId("run-detail");
  await detail.waitFor();
  const pricing = await detail.locator('[data-field="Pricing"]').innerText();
  assert.match(pricing, new RegExp(`^priced with ${model} version effective \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC \\(override\\)$`));
  assert.equal(await detail.locator('[data-field="Cost"]').innerText(), "$0.0012");
  assert.equal(await detail.locator('[data-field="Cache-read tokens"]').innerText(), "200");
  assert.equal(await detail.locator('[data-field="LLM calls"]').innerText(), "not reported");

  // No run of the user's reported agent calls: the analytics cards say so.
  await page.getByRole("link", { name: "Analytics" }).click();
  await page.getByTestId("kpi-avgLlmCalls").waitFor();
  assert.equal((await page.getByTestId("kpi-avgLlmCalls").locator("dd").innerText()).trim(), "not reported");
  assert.equal(await page.getByTestId("kpi-avgLlmCalls").getAttribute("data-value"), "");
  // The one call read 200 of its 1000 input tokens from the cache.
  assert.equal(await page.getByTestId("kpi-cacheHitRate").getAttribute("data-value"), "0.2");

  // The user removes the override: gone from the page and the API.
  await page.getByRole("link", { name: "Prices" }).click();
  await page.getByRole("button", { name: new RegExp(`Remove the ${model} override`) }).click();
  await page.getByTestId("overrides-empty").waitFor();
  assert.deepEqual((await api("/prices/overrides", { token: user.token })).body, []);
});
