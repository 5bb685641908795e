/** The shape of bench/results/latest.json: everything the table, the chart and the docs are made from. */

export interface ContenderFigure {
  /** milliseconds per operation */
  readonly median: number | null;
  readonly p95: number | null;
  readonly n: number;
  /** median ÷ the baseline's median */
  readonly ratio: number | null;
  /** database requests (PostgreSQL round trips, DynamoDB HTTP requests) per operation */
  readonly requests?: number | null;
  /** how `requests` was counted */
  readonly requestsVia?: string;
  readonly error?: string;
}

export interface WorkloadFigure {
  readonly id: string;
  readonly title: string;
  readonly contenders: Readonly<Record<string, ContenderFigure>>;
  /** DynamoDB: the fewest requests the workload can be done in. */
  readonly minimalRequests?: number;
  readonly note?: string;
}

export interface ComparisonSuite {
  readonly id: 'postgres' | 'pglite' | 'dynamodb';
  readonly title: string;
  /** where the database came from (embedded server, env URL, in-process WASM, …) */
  readonly server: string;
  readonly baseline: string;
  readonly contenders: readonly string[];
  readonly workloads: readonly WorkloadFigure[];
  readonly skipped?: string;
  readonly notes?: readonly string[];
}

export interface MicroFigure {
  readonly id: string;
  readonly title: string;
  readonly usPerOp: number;
  readonly p95: number;
  readonly note?: string;
}

export type Maybe<T> = (T & { readonly skipped?: undefined }) | { readonly skipped: string };

export interface LintFigure {
  readonly files: number;
  readonly sites: number;
  /** wall clock of the lint run (loading the config and schema excluded) */
  readonly seconds: number;
  readonly sitesPerSecond: number;
  /** CPU time of the same run, when lint-bench reports it: steadier on a busy machine */
  readonly cpuSeconds?: number;
  readonly sitesPerCpuSecond?: number;
}

export interface MemoryFigure {
  readonly rows: number;
  readonly pageSize: number;
  readonly driver: string;
  /** resident set size after paging this many rows (MB) */
  readonly rssMB: Readonly<Record<string, number>>;
  /** peak RSS while paging, sampled after every page, up to these points (MB) */
  readonly peakRssMB: Readonly<Record<string, number>>;
  /** the process's peak RSS since start (getrusage maxrss), start-up included (MB) */
  readonly processPeakRssMB: Readonly<Record<string, number>>;
  readonly heapUsedMB: Readonly<Record<string, number>>;
  /** heap still reachable after a full GC at the same points (MB): grows only if rows are retained */
  readonly retainedHeapMB: Readonly<Record<string, number>>;
  /** RSS and heap every 10,000 rows */
  readonly series: readonly { rows: number; rssMB: number; heapUsedMB: number }[];
  /** peak RSS at 100k minus peak RSS at 10k */
  readonly growthMB: number;
  /** RSS growth over the second half of the run (50k → 100k rows) */
  readonly secondHalfGrowthMB: number;
  /** retained heap at 100k minus at 10k */
  readonly retainedGrowthMB: number;
  readonly flat: boolean;
  readonly seconds: number;
}

export interface TypecheckFigure {
  readonly models: number;
  readonly usageSites: number;
  readonly instantiations: number;
  readonly types: number;
  /** tsc's own figures: wall clock, so inflated on a busy machine */
  readonly checkSeconds: number;
  readonly totalSeconds: number;
  /** CPU time of the whole tsc process (parse, bind, check): steady under load */
  readonly cpuSeconds: number;
  readonly memoryMB: number | null;
  readonly ts2589: boolean;
  readonly errors: number;
  readonly firstErrors: readonly string[];
  /** the same figures for the schema file alone (no query sites) */
  readonly baseline: { readonly instantiations: number; readonly checkSeconds: number; readonly cpuSeconds: number } | null;
  /** the same generated program at 400 models */
  readonly large?: (TypecheckRun & { readonly models: number }) | { readonly skipped: string };
  /** each peer's own 100-model program with the same query sites */
  readonly peers?: Readonly<Record<string, TypecheckRun | { readonly skipped: string }>>;
}

export interface TypecheckRun {
  readonly instantiations: number;
  readonly checkSeconds: number;
  readonly cpuSeconds: number;
  readonly errors: number;
  readonly ts2589: boolean;
  readonly firstErrors: readonly string[];
}

/** Process start to first result, per contender (ms), on the PostgreSQL server. */
export interface ColdStartFigure {
  readonly baseline: string;
  readonly rounds: number;
  readonly contenders: Readonly<Record<string, ContenderFigure>>;
  readonly note: string;
}

/** One workload measured against its own baseline outside the comparison suites (bench/suites/colocated.ts). */
export interface ColocatedFigure extends WorkloadFigure {
  readonly baseline: string;
}

export interface TargetFigure {
  readonly what: string;
  readonly target: string;
  readonly measured: string;
  readonly status: 'met' | 'missed' | 'not measured';
  readonly note?: string;
}

export interface BenchResults {
  readonly version: 1;
  readonly generatedAt: string;
  readonly mode: 'quick' | 'full';
  readonly durationSeconds: number;
  readonly machine: {
    readonly node: string;
    readonly platform: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGB: number;
    /** 1-minute load average when the run started and when it ended: how busy the machine was */
    readonly loadAverage: readonly [number, number];
  };
  readonly suites: readonly ComparisonSuite[];
  readonly planner: Maybe<{ readonly figures: readonly MicroFigure[] }>;
  readonly rowMapping: Maybe<{ readonly figures: readonly MicroFigure[] }>;
  /** what pointing errors at the application's line costs a query (absent in older results) */
  readonly callSite?: Maybe<{ readonly figures: readonly MicroFigure[] }>;
  /** Observability per query: nothing observed, defaults (tracing off), tracing on, shapes recorded. */
  readonly tracing?: Maybe<{ readonly figures: readonly MicroFigure[] }>;
  /** a colocated include vs one hand-written Query on DynamoDB Local (absent in older results) */
  readonly colocated?: Maybe<ColocatedFigure>;
  readonly lint: Maybe<LintFigure>;
  readonly memory: Maybe<MemoryFigure>;
  readonly typecheck: Maybe<TypecheckFigure>;
  readonly coldStart: Maybe<ColdStartFigure>;
  readonly targets: readonly TargetFigure[];
  /** true when something the bench must guarantee failed (TS2589): `npm run bench` exits 1 */
  readonly failed: readonly string[];
}
