/**
 * The DynamoDB ledger: a `quern_migrations` table (with the configured
 * prefix) holding
 *   - `lock`: the lock item, a lease renewed while an apply runs;
 *   - `migration#<id>`: checksum, steps done, resumable scan position;
 *   - `step#<id>#<n>`: one item per completed step, written under
 *     attribute_not_exists together with the step counter, so a step can never
 *     be recorded twice and the counter never skips one.
 */
import { hostname } from 'node:os';
import {
  CreateTableCommand, DeleteItemCommand, GetItemCommand, PutItemCommand, ScanCommand, TransactWriteItemsCommand,
  UpdateItemCommand, type AttributeValue, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { LockError } from '../errors.js';
import type { LedgerRow } from '../plan.js';
import { describe, sleep, waitActive } from './client.js';

export const LEDGER_TABLE = 'quern_migrations';
const S = (s: string): AttributeValue => ({ S: s });
const N = (n: number): AttributeValue => ({ N: String(n) });

export const migrationKey = (id: string) => `migration#${id}`;
export const stepKey = (id: string, n: number) => `step#${id}#${String(n).padStart(4, '0')}`;

export class DynamoLedger {
  readonly table: string;
  readonly owner = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
  private heartbeat: NodeJS.Timeout | undefined;
  private lost: Error | undefined;

  constructor(private readonly client: DynamoDBClient, prefix: string, private readonly leaseMs = Number(process.env.QUERN_MIGRATE_LOCK_LEASE_MS ?? 60_000)) {
    this.table = `${prefix}${LEDGER_TABLE}`;
  }

  async exists(): Promise<boolean> {
    return (await describe(this.client, this.table)) !== null;
  }

  async ensure(): Promise<void> {
    if (await this.exists()) return;
    try {
      await this.client.send(new CreateTableCommand({
        TableName: this.table,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }));
    } catch (e) {
      // Two first applies racing: the loser finds the table made by the winner.
      if ((e as Error).name !== 'ResourceInUseException') throw e;
    }
    await waitActive(this.client, this.table);
  }

  async rows(): Promise<LedgerRow[]> {
    if (!(await this.exists())) return [];
    const out: LedgerRow[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const r = await this.client.send(new ScanCommand({ TableName: this.table, ConsistentRead: true, ExclusiveStartKey: start }));
      for (const it of r.Items ?? []) {
        const id = it.id?.S ?? '';
        if (!id.startsWith('migration#')) continue;
        out.push({
          id: id.slice('migration#'.length),
          checksum: it.checksum?.S ?? '',
          done: Number(it.done?.N ?? 0),
          total: Number(it.total?.N ?? 0),
          startedAt: it.startedAt?.S ? new Date(it.startedAt.S) : null,
          finishedAt: it.finishedAt?.S ? new Date(it.finishedAt.S) : null,
        });
      }
      start = r.LastEvaluatedKey;
    } while (start);
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Step items recorded for a migration (tests use it to prove no step ran twice or was skipped). */
  async stepRecords(id: string): Promise<string[]> {
    const out: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const r = await this.client.send(new ScanCommand({
        TableName: this.table, ConsistentRead: true, ExclusiveStartKey: start,
        FilterExpression: 'begins_with(#id, :p)', ExpressionAttributeNames: { '#id': 'id' }, ExpressionAttributeValues: { ':p': S(`step#${id}#`) },
      }));
      for (const it of r.Items ?? []) out.push(it.id.S!);
      start = r.LastEvaluatedKey;
    } while (start);
    return out.sort();
  }

  // ---- lock ---------------------------------------------------------------------

  async acquire(opts: { timeoutMs: number; onWait: (holder: string) => void }): Promise<void> {
    const started = Date.now();
    let told = false;
    for (;;) {
      const now = Date.now();
      try {
        await this.client.send(new PutItemCommand({
          TableName: this.table,
          Item: { id: S('lock'), owner: S(this.owner), host: S(hostname()), pid: N(process.pid), acquiredAt: S(new Date(now).toISOString()), expiresAt: N(now + this.leaseMs) },
          ConditionExpression: 'attribute_not_exists(#id) OR #exp < :now',
          ExpressionAttributeNames: { '#id': 'id', '#exp': 'expiresAt' },
          ExpressionAttributeValues: { ':now': N(now) },
        }));
        this.startHeartbeat();
        return;
      } catch (e) {
        if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      }
      const holder = await this.client.send(new GetItemCommand({ TableName: this.table, Key: { id: S('lock') }, ConsistentRead: true }));
      const h = holder.Item;
      if (h && (await this.stealIfDead(h))) {
        this.startHeartbeat();
        return;
      }
      if (!told) {
        opts.onWait(h ? `${h.owner?.S ?? '?'} since ${h.acquiredAt?.S ?? '?'}` : 'unknown');
        told = true;
      }
      if (Date.now() - started > opts.timeoutMs) {
        throw new LockError(
          `another \`quern migrate apply\` holds the DynamoDB migration lock (${h?.owner?.S ?? 'unknown owner'})`,
          `wait for it to finish, or, if it crashed, wait for its lease to expire (${Math.round(this.leaseMs / 1000)} s after its last heartbeat), or raise --lock-timeout`,
        );
      }
      await sleep(Math.min(1000, Math.max(100, this.leaseMs / 10)));
    }
  }

  /** A holder on this machine whose process is gone crashed: take its lock over without waiting out the lease. */
  private async stealIfDead(h: Record<string, AttributeValue>): Promise<boolean> {
    if (h.host?.S !== hostname() || !h.pid?.N) return false;
    const pid = Number(h.pid.N);
    if (pid === process.pid) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') return false;
    }
    const now = Date.now();
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.table,
        Item: { id: S('lock'), owner: S(this.owner), host: S(hostname()), pid: N(process.pid), acquiredAt: S(new Date(now).toISOString()), expiresAt: N(now + this.leaseMs) },
        ConditionExpression: '#owner = :old',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':old': h.owner! },
      }));
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  private startHeartbeat(): void {
    this.heartbeat = setInterval(() => {
      this.client.send(new UpdateItemCommand({
        TableName: this.table,
        Key: { id: S('lock') },
        UpdateExpression: 'SET #exp = :exp',
        ConditionExpression: '#owner = :me',
        ExpressionAttributeNames: { '#exp': 'expiresAt', '#owner': 'owner' },
        ExpressionAttributeValues: { ':exp': N(Date.now() + this.leaseMs), ':me': S(this.owner) },
      })).catch((e: Error) => {
        if (e.name === 'ConditionalCheckFailedException') this.lost = new LockError('the DynamoDB migration lock was taken over by another apply (this one stalled past its lease)', 'run `quern migrate status`, then `quern migrate apply` again');
      });
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
  }

  /** Throws when the lease was lost: the caller must stop before its next step. */
  assertHeld(): void {
    if (this.lost) throw this.lost;
  }

  async release(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    await this.client.send(new DeleteItemCommand({
      TableName: this.table,
      Key: { id: S('lock') },
      ConditionExpression: '#owner = :me',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':me': S(this.owner) },
    })).catch(() => undefined);
  }

  // ---- progress records -------------------------------------------------------------

  /** Create the migration's item (done = 0) unless an earlier, interrupted apply did. */
  async begin(id: string, checksum: string, total: number): Promise<void> {
    try {
      await this.client.send(new PutItemCommand({
        TableName: this.table,
        Item: { id: S(migrationKey(id)), checksum: S(checksum), done: N(0), total: N(total), startedAt: S(new Date().toISOString()), appliedBy: S(this.owner) },
        ConditionExpression: 'attribute_not_exists(#id)',
        ExpressionAttributeNames: { '#id': 'id' },
      }));
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    }
  }

  /**
   * Record step n as done: the counter moves from n to n+1, the step's own item is
   * created, and the lock must still be ours, all in one transaction.
   */
  async recordStep(id: string, n: number, total: number, op: string, description: string): Promise<void> {
    const finished = n + 1 === total;
    await this.client.send(new TransactWriteItemsCommand({
      TransactItems: [
        {
          Update: {
            TableName: this.table,
            Key: { id: S(migrationKey(id)) },
            UpdateExpression: `SET #done = :next${finished ? ', #fin = :now' : ''} REMOVE #cursor`,
            ConditionExpression: '#done = :n',
            ExpressionAttributeNames: { '#done': 'done', '#cursor': 'cursor', ...(finished ? { '#fin': 'finishedAt' } : {}) },
            ExpressionAttributeValues: { ':next': N(n + 1), ':n': N(n), ...(finished ? { ':now': S(new Date().toISOString()) } : {}) },
          },
        },
        {
          Put: {
            TableName: this.table,
            Item: { id: S(stepKey(id, n)), op: S(op), description: S(description), finishedAt: S(new Date().toISOString()), by: S(this.owner) },
            ConditionExpression: 'attribute_not_exists(#id)',
            ExpressionAttributeNames: { '#id': 'id' },
          },
        },
        {
          ConditionCheck: {
            TableName: this.table,
            Key: { id: S('lock') },
            ConditionExpression: '#owner = :me',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':me': S(this.owner) },
          },
        },
      ],
    }));
  }

  /** `migrate baseline`: record a migration as applied without running it (its schema already exists). */
  async markApplied(id: string, checksum: string, total: number): Promise<void> {
    const now = S(new Date().toISOString());
    await this.client.send(new PutItemCommand({
      TableName: this.table,
      Item: { id: S(migrationKey(id)), checksum: S(checksum), done: N(total), total: N(total), startedAt: now, finishedAt: now, appliedBy: S(`baseline ${this.owner}`) },
      ConditionExpression: 'attribute_not_exists(#id)',
      ExpressionAttributeNames: { '#id': 'id' },
    }));
  }

  async finishEmpty(id: string): Promise<void> {
    await this.client.send(new UpdateItemCommand({
      TableName: this.table,
      Key: { id: S(migrationKey(id)) },
      UpdateExpression: 'SET #fin = :now',
      ExpressionAttributeNames: { '#fin': 'finishedAt' },
      ExpressionAttributeValues: { ':now': S(new Date().toISOString()) },
    }));
  }

  /** Where a resumable scan (backfill, attribute rename) of the current step stopped. */
  async cursor(id: string): Promise<Record<string, AttributeValue> | undefined> {
    const r = await this.client.send(new GetItemCommand({ TableName: this.table, Key: { id: S(migrationKey(id)) }, ConsistentRead: true, ProjectionExpression: '#c', ExpressionAttributeNames: { '#c': 'cursor' } }));
    const c = r.Item?.cursor?.S;
    return c ? (JSON.parse(c) as Record<string, AttributeValue>) : undefined;
  }

  async saveCursor(id: string, cursor: Record<string, AttributeValue> | undefined): Promise<void> {
    await this.client.send(new UpdateItemCommand({
      TableName: this.table,
      Key: { id: S(migrationKey(id)) },
      UpdateExpression: cursor ? 'SET #c = :c' : 'REMOVE #c',
      ExpressionAttributeNames: { '#c': 'cursor' },
      ...(cursor ? { ExpressionAttributeValues: { ':c': S(JSON.stringify(cursor)) } } : {}),
    }));
  }
}

