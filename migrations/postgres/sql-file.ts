/**
 * migration.sql: split into statements, read quern's directive comments, and
 * group statements into the units apply runs (a transaction, or one statement
 * that PostgreSQL refuses to run inside a transaction).
 *
 * Directives are line comments right before a statement:
 *   -- quern:no-transaction        run this statement outside a transaction
 *   -- quern:destructive <reason>  needs --allow-destructive at apply
 * CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY and VACUUM are recognised
 * without the directive.
 *
 * A CREATE TRIGGER with a BEGIN … END body (SQLite's and MySQL's triggers) is one statement:
 * the semicolons inside its body do not end it.
 */
import { MigrationFileError } from '../errors.js';

export interface SqlStatement {
  /** The statement text without its trailing semicolon or directive comments. */
  readonly sql: string;
  /** 1-based line of the statement's first character in the file. */
  readonly line: number;
  readonly noTransaction: boolean;
  readonly destructive?: string;
}

/** What apply runs atomically: several statements in one transaction, or one that cannot be in one. */
export interface SqlUnit {
  readonly transactional: boolean;
  readonly statements: readonly SqlStatement[];
}

const NON_TRANSACTIONAL = /^(CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY|DROP\s+INDEX\s+CONCURRENTLY|REINDEX\b[\s\S]*\bCONCURRENTLY|VACUUM\b|CREATE\s+DATABASE|DROP\s+DATABASE|ALTER\s+SYSTEM)/i;
const TX_CONTROL = /^(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i;
const DIRECTIVE = /^--\s*quern:([a-z-]+)(?:\s+(.*))?$/;

export function parseSqlFile(text: string, file: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let i = 0;
  let line = 1;
  let start = -1;
  let startLine = 1;
  let pending: { noTransaction: boolean; destructive?: string } = { noTransaction: false };
  const n = text.length;
  // The current statement's first words (to tell a CREATE TRIGGER) and its BEGIN/CASE … END depth.
  let words: string[] = [];
  let depth = 0;

  const flush = (end: number) => {
    if (start < 0) return;
    const sql = text.slice(start, end).trim();
    start = -1;
    words = [];
    depth = 0;
    if (!sql) return;
    if (TX_CONTROL.test(sql)) {
      throw new MigrationFileError(file, `line ${startLine}: remove "${sql.split(/\s/)[0]}": quern runs every migration in a transaction itself (mark statements that cannot run in one with "-- quern:no-transaction")`);
    }
    const noTx = pending.noTransaction || NON_TRANSACTIONAL.test(stripLeadingComments(sql));
    out.push({ sql, line: startLine, noTransaction: noTx, ...(pending.destructive !== undefined ? { destructive: pending.destructive } : {}) });
    pending = { noTransaction: false };
  };
  const begin = () => {
    if (start < 0) {
      start = i;
      startLine = line;
    }
  };

  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      const comment = text.slice(i, end < 0 ? n : end).trim();
      const d = DIRECTIVE.exec(comment);
      if (d && start < 0) {
        if (d[1] === 'no-transaction') pending.noTransaction = true;
        else if (d[1] === 'destructive') pending.destructive = (d[2] ?? '').trim() || 'destructive statement';
        else throw new MigrationFileError(file, `line ${line}: unknown directive "quern:${d[1]}" (known: quern:no-transaction, quern:destructive)`);
      }
      i = end < 0 ? n : end;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      let depth = 1;
      const at = line;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '\n') line++;
        if (text[i] === '/' && text[i + 1] === '*') { depth++; i += 2; continue; }
        if (text[i] === '*' && text[i + 1] === '/') { depth--; i += 2; continue; }
        i++;
      }
      if (depth > 0) throw new MigrationFileError(file, `line ${at}: unterminated /* comment`);
      continue;
    }
    if (c === ';') {
      if (depth === 0) flush(i);
      i++;
      continue;
    }
    begin();
    if (/[A-Za-z_]/.test(c) && !(i > 0 && /[A-Za-z0-9_$]/.test(text[i - 1]))) {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i, i + 64))![0];
      if (words.length < 3) words.push(word.toUpperCase());
      if (isTrigger(words)) depth += blockDelta(word.toUpperCase(), text.slice(i + word.length, i + word.length + 16));
      // E'...' strings are told by the letter before the quote: leave it for the quote's turn.
      i += word.length;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      const at = line;
      // E'...' strings allow backslash escapes; plain ones only doubled quotes.
      const backslash = c === "'" && i > 0 && /[eE]/.test(text[i - 1]) && (i < 2 || !/[A-Za-z0-9_]/.test(text[i - 2]));
      i++;
      for (;;) {
        if (i >= n) throw new MigrationFileError(file, `line ${at}: unterminated ${c === '"' ? 'quoted identifier' : 'string literal'}`);
        const ch = text[i];
        if (ch === '\n') line++;
        if (backslash && ch === '\\') { i += 2; continue; }
        if (ch === c) {
          if (text[i + 1] === c) { i += 2; continue; }
          i++;
          break;
        }
        i++;
      }
      continue;
    }
    if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (m && !(i > 0 && /[A-Za-z0-9_]/.test(text[i - 1]))) {
        const tag = m[0];
        const close = text.indexOf(tag, i + tag.length);
        if (close < 0) throw new MigrationFileError(file, `line ${line}: unterminated ${tag} quoted string`);
        for (let k = i; k < close; k++) if (text[k] === '\n') line++;
        i = close + tag.length;
        continue;
      }
    }
    i++;
  }
  flush(n);
  if (pending.noTransaction || pending.destructive !== undefined) {
    throw new MigrationFileError(file, 'a quern: directive at the end of the file is not followed by a statement');
  }
  return out;
}

const isTrigger = (w: readonly string[]) => w[0] === 'CREATE' && (w[1] === 'TRIGGER' || ((w[1] === 'TEMP' || w[1] === 'TEMPORARY') && w[2] === 'TRIGGER'));

/** BEGIN and CASE open a block, END closes one (END IF, END LOOP … close blocks whose opener is not counted). */
function blockDelta(word: string, after: string): number {
  if (word === 'BEGIN' || word === 'CASE') return 1;
  if (word === 'END') return /^\s+(IF|LOOP|WHILE|REPEAT)\b/i.test(after) ? 0 : -1;
  return 0;
}

function stripLeadingComments(sql: string): string {
  return sql.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*/, '');
}

/** Consecutive transactional statements share a transaction; a non-transactional one stands alone. */
export function groupUnits(statements: readonly SqlStatement[]): SqlUnit[] {
  const units: SqlUnit[] = [];
  let current: SqlStatement[] = [];
  for (const s of statements) {
    if (s.noTransaction) {
      if (current.length) units.push({ transactional: true, statements: current });
      current = [];
      units.push({ transactional: false, statements: [s] });
    } else current.push(s);
  }
  if (current.length) units.push({ transactional: true, statements: current });
  return units;
}
