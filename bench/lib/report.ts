/**
 * Everything shown to people is rendered from BenchResults (latest.json): the
 * terminal table, the Markdown for the docs and README, and the SVG chart. So
 * the three always agree with the JSON they came from.
 */
import type { BenchResults, ColocatedFigure, ComparisonSuite, ContenderFigure, MicroFigure } from './results.js';

const fmtMs = (x: number | null) => (x === null ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const fmtRatio = (x: number | null) => (x === null ? '' : `${x.toFixed(2)}×`);
const fmtUs = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function cell(c: ContenderFigure | undefined, baseline: boolean): string {
  if (!c) return '—';
  if (c.error || c.median === null) return 'n/a';
  return `${fmtMs(c.median)} / ${fmtMs(c.p95)}${baseline ? '' : `  ${fmtRatio(c.ratio)}`}`;
}

function requestsCell(s: ComparisonSuite, w: ComparisonSuite['workloads'][number]): string {
  const parts = s.contenders.map((name) => {
    const r = w.contenders[name]?.requests;
    return r === null || r === undefined ? '?' : String(r);
  });
  return parts.join(' / ') + (w.minimalRequests !== undefined ? ` (min ${w.minimalRequests})` : '');
}

/** One line per contender of the colocated-include workload: time, ratio, requests. */
function colocatedLines(c: NonNullable<BenchResults['colocated']>): string[] {
  if (c.skipped !== undefined) return [`SKIPPED: ${c.skipped}`];
  const f = c as ColocatedFigure;
  return [
    ...Object.entries(f.contenders).map(
      ([name, x]) =>
        `${name}: ${x.error ? `n/a (${x.error})` : `${fmtMs(x.median)} / ${fmtMs(x.p95)} ms${name === f.baseline ? ' (baseline)' : ` ${fmtRatio(x.ratio)}`}`}, ${x.requests ?? '?'} request(s)`,
    ),
    `(minimal ${f.minimalRequests} request; ${f.note ?? ''})`,
  ];
}

function pad(s: string, n: number) {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function suiteHeading(s: ComparisonSuite): string {
  return `${s.title} — ms per operation, median / p95, ratio = median ÷ ${s.baseline} median`;
}

function requestsLabel(s: ComparisonSuite): string {
  return `${s.id === 'dynamodb' ? 'requests' : 'round trips'} (${s.contenders.join(' / ')})`;
}

export function textReport(r: BenchResults): string {
  const out: string[] = [];
  out.push(
    `quern bench — ${r.mode} run, ${r.generatedAt}, Node ${r.machine.node}, ${r.machine.cpus} × ${r.machine.cpuModel}, load average ${r.machine.loadAverage.join(' → ')}`,
  );
  for (const s of r.suites) {
    out.push('', suiteHeading(s));
    if (s.skipped) {
      out.push(`  SKIPPED: ${s.skipped}`);
      continue;
    }
    const widths = [50, ...s.contenders.map(() => 22), 20];
    out.push(['workload', ...s.contenders, requestsLabel(s)].map((h, i) => pad(h, widths[i])).join(' '));
    for (const w of s.workloads) {
      const row = [w.title, ...s.contenders.map((c) => cell(w.contenders[c], c === s.baseline)), requestsCell(s, w)];
      out.push(row.map((h, i) => pad(h, widths[i])).join(' '));
      for (const c of s.contenders) if (w.contenders[c]?.error) out.push(`    ${c}: ${w.contenders[c].error}`);
    }
  }
  const micro = (title: string, m: BenchResults['planner']) => {
    out.push('', title);
    if (m.skipped !== undefined) out.push(`  SKIPPED: ${m.skipped}`);
    else for (const f of m.figures) out.push(`  ${pad(f.title, 58)} ${pad(fmtUs(f.usPerOp), 8)} µs  (p95 ${fmtUs(f.p95)})${f.note ? `  ${f.note}` : ''}`);
  };
  out.push('', 'Cold start (new process to the first checked PK lookup, PostgreSQL server; ms, median / p95)');
  if (r.coldStart.skipped !== undefined) out.push(`  SKIPPED: ${r.coldStart.skipped}`);
  else {
    const c = r.coldStart;
    for (const [name, f] of Object.entries(c.contenders))
      out.push(
        `  ${pad(name, 18)} ${f.error ? `n/a: ${f.error}` : `${fmtMs(f.median)} / ${fmtMs(f.p95)}${name === c.baseline ? '' : `  ${fmtRatio(f.ratio)}`}`}`,
      );
    out.push(`  (${c.rounds} rounds; ${c.note})`);
  }
  micro('Planner (µs per operation, median of batches)', r.planner);
  micro('Row mapping (µs per row, 10-column rows)', r.rowMapping);
  if (r.callSite) micro('Caller sites (µs per query)', r.callSite);
  if (r.tracing) micro('Observability (µs per query, in-memory executor)', r.tracing);
  if (r.colocated)
    out.push('', 'DynamoDB Local: findUnique + include of 30 colocated children (ms, median / p95)', ...colocatedLines(r.colocated).map((l) => `  ${l}`));
  out.push('', 'Lint throughput');
  out.push(
    r.lint.skipped !== undefined
      ? `  SKIPPED: ${r.lint.skipped}`
      : `  ${r.lint.sites} sites in ${r.lint.files} files: ${r.lint.seconds.toFixed(2)} s, ${Math.round(r.lint.sitesPerSecond)} sites/s${r.lint.cpuSeconds ? ` (${r.lint.cpuSeconds.toFixed(2)} s of CPU: ${r.lint.sitesPerCpuSecond} sites per CPU second)` : ''}`,
  );
  out.push('', 'Memory while paging with paginate()');
  if (r.memory.skipped !== undefined) out.push(`  SKIPPED: ${r.memory.skipped}`);
  else {
    const m = r.memory;
    out.push(
      `  ${m.rows.toLocaleString('en-US')} rows in pages of ${m.pageSize} on ${m.driver}: peak RSS ${Object.entries(m.peakRssMB)
        .map(([k, v]) => `${k} ${v} MB`)
        .join(', ')} (+${m.growthMB} MB, +${m.secondHalfGrowthMB} MB over the second half); heap retained after GC ${Object.entries(m.retainedHeapMB)
        .map(([k, v]) => `${k} ${v} MB`)
        .join(', ')} → ${m.flat ? 'flat' : 'GROWS'}`,
    );
    out.push(`  RSS every 10k rows (MB): ${m.series.map((s) => s.rssMB).join(' ')}`);
  }
  out.push('', 'Type-check cost');
  if (r.typecheck.skipped !== undefined) out.push(`  SKIPPED: ${r.typecheck.skipped}`);
  else {
    const t = r.typecheck;
    out.push(
      `  ${t.models} models, ${t.usageSites} query sites: ${t.instantiations.toLocaleString('en-US')} instantiations, check ${t.checkSeconds.toFixed(2)} s, total ${t.totalSeconds.toFixed(2)} s (wall), tsc CPU ${t.cpuSeconds.toFixed(2)} s, TS2589: ${t.ts2589 ? 'YES' : 'no'}, errors: ${t.errors}`,
    );
    if (t.baseline)
      out.push(
        `  (the schema file alone: ${t.baseline.instantiations.toLocaleString('en-US')} instantiations, check ${t.baseline.checkSeconds.toFixed(2)} s, tsc CPU ${t.baseline.cpuSeconds.toFixed(2)} s)`,
      );
    for (const line of typecheckLines(t)) out.push(`  ${line}`);
    for (const e of t.firstErrors) out.push(`    ${e}`);
  }
  out.push('', 'Targets (design.md section 8)');
  for (const t of r.targets)
    out.push(
      `  [${t.status === 'met' ? 'met' : t.status === 'missed' ? 'MISSED' : 'not measured'}] ${t.what}: target ${t.target}; measured ${t.measured}${t.note ? ` — ${t.note}` : ''}`,
    );
  if (r.failed.length) out.push('', ...r.failed.map((f) => `FAILED: ${f}`));
  out.push('', `total ${r.durationSeconds.toFixed(0)} s`);
  return out.join('\n');
}

const mdEscape = (s: string) => s.replace(/\|/g, '\\|');

/** The 400-model run and the peers' 100-model programs, one line each. */
function typecheckLines(t: Extract<BenchResults['typecheck'], { models: number }>): string[] {
  const run = (r: { instantiations: number; cpuSeconds: number; errors: number; ts2589: boolean }) =>
    `${r.instantiations.toLocaleString('en-US')} instantiations, tsc CPU ${r.cpuSeconds.toFixed(2)} s${r.errors ? `, ${r.errors} errors` : ''}${r.ts2589 ? ', TS2589' : ''}`;
  const out: string[] = [];
  if (t.large)
    out.push(
      `quern, ${'skipped' in t.large ? `400 models: not measured (${t.large.skipped})` : `${t.large.models} models: ${run(t.large)}, TS2589: ${t.large.ts2589 ? 'YES' : 'no'}`}`,
    );
  for (const [name, r] of Object.entries(t.peers ?? {}))
    out.push(`${name}, the same ${t.models}-model program: ${'skipped' in r ? `not measured (${r.skipped})` : run(r)}`);
  return out;
}

export function markdownReport(r: BenchResults): string {
  const out: string[] = [];
  out.push(
    `Measured by \`npm run bench${r.mode === 'quick' ? ' -- --quick' : ''}\` on ${r.generatedAt.slice(0, 10)}: Node ${r.machine.node}, ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGB} GB, 1-minute load average ${r.machine.loadAverage[0]} at the start and ${r.machine.loadAverage[1]} at the end (${r.machine.cpus} cores). The whole run took ${Math.round(r.durationSeconds)} s. Times are milliseconds per operation, median / p95; the ratio is the median over the baseline's median, from interleaved rounds in one run.`,
  );
  for (const s of r.suites) {
    out.push('', `**${s.title}** (${s.server})`, '');
    if (s.skipped) {
      out.push(`Skipped: ${s.skipped}`);
      continue;
    }
    out.push(`| workload | ${s.contenders.map((c) => (c === s.baseline ? `${c} (baseline)` : c)).join(' | ')} | ${requestsLabel(s)} |`);
    out.push(`| --- | ${s.contenders.map(() => '---:').join(' | ')} | ---: |`);
    for (const w of s.workloads) {
      out.push(
        `| ${mdEscape(w.title)} | ${s.contenders
          .map((c) => {
            const f = w.contenders[c];
            if (!f || f.error || f.median === null) return 'n/a';
            return `${fmtMs(f.median)} / ${fmtMs(f.p95)}${c === s.baseline ? '' : ` **${fmtRatio(f.ratio)}**`}`;
          })
          .join(' | ')} | ${requestsCell(s, w)} |`,
      );
    }
    const notes = [...(s.notes ?? []), ...s.workloads.filter((w) => w.note).map((w) => `${w.title}: ${w.note}`)];
    const errors = s.workloads.flatMap((w) => s.contenders.filter((c) => w.contenders[c]?.error).map((c) => `${w.title}, ${c}: ${w.contenders[c].error}`));
    if (notes.length || errors.length) out.push('', ...notes.map((n) => `- ${mdEscape(n)}`), ...errors.map((e) => `- not measured: ${mdEscape(e)}`));
  }
  const microTable = (title: string, unit: string, m: BenchResults['planner']) => {
    out.push('', `**${title}**`, '');
    if (m.skipped !== undefined) {
      out.push(`Skipped: ${m.skipped}`);
      return;
    }
    out.push(`| operation | median ${unit} | p95 ${unit} |`, '| --- | ---: | ---: |');
    for (const f of m.figures as readonly MicroFigure[])
      out.push(`| ${mdEscape(f.title)}${f.note ? ` (${mdEscape(f.note)})` : ''} | ${fmtUs(f.usPerOp)} | ${fmtUs(f.p95)} |`);
  };
  out.push('', '**Cold start** (a new process to its first checked PK lookup on the PostgreSQL server)', '');
  if (r.coldStart.skipped !== undefined) out.push(`Skipped: ${r.coldStart.skipped}`);
  else {
    const c = r.coldStart;
    const names = Object.keys(c.contenders);
    out.push(`| | ${names.map((n) => (n === c.baseline ? `${n} (baseline)` : n)).join(' | ')} |`, `| --- | ${names.map(() => '---:').join(' | ')} |`);
    out.push(
      `| ms, median / p95 | ${names
        .map((n) => {
          const f = c.contenders[n];
          return f.error || f.median === null ? 'n/a' : `${fmtMs(f.median)} / ${fmtMs(f.p95)}${n === c.baseline ? '' : ` **${fmtRatio(f.ratio)}**`}`;
        })
        .join(' | ')} |`,
    );
    out.push('', `- ${c.rounds} interleaved rounds; ${mdEscape(c.note)}`);
  }
  microTable('Planner', 'µs/op', r.planner);
  microTable('Row mapping (10-column rows)', 'µs/row', r.rowMapping);
  if (r.callSite) microTable('Caller sites in errors', 'µs/query', r.callSite);
  if (r.tracing) microTable('Observability: tracing off vs on', 'µs/query', r.tracing);
  if (r.colocated)
    out.push(
      '',
      '**DynamoDB Local: a colocated include (a parent with 30 children) vs one hand-written Query**',
      '',
      ...colocatedLines(r.colocated).map((l) => `- ${l}`),
    );
  out.push('', '**Lint, memory, type-check**', '');
  out.push(
    r.lint.skipped !== undefined
      ? `- Lint: skipped (${r.lint.skipped})`
      : `- Lint: ${r.lint.sites.toLocaleString('en-US')} query sites in ${r.lint.files} generated files in ${r.lint.seconds.toFixed(2)} s = **${Math.round(r.lint.sitesPerSecond).toLocaleString('en-US')} sites/s**${r.lint.cpuSeconds ? ` (${r.lint.cpuSeconds.toFixed(2)} s of CPU: ${r.lint.sitesPerCpuSecond!.toLocaleString('en-US')} sites per CPU second)` : ''}`,
  );
  if (r.memory.skipped !== undefined) out.push(`- Memory: skipped (${r.memory.skipped})`);
  else {
    const m = r.memory;
    out.push(
      `- Memory: paging ${m.rows.toLocaleString('en-US')} rows with \`paginate\` (pages of ${m.pageSize}, ${m.driver}): peak RSS ${Object.entries(m.peakRssMB)
        .map(([k, v]) => `${v} MB after ${k}`)
        .join(
          ', ',
        )}; RSS every 10k rows ${m.series.map((s) => s.rssMB).join(' → ')} MB (+${m.secondHalfGrowthMB} MB over the second half); heap still reachable after a full GC ${Object.entries(
        m.retainedHeapMB,
      )
        .map(([k, v]) => `${v} MB after ${k}`)
        .join(', ')} — **${m.flat ? 'flat' : 'not flat'}**`,
    );
  }
  if (r.typecheck.skipped !== undefined) out.push(`- Type-check: skipped (${r.typecheck.skipped})`);
  else {
    const t = r.typecheck;
    for (const line of typecheckLines(t)) out.push(`- ${line}`);
    out.push(
      `- Type-check of a generated ${t.models}-model schema with ${t.usageSites} typed query sites against quern's declaration files (\`tsc --extendedDiagnostics --noEmit\`): **${t.instantiations.toLocaleString('en-US')} instantiations, check time ${t.checkSeconds.toFixed(2)} s** (total ${t.totalSeconds.toFixed(2)} s wall clock; the whole tsc process used ${t.cpuSeconds.toFixed(2)} s of CPU), TS2589: ${t.ts2589 ? '**yes**' : 'none'}${t.baseline ? `; the schema file alone: ${t.baseline.instantiations.toLocaleString('en-US')} instantiations, check ${t.baseline.checkSeconds.toFixed(2)} s, tsc CPU ${t.baseline.cpuSeconds.toFixed(2)} s` : ''}`,
    );
  }
  out.push('', '**Targets** (design.md section 8)', '', '| what | target | measured | status |', '| --- | --- | --- | --- |');
  for (const t of r.targets)
    out.push(
      `| ${mdEscape(t.what)} | ${mdEscape(t.target)} | ${mdEscape(t.measured)}${t.note ? ` — ${mdEscape(t.note)}` : ''} | ${t.status === 'met' ? 'met' : t.status === 'missed' ? '**missed**' : 'not measured'} |`,
    );
  return out.join('\n');
}

// ---- SVG chart -----------------------------------------------------------------------------------

const COLORS: Record<string, string> = {
  quern: '#7c3aed',
  'drizzle.prepare': '#0e7490',
  drizzle: '#22d3ee',
  kysely: '#f59e0b',
  prisma: '#16a34a',
  electrodb: '#db2777',
  toolbox: '#2563eb',
  pg: '#64748b',
  raw: '#64748b',
};
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Ratio-to-baseline bars per workload, one panel per suite; the baseline is the line at 1.0×. */
export function svgChart(r: BenchResults): string {
  const suites = r.suites.filter((s) => !s.skipped);
  const width = 860;
  const labelW = 330;
  const plotW = width - labelW - 90;
  const barH = 13;
  const gap = 3;
  const parts: string[] = [];
  let y = 44;
  const maxRatio = Math.max(2, ...suites.flatMap((s) => s.workloads.flatMap((w) => Object.values(w.contenders).map((c) => c.ratio ?? 0))));
  const xMax = Math.min(Math.ceil(maxRatio * 2) / 2, 4);
  const x = (ratio: number) => labelW + (Math.min(ratio, xMax) / xMax) * plotW;

  parts.push(`<text x="16" y="24" font-size="15" font-weight="600">quern bench: time relative to the baseline (lower is better)</text>`);
  parts.push(
    `<text x="${width - 16}" y="24" font-size="11" text-anchor="end" fill="#475569">${esc(`${r.mode} run ${r.generatedAt.slice(0, 10)}, median of interleaved rounds`)}</text>`,
  );
  for (const s of suites) {
    const others = s.contenders.filter((c) => c !== s.baseline);
    parts.push(`<text x="16" y="${y + 14}" font-size="13" font-weight="600">${esc(s.title)} — baseline: ${esc(s.baseline)} = 1.0×</text>`);
    y += 24;
    const top = y;
    const rowH = others.length * (barH + gap) + 8;
    const bottom = top + rowH * s.workloads.length;
    // Grid first, so the bars are drawn over it: 1.0× is the baseline; the half steps help read the rest.
    for (let t = 0; t <= xMax + 1e-9; t += 0.5) {
      const gx = x(t).toFixed(1);
      const strong = Math.abs(t - 1) < 1e-9;
      parts.push(
        `<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${bottom}" stroke="${strong ? '#0f172a' : '#e2e8f0'}" stroke-width="${strong ? 1.5 : 1}"${strong ? ' stroke-dasharray="4 3"' : ''}/>`,
      );
      parts.push(`<text x="${gx}" y="${bottom + 12}" font-size="10" text-anchor="middle" fill="#475569">${t.toFixed(1)}×</text>`);
    }
    for (const w of s.workloads) {
      const mid = y + (others.length * (barH + gap) - gap) / 2;
      parts.push(`<text x="${labelW - 10}" y="${mid.toFixed(1)}" font-size="11" text-anchor="end" dominant-baseline="middle">${esc(w.title)}</text>`);
      others.forEach((c, k) => {
        const f = w.contenders[c];
        const by = y + k * (barH + gap);
        if (!f || f.ratio === null) {
          parts.push(`<text x="${labelW + 4}" y="${by + barH - 3}" font-size="10" fill="#94a3b8">${esc(c)}: not measured</text>`);
          return;
        }
        const w2 = Math.max(1, x(f.ratio) - labelW);
        parts.push(`<rect x="${labelW}" y="${by}" width="${w2.toFixed(1)}" height="${barH}" fill="${COLORS[c] ?? '#334155'}" rx="2"/>`);
        parts.push(
          `<text x="${(labelW + w2 + 4).toFixed(1)}" y="${by + barH - 3}" font-size="10">${esc(`${c} ${f.ratio.toFixed(2)}×${f.ratio > xMax ? ' →' : ''}`)}</text>`,
        );
      });
      y += rowH;
    }
    y += 30;
  }
  const legend = [...new Set(suites.flatMap((s) => s.contenders.filter((c) => c !== s.baseline)))];
  legend.forEach((c, k) => {
    parts.push(
      `<rect x="${16 + k * 110}" y="${y}" width="12" height="12" fill="${COLORS[c] ?? '#334155'}" rx="2"/><text x="${32 + k * 110}" y="${y + 10}" font-size="11">${esc(c)}</text>`,
    );
  });
  y += 28;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" fill="#0f172a">`,
    `<rect width="${width}" height="${y}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
