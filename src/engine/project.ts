/**
 * Final result shaping shared by every target: executors may fetch extra
 * columns (keys, foreign keys needed for includes); users see exactly what
 * they selected plus what they included.
 */
import type { IncludeNode } from '../query/ast.js';

type Row = Record<string, unknown>;

export function projectRow(row: Row | null, select: readonly string[] | null, include: readonly IncludeNode[]): Row | null {
  if (!row || (select === null && include.every((i) => i.select === null && i.include.length === 0))) return row;
  let out: Row = row;
  if (select !== null) {
    out = {};
    for (const f of select) out[f] = row[f];
    for (const inc of include) out[inc.relation] = row[inc.relation];
    if (row._count !== undefined) out._count = row._count;
  }
  for (const inc of include) {
    const v = out[inc.relation];
    if (inc.select === null && inc.include.length === 0) continue;
    if (Array.isArray(v)) out[inc.relation] = v.map((r) => projectRow(r as Row, inc.select, inc.include));
    else if (v && typeof v === 'object') out[inc.relation] = projectRow(v as Row, inc.select, inc.include);
  }
  return out;
}

export function projectRows(rows: Row[], select: readonly string[] | null, include: readonly IncludeNode[]): Row[] {
  if (select === null && include.every((i) => i.select === null && i.include.length === 0)) return rows;
  return rows.map((r) => projectRow(r, select, include)!);
}
