/**
 * verify → lower → access-path choice. Verification of fields and values already
 * happened in the query builder; here the target's lowering decides how (and
 * whether) the shape can run, and the cache makes a repeated shape free.
 */
import type { SchemaDef } from '../schema/define.js';
import type { BuiltQuery, QueryAst } from '../query/ast.js';
import type { TargetDescriptor } from '../engine/driver.js';
import type { Plan } from './plan.js';
import { lowerSql } from './sql/lower.js';
import { planKv } from './kv/plan.js';
import { assertNever } from './plan.js';

export function planQuery(schema: SchemaDef, ast: QueryAst, shape: string, target: TargetDescriptor): Plan {
  const family = target.capabilities.family;
  let lowered;
  switch (family) {
    case 'sql':
      lowered = lowerSql(schema, ast, target);
      break;
    case 'kv':
      lowered = planKv(schema, ast, target);
      break;
    default:
      return assertNever(family, 'target family');
  }
  return {
    target: target.capabilities.target,
    driver: target.driver,
    model: schema.models[ast.model].name,
    kind: ast.kind,
    shape,
    operations: lowered.operations,
    diagnostics: lowered.diagnostics,
  };
}

/**
 * Plans keyed by (driver, shape). Bounded so a program generating unbounded
 * distinct shapes (e.g. `in` lists inlined by a caller) cannot grow memory forever.
 */
export class PlanCache {
  private readonly plans = new Map<string, Plan>();
  planned = 0;
  hits = 0;
  constructor(private readonly schema: SchemaDef, private readonly max = 2000) {}

  get(built: BuiltQuery, target: TargetDescriptor): Plan {
    const key = target.driver + '\u0000' + built.shape;
    const hit = this.plans.get(key);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.planned++;
    const plan = planQuery(this.schema, built.ast, built.shape, target);
    if (this.plans.size >= this.max) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(key, plan);
    return plan;
  }
}
