/**
 * Two kinds of error, kept apart as github/codeql-action does:
 * - {@link UserError}: something the user can fix (config, data, model contract, usage). The
 *   message says what is wrong and what to change; no stack trace is shown. Exit code 2.
 * - anything else is a bug in VisionGate: we say so and keep the stack for debug output.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  /** A short machine-readable category, e.g. `config`, `dataset`, `model`, `usage`. */
  readonly kind: UserErrorKind;
  /** The message without its detail lines. */
  readonly summary: string;
  /**
   * Lines shown under the summary (a list of config problems, of unreadable images). Kept apart
   * so that logs can make each line safe on its own (see log-text.ts); `message` has them too.
   */
  readonly details: readonly string[];
  constructor(
    kind: UserErrorKind,
    message: string,
    options?: { cause?: unknown; details?: readonly string[] },
  ) {
    const details = options?.details ?? [];
    super(
      [message, ...details.map((d) => `  ${d}`)].join('\n'),
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.kind = kind;
    this.summary = message;
    this.details = details;
  }
}

export type UserErrorKind =
  'config' | 'dataset' | 'image' | 'model' | 'usage' | 'baseline' | 'github';

/** Type guard that also works across bundle boundaries (duplicate class identities). */
export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError || (error instanceof Error && error.name === 'UserError');
}

/** Render any thrown value as one readable line for logs; never `[object Object]`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
