// Accounts in the browser: register → log in → overview; a wrong password shows an error;
// pages that need a session send visitors to the login page and back. REST-only: works on
// the hub as it is.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  BASE_URL, PASSWORD, api, eventually, logInUi, newUser, openBrowser, shot, uniqueEmail,
  TEST_TIMEOUT,
} from "../helpers.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

test("register, then log in, then see the empty overview", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const email = uniqueEmail("register");
  await page.goto(`${BASE_URL}/register`);
  await page.getByRole("heading", { name: "Create your account" }).waitFor();
  await shot(page, "01-register");
  await page.getByLabel("Name (optional)").fill("  Ada Lovelace ");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();

  await page.waitForURL((url) => url.pathname === "/login");
  await page.getByText("Account created. Log in to continue.").waitFor();
  assert.equal(await page.getByLabel("Email").inputValue(), email);
  await shot(page, "02-login-after-register");
  const login = await api("/auth/login", { method: "POST", body: { email, password: PASSWORD } });
  assert.equal(login.status, 200);
  assert.equal(login.body.user.name, "Ada Lovelace", "the name given at registration is stored, trimmed");

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  await page.getByRole("heading", { name: "Assistants" }).waitFor();
  await page.getByText("No assistants yet").waitFor();
  assert.match(await page.locator(".nav-email").innerText(), new RegExp(email.replace(/[.+]/g, "\\$&")));
  assert.equal(await page.getByTestId("nav-name").innerText(), "Ada Lovelace", "the nav names the user");
  await shot(page, "03-overview-empty");

  // The session survives a reload (localStorage).
  await page.reload();
  await page.getByText("No assistants yet").waitFor();

  await page.getByRole("button", { name: "Log out" }).click();
  await page.waitForURL((url) => url.pathname === "/login");
  assert.deepEqual(browser.errors, []);
});

test("a wrong password shows an error and logs nobody in", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("wrongpw");
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Log in" }).click();

  const error = page.getByTestId("login-error");
  await error.waitFor();
  assert.equal((await error.innerText()).trim(), "Wrong email or password.");
  assert.equal(await error.getAttribute("role"), "alert");
  assert.equal(new URL(page.url()).pathname, "/login");
  const stored = await page.evaluate(() => localStorage.getItem("metrics-hub.session"));
  assert.equal(stored, null);
  await shot(page, "04-login-wrong-password");

  // The right password then works.
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  await page.getByRole("button", { name: "Log out" }).click();
  await page.waitForURL((url) => url.pathname === "/login");
});

test("registration problems are explained next to the form", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  await page.goto(`${BASE_URL}/register`);
  await page.getByLabel("Email").fill(uniqueEmail("short"));
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText("Password must be at least 8 characters").waitFor();

  const taken = await newUser("taken");
  await page.getByLabel("Email").fill(taken.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByText(/already registered/).waitFor();
  assert.equal(new URL(page.url()).pathname, "/register");
});

test("pages that need a session go to the login page and back", { timeout: TEST_TIMEOUT }, async () => {
  const { page } = browser;
  const user = await newUser("next");
  await page.goto(`${BASE_URL}/wall`);
  await page.waitForURL((url) => url.pathname === "/login" && url.searchParams.get("next") === "/wall");
  await logInUi(page, user.email, PASSWORD, "/wall");
  await page.getByTestId("wall").waitFor();
  await page.getByText("No assistants yet").waitFor();

  // An expired or forged session is dropped, and the user is asked to log in again.
  await page.evaluate(() => {
    const s = JSON.parse(localStorage.getItem("metrics-hub.session"));
    s.token = "forged.token.value";
    localStorage.setItem("metrics-hub.session", JSON.stringify(s));
  });
  await page.goto(`${BASE_URL}/`);
  await eventually(async () => assert.equal(new URL(page.url()).pathname, "/login"));
  const res = await api(`/users/${user.userId}/assistants`, { token: "forged.token.value" });
  assert.equal(res.status, 401);
  assert.deepEqual(browser.errors, []);
});
