import type { SchemaDef } from '../../schema/define.js';
import type { FieldDef } from '../../schema/field.js';
import type { ModelDef } from '../../schema/model.js';
import { keyPairs, type RelationDef } from '../../schema/relation.js';
import type { Join, SqlExpr } from './ast.js';
import { and, bin, col } from './build.js';
import type { SqlDialect } from './dialect.js';

/** One model bound to a table alias in the statement being built. */
export class Scope {
  constructor(
    readonly modelKey: string,
    readonly model: ModelDef,
    readonly alias: string,
  ) {}
  col(field: string): SqlExpr {
    return col(this.alias, field);
  }
  field(name: string): FieldDef {
    return this.model.fields[name];
  }
}

/** State of one lowering: the schema, the target's dialect and a counter for unique table aliases. */
export class LowerCtx {
  private next = 0;
  constructor(
    readonly schema: SchemaDef,
    readonly dialect: SqlDialect,
  ) {}

  alias(): string {
    return `t${this.next++}`;
  }

  scope(modelKey: string, alias = this.alias()): Scope {
    return new Scope(modelKey, this.schema.models[modelKey], alias);
  }

  relation(modelKey: string, name: string): RelationDef {
    return this.schema.relations[modelKey][name];
  }

  /**
   * The condition tying a related row (`child`) to its parent, one equality per foreign key
   * field (a composite key is referenced column by column): hasMany/hasOne point back at the
   * parent's key; belongsTo holds the child's key in the parent; manyToMany joins the child to
   * its link rows, whose `from` field holds the parent's key (the join model is unique on
   * (from, to), so no duplicates).
   */
  link(parent: Scope, rel: RelationDef, child: Scope): { on: SqlExpr; joins: Join[] } {
    // The related row's column is written first (`child = parent`), as statements always were.
    const equal = (fkScope: Scope, keyScope: Scope, fields: readonly string[], keyFirst = false) =>
      and(
        keyPairs(fields, keyScope.model.key).map(([fk, k]) =>
          keyFirst ? bin('=', keyScope.col(k), fkScope.col(fk)) : bin('=', fkScope.col(fk), keyScope.col(k)),
        ),
      );
    switch (rel.kind) {
      case 'belongsTo':
        return { on: equal(parent, child, rel.foreignKeys, true), joins: [] };
      case 'hasMany':
      case 'hasOne':
        return { on: equal(child, parent, rel.foreignKeys), joins: [] };
      case 'manyToMany': {
        const link = this.scope(rel.through!);
        return {
          on: equal(link, parent, rel.foreignKeys),
          joins: [{ type: 'inner', item: { kind: 'table', name: link.model.table, alias: link.alias }, on: equal(link, child, [rel.to!]) }],
        };
      }
      default: {
        const never: never = rel.kind;
        throw new Error(`unhandled relation kind ${String(never)}`);
      }
    }
  }
}
