import { CompressOutlined } from '@ant-design/icons';
import { Button, Skeleton, Space, Tooltip } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n-context.js';
import { BRAND_DARK } from '../theme.js';
import type { FlowModel, FlowNode } from './graph-model.js';
import { shapeOf, stateCounts } from './graph-model.js';
import { ACCOUNT_STATES, codeLabel, STATE_COLOURS } from './labels.js';
import { formatYuan } from './money.js';

type G6 = typeof import('./g6-lite.js');
type GraphInstance = InstanceType<G6['Graph']>;

const NODE_W = 176;
const NODE_H = 56;
const SR_ONLY: React.CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

function colours(node: FlowNode) {
  if (node.kind === 'victim') return { fill: BRAND_DARK, stroke: BRAND_DARK, text: '#ffffff' };
  const c = STATE_COLOURS[node.state] ?? STATE_COLOURS['new'];
  return { fill: c?.fill ?? '#f5f5f5', stroke: c?.stroke ?? '#8c8c8c', text: '#1f2a3d' };
}

/** Edge width grows with the amount (log scale), so the big flows stand out. */
function edgeWidth(amount: number, max: number): number {
  if (max <= 0) return 1.5;
  return 1.2 + 3 * (Math.log10(1 + amount) / Math.log10(1 + max));
}

/**
 * The money-flow graph: AntV G6 (lazy chunk), dagre left to right — every transfer goes from level n
 * to n + 1, so dagre's ranks are the levels (victims, level-1 accounts, …) — amounts
 * on edges, accounts coloured by state, sinks as ellipses. A visually hidden list says the same for
 * screen readers; the legend under the canvas counts accounts by state.
 */
export function MoneyFlowGraph({
  model,
  onSelect,
  height = 480,
}: {
  model: FlowModel;
  onSelect(key: string): void;
  height?: number;
}) {
  const { t } = useI18n();
  const host = useRef<HTMLDivElement>(null);
  const graphRef = useRef<GraphInstance | null>(null);
  const selectRef = useRef(onSelect);
  selectRef.current = onSelect;
  const [lib, setLib] = useState<G6 | null>(null);
  const [drawn, setDrawn] = useState(false);
  /** The nodes and edges the current layout was made for (see shapeOf). */
  const drawnShape = useRef<string | null>(null);

  useEffect(() => {
    let live = true;
    void import('./g6-lite.js').then((mod) => {
      if (live) setLib(mod);
    });
    return () => {
      live = false;
    };
  }, []);

  // One Graph for the life of the component; data changes go through setData + render.
  useEffect(() => {
    const element = host.current;
    if (lib === null || element === null) return;
    const graph = new lib.Graph({
      container: element,
      autoResize: true,
      animation: false,
      padding: 24,
      zoomRange: [0.2, 2.5],
      behaviors: [
        'drag-canvas',
        {
          type: 'zoom-canvas',
          enable: (event: { ctrlKey?: boolean; metaKey?: boolean }) => !!(event.ctrlKey || event.metaKey),
        },
      ],
    });
    graph.on(lib.NodeEvent.CLICK, (event) => {
      const id = (event as { target?: { id?: unknown } }).target?.id;
      if (typeof id === 'string') selectRef.current(id);
    });
    graphRef.current = graph;
    return () => {
      graphRef.current = null;
      drawnShape.current = null;
      graph.destroy();
    };
  }, [lib]);

  useEffect(() => {
    const graph = graphRef.current;
    if (graph === null || lib === null) return;
    const maxAmount = model.edges.reduce((m, e) => Math.max(m, e.amount), 0);
    graph.setOptions({
      layout: {
        type: 'antv-dagre',
        rankdir: 'LR',
        nodesep: 16,
        ranksep: 110,
        nodeSize: [NODE_W, NODE_H],
      },
      node: {
        type: (d: { data?: { sink?: unknown } }) => (d.data?.sink ? 'ellipse' : 'rect'),
        style: {
          size: [NODE_W, NODE_H],
          radius: 8,
          cursor: 'pointer',
          fill: (d: { data?: { fill?: string } }) => d.data?.fill ?? '#fff',
          stroke: (d: { data?: { stroke?: string } }) => d.data?.stroke ?? '#999',
          lineWidth: (d: { data?: { sink?: unknown } }) => (d.data?.sink ? 2.5 : 1.5),
          lineDash: (d: { data?: { excluded?: boolean } }) => (d.data?.excluded ? [4, 3] : 0),
          // Accounts the victims' money never reached under any rule are context: drawn faded.
          opacity: (d: { data?: { faded?: boolean } }) => (d.data?.faded ? 0.55 : 1),
          labelText: (d: { data?: { label?: string } }) => d.data?.label ?? '',
          labelPlacement: 'center',
          labelFontSize: 12,
          labelLineHeight: 16,
          labelFill: (d: { data?: { text?: string } }) => d.data?.text ?? '#1f2a3d',
          labelTextAlign: 'center',
          labelFontFamily: 'inherit',
        },
      },
      edge: {
        type: 'cubic-horizontal',
        style: {
          stroke: '#9aa5b8',
          lineWidth: (d: { data?: { width?: number } }) => d.data?.width ?? 1.5,
          endArrow: true,
          endArrowSize: 8,
          labelText: (d: { data?: { label?: string } }) => d.data?.label ?? '',
          labelFontSize: 11,
          labelFill: '#30384a',
          labelBackground: true,
          labelBackgroundFill: '#ffffff',
          labelBackgroundOpacity: 0.92,
          labelBackgroundRadius: 3,
          labelPadding: [1, 4],
        },
      },
    });
    const data = {
      nodes: model.nodes.map((n) => {
        const c = colours(n);
        const stateText =
          n.kind === 'victim'
            ? t('graph.sent', { amount: formatYuan(n.amount) })
            : n.sink
              ? codeLabel(t, 'sink', n.sink)
              : codeLabel(t, 'accountState', n.state);
        return {
          id: n.id,
          data: {
            label:
              n.kind === 'victim' ? `${n.title}\n${stateText}` : `${n.title}\n${n.subtitle}\n${stateText}`,
            fill: c.fill,
            stroke: c.stroke,
            text: c.text,
            sink: n.sink,
            excluded: n.state === 'excluded',
            faded: n.account?.reached === false,
          },
        };
      }),
      edges: model.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        data: { label: formatYuan(e.amount), width: edgeWidth(e.amount, maxAmount) },
      })),
    };
    // Events during a live chase mostly change states and amounts, not who paid whom: then the
    // drawing is updated in place (no new layout, the user's pan and zoom kept). Only a new account
    // or transfer lays the graph out again.
    const shape = shapeOf(model);
    if (drawnShape.current === shape) {
      graph.updateNodeData(data.nodes);
      graph.updateEdgeData(data.edges);
      void graph.draw().catch(() => {
        // destroyed meanwhile: nothing to draw
      });
      return;
    }
    graph.setData(data);
    let live = true;
    void graph
      .render()
      .then(async () => {
        if (!live) return;
        await graph.fitView({ when: 'overflow', direction: 'both' });
        await graph.fitCenter();
        drawnShape.current = shape;
        setDrawn(true);
      })
      .catch(() => {
        // A destroyed graph (navigation during layout) rejects; nothing to draw any more.
      });
    return () => {
      live = false;
    };
  }, [model, lib, t]);

  const counts = stateCounts(model);
  const victims = model.nodes.filter((n) => n.kind === 'victim');
  const accounts = model.nodes.filter((n) => n.kind === 'account');

  return (
    <div>
      <div
        style={{
          position: 'relative',
          height,
          border: '1px solid #e5e8ef',
          borderRadius: 8,
          background: '#fbfcfe',
        }}
      >
        {(lib === null || !drawn) && (
          <div style={{ position: 'absolute', inset: 24 }}>
            <Skeleton active paragraph={{ rows: 6 }} title={false} aria-label={t('graph.loading')} />
          </div>
        )}
        <div
          ref={host}
          role="img"
          aria-label={t('graph.title')}
          data-testid="money-flow-canvas"
          style={{ position: 'absolute', inset: 0, visibility: drawn ? 'visible' : 'hidden' }}
        />
        <Space style={{ position: 'absolute', top: 8, right: 8 }}>
          <Tooltip title={t('graph.fit')}>
            <Button
              size="small"
              icon={<CompressOutlined />}
              aria-label={t('graph.fit')}
              onClick={() => void graphRef.current?.fitView()}
            />
          </Tooltip>
        </Space>
      </div>
      <ul
        style={{
          display: 'flex',
          flexWrap: 'wrap',
          gap: '6px 16px',
          alignItems: 'center',
          margin: '10px 0 0',
          padding: 0,
          listStyle: 'none',
          fontSize: 12,
        }}
        aria-label={t('graph.legend')}
      >
        <LegendItem fill={BRAND_DARK} stroke={BRAND_DARK} label={t('graph.victim')} count={victims.length} />
        {ACCOUNT_STATES.map((state) => (
          <LegendItem
            key={state}
            fill={STATE_COLOURS[state]?.fill ?? '#fff'}
            stroke={STATE_COLOURS[state]?.stroke ?? '#999'}
            label={codeLabel(t, 'accountState', state)}
            count={counts.get(state) ?? 0}
          />
        ))}
        <LegendItem fill="#ffffff" stroke="#30384a" label={t('graph.sinkShape')} ellipse />
        <li style={{ color: '#8a94a6' }}>{t('graph.hint')}</li>
      </ul>
      <ul aria-label={t('graph.nodeList')} style={SR_ONLY}>
        {victims.map((n) => (
          <li key={n.id}>{t('graph.srVictim', { name: n.title, amount: formatYuan(n.amount) })}</li>
        ))}
        {accounts.map((n) => (
          <li key={n.id}>
            {t('graph.srAccount', {
              level: n.level,
              holder: n.title,
              account: n.subtitle,
              state: n.sink ? codeLabel(t, 'sink', n.sink) : codeLabel(t, 'accountState', n.state),
              received: formatYuan(
                model.edges.filter((e) => e.target === n.id).reduce((s, e) => s + e.amount, 0),
              ),
            })}
          </li>
        ))}
      </ul>
    </div>
  );
}

function LegendItem({
  fill,
  stroke,
  label,
  count,
  ellipse = false,
}: {
  fill: string;
  stroke: string;
  label: string;
  count?: number;
  ellipse?: boolean;
}) {
  return (
    <li style={{ display: 'inline-flex', alignItems: 'center', gap: 6 }}>
      <span
        aria-hidden
        style={{
          width: ellipse ? 22 : 14,
          height: 12,
          background: fill,
          border: `${ellipse ? 2 : 1.5}px solid ${stroke}`,
          borderRadius: ellipse ? '50%' : 3,
          display: 'inline-block',
        }}
      />
      <span>
        {label}
        {count !== undefined && <span style={{ color: '#8a94a6' }}> {count}</span>}
      </span>
    </li>
  );
}
