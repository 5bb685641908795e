/**
 * A fast-check generator of read queries over any schema whose data is known
 * (the blog schema and its seeded dataset here). Values are drawn mostly from
 * the data itself, so filters match something, and partly from near misses
 * (off-by-one numbers and instants, case variants, substrings, absent ids).
 *
 * It covers every filter operator the API has, AND/OR/NOT nesting, relation
 * filters, orderBy, limit/offset, includes (nested, with where/orderBy/limit),
 * select, findMany/findFirst/findUnique/count and paginate. A share of the
 * queries is shaped to be servable by DynamoDB (a pinned partition, a key, a
 * unique field, an index sort order, or allowScan); the rest mostly shows
 * that DynamoDB refuses with a documented code.
 */
import fc from 'fast-check';
import type { FieldDef, SchemaDef } from 'quern';

export type Args = Record<string, unknown>;
export type Row = Record<string, unknown>;
export type Data = Record<string, readonly Row[]>;

export type ReadMethod = 'findMany' | 'findFirst' | 'findUnique' | 'count' | 'paginate' | 'aggregate' | 'groupBy';

export interface GenQuery {
  readonly model: string;
  readonly method: ReadMethod;
  readonly args: Args;
  /** paginate: page size and direction of the walk over every page. */
  readonly page?: { readonly size: number; readonly backward: boolean };
}

interface FieldInfo {
  readonly name: string;
  readonly def: FieldDef;
}

/** hasMany and manyToMany: a list per parent (includes with where/orderBy/limit, some/every/none, _count). */
const TO_MANY = (kind: string) => kind === 'hasMany' || kind === 'manyToMany';
const ORDERABLE = (d: FieldDef) => d.kind !== 'list' && d.kind !== 'json' && d.kind !== 'boolean';
const TEXTUAL = (d: FieldDef) => d.kind === 'string' || d.kind === 'text' || d.kind === 'enum' || d.kind === 'uuid';

export class QueryGen {
  private readonly values = new Map<string, unknown[]>();
  private readonly filterCache = new Map<string, fc.Arbitrary<Args>>();

  constructor(
    private readonly schema: SchemaDef,
    private readonly data: Data,
  ) {
    for (const [m, rows] of Object.entries(data)) {
      for (const f of Object.keys(schema.models[m].fields)) {
        const seen = new Map<string, unknown>();
        for (const r of rows) if (r[f] !== null && r[f] !== undefined) seen.set(JSON.stringify(r[f]), r[f]);
        this.values.set(`${m}.${f}`, [...seen.values()]);
      }
    }
  }

  private fields(model: string): FieldInfo[] {
    return Object.entries(this.schema.models[model].fields).map(([name, def]) => ({ name, def }));
  }

  private pool(model: string, field: string): unknown[] {
    return this.values.get(`${model}.${field}`) ?? [];
  }

  /** A value for `field` (never null), mostly one that occurs in the data. */
  value(model: string, field: string): fc.Arbitrary<unknown> {
    const def = this.schema.models[model].fields[field];
    const pool = this.pool(model, field);
    const fromData = pool.length ? [fc.constantFrom(...pool)] : [];
    const near = this.nearMiss(def, pool);
    return fromData.length ? fc.oneof({ weight: 3, arbitrary: fromData[0] }, { weight: 1, arbitrary: near }) : near;
  }

  private nearMiss(def: FieldDef, pool: unknown[]): fc.Arbitrary<unknown> {
    const somePool = pool.length ? fc.constantFrom(...pool) : null;
    switch (def.kind) {
      case 'int':
      case 'float':
        return fc.oneof(fc.integer({ min: -3, max: 30 }), ...(somePool ? [somePool.chain((v) => fc.constantFrom((v as number) - 1, (v as number) + 1))] : []));
      case 'bigint':
        return fc.bigInt({ min: -5n, max: 30n });
      case 'timestamp':
        return somePool
          ? somePool.chain((v) => fc.constantFrom(-1000, -1, 1, 1000).map((d) => new Date((v as Date).getTime() + d)))
          : fc.date({ min: new Date(Date.UTC(2023, 0, 1)), max: new Date(Date.UTC(2025, 0, 1)), noInvalidDate: true });
      case 'uuid':
        return fc.oneof(fc.constant('0190ffff-0000-7000-8000-000000000000'), ...(somePool ? [somePool.map((v) => (v as string).toUpperCase())] : []));
      case 'enum':
        return fc.constantFrom(...def.enumValues!);
      case 'string':
      case 'text':
        return fc.oneof(
          fc.constantFrom('Alpha', 'alpha', 'zz', '%', '_', "'", '😀', 'Émile', ''),
          ...(somePool ? [somePool.map((v) => (v as string).toUpperCase()), somePool.chain((v) => this.substring(v as string))] : []),
        );
      case 'boolean':
        return fc.boolean();
      case 'date':
        return fc.constantFrom('2024-01-01', '2024-06-30');
      case 'decimal':
        return fc.constantFrom('0', '1.5', '-2.25', '10');
      case 'list':
        return somePool ? somePool : fc.constant([]);
      case 'json':
        return fc.constant({});
    }
  }

  /** A substring of a data value (for contains / startsWith / endsWith), sometimes empty or case-flipped. */
  private substring(s: string): fc.Arbitrary<string> {
    const cps = [...s];
    return fc.tuple(fc.nat({ max: cps.length }), fc.nat({ max: cps.length }), fc.boolean()).map(([a, b, flip]) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const sub = cps.slice(lo, hi).join('');
      return flip ? sub.toLowerCase() : sub;
    });
  }

  private textValue(model: string, field: string): fc.Arbitrary<string> {
    const def = this.schema.models[model].fields[field];
    const pool = this.pool(model, field) as string[];
    const words = fc.constantFrom('a', 'A', 'lph', '%', '_', '\\', "'", '😀', '', 'zz');
    if (!pool.length || def.kind === 'enum') return def.kind === 'enum' ? fc.constantFrom(...def.enumValues!).chain((v) => this.substring(v)) : words;
    return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool).chain((v) => this.substring(v)) }, { weight: 1, arbitrary: words });
  }

  /** One operator filter on one field: `{ op: value, ... }`, a bare value, or null. */
  fieldFilter(model: string, f: FieldInfo): fc.Arbitrary<unknown> {
    const { name, def } = f;
    const v = () => this.value(model, name);
    const opts: fc.Arbitrary<unknown>[] = [];
    if (def.kind === 'list') {
      const el = this.listElement(model, name);
      opts.push(
        el.map((e) => ({ has: e })),
        v().map((l) => l),
        v().map((l) => ({ equals: l })),
        v().map((l) => ({ not: l })),
        fc.constant({ equals: [] }),
      );
      return fc.oneof(...opts);
    }
    opts.push(
      v(),
      v().map((x) => ({ equals: x })),
      v().map((x) => ({ not: x })),
    );
    opts.push(
      fc.array(v(), { maxLength: 4 }).map((xs) => ({ in: xs })),
      fc.array(v(), { maxLength: 3 }).map((xs) => ({ notIn: xs })),
    );
    if (def.nullable) opts.push(fc.constant(null), fc.constant({ not: null }), fc.constant({ equals: null }));
    opts.push(fc.boolean().map((b) => ({ isNull: b })));
    if (ORDERABLE(def)) {
      const op = fc.constantFrom('lt', 'lte', 'gt', 'gte');
      opts.push(fc.tuple(op, v()).map(([o, x]) => ({ [o]: x })));
      opts.push(fc.tuple(v(), v()).map(([a, b]) => ({ gte: a, lt: b })));
      opts.push(fc.tuple(op, v()).map(([o, x]) => ({ not: { [o]: x } })));
    }
    if (TEXTUAL(def)) {
      const op = fc.constantFrom('contains', 'startsWith', 'endsWith');
      opts.push(fc.tuple(op, this.textValue(model, name)).map(([o, x]) => ({ [o]: x })));
      opts.push(fc.tuple(op, this.textValue(model, name)).map(([o, x]) => ({ [o]: x, mode: 'insensitive' })));
      opts.push(v().map((x) => ({ equals: x, mode: 'insensitive' })));
      opts.push(fc.tuple(op, this.textValue(model, name)).map(([o, x]) => ({ not: { [o]: x } })));
    }
    return fc.oneof(...opts);
  }

  private listElement(model: string, field: string): fc.Arbitrary<unknown> {
    const els = new Map<string, unknown>();
    for (const l of this.pool(model, field) as unknown[][]) for (const e of l) els.set(JSON.stringify(e), e);
    return els.size
      ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...els.values()) }, { weight: 1, arbitrary: fc.constant('absent-tag') })
      : fc.constant('absent-tag');
  }

  /** A where object, nested up to `depth` levels of AND/OR/NOT; relation filters when `relations`. */
  filter(model: string, depth: number, relations = true): fc.Arbitrary<Args> {
    const key = `${model}:${depth}:${relations}`;
    const hit = this.filterCache.get(key);
    if (hit) return hit;
    const fields = this.fields(model);
    const leaf = fc.constantFrom(...fields).chain((f) => this.fieldFilter(model, f).map((x) => ({ [f.name]: x }) as Args));
    const parts: { weight: number; arbitrary: fc.Arbitrary<Args> }[] = [{ weight: 6, arbitrary: leaf }];
    // Several fields in one object: an implicit AND.
    parts.push({ weight: 2, arbitrary: fc.array(leaf, { minLength: 2, maxLength: 3 }).map((xs) => Object.assign({}, ...xs) as Args) });
    if (depth > 0) {
      const sub = this.filter(model, depth - 1, relations);
      parts.push(
        { weight: 2, arbitrary: fc.array(sub, { minLength: 0, maxLength: 3 }).map((xs) => ({ OR: xs })) },
        { weight: 1, arbitrary: fc.array(sub, { minLength: 1, maxLength: 3 }).map((xs) => ({ AND: xs })) },
        { weight: 1, arbitrary: sub.map((x) => ({ AND: x })) },
        { weight: 2, arbitrary: sub.map((x) => ({ NOT: x })) },
        { weight: 1, arbitrary: fc.array(sub, { minLength: 1, maxLength: 2 }).map((xs) => ({ NOT: xs })) },
      );
      if (relations) {
        const rels = Object.entries(this.schema.relations[model] ?? {});
        if (rels.length) {
          parts.push({
            weight: 1,
            arbitrary: fc.constantFrom(...rels).chain(([rname, rel]) => {
              const inner = this.filter(rel.target, depth - 1, false);
              if (TO_MANY(rel.kind)) return fc.tuple(fc.constantFrom('some', 'every', 'none'), inner).map(([op, w]) => ({ [rname]: { [op]: w } }) as Args);
              return fc.oneof(
                inner.map((w) => ({ [rname]: { is: w } }) as Args),
                inner.map((w) => ({ [rname]: { isNot: w } }) as Args),
                fc.constant({ [rname]: null } as Args),
                inner.map((w) => ({ [rname]: w }) as Args),
              );
            }),
          });
        }
      }
    }
    const arb = fc.oneof(...parts);
    this.filterCache.set(key, arb);
    return arb;
  }

  /** Equality on a key or unique constraint (what findUnique needs). */
  private uniquePin(model: string): fc.Arbitrary<Args> {
    const m = this.schema.models[model];
    const candidates = [m.key, ...m.uniques.map((u) => u.fields)];
    return fc
      .constantFrom(...candidates)
      .chain((fields) => fc.tuple(...fields.map((f) => this.value(model, f))).map((vals) => Object.fromEntries(fields.map((f, i) => [f, vals[i]]))));
  }

  /** Conjuncts that give DynamoDB an access path: a key, a key `in`, a unique field, or an index partition. */
  private accessPin(model: string): fc.Arbitrary<{ pin: Args; sort: string | null }> {
    const m = this.schema.models[model];
    const opts: fc.Arbitrary<{ pin: Args; sort: string | null }>[] = [];
    opts.push(this.uniquePin(model).map((pin) => ({ pin, sort: null })));
    opts.push(fc.array(this.value(model, m.key[0]), { minLength: 1, maxLength: 5 }).map((xs) => ({ pin: { [m.key[0]]: { in: xs } }, sort: null })));
    for (const idx of m.indexes) {
      const [p, s] = idx.fields;
      opts.push(this.value(model, p).map((x) => ({ pin: { [p]: x }, sort: s ?? null })));
      if (s) {
        const nullable = m.fields[s].nullable;
        // A range on the index's sort key (and, for a nullable sort key, the non-null guarantee the sparse index needs).
        opts.push(
          fc
            .tuple(this.value(model, p), fc.constantFrom('lt', 'lte', 'gt', 'gte'), this.value(model, s), fc.boolean())
            .map(([x, op, y, guard]) => ({ pin: { [p]: x, [s]: nullable && guard ? { [op]: y, not: null } : { [op]: y } }, sort: s })),
        );
        if (nullable) opts.push(this.value(model, p).map((x) => ({ pin: { [p]: x, [s]: { not: null } }, sort: s })));
      }
    }
    return fc.oneof(...opts);
  }

  private orderBy(model: string, sortField: string | null): fc.Arbitrary<unknown> {
    const orderable = this.fields(model)
      .filter((f) => ORDERABLE(f.def))
      .map((f) => f.name);
    const dir = fc.constantFrom('asc', 'desc');
    const any = fc
      .uniqueArray(fc.constantFrom(...orderable), { minLength: 1, maxLength: 3 })
      .chain((fs) =>
        fc
          .tuple(...fs.map(() => dir))
          .chain((ds) => fc.boolean().map((asList) => (asList || fs.length > 1 ? fs.map((f, i) => ({ [f]: ds[i] })) : { [fs[0]]: ds[0] }))),
      );
    if (!sortField) return any;
    return fc.oneof({ weight: 3, arbitrary: dir.map((d) => ({ [sortField]: d })) }, { weight: 1, arbitrary: any });
  }

  private select(model: string, mustHave: readonly string[]): fc.Arbitrary<Args | undefined> {
    const names = this.fields(model).map((f) => f.name);
    return fc.option(
      fc.subarray(names, { minLength: 1 }).map((xs) => Object.fromEntries([...new Set([...xs, ...mustHave])].map((x) => [x, true]))),
      { freq: 4, nil: undefined },
    );
  }

  /**
   * Includes. A to-many include (hasMany or manyToMany) gets a limit only together with an order on
   * `createdAt`, which is distinct in the data, so the rows it keeps are determined (the differential
   * compares them).
   */
  include(model: string, depth: number): fc.Arbitrary<Args | undefined> {
    const rels = Object.entries(this.schema.relations[model] ?? {});
    if (!rels.length || depth < 0) return fc.constant(undefined);
    const one = fc.constantFrom(...rels).chain(([name, rel]) => {
      if (!TO_MANY(rel.kind)) {
        return fc.oneof(
          fc.constant({ [name]: true }),
          this.include(rel.target, depth - 1).map((inc) => ({ [name]: inc ? { include: inc } : true })),
        );
      }
      const target = this.schema.models[rel.target];
      const hasCreatedAt = 'createdAt' in target.fields;
      const where = fc.option(this.filter(rel.target, 0, false), { freq: 2, nil: undefined });
      const order = fc.option(
        fc
          .constantFrom(...(hasCreatedAt ? ['createdAt'] : []), ...Object.keys(target.fields).filter((f) => ORDERABLE(target.fields[f])))
          .chain((f) => fc.constantFrom('asc', 'desc').map((d) => ({ [f]: d }))),
        { freq: 2, nil: undefined },
      );
      return fc
        .record({
          where,
          orderBy: order,
          limit: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 2, nil: undefined }),
          include: this.include(rel.target, depth - 1),
        })
        .map((o) => {
          const arg: Args = {};
          if (o.where) arg.where = o.where;
          if (o.orderBy) arg.orderBy = o.orderBy;
          if (o.limit !== undefined && o.orderBy && 'createdAt' in (o.orderBy as object)) arg.limit = o.limit;
          if (o.include) arg.include = o.include;
          return { [name]: Object.keys(arg).length ? arg : true };
        });
    });
    return fc.option(
      fc.array(one, { minLength: 1, maxLength: 2 }).map((xs) => Object.assign({}, ...xs) as Args),
      { freq: 3, nil: undefined },
    );
  }

  /** The whole query. */
  query(): fc.Arbitrary<GenQuery> {
    const models = Object.keys(this.data);
    return fc
      .constantFrom(...models)
      .chain((model) =>
        fc.oneof(
          { weight: 10, arbitrary: this.read(model, 'findMany') },
          { weight: 2, arbitrary: this.read(model, 'findFirst') },
          { weight: 2, arbitrary: this.unique(model) },
          { weight: 2, arbitrary: this.count(model) },
          { weight: 3, arbitrary: this.paginate(model) },
          { weight: 2, arbitrary: this.aggregate(model) },
          { weight: 2, arbitrary: this.groupBy(model) },
          { weight: 1, arbitrary: this.distinct(model) },
        ),
      );
  }

  /** Aggregates a model's data can take: counts of any field, sums/averages of numbers, extrema of orderable fields. */
  private aggSelection(model: string): fc.Arbitrary<Args> {
    const fields = this.fields(model);
    const numeric = fields.filter((f) => f.def.kind === 'int' || f.def.kind === 'float' || f.def.kind === 'bigint').map((f) => f.name);
    const extremum = fields.filter((f) => ['int', 'float', 'bigint', 'string', 'text', 'enum', 'timestamp', 'date'].includes(f.def.kind)).map((f) => f.name);
    const flags = (xs: string[]) =>
      xs.length
        ? fc.option(
            fc.subarray(xs, { minLength: 1, maxLength: Math.min(2, xs.length) }).map((s) => Object.fromEntries(s.map((x) => [x, true]))),
            { freq: 2, nil: undefined },
          )
        : fc.constant(undefined);
    return fc
      .record({
        _count: fc.option(
          fc.oneof(
            fc.constant(true as unknown),
            fc.subarray(['_all', ...fields.map((f) => f.name)], { minLength: 1, maxLength: 2 }).map((s) => Object.fromEntries(s.map((x) => [x, true]))),
          ),
          { freq: 2, nil: undefined },
        ),
        _sum: flags(numeric),
        _avg: flags(numeric),
        _min: flags(extremum),
        _max: flags(extremum),
      })
      .map((r) => {
        const out: Args = {};
        for (const [k, v] of Object.entries(r)) if (v !== undefined) out[k] = v;
        if (Object.keys(out).length === 0) out._count = true;
        return out;
      });
  }

  private aggregate(model: string): fc.Arbitrary<GenQuery> {
    return fc.tuple(this.shaped(model), this.aggSelection(model)).map(([s, sel]) => ({
      model,
      method: 'aggregate' as const,
      args: { ...(s.where ? { where: s.where } : {}), ...(s.allowScan ? { allowScan: true } : {}), ...sel },
    }));
  }

  /** groupBy over low-cardinality fields; ordered by every by field (a total order over groups) when windowed. */
  private groupBy(model: string): fc.Arbitrary<GenQuery> {
    const groupable = this.fields(model)
      .filter((f) => ['enum', 'int', 'string', 'boolean', 'uuid'].includes(f.def.kind) && !f.def.key)
      .map((f) => f.name);
    if (!groupable.length) return this.aggregate(model);
    const numeric = this.fields(model)
      .filter((f) => f.def.kind === 'int' || f.def.kind === 'float')
      .map((f) => f.name);
    return fc
      .tuple(
        this.shaped(model),
        this.aggSelection(model),
        fc.subarray(groupable, { minLength: 1, maxLength: Math.min(2, groupable.length) }),
        fc.boolean(),
        fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 3 }), { freq: 2, nil: undefined }),
        fc.constantFrom(...(numeric.length ? numeric : [null])),
      )
      .map(([s, sel, by, ordered, limit, offset, havingCount, num]) => {
        const args: Args = { by, ...sel };
        if (s.where) args.where = s.where;
        if (s.allowScan) args.allowScan = true;
        if (ordered || limit !== undefined || offset !== undefined) args.orderBy = by.map((f) => ({ [f]: 'asc' }));
        if (limit !== undefined) args.limit = limit;
        if (offset !== undefined) args.offset = offset;
        if (havingCount !== undefined)
          args.having = num && havingCount % 2 ? { [num]: { _sum: { gte: havingCount } } } : { [by[0]]: { _count: { gt: havingCount - 1 } } };
        return { model, method: 'groupBy' as const, args };
      });
  }

  /** distinct, selecting only the distinct fields: the set of combinations is what the query determines. */
  private distinct(model: string): fc.Arbitrary<GenQuery> {
    const fields = this.fields(model)
      .filter((f) => f.def.kind !== 'list' && f.def.kind !== 'json')
      .map((f) => f.name);
    return fc.tuple(this.shaped(model), fc.subarray(fields, { minLength: 1, maxLength: Math.min(2, fields.length) })).map(([s, d]) => ({
      model,
      method: 'findMany' as const,
      args: {
        ...(s.where ? { where: s.where } : {}),
        ...(s.allowScan ? { allowScan: true } : {}),
        distinct: d,
        select: Object.fromEntries(d.map((f) => [f, true])),
      },
    }));
  }

  /** Where plus access shaping: pinned (DynamoDB can serve it), scan (allowScan), or free (often refused). */
  private shaped(model: string): fc.Arbitrary<{ where: Args | undefined; sort: string | null; allowScan: boolean }> {
    const extra = fc.option(this.filter(model, 2), { freq: 3, nil: undefined });
    return fc.oneof(
      {
        weight: 4,
        arbitrary: fc.tuple(this.accessPin(model), extra).map(([a, w]) => ({ where: w ? { AND: [a.pin, w] } : a.pin, sort: a.sort, allowScan: false })),
      },
      { weight: 2, arbitrary: fc.tuple(this.accessPin(model), extra).map(([a, w]) => ({ where: { ...(w ?? {}), ...a.pin }, sort: a.sort, allowScan: false })) },
      { weight: 4, arbitrary: extra.map((w) => ({ where: w, sort: null, allowScan: true })) },
      { weight: 2, arbitrary: extra.map((w) => ({ where: w, sort: null, allowScan: false })) },
    );
  }

  private read(model: string, method: 'findMany' | 'findFirst'): fc.Arbitrary<GenQuery> {
    return this.shaped(model).chain((s) =>
      fc
        .record({
          orderBy: fc.option(this.orderBy(model, s.sort), { freq: 2, nil: undefined }),
          limit: fc.option(fc.integer({ min: 0, max: 8 }), { freq: 2, nil: undefined }),
          offset: fc.option(fc.integer({ min: 0, max: 5 }), { freq: 4, nil: undefined }),
          include: this.include(model, 1),
          counts: fc.option(this.counts(model), { freq: 8, nil: undefined }),
        })
        .chain((r) =>
          this.select(model, orderFields(r.orderBy)).map((select) => {
            const args: Args = {};
            if (s.where) args.where = s.where;
            if (s.allowScan) args.allowScan = true;
            if (r.orderBy) args.orderBy = r.orderBy;
            if (method === 'findMany' && r.limit !== undefined) args.limit = r.limit;
            if (r.offset !== undefined) args.offset = r.offset;
            if (r.include) args.include = r.include;
            // Relation counts of to-many relations (PostgreSQL: in the statement; DynamoDB: a fanout, refused under strict).
            if (r.counts) args.include = { ...((args.include as Args) ?? {}), _count: r.counts };
            if (select && !args.include) args.select = select;
            return { model, method, args };
          }),
        ),
    );
  }

  /** `_count`: `true` (every to-many relation), or a selection of them, each `true` or `{ where }`. */
  private counts(model: string): fc.Arbitrary<unknown> {
    const rels = Object.entries(this.schema.relations[model] ?? {}).filter(([, r]) => TO_MANY(r.kind));
    if (!rels.length) return fc.constant(undefined);
    const one = fc.constantFrom(...rels).chain(([name, rel]) =>
      fc.oneof(
        fc.constant({ [name]: true as unknown }),
        this.filter(rel.target, 1, false).map((where) => ({ [name]: { where } as unknown })),
      ),
    );
    return fc.oneof(
      fc.constant(true as unknown),
      fc.array(one, { minLength: 1, maxLength: 2 }).map((xs) => ({ select: Object.assign({}, ...xs) as Args })),
    );
  }

  private unique(model: string): fc.Arbitrary<GenQuery> {
    return fc
      .tuple(this.uniquePin(model), fc.option(this.filter(model, 1), { freq: 3, nil: undefined }), this.include(model, 1), this.select(model, []))
      .map(([pin, extra, include, select]) => {
        const args: Args = { where: { ...(extra ?? {}), ...pin } };
        if (include) args.include = include;
        else if (select) args.select = select;
        return { model, method: 'findUnique' as const, args };
      });
  }

  private count(model: string): fc.Arbitrary<GenQuery> {
    return this.shaped(model).map((s) => ({
      model,
      method: 'count' as const,
      args: { ...(s.where ? { where: s.where } : {}), ...(s.allowScan ? { allowScan: true } : {}) },
    }));
  }

  private paginate(model: string): fc.Arbitrary<GenQuery> {
    return this.shaped(model).chain((s) =>
      fc
        .record({
          orderBy: fc.option(this.orderBy(model, s.sort), { freq: 3, nil: undefined }),
          size: fc.integer({ min: 1, max: 7 }),
          backward: fc.boolean(),
          include: fc.option(this.include(model, 0), { freq: 4, nil: undefined }),
        })
        .map((r) => {
          const args: Args = {};
          if (s.where) args.where = s.where;
          if (s.allowScan) args.allowScan = true;
          if (r.orderBy) args.orderBy = r.orderBy;
          if (r.include) args.include = r.include;
          return { model, method: 'paginate' as const, args, page: { size: r.size, backward: r.backward } };
        }),
    );
  }
}

/** The fields an orderBy argument names, in order. */
export function orderFields(orderBy: unknown): string[] {
  if (!orderBy) return [];
  const list = Array.isArray(orderBy) ? orderBy : [orderBy];
  return list.flatMap((o) => Object.keys(o as object));
}

export function orderTerms(orderBy: unknown): { field: string; direction: 'asc' | 'desc' }[] {
  if (!orderBy) return [];
  const list = Array.isArray(orderBy) ? orderBy : [orderBy];
  return list.flatMap((o) => Object.entries(o as Record<string, 'asc' | 'desc'>).map(([field, direction]) => ({ field, direction })));
}
