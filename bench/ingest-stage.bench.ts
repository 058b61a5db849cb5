/**
 * The suite's ingestor stage alone: PostgreSQL's floors once (the least of 2 passes, after a
 * warming one), then the stage `--runs` times as `npm run bench` measures it (bench/stages.ts),
 * printing the ingestor's own CPU per user beside node-postgres's (the pg-insert floor's client),
 * PostgreSQL's beside its floor, and the stage's ratio. Needs only the stack's PostgreSQL.
 * Usage: npx tsx bench/ingest-stage.bench.ts [--users 100000] [--warmup 30000] [--runs 3] [--profile DIR] [--compare ROOT]
 * --profile writes the ingestor's CPU profiles (node --cpu-prof) into DIR, the measured run's last.
 * --compare ROOT alternates each run with one of the ingestor of the checkout at ROOT (e.g. a
 * worktree of main), so both versions are measured under the same load of a shared machine.
 */
import { Command } from 'commander';
import { createPgPool } from '@streamline/clients';
import { loadConnectionConfig } from '@streamline/config';
import { fetchGeneratedPages } from './local-run.js';
import { leastOf, measureServerFloors, PG_FLOORS } from './server-floors.js';
import { measureIngestStage } from './stages.js';

const opts = new Command('ingest-stage')
  .option('--users <n>', 'users measured per run', '100000')
  .option('--warmup <n>', 'users ingested first, unmeasured, in each run', '30000')
  .option('--runs <n>', 'runs', '3')
  .option('--profile <dir>', "write the ingestor's CPU profiles here (the profiler's cost is in that run's figures)")
  .option('--compare <root>', "alternate each run with one of the ingestor of the checkout at this path")
  .parse()
  .opts<{ users: string; warmup: string; runs: string; profile?: string; compare?: string }>();
const users = Number(opts.users);
const warmup = Number(opts.warmup);
const say = (line: string) => process.stderr.write(`${line}\n`);
const config = loadConnectionConfig();

const floorUsers = await fetchGeneratedPages('bench-ingest-stage', Math.max(users, 20_000));
await measureServerFloors(config, floorUsers.slice(0, 20_000), PG_FLOORS);
const floors = leastOf([await measureServerFloors(config, floorUsers, PG_FLOORS), await measureServerFloors(config, floorUsers, PG_FLOORS)]);
const insert = floors.find((f) => f.work === 'pg-insert')!;
say(`floor pg-insert: postgres ${insert.serverUs.toFixed(1)} µs/user, node-postgres ${insert.clientUs.toFixed(1)}`);

interface Run {
  version: string;
  ingestorUs: number;
  clientFloorUs: number;
  postgresUs: number;
  serverFloorUs: number;
  ratio: number;
  usersPerS: number;
}
const runs: Run[] = [];
const versions: Array<{ version: string; root?: string }> = [{ version: 'this checkout' }, ...(opts.compare ? [{ version: opts.compare, root: opts.compare }] : [])];
for (let i = 1; i <= Number(opts.runs); i++) for (const { version, root } of versions) {
  const id = `bench_ingest_${Date.now().toString(36)}`;
  const admin = createPgPool(config.pg, { database: 'postgres', max: 1 });
  await admin.query(`CREATE DATABASE ${id}`);
  try {
    const env: Record<string, string> = { PG_DATABASE: id, LOG_LEVEL: 'warn', INGESTOR_HTTP_PORT: '0' };
    // On the command line: Node 20 refuses --cpu-prof in NODE_OPTIONS (and the generator then never started).
    const nodeArgs = opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${opts.profile}`] : [];
    const stage = await measureIngestStage(env, floors, users, warmup, say, id, root, nodeArgs);
    const perUser = (name: string) => ((stage.window.cpu.get(name) ?? 0) * 1e6) / stage.users;
    const run: Run = {
      version,
      ingestorUs: perUser('ingestor'),
      clientFloorUs: insert.clientUs,
      postgresUs: perUser('postgres'),
      serverFloorUs: insert.serverUs,
      ratio: stage.usPerUser / stage.floorUs,
      usersPerS: (stage.users * 1000) / stage.window.ms,
    };
    runs.push(run);
    say(
      `run ${i} (${version}): ingestor ${run.ingestorUs.toFixed(1)} µs/user (node-postgres ${run.clientFloorUs.toFixed(1)}), postgres ${run.postgresUs.toFixed(1)} ` +
        `(floor ${run.serverFloorUs.toFixed(1)}), stage ${stage.usPerUser.toFixed(1)} / floor ${stage.floorUs.toFixed(1)} = ${run.ratio.toFixed(2)}×, ${Math.round(run.usersPerS)} users/s`,
    );
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${id} WITH (FORCE)`);
    await admin.end();
  }
}

const spread = (of: Run[], pick: (r: Run) => number, digits = 1) => {
  const v = of.map(pick).sort((a, b) => a - b);
  return `${v[Math.floor((v.length - 1) / 2)]!.toFixed(digits)} (${v[0]!.toFixed(digits)}–${v.at(-1)!.toFixed(digits)})`;
};
for (const { version } of versions) {
  const of = runs.filter((r) => r.version === version);
  console.log(`${version}: median (min–max) of ${of.length} runs, ${users.toLocaleString('en-US')} users each:`);
  console.log(`  ingestor's own CPU µs/user   ${spread(of, (r) => r.ingestorUs)}`);
  console.log(`  node-postgres (client floor) ${spread(of, (r) => r.clientFloorUs)}`);
  console.log(`  ingestor / node-postgres     ${spread(of, (r) => r.ingestorUs / r.clientFloorUs, 2)}×`);
  console.log(`  postgres µs/user             ${spread(of, (r) => r.postgresUs)} (floor ${spread(of, (r) => r.serverFloorUs)})`);
  console.log(`  stage / floor                ${spread(of, (r) => r.ratio, 2)}×`);
  console.log(`  users/s                      ${spread(of, (r) => r.usersPerS, 0)}`);
}
