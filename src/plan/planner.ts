/**
 * verify → lower → access-path choice. Verification of fields and values already
 * happened in the query builder; here the target's lowering decides how (and
 * whether) the shape can run, and the cache makes a repeated shape free.
 */
import type { SchemaDef } from '../schema/define.js';
import type { BuiltQuery, QueryAst } from '../query/ast.js';
import type { TargetDescriptor } from './target.js';
import type { Plan } from './plan.js';
import { lowerSql } from './sql/lower.js';
import { verifySql } from './sql/verify.js';
import { resultSpec } from './result.js';
import { planKv } from './kv/plan.js';
import { assertNever } from './plan.js';

export function planQuery(schema: SchemaDef, ast: QueryAst, shape: string, target: TargetDescriptor): Plan {
  const family = target.capabilities.family;
  let lowered: { operations: Plan['operations']; diagnostics: Plan['diagnostics'] };
  switch (family) {
    case 'sql': {
      const sql = lowerSql(schema, ast, target);
      const refused = verifySql(schema, ast, target.capabilities, target.driver);
      lowered = refused.length ? { operations: sql.operations, diagnostics: [...refused, ...sql.diagnostics] } : sql;
      break;
    }
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
    modelKey: ast.model,
    kind: ast.kind,
    shape,
    result: resultSpec(ast),
    operations: lowered.operations,
    diagnostics: lowered.diagnostics,
  };
}

/**
 * Plans keyed by (driver, shape). Bounded so a program generating unbounded
 * distinct shapes (e.g. `in` lists inlined by a caller) cannot grow memory forever.
 */
export class PlanCache {
  /**
   * One map per driver, keyed by the shape itself: a combined `driver + shape` key would be a
   * fresh concatenation to flatten and hash on every call, the largest cost of a cache hit.
   */
  private readonly byDriver = new Map<string, Map<string, Plan>>();
  private size = 0;
  planned = 0;
  hits = 0;
  constructor(
    private readonly schema: SchemaDef,
    private readonly max = 2000,
  ) {}

  get(built: BuiltQuery, target: TargetDescriptor): Plan {
    let plans = this.byDriver.get(target.driver);
    if (!plans) this.byDriver.set(target.driver, (plans = new Map()));
    const hit = plans.get(built.shape);
    if (hit) {
      this.hits++;
      return hit;
    }
    this.planned++;
    const plan = planQuery(this.schema, built.ast, built.shape, target);
    if (this.size >= this.max) this.evictOne();
    plans.set(built.shape, plan);
    this.size++;
    return plan;
  }

  /** Drops the oldest plan of the first driver that has one (insertion order, as before). */
  private evictOne(): void {
    for (const plans of this.byDriver.values()) {
      const oldest = plans.keys().next();
      if (!oldest.done) {
        plans.delete(oldest.value);
        this.size--;
        return;
      }
    }
  }
}
