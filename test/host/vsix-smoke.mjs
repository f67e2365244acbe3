// The packaged extension, as a user gets it: `npm run package` builds the .vsix, code-server installs it with
// --install-extension into an empty extensions folder, and a workbench with no development path must activate
// it from there and list the engine's networks. Also checks the .vsix holds no native module.
// Closing line: `N passed, N failed`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureCodeServerEnv, log, openWorkbench, repoRoot, sampleWorkspace, startCodeServer } from './cs-harness.mjs';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const extensionId = `${pkg.publisher}.${pkg.name}`;
const vsix = path.join(repoRoot, 'dist-vsix', `${pkg.name}.vsix`);
const results = [];
const check = async (name, fn) => {
  try { await fn(); results.push([name, true]); log(`ok   ${name}`); } catch (e) { results.push([name, false]); log(`FAIL ${name}: ${e.message.split('\n')[0]}`); }
};

const scratch = mkdtempSync(path.join(tmpdir(), 'dnv-vsix-'));
let cs; let browser;
try {
  await check('npm run package builds the .vsix', () => {
    execFileSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  });

  await check('the .vsix holds only allowlisted files and no native module', () => {
    const listing = execFileSync('python3', ['-m', 'zipfile', '-l', vsix], { encoding: 'utf8' });
    const files = listing.split('\n').slice(1).map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
    const natives = files.filter((f) => f.endsWith('.node'));
    if (natives.length) throw new Error(`native modules in the .vsix: ${natives.join(', ')}`);
    for (const must of ['extension/package.json', 'extension/dist/extension.js', 'extension/media/activity-bar.svg']) {
      if (!files.includes(must)) throw new Error(`${must} missing from the .vsix`);
    }
    const strays = files.filter((f) => /^extension\/(src|test|node_modules|scripts|out)\//.test(f));
    if (strays.length) throw new Error(`files outside the allowlist: ${strays.slice(0, 5).join(', ')}`);
  });

  const extensionsDir = path.join(scratch, 'extensions');
  await check('code-server installs the .vsix', () => {
    ensureCodeServerEnv();
    const env = { ...process.env, HOME: scratch, XDG_DATA_HOME: path.join(scratch, 'xdg-data'), XDG_CONFIG_HOME: path.join(scratch, 'xdg-config') };
    execFileSync(process.env.CODE_SERVER_NODE, [process.env.CODE_SERVER_ENTRY, '--extensions-dir', extensionsDir, '--install-extension', vsix], { env, stdio: 'pipe' });
    const list = execFileSync(process.env.CODE_SERVER_NODE, [process.env.CODE_SERVER_ENTRY, '--extensions-dir', extensionsDir, '--list-extensions'], { env, encoding: 'utf8' });
    if (!list.split('\n').includes(extensionId)) throw new Error(`${extensionId} not listed after install:\n${list}`);
  });

  await check('the installed extension activates and lists the engine\'s networks', async () => {
    cs = await startCodeServer({ workspace: sampleWorkspace, extensionsDir });
    const wb = await openWorkbench({ authority: cs.authority, home: cs.home, workspace: sampleWorkspace });
    browser = wb.browser;
    await wb.page.goto(wb.url);
    const icon = wb.page.locator('.activitybar [aria-label^="Docker Networks & Volumes"]').first();
    await icon.waitFor({ timeout: 60000 });
    await icon.click();
    const networks = wb.page.locator('.pane', { has: wb.page.locator('.pane-header', { hasText: 'Networks' }) }).first();
    await networks.locator('.monaco-list-row', { hasText: 'bridge' }).first().waitFor({ timeout: 30000 });
    await networks.locator('.pane-header', { hasText: /Engine \d/ }).first().waitFor({ timeout: 10000 });
  });
} finally {
  try { await browser?.close(); } catch { /* gone */ }
  await cs?.stop();
  rmSync(scratch, { recursive: true, force: true });
}
const passed = results.filter(([, ok]) => ok).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length ? 0 : 1);
