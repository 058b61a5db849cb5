import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { firstBatchRunning, latestBatch, parseOffsetSeq, readSparkPosition } from './spark-checkpoint.js';

const offsetsFile = (sources: string[]) =>
  ['v1', '{"batchWatermarkMs":0,"batchTimestampMs":1764633600000,"conf":{"spark.sql.shuffle.partitions":"2"}}', ...sources].join('\n');

describe('parseOffsetSeq', () => {
  it('reads the offsets of the topic per partition', () => {
    expect(parseOffsetSeq(offsetsFile(['{"users_created":{"2":7,"1":5,"0":12}}']), 'users_created')).toEqual({ '0': 12, '1': 5, '2': 7 });
  });

  it('finds the topic among several sources, and is null when none names it', () => {
    const text = offsetsFile(['{"other":{"0":1}}', 'not json', '{"users_created":{"0":3}}']);
    expect(parseOffsetSeq(text, 'users_created')).toEqual({ '0': 3 });
    expect(parseOffsetSeq(text, 'missing')).toBeNull();
  });

  it('refuses a file that is not an offsets log entry', () => {
    expect(() => parseOffsetSeq('{"users_created":{"0":3}}', 'users_created')).toThrow(/not a Spark offsets file/);
  });
});

describe('latestBatch', () => {
  it('takes the highest numbered file, ignoring temp files', () => {
    expect(latestBatch(['0', '1', '10', '9', '.11.tmp', '11.crc'])).toBe(10);
    expect(latestBatch([])).toBeNull();
  });
});

describe('readSparkPosition', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("reads the latest committed batch's offsets, not a batch still running", () => {
    dir = mkdtempSync(join(tmpdir(), 'monitor-ckpt-'));
    mkdirSync(join(dir, 'cleanse', 'offsets'), { recursive: true });
    mkdirSync(join(dir, 'cleanse', 'commits'), { recursive: true });
    writeFileSync(join(dir, 'cleanse', 'offsets', '0'), offsetsFile(['{"t":{"0":4,"1":2}}']));
    writeFileSync(join(dir, 'cleanse', 'offsets', '1'), offsetsFile(['{"t":{"0":9,"1":6}}']));
    writeFileSync(join(dir, 'cleanse', 'offsets', '2'), offsetsFile(['{"t":{"0":20,"1":6}}']));
    writeFileSync(join(dir, 'cleanse', 'commits', '0'), 'v1\n{"nextBatchWatermarkMs":0}');
    writeFileSync(join(dir, 'cleanse', 'commits', '1'), 'v1\n{"nextBatchWatermarkMs":0}');
    return expect(readSparkPosition(dir, 't')).resolves.toEqual({ query: 'cleanse', batch: 1, offsets: { '0': 9, '1': 6 } });
  });

  it("reads the checkpoint of the mode that committed last (after a switch, the other one stays behind)", async () => {
    dir = mkdtempSync(join(tmpdir(), 'monitor-ckpt-'));
    const batch = (query: string, n: number, offsets: string, at: Date) => {
      mkdirSync(join(dir!, query, 'offsets'), { recursive: true });
      mkdirSync(join(dir!, query, 'commits'), { recursive: true });
      writeFileSync(join(dir!, query, 'offsets', String(n)), offsetsFile([offsets]));
      writeFileSync(join(dir!, query, 'commits', String(n)), 'v1\n{"nextBatchWatermarkMs":0}');
      utimesSync(join(dir!, query, 'commits', String(n)), at, at);
    };
    batch('cleanse', 40, '{"t":{"0":400}}', new Date('2026-12-01T10:00:00Z'));
    batch('realtime', 2, '{"t":{"0":900}}', new Date('2026-12-01T11:00:00Z'));
    expect(await readSparkPosition(dir, 't')).toEqual({ query: 'realtime', batch: 2, offsets: { '0': 900 } });
    batch('cleanse', 41, '{"t":{"0":950}}', new Date('2026-12-01T12:00:00Z'));
    expect(await readSparkPosition(dir, 't')).toEqual({ query: 'cleanse', batch: 41, offsets: { '0': 950 } });
  });

  it('is null without a checkpoint or before the first commit', async () => {
    dir = mkdtempSync(join(tmpdir(), 'monitor-ckpt-'));
    expect(await readSparkPosition(dir, 't')).toBeNull();
    mkdirSync(join(dir, 'cleanse', 'commits'), { recursive: true });
    expect(await readSparkPosition(dir, 't')).toBeNull();
  });

  it('names the query whose first batch is running (begun, nothing committed), then none once it commits', async () => {
    dir = mkdtempSync(join(tmpdir(), 'monitor-ckpt-'));
    expect(await firstBatchRunning(dir)).toBeNull();
    // A Real-time Mode query as it starts: metadata and its sources, no offsets file until its first batch ends.
    mkdirSync(join(dir, 'realtime', 'sources', '0'), { recursive: true });
    expect(await firstBatchRunning(dir)).toBeNull();
    writeFileSync(join(dir, 'realtime', 'metadata'), '{"id":"7ef88f02-7f23-477e-9b50-d534683d5756"}');
    expect(await firstBatchRunning(dir)).toBe('realtime');
    // Its first batch ends: offsets/0 and commits/0 together.
    mkdirSync(join(dir, 'realtime', 'offsets'));
    writeFileSync(join(dir, 'realtime', 'offsets', '0'), offsetsFile(['{"t":{"0":0}}']));
    mkdirSync(join(dir, 'realtime', 'commits'));
    writeFileSync(join(dir, 'realtime', 'commits', '0'), 'v1\n{"nextBatchWatermarkMs":0}');
    expect(await firstBatchRunning(dir)).toBeNull();
  });

  it('counts an offsets file without a commit as a batch running too (a micro-batch query writes it at the batch start)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'monitor-ckpt-'));
    mkdirSync(join(dir, 'cleanse', 'offsets'), { recursive: true });
    writeFileSync(join(dir, 'cleanse', 'offsets', '0'), offsetsFile(['{"t":{"0":0}}']));
    expect(await firstBatchRunning(dir)).toBe('cleanse');
  });
});
