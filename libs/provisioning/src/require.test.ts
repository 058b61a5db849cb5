import { describe, expect, it } from 'vitest';
import type { RegistryClient } from '@streamline/clients';
import { usersCreatedSchema, usersProcessedSchema } from '@streamline/user-schema';
import { NotProvisionedError, PROVISIONED_BY, requireSchemaId, requireTopics } from './require.js';
import { pipelineSubjects } from './subjects.js';

const registryAnswering = (answer: (subject: string) => number) =>
  ({
    getId: async (subject: string) => answer(subject),
  }) as unknown as RegistryClient;
const notFound = () => {
  throw Object.assign(new Error('Schema not found'), { status: 404 });
};

describe('requireTopics', () => {
  it('passes when every topic exists and names each missing one (once) in one line otherwise, never retried', async () => {
    const admin = { listTopics: async () => ['a', 'b'] };
    await expect(requireTopics(admin, ['a', 'b'])).resolves.toBeUndefined();
    const error = await requireTopics(admin, ['a', 'c', 'c', 'd']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotProvisionedError);
    expect((error as NotProvisionedError).message).toBe(`topics c, d missing: ${PROVISIONED_BY}`);
    expect((error as NotProvisionedError).retriable).toBe(false);
    await expect(requireTopics(admin, ['z'])).rejects.toThrow(/^topic z missing: /);
  });
});

describe('requireSchemaId', () => {
  it("returns the subject's id of the app's schema; a 404 is NotProvisionedError, any other failure passes through (retried by the app)", async () => {
    const subject = { subject: 't-value', schema: usersCreatedSchema };
    expect(await requireSchemaId(registryAnswering(() => 7), subject)).toBe(7);
    await expect(requireSchemaId(registryAnswering(notFound), subject)).rejects.toThrow(`schema registry subject t-value does not hold this app's schema: ${PROVISIONED_BY}`);
    const outage = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await expect(
      requireSchemaId(
        registryAnswering(() => {
          throw outage;
        }),
        subject,
      ),
    ).rejects.toBe(outage);
  });
});

describe('pipelineSubjects', () => {
  it('pairs each topic given with the schema written to it', () => {
    expect(pipelineSubjects({ created: 'c', processed: 'p', dlq: 'd' })).toEqual([
      { subject: 'c-value', schema: usersCreatedSchema },
      { subject: 'p-value', schema: usersProcessedSchema },
    ]);
    expect(pipelineSubjects({ processed: 'p' })).toEqual([{ subject: 'p-value', schema: usersProcessedSchema }]);
  });
});
