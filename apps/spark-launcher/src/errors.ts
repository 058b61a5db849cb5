import { StreamlineError } from '@streamline/runtime';

/** Something the job cannot start without (a file, a connector jar); a restart would not help. */
export class SparkSetupError extends StreamlineError {
  constructor(message: string) {
    super(message, { retriable: false });
  }
}

/** The Spark job exited in a way a restart will not fix (bad arguments), or restarts ran out. */
export class SparkJobFailedError extends StreamlineError {
  constructor(
    message: string,
    readonly exit: { code: number | null; signal: string | null },
  ) {
    super(message, { retriable: false });
  }
}

/** The source topic's subject is not registered yet (provisioning runs beside the launcher on Kubernetes): try again later. */
export class SourceSchemaMissingError extends StreamlineError {
  constructor(readonly subject: string) {
    super(`subject ${subject} has no registered schema yet (the stack provisions it: npm run stack -- up; stack-setup in compose)`, { retriable: true });
  }
}

/** The cluster has the cores the job needs, but not free right now (another application holds them): try again later. */
export class SparkSlotsBusyError extends StreamlineError {
  constructor(message: string) {
    super(message, { retriable: true });
  }
}
