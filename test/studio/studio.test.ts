/**
 * `quern studio` in a real headless browser (Debian's chromium, driven by playwright-core): the
 * page is navigated with the keyboard, the capability map of the blog example is checked against
 * lint's own analysis, and a data edit goes through quern's validation: refused on bad input with
 * the ValidationError shown, accepted on good input. One browser for the file.
 *
 * Screenshots for docs/studio.md: every run takes them; QUERN_UPDATE_SCREENSHOTS=1 writes them
 * into docs/images (otherwise into a temporary folder, so a test run leaves the tree clean).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createClient, ValidationError } from 'quern';
import { pglite } from 'quern/postgres';
import { loadProject, type Project } from '../../cli/config.js';
import { runLint } from '../../cli/lint/run.js';
import type { LintResult } from '../../cli/lint/findings.js';
import { clientData } from '../../cli/studio/data.js';
import { startStudio, type Studio } from '../../cli/studio/server.js';
import { schema } from '../../examples/blog/schema.js';
import { seed, type BlogDb } from '../../examples/blog/seed.js';
import { scaled } from '../harness/time-scale.js';
import { chromiumMissing, chromiumRequired, launchBrowser, type Browser } from './browser.js';
import { pgliteOptions } from '../harness/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOTS = process.env.QUERN_UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'images') : mkdtempSync(join(tmpdir(), 'quern-studio-shots-'));
const missing = chromiumMissing();

if (missing && chromiumRequired()) {
  describe('quern studio in a browser', () => {
    it('needs chromium (required: CI or QUERN_REQUIRE=chromium)', () => {
      expect.fail(missing);
    });
  });
} else if (missing) {
  console.warn(`\n!! SKIPPING the studio browser tests: ${missing}. Set QUERN_REQUIRE=chromium to make this an error.\n`);
  describe.skip('quern studio in a browser (no chromium)', () => {
    it('runs in a browser', () => undefined);
  });
} else {
  describe('quern studio in a browser', () => {
    let project: Project;
    let lint: LintResult;
    let db: BlogDb;
    let ann: { id: string; name: string; age: number | null };
    let studio: Studio;
    let readOnly: Studio;
    let browser: Browser;
    let page: Page;
    const shapesFile = join(mkdtempSync(join(tmpdir(), 'quern-studio-')), 'shapes.jsonl');

    beforeAll(async () => {
      project = await loadProject({ cwd: ROOT });
      lint = await runLint(project, { targets: ['postgres', 'dynamodb'] });
      db = await createClient({ schema, driver: pglite(pgliteOptions()), strict: false, onWarning: () => undefined });
      await db.push();
      ({ ann } = await seed(db));
      const data = clientData(project.schema, db, 'pglite', 'in-memory PGlite');
      studio = await startStudio({ project, targets: ['postgres', 'dynamodb'], data, allowWrites: true, shapes: [shapesFile] });
      readOnly = await startStudio({ project, targets: ['postgres'], data, allowWrites: false });
      browser = await launchBrowser();
      page = await browser.context.newPage();
      page.setDefaultTimeout(scaled(30_000));
    });

    afterAll(async () => {
      await browser?.close();
      await studio?.close();
      await readOnly?.close();
      await db?.close();
      rmSync(shapesFile, { force: true });
      if (process.env.QUERN_UPDATE_SCREENSHOTS !== '1') rmSync(SHOTS, { recursive: true, force: true });
    });

    const shot = async (name: string, element?: ReturnType<Page['locator']>) => {
      mkdirSync(SHOTS, { recursive: true });
      const path = join(SHOTS, `studio-${name}.png`);
      await (element ?? page).screenshot({ path });
      expect(readFileSync(path).subarray(1, 4).toString()).toBe('PNG');
    };
    /** Waits for the locator; a load error the page shows instead fails at once, with its text. */
    const shown = async (l: ReturnType<Page['locator']>) => {
      const alert = page.locator('main [role=alert]');
      await Promise.race([l.waitFor(), alert.waitFor()]);
      if (!(await l.isVisible()) && (await alert.isVisible())) throw new Error(`the page shows: ${await alert.textContent()}`);
    };
    // Page-side code as text: the project's type-check has no DOM library.
    const focused = () =>
      page.evaluate<{ tag?: string; text: string; id?: string }>(
        "({ tag: document.activeElement?.tagName, text: document.activeElement?.textContent?.trim() ?? '', id: document.activeElement?.id })",
      );

    it("is navigated with the keyboard: skip link, section links, focus on each view's heading", async () => {
      await page.goto(studio.url);
      await page.getByRole('heading', { level: 2, name: 'Models' }).waitFor();
      await page.getByRole('heading', { level: 3, name: 'Post' }).waitFor();
      // Landmarks, and every form control has a label.
      expect(await page.getByRole('banner').count()).toBe(1);
      expect(await page.getByRole('navigation', { name: 'Sections' }).count()).toBe(1);
      expect(await page.getByRole('main').count()).toBe(1);

      await page.keyboard.press('Tab');
      expect(await focused()).toMatchObject({ tag: 'A', text: 'Skip to content' });
      for (const name of ['Models', 'Data', 'Capability map']) {
        await page.keyboard.press('Tab');
        expect(await focused()).toMatchObject({ tag: 'A', text: name });
      }
      await page.keyboard.press('Enter');
      await page.waitForURL(/#\/capabilities$/);
      await shown(page.locator('#cap-summary'));
      expect(await focused()).toMatchObject({ tag: 'H2', text: 'Capability map' });
      expect(await page.getByRole('link', { name: 'Capability map' }).getAttribute('aria-current')).toBe('page');
      expect(await page.getByRole('link', { name: 'Models' }).getAttribute('aria-current')).toBeNull();
      expect(await page.title()).toBe('Capability map · quern studio');

      // Back with Shift+Tab to Data, then Enter.
      await page.getByRole('link', { name: 'Capability map' }).focus();
      await page.keyboard.press('Shift+Tab');
      expect(await focused()).toMatchObject({ tag: 'A', text: 'Data' });
      await page.keyboard.press('Enter');
      await page.getByRole('table', { name: /^User: 3 rows/ }).waitFor();
      expect(await focused()).toMatchObject({ tag: 'H2', text: 'Data' });
      const unlabelled = await page.evaluate<string[]>(
        "[...document.querySelectorAll('input, select, textarea')].filter((el) => el.labels.length === 0).map((el) => el.id)",
      );
      expect(unlabelled).toEqual([]);
    });

    it('shows each model with its PostgreSQL table and its DynamoDB table and indexes', async () => {
      await page.goto(`${studio.url}#/models/post`);
      const post = page.locator('#model-post');
      await post.waitFor();
      expect(await focused()).toMatchObject({ tag: 'H3', text: 'Post' });
      const pg = await post.getByLabel('PostgreSQL DDL of Post').textContent();
      expect(pg).toContain(`CREATE TABLE "${schema.def.models.post.table}"`);
      const gsis = post.getByRole('table', { name: 'Global secondary indexes of Post' });
      for (const i of schema.def.models.post.indexes) {
        await expect(gsis.getByRole('row', { name: new RegExp(`^${i.name} ${i.fields[0]} ${i.fields[1]}$`) }).count()).resolves.toBe(1);
      }
      await shot('models', post);
    });

    it('shows the capability map of the blog example: every lint site, its plan per target, diagnostics and fixes', async () => {
      await page.goto(`${studio.url}#/capabilities`);
      const summary = page.locator('#cap-summary');
      await shown(summary);
      expect(await summary.textContent()).toContain(`${lint.sites} query sites`);
      expect(await summary.textContent()).toContain(`${lint.errorCount} error`);
      expect(await page.locator('#sites > article').count()).toBe(lint.siteReports.length);

      // The title search: PostgreSQL runs it; DynamoDB cannot evaluate `contains` on a key and would scan.
      const line =
        readFileSync(join(ROOT, 'examples/blog/queries.ts'), 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('searchTitles:')) + 1;
      const site = page.locator('#sites > article', { has: page.getByRole('heading', { name: `examples/blog/queries.ts:${line} Post.findMany` }) });
      expect(await site.count()).toBe(1);
      const expected = lint.findings.filter((f) => f.file === 'examples/blog/queries.ts' && f.line === line);
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.every((f) => f.target === 'dynamodb')).toBe(true);
      const pgPlan = site.getByRole('region', { name: 'postgres plan of Post.findMany' });
      expect(await pgPlan.textContent()).toContain('✔ runs well');
      expect(await pgPlan.locator('ol.ops li').first().textContent()).toMatch(/SELECT/);
      const ddbPlan = site.getByRole('region', { name: 'dynamodb plan of Post.findMany' });
      const ddbText = (await ddbPlan.textContent()) ?? '';
      for (const f of expected) {
        expect(ddbText).toContain(f.code);
        expect(ddbText).toContain(f.message);
        if (f.fix) expect(ddbText).toContain(`fix: ${f.fix}`);
      }

      // Filtering with the keyboard: only the sites with errors stay.
      await page.getByLabel('Show').selectOption('error');
      const errorSites = new Set(
        lint.findings
          .filter((f) => f.severity === 'error' && lint.siteReports.some((r) => r.file === f.file && r.line === f.line))
          .map((f) => `${f.file}:${f.line}:${f.col}`),
      );
      await expect(page.locator('#cap-count').textContent()).resolves.toMatch(new RegExp(`^${page ? errorSites.size : 0} sites? shown`));
      expect(await page.locator('#sites > article:not([hidden])').count()).toBe(errorSites.size);
      await page.getByLabel('Show').selectOption('all');
      await site.scrollIntoViewIfNeeded();
      await shot('capabilities');
    });

    it("edits a row through quern's validation: bad input refused with the ValidationError shown, good input saved", async () => {
      await page.goto(`${studio.url}#/data/user`);
      await page.getByRole('table', { name: /^User: 3 rows/ }).waitFor();
      await page.getByRole('button', { name: `Edit User ${ann.id}` }).click();
      const form = page.getByRole('form', { name: `Edit User ${ann.id}` });
      await form.waitFor();
      // Keys and fields quern keeps itself are not offered.
      expect(await form.getByLabel('id', { exact: true }).count()).toBe(0);
      expect(await form.getByLabel('createdAt').count()).toBe(0);

      await form.getByLabel('age').fill('thirty');
      await form.getByLabel('age').press('Enter');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      // Exactly what quern's own update raises for that value.
      const refused = await db.user.update({ where: { id: ann.id }, data: { age: 'thirty' as never } }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(ValidationError);
      expect(await alert.textContent()).toBe(`ValidationError: ${(refused as ValidationError).message}`);
      expect(await form.getByLabel('age').getAttribute('aria-invalid')).toBe('true');
      expect(await focused()).toMatchObject({ tag: 'INPUT', id: 'edit-age' });
      await shot('data-edit-refused');
      expect(await db.user.findUnique({ where: { id: ann.id } })).toMatchObject({ name: ann.name, age: ann.age });

      await form.getByLabel('age').fill('35');
      await form.getByLabel('name').fill('Ann Lee');
      await form.getByRole('button', { name: 'Save' }).click();
      await page.getByText(`Saved User ${ann.id}.`).waitFor();
      await page.getByRole('cell', { name: 'Ann Lee' }).waitFor();
      expect(await db.user.findUnique({ where: { id: ann.id } })).toMatchObject({ name: 'Ann Lee', age: 35 });
    });

    it('is read-only without --allow-writes: no edit buttons, and the API refuses writes', async () => {
      await page.goto(`${readOnly.url}#/data/user`);
      await page.getByRole('table', { name: /^User: 3 rows/ }).waitFor();
      expect(await page.getByRole('button', { name: /^Edit / }).count()).toBe(0);
      expect(await page.getByText('Read-only: start the studio with --allow-writes to edit rows.').count()).toBe(1);
      const res = await page.evaluate(async () => {
        const r = await fetch('/api/rows/update', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'user', key: {}, data: { name: 'x' } }),
        });
        return { status: r.status, body: await r.json() };
      });
      expect(res).toEqual({ status: 403, body: { error: { name: 'Error', message: 'the studio is read-only; start it with --allow-writes to edit rows' } } });
    });

    it('refuses requests addressed to another host (DNS rebinding) or from another origin', async () => {
      const port = new URL(studio.url).port;
      const status = (headers: Record<string, string>) =>
        new Promise<number>((ok, fail) => {
          const req = request({ host: '127.0.0.1', port, path: '/api/models', headers }, (res) => {
            res.resume();
            ok(res.statusCode ?? 0);
          });
          req.on('error', fail);
          req.end();
        });
      expect(await status({ host: `127.0.0.1:${port}` })).toBe(200);
      expect(await status({ host: `attacker.example:${port}` })).toBe(403);
      expect(await status({ host: `127.0.0.1:${port}`, origin: 'http://attacker.example' })).toBe(403);
    });

    it('shows live query stats from the recorded shapes file, re-read as the app appends', async () => {
      // The title search (refused on DynamoDB) and the lookup by email, as the app would record them.
      const searchLine =
        readFileSync(join(ROOT, 'examples/blog/queries.ts'), 'utf8')
          .split('\n')
          .findIndex((l) => l.includes('searchTitles:')) + 1;
      const post = lint.siteReports.find((r) => r.file === 'examples/blog/queries.ts' && r.line === searchLine && r.shape)!;
      const user = lint.siteReports.find((r) => r.model === 'User' && r.method === 'findUnique' && r.shape)!;
      const refusal = lint.findings.find((f) => f.line === searchLine && f.target === 'dynamodb' && f.severity === 'error')!.code;
      const line = (r: typeof post, ms: number, driver = 'postgres', outcome = 'ok') =>
        JSON.stringify({
          v: 1,
          at: '2026-12-02T09:30:00.000Z',
          driver,
          model: r.modelKey,
          method: r.method,
          shape: r.shape,
          shapeId: 'abc',
          site: `${join(ROOT, r.file)}:${r.line}:${r.col}`,
          durationMs: ms,
          requests: 1,
          rows: 2,
          outcome,
        });
      writeFileSync(shapesFile, [line(post, 2), line(post, 4), line(post, 6, 'dynamodb', refusal), line(user, 1)].join('\n') + '\n');
      await page.goto(`${studio.url}#/stats`);
      const table = page.getByRole('table', { name: 'Queries by call site and shape, most frequent first' });
      await table.waitFor();
      const first = table.locator('tbody tr').first();
      expect(await first.locator('th').textContent()).toBe(`${post.file}:${post.line}`);
      const cells = await first.locator('td').allTextContents();
      expect(cells.slice(0, 7)).toEqual(['Post.findMany', '3', '4.00', '6.00', '3', '6', `ok ×2, ${refusal} ×1`]);
      // The shape's own plan per target: fine on PostgreSQL, refused on DynamoDB.
      expect(cells[7]).toMatch(new RegExp(`^postgres: ✔ · dynamodb: .*${refusal}`));
      // The app records more: the next poll shows it without reloading the page.
      writeFileSync(shapesFile, [line(user, 3), line(user, 5), line(user, 7)].join('\n') + '\n', { flag: 'a' });
      await page.getByRole('button', { name: 'Refresh now' }).click();
      await expect.poll(async () => table.locator('tbody tr').first().locator('td').nth(1).textContent(), { timeout: scaled(20_000) }).toBe('4');
      expect(await table.locator('tbody tr').first().locator('td').first().textContent()).toBe('User.findUnique');
      await shot('stats');
    });
  });
}
