import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** `pretty` for humans at a terminal, `json` for machines; defaults to pretty on a TTY. */
  format?: 'json' | 'pretty';
  /** stderr keeps stdout free for a command's own output (e.g. `--json` summaries). */
  destination?: 'stdout' | 'stderr';
}

/** One logger per process, JSON on stdout; components take `log.child({ component })`. */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const fd = options.destination === 'stderr' ? 2 : 1;
  const format = options.format ?? ((fd === 2 ? process.stderr : process.stdout).isTTY ? 'pretty' : 'json');
  const base = { name, level: options.level ?? 'info' };
  if (format === 'pretty') {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { destination: fd, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' } },
    });
  }
  // Synchronous writes: a log line is out before the process exits or prints its result.
  return pino(base, pino.destination({ fd, sync: true }));
}

/** For tests and library defaults: a logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
