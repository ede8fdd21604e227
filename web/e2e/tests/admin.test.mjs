// Administration in the browser: the first administrator is created with the command line
// (`metrics-hub admin create`, password on standard input), logs in, finds /admin in the nav,
// searches a user (the table agrees with the API), disables them (their token is refused at once
// and the login page tells them why), enables them again, deletes one of their assistants after a
// confirmation that says what goes with it (numbers equal to the API's), and runs the storage
// cleanup. An owner renames and deletes an assistant from its own page.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE_URL, PASSWORD, api, eventually, hubCli, logInUi, newAssistant, newUser, openBrowser, shot,
  testIdText, uniqueEmail, TEST_TIMEOUT,
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

/** The user's row on /admin. */
function row(page, email) {
  return page.locator(`[data-testid="user"][data-email="${email}"]`);
}

test("the first admin, made on the command line, searches, disables and enables a user and deletes their assistant", { timeout: TEST_TIMEOUT }, async () => {
  const rootEmail = uniqueEmail("root");
  const out = hubCli(["admin", "create", "--email", rootEmail, "--name", "Root Admin", "--password-stdin"], `${PASSWORD}\n`);
  assert.match(out, /created administrator/);
  const root = (await api("/auth/login", { method: "POST", body: { email: rootEmail, password: PASSWORD } })).body;
  assert.equal(root.user.role, "admin");

  const victim = await newUser("victim");
  const doomed = await newAssistant(victim, "Doomed bot");
  await newAssistant(victim, "Kept bot");
  await postEvents(victim, doomed.id, [{ cost: 0.25, model: "gpt-4o" }, { cost: 0.5, model: "gpt-4o" }]);
  await newUser("bystander");

  const page = browser.page;
  await logInUi(page, rootEmail);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin", exact: true }).click();
  await page.waitForURL((url) => url.pathname === "/admin");
  await page.getByTestId("users").waitFor();
  await page.getByTestId("storage").waitFor();
  await shot(page, "70-admin");

  // Search: the table shows what the API finds.
  const needle = victim.email.slice(4, 16);
  await page.getByTestId("user-search").fill(needle);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  const found = (await api(`/admin/users?search=${encodeURIComponent(needle)}`, { token: root.accessToken })).body;
  assert.equal(found.total, 1);
  await eventually(async () => {
    const emails = await page.locator('[data-testid="user"]').evaluateAll((rows) => rows.map((r) => r.dataset.email));
    assert.deepEqual(emails, found.users.map((u) => u.email));
  });
  assert.match(await testIdText(page, "users-paging"), /1–1 of 1/);
  const victimRow = row(page, victim.email);
  assert.match(await victimRow.innerText(), /\$0\.75/);

  // Disable: the row says so, the API agrees, the user's token is refused at once.
  await victimRow.getByRole("button", { name: "Disable" }).click();
  await eventually(async () => assert.equal(await victimRow.getAttribute("data-disabled"), "true"));
  const refused = await api(`/users/${victim.userId}/assistants`, { token: victim.token });
  assert.equal(refused.status, 403);
  assert.match(refused.body.detail, /disabled/);

  // Their login is refused, saying why (in a browser of their own).
  const theirs = await openBrowser();
  try {
    await theirs.page.goto(`${BASE_URL}/login`);
    await theirs.page.getByLabel("Email").fill(victim.email);
    await theirs.page.getByLabel("Password").fill(PASSWORD);
    await theirs.page.getByRole("button", { name: "Log in" }).click();
    await theirs.page.getByTestId("login-error").waitFor();
    assert.match(await testIdText(theirs.page, "login-error"), /disabled by an administrator/);
    assert.equal(new URL(theirs.page.url()).pathname, "/login");
  } finally {
    await theirs.close();
  }

  await victimRow.getByRole("button", { name: "Enable" }).click();
  await eventually(async () => assert.equal(await victimRow.getAttribute("data-disabled"), "false"));
  assert.equal((await api(`/users/${victim.userId}/assistants`, { token: victim.token })).status, 200);

  // Delete one of their assistants: the confirmation names what goes, as the API counts it.
  await victimRow.getByRole("button", { name: "Assistants" }).click();
  const card = page.locator(`[data-testid="admin-assistant"][data-assistant-id="${doomed.id}"]`);
  await card.getByRole("button", { name: "Delete assistant…" }).click();
  const consequences = await card.getByTestId("delete-consequences").innerText();
  const preview = (await api(`/assistants/${doomed.id}/deletion`, { token: root.accessToken })).body;
  assert.equal(preview.samples, 2);
  assert.match(consequences, new RegExp(`${preview.samples} stored samples .* ${preview.days} day \\(${preview.calls} calls\\)`));
  await shot(page, "71-admin-delete-confirm");
  await card.getByRole("button", { name: "Delete for good" }).click();
  await card.waitFor({ state: "detached" });
  assert.equal((await api(`/assistants/${doomed.id}`, { token: root.accessToken })).status, 404);
  const left = (await api(`/users/${victim.userId}/assistants`, { token: victim.token })).body;
  assert.deepEqual(left.map((a) => a.name), ["Kept bot"]);

  // Storage: the cleanup runs and says what it removed.
  await page.getByTestId("run-cleanup").click();
  await page.getByTestId("cleanup-result").waitFor();
  assert.match(await testIdText(page, "cleanup-result"), /Cleanup done: \d+ raw samples and \d+ minute rollups removed/);
  assert.ok(await page.locator('[data-testid="storage"] tr[data-table="usage_samples"]').count() === 1);
  assert.deepEqual(browser.errors, []);
});

test("an owner renames and deletes an assistant from its page; users have no admin link", { timeout: TEST_TIMEOUT }, async () => {
  const owner = await newUser("owner");
  const bot = await newAssistant(owner, "Old name");
  const page = browser.page;
  await logInUi(page, owner.email);
  assert.equal(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin", exact: true }).count(), 0);
  await page.goto(`${BASE_URL}/assistants/${bot.id}`);
  await page.getByText("Manage this assistant").click();
  await page.getByLabel("Name", { exact: true }).fill("New name");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await eventually(async () => assert.equal(await testIdText(page, "assistant-name"), "New name"));
  assert.equal((await api(`/assistants/${bot.id}`, { token: owner.token })).body.name, "New name");

  await page.getByRole("button", { name: "Delete assistant…" }).click();
  assert.match(await testIdText(page, "delete-consequences"), /Deleting “New name” removes 0 stored samples/);
  await page.getByRole("button", { name: "Delete for good" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  assert.equal((await api(`/assistants/${bot.id}`, { token: owner.token })).status, 404);
  assert.deepEqual(browser.errors, []);
});
