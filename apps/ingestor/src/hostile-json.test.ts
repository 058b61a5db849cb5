import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@streamline/runtime';
import { stagingParameterText, stagingParameter } from '@streamline/staging';
import { InvalidRecordError } from '@streamline/user-schema';
import { apiUserNumericPostcode, spoiltApiUser } from '@streamline/user-schema/testing';
import { runIngest } from './ingest.js';
import type { StageItem } from './stage-batch.js';
import { toStageable } from './stageable-record.js';

const meta = { source: 'api' as const, ingestRunId: 'run-1' };

describe('the ingestor on hostile JSON (fast-check)', () => {
  it('toStageable accepts a record the staging write can carry, or refuses it in one line; never throws anything else', () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(spoiltApiUser(), (raw) => {
        try {
          const record = toStageable(raw, meta);
          // What is accepted goes through the staging write's serialization into UTF-8 PostgreSQL
          // takes: no NUL or lone surrogate, which jsonb refuses (JSON.stringify writes them as escapes).
          const parameter = stagingParameter([{ raw, record }]);
          expect(isUtf8(parameter.subarray(1))).toBe(true);
          expect(stagingParameterText(parameter)).not.toMatch(/\\u(0000|d[89a-f])/i);
          seen.accepted++;
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidRecordError);
          expect((error as Error).message).not.toMatch(/[\n\r\u2028\u2029]/);
          seen.refused++;
        }
      }),
      { numRuns: 1500 },
    );
    expect(seen.accepted).toBeGreaterThan(50);
    expect(seen.refused).toBeGreaterThan(500);
  });

  it('a run over pages of hostile records ends, with every record staged or counted as rejected with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spoiltApiUser(), { minLength: 1, maxLength: 40 }), async (page) => {
        const staged: StageItem[] = [];
        let rejectedSeen = 0;
        const summary = await runIngest(
          {
            fetchPage: async (req) => ({ results: req.page === 1 ? page : [apiUserNumericPostcode] }),
            stage: async (batch) => {
              // The real staging write's parameter: it must not throw on anything accepted.
              stagingParameter(batch);
              staged.push(...batch);
              return { staged: batch.length, duplicates: 0 };
            },
            onRejected: () => rejectedSeen++,
            log: silentLogger(),
          },
          { count: page.length + 1, batchSize: 7, concurrency: 2, maxInFlightBatches: 2, resultsPerPage: page.length, seed: 's', source: 'api', runId: 'r', progressIntervalMs: 0 },
        );
        expect(summary.fetched).toBe(page.length + 1);
        expect(summary.staged + summary.rejected).toBe(summary.fetched);
        expect(summary.rejected).toBe(rejectedSeen);
        if (summary.rejected > 0) expect(summary.rejectReasons.length).toBeGreaterThan(0);
        // The ordinary user after the hostile page is staged.
        expect(staged.map((s) => s.record.id)).toContain(apiUserNumericPostcode.login.uuid);
      }),
      { numRuns: 60 },
    );
  });
});
