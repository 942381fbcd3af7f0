/**
 * A real Flink session cluster on this machine: one JobManager (StandaloneSessionClusterEntrypoint) and N
 * TaskManagers (TaskManagerRunner), each its own JVM, on a classpath Maven resolves from Maven Central
 * (flink-validate/session-cluster/pom.xml; flink-dist is not published for Flink 2.x). Everything binds to
 * 127.0.0.1 on free ports. Jobs go in over REST (flink-job.ts submitRemoteJob); remote channels between
 * TaskManagers then exist for real, unlike in a MiniCluster.
 *
 * Every JVM is killed on stop(), on an error while starting, and when this Node process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { flinkValidateDir, freePort } from './flink-job.js';
import { FlinkRestClient } from './flink-rest.js';

export const JOBMANAGER_CLASS = 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint';
export const TASKMANAGER_CLASS = 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner';

/** The module opens Flink's own launch scripts pass on Java 17 (env.java.opts.all). */
const JAVA_OPENS = ['lang', 'net', 'io', 'nio', 'lang.reflect', 'text', 'time', 'util', 'util.concurrent', 'util.concurrent.atomic', 'util.concurrent.locks']
  .map((p) => `--add-opens=java.base/java.${p}=ALL-UNNAMED`)
  .concat('--add-opens=java.base/sun.nio.ch=ALL-UNNAMED');

export interface SessionClusterOptions {
  /** Working directory: conf/, logs, savepoints. */
  dir: string;
  taskManagers?: number;
  slotsPerTaskManager?: number;
  /** More config.yaml entries (e.g. the adaptive scheduler and checkpointing for an in-place rescale). */
  extraConfig?: [string, string | number][];
  /** Time allowed for the REST API and every TaskManager to register (default 180 s). */
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface SessionCluster {
  restUrl: string;
  client: FlinkRestClient;
  taskManagers: number;
  slotsPerTaskManager: number;
  /** The config dir handed to every JVM (conf/config.yaml). */
  confDir: string;
  /** Starts one more TaskManager and waits until it registered; returns its start-to-registered time (ms). */
  addTaskManager(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * config.yaml for Flink 2.x. A TaskManager started without Flink's scripts must be given every memory component
 * and its CPU cores (the scripts compute them with BashJavaUtils): TaskExecutorResourceUtils refuses otherwise.
 */
export function sessionConfigYaml(c: { rpcPort: number; restPort: number; slots: number; savepointDir: string; extra?: [string, string | number][] }): string {
  const entries: [string, string | number][] = [
    ['jobmanager.rpc.address', '127.0.0.1'],
    ['jobmanager.rpc.port', c.rpcPort],
    ['jobmanager.bind-host', '127.0.0.1'],
    ['rest.address', '127.0.0.1'],
    ['rest.bind-address', '127.0.0.1'],
    ['rest.port', c.restPort],
    ['blob.server.port', '0'],
    ['taskmanager.host', '127.0.0.1'],
    ['taskmanager.bind-host', '127.0.0.1'],
    ['taskmanager.rpc.port', '0'],
    ['taskmanager.data.port', 0],
    ['taskmanager.numberOfTaskSlots', c.slots],
    ['taskmanager.cpu.cores', c.slots],
    ['taskmanager.memory.framework.heap.size', '128m'],
    ['taskmanager.memory.framework.off-heap.size', '128m'],
    ['taskmanager.memory.task.heap.size', '256m'],
    ['taskmanager.memory.task.off-heap.size', '0m'],
    ['taskmanager.memory.network.min', '64m'],
    ['taskmanager.memory.network.max', '64m'],
    ['taskmanager.memory.managed.size', '64m'],
    ['taskmanager.memory.jvm-metaspace.size', '256m'],
    ['taskmanager.memory.jvm-overhead.min', '192m'],
    ['taskmanager.memory.jvm-overhead.max', '192m'],
    ['jobmanager.memory.process.size', '1024m'],
    ['state.savepoints.dir', `file://${c.savepointDir}`],
    ['metrics.fetcher.update-interval', '1000 ms'],
    ['restart-strategy.type', 'none'],
    ['web.submit.enable', 'true'],
    ...(c.extra ?? []),
  ];
  return entries.map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
}

/** The session cluster's classpath: `mvn dependency:build-classpath` once, cached under the pom's target/. */
export async function sessionClasspath(offline = true): Promise<string> {
  const projectDir = join(flinkValidateDir(), 'session-cluster');
  const out = join(projectDir, 'target', 'classpath.txt');
  if (existsSync(out)) return readFileSync(out, 'utf8').trim();
  const args = ['-q', '-B', ...(offline ? ['-o'] : []), 'dependency:build-classpath', `-Dmdep.outputFile=${out}`];
  const code = await new Promise<number | null>((res, rej) => {
    const p = spawn('mvn', args, { cwd: projectDir, stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('error', rej);
    p.on('close', res);
  });
  if (code !== 0 || !existsSync(out)) {
    if (offline) return sessionClasspath(false); // first time on this machine: the artifacts are not in ~/.m2 yet
    throw new Error(`resolving the Flink session classpath failed (mvn ${args.join(' ')} in ${projectDir} exited ${code})`);
  }
  return readFileSync(out, 'utf8').trim();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Jvms {
  readonly children: { name: string; child: ChildProcess; log: WriteStream }[] = [];
  private readonly onExit = () => this.killNow();

  constructor(
    private readonly classpath: string,
    private readonly confDir: string,
    private readonly dir: string,
  ) {
    process.once('exit', this.onExit);
  }

  start(name: string, mainClass: string, heap: string): ChildProcess {
    const log = createWriteStream(join(this.dir, `${name}.log`));
    const args = [`-Xmx${heap}`, '-XX:MaxDirectMemorySize=256m', ...JAVA_OPENS, `-Dlog4j.configurationFile=${join(this.confDir, 'log4j.properties')}`];
    const child = spawn('java', [...args, '-cp', this.classpath, mainClass, '--configDir', this.confDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    this.children.push({ name, child, log });
    return child;
  }

  /** SIGTERM (Flink shuts down cleanly), SIGKILL whatever is left after graceMs. */
  async stop(graceMs = 10_000): Promise<void> {
    const alive = this.children.filter((c) => c.child.exitCode === null && c.child.signalCode === null);
    const exits = alive.map((c) => new Promise<void>((r) => c.child.once('close', () => r())));
    for (const c of alive) c.child.kill('SIGTERM');
    const timer = setTimeout(() => this.killNow(), graceMs);
    await Promise.all(exits);
    clearTimeout(timer);
    for (const c of this.children) c.log.end();
    process.removeListener('exit', this.onExit);
  }

  killNow(): void {
    for (const c of this.children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  }

  /** A JVM that died while starting, named. */
  dead(): string | null {
    const d = this.children.find((c) => c.child.exitCode !== null || c.child.signalCode !== null);
    return d ? `${d.name} exited with ${d.child.exitCode ?? d.child.signalCode} (see ${join(this.dir, `${d.name}.log`)})` : null;
  }
}

async function waitFor(what: string, deadline: number, jvms: Jvms, ok: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await ok().catch(() => false)) return;
    const dead = jvms.dead();
    if (dead) throw new Error(`Flink session cluster: ${dead}`);
    if (Date.now() > deadline) throw new Error(`Flink session cluster: ${what} not ready in time`);
    await sleep(250);
  }
}

/** Starts the JobManager, then the TaskManagers; resolves once every TaskManager is registered. */
export async function startSessionCluster(o: SessionClusterOptions): Promise<SessionCluster> {
  const tms = o.taskManagers ?? 2;
  const slots = o.slotsPerTaskManager ?? 2;
  const confDir = join(o.dir, 'conf');
  mkdirSync(confDir, { recursive: true });
  mkdirSync(join(o.dir, 'savepoints'), { recursive: true });
  const [rpcPort, restPort] = [await freePort(), await freePort()];
  writeFileSync(join(confDir, 'config.yaml'), sessionConfigYaml({ rpcPort, restPort, slots, savepointDir: join(o.dir, 'savepoints'), extra: o.extraConfig }));
  writeFileSync(join(confDir, 'log4j.properties'), readFileSync(join(flinkValidateDir(), 'src', 'main', 'resources', 'log4j2.properties')));
  const jvms = new Jvms(await sessionClasspath(), confDir, o.dir);
  const restUrl = `http://127.0.0.1:${restPort}`;
  const client = new FlinkRestClient(restUrl);
  const deadline = Date.now() + (o.startTimeoutMs ?? 180_000);
  let count = 0;
  const addTaskManager = async (): Promise<number> => {
    const t0 = Date.now();
    count += 1;
    jvms.start(`taskmanager-${count}`, TASKMANAGER_CLASS, '400m');
    const want = count;
    await waitFor(`TaskManager ${want}`, Math.max(deadline, t0 + 120_000), jvms, async () => (await client.taskManagerCount()) >= want);
    return Date.now() - t0;
  };
  try {
    jvms.start('jobmanager', JOBMANAGER_CLASS, '512m');
    await waitFor('the JobManager REST API', deadline, jvms, () => client.isUp());
    // started one after another: on two shared cores, parallel JVM starts only slow each other down
    for (let i = 0; i < tms; i++) await addTaskManager();
  } catch (err) {
    await jvms.stop(2000);
    throw err;
  }
  o.log?.(`session cluster: JobManager + ${tms} TaskManagers x ${slots} slots, REST ${restUrl} (logs in ${o.dir})`);
  return { restUrl, client, taskManagers: tms, slotsPerTaskManager: slots, confDir, addTaskManager, stop: () => jvms.stop() };
}
