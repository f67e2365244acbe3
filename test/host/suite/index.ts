/**
 * Entry point the extension host loads (extensionTestsPath = out/test/host/suite/index.js): runs every
 * *.test.js in this folder with mocha (tdd ui), in name order. Host-agnostic: the same file works under
 * code-server (test/host/run-host-tests.mjs) and under @vscode/test-electron on a desktop.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, slow: 5_000 });
  const grep = process.env.DNV_HOST_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const st = runner.stats!;
      // The closing line the runners look for: 'N passed, N failed'.
      console.log(`${st.passes} passed, ${st.failures} failed` + (st.pending ? `, ${st.pending} skipped` : ''));
      if (failures > 0) reject(new Error(`${failures} tests failed.`));
      else resolve();
    });
  });
}
