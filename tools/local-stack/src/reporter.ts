/**
 * Progress lines for people running `stack up`: one line per step, prefixed with the component,
 * with elapsed time. Plain lines rather than redrawn bars, so CI logs read the same as a terminal.
 */
export interface Reporter {
  step(component: string, message: string): void;
  done(component: string, message: string): void;
  fail(component: string, message: string): void;
}

export function createReporter(stream: NodeJS.WritableStream = process.stderr, quiet = false): Reporter {
  const started = Date.now();
  const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
  const color = (code: number, s: string) => ((stream as NodeJS.WriteStream).isTTY ? `\x1b[${code}m${s}\x1b[0m` : s);
  const line = (mark: string, component: string, message: string) => {
    if (!quiet) stream.write(`${stamp()} ${mark} ${component.padEnd(16)} ${message}\n`);
  };
  return {
    step: (c, m) => line(color(36, '…'), c, m),
    done: (c, m) => line(color(32, '✓'), c, m),
    fail: (c, m) => line(color(31, '✗'), c, m),
  };
}
