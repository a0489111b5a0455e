/**
 * Live case updates for the console: services publish "something of kind K changed in case C"
 * after their transaction commits; the SSE route relays it and the console re-fetches. In-process
 * here; when work is spread over processes the gateway relays its notices through NATS into this
 * bus, so the console of any process hears about every case.
 */
import { EventEmitter } from 'node:events';

export type CaseChange = 'timeline' | 'graph' | 'requests' | 'tasks';

export interface CaseNotice {
  readonly caseId: number;
  readonly kind: CaseChange;
  readonly at: string;
}

export class CaseEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open console tab: no leak warning at a busy centre.
    this.emitter.setMaxListeners(0);
  }

  publish(caseId: number, ...kinds: CaseChange[]): void {
    const at = new Date().toISOString();
    for (const kind of kinds) this.emitter.emit('notice', { caseId, kind, at } satisfies CaseNotice);
  }

  subscribe(caseIds: ReadonlySet<number>, listener: (notice: CaseNotice) => void): () => void {
    const filtered = (notice: CaseNotice) => {
      if (caseIds.has(notice.caseId)) listener(notice);
    };
    this.emitter.on('notice', filtered);
    return () => this.emitter.off('notice', filtered);
  }
}
