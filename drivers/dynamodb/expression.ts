/**
 * Renders condition/key/update ASTs into DynamoDB expression syntax. Attribute
 * names always go through `#n` placeholders and values through `:v`
 * placeholders, so no user input ever becomes expression text. The same
 * renderer, with a describing sink, prints plans for `explain`.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { KvCondition, KvKeyCondition, KvSortCondition, KvUpdate, KvValue } from '../../src/plan/kv/ops.js';

/** Where names and values go: placeholders for a request, readable text for explain. */
export interface ExpressionSink {
  name(attr: string): string;
  /** One value compared with/stored into `attr`; `as` says how to encode it. */
  value(attr: string, ref: KvValue, as: ValueUse): string;
  /** An array-valued reference expanded into one placeholder per element (IN). */
  list(attr: string, ref: KvValue): string[];
  /** An empty list literal (list_append onto a missing list). */
  emptyList(): string;
  /**
   * For attributes whose equality is not string equality (decimals): the placeholders of every
   * stored form equal to the value, or null for plain equality.
   */
  variants(attr: string, ref: KvValue): string[] | null;
}

/** field: the attribute's own type; element: one list element (contains on a list); text: a string operand. */
export type ValueUse = 'field' | 'element' | 'text';

/**
 * Folds the constants out of a condition (an empty `in` is false, `notIn: []` is NOT false):
 * true or false when the whole condition is constant, else a condition without constants. A
 * Query's FilterExpression needs this, since the stand-in for a literal (the table key's
 * existence, below) is a key attribute, which DynamoDB refuses in a Query's filter.
 */
export function foldConstants(c: KvCondition, resolve: (v: KvValue) => unknown): KvCondition | boolean {
  switch (c.kind) {
    case 'const':
      return c.value;
    case 'in':
      return ((resolve(c.values) as unknown[] | null) ?? []).length === 0 ? false : c;
    // Nothing folded: the same object comes back, so the driver can key its rendered expressions by it.
    case 'not': {
      const x = foldConstants(c.item, resolve);
      return typeof x === 'boolean' ? !x : x === c.item ? c : { kind: 'not', item: x };
    }
    case 'and':
    case 'or': {
      const absorbing = c.kind === 'or';
      const items: KvCondition[] = [];
      let same = true;
      for (const i of c.items) {
        const x = foldConstants(i, resolve);
        if (x === absorbing) return absorbing;
        if (typeof x !== 'boolean') items.push(x);
        if (x !== i) same = false;
      }
      if (same && items.length > 1) return c;
      return items.length === 0 ? !absorbing : items.length === 1 ? items[0] : { kind: c.kind, items };
    }
    default:
      return c;
  }
}

/** DynamoDB has no boolean literals: existence of an always-present attribute stands in for them. */
export function renderCondition(c: KvCondition, sink: ExpressionSink, alwaysPresent: string | null, isList: (attr: string) => boolean): string {
  const r = (x: KvCondition): string => renderCondition(x, sink, alwaysPresent, isList);
  switch (c.kind) {
    case 'and':
      return c.items.length === 0 ? r({ kind: 'const', value: true }) : c.items.length === 1 ? r(c.items[0]) : c.items.map((i) => `(${r(i)})`).join(' AND ');
    case 'or':
      return c.items.length === 0 ? r({ kind: 'const', value: false }) : c.items.length === 1 ? r(c.items[0]) : c.items.map((i) => `(${r(i)})`).join(' OR ');
    case 'not':
      return `NOT (${r(c.item)})`;
    case 'const':
      if (alwaysPresent === null) return c.value ? 'TRUE' : 'FALSE';
      return c.value ? `attribute_exists(${sink.name(alwaysPresent)})` : `attribute_not_exists(${sink.name(alwaysPresent)})`;
    case 'compare': {
      const vs = c.op === '=' || c.op === '<>' ? sink.variants(c.attr, c.value) : null;
      if (vs) {
        const inList = `${sink.name(c.attr)} IN (${vs.join(', ')})`;
        return c.op === '=' ? inList : `NOT (${inList})`;
      }
      return `${sink.name(c.attr)} ${c.op} ${sink.value(c.attr, c.value, 'field')}`;
    }
    case 'between':
      return `${sink.name(c.attr)} BETWEEN ${sink.value(c.attr, c.low, 'field')} AND ${sink.value(c.attr, c.high, 'field')}`;
    case 'in': {
      const vals = sink.list(c.attr, c.values);
      if (vals.length === 0) return r({ kind: 'const', value: false });
      const name = sink.name(c.attr);
      // DynamoDB accepts at most 100 operands per IN.
      const chunks: string[] = [];
      for (let i = 0; i < vals.length; i += 100) chunks.push(`${name} IN (${vals.slice(i, i + 100).join(', ')})`);
      return chunks.length === 1 ? chunks[0] : chunks.map((x) => `(${x})`).join(' OR ');
    }
    case 'beginsWith':
      return `begins_with(${sink.name(c.attr)}, ${sink.value(c.attr, c.value, 'text')})`;
    case 'contains':
      return `contains(${sink.name(c.attr)}, ${sink.value(c.attr, c.value, isList(c.attr) ? 'element' : 'text')})`;
    case 'exists':
      return c.exists ? `attribute_exists(${sink.name(c.attr)})` : `attribute_not_exists(${sink.name(c.attr)})`;
    default: {
      const never: never = c;
      throw new Error(`unhandled condition ${JSON.stringify(never)}`);
    }
  }
}

export function renderSortCondition(attr: string, c: KvSortCondition, sink: ExpressionSink): string {
  const n = sink.name(attr);
  switch (c.op) {
    case 'between':
      return `${n} BETWEEN ${sink.value(attr, c.low, 'field')} AND ${sink.value(attr, c.high, 'field')}`;
    case 'beginsWith':
      return `begins_with(${n}, ${sink.value(attr, c.value, 'text')})`;
    default:
      return `${n} ${c.op} ${sink.value(attr, c.value, 'field')}`;
  }
}

/** `partitionValue` overrides the partition's reference (one Query per element of an `each` list). */
export function renderKeyCondition(k: KvKeyCondition, sink: ExpressionSink, partitionValue?: KvValue): string {
  const p = `${sink.name(k.partition.attr)} = ${sink.value(k.partition.attr, partitionValue ?? k.partition.value, 'field')}`;
  return k.sort ? `${p} AND ${renderSortCondition(k.sort.attr, k.sort.cond, sink)}` : p;
}

/**
 * SET/REMOVE clauses. `isNull(ref)` tells which `set` values are null at run time: those attributes
 * are removed, since null fields are absent attributes.
 */
export function renderUpdate(updates: readonly KvUpdate[], sink: ExpressionSink, isNull: (ref: KvValue) => boolean): string {
  const set: string[] = [];
  const remove: string[] = [];
  const add: string[] = [];
  for (const u of updates) {
    const n = sink.name(u.attr);
    switch (u.op) {
      case 'set':
        if (isNull(u.value)) remove.push(n);
        else set.push(`${n} = ${sink.value(u.attr, u.value, 'field')}`);
        break;
      case 'add':
        // Numeric fields are never absent (null numbers stay null: increment on null is null in SQL too).
        set.push(`${n} = ${n} ${u.negate ? '-' : '+'} ${sink.value(u.attr, u.value, 'element')}`);
        break;
      case 'append':
        set.push(`${n} = list_append(if_not_exists(${n}, ${sink.emptyList()}), ${sink.value(u.attr, u.value, 'field')})`);
        break;
      case 'count':
        add.push(`${n} ${sink.value(u.attr, u.value, 'element')}`);
        break;
      default: {
        const never: never = u;
        throw new Error(`unhandled update ${JSON.stringify(never)}`);
      }
    }
  }
  return [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : '', add.length ? `ADD ${add.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');
}

/** Collects `#n`/`:v` placeholders for one request. */
export class PlaceholderSink implements ExpressionSink {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  private readonly byAttr = new Map<string, string>();
  private n = 0;
  private v = 0;
  constructor(
    private readonly encode: (attr: string, ref: KvValue, as: ValueUse) => AttributeValue,
    private readonly expand: (attr: string, ref: KvValue) => AttributeValue[],
    private readonly equalForms: (attr: string, ref: KvValue) => AttributeValue[] | null = () => null,
  ) {}

  name(attr: string): string {
    let p = this.byAttr.get(attr);
    if (!p) {
      p = `#n${this.n++}`;
      this.byAttr.set(attr, p);
      this.names[p] = attr;
    }
    return p;
  }
  value(attr: string, ref: KvValue, as: ValueUse): string {
    return this.add(this.encode(attr, ref, as));
  }
  list(attr: string, ref: KvValue): string[] {
    return this.expand(attr, ref).map((av) => this.add(av));
  }
  emptyList(): string {
    return this.add({ L: [] });
  }
  variants(attr: string, ref: KvValue): string[] | null {
    const forms = this.equalForms(attr, ref);
    return forms ? forms.map((av) => this.add(av)) : null;
  }
  add(av: AttributeValue): string {
    const p = `:v${this.v++}`;
    this.values[p] = av;
    return p;
  }
  get expressionNames(): Record<string, string> | undefined {
    return this.n ? this.names : undefined;
  }
  get expressionValues(): Record<string, AttributeValue> | undefined {
    return this.v ? this.values : undefined;
  }
}

/** For explain: attribute names as written, values as `:v<slot>` (plans carry no values; the slot is the query's n-th value). */
export class DescribeSink implements ExpressionSink {
  name(attr: string): string {
    return attr;
  }
  value(_attr: string, ref: KvValue): string {
    return ref.from === 'const' ? JSON.stringify(ref.value) : this.ref(ref);
  }
  list(_attr: string, ref: KvValue): string[] {
    return [`...${this.ref(ref)}`];
  }
  emptyList(): string {
    return '[]';
  }
  variants(): null {
    return null;
  }
  ref(ref: KvValue): string {
    switch (ref.from) {
      case 'param':
        return `:v${ref.slot}`;
      case 'lookup':
        return `<unique-index ${ref.attr}>`;
      case 'parent':
        return `<parent ${ref.field}>`;
      case 'item':
        return `<current ${ref.field}>`;
      case 'const':
        return JSON.stringify(ref.value);
      default: {
        const never: never = ref;
        throw new Error(`unhandled value ${JSON.stringify(never)}`);
      }
    }
  }
}
