import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { components } from './components/index.js';
import { scramUserLaunch } from './components/kafka.js';
import { schemaRegistry } from './components/schema-registry.js';
import { loadStackConfig } from './config.js';
import { ensureStackCredentials } from './credentials.js';
import { javaArgFileText } from './jvm.js';
import { stackPaths } from './paths.js';
import { createReporter } from './reporter.js';

// The command lines the stack would start its servers and apps with, built for a throwaway stack
// with its own generated credentials: none may carry a secret (`ps` and /proc/<pid>/cmdline show
// every process's command line to every user of the machine).
const dir = mkdtempSync(join(tmpdir(), 'stack-cmdline-'));
mkdirSync(join(dir, 'venv', 'lib'), { recursive: true });
const env = { ...process.env, STREAMLINE_STACK_DIR: dir, PG_PASSWORD: '', CASSANDRA_PASSWORD: '', KAFKA_SASL_PASSWORD: '' };
const { credentials } = ensureStackCredentials(env);
const config = loadStackConfig(env);
const ctx = { config, paths: stackPaths(config), reporter: createReporter(process.stderr, true) };
const secrets = [credentials.pg.password, credentials.cassandra.password, credentials.kafka.password, credentials.airflow.jwtSecret, credentials.airflow.secretKey, credentials.monitor!.token];

describe('no secret on a command line', () => {
  it('holds for every server and app the stack launches', () => {
    expect(config.connections.pg.password).toBe(credentials.pg.password);
    let built = 0;
    for (const component of components) {
      const spec = component.launch(ctx);
      built++;
      const commandLine = [spec.command, ...spec.args].join(' ');
      for (const secret of secrets) expect(commandLine, component.name).not.toContain(secret);
    }
    expect(built).toBe(components.length);
  });

  it('the schema registry gets its PostgreSQL password by env', () => {
    const spec = schemaRegistry.launch(ctx);
    expect(spec.args.some((a) => a.startsWith('-Dapicurio.datasource.password'))).toBe(false);
    expect(spec.env).toMatchObject({ APICURIO_DATASOURCE_PASSWORD: credentials.pg.password });
  });

  it("Kafka's SCRAM login is set through a java argument file, not the command line", () => {
    const { launch, argFile, argFileText } = scramUserLaunch(ctx, credentials.kafka, 'SCRAM-SHA-512', '/private/dir');
    expect(argFile).toBe('/private/dir/SCRAM-SHA-512.args');
    expect(launch.args.at(-1)).toBe(`@${argFile}`);
    expect([launch.command, ...launch.args].join(' ')).not.toContain(credentials.kafka.password);
    expect(argFileText.split('\n')).toContain(`"SCRAM-SHA-512=[iterations=4096,password=${credentials.kafka.password}]"`);
    expect(argFileText.split('\n')[0]).toBe('"kafka.admin.ConfigCommand"');
  });

  it('quotes each argument of an argument file, escaping \\ and "', () => {
    expect(javaArgFileText(['a b', 'c"d', 'e\\f'])).toBe('"a b"\n"c\\"d"\n"e\\\\f"\n');
  });
});
