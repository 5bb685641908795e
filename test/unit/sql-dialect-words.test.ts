// Issue 14, acceptance 3: the SQL lowering and the SQL engine in src/ are dialect-free. No SQL text
// they write (a string or template literal) holds a PostgreSQL-only type, function or construct;
// those belong to the PostgreSQL dialect (drivers/postgres/serialize.ts), which the last test scans
// to show the check finds them where they are. Comments may name them: only literals are SQL.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const DIALECT_FREE = ['src/plan/sql', 'src/engine/sql'];

/** PostgreSQL's words that another dialect does not have (or spells otherwise). */
const POSTGRES_ONLY: readonly [string, RegExp][] = [
  ['int2/int4/int8', /\bint[248]\b/i],
  ['jsonb', /\bjsonb\w*/i],
  ['timestamptz', /\btimestamptz\b|\btimestamp with time zone\b/i],
  ['json_agg', /\bjson_agg\b/i],
  ['json_build_object/array', /\bjson_build_(object|array)\b/i],
  ['row_to_json / to_json', /\brow_to_json\b|\bto_json\b/i],
  ['array_agg / array_cat / unnest', /\barray_(agg|cat|length)\b|\bunnest\b/i],
  ['a cast (::)', /::/],
  ['= ANY(', /\bANY\s*\(/i],
  ['ILIKE', /\bILIKE\b/i],
  ['DISTINCT ON', /\bDISTINCT\s+ON\b/i],
  ['RETURNING', /\bRETURNING\b/i],
  ['numbered placeholders ($1)', /\$\d/],
  ['array containment (@>, <@)', /@>|<@/],
  ['an array type (text[])', /\b[a-z]+\[\]/i],
  ['FOR UPDATE / FOR SHARE', /\bFOR\s+(UPDATE|SHARE)\b/i],
  ['pg_* functions (advisory locks …)', /\bpg_\w+/i],
  ["E'' escape strings", /\bE'/],
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every string and template literal's text in a file, with its line. */
function literals(file: string): { line: number; text: string }[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { line: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      out.push({ line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.text });
    }
    node.forEachChild(visit);
  };
  visit(source);
  return out;
}

function postgresWords(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    for (const { line, text } of literals(file)) {
      for (const [what, re] of POSTGRES_ONLY) if (re.test(text)) found.push(`${relative(ROOT, file)}:${line}: ${what} in ${JSON.stringify(text)}`);
    }
  }
  return found;
}

describe('no PostgreSQL-only SQL outside the PostgreSQL dialect', () => {
  it.each(DIALECT_FREE)('%s writes none', (dir) => {
    const files = filesUnder(join(ROOT, dir));
    expect(files.length).toBeGreaterThan(3);
    expect(postgresWords(files)).toEqual([]);
  });

  it('the check finds them in the PostgreSQL dialect, where they belong', () => {
    const found = postgresWords([join(ROOT, 'drivers/postgres/serialize.ts')]).join('\n');
    for (const what of ['a cast (::)', '= ANY(', 'ILIKE', 'json_agg', 'jsonb', 'timestamptz', 'array containment (@>, <@)', 'DISTINCT ON', 'RETURNING'])
      expect(found).toContain(`: ${what} in `);
  });
});
