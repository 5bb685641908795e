/**
 * dynamodb.json: the ordered DynamoDB steps of one migration. Table names are
 * logical (the model's table); apply adds the configured tablePrefix.
 *
 * Every step is safe to repeat after a crash: apply records steps one by one,
 * and a step cut off half-way is re-run, so each step first looks at what is
 * already there (a table that exists, an index being built, entries already
 * written for the same item).
 */
import { MigrationFileError } from '../errors.js';

export const STEPS_FORMAT = 'quern-dynamodb-steps';
export const STEPS_VERSION = 1;

export interface KeyElement { readonly AttributeName: string; readonly KeyType: 'HASH' | 'RANGE' }
export interface AttributeDefinition { readonly AttributeName: string; readonly AttributeType: 'S' | 'N' | 'B' }
export interface Projection { readonly ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; readonly NonKeyAttributes?: readonly string[] }
export interface GsiDefinition { readonly IndexName: string; readonly KeySchema: readonly KeyElement[]; readonly Projection: Projection }

/** CreateTableInput without TableName (added at apply, with the prefix). */
export interface TableDefinition {
  readonly KeySchema: readonly KeyElement[];
  readonly AttributeDefinitions: readonly AttributeDefinition[];
  readonly GlobalSecondaryIndexes?: readonly GsiDefinition[];
  readonly BillingMode?: 'PAY_PER_REQUEST' | 'PROVISIONED';
  readonly ProvisionedThroughput?: { readonly ReadCapacityUnits: number; readonly WriteCapacityUnits: number };
}

/**
 * The items of one model inside an item collection's table (src/schema/colocation.ts): the
 * parent's item has quern-sk equal to `sk`, a child's starts with it. Steps that scan a model's
 * items carry it when the model lives in a collection table, whose key is quern-pk/quern-sk.
 */
export interface Member { readonly sk: string; readonly role: 'parent' | 'child' }

interface StepBase {
  /** What the step is for, for people reading the file. */
  readonly comment?: string;
  /** Set when the step can lose data or break queries: needs --allow-destructive at apply. */
  readonly destructive?: string;
}

export type DynamoStep =
  | StepBase & { readonly op: 'CreateTable'; readonly table: string; readonly definition: TableDefinition }
  /** UpdateTable creating one GSI, then waiting until it is ACTIVE (DynamoDB backfills it). */
  | StepBase & { readonly op: 'CreateIndex'; readonly table: string; readonly index: GsiDefinition; readonly attributes: readonly AttributeDefinition[] }
  /** UpdateTable deleting one GSI, then waiting until it is gone. */
  | StepBase & { readonly op: 'DeleteIndex'; readonly table: string; readonly index: string }
  /**
   * Scan the model's table and write the unique-index entry of every item; items that
   * repeat a value are reported, not written, and the step fails until they are fixed.
   */
  | StepBase & { readonly op: 'BackfillUnique'; readonly table: string; readonly model: string; readonly constraint: string; readonly fields: readonly string[]; readonly key: readonly string[]; readonly member?: Member }
  /** Sets the shard attribute of a sharded index on every existing item (computed from the item's key). */
  | StepBase & { readonly op: 'BackfillShards'; readonly table: string; readonly model: string; readonly key: readonly string[]; readonly attribute: string; readonly shards: number; readonly member?: Member }
  /** Delete every unique-index entry of a constraint that was removed. */
  | StepBase & { readonly op: 'DeleteUniqueEntries'; readonly table: string; readonly model: string; readonly constraint: string; readonly fields: readonly string[]; readonly key: readonly string[] }
  /**
   * Indexed list: scan the model's items and write the list-entry item of every distinct element
   * (drivers/dynamodb/list-entries.ts). Puts are idempotent, so a re-run redoes at most a page.
   */
  | StepBase & { readonly op: 'BackfillListEntries'; readonly table: string; readonly model: string; readonly field: string; readonly member?: Member }
  /** Delete every list entry of a list that is no longer indexed (or was renamed, or whose model went). */
  | StepBase & { readonly op: 'DeleteListEntries'; readonly table: string; readonly model: string; readonly field: string }
  /** Scan and move an attribute to its new name on every item (a field rename keeps its data). */
  | StepBase & { readonly op: 'RenameAttribute'; readonly table: string; readonly key: readonly string[]; readonly from: string; readonly to: string; readonly member?: Member }
  /**
   * A relation becomes colocated, or stops being: every item of `model` moves from `table` to `to`
   * (into or out of its parent's item collection). Per item: the item as the new layout stores it
   * is written to `to`, the model's unique-index entries are pointed at the new key (and `staleUniques`
   * entries deleted), then the old item is deleted. Each of these is idempotent, and the ledger
   * cursor saves the scan position per page, so a move cut off half-way resumes where it was.
   */
  | StepBase & { readonly op: 'MoveItems'; readonly table: string; readonly to: string; readonly model: string; readonly from?: Member; readonly into?: Member; readonly staleUniques: readonly { readonly name: string; readonly fields: readonly string[] }[] }
  /**
   * Counter cache: scan the parent table and SET each item's counter to the number of child items
   * pointing at it (a Select=COUNT Query per parent through `via`, or one full count of the child
   * table when no key or GSI has the foreign key as partition). Idempotent, so a re-run resumes.
   */
  | StepBase & { readonly op: 'BackfillCounter'; readonly table: string; readonly key: string; readonly field: string; readonly childTable: string; readonly foreignKey: string; readonly via: { readonly index: string | null } | null; readonly member?: Member; readonly childMember?: Member }
  | StepBase & { readonly op: 'UpdateTimeToLive'; readonly table: string; readonly attribute: string; readonly enabled: boolean }
  | StepBase & { readonly op: 'DeleteTable'; readonly table: string };

export type StepOp = DynamoStep['op'];
export const STEP_OPS: readonly StepOp[] = ['CreateTable', 'CreateIndex', 'DeleteIndex', 'BackfillUnique', 'BackfillShards', 'DeleteUniqueEntries', 'BackfillListEntries', 'DeleteListEntries', 'RenameAttribute', 'MoveItems', 'BackfillCounter', 'UpdateTimeToLive', 'DeleteTable'];

export interface DynamoMigrationFile {
  readonly format: typeof STEPS_FORMAT;
  readonly version: number;
  readonly migration: string;
  /** Changes that need no DynamoDB step but that readers should know about. */
  readonly notes: readonly string[];
  readonly steps: readonly DynamoStep[];
}

export function renderSteps(migration: string, steps: readonly DynamoStep[], notes: readonly string[]): string {
  return JSON.stringify({ format: STEPS_FORMAT, version: STEPS_VERSION, migration, notes, steps }, null, 2) + '\n';
}

export function describeStep(s: DynamoStep): string {
  switch (s.op) {
    case 'CreateTable':
      return `CreateTable ${s.table}${s.definition.GlobalSecondaryIndexes?.length ? ` with ${s.definition.GlobalSecondaryIndexes.length} GSI(s)` : ''}`;
    case 'CreateIndex':
      return `UpdateTable ${s.table}: create GSI ${s.index.IndexName} (wait for ACTIVE)`;
    case 'DeleteIndex':
      return `UpdateTable ${s.table}: delete GSI ${s.index}`;
    case 'BackfillUnique':
      return `backfill unique ${s.constraint} (${s.model}: ${s.fields.join(', ')})`;
    case 'BackfillShards':
      return `backfill ${s.attribute} (${s.shards} shards) on every ${s.model} item`;
    case 'DeleteUniqueEntries':
      return `delete unique entries of ${s.constraint} (${s.model})`;
    case 'BackfillListEntries':
      return `backfill list entries of ${s.model}.${s.field} (one per element of every item)`;
    case 'DeleteListEntries':
      return `delete list entries of ${s.model}.${s.field}`;
    case 'RenameAttribute':
      return `rename attribute ${s.table}.${s.from} → ${s.to} on every item`;
    case 'MoveItems':
      return `move every ${s.model} item from ${s.table} to ${s.to}${s.into ? ' (into the item collection)' : ' (out of the item collection)'}`;
    case 'BackfillCounter':
      return `backfill counter ${s.table}.${s.field} = count of ${s.childTable} by ${s.foreignKey}`;
    case 'UpdateTimeToLive':
      return `UpdateTimeToLive ${s.table}: ${s.enabled ? 'enable' : 'disable'} on ${s.attribute}`;
    case 'DeleteTable':
      return `DeleteTable ${s.table}`;
  }
}

// ---- validation -------------------------------------------------------------------

type Bad = (problem: string) => never;

function isObj(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
function str(o: Record<string, unknown>, k: string, at: string, bad: Bad): string {
  if (typeof o[k] !== 'string' || o[k] === '') bad(`${at}.${k} must be a non-empty string`);
  return o[k] as string;
}
function strs(o: Record<string, unknown>, k: string, at: string, bad: Bad): string[] {
  const v = o[k];
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string')) bad(`${at}.${k} must be a non-empty list of strings`);
  return v as string[];
}
function keySchema(v: unknown, at: string, bad: Bad): void {
  if (!Array.isArray(v) || v.length < 1 || v.length > 2) bad(`${at} must hold one or two key elements`);
  (v as unknown[]).forEach((k, i) => {
    if (!isObj(k) || typeof k.AttributeName !== 'string' || (k.KeyType !== 'HASH' && k.KeyType !== 'RANGE')) bad(`${at}[${i}] must be { AttributeName, KeyType: HASH | RANGE }`);
  });
  if ((v as KeyElement[])[0].KeyType !== 'HASH') bad(`${at}[0] must be the HASH key`);
}
function attributes(v: unknown, at: string, bad: Bad): void {
  if (!Array.isArray(v)) bad(`${at} must be a list`);
  (v as unknown[]).forEach((a, i) => {
    if (!isObj(a) || typeof a.AttributeName !== 'string' || !['S', 'N', 'B'].includes(a.AttributeType as string)) bad(`${at}[${i}] must be { AttributeName, AttributeType: S | N | B }`);
  });
}
function gsi(v: unknown, at: string, bad: Bad): void {
  if (!isObj(v)) bad(`${at} must be an object`);
  const g = v as Record<string, unknown>;
  str(g, 'IndexName', at, bad);
  keySchema(g.KeySchema, `${at}.KeySchema`, bad);
  if (!isObj(g.Projection) || !['ALL', 'KEYS_ONLY', 'INCLUDE'].includes(g.Projection.ProjectionType as string)) bad(`${at}.Projection must be { ProjectionType: ALL | KEYS_ONLY | INCLUDE }`);
}

export function parseSteps(text: string, file: string): DynamoMigrationFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MigrationFileError(file, `not valid JSON (${(e as Error).message})`);
  }
  const bad: Bad = (problem) => {
    throw new MigrationFileError(file, problem);
  };
  if (!isObj(raw)) bad('the top level must be an object');
  const o = raw as Record<string, unknown>;
  if (o.format !== STEPS_FORMAT) bad(`"format" must be "${STEPS_FORMAT}"`);
  if (typeof o.version !== 'number' || o.version > STEPS_VERSION) bad(`"version" must be a number no greater than ${STEPS_VERSION}`);
  if (typeof o.migration !== 'string') bad('"migration" must be a string');
  if (o.notes !== undefined && (!Array.isArray(o.notes) || o.notes.some((n) => typeof n !== 'string'))) bad('"notes" must be a list of strings');
  if (!Array.isArray(o.steps)) bad('"steps" must be a list');
  (o.steps as unknown[]).forEach((s, i) => checkStep(s, `steps[${i}]`, bad));
  return { format: STEPS_FORMAT, version: o.version as number, migration: o.migration as string, notes: (o.notes as string[]) ?? [], steps: o.steps as DynamoStep[] };
}

function member(v: unknown, at: string, bad: Bad): void {
  if (v === undefined) return;
  if (!isObj(v) || typeof v.sk !== 'string' || v.sk === '' || (v.role !== 'parent' && v.role !== 'child')) bad(`${at} must be { sk: string, role: parent | child }`);
}

function checkStep(v: unknown, at: string, bad: Bad): void {
  if (!isObj(v)) bad(`${at} must be an object`);
  const s = v as Record<string, unknown>;
  const op = s.op as StepOp;
  if (!STEP_OPS.includes(op)) bad(`${at}.op "${String(s.op)}" is not one of ${STEP_OPS.join(', ')}`);
  if (s.comment !== undefined && typeof s.comment !== 'string') bad(`${at}.comment must be a string`);
  if (s.destructive !== undefined && typeof s.destructive !== 'string') bad(`${at}.destructive must be a string (the reason)`);
  const step = s as unknown as DynamoStep;
  str(s, 'table', at, bad);
  switch (step.op) {
    case 'CreateTable': {
      if (!isObj(s.definition)) bad(`${at}.definition must be an object`);
      const d = s.definition as Record<string, unknown>;
      keySchema(d.KeySchema, `${at}.definition.KeySchema`, bad);
      attributes(d.AttributeDefinitions, `${at}.definition.AttributeDefinitions`, bad);
      if (d.GlobalSecondaryIndexes !== undefined) {
        if (!Array.isArray(d.GlobalSecondaryIndexes)) bad(`${at}.definition.GlobalSecondaryIndexes must be a list`);
        (d.GlobalSecondaryIndexes as unknown[]).forEach((g, i) => gsi(g, `${at}.definition.GlobalSecondaryIndexes[${i}]`, bad));
      }
      return;
    }
    case 'CreateIndex':
      gsi(s.index, `${at}.index`, bad);
      attributes(s.attributes, `${at}.attributes`, bad);
      return;
    case 'DeleteIndex':
      str(s, 'index', at, bad);
      return;
    case 'BackfillUnique':
    case 'DeleteUniqueEntries':
      str(s, 'model', at, bad);
      str(s, 'constraint', at, bad);
      strs(s, 'fields', at, bad);
      strs(s, 'key', at, bad);
      member(s.member, `${at}.member`, bad);
      return;
    case 'BackfillShards':
      str(s, 'model', at, bad);
      strs(s, 'key', at, bad);
      str(s, 'attribute', at, bad);
      if (!Number.isInteger(s.shards) || (s.shards as number) < 1) bad(`${at}.shards must be a positive integer`);
      member(s.member, `${at}.member`, bad);
      return;
    case 'BackfillListEntries':
      str(s, 'model', at, bad);
      str(s, 'field', at, bad);
      member(s.member, `${at}.member`, bad);
      return;
    case 'DeleteListEntries':
      str(s, 'model', at, bad);
      str(s, 'field', at, bad);
      return;
    case 'RenameAttribute':
      strs(s, 'key', at, bad);
      str(s, 'from', at, bad);
      str(s, 'to', at, bad);
      member(s.member, `${at}.member`, bad);
      return;
    case 'MoveItems':
      str(s, 'to', at, bad);
      str(s, 'model', at, bad);
      member(s.from, `${at}.from`, bad);
      member(s.into, `${at}.into`, bad);
      if (!s.from === !s.into) bad(`${at} must have exactly one of from (out of a collection) and into (into one)`);
      if (!Array.isArray(s.staleUniques) || s.staleUniques.some((u) => !isObj(u) || typeof u.name !== 'string' || !Array.isArray(u.fields))) bad(`${at}.staleUniques must be a list of { name, fields }`);
      return;
    case 'BackfillCounter':
      for (const k of ['key', 'field', 'childTable', 'foreignKey'] as const) str(s, k, at, bad);
      if (s.via !== null && (!isObj(s.via) || (s.via.index !== null && typeof s.via.index !== 'string'))) bad(`${at}.via must be null or { index: string | null }`);
      member(s.member, `${at}.member`, bad);
      member(s.childMember, `${at}.childMember`, bad);
      return;
    case 'UpdateTimeToLive':
      str(s, 'attribute', at, bad);
      if (typeof s.enabled !== 'boolean') bad(`${at}.enabled must be a boolean`);
      return;
    case 'DeleteTable':
      return;
    default: {
      const never: never = step;
      bad(`${at}: unhandled op ${JSON.stringify(never)}`);
    }
  }
}
