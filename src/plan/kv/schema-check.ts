/**
 * Schema problems that only exist on DynamoDB. A hasMany/hasOne include is a
 * Query by the foreign key, so the target model needs a key source (its table
 * key or a GSI) partitioned by that field, whose sort field (if any) can never
 * be missing from an item (see the sparse-index rule in access.ts).
 */
import { kvSchema } from '../../schema/colocation.js';
import type { SchemaDef } from '../../schema/define.js';
import { diag, type Diagnostic } from '../diagnostics.js';
import { indexCall, sparseFields } from './access.js';
import { fkCandidates, fkSource } from './include.js';

/** A GSI key holds one partition attribute and up to four sort attributes (multi-attribute keys). */
export const MAX_GSI_FIELDS = 5;

export function checkKvSchema(logical: SchemaDef): Diagnostic[] {
  // A colocated child's key starts with its foreign key: its relation needs no index.
  const schema = kvSchema(logical);
  const out: Diagnostic[] = [...checkKeyWidths(schema)];
  for (const [source, rels] of Object.entries(schema.relations)) {
    const parent = schema.models[source];
    for (const rel of Object.values(rels)) {
      // manyToMany: defineSchema declares the join model's index by `from` itself.
      if (rel.kind === 'belongsTo' || rel.kind === 'manyToMany') continue;
      const target = schema.models[rel.target];
      const fks = rel.foreignKeys;
      if (fkSource(target, fks)) continue;
      const sparse = fkCandidates(target, fks);
      const label = fks.join(', ');
      const why =
        sparse.length > 0
          ? `${sparse.map((s) => s.index).join(', ')} has ${label} as its key but its field ${sparse
              .map((s) =>
                sparseFields(target, s)
                  .filter((f) => !fks.includes(f))
                  .join(', '),
              )
              .join(' / ')} is nullable, and DynamoDB leaves items without it out of the index (the include would silently miss them)`
          : fks.length > 1
            ? `no key or index of ${target.name} has ${fks[0]} as its partition and ${fks[1]} as its sort key`
            : `no index of ${target.name} has ${fks[0]} as its partition key`;
      out.push(
        diag(
          'index-missing',
          'dynamodb',
          target.name,
          `relation ${parent.name}.${rel.name} (${rel.kind} ${target.name} by ${label}) needs a Query by ${target.name}.${fks.length > 1 ? `(${label})` : label}: ${why}`,
          `add ${indexCall(fks)} to ${target.name}`,
          { model: target.name, fields: [...fks] },
        ),
      );
    }
  }
  return out;
}

/**
 * A table key is (partition, sort) on DynamoDB; a GSI key may have up to four sort attributes.
 * A wider key is refused at createClient (and by lint), naming the fix, rather than encoded into
 * one synthetic attribute: a concatenated attribute would need its own escaping and ordering rules
 * and would hide the fields from filters.
 */
function checkKeyWidths(schema: SchemaDef): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of Object.values(schema.models)) {
    if (m.key.length > 2) {
      out.push(
        diag(
          'key-too-wide',
          'dynamodb',
          m.name,
          `model ${m.name} has a ${m.key.length}-field key [${m.key.join(', ')}]; a DynamoDB table key is (partition, sort)`,
          `use key: ['${m.key[0]}', '${m.key[1]}'] (or a single generated id) and declare unique(${m.key.map((k) => `'${k}'`).join(', ')}) to keep the combination unique`,
        ),
      );
    }
    for (const i of m.indexes) {
      if (i.fields.length > MAX_GSI_FIELDS) {
        out.push(
          diag(
            'key-too-wide',
            'dynamodb',
            m.name,
            `index ${i.name} on ${m.name} has ${i.fields.length} fields; a DynamoDB GSI key holds 1 partition and at most ${MAX_GSI_FIELDS - 1} sort attributes`,
            `shorten it to ${indexCall(i.fields.slice(0, MAX_GSI_FIELDS))}`,
            { model: m.name, fields: i.fields.slice(0, MAX_GSI_FIELDS) },
          ),
        );
      }
    }
  }
  return out;
}
