/**
 * Test hook: SPILLWAY_TEST_HOLD=<point> holds the process at that point, says so on stderr (`held at <point>`), and
 * waits for the abort signal (or, without one, until a signal handler ends the process). The interrupt tests use it
 * to send their Ctrl-C inside a window for sure; polling for files could send it too late on a loaded host.
 */
export type HoldPoint = 'staging' | 'first-run';

export async function holdForTest(point: HoldPoint, signal?: AbortSignal): Promise<void> {
  if (process.env.SPILLWAY_TEST_HOLD !== point) return;
  process.stderr.write(`held at ${point}\n`);
  await new Promise<void>((resolve) => {
    const keepAlive = setInterval(() => undefined, 1_000);
    if (signal?.aborted) return done();
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearInterval(keepAlive);
      resolve();
    }
  });
}
