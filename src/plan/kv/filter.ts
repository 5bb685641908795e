/**
 * From the model-level filter to what DynamoDB can use: the top-level
 * conjuncts a key condition can consume, the rest as a condition AST, and the
 * operators DynamoDB cannot evaluate at all.
 */
import type { FilterNode, Slot } from '../../query/ast.js';
import type { Capabilities } from '../capabilities.js';
import type { ModelDef } from '../../schema/model.js';
import type { KvCondition, KvValue } from './ops.js';
import { assertNever } from '../plan.js';

export const param = (s: Slot): KvValue => ({ from: 'param', slot: s.slot });

/** Top-level conjuncts, nested ANDs flattened; `const true` dropped. */
export function conjuncts(where: FilterNode | null): FilterNode[] {
  if (!where) return [];
  if (where.kind === 'and') return where.items.flatMap((i) => conjuncts(i));
  if (where.kind === 'const' && where.value) return [];
  return [where];
}

export function andOf(items: readonly KvCondition[]): KvCondition | null {
  if (items.length === 0) return null;
  return items.length === 1 ? items[0] : { kind: 'and', items };
}

/** What the top-level conjuncts say about each field, for access-path choice. */
export interface FieldFacts {
  /** field → conjunct fixing it by equality */
  readonly eq: Map<string, FilterNode & { kind: 'compare' }>;
  /** field → conjunct `in` (not negated) */
  readonly inList: Map<string, FilterNode & { kind: 'in' }>;
  /** field → range conjuncts (lt/lte/gt/gte) and a begins_with prefix */
  readonly range: Map<string, (FilterNode & { kind: 'compare' })[]>;
  readonly prefix: Map<string, FilterNode & { kind: 'text' }>;
  /** list field → a `has` conjunct (an indexed list's entries can serve it) */
  readonly has: Map<string, FilterNode & { kind: 'has' }>;
  /** fields every matching row has a value for (so a sparse index still holds those rows) */
  readonly nonNull: Set<string>;
}

export function fieldFacts(items: readonly FilterNode[]): FieldFacts {
  const facts: FieldFacts = { eq: new Map(), inList: new Map(), range: new Map(), prefix: new Map(), has: new Map(), nonNull: new Set() };
  for (const n of items) {
    switch (n.kind) {
      case 'compare':
        if (n.op === 'eq') {
          if (!facts.eq.has(n.field)) facts.eq.set(n.field, n);
          facts.nonNull.add(n.field);
        } else if (n.op !== 'ne') {
          const list = facts.range.get(n.field) ?? [];
          list.push(n);
          facts.range.set(n.field, list);
          facts.nonNull.add(n.field);
        }
        break;
      case 'in':
        if (!n.negated) {
          if (!facts.inList.has(n.field)) facts.inList.set(n.field, n);
          facts.nonNull.add(n.field);
        }
        break;
      case 'text':
        if (!n.insensitive) {
          if (n.op === 'startsWith' && !facts.prefix.has(n.field)) facts.prefix.set(n.field, n);
          facts.nonNull.add(n.field);
        }
        break;
      case 'has':
        if (!facts.has.has(n.field)) facts.has.set(n.field, n);
        facts.nonNull.add(n.field);
        break;
      case 'listEquals':
        facts.nonNull.add(n.field);
        break;
      case 'isNull':
        if (!n.isNull) facts.nonNull.add(n.field);
        break;
      default:
        break;
    }
  }
  return facts;
}

/** An operator DynamoDB cannot evaluate, found anywhere in a filter. */
export interface Unsupported {
  readonly code: 'operator-unsupported' | 'relation-filter-unsupported';
  readonly field: string;
  readonly what: string;
  readonly fix: string;
}

export function findUnsupported(caps: Capabilities, model: ModelDef, where: FilterNode | null, out: Unsupported[] = []): Unsupported[] {
  if (!where) return out;
  switch (where.kind) {
    case 'and':
    case 'or':
      for (const i of where.items) findUnsupported(caps, model, i, out);
      break;
    case 'not':
      findUnsupported(caps, model, where.item, out);
      break;
    case 'text':
      if (where.insensitive && !caps.caseInsensitive) {
        out.push({
          code: 'operator-unsupported',
          field: where.field,
          what: `mode: 'insensitive' (${where.op}) on ${model.name}.${where.field}`,
          fix: `store a lowercased copy of ${where.field} (e.g. ${where.field}Lower) and filter it with ${where.op === 'equals' ? 'equals' : where.op} on lowercased input; DynamoDB compares case-sensitively`,
        });
      } else if (where.op !== 'equals' && !caps.textOperators.includes(where.op)) {
        out.push({
          code: 'operator-unsupported',
          field: where.field,
          what: `${where.op} on ${model.name}.${where.field}`,
          fix:
            where.op === 'endsWith'
              ? `use startsWith instead of endsWith (store the reversed string in another field to match suffixes with startsWith); DynamoDB has begins_with but no ends_with`
              : `use ${caps.textOperators.join(' or ')} instead of ${where.op}`,
        });
      }
      break;
    case 'compare':
      // decimal is stored as S to keep every digit, so S order is not numeric order.
      if (model.fields[where.field]?.kind === 'decimal' && where.op !== 'eq' && where.op !== 'ne') {
        out.push({
          code: 'operator-unsupported',
          field: where.field,
          what: `${where.op} on decimal field ${model.name}.${where.field}`,
          fix: `compare ${where.field} with equals/in only, or store it as f.int()/f.bigint() in minor units (cents) to range-filter on DynamoDB`,
        });
      }
      break;
    case 'relation':
      if (caps.relationFilters) break;
      out.push({
        code: 'relation-filter-unsupported',
        field: where.relation,
        what: `relation filter '${where.op}' on ${model.name}.${where.relation}`,
        fix: `query the related model first and filter by its keys with { in: [...] } (DynamoDB has no joins), or run this query on PostgreSQL`,
      });
      break;
    default:
      break;
  }
  return out;
}

/**
 * Model filter → condition AST. `ne` on a nullable field keeps JS `!==` semantics (a missing
 * attribute is "not equal"), which DynamoDB's `<>` alone does not promise for absent attributes.
 * Unsupported operators become `const false`; the plan carries the error that stops it running.
 */
export function toCondition(model: ModelDef, n: FilterNode): KvCondition {
  switch (n.kind) {
    case 'and':
      return { kind: 'and', items: n.items.map((i) => toCondition(model, i)) };
    case 'or':
      return { kind: 'or', items: n.items.map((i) => toCondition(model, i)) };
    case 'not':
      return { kind: 'not', item: toCondition(model, n.item) };
    case 'const':
      return { kind: 'const', value: n.value };
    case 'compare': {
      const op = ({ eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const)[n.op];
      const cmp: KvCondition = { kind: 'compare', attr: n.field, op, value: param(n.value) };
      if (n.op === 'ne' && model.fields[n.field]?.nullable) return { kind: 'or', items: [{ kind: 'exists', attr: n.field, exists: false }, cmp] };
      return cmp;
    }
    case 'in': {
      const c: KvCondition = { kind: 'in', attr: n.field, values: param(n.values) };
      return n.negated ? { kind: 'not', item: c } : c;
    }
    case 'text': {
      // Case-insensitive matching has no condition here; findUnsupported reported it.
      if (n.insensitive) return { kind: 'const', value: false };
      const op = n.op;
      switch (op) {
        case 'startsWith':
          return { kind: 'beginsWith', attr: n.field, value: param(n.value) };
        case 'contains':
          return { kind: 'contains', attr: n.field, value: param(n.value) };
        case 'endsWith':
          // No ends_with in DynamoDB expressions: outside the target's textOperators, so refused.
          return { kind: 'const', value: false };
        case 'equals':
          // Only built with insensitive (plain equality is a compare node).
          return { kind: 'const', value: false };
        default:
          return assertNever(op, 'text operator');
      }
    }
    case 'isNull':
      return { kind: 'exists', attr: n.field, exists: !n.isNull };
    case 'has':
      return { kind: 'contains', attr: n.field, value: param(n.value) };
    case 'listEquals':
      return { kind: 'compare', attr: n.field, op: '=', value: param(n.value) };
    case 'relation':
      return { kind: 'const', value: false };
    default: {
      const never: never = n;
      throw new Error(`unhandled filter node ${JSON.stringify(never)}`);
    }
  }
}

export function conditionOf(model: ModelDef, items: readonly FilterNode[]): KvCondition | null {
  return andOf(items.map((i) => toCondition(model, i)));
}

/** Whether a filter mentions any of the attributes (anywhere inside it). */
export function mentions(n: FilterNode, attrs: readonly string[]): boolean {
  switch (n.kind) {
    case 'and':
    case 'or':
      return n.items.some((i) => mentions(i, attrs));
    case 'not':
      return mentions(n.item, attrs);
    case 'const':
    case 'relation':
      return false;
    default:
      return attrs.includes(n.field);
  }
}

/**
 * Splits the conjuncts a Query did not put in its key condition: those on the queried index's
 * key attributes cannot be in a FilterExpression, so they become the engine-checked postFilter.
 */
export function splitResidual(
  model: ModelDef,
  residual: readonly FilterNode[],
  keyAttrs: readonly string[],
): { filter: KvCondition | null; postFilter: KvCondition | null } {
  const onKey = residual.filter((n) => mentions(n, keyAttrs));
  return {
    filter: conditionOf(
      model,
      residual.filter((n) => !onKey.includes(n)),
    ),
    postFilter: conditionOf(model, onKey),
  };
}
