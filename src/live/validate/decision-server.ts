/**
 * The decision server: HTTP on 127.0.0.1 (ephemeral port) answering GET with the latest decision JSON in the job's
 * control format (flink-validate/README.md, "Control protocol"): {"version","share","batchRecords","maxWaitMs",
 * "maxInFlight"[, "fin"]}. The job's control source polls it.
 */
import { createServer, type Server } from 'node:http';
import type { FlinkDecision } from '../flink-job.js';

export interface DecisionServer {
  url: string;
  port: number;
  /** Replace the decision served from now on. */
  publish(d: FlinkDecision): void;
  current(): FlinkDecision;
  /** GET requests answered so far. */
  polls(): number;
  close(): Promise<void>;
}

export async function startDecisionServer(initial: FlinkDecision): Promise<DecisionServer> {
  let current = { ...initial };
  let polls = 0;
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    polls++;
    const body = JSON.stringify(current);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}/decision`,
    port,
    publish: (d) => {
      current = { ...d };
    },
    current: () => ({ ...current }),
    polls: () => polls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
