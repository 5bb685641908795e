/**
 * Schema problems that only exist on DynamoDB. A hasMany/hasOne include is a
 * Query by the foreign key, so the target model needs a key source (its table
 * key or a GSI) partitioned by that field, whose sort field (if any) can never
 * be missing from an item (see the sparse-index rule in access.ts).
 */
import type { SchemaDef } from '../../schema/define.js';
import { diag, type Diagnostic } from '../diagnostics.js';
import { indexCall, keySources, sparseFields } from './access.js';
import { fkSource } from './include.js';

export function checkKvSchema(schema: SchemaDef): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [source, rels] of Object.entries(schema.relations)) {
    const parent = schema.models[source];
    for (const rel of Object.values(rels)) {
      if (rel.kind === 'belongsTo') continue;
      const target = schema.models[rel.target];
      if (fkSource(target, rel.foreignKey)) continue;
      const sparse = keySources(target).filter((s) => s.partition === rel.foreignKey);
      const why = sparse.length > 0
        ? `${sparse.map((s) => s.index).join(', ')} has ${rel.foreignKey} as partition but its sort field ${sparse.map((s) => sparseFields(target, s).filter((f) => f !== rel.foreignKey).join(', ')).join(' / ')} is nullable, and DynamoDB leaves items without it out of the index (the include would silently miss them)`
        : `no index of ${target.name} has ${rel.foreignKey} as its partition key`;
      out.push(diag('index-missing', 'dynamodb', target.name,
        `relation ${parent.name}.${rel.name} (${rel.kind} ${target.name} by ${rel.foreignKey}) needs a Query by ${target.name}.${rel.foreignKey}: ${why}`,
        `add ${indexCall([rel.foreignKey])} to ${target.name}`, { model: target.name, fields: [rel.foreignKey] }));
    }
  }
  return out;
}
