import avro from 'avsc';
import { IoStreamlineUsers as Created } from './generated/users_created.js';
import { IoStreamlineUsers as Processed } from './generated/users_processed.js';

/**
 * The Avro schemas. They come from the .avsc files (the single definition) through the generated
 * modules, so bundled apps need no schema files at run time.
 */
export const usersCreatedSchema: avro.Schema = JSON.parse(Created.UserCreatedSchema);
export const usersProcessedSchema: avro.Schema = JSON.parse(Processed.UserProcessedSchema);

export const usersCreatedType = avro.Type.forSchema(usersCreatedSchema);
export const usersProcessedType = avro.Type.forSchema(usersProcessedSchema);

/**
 * users_created less its staged_at (set by the staging write): checks a UserToStage as it is. Adding
 * a placeholder staged_at to check it against usersCreatedType copied the record (29 fields) each time.
 */
export const userToStageType = avro.Type.forSchema({
  ...(usersCreatedSchema as avro.schema.RecordType),
  fields: (usersCreatedSchema as avro.schema.RecordType).fields.filter((f) => f.name !== 'staged_at'),
});
