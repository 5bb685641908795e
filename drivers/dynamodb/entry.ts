/**
 * The published entry of `quern/dynamodb`. The AWS SDK is an optional peer
 * dependency; a static import of it would fail at link time with Node's bare
 * "Cannot find package". Checking first, then loading the driver dynamically,
 * turns that into a MissingDependencyError naming the install command.
 * Keep the list in step with index.ts (test/unit/packaging.test.ts compares them).
 */
import type * as Driver from './index.js';
import { loadPeer } from '../../src/peer.js';

await loadPeer('@aws-sdk/client-dynamodb', 'quern/dynamodb', () => import('@aws-sdk/client-dynamodb'));
const api: typeof Driver = await import('./index.js');

export type { DynamoOptions, DynamoDriver } from './index.js';
export const {
  dynamodb,
  dynamodbTarget,
  describeOperation,
  createTableInput,
  uniqueTableInput,
  schemaTableInputs,
  gsiInput,
  attributeType,
  ensureTable,
  waitActive,
  pushTables,
  uniqueEntryKey,
  uniqueEntryItem,
  UNIQUE_TABLE,
  UNIQUE_PK,
  encodeField,
  decodeField,
  encodeRow,
  decodeRow,
  encodeKey,
} = api;
