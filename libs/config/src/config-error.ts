import { StreamlineError } from '@streamline/runtime';

/** A bad or missing setting; the message names the variable and the value it had. */
export class ConfigError extends StreamlineError {
  constructor(
    readonly variable: string,
    readonly value: string | undefined,
    reason: string,
  ) {
    super(`invalid ${variable}=${value === undefined ? '(unset)' : JSON.stringify(value)}: ${reason}`);
  }
}
