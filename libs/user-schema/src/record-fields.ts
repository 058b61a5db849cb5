import { usersProcessedSchema } from './schemas.js';
import type { UserProcessed } from './generated/users_processed.js';

/** How a users_processed field is typed, read off the Avro schema: its logical type, else its type. */
export type FieldKind = 'uuid' | 'string' | 'int' | 'date' | 'timestamp-millis';

type AvroField = { name: string; type: string | { type: string; logicalType?: string } };

/** The processed record's fields in schema order, read off the one schema definition (never restated). */
export const PROCESSED_FIELDS: ReadonlyArray<{ name: keyof UserProcessed; kind: FieldKind }> = (
  usersProcessedSchema as unknown as { fields: AvroField[] }
).fields.map((f) => ({
  name: f.name as keyof UserProcessed,
  kind: (typeof f.type === 'string' ? f.type : (f.type.logicalType ?? f.type.type)) as FieldKind,
}));
