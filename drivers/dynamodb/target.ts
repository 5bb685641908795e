/**
 * The DynamoDB target as static data: capabilities, a one-line description of
 * each plan operation, and the schema check. Importing it opens no connection,
 * which is what makes offline planning, `explain` and `lint` work.
 */
import type { TargetDescriptor } from '../../src/engine/driver.js';
import { dynamodbCapabilities } from '../../src/plan/capabilities.js';
import { checkKvSchema } from '../../src/plan/kv/schema-check.js';
import type { KvCondition, KvKeyPart, KvOperation, KvWrite } from '../../src/plan/kv/ops.js';
import type { Operation } from '../../src/plan/plan.js';
import { DescribeSink, renderCondition, renderKeyCondition, renderUpdate } from './expression.js';

const cond = (c: KvCondition | null, sink: DescribeSink) => (c ? renderCondition(c, sink, null, () => false) : '');

function keyText(key: readonly KvKeyPart[], sink: DescribeSink): string {
  return key.map((k) => (k.each ? `${k.attr} IN ${sink.list(k.attr, k.value)[0]}` : `${k.attr} = ${sink.value(k.attr, k.value)}`)).join(' AND ');
}

function writeText(w: KvWrite, sink: DescribeSink): string {
  const uniques = w.uniques.length ? ` + unique entries ${w.uniques.map((u) => `${u.constraint}(${u.fields.join(', ')})`).join(', ')}` : '';
  switch (w.kind) {
    case 'PutItem': {
      const c = cond(w.condition, sink);
      return `PutItem ${w.table} item ${sink.value('', w.item)}${c ? ` if ${c}` : ''}${w.skipDuplicates ? ' (skip duplicates)' : ''}${uniques}`;
    }
    case 'UpdateItem': {
      const key = keyText(w.key, sink);
      const set = renderUpdate(w.updates, sink, () => false);
      const version = w.version ? `, ${w.version.attr} = ${w.version.attr} + 1` : '';
      const checks = [
        `attribute_exists(${w.key[0].attr})`,
        ...(w.version?.expected ? [`${w.version.attr} = ${sink.value(w.version.attr, w.version.expected)}`] : []),
        ...(w.condition ? [`(${cond(w.condition, sink)})`] : []),
      ];
      return `UpdateItem ${w.table} key(${key}) ${set || 'SET'}${version} if ${checks.join(' AND ')}${uniques}`;
    }
    case 'DeleteItem': {
      const key = keyText(w.key, sink);
      const checks = [
        ...(w.version?.expected ? [`${w.version.attr} = ${sink.value(w.version.attr, w.version.expected)}`] : []),
        ...(w.condition ? [`(${cond(w.condition, sink)})`] : []),
      ];
      return `DeleteItem ${w.table} key(${key})${checks.length ? ` if ${checks.join(' AND ')}` : ''}${uniques}`;
    }
    default: {
      const never: never = w;
      throw new Error(`unhandled write ${JSON.stringify(never)}`);
    }
  }
}

function describeKv(op: KvOperation): string {
  const sink = new DescribeSink();
  const role =
    op.step.role === 'include'
      ? ` [include ${op.step.path.join('.')}]`
      : op.step.role === 'existing'
        ? ' [current item]'
        : op.step.role === 'count'
          ? ` [_count.${op.step.relation}]`
          : op.step.role === 'dependents'
            ? ` [rows pointing at the deleted ${op.step.parentModel}: onDelete ${op.step.onDelete}, in the same transaction]`
            : '';
  switch (op.kind) {
    case 'GetItem': {
      if (op.step.role === 'lookup') return `GetItem ${op.table} key(${op.step.constraint}: ${keyText(op.key, sink)}) → ${op.model} key`;
      if (op.collection)
        return `Query ${op.table} item collection of ${op.model}(${keyText(op.key, sink)}) consistent: the ${op.model} and its ${op.collection.join(', ')} in ONE request (paged past 1 MB)`;
      const f = cond(op.filter, sink);
      return `GetItem ${op.table} key(${keyText(op.key, sink)}) consistent${f ? ` then check(${f})` : ''}${role}`;
    }
    case 'BatchGetItem': {
      const f = cond(op.filter, sink);
      return `BatchGetItem ${op.table} keys(${keyText(op.key, sink)}) in chunks of ${op.chunk}${f ? ` then check(${f})` : ''}${role}`;
    }
    case 'Query': {
      if (op.shards) {
        // One request per shard, declared by index(…, { shards }): shown, not flagged.
        const f = cond(op.filter, sink);
        const pf = cond(op.postFilter, sink);
        const sortKey = op.key.sort
          ? ` AND ${renderKeyCondition({ partition: op.key.partition, sort: op.key.sort }, sink).split(' AND ').slice(1).join(' AND ')}`
          : '';
        return (
          `Query ${op.table} index ${op.index} key(${op.key.partition.attr} = 0..${op.shards.count - 1}${sortKey}) × ${op.shards.count} shards in parallel, merged by ${op.shards.field} ${op.direction === 'forward' ? 'asc' : 'desc'}` +
          `${f ? ` filter(${f})` : ''}${pf ? ` then check(${pf})` : ''}${op.limit ? ` limit ${sink.value('', op.limit)}` : ''}${op.offset ? ` offset ${sink.value('', op.offset)}` : ''}${op.cursor ? ' after cursor' : ''} (${op.shards.count} requests)`
        );
      }
      if (op.collection) return `(no request) ${op.model} rows of the item-collection Query above${role}`;
      if (op.step.role === 'entries') {
        return `Query ${op.table} key(pk = ${op.model}.${op.step.field} element ${sink.value('', op.key.partition.value)}) → ${op.model} keys (entries of the indexed list ${op.step.field}, up to 100 per request, each page then one BatchGetItem)`;
      }
      const per = op.key.partition.each ? (op.step.role === 'include' || op.step.role === 'count' ? ' per parent' : ` per ${op.key.partition.attr}`) : '';
      const partitionRef =
        op.key.partition.each && op.key.partition.value.from === 'param' ? { from: 'param' as const, slot: op.key.partition.value.slot } : undefined;
      const key = renderKeyCondition(op.key, sink, partitionRef);
      const f = cond(op.filter, sink);
      const pf = cond(op.postFilter, sink);
      return (
        `Query ${op.table}${op.index ? ` index ${op.index}` : ''} key(${key})${f ? ` filter(${f})` : ''}${pf ? ` then check(${pf})` : ''} ${op.direction === 'forward' ? 'asc' : 'desc'}` +
        `${op.select === 'count' ? ' select COUNT' : ''}${op.limit ? ` limit ${sink.value('', op.limit)}` : ''}${op.offset ? ` offset ${sink.value('', op.offset)}` : ''}${op.cursor ? ' after cursor' : ''}${per}${role}`
      );
    }
    case 'Scan': {
      const f = cond(op.filter, sink);
      return `Scan ${op.table}${f ? ` filter(${f})` : ''}${op.select === 'count' ? ' select COUNT' : ''}${op.limit ? ` limit ${sink.value('', op.limit)}` : ''}${op.offset ? ` offset ${sink.value('', op.offset)}` : ''}${op.cursor ? ' after cursor' : ''} (reads the whole table)`;
    }
    case 'PutItem':
    case 'UpdateItem':
    case 'DeleteItem':
      return writeText(op, sink);
    case 'TransactWrite': {
      const per = op.step.many ? ` per ${op.step.method === 'create' ? 'row' : 'matched item'}, up to ${op.atomicLimit} items per transaction` : '';
      return `TransactWriteItems [${op.items.map((w) => writeText(w, sink)).join('; ')}]${per}`;
    }
    default: {
      const never: never = op;
      throw new Error(`unhandled kv operation ${JSON.stringify(never)}`);
    }
  }
}

export function describeOperation(op: Operation): string {
  switch (op.kind) {
    case 'Merge':
      return `Merge ${op.relation}: ${op.from} onto ${op.to} (${op.cardinality})`;
    case 'ClientFilter':
      return `ClientFilter ${op.model}: ${op.reason}`;
    case 'Fold':
      return `Fold ${op.model}: ${op.reason}`;
    case 'CounterRead':
      return `CounterRead ${op.model}.${op.field} as _count.${op.relation} (the counter cache, no request)`;
    case 'sql':
      return `sql (${op.purpose}): not a DynamoDB operation`;
    default:
      return describeKv(op);
  }
}

export const dynamodbTarget: TargetDescriptor = {
  driver: 'dynamodb',
  capabilities: dynamodbCapabilities,
  describe: describeOperation,
  dbSystem: 'aws.dynamodb',
  checkSchema: checkKvSchema,
};
