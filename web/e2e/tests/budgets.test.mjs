// Budgets and alerts in the browser: a budget is created on /budgets (after the hub refused a
// bad one, field by field), events ingested over REST cross its 50 % and then its 80 % and
// 100 % thresholds, each alert shows as a toast within a second on whatever page is open
// (dismissable, gone after about 10 s), /alerts lists them, and the budget is edited and
// deleted through the page, with the API agreeing at every step.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE_URL, api, eventually, logInUi, newAssistant, newUser, openBrowser, shot, testIdText,
  TEST_TIMEOUT,
} from "../helpers.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

async function postEvents(user, assistantId, events) {
  const res = await api(`/assistants/${assistantId}/events`, { method: "POST", token: user.token, body: events });
  assert.equal(res.status, 200, `POST /events answered ${res.status}: ${JSON.stringify(res.body)}`);
}

async function budgets(user) {
  const res = await api("/budgets", { token: user.token });
  assert.equal(res.status, 200);
  return res.body;
}

/** Follows a link of the navigation bar (inside the app: no reload, the live feed stays). */
async function navTo(page, name) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true }).click();
}

/** The toasts on screen, as `{threshold, text}`. */
async function toasts(page) {
  return page.locator('[data-testid="toast"]').evaluateAll((list) =>
    list.map((t) => ({ threshold: Number(t.dataset.threshold), text: t.innerText, role: t.getAttribute("role") })));
}

/** Waits (at most `ms`) for a toast of `threshold` and returns how long it took. */
async function toastWithin(page, threshold, since, ms = 1000) {
  await page.locator(`[data-testid="toast"][data-threshold="${threshold}"]`).waitFor({ timeout: ms });
  return Date.now() - since;
}

test("a budget made in the UI alerts as toasts on any page, lists its alerts, and is edited and deleted in the UI", { timeout: TEST_TIMEOUT }, async () => {
  const user = await newUser("budgets");
  const spender = await newAssistant(user, "Spender bot");
  const page = browser.page;
  await logInUi(page, user.email);
  await navTo(page, "Budgets");
  await page.waitForURL((url) => url.pathname === "/budgets");
  await page.getByText("No budgets yet").waitFor();
  await shot(page, "30-budgets-empty");

  // Refused by the hub: each message under its field, nothing created.
  await page.getByLabel("Limit (US$)", { exact: true }).fill("-5");
  await page.getByLabel("Thresholds (%)", { exact: true }).fill("50, 2000");
  await page.getByRole("button", { name: "Create budget" }).click();
  const form = page.getByRole("form", { name: "New budget" });
  await form.getByText("must be above 0 and at most 1000000 US dollars").waitFor();
  await form.getByText("2000 is not a percentage from 1 to 1000").waitFor();
  assert.deepEqual(await budgets(user), []);

  await page.getByLabel("Applies to").selectOption({ label: "Spender bot" });
  await page.getByLabel("Period").selectOption("daily");
  await page.getByLabel("Limit (US$)", { exact: true }).fill("1");
  await page.getByLabel("Thresholds (%)", { exact: true }).fill("50, 80, 100");
  await page.getByRole("button", { name: "Create budget" }).click();
  const card = page.getByTestId("budget");
  await card.waitFor();
  let [budget] = await budgets(user);
  assert.equal(budget.assistantId, spender.id);
  assert.equal(budget.period, "daily");
  assert.equal(budget.limit, 1);
  assert.deepEqual(budget.thresholds, [50, 80, 100]);
  assert.equal(await card.getAttribute("data-budget-id"), String(budget.id));
  assert.equal(await testIdText(page, "budget-spent"), "$0.00 of $1.00");
  assert.equal(await card.getByTestId("threshold-mark").count(), 3);

  // 55 %: one toast within a second, on the budgets page.
  await page.locator('[data-testid="toasts"][data-state="live"]').waitFor({ state: "attached", timeout: 15_000 });
  let sent = Date.now();
  await postEvents(user, spender.id, [{ cost: 0.3 }, { cost: 0.25 }]);
  const first = await toastWithin(page, 50, sent);
  const shown = await toasts(page);
  assert.equal(shown.length, 1, JSON.stringify(shown));
  assert.equal(shown[0].role, "status");
  assert.match(shown[0].text, /Budget at 50%/);
  assert.match(shown[0].text, /Spender bot \(daily\): \$0\.55 of \$1\.00 spent/);
  await shot(page, "31-budget-toast");

  // On another page (navigating inside the app), 105 %: the 80 % and 100 % toasts.
  await navTo(page, "Assistants");
  await page.waitForURL((url) => url.pathname === "/");
  sent = Date.now();
  await postEvents(user, spender.id, [{ cost: 0.5 }]);
  const second = [await toastWithin(page, 80, sent), await toastWithin(page, 100, sent)];
  assert.deepEqual((await toasts(page)).map((t) => t.threshold), [50, 80, 100]);
  console.log(`toasts after ${first} ms and ${second.join(", ")} ms`);
  // Dismissed by hand, or gone by themselves after about 10 s.
  await page.locator('[data-testid="toast"][data-threshold="80"]').getByRole("button", { name: "Dismiss" }).click();
  assert.deepEqual((await toasts(page)).map((t) => t.threshold), [50, 100]);
  await eventually(async () => assert.deepEqual(await toasts(page), []), { timeout: 13_000 });

  await navTo(page, "Alerts");
  await page.waitForURL((url) => url.pathname === "/alerts");
  const rows = page.getByTestId("alert");
  await eventually(async () => assert.equal(await rows.count(), 3));
  const thresholds = await rows.evaluateAll((list) => list.map((r) => Number(r.dataset.threshold)));
  assert.deepEqual(thresholds, [100, 80, 50], "newest first");
  const history = (await api("/budgets/alerts", { token: user.token })).body;
  assert.deepEqual(history.map((a) => [a.threshold, a.spent]), [[100, 1.05], [80, 1.05], [50, 0.55]]);
  assert.match(await rows.first().innerText(), /100%[\s\S]*\$1\.05[\s\S]*\$1\.00/);
  await shot(page, "32-alerts");

  // Edit: a refused change shows its message and changes nothing; a good one is saved.
  await navTo(page, "Budgets");
  await card.waitFor();
  assert.equal(await testIdText(page, "budget-percent"), "105%");
  await card.getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("New thresholds (%)").fill("0, 75");
  await page.getByRole("button", { name: "Save" }).click();
  await card.getByText("0 is not a percentage from 1 to 1000").waitFor();
  [budget] = await budgets(user);
  assert.deepEqual([budget.limit, budget.thresholds], [1, [50, 80, 100]]);
  await page.getByLabel("New limit (US$)").fill("2");
  await page.getByLabel("New thresholds (%)").fill("75, 25");
  await page.getByRole("button", { name: "Save" }).click();
  await eventually(async () => assert.equal(await testIdText(page, "budget-thresholds"), "25%, 75%"));
  [budget] = await budgets(user);
  assert.deepEqual([budget.limit, budget.thresholds, budget.percentUsed], [2, [25, 75], 52.5]);
  assert.equal(await testIdText(page, "budget-spent"), "$1.05 of $2.00");
  await shot(page, "33-budget-edited");

  // Delete, after the confirmation.
  page.once("dialog", (dialog) => dialog.accept());
  await card.getByRole("button", { name: "Delete" }).click();
  await page.getByText("No budgets yet").waitFor();
  assert.deepEqual(await budgets(user), []);
  assert.deepEqual((await api("/budgets/alerts", { token: user.token })).body, []);
  assert.deepEqual(browser.errors, []);
});
