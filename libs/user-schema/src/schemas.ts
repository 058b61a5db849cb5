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
