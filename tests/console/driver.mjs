// A small remote control for Debian's Chromium, for kw's console tests: one JSON
// command per line on stdin, one JSON answer per line on stdout, so a Rust test can
// interleave browser steps with cluster actions (kill a consumer, kill -9 a node).
// Commands: goto {url}, wait {js, timeout_ms} (polls the expression in the page
// until it is truthy), eval {js}, click {selector}, fill {selector, value},
// screenshot {path}, close. The browser is the system's (KW_CHROMIUM, default
// /usr/bin/chromium); no browser is ever downloaded.
import { chromium } from "playwright-core";
import { createInterface } from "node:readline";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const profile = mkdtempSync(join(tmpdir(), "kw-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.KW_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
});
const page = context.pages()[0] || (await context.newPage());
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));

function answer(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

async function run(cmd) {
  switch (cmd.op) {
    case "goto":
      await page.goto(cmd.url, { waitUntil: "load" });
      return null;
    case "wait": {
      const handle = await page.waitForFunction(cmd.js, null, { timeout: cmd.timeout_ms ?? 15000, polling: 100 });
      return await handle.jsonValue();
    }
    case "eval":
      return await page.evaluate(cmd.js);
    case "click":
      await page.click(cmd.selector, { timeout: cmd.timeout_ms ?? 10000 });
      return null;
    case "fill":
      await page.fill(cmd.selector, cmd.value, { timeout: cmd.timeout_ms ?? 10000 });
      return null;
    case "screenshot":
      await page.screenshot({ path: cmd.path, fullPage: true });
      return null;
    case "errors":
      return errors;
    default:
      throw new Error(`unknown op ${cmd.op}`);
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch (e) {
    answer({ ok: false, error: `bad command: ${e}` });
    continue;
  }
  if (cmd.op === "close") break;
  try {
    answer({ ok: true, value: await run(cmd) });
  } catch (e) {
    answer({ ok: false, error: String(e && e.message ? e.message : e), page_errors: errors });
  }
}
await context.close();
rmSync(profile, { recursive: true, force: true });
