/**
 * Applying dynamodb.json steps: under the ledger's lock, one step at a time,
 * each recorded as soon as it is done. Every step checks what is already there
 * first, so a step cut off by a crash is simply run again.
 */
import { shardOfKeyText } from '../../src/schema/shard.js';
import {
  CreateTableCommand, DeleteItemCommand, DeleteTableCommand, DescribeTimeToLiveCommand, GetItemCommand, PutItemCommand, QueryCommand, ScanCommand,
  UpdateItemCommand, UpdateTableCommand, UpdateTimeToLiveCommand, type AttributeValue, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DestructiveChangeError, MigrationError } from '../errors.js';
import type { DynamoConnection } from '../connections.js';
import type { Migration } from '../folder.js';
import type { ModelDef } from '../../src/schema/model.js';
import { crashPoint, migrationStatus, type StatusRow } from '../plan.js';
import type { Progress, Task } from '../progress.js';
import type { ApplyResult } from '../../targets/types.js';
import { dynamodbFormat } from './format.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../src/engine/driver.js';
import { describe, dynamoClient, pollMs, sleep, waitActive, waitGone } from './client.js';
import { DynamoLedger } from './ledger.js';
import { describeStep, type DynamoStep, type Member } from './steps.js';
import { COLLECTION_PK, COLLECTION_SK, kvSchema } from '../../src/schema/colocation.js';
import { decodeRow, encodeItem } from '../../drivers/dynamodb/marshal.js';
import { uniqueEntryKey } from '../../drivers/dynamodb/unique.js';
import { entriesOf, entryFor, UNIQUE_PK, UNIQUE_TABLE } from './unique-entries.js';
import { LIST_PK, LIST_SK, LIST_TABLE, listEntryItem } from '../../drivers/dynamodb/list-entries.js';
import { distinctElements } from '../../src/schema/lists.js';

/** Items per scan page: the resume position is saved after each page. */
const PAGE = Number(process.env.QUERN_MIGRATE_SCAN_PAGE ?? 100);

export interface DynamoApplyOptions {
  readonly connection: DynamoConnection;
  readonly migrations: readonly Migration[];
  readonly allowDestructive?: boolean;
  readonly dryRun?: boolean;
  readonly progress: Progress;
  readonly lockTimeoutMs?: number;
  /** Use this client instead of one built from `connection` (tests). */
  readonly client?: DynamoDBClient;
}

const dynChecksum = (m: Migration) => m.dynamodb?.checksum;

export async function statusDynamo(connection: DynamoConnection, migrations: readonly Migration[], client?: DynamoDBClient): Promise<StatusRow[]> {
  const c = client ?? dynamoClient(connection);
  try {
    return migrationStatus(migrations, await new DynamoLedger(c, connection.tablePrefix).rows(), dynChecksum);
  } catch (e) {
    throw wrapConnection(e, connection);
  } finally {
    if (!client) c.destroy();
  }
}

function wrapConnection(e: unknown, conn: DynamoConnection): unknown {
  const err = e as Error & { code?: string };
  if (err instanceof MigrationError) return e;
  if (err.name === 'CredentialsProviderError') {
    return new MigrationError(`no AWS credentials for DynamoDB${conn.endpoint ? ` at ${conn.endpoint}` : ` in ${conn.region}`}: ${err.message}`, 'set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE; for DynamoDB Local pass --endpoint http://localhost:8000');
  }
  if (err.name === 'TimeoutError') {
    return new MigrationError(`cannot reach DynamoDB at ${conn.endpoint ?? `region ${conn.region}`}: no answer within ${conn.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms (--connect-timeout)`, 'check --endpoint/--region (or dynamodb.* in quern.config.ts) and that the server is a DynamoDB endpoint that is up; raise --connect-timeout for a slow network');
  }
  if (err.code === 'ECONNREFUSED' || /ECONNREFUSED|getaddrinfo/.test(err.message)) {
    return new MigrationError(`cannot reach DynamoDB at ${conn.endpoint ?? `region ${conn.region}`}: ${err.message}`, 'check --endpoint/--region (or dynamodb.* in quern.config.ts) and that the server is running');
  }
  return e;
}

export async function applyDynamo(opts: DynamoApplyOptions): Promise<ApplyResult> {
  const { progress, connection } = opts;
  const client = opts.client ?? dynamoClient(connection);
  const ledger = new DynamoLedger(client, connection.tablePrefix);
  const applied: string[] = [];
  const skipped: string[] = [];
  try {
    if (opts.dryRun) {
      const status = migrationStatus(opts.migrations, await ledger.rows(), dynChecksum);
      refuseModified(status);
      for (const s of status) {
        if (s.state !== 'pending' && s.state !== 'partial') continue;
        const steps = s.migration!.dynamodb!.parsed.steps;
        const from = s.row?.done ?? 0;
        progress.info(`would apply ${s.id}${from ? ` from step ${from + 1}/${steps.length}` : ''}:`);
        steps.slice(from).forEach((st, i) => progress.info(`  ${from + i + 1}. ${describeStep(st)}${st.destructive ? `  [DESTRUCTIVE: ${st.destructive}]` : ''}`));
        applied.push(s.id);
      }
      return { applied, skipped };
    }

    await ledger.ensure();
    await ledger.acquire({ timeoutMs: opts.lockTimeoutMs ?? 600_000, onWait: (h) => progress.info(`waiting for another \`quern migrate apply\` (DynamoDB lock held by ${h})…`) });
    try {
      const status = migrationStatus(opts.migrations, await ledger.rows(), dynChecksum);
      refuseModified(status);
      for (const s of status) if (s.state === 'missing') progress.warn(`${s.id} is recorded as applied on DynamoDB but is not in the migrations folder`);
      const todo = status.filter((s) => s.state === 'pending' || s.state === 'partial');
      const destructive = todo.flatMap((s) => dynamodbFormat.pendingDestructive(s.migration!, s.migration!.dynamodb!, s.row?.done ?? 0));
      if (destructive.length && !opts.allowDestructive) throw new DestructiveChangeError(destructive, 'apply');
      if (todo.length === 0) progress.info('DynamoDB: nothing to apply');
      const runner = new StepRunner(client, connection.tablePrefix, ledger, progress);
      for (const s of todo) {
        await runner.migration(s.migration!, s.row?.done ?? 0);
        applied.push(s.id);
      }
      skipped.push(...status.filter((s) => s.state === 'applied').map((s) => s.id));
    } finally {
      await ledger.release();
    }
    return { applied, skipped };
  } catch (e) {
    throw wrapConnection(e, connection);
  } finally {
    if (!opts.client) client.destroy();
  }
}

function refuseModified(status: readonly StatusRow[]): void {
  const modified = status.filter((s) => s.state === 'modified');
  if (modified.length === 0) return;
  throw new MigrationError(
    `applied migration${modified.length > 1 ? 's' : ''} ${modified.map((s) => s.id).join(', ')} changed since applied to DynamoDB (checksum mismatch): ${modified.map((s) => s.migration!.dynamodb!.path).join(', ')}`,
    'restore the applied file from version control and put new changes in a new migration (`quern migrate generate`)',
  );
}

class StepRunner {
  constructor(private readonly client: DynamoDBClient, private readonly prefix: string, private readonly ledger: DynamoLedger, private readonly progress: Progress) {}

  private name(table: string): string {
    return `${this.prefix}${table}`;
  }

  async migration(m: Migration, from: number): Promise<void> {
    const steps = m.dynamodb!.parsed.steps;
    await this.ledger.begin(m.id, m.dynamodb!.checksum, steps.length);
    if (steps.length === 0) {
      await this.ledger.finishEmpty(m.id);
      this.progress.info(`${m.id} (dynamodb): no steps (recorded)`);
      return;
    }
    this.progress.info(`${m.id} (dynamodb): ${steps.length - from} step${steps.length - from === 1 ? '' : 's'}${from ? ` (resuming at step ${from + 1})` : ''}`);
    for (let i = from; i < steps.length; i++) {
      this.ledger.assertHeld();
      const step = steps[i];
      const label = `  ${i + 1}/${steps.length} ${describeStep(step)}`;
      try {
        await this.run(m, i, step, label);
      } catch (e) {
        if (e instanceof MigrationError) throw e;
        throw new MigrationError(`${m.id}: step ${i + 1} (${describeStep(step)}) failed on DynamoDB: ${(e as Error).message}`, 'steps before it stay applied and recorded; fix the cause and run `quern migrate apply` again to resume here');
      }
      crashPoint(`dynamodb:${m.id}:step:${i}:before-record`);
      await this.ledger.recordStep(m.id, i, steps.length, step.op, describeStep(step));
    }
  }

  private async run(m: Migration, i: number, s: DynamoStep, label: string): Promise<void> {
    switch (s.op) {
      case 'CreateTable':
        return this.createTable(s, label);
      case 'CreateIndex':
        return this.createIndex(m, i, s, label);
      case 'DeleteIndex':
        return this.deleteIndex(s, label);
      case 'BackfillUnique':
        return this.backfillUnique(m, i, s, label);
      case 'BackfillShards':
        return this.backfillShards(m, i, s, label);
      case 'DeleteUniqueEntries':
        return this.deleteUniqueEntries(m, i, s, label);
      case 'BackfillListEntries':
        return this.backfillListEntries(m, i, s, label);
      case 'DeleteListEntries':
        return this.deleteListEntries(m, i, s, label);
      case 'RenameAttribute':
        return this.renameAttribute(m, i, s, label);
      case 'MoveItems':
        return this.moveItems(m, i, s, label);
      case 'BackfillCounter':
        return this.backfillCounter(m, i, s, label);
      case 'UpdateTimeToLive':
        return this.ttl(s, label);
      case 'DeleteTable':
        return this.deleteTable(s, label);
      default: {
        const never: never = s;
        throw new MigrationError(`unknown step ${JSON.stringify(never)}`);
      }
    }
  }

  private async createTable(s: Extract<DynamoStep, { op: 'CreateTable' }>, label: string): Promise<void> {
    const table = this.name(s.table);
    const task = this.progress.task(label);
    const existing = await describe(this.client, table);
    if (existing) {
      const want = JSON.stringify(s.definition.KeySchema);
      const have = JSON.stringify((existing.KeySchema ?? []).map((k) => ({ AttributeName: k.AttributeName, KeyType: k.KeyType })));
      if (want !== have) throw new MigrationError(`table ${table} already exists with key ${have}, not ${want}`, `it was not created by this migration: drop or rename it, or change the model's table name`);
    } else {
      try {
        await this.client.send(new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', ...(s.definition as object) } as never));
      } catch (e) {
        if ((e as Error).name !== 'ResourceInUseException') throw e;
      }
    }
    await waitActive(this.client, table, (t) => task.update(0, 1, t.TableStatus?.toLowerCase()));
    task.finish('ACTIVE');
  }

  private async createIndex(m: Migration, i: number, s: Extract<DynamoStep, { op: 'CreateIndex' }>, label: string): Promise<void> {
    const table = this.name(s.table);
    const task = this.progress.task(label);
    for (;;) {
      const t = await describe(this.client, table);
      if (!t) throw new MigrationError(`table ${table} does not exist`, 'apply the migration that creates it first (is the table prefix right?)');
      const g = (t.GlobalSecondaryIndexes ?? []).find((x) => x.IndexName === s.index.IndexName);
      if (g) break; // created by an earlier, interrupted attempt: just wait for it
      // One index operation at a time per table: wait out whatever else is running.
      if (t.TableStatus !== 'ACTIVE' || (t.GlobalSecondaryIndexes ?? []).some((x) => x.IndexStatus !== 'ACTIVE')) {
        task.update(0, undefined, 'waiting for the table to settle');
        await sleep(pollMs());
        continue;
      }
      const provisioned = t.BillingModeSummary?.BillingMode === 'PROVISIONED' || (!t.BillingModeSummary && (t.ProvisionedThroughput?.ReadCapacityUnits ?? 0) > 0);
      try {
        await this.client.send(new UpdateTableCommand({
          TableName: table,
          AttributeDefinitions: [...s.attributes],
          GlobalSecondaryIndexUpdates: [{
            Create: {
              IndexName: s.index.IndexName,
              KeySchema: [...s.index.KeySchema],
              Projection: { ProjectionType: s.index.Projection.ProjectionType, ...(s.index.Projection.NonKeyAttributes ? { NonKeyAttributes: [...s.index.Projection.NonKeyAttributes] } : {}) },
              ...(provisioned ? { ProvisionedThroughput: { ReadCapacityUnits: t.ProvisionedThroughput!.ReadCapacityUnits!, WriteCapacityUnits: t.ProvisionedThroughput!.WriteCapacityUnits! } } : {}),
            },
          }],
        }));
        break;
      } catch (e) {
        const name = (e as Error).name;
        if (name === 'ResourceInUseException' || name === 'LimitExceededException') {
          await sleep(pollMs());
          continue;
        }
        throw e;
      }
    }
    crashPoint(`dynamodb:${m.id}:step:${i}:building-index`);
    let polls = 0;
    await waitActive(this.client, table, (t) => {
      const g = (t.GlobalSecondaryIndexes ?? []).find((x) => x.IndexName === s.index.IndexName);
      const items = t.ItemCount ?? 0;
      task.update(g?.IndexStatus === 'ACTIVE' ? items : Math.min(g?.ItemCount ?? 0, items), items || undefined, `${(g?.IndexStatus ?? 'CREATING').toLowerCase()}${g?.Backfilling ? ', backfilling' : ''}`);
      polls++;
    });
    task.finish(`ACTIVE${polls > 1 ? ` after ${polls} checks` : ''}`);
  }

  private async deleteIndex(s: Extract<DynamoStep, { op: 'DeleteIndex' }>, label: string): Promise<void> {
    const table = this.name(s.table);
    const task = this.progress.task(label);
    for (;;) {
      const t = await describe(this.client, table);
      if (!t) break;
      const g = (t.GlobalSecondaryIndexes ?? []).find((x) => x.IndexName === s.index);
      if (!g) break;
      if (g.IndexStatus === 'DELETING') {
        task.update(0, undefined, 'deleting');
        await sleep(pollMs());
        continue;
      }
      if (t.TableStatus !== 'ACTIVE' || (t.GlobalSecondaryIndexes ?? []).some((x) => x.IndexStatus !== 'ACTIVE')) {
        await sleep(pollMs());
        continue;
      }
      try {
        await this.client.send(new UpdateTableCommand({ TableName: table, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: s.index } }] }));
      } catch (e) {
        const name = (e as Error).name;
        if (name !== 'ResourceInUseException' && name !== 'LimitExceededException' && name !== 'ResourceNotFoundException') throw e;
      }
      await sleep(pollMs());
    }
    await waitActive(this.client, table).catch(() => undefined);
    task.finish('deleted');
  }

  private async deleteTable(s: Extract<DynamoStep, { op: 'DeleteTable' }>, label: string): Promise<void> {
    const table = this.name(s.table);
    const task = this.progress.task(label);
    try {
      await this.client.send(new DeleteTableCommand({ TableName: table }));
    } catch (e) {
      if ((e as Error).name !== 'ResourceNotFoundException' && (e as Error).name !== 'ResourceInUseException') throw e;
    }
    await waitGone(this.client, table);
    task.finish('deleted');
  }

  private async ttl(s: Extract<DynamoStep, { op: 'UpdateTimeToLive' }>, label: string): Promise<void> {
    const table = this.name(s.table);
    const task = this.progress.task(label);
    const d = await this.client.send(new DescribeTimeToLiveCommand({ TableName: table }));
    const status = d.TimeToLiveDescription?.TimeToLiveStatus;
    const attr = d.TimeToLiveDescription?.AttributeName;
    const on = status === 'ENABLED' || status === 'ENABLING';
    if (on === s.enabled && (!s.enabled || attr === s.attribute)) {
      task.finish('already set');
      return;
    }
    await this.client.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: s.attribute, Enabled: s.enabled } }));
    task.finish(s.enabled ? 'enabled' : 'disabled');
  }

  /**
   * Scan a table from the saved position, calling `each` per item; the position is
   * saved after every page, so a crash resumes at the page it was in.
   */
  private async scan(
    m: Migration, step: number, table: string, task: Task, each: (item: Record<string, AttributeValue>) => Promise<void>,
    opts: { projection?: string[]; filter?: { FilterExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, AttributeValue> } } = {},
  ): Promise<number> {
    let start = await this.ledger.cursor(m.id);
    let seen = 0;
    const total = (await describe(this.client, table))?.ItemCount ?? undefined;
    const names: Record<string, string> = { ...(opts.filter?.ExpressionAttributeNames ?? {}) };
    const projection = opts.projection?.map((a, i) => {
      names[`#p${i}`] = a;
      return `#p${i}`;
    });
    do {
      this.ledger.assertHeld();
      const r = await this.client.send(new ScanCommand({
        TableName: table, ConsistentRead: true, ExclusiveStartKey: start, Limit: PAGE,
        ...(projection ? { ProjectionExpression: projection.join(', ') } : {}),
        ...(opts.filter ? { FilterExpression: opts.filter.FilterExpression, ExpressionAttributeValues: opts.filter.ExpressionAttributeValues } : {}),
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      }));
      for (const it of r.Items ?? []) {
        await each(it);
        seen++;
        crashPoint(`dynamodb:${m.id}:step:${step}:item:${seen}`);
      }
      task.update(seen, total && total >= seen ? total : undefined);
      start = r.LastEvaluatedKey;
      await this.ledger.saveCursor(m.id, start);
    } while (start);
    return seen;
  }

  private async backfillUnique(m: Migration, i: number, s: Extract<DynamoStep, { op: 'BackfillUnique' }>, label: string): Promise<void> {
    const table = this.name(s.table);
    const uniqueTable = this.name(UNIQUE_TABLE);
    // The model as this migration defines it and DynamoDB stores it: the entries must be encoded the way the driver will read them.
    const model = storedModel(m, s.model);
    const task = this.progress.task(label);
    const duplicates: string[] = [];
    let dupCount = 0;
    let written = 0;
    const seen = await this.scan(m, i, table, task, async (item) => {
      const entry = entryFor(model, s.constraint, item);
      if (!entry) return; // a null value is not constrained, as on PostgreSQL
      try {
        await this.client.send(new PutItemCommand({ TableName: uniqueTable, Item: entry.item, ...entry.condition }));
        written++;
      } catch (e) {
        if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
        if (await this.takeOverStaleEntry(table, uniqueTable, model, s, entry)) {
          written++;
          return;
        }
        dupCount++;
        if (duplicates.length < 20) {
          const other = await this.client.send(new GetItemCommand({ TableName: uniqueTable, Key: entry.key, ConsistentRead: true }));
          const owner = other.Item?.k?.M;
          duplicates.push(`  ${s.fields.map((f) => `${f}=${show(item[f])}`).join(', ')}: item ${keyText(s.key, item)} repeats item ${owner ? keyText(keyAttributes(s.key, s.member), owner) : '(unknown)'}`);
        }
      }
    }, scanOf(s.member));
    if (dupCount > 0) {
      // Start over next time: the duplicates are earlier in the table than the saved position.
      await this.ledger.saveCursor(m.id, undefined);
      throw new MigrationError(
        `${m.id}: unique ${s.constraint} on ${s.model}(${s.fields.join(', ')}) cannot be built: ${dupCount} item${dupCount === 1 ? '' : 's'} repeat${dupCount === 1 ? 's' : ''} a value held by another (not written):\n${duplicates.join('\n')}${dupCount > duplicates.length ? `\n  … and ${dupCount - duplicates.length} more` : ''}`,
        'change or delete the duplicates, then run `quern migrate apply` again (entries already written are kept; steps before this one stay applied)',
      );
    }
    task.finish(`${written} entr${written === 1 ? 'y' : 'ies'} written for ${seen} item${seen === 1 ? '' : 's'}`);
  }

  /**
   * The entry is taken; if its holder is gone, or no longer holds these values, it is stale and
   * becomes this item's. Entries outlive items deleted or changed outside quern (or by code that
   * does not know the constraint yet) while the unique is half-built, e.g. after a run refused
   * duplicates and the user deleted one of them: that must not block the re-run forever.
   */
  private async takeOverStaleEntry(
    table: string, uniqueTable: string, model: ModelDef, s: Extract<DynamoStep, { op: 'BackfillUnique' }>, entry: NonNullable<ReturnType<typeof entryFor>>,
  ): Promise<boolean> {
    const current = await this.client.send(new GetItemCommand({ TableName: uniqueTable, Key: entry.key, ConsistentRead: true }));
    const holder = current.Item?.k?.M;
    const attrs = keyAttributes(s.key, s.member);
    if (!holder || attrs.some((k) => !holder[k])) return false;
    const owner = await this.client.send(new GetItemCommand({ TableName: table, Key: keyOf(attrs, holder), ConsistentRead: true }));
    if (owner.Item && entryFor(model, s.constraint, owner.Item)?.key[UNIQUE_PK]?.S === entry.key[UNIQUE_PK].S) return false; // a real duplicate
    try {
      // Only if the entry still names that holder: a concurrent writer wins, and this item counts as a duplicate.
      await this.client.send(new PutItemCommand({
        TableName: uniqueTable, Item: entry.item,
        ConditionExpression: '#k = :holder', ExpressionAttributeNames: { '#k': 'k' }, ExpressionAttributeValues: { ':holder': { M: holder } },
      }));
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  private async deleteUniqueEntries(m: Migration, i: number, s: Extract<DynamoStep, { op: 'DeleteUniqueEntries' }>, label: string): Promise<void> {
    const uniqueTable = this.name(UNIQUE_TABLE);
    const task = this.progress.task(label);
    if (!(await describe(this.client, uniqueTable))) {
      task.finish('no unique-index table');
      return;
    }
    let deleted = 0;
    const filter = entriesOf(s.model, s.constraint);
    await this.scan(m, i, uniqueTable, task, async (entry) => {
      await this.client.send(new DeleteItemCommand({ TableName: uniqueTable, Key: { [UNIQUE_PK]: entry[UNIQUE_PK] } }));
      deleted++;
    }, { filter });
    task.finish(`${deleted} entr${deleted === 1 ? 'y' : 'ies'} deleted`);
  }

  /**
   * Idempotent: an item that has its shard number is skipped, so a re-run after a kill redoes at
   * most the page it was in. The update only applies to an item that still exists (a concurrent
   * delete must not be undone by a partial item).
   */
  private async backfillShards(m: Migration, i: number, s: Extract<DynamoStep, { op: 'BackfillShards' }>, label: string): Promise<void> {
    const table = this.name(s.table);
    const task = this.progress.task(label);
    let written = 0;
    const seen = await this.scan(m, i, table, task, async (item) => {
      if (item[s.attribute]) return;
      const shard = shardOfKeyText(s.key.map((k) => item[k]?.S ?? item[k]?.N ?? ''), s.shards);
      try {
        const attrs = keyAttributes(s.key, s.member);
        await this.client.send(new UpdateItemCommand({
          TableName: table,
          Key: keyOf(attrs, item),
          UpdateExpression: 'SET #shard = :shard',
          ConditionExpression: 'attribute_exists(#k)',
          ExpressionAttributeNames: { '#shard': s.attribute, '#k': attrs[0] },
          ExpressionAttributeValues: { ':shard': { N: String(shard) } },
        }));
        written++;
      } catch (e) {
        if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      }
    }, scanOf(s.member, [...s.key, s.attribute]));
    task.finish(`${written} of ${seen} item${seen === 1 ? '' : 's'} given a shard`);
  }

  /**
   * One entry per distinct element of every item, as the driver writes them. A Put of an entry
   * that exists rewrites it unchanged, so a re-run after a kill redoes at most the page it was in.
   */
  private async backfillListEntries(m: Migration, i: number, s: Extract<DynamoStep, { op: 'BackfillListEntries' }>, label: string): Promise<void> {
    const table = this.name(s.table);
    const listTable = this.name(LIST_TABLE);
    const model = storedModel(m, s.model);
    const task = this.progress.task(label);
    let written = 0;
    const seen = await this.scan(m, i, table, task, async (item) => {
      const row = decodeRow(model, item);
      const key = Object.fromEntries(model.key.map((k) => [k, row[k]]));
      for (const element of distinctElements(row[s.field])) {
        await this.client.send(new PutItemCommand({ TableName: listTable, Item: listEntryItem(model, s.field, element, key) }));
        written++;
      }
    }, scanOf(s.member));
    task.finish(`${written} entr${written === 1 ? 'y' : 'ies'} written for ${seen} item${seen === 1 ? '' : 's'}`);
  }

  private async deleteListEntries(m: Migration, i: number, s: Extract<DynamoStep, { op: 'DeleteListEntries' }>, label: string): Promise<void> {
    const listTable = this.name(LIST_TABLE);
    const task = this.progress.task(label);
    if (!(await describe(this.client, listTable))) {
      task.finish('no list-entry table');
      return;
    }
    let deleted = 0;
    await this.scan(m, i, listTable, task, async (entry) => {
      await this.client.send(new DeleteItemCommand({ TableName: listTable, Key: { [LIST_PK]: entry[LIST_PK], [LIST_SK]: entry[LIST_SK] } }));
      deleted++;
    }, { filter: { FilterExpression: 'begins_with(#pk, :p)', ExpressionAttributeNames: { '#pk': LIST_PK }, ExpressionAttributeValues: { ':p': { S: `${s.model}#${s.field}#` } } } });
    task.finish(`${deleted} entr${deleted === 1 ? 'y' : 'ies'} deleted`);
  }

  private async renameAttribute(m: Migration, i: number, s: Extract<DynamoStep, { op: 'RenameAttribute' }>, label: string): Promise<void> {
    const table = this.name(s.table);
    const task = this.progress.task(label);
    let moved = 0;
    const seen = await this.scan(m, i, table, task, async (item) => {
      if (!(s.from in item)) return; // already moved by an interrupted attempt, or never set
      try {
        await this.client.send(new UpdateItemCommand({
          TableName: table,
          Key: keyOf(keyAttributes(s.key, s.member), item),
          UpdateExpression: 'SET #to = #from REMOVE #from',
          ConditionExpression: 'attribute_exists(#from)',
          ExpressionAttributeNames: { '#to': s.to, '#from': s.from },
        }));
        moved++;
      } catch (e) {
        if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      }
    }, scanOf(s.member, [...s.key, s.from]));
    task.finish(`${moved} of ${seen} item${seen === 1 ? '' : 's'} updated`);
  }

  /**
   * SET, not ADD: each parent's counter becomes the count read now, so a step cut off half-way
   * and run again ends with the same values (the ledger cursor skips the parents already done).
   */
  private async backfillCounter(m: Migration, i: number, s: Extract<DynamoStep, { op: 'BackfillCounter' }>, label: string): Promise<void> {
    const table = this.name(s.table);
    const child = this.name(s.childTable);
    const task = this.progress.task(label);
    let counts: Map<string, number> | null = null;
    if (!s.via) {
      counts = new Map();
      let start: Record<string, AttributeValue> | undefined;
      const only = s.childMember ? memberFilter(s.childMember) : undefined;
      do {
        const r = await this.client.send(new ScanCommand({
          TableName: child, ConsistentRead: true, ExclusiveStartKey: start, ProjectionExpression: '#fk',
          ExpressionAttributeNames: { '#fk': s.foreignKey, ...only?.ExpressionAttributeNames },
          ...(only ? { FilterExpression: only.FilterExpression, ExpressionAttributeValues: only.ExpressionAttributeValues } : {}),
        }));
        for (const it of r.Items ?? []) if (it[s.foreignKey]) counts.set(keyOfValue(it[s.foreignKey]), (counts.get(keyOfValue(it[s.foreignKey])) ?? 0) + 1);
        start = r.LastEvaluatedKey;
      } while (start);
    }
    const attrs = keyAttributes([s.key], s.member);
    let updated = 0;
    const seen = await this.scan(m, i, table, task, async (item) => {
      const k = item[s.key];
      let n = 0;
      if (counts) n = counts.get(keyOfValue(k)) ?? 0;
      else {
        // Children in the parent's item collection: their partition is the parent key's text.
        const inCollection = s.via!.index === null && s.childMember;
        let start: Record<string, AttributeValue> | undefined;
        do {
          const r = await this.client.send(new QueryCommand({
            TableName: child, ...(s.via!.index ? { IndexName: s.via!.index } : { ConsistentRead: true }), Select: 'COUNT', ExclusiveStartKey: start,
            ...(inCollection
              ? {
                KeyConditionExpression: '#pk = :v AND begins_with(#sk, :sk)', ExpressionAttributeNames: { '#pk': COLLECTION_PK, '#sk': COLLECTION_SK },
                ExpressionAttributeValues: { ':v': { S: k.S ?? k.N ?? '' }, ':sk': { S: s.childMember!.sk } },
              }
              : { KeyConditionExpression: '#fk = :v', ExpressionAttributeNames: { '#fk': s.foreignKey }, ExpressionAttributeValues: { ':v': k } }),
          }));
          n += r.Count ?? 0;
          start = r.LastEvaluatedKey;
        } while (start);
      }
      if (item[s.field]?.N === String(n)) return;
      try {
        await this.client.send(new UpdateItemCommand({
          TableName: table, Key: keyOf(attrs, item), UpdateExpression: 'SET #f = :n', ConditionExpression: 'attribute_exists(#k)',
          ExpressionAttributeNames: { '#f': s.field, '#k': attrs[0] }, ExpressionAttributeValues: { ':n': { N: String(n) } },
        }));
        updated++;
      } catch (e) {
        if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      }
    }, scanOf(s.member, [s.key, s.field]));
    task.finish(`${updated} of ${seen} counter${seen === 1 ? '' : 's'} set`);
  }

  /**
   * Each item is written as the new layout stores it (built by the driver's own encoder, so it
   * is what a fresh insert writes), its unique entries are pointed at its new key, then the old
   * item goes. Every part is idempotent: a move killed half-way redoes at most the page it was in.
   */
  private async moveItems(m: Migration, i: number, s: Extract<DynamoStep, { op: 'MoveItems' }>, label: string): Promise<void> {
    const from = this.name(s.table);
    const to = this.name(s.to);
    const uniqueTable = this.name(UNIQUE_TABLE);
    const model = storedModel(m, s.model);
    const logical = Object.values(m.snapshot.schema.models).find((x) => x.name === s.model)!;
    const stale = { ...logical, uniques: [...logical.uniques, ...s.staleUniques] };
    const oldKey = keyAttributes(logical.key, s.from);
    const task = this.progress.task(label);
    let moved = 0;
    await this.scan(m, i, from, task, async (item) => {
      const row = decodeRow(model, item);
      const next = encodeItem(model, row);
      await this.client.send(new PutItemCommand({ TableName: to, Item: next }));
      for (const u of model.uniques) {
        const entry = entryFor(model, u.name, next);
        if (entry) await this.client.send(new PutItemCommand({ TableName: uniqueTable, Item: entry.item }));
      }
      for (const u of s.staleUniques) {
        const values = u.fields.map((f) => row[f]);
        if (values.some((v) => v === null || v === undefined)) continue;
        await this.client.send(new DeleteItemCommand({ TableName: uniqueTable, Key: { [UNIQUE_PK]: { S: uniqueEntryKey(stale, u.name, values) } } }));
      }
      crashPoint(`dynamodb:${m.id}:step:${i}:moved-not-deleted`);
      await this.client.send(new DeleteItemCommand({ TableName: from, Key: keyOf(oldKey, item) }));
      moved++;
    }, scanOf(s.from));
    task.finish(`${moved} item${moved === 1 ? '' : 's'} moved`);
  }
}

/** A model of the migration's own schema, as DynamoDB stores it (a colocated model in its collection). */
function storedModel(m: Migration, name: string): ModelDef {
  return Object.values(kvSchema(m.snapshot.schema).models).find((x) => x.name === name)!;
}

/** The table key of a model's items: its key fields, or quern-pk/quern-sk in a collection table. */
const keyAttributes = (key: readonly string[], member: Member | undefined): readonly string[] => (member ? [COLLECTION_PK, COLLECTION_SK] : key);
const keyOf = (attrs: readonly string[], item: Record<string, AttributeValue>) => Object.fromEntries(attrs.map((k) => [k, item[k]]));

/** Only the model's items of a collection table. */
function memberFilter(member: Member) {
  return {
    FilterExpression: member.role === 'parent' ? '#msk = :msk' : 'begins_with(#msk, :msk)',
    ExpressionAttributeNames: { '#msk': COLLECTION_SK },
    ExpressionAttributeValues: { ':msk': { S: member.sk } } as Record<string, AttributeValue>,
  };
}

/** Scan options for one model's items: the member filter, and a projection that keeps the table key. */
function scanOf(member: Member | undefined, projection?: readonly string[]) {
  return {
    ...(member ? { filter: memberFilter(member) } : {}),
    ...(projection ? { projection: [...new Set([...projection, ...keyAttributes([], member)])] } : {}),
  };
}

/** Stable text of a key attribute value, to count children by it. */
const keyOfValue = (v: AttributeValue | undefined) => JSON.stringify(v ?? null);

function show(v: AttributeValue | undefined): string {
  if (!v) return '(missing)';
  if (v.S !== undefined) return JSON.stringify(v.S);
  if (v.N !== undefined) return v.N;
  if (v.BOOL !== undefined) return String(v.BOOL);
  return JSON.stringify(v);
}

function keyText(key: readonly string[], item: Record<string, AttributeValue>): string {
  return `(${key.map((k) => `${k}=${show(item[k])}`).join(', ')})`;
}
