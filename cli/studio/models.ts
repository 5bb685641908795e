/**
 * What the studio's Models view shows: each model's fields, its PostgreSQL table (the DDL push
 * runs) and its DynamoDB table with the key schema and GSIs. Built from the same functions that
 * push and the migration renderers use, so the page cannot disagree with what gets created.
 */
import type { SchemaDef } from '../../src/schema/define.js';
import type { FieldDef } from '../../src/schema/field.js';
import { kvSchema } from '../../src/schema/colocation.js';
import { createIndexSql, createTableSql } from '../../drivers/postgres/ddl.js';
import { schemaTableInputs } from '../../drivers/dynamodb/table-inputs.js';

export interface FieldView {
  readonly name: string;
  /** `string(254)`, `enum(draft | published)`, `list<string>`, … */
  readonly type: string;
  readonly nullable: boolean;
  /** key, unique, auto, createdAt, updatedAt, version, default: what quern does with the field. */
  readonly traits: readonly string[];
  /** Set by quern or part of the key: the data editor does not offer it. */
  readonly readOnly: boolean;
}

export interface DynamoKeyView {
  readonly partition: string;
  readonly sort: readonly string[];
}

export interface ModelView {
  /** Schema accessor (`db.post` → `post`). */
  readonly key: string;
  readonly name: string;
  readonly fields: readonly FieldView[];
  readonly primaryKey: readonly string[];
  readonly relations: readonly { readonly name: string; readonly kind: string; readonly target: string }[];
  readonly postgres: { readonly table: string; readonly ddl: readonly string[] };
  readonly dynamodb:
    | {
        readonly table: string;
        readonly key: DynamoKeyView;
        readonly indexes: readonly ({ readonly name: string } & DynamoKeyView)[];
        readonly collection: string | null;
      }
    | { readonly error: string };
}

export interface ModelsView {
  readonly models: readonly ModelView[];
  /** DynamoDB's shared table of unique-constraint entries, when any model has a unique field. */
  readonly uniqueTable: string | null;
}

function typeText(d: FieldDef): string {
  const scalar = (k: string, values?: readonly string[], max?: number) => (values ? `enum(${values.join(' | ')})` : max ? `${k}(${max})` : k);
  if (d.kind === 'list') return `list<${d.element ? scalar(d.element.kind, d.element.enumValues, d.element.maxLength) : '?'}>`;
  return scalar(d.kind, d.enumValues, d.maxLength);
}

function traitsOf(d: FieldDef): string[] {
  const out: string[] = [];
  if (d.key) out.push('key');
  if (d.unique) out.push('unique');
  if (d.auto) out.push('auto');
  if (d.createdAt) out.push('createdAt');
  if (d.updatedAt) out.push('updatedAt');
  if (d.version) out.push('version');
  if (d.default) out.push(`default ${JSON.stringify(d.default.value)}`);
  return out;
}

/** Fields the editor leaves alone: the key, and the ones quern maintains itself. */
export function isReadOnly(d: FieldDef, inKey: boolean): boolean {
  return inKey || d.key || d.auto || d.createdAt || d.updatedAt || d.version;
}

function keyView(schema: readonly { AttributeName?: string; KeyType?: string }[] | undefined): DynamoKeyView {
  const attrs = schema ?? [];
  return {
    partition: attrs.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '?',
    sort: attrs.filter((k) => k.KeyType === 'RANGE').map((k) => k.AttributeName ?? '?'),
  };
}

export function describeModels(def: SchemaDef, tablePrefix = ''): ModelsView {
  let tables: ReturnType<typeof schemaTableInputs> | null = null;
  let dynamoError = '';
  try {
    tables = schemaTableInputs(def, tablePrefix);
  } catch (e) {
    // A schema DynamoDB cannot hold (e.g. a json key) still shows its PostgreSQL side.
    dynamoError = e instanceof Error ? e.message : String(e);
  }
  const kv = kvSchema(def);
  const models = Object.entries(def.models).map(([key, m]): ModelView => {
    const kvModel = kv.models[key] ?? m;
    const tableName = tablePrefix + (kvModel.colocation?.table ?? kvModel.table);
    const input = tables?.find((t) => t.TableName === tableName);
    const own = new Set(kvModel.indexes.map((i) => i.name));
    return {
      key,
      name: m.name,
      primaryKey: [...m.key],
      fields: Object.entries(m.fields).map(([name, d]) => ({
        name,
        type: typeText(d),
        nullable: d.nullable,
        traits: traitsOf(d),
        readOnly: isReadOnly(d, m.key.includes(name)),
      })),
      relations: Object.values(def.relations[key] ?? {}).map((r) => ({ name: r.name, kind: r.kind, target: def.models[r.target]?.name ?? r.target })),
      postgres: { table: m.table, ddl: [createTableSql(m), ...m.indexes.map((i) => createIndexSql(m, i))] },
      dynamodb: input
        ? {
            table: tableName,
            key: keyView(input.KeySchema),
            // A collection table also holds the other members' GSIs: list this model's own.
            indexes: (input.GlobalSecondaryIndexes ?? [])
              .filter((g) => own.has(g.IndexName ?? ''))
              .map((g) => ({ name: g.IndexName ?? '?', ...keyView(g.KeySchema) })),
            collection: kvModel.colocation
              ? `item collection of ${def.models[kvModel.colocation.parent]?.name ?? kvModel.colocation.parent} (${kvModel.colocation.role})`
              : null,
          }
        : { error: dynamoError || `no DynamoDB table for ${m.name}` },
    };
  });
  const hasUniques = Object.values(def.models).some((m) => m.uniques.length > 0);
  return { models, uniqueTable: hasUniques && tables ? (tables[tables.length - 1].TableName ?? null) : null };
}
