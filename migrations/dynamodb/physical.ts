/**
 * The DynamoDB shape of models, taken from the driver's own builders
 * (drivers/dynamodb/tables.ts): a migration from nothing creates exactly what
 * `db push` creates. Table names here are logical (no prefix).
 */
import type { ModelDef, IndexDef } from '../../src/schema/model.js';
import { attributeDefinitions, attributeType, createTableInput, gsiAttributes, gsiInput, listTableInput, uniqueTableInput } from '../../drivers/dynamodb/table-inputs.js';
import { LIST_TABLE } from '../../drivers/dynamodb/list-entries.js';
import { UNIQUE_TABLE } from '../../drivers/dynamodb/unique.js';
import type { AttributeDefinition, GsiDefinition, TableDefinition } from './steps.js';

export { attributeType };

export function gsiDefinition(model: ModelDef, index: IndexDef): { index: GsiDefinition; attributes: AttributeDefinition[] } {
  return { index: gsiInput(model, index) as GsiDefinition, attributes: attributeDefinitions(model, gsiAttributes(index)) as AttributeDefinition[] };
}

export function tableDefinition(model: ModelDef): TableDefinition {
  const { TableName: _name, ...rest } = createTableInput(model);
  return rest as TableDefinition;
}

/** The unique-index table: push always creates it, so the first DynamoDB migration does too. */
export function uniqueTable(): { table: string; definition: TableDefinition } {
  const { TableName: _name, ...rest } = uniqueTableInput();
  return { table: UNIQUE_TABLE, definition: rest as TableDefinition };
}

/** The list-entry table: push creates it for a schema with an indexed list, so the migration that adds the first one does too. */
export function listTable(): { table: string; definition: TableDefinition } {
  const { TableName: _name, ...rest } = listTableInput();
  return { table: LIST_TABLE, definition: rest as TableDefinition };
}
