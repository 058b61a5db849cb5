import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** `pretty` for humans at a terminal, `json` for machines; defaults to pretty on a TTY. */
  format?: 'json' | 'pretty';
}

/** One logger per process, JSON on stdout; components take `log.child({ component })`. */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const format = options.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  return pino({
    name,
    level: options.level ?? 'info',
    ...(format === 'pretty'
      ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' } } }
      : {}),
  });
}

/** For tests and library defaults: a logger that writes nothing. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
