/**
 * The dashboard and the inspector: static files from the project's `web/` folder (hand-written ES
 * modules, no build step, no CDN: they work offline) and the chart library from the installed
 * package, under `/assets/`. `/` is the page; views are hash routes (`#/symbol/<id>`,
 * `#/inspector/<actor>`). Only known file types are served, and only from inside those folders.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ApiErrors, sendError } from '../errors.ts';

const WEB_DIR = resolve(import.meta.dirname, '../../../web');
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Third-party files the pages load, by the name they are served under. */
function vendorFiles(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const uplot = dirname(require.resolve('uplot/package.json'));
  return { 'uPlot.esm.js': join(uplot, 'dist', 'uPlot.esm.js'), 'uPlot.min.css': join(uplot, 'dist', 'uPlot.min.css') };
}

/** Returns the path under `root` that `rel` names, or undefined when it leaves it. */
function inside(root: string, rel: string): string | undefined {
  const p = normalize(join(root, rel));
  return p.startsWith(root + sep) ? p : undefined;
}

/** Returns the plugin serving the web pages. */
export function webRoutes(): FastifyPluginAsync {
  const vendor = vendorFiles();
  return async (app: FastifyInstance) => {
    const send = async (reply: import('fastify').FastifyReply, path: string | undefined) => {
      const type = path && TYPES[extname(path)];
      if (!path || !type) return sendError(reply, ApiErrors.notFound, 'no such file');
      try {
        const body = await readFile(path);
        return reply.header('content-type', type).header('cache-control', 'no-cache').send(body);
      } catch {
        return sendError(reply, ApiErrors.notFound, 'no such file');
      }
    };
    app.get('/', async (_request, reply) => send(reply, join(WEB_DIR, 'index.html')));
    app.get('/assets/vendor/:file', async (request, reply) => send(reply, vendor[(request.params as { file: string }).file]));
    app.get('/assets/*', async (request, reply) => send(reply, inside(WEB_DIR, (request.params as { '*': string })['*'])));
  };
}
