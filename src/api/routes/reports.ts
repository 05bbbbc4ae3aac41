/**
 * The written reports (`<data-dir>/reports/`): GET /api/reports lists them, GET /api/reports/:name
 * answers one's JSON and GET /api/reports/:name.html its page. A name that is not `<kind>-<period>`
 * (letters, digits, `_`, `-`) is refused with 400 before any file is touched, so `../` cannot
 * leave the folder; a valid name with no report is a 404.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { listReports, readReportFile, REPORT_NAME } from '../../reports/writer.ts';
import type { AppDeps } from '../app.ts';
import { ApiErrors, sendError } from '../errors.ts';

/** The page may use its own inline styles and nothing else (no script, no fetch, no external file). */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** Returns the plugin with GET /api/reports and GET /api/reports/:name[.html|.json]. */
export function reportRoutes(deps: Pick<AppDeps, 'dataDir'>): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.get('/api/reports', async () => {
      if (!deps.dataDir) return [];
      return listReports(deps.dataDir).map((e) => ({
        ...e,
        json: `/api/reports/${e.name}`,
        ...(e.html ? { page: `/api/reports/${e.name}.html` } : {}),
      }));
    });

    app.get('/api/reports/:name', async (request, reply) => {
      const raw = (request.params as { name: string }).name;
      const format = raw.endsWith('.html') ? 'html' : 'json';
      const name = raw.replace(/\.(html|json)$/, '');
      if (!REPORT_NAME.test(name)) {
        return sendError(reply, ApiErrors.badRequest, `invalid report name ${JSON.stringify(raw)}: expected <kind>-<period>[.html] of letters, digits, "_" and "-" (see GET /api/reports)`);
      }
      if (!deps.dataDir) return sendError(reply, ApiErrors.notFound, 'no data dir: no reports are written');
      const text = readReportFile(deps.dataDir, name, format);
      if (text === undefined) return sendError(reply, ApiErrors.notFound, `no report ${name}${format === 'html' ? ' page' : ''} (see GET /api/reports for those written)`);
      if (format === 'html') return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(text);
      return reply.type('application/json; charset=utf-8').send(text);
    });
  };
}
