import type avro from 'avsc';

/** How a schema type reads in an error: `string`, `null|string`, `record Location`. */
function describeType(type: avro.Type): string {
  const t = type as avro.Type & { types?: avro.Type[]; name?: string };
  if (t.types) return t.types.map(describeType).join('|');
  if (t.typeName === 'record' || t.typeName === 'enum' || t.typeName === 'fixed') return `${t.typeName} ${t.name ?? ''}`.trim();
  return t.typeName;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Where `value` does not fit `type`, one entry per bad field: `location.postcode: 42 is not
 * string` (avsc's own error names neither the field nor the record). Empty when it fits.
 */
export function avroMismatches(type: avro.Type, value: unknown, limit = 5): string[] {
  const found: string[] = [];
  type.isValid(value, {
    errorHook(path, any, fieldType) {
      if (found.length < limit) found.push(`${path.join('.') || '(record)'}: ${describeValue(any)} is not ${describeType(fieldType)}`);
    },
  });
  return found;
}
