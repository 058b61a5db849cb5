import type { z } from 'zod';
import { type Env, readVar } from './env-reader.js';

/** Command-line values by camelCase name; a boolean flag is a switch, not a value. */
export type Flags = Record<string, string | number | boolean | undefined>;

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * A reader of settings that a flag may override: `pick(flag, VARIABLE, schema)` reads the flag when
 * given (its error names `--flag`), else the variable (its error names the variable).
 */
export function flagReader<F extends object>(env: Env, flags: F) {
  return <S extends z.ZodType>(flag: keyof F & string, variable: string, schema: S): z.output<S> => {
    const value = (flags as Flags)[flag];
    if (value === undefined || typeof value === 'boolean') return readVar(env, variable, schema);
    const name = `--${kebab(flag)}`;
    return readVar({ [name]: String(value) }, name, schema);
  };
}
