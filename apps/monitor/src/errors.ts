import { StreamlineError } from '@streamline/runtime';

/** "Find a user" was given something that is neither a user id nor an e-mail address. */
export class InvalidQueryError extends StreamlineError {}
