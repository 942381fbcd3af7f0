/**
 * A local S3-compatible server for end-to-end tests: moto's `moto_server` (PyPI `moto[server]`, installed by
 * .ci/run), bound to 127.0.0.1 on a free port. Callers give it fake static credentials through the standard
 * environment variables; it accepts any.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface S3Server {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export async function startS3Server(): Promise<S3Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-2000)));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`moto_server did not start (pip install "moto[server]"): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`moto_server exited with ${code}: ${log}`)));
  });
  const ready = (async () => {
    for (let i = 0; i < 300; i++) {
      try {
        await fetch(`${url}/moto-api/`);
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new Error(`moto_server did not answer on ${url} within 30 s: ${log}`);
  })();
  await Promise.race([ready, failed]);
  failed.catch(() => undefined);
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
