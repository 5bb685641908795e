/**
 * Import boundaries (design.md section 1), checked by `npm run check:boundaries` inside `npm test`:
 * the engine in src/ never imports a driver or a database client, and a driver never imports
 * another driver. Inside src/ the layers run one way: engine -> plan -> query -> schema.
 */
module.exports = {
  forbidden: [
    {
      name: 'src-imports-no-driver',
      comment: 'src/ is independent of any database: drivers implement the interfaces src/ defines.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^drivers/' },
    },
    {
      name: 'src-imports-no-database-client',
      comment: 'Database clients are optional peers, loaded by the drivers only.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: 'node_modules/(pg|@electric-sql/pglite|@aws-sdk/[^/]+)/' },
    },
    {
      name: 'plan-imports-no-engine',
      comment: 'Planning is offline (explain, lint): the engine runs plans, the planner never reaches into it.',
      severity: 'error',
      from: { path: '^src/plan/' },
      to: { path: '^src/(engine|client\\.ts)' },
    },
    {
      name: 'query-imports-no-plan-or-engine',
      comment: 'The query AST is target-free: it is built before any target is chosen.',
      severity: 'error',
      from: { path: '^src/query/' },
      to: { path: '^src/(plan|engine|client\\.ts)' },
    },
    {
      name: 'schema-imports-no-upper-layer',
      comment: 'The schema is the bottom layer: models and fields know nothing of queries, plans or the engine.',
      severity: 'error',
      from: { path: '^src/schema/' },
      // The inferred client types read the operator table (a mapped type over it, type-only).
      to: { path: '^src/(query|plan|engine|client\\.ts)', pathNot: '^src/query/operators\\.ts$' },
    },
    {
      name: 'src-and-drivers-import-no-outer-layer',
      comment: 'The registry of targets (targets/), the migration engine and the CLI build on src/ and drivers/, never the reverse.',
      severity: 'error',
      from: { path: '^(src|drivers)/' },
      to: { path: '^(targets|migrations|cli)/' },
    },
    {
      name: 'drivers-do-not-import-each-other',
      comment: 'Each driver stands alone, so an app loads only the one it uses.',
      severity: 'error',
      from: { path: '^drivers/([^/]+)/' },
      to: { path: '^drivers/', pathNot: '^drivers/$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
