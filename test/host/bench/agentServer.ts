/**
 * The HTTP side of a benchmark agent in the extension host (the benchmark asks it with scripts/bench-workbench.mjs's
 * agentClient): GET /path?params answered by `answer` as JSON, a thrown error as 500 { error }, on 127.0.0.1:port,
 * until GET /finish. Resolves once finished and closed.
 */
import * as http from 'http';

export async function serveAgent(name: string, port: number, answer: (url: URL) => Promise<unknown>): Promise<void> {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => { finish = resolve; });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://agent');
    // The reply to /finish goes out before the agent (and with it the extension host's test run) ends.
    if (url.pathname === '/finish') setTimeout(finish, 50);
    (url.pathname === '/finish' ? Promise.resolve({}) : answer(url)).then(
      (body) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify(body ?? null)); },
      (e: unknown) => { res.statusCode = 500; res.end(JSON.stringify({ error: String(e) })); },
    );
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  console.log(`${name} agent on 127.0.0.1:${port}`);
  await finished;
  server.close();
}
