/**
 * Spreading gateway work over processes with NATS JetStream. When the outbox commits, the process
 * that wrote it publishes the request ids to a work-queue stream; `levee gateway worker` processes
 * share one durable pull consumer, lease each request in the database and send it. JetStream
 * redelivers a message whose worker died before acknowledging it; the database lease and the
 * idempotency key make the resend harmless. Every worker also polls the outbox (retries that are
 * due, messages that were never published), so JetStream is the fast path, never the only one.
 *
 * One message carries the ids one commit enqueued (comma-separated, at most `IDS_PER_MESSAGE`):
 * one publish, one delivery and one acknowledgement per commit instead of per request, and the
 * requests of one commit reach one worker together, which leases them with one statement.
 */
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  type NatsConnection,
  RetentionPolicy,
  StorageType,
  StringCodec,
} from 'nats';
import type { Logger } from '../core/logger.js';
import type { Dispatcher } from './dispatcher.js';
import type { GatewayService } from './gateway.service.js';

/** Stream, subject and durable consumer of one Levee installation (LEVEE_NATS_STREAM). */
export function names(stream: string) {
  return { stream, subject: `${stream.toLowerCase()}.work`, consumer: `${stream}-workers` };
}

const codec = StringCodec();

/**
 * Ids per message: a commit's requests travel together, and a large commit is still split so that
 * several workers share it.
 */
export const IDS_PER_MESSAGE = 16;

/** The message bodies for ids enqueued together. */
export function encodeIds(ids: readonly number[]): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_MESSAGE)
    bodies.push(ids.slice(i, i + IDS_PER_MESSAGE).join(','));
  return bodies;
}

/** The ids of one message ("17" from an older publisher, or "17,18,19"); anything else is skipped. */
export function decodeIds(body: string): number[] {
  return body
    .split(',')
    .map(Number)
    .filter((id) => Number.isSafeInteger(id) && id > 0);
}

async function ensureStream(nc: NatsConnection, stream: string): Promise<void> {
  const { subject, consumer } = names(stream);
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info(stream);
  } catch {
    await jsm.streams.add({
      name: stream,
      subjects: [subject],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      max_age: 7 * 24 * 3600 * 1e9,
    });
  }
  try {
    await jsm.consumers.info(stream, consumer);
  } catch {
    await jsm.consumers.add(stream, {
      durable_name: consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: 30 * 1e9,
      max_deliver: -1,
    });
  }
}

/** The publishing side, in every process that enqueues (the API). */
export class JetStreamPublisher {
  private constructor(private readonly nc: NatsConnection) {}

  static async connect(
    url: string,
    stream: string,
    gateway: GatewayService,
    logger: Logger,
  ): Promise<JetStreamPublisher> {
    const nc = await connect({ servers: url, name: `levee-api-${process.pid}` });
    await ensureStream(nc, stream);
    const { subject } = names(stream);
    const publisher = new JetStreamPublisher(nc);
    const js = nc.jetstream();
    gateway.onEnqueued((ids) => {
      for (const body of encodeIds(ids)) {
        js.publish(subject, codec.encode(body)).catch((error) =>
          logger.warn(
            { err: error, ids: body },
            'publishing gateway work failed; the workers will find it by polling',
          ),
        );
      }
    });
    return publisher;
  }

  async close(): Promise<void> {
    await this.nc.drain();
  }
}

/** The working side: `levee gateway worker`. */
export class JetStreamWorker {
  private stopped = false;
  private constructor(
    private readonly nc: NatsConnection,
    private readonly loop: Promise<void>,
  ) {}

  static async start(
    url: string,
    stream: string,
    dispatcher: Dispatcher,
    logger: Logger,
    concurrency = 64,
  ): Promise<JetStreamWorker> {
    const nc = await connect({ servers: url, name: `levee-gateway-worker-${process.pid}` });
    await ensureStream(nc, stream);
    const consumer = await nc.jetstream().consumers.get(stream, names(stream).consumer);
    const messages = await consumer.consume({ max_messages: concurrency });
    const inFlight = new Set<Promise<void>>();
    const loop = (async () => {
      for await (const message of messages) {
        const ids = decodeIds(codec.decode(message.data));
        // Acknowledged once every id in it is sent or found taken; any failure redelivers all of
        // it (the ids already sent are no longer due and are skipped).
        const work = Promise.all(ids.map((id) => dispatcher.processById(id)))
          .then(() => message.ack())
          .catch((error) => {
            logger.error({ err: error, ids }, 'gateway worker failed; the message will be redelivered');
            message.nak(1000);
          })
          .finally(() => inFlight.delete(work));
        inFlight.add(work);
        if (inFlight.size >= concurrency) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    })();
    return new JetStreamWorker(nc, loop);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.nc.drain();
    await this.loop;
  }
}
