import { Empty, Timeline, Typography } from 'antd';
import type { CaseEvent } from '../api/types.js';
import { useI18n } from '../i18n/i18n-context.js';
import { formatCaseTime } from './case-format.js';
import { codeKey } from './labels.js';

/** Colour by what happened: red for failures, green for money held, blue for the rest. */
function colour(kind: string): string {
  if (/fail|error|dead|expired|rejected/.test(kind)) return 'red';
  if (/executed|frozen|stop-paid|held|task\.completed/.test(kind)) return 'green';
  if (/automation|excluded|paused|task\.(declined|cancelled|rescheduled)/.test(kind)) return 'orange';
  return 'blue';
}

/** The case's history, newest first. Summaries are written by the server (in Chinese). */
export function CaseTimeline({ events }: { events: readonly CaseEvent[] | undefined }) {
  const { t, locale } = useI18n();
  if (events === undefined) return null;
  if (events.length === 0)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('timeline.empty')} />;
  const newestFirst = [...events].sort((a, b) => b.id - a.id);
  return (
    <section aria-label={t('timeline.title')}>
      <Timeline
        items={newestFirst.map((e) => {
          // "answer.freeze.rejected": the answer's own label, marked as a refusal.
          const refused = e.kind.endsWith('.rejected');
          const key = codeKey('event', refused ? e.kind.slice(0, -'.rejected'.length) : e.kind);
          return {
            key: e.id,
            color: colour(e.kind),
            title: (
              <Typography.Text type="secondary" style={{ fontSize: 12, fontVariantNumeric: 'tabular-nums' }}>
                {formatCaseTime(e.at, locale, true)}
              </Typography.Text>
            ),
            content: (
              <div>
                <Typography.Text strong>
                  {key === undefined ? e.kind : t(key)}
                  {refused && key !== undefined ? t('timeline.rejected') : ''}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 12 }}>
                  {e.actor}
                </Typography.Text>
                <div>{e.summary}</div>
              </div>
            ),
          };
        })}
      />
    </section>
  );
}
