/**
 * The model-level diff between two schemas. It matches models by name and
 * fields by name, following renames from `--rename` flags, `renamedFrom`
 * hints and the resolver's answers; everything per-target (SQL, DynamoDB
 * steps) is derived from it by the renderers.
 */
import type { FieldDef } from '../../src/schema/field.js';
import type { ModelDef } from '../../src/schema/model.js';
import type { SchemaDef } from '../../src/schema/define.js';
import { MigrationError } from '../errors.js';
import { stableJson } from '../snapshot.js';
import { formatRename, type RenameResolver, type RenameSpec } from './renames.js';

export interface FieldChange {
  readonly prevName: string;
  readonly name: string;
  readonly from: FieldDef;
  readonly to: FieldDef;
}

/** One model present on both sides (possibly renamed). */
export interface ModelPair {
  readonly prevKey: string;
  readonly key: string;
  readonly from: ModelDef;
  readonly to: ModelDef;
  /** Surviving fields: previous name → new name. */
  readonly fieldMap: ReadonlyMap<string, string>;
  readonly added: readonly string[];
  readonly dropped: readonly string[];
  readonly renamed: readonly { readonly from: string; readonly to: string }[];
  /** Surviving fields whose definition changed (renames alone are not listed). */
  readonly changed: readonly FieldChange[];
}

export interface SchemaDiff {
  readonly prev: SchemaDef;
  readonly next: SchemaDef;
  /** Accessors in `next` of new models. */
  readonly created: readonly string[];
  /** Accessors in `prev` of removed models. */
  readonly dropped: readonly string[];
  readonly pairs: readonly ModelPair[];
  /** Renames that were applied, as `--rename` values (for the migration header). */
  readonly renames: readonly string[];
}

export interface DiffOptions {
  readonly renames?: readonly RenameSpec[];
  readonly resolver: RenameResolver;
  /** Read rename hints from these (the live models); snapshots drop them. */
  readonly hints?: SchemaDef;
}

const byName = (def: SchemaDef) => new Map(Object.entries(def.models).map(([k, m]) => [m.name, { key: k, model: m }]));

export async function diffSchemas(prev: SchemaDef, next: SchemaDef, opts: DiffOptions): Promise<SchemaDiff> {
  const renames = opts.renames ?? [];
  const hints = opts.hints ?? next;
  const prevModels = byName(prev);
  const nextModels = byName(next);
  const applied: string[] = [];

  // ---- models -------------------------------------------------------------
  const modelMatch = new Map<string, string>(); // prev name -> next name
  for (const name of nextModels.keys()) if (prevModels.has(name)) modelMatch.set(name, name);
  for (const r of renames) {
    if (r.kind !== 'model') continue;
    if (!prevModels.has(r.from)) throw new MigrationError(`--rename ${formatRename(r)}: the last snapshot has no model ${r.from}`, `models there: ${[...prevModels.keys()].join(', ') || '(none)'}`);
    if (!nextModels.has(r.to)) throw new MigrationError(`--rename ${formatRename(r)}: the schema has no model ${r.to}`, `models now: ${[...nextModels.keys()].join(', ')}`);
    if (nextModels.has(r.from)) throw new MigrationError(`--rename ${formatRename(r)}: model ${r.from} still exists`, `remove or rename model ${r.from} first`);
    if (prevModels.has(r.to)) throw new MigrationError(`--rename ${formatRename(r)}: model ${r.to} already existed`, 'a model can only be renamed to a new name');
    modelMatch.set(r.from, r.to);
    applied.push(formatRename(r));
  }
  const matchedNext = () => new Set(modelMatch.values());
  for (const { model } of byName(hints).values()) {
    const from = model.renamedFrom;
    if (!from || modelMatch.has(from) || !prevModels.has(from) || nextModels.has(from) || matchedNext().has(model.name) || !nextModels.has(model.name)) continue;
    modelMatch.set(from, model.name);
    applied.push(`${from}=${model.name}`);
  }
  const unmatchedPrev = () => [...prevModels.keys()].filter((n) => !modelMatch.has(n));
  const unmatchedNext = () => [...nextModels.keys()].filter((n) => !matchedNext().has(n));
  for (const gone of unmatchedPrev()) {
    const candidates = unmatchedNext();
    if (candidates.length === 0) break;
    const answer = await opts.resolver.model(gone, candidates);
    if (answer === null) continue;
    if (!candidates.includes(answer)) throw new MigrationError(`model ${gone} cannot be renamed to ${answer}`, `choose one of ${candidates.join(', ')}`);
    modelMatch.set(gone, answer);
    applied.push(`${gone}=${answer}`);
  }

  // ---- fields of matched models ------------------------------------------------
  const pairs: ModelPair[] = [];
  for (const [prevName, nextName] of modelMatch) {
    const p = prevModels.get(prevName)!;
    const n = nextModels.get(nextName)!;
    const hintModel = [...Object.values(hints.models)].find((m) => m.name === nextName) ?? n.model;
    const fieldRenames = renames.filter((r): r is Extract<RenameSpec, { kind: 'field' }> => r.kind === 'field' && (r.model === nextName || r.model === prevName));
    pairs.push(await pairModel(p.key, p.model, n.key, n.model, hintModel, fieldRenames, opts.resolver, applied));
  }
  for (const r of renames) {
    if (r.kind === 'field' && ![...modelMatch.entries()].some(([a, b]) => r.model === a || r.model === b)) {
      throw new MigrationError(`--rename ${formatRename(r)}: no model ${r.model} on both sides of this migration`, `models now: ${[...nextModels.keys()].join(', ')}`);
    }
  }

  const created = [...nextModels.values()].filter((x) => !matchedNext().has(x.model.name)).map((x) => x.key);
  const dropped = [...prevModels.values()].filter((x) => !modelMatch.has(x.model.name)).map((x) => x.key);
  return { prev, next, created, dropped, pairs, renames: applied };
}

async function pairModel(
  prevKey: string, from: ModelDef, key: string, to: ModelDef, hintModel: ModelDef,
  renames: readonly Extract<RenameSpec, { kind: 'field' }>[], resolver: RenameResolver, applied: string[],
): Promise<ModelPair> {
  const map = new Map<string, string>();
  for (const f of Object.keys(to.fields)) if (from.fields[f]) map.set(f, f);
  const mapped = () => new Set(map.values());
  for (const r of renames) {
    const spec = formatRename(r);
    if (!from.fields[r.from]) throw new MigrationError(`--rename ${spec}: the last snapshot's ${from.name} has no field '${r.from}'`, `fields there: ${Object.keys(from.fields).join(', ')}`);
    if (!to.fields[r.to]) throw new MigrationError(`--rename ${spec}: ${to.name} has no field '${r.to}'`, `fields now: ${Object.keys(to.fields).join(', ')}`);
    if (to.fields[r.from]) throw new MigrationError(`--rename ${spec}: ${to.name}.${r.from} still exists`, `remove or rename ${to.name}.${r.from} in the model first`);
    if (from.fields[r.to]) throw new MigrationError(`--rename ${spec}: ${from.name}.${r.to} already existed`, 'a field can only be renamed to a new name');
    map.set(r.from, r.to);
    applied.push(`${to.name}.${r.from}=${r.to}`);
  }
  for (const [name, fd] of Object.entries(hintModel.fields)) {
    const old = fd.renamedFrom;
    if (!old || map.has(old) || !from.fields[old] || to.fields[old] || mapped().has(name) || !to.fields[name]) continue;
    map.set(old, name);
    applied.push(`${to.name}.${old}=${name}`);
  }
  for (const gone of Object.keys(from.fields).filter((f) => !map.has(f))) {
    const candidates = Object.keys(to.fields).filter((f) => !mapped().has(f));
    if (candidates.length === 0) break;
    const answer = await resolver.field(to.name, gone, candidates);
    if (answer === null) continue;
    if (!candidates.includes(answer)) throw new MigrationError(`${to.name}.${gone} cannot be renamed to ${answer}`, `choose one of ${candidates.join(', ')}`);
    map.set(gone, answer);
    applied.push(`${to.name}.${gone}=${answer}`);
  }
  const added = Object.keys(to.fields).filter((f) => !mapped().has(f));
  const dropped = Object.keys(from.fields).filter((f) => !map.has(f));
  const renamed = [...map].filter(([a, b]) => a !== b).map(([a, b]) => ({ from: a, to: b }));
  const changed: FieldChange[] = [];
  for (const [a, b] of map) {
    if (!sameField(from.fields[a], to.fields[b])) changed.push({ prevName: a, name: b, from: from.fields[a], to: to.fields[b] });
  }
  return { prevKey, key, from, to, fieldMap: map, added, dropped, renamed, changed };
}

export function sameField(a: FieldDef, b: FieldDef): boolean {
  const { renamedFrom: _a, ...x } = a;
  const { renamedFrom: _b, ...y } = b;
  return stableJson(x) === stableJson(y);
}

/** True when the diff changes nothing at all. */
export function isEmptyDiff(d: SchemaDiff): boolean {
  return d.created.length === 0 && d.dropped.length === 0 && d.pairs.every((p) =>
    p.added.length === 0 && p.dropped.length === 0 && p.renamed.length === 0 && p.changed.length === 0 && p.from.table === p.to.table
    && stableJson([p.from.key, p.from.indexes, p.from.uniques]) === stableJson([p.to.key, p.to.indexes, p.to.uniques]));
}
