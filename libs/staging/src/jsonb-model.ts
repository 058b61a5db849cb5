// For tests only (exported by '@streamline/staging/testing').

/**
 * What PostgreSQL's jsonb keeps of a JSON text, as one canonical string, for checking without a
 * server that two texts are stored alike: whitespace dropped, keys in one order, a key given twice
 * keeping its last value, strings decoded (escapes and all), and numbers as they are spelt, which
 * is stricter than jsonb (it keeps `1.50` apart from `1.5` but also `1e2` apart from `100`): two
 * texts with the same model are stored byte for byte alike. Throws on what is not JSON.
 */
export function jsonbModel(text: string): string {
  let i = 0;
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`jsonbModel: ${what} at ${i}`);
  };
  const string = (): string => {
    const start = i;
    for (i++; text[i] !== '"'; i++) {
      if (i >= text.length) fail('unterminated string');
      if (text[i] === '\\') i++;
    }
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): string => {
    space();
    const c = text[i];
    if (c === '{') {
      const fields = new Map<string, string>();
      i++;
      space();
      if (text[i] === '}') i++;
      else {
        for (;;) {
          space();
          if (text[i] !== '"') fail('expected a key');
          const key = string();
          space();
          if (text[i++] !== ':') fail('expected a colon');
          // jsonb keeps the last value of a key given twice.
          fields.delete(key);
          fields.set(key, value());
          space();
          if (text[i] === ',') i++;
          else if (text[i++] === '}') break;
          else fail('expected , or }');
        }
      }
      const keys = [...fields.keys()].sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${fields.get(k)!}`).join(',')}}`;
    }
    if (c === '[') {
      const items: string[] = [];
      i++;
      space();
      if (text[i] === ']') i++;
      else {
        for (;;) {
          items.push(value());
          space();
          if (text[i] === ',') i++;
          else if (text[i++] === ']') break;
          else fail('expected , or ]');
        }
      }
      return `[${items.join(',')}]`;
    }
    if (c === '"') return JSON.stringify(string());
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) fail('expected a value');
    i += literal![0].length;
    return literal![0];
  };
  const model = value();
  space();
  if (i !== text.length) fail('text after the value');
  return model;
}
