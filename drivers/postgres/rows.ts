/**
 * Result rows of the pg driver: pg hands them over as arrays (`rowMode: 'array'`) and a
 * builder generated once per statement turns each into an object literal of fixed keys.
 *
 * pg's own object rows are a spread of a prototype row followed by one keyed store per column,
 * and parsing the column names into every row costs more than the rest of a key lookup's client
 * work; an object literal gets one stable hidden class, which also keeps the executor's
 * per-shape decoder monomorphic on the rows it reads.
 */
import type { CompiledSql } from '../../src/engine/sql/core.js';

type Row = Record<string, unknown>;
type Build = (values: readonly unknown[]) => Row;

interface Builder {
  readonly names: readonly string[];
  readonly build: Build;
}

const builders = new WeakMap<CompiledSql, Builder>();

/** The rows as objects keyed by column name, converted in place in pg's array. */
export function objectRows(sql: CompiledSql, fields: readonly { readonly name: string }[], rows: unknown[]): Row[] {
  if (rows.length === 0) return rows as Row[];
  let b = builders.get(sql);
  // A statement's columns are fixed by its text; the check only guards against a server that
  // changed the table under a prepared statement without failing it.
  if (!b || !sameNames(b.names, fields)) {
    b = builderFor(fields.map((f) => f.name));
    builders.set(sql, b);
  }
  const build = b.build;
  for (let i = 0; i < rows.length; i++) rows[i] = build(rows[i] as unknown[]);
  return rows as Row[];
}

function sameNames(names: readonly string[], fields: readonly { readonly name: string }[]): boolean {
  if (names.length !== fields.length) return false;
  for (let i = 0; i < names.length; i++) if (names[i] !== fields[i].name) return false;
  return true;
}

function builderFor(names: readonly string[]): Builder {
  // `__proto__: v` in a literal sets the prototype instead of a property: such a result (a column
  // aliased so by raw SQL) takes the generic path, which defines every key as an own property.
  if (names.includes('__proto__')) return { names, build: (values) => generic(names, values) };
  // Names are embedded as JSON string literals, so any column name is safe in the source.
  const body = `return { ${names.map((n, i) => `${JSON.stringify(n)}: v[${i}]`).join(', ')} };`;
  return { names, build: new Function('v', body) as Build };
}

function generic(names: readonly string[], values: readonly unknown[]): Row {
  const row: Row = {};
  for (let i = 0; i < names.length; i++) Object.defineProperty(row, names[i], { value: values[i], writable: true, enumerable: true, configurable: true });
  return row;
}
