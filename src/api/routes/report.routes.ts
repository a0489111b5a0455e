import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LeveeContext } from '../../context.js';
import { FundReportService } from '../../services/fund-report.service.js';
import { IdParams } from '../schemas.js';
import { actorOf } from '../session-guard.js';

type IdP = Static<typeof IdParams>;
const ReportQuery = Type.Object(
  {
    rule: Type.Optional(
      Type.Union(
        [Type.Literal('fifo'), Type.Literal('lifo'), Type.Literal('libr'), Type.Literal('prorata')],
        {
          default: 'libr',
        },
      ),
    ),
    format: Type.Optional(
      Type.Union([Type.Literal('json'), Type.Literal('pdf'), Type.Literal('xlsx')], { default: 'json' }),
    ),
    base: Type.Optional(Type.Union([Type.Literal('loss'), Type.Literal('traced')], { default: 'loss' })),
  },
  { additionalProperties: false },
);

export async function reportRoutes(app: FastifyInstance, { ctx }: { ctx: LeveeContext }) {
  const reports = new FundReportService(ctx.store.db, ctx.audit, ctx.cases, ctx.clock);

  app.get('/api/cases/:id/report', {
    schema: {
      tags: ['tracing'],
      summary:
        'The fund analysis report (levee.fund-report/1) of the case and its linked cases under a rule: JSON, or a PDF/XLSX download',
      params: IdParams,
      querystring: ReportQuery,
      response: {
        200: Type.Unknown({
          description:
            'format=json: the levee.fund-report/1 document (docs/fund-report.md); format=pdf or xlsx: the file, as an attachment',
        }),
      },
    },
    handler: async (request, reply) => {
      const q = request.query as Static<typeof ReportQuery>;
      const out = await reports.export(actorOf(request), (request.params as IdP).id, {
        rule: q.rule ?? 'libr',
        format: q.format ?? 'json',
        base: q.base ?? 'loss',
      });
      reply.header('content-type', out.contentType);
      if (out.format !== 'json')
        reply.header(
          'content-disposition',
          `attachment; filename="${out.filename}"; filename*=UTF-8''${encodeURIComponent(out.filenameZh)}`,
        );
      return out.body;
    },
  });
}
