/**
 * What a SQL target's capabilities refuse before lowering: text operators and
 * case-insensitive matching it does not declare, relation filters without
 * joins. PostgreSQL declares all of them, so it refuses nothing here; a target
 * that lacks one gets the diagnostic instead of SQL its server would reject.
 * (A write returning includes where the dialect has no DML in WITH is lowered
 * as the write plus a read-back by key: src/plan/sql/lower.ts reads writableCte.)
 */
import type { SchemaDef } from '../../schema/define.js';
import type { FilterNode, IncludeNode, QueryAst } from '../../query/ast.js';
import type { Capabilities, DriverName } from '../capabilities.js';
import { diag, type Diagnostic } from '../diagnostics.js';

export function verifySql(schema: SchemaDef, ast: QueryAst, caps: Capabilities, driver: DriverName): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (modelKey: string, n: FilterNode | null): void => {
    if (!n) return;
    const name = schema.models[modelKey].name;
    switch (n.kind) {
      case 'and':
      case 'or':
        for (const i of n.items) walk(modelKey, i);
        return;
      case 'not':
        return walk(modelKey, n.item);
      case 'text':
        if (n.insensitive && !caps.caseInsensitive)
          out.push(
            diag(
              'operator-unsupported',
              driver,
              name,
              `mode: 'insensitive' on ${name}.${n.field}: ${caps.target} compares case-sensitively`,
              `store a lowercased copy of ${n.field} and filter it`,
            ),
          );
        else if (n.op !== 'equals' && !caps.textOperators.includes(n.op))
          out.push(
            diag(
              'operator-unsupported',
              driver,
              name,
              `${n.op} on ${name}.${n.field} cannot be evaluated by ${caps.target}`,
              `use ${caps.textOperators.join(' or ')} instead of ${n.op}`,
            ),
          );
        return;
      case 'relation':
        if (!caps.relationFilters)
          out.push(
            diag(
              'relation-filter-unsupported',
              driver,
              name,
              `relation filter '${n.op}' on ${name}.${n.relation}: ${caps.target} has no joins`,
              'query the related model first and filter by its keys with { in: [...] }',
            ),
          );
        return walk(schema.relations[modelKey][n.relation].target, n.filter);
      case 'const':
      case 'compare':
      case 'in':
      case 'isNull':
      case 'has':
      case 'listEquals':
        return;
      default: {
        const never: never = n;
        throw new Error(`unhandled filter node ${JSON.stringify(never)}`);
      }
    }
  };
  const includes = (modelKey: string, list: readonly IncludeNode[]): void => {
    for (const inc of list) {
      const target = schema.relations[modelKey][inc.relation].target;
      walk(target, inc.where);
      includes(target, inc.include);
    }
  };
  const m = ast.model;
  switch (ast.kind) {
    case 'findMany':
    case 'findFirst':
    case 'findUnique':
    case 'paginate':
      walk(m, ast.where);
      includes(m, ast.include);
      for (const c of ast.counts ?? []) walk(schema.relations[m][c.relation].target, c.where);
      break;
    case 'count':
      walk(m, ast.where);
      break;
    case 'aggregate':
      walk(m, ast.where);
      break;
    case 'create':
    case 'update':
    case 'upsert':
    case 'delete':
      if (ast.kind !== 'create') walk(m, ast.where);
      if (ast.kind !== 'delete') {
        includes(m, ast.include);
      }
      break;
    default: {
      const never: never = ast;
      throw new Error(`unhandled query kind ${JSON.stringify(never)}`);
    }
  }
  return out;
}
