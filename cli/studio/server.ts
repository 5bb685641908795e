/**
 * `quern studio`'s web server: node:http, one page (no build step, nothing fetched from the
 * network) and a small JSON API. It listens on 127.0.0.1 only, and refuses requests whose Host or
 * Origin is not the studio itself, so a web page the user visits cannot read or write through it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { QuernError, ValidationError } from '../../src/errors.js';
import type { PlanTarget } from '../../targets/types.js';
import type { Project } from '../config.js';
import { capabilityMap, shapeDiagnostics, type CapabilityMap } from './capabilities.js';
import type { StudioData } from './data.js';
import { describeModels } from './models.js';
import { PAGE_CSS, PAGE_HTML, PAGE_JS } from './page.js';
import { readStats } from './stats.js';

export interface StudioOptions {
  readonly project: Project;
  /** Planning targets of the capability map. */
  readonly targets: readonly PlanTarget[];
  /** Rows to browse; null: no database (the page says how to connect one). */
  readonly data: StudioData | null;
  /** Why there is no data source, shown on the Data view. */
  readonly dataProblem?: string;
  readonly allowWrites: boolean;
  /** Recorded-shapes files: planned into the capability map; the first one feeds the live stats. */
  readonly shapes?: readonly string[];
  /** DynamoDB table prefix shown on the Models view. */
  readonly tablePrefix?: string;
  /** 0: any free port. */
  readonly port?: number;
}

export interface Studio {
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'send application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'request body too large');
    chunks.push(c as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

/** A refused write as the page shows it: the error class and quern's own message. */
function errorBody(e: unknown): { status: number; error: { name: string; message: string; path?: string } } {
  if (e instanceof HttpError) return { status: e.status, error: { name: 'Error', message: e.message } };
  if (e instanceof ValidationError) return { status: 400, error: { name: e.name, message: e.message, path: e.path } };
  if (e instanceof QuernError) return { status: 409, error: { name: e.name, message: e.message } };
  return { status: 500, error: { name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) } };
}

/** The app's package name, else its folder's. */
function projectName(root: string): string {
  try {
    const name = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: unknown }).name;
    if (typeof name === 'string' && name) return name;
  } catch {
    // No package.json (or not JSON): the folder names the project.
  }
  return basename(root);
}

export async function startStudio(opts: StudioOptions): Promise<Studio> {
  const { project } = opts;
  const shapes = opts.shapes ?? [];
  let map: Promise<CapabilityMap> | null = null;
  const capabilities = (refresh: boolean) => {
    if (!map || refresh) map = capabilityMap(project, opts.targets, shapes);
    const m = map;
    // A failed analysis is retried on the next request instead of being cached.
    m.catch(() => {
      if (map === m) map = null;
    });
    return m;
  };
  let planner: ReturnType<typeof shapeDiagnostics> | null = null;
  let allowedHosts: Set<string> = new Set();

  const overview = () => ({
    project: projectName(project.root),
    root: project.root,
    targets: opts.targets,
    data: opts.data ? { target: opts.data.target, where: opts.data.where } : null,
    dataProblem: opts.data ? null : (opts.dataProblem ?? 'no database connection'),
    allowWrites: opts.allowWrites,
    shapesFile: shapes[0] ?? null,
  });

  async function api(req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /api/overview':
        return json(res, 200, overview());
      case 'GET /api/models':
        return json(res, 200, describeModels(project.schema.def, opts.tablePrefix));
      case 'GET /api/capabilities':
        return json(res, 200, await capabilities(url.searchParams.get('refresh') === '1'));
      case 'GET /api/stats': {
        const stats = readStats(shapes[0] ?? null, project.root);
        const plan = await (planner ??= shapeDiagnostics(project, opts.targets));
        return json(res, 200, {
          ...stats,
          shapes: stats.shapes.map((s) => ({ ...s, modelName: project.schema.def.models[s.model]?.name ?? s.model, diagnostics: plan(s.shape) })),
        });
      }
      case 'GET /api/rows': {
        if (!opts.data) throw new HttpError(503, opts.dataProblem ?? 'no database connection');
        const model = url.searchParams.get('model') ?? '';
        const limit = Number(url.searchParams.get('limit') ?? 50);
        return json(res, 200, await opts.data.rows(model, limit));
      }
      case 'POST /api/rows/update': {
        if (!opts.allowWrites) throw new HttpError(403, 'the studio is read-only; start it with --allow-writes to edit rows');
        if (!opts.data) throw new HttpError(503, opts.dataProblem ?? 'no database connection');
        const body = (await readJson(req)) as { model?: unknown; key?: unknown; data?: unknown };
        if (typeof body.model !== 'string') throw new ValidationError('model', 'expected the model name');
        if (!body.key || typeof body.key !== 'object') throw new ValidationError('where', 'expected the key of the row');
        if (!body.data || typeof body.data !== 'object') throw new ValidationError('data', 'expected the fields to change');
        const row = await opts.data.update(body.model, body.key as Record<string, unknown>, body.data as Record<string, string>);
        return json(res, 200, { row });
      }
      default:
        throw new HttpError(404, `no route ${route}`);
    }
  }

  const server = createServer((req, res) => {
    const host = req.headers.host ?? '';
    const origin = req.headers.origin;
    // DNS rebinding and cross-site requests: only the studio's own address may talk to it.
    if (!allowedHosts.has(host) || (origin !== undefined && !allowedHosts.has(origin.replace(/^https?:\/\//, '')))) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden: open the studio at its own address');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    const send = (type: string, body: string) => {
      res.writeHead(200, {
        'content-type': `${type}; charset=utf-8`,
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'self'; img-src 'self' data:",
      });
      res.end(body);
    };
    if (req.method === 'GET' && url.pathname === '/') return send('text/html', PAGE_HTML);
    if (req.method === 'GET' && url.pathname === '/studio.js') return send('text/javascript', PAGE_JS);
    if (req.method === 'GET' && url.pathname === '/studio.css') return send('text/css', PAGE_CSS);
    api(req, url, res).catch((e: unknown) => {
      const { status, error } = errorBody(e);
      if (!res.headersSent) json(res, status, { error });
      else res.end();
    });
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
