import { Skeleton } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n-context.js';
import { BRAND } from '../theme.js';

export interface ActivityPoint {
  date: string;
  events: number;
}

/** Mean of the last `window` days (fewer at the start), rounded to one decimal. */
export function rollingMean(points: readonly ActivityPoint[], window: number): number[] {
  return points.map((_, i) => {
    const from = Math.max(0, i - window + 1);
    let sum = 0;
    for (let j = from; j <= i; j++) sum += points[j]?.events ?? 0;
    return Math.round((sum / (i - from + 1)) * 10) / 10;
  });
}

type Echarts = typeof import('./echarts-lite.js');

/**
 * Daily activity as bars plus a line. ECharts (several hundred kB) is imported on first use, so
 * the login page and the rest of the console never download it.
 */
export function ActivityChart({
  points,
  height = 280,
}: {
  points: readonly ActivityPoint[];
  height?: number;
}) {
  const { t, locale } = useI18n();
  const host = useRef<HTMLDivElement>(null);
  const [lib, setLib] = useState<Echarts | null>(null);

  useEffect(() => {
    let live = true;
    void import('./echarts-lite.js').then((mod) => {
      if (live) setLib(mod);
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    const element = host.current;
    if (lib === null || element === null) return;
    const chart = lib.echarts.init(element, undefined, {
      renderer: 'canvas',
      locale: locale === 'zh-CN' ? 'ZH' : 'EN',
    });
    const labels = points.map((p) => p.date.slice(5));
    chart.setOption({
      animationDuration: 400,
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      legend: { top: 0, right: 0, data: [t('dashboard.activitySeries'), t('dashboard.activityTrend')] },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: labels, axisTick: { alignWithLabel: true } },
      yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#eef0f4' } } },
      series: [
        {
          name: t('dashboard.activitySeries'),
          type: 'bar',
          data: points.map((p) => p.events),
          itemStyle: { color: '#a9c4f5', borderRadius: [3, 3, 0, 0] },
          barMaxWidth: 28,
        },
        {
          name: t('dashboard.activityTrend'),
          type: 'line',
          data: rollingMean(points, 7),
          itemStyle: { color: BRAND },
          lineStyle: { width: 2 },
          symbolSize: 6,
        },
      ],
    });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [lib, points, t, locale]);

  return (
    <div style={{ position: 'relative', height }}>
      {lib === null && (
        <Skeleton active paragraph={{ rows: 5 }} title={false} aria-label={t('dashboard.chartLoading')} />
      )}
      <div
        ref={host}
        role="img"
        aria-label={t('dashboard.activity')}
        style={{ position: 'absolute', inset: 0, visibility: lib === null ? 'hidden' : 'visible' }}
      />
    </div>
  );
}
