import { useEffect, useRef, useState } from 'react';
import { caseApi } from './case-api.js';

export type CaseChange = 'timeline' | 'graph' | 'requests' | 'tasks';
export type LiveMode = 'connecting' | 'live' | 'polling';

const POLL_MS = 5000;

/**
 * Tells the case page what changed: Server-Sent Events from GET /api/cases/:id/events (`event: case`,
 * data `{ kind }`), or — when the stream fails or the endpoint is missing — every kind every 5 s.
 */
export function useCaseEvents(caseId: number, onChange: (kinds: readonly CaseChange[]) => void): LiveMode {
  const [mode, setMode] = useState<LiveMode>('connecting');
  const handler = useRef(onChange);
  handler.current = onChange;

  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const poll = () => {
      if (timer !== undefined) return;
      setMode('polling');
      timer = setInterval(() => handler.current(['timeline', 'graph', 'requests', 'tasks']), POLL_MS);
    };
    if (typeof EventSource === 'undefined') {
      poll();
      return () => clearInterval(timer);
    }
    const source = new EventSource(caseApi.eventsUrl(caseId), { withCredentials: true });
    source.onopen = () => setMode('live');
    source.addEventListener('case', (event) => {
      let kind: unknown;
      try {
        kind = (JSON.parse((event as MessageEvent<string>).data) as { kind?: unknown }).kind;
      } catch {
        kind = undefined;
      }
      const known: CaseChange[] = ['timeline', 'graph', 'requests', 'tasks'];
      handler.current(known.includes(kind as CaseChange) ? [kind as CaseChange] : known);
    });
    source.onerror = () => {
      // A 404, a proxy that buffers, a dropped connection: polling always works.
      source.close();
      poll();
    };
    return () => {
      source.close();
      clearInterval(timer);
    };
  }, [caseId]);

  return mode;
}
