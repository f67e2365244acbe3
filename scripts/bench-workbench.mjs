// What the workbench benchmarks (bench:scale, bench:browse:workbench) share: a code-server workbench opened in
// headless chromium with the extension and a benchmark agent in its extension host, closed again (also when the
// run fails), and the client that asks that agent over HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openWorkbench, repoRoot, startCodeServer } from '../test/host/cs-harness.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const openWorkbenches = new Set();

/**
 * A fresh code-server and workbench page. `agent` (a compiled test/host/bench script) runs in the extension host
 * of `extensionPath`; without it the workbench has no extension (the empty one memory is compared against).
 * `prepare(cs)` runs between the server's start and the page's. `pageInit` runs in the page before its scripts.
 */
export async function openBenchWorkbench({ prefix, env = {}, settings, agent, extensionPath = repoRoot, prepare, pageInit }) {
  const workspace = mkdtempSync(path.join(tmpdir(), prefix));
  const cs = await startCodeServer({ workspace, env, ...(settings ? { settings } : {}) });
  await prepare?.(cs);
  const wb = await openWorkbench({
    authority: cs.authority, home: cs.home, workspace,
    ...(agent ? { extensionDevelopmentPath: extensionPath, extensionTestsPath: path.join(repoRoot, agent) } : {}),
  });
  await wb.page.exposeFunction('codeAutomationLog', () => {});
  await wb.page.exposeFunction('codeAutomationExit', () => {});
  if (pageInit) await wb.page.addInitScript(pageInit);
  // A loaded machine (other test runs beside this one) can take longer than playwright's 30 s to serve the workbench.
  await wb.page.goto(wb.url, { timeout: 180_000 });
  const close = async () => {
    openWorkbenches.delete(close);
    try { await wb.browser.close(); } catch { /* closed */ }
    await cs.stop();
    rmSync(workspace, { recursive: true, force: true });
  };
  openWorkbenches.add(close);
  return { cs, page: wb.page, close };
}

/** Closes every workbench still open (the end of a run, or its failure). */
export async function closeBenchWorkbenches() {
  for (const close of [...openWorkbenches]) await close().catch(() => {});
}

/** Asks the agent on `port`: GET /what?params, JSON back; retried (every 100 ms, `tries` times) until it listens. */
export function agentClient(port, tries = 600) {
  return async (what, params = {}) => {
    const url = `http://127.0.0.1:${port}/${what}?${new URLSearchParams(params)}`;
    for (let i = 0; ; i++) {
      try {
        const res = await fetch(url);
        const body = await res.json();
        if (!res.ok) throw new Error(body.error);
        return body;
      } catch (e) {
        if (i > tries || (e.message && !/fetch failed|ECONNREFUSED/.test(e.message + (e.cause?.code ?? '')))) throw e;
        await sleep(100);
      }
    }
  };
}
