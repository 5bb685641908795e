/**
 * Golden findings for the lint fixture, by scenario (see fixtures/lint-app/src/queries.ts)
 * and target; `any` holds target-independent findings. A scenario not listed must have none:
 * that is the "no false positives" half of the golden test.
 */
type Codes = { postgres?: string[]; dynamodb?: string[]; any?: string[] };

export const EXPECTED: Readonly<Record<string, Codes>> = {
  postsByAuthorByTitle: { dynamodb: ['order-unsupported'] },
  offsetPage: { dynamodb: ['offset-emulated'] },
  publishedPosts: { dynamodb: ['scan-required'] },
  countAll: { dynamodb: ['count-requires-scan'] },
  titleEndsWith: { dynamodb: ['operator-unsupported'] },
  nameInsensitive: { dynamodb: ['operator-unsupported'] },
  authorsWithPublished: { dynamodb: ['relation-filter-unsupported', 'scan-required'] },
  constWhere: { dynamodb: ['order-unsupported'] },
  'helpers:usersOver': { dynamodb: ['scan-required'] },
  aliasedScan: { dynamodb: ['scan-required'] },
  pageByTitle: { dynamodb: ['order-unsupported'] },
  publishAllDrafts: { dynamodb: ['scan-required'] },
  oversizedBatch: { dynamodb: ['batch-too-large'] },
  uniqueHeavyBatch: { dynamodb: ['batch-too-large'] },
  transfer: { dynamodb: ['interactive-transaction-unsupported'] },
  'helpers:search': { any: ['unanalyzable-query'] },
  mutatedWhere: { any: ['unanalyzable-query'] },
  suppressedWithoutReason: { any: ['suppression-without-reason'] },
};

/** Findings present in the source but silenced by `// quern-allow` comments. */
export const SUPPRESSED: Readonly<Record<string, Codes>> = {
  suppressedScan: { dynamodb: ['scan-required'] },
  suppressedWithoutReason: { dynamodb: ['scan-required'] },
};
