/**
 * Errors raised by the migration engine. All extend QuernError so callers can
 * tell "quern refused" from "the database failed". The CLI maps them to exit codes.
 */
import { QuernError } from '../src/errors.js';

/** Anything the engine refuses, with a concrete next step in `fix`. */
export class MigrationError extends QuernError {
  override name = 'MigrationError';
  constructor(message: string, readonly fix?: string) {
    super(fix ? `${message}\n  fix: ${fix}` : message);
  }
}

/** A migration folder file (or snapshot) that cannot be read; nothing was applied. */
export class MigrationFileError extends MigrationError {
  override name = 'MigrationFileError';
  constructor(readonly file: string, readonly problem: string) {
    super(`${file}: ${problem}`, 'fix the file (or restore it from version control); nothing was applied');
  }
}

/** Generate or apply met a destructive change without --allow-destructive. */
export class DestructiveChangeError extends MigrationError {
  override name = 'DestructiveChangeError';
  constructor(readonly changes: readonly string[], stage: 'generate' | 'apply') {
    super(
      `destructive change${changes.length > 1 ? 's' : ''} need${changes.length > 1 ? '' : 's'} confirmation:\n${changes.map((c) => `  - ${c}`).join('\n')}`,
      `review them, then pass --allow-destructive to \`quern migrate ${stage}\``,
    );
  }
}

/** A question only a human can answer (rename or drop?) was asked without a terminal. */
export class AmbiguousChangeError extends MigrationError {
  override name = 'AmbiguousChangeError';
  constructor(readonly question: string, fix: string) {
    super(question, fix);
  }
}

/** A change a target cannot make in place (a DynamoDB key change); `fix` says what to do instead. */
export class UnsupportedChangeError extends MigrationError {
  override name = 'UnsupportedChangeError';
  constructor(readonly target: string, message: string, fix: string) {
    super(`${target}: ${message}`, fix);
  }
}

/** Another apply holds the lock and waiting was not allowed (or timed out). */
export class LockError extends MigrationError {
  override name = 'LockError';
}
