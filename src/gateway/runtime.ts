/**
 * Starting the gateway in a process. Without NATS the API process sends its own outbox (one
 * process does everything, the embedded default). With LEVEE_NATS_URL the API publishes work to
 * JetStream and `levee gateway worker` processes send it; LEVEE_GATEWAY_DISPATCH=true makes the
 * API process dispatch as well.
 */
import type { LeveeContext } from '../context.js';
import { Dispatcher, type DispatcherOptions } from './dispatcher.js';
import { JetStreamPublisher, JetStreamWorker } from './jetstream.js';

export interface GatewayRuntime {
  readonly dispatcher: Dispatcher | undefined;
  stop(): Promise<void>;
}

export async function startGateway(
  ctx: LeveeContext,
  options: DispatcherOptions = {},
): Promise<GatewayRuntime> {
  const { config, logger } = ctx;
  const publisher = config.natsUrl
    ? await JetStreamPublisher.connect(config.natsUrl, config.natsStream, ctx.gateway, logger)
    : undefined;
  const dispatch = config.gatewayDispatch === 'auto' ? !config.natsUrl : config.gatewayDispatch === 'true';
  const dispatcher = dispatch
    ? new Dispatcher(ctx.store.db, ctx.store.capabilities, ctx.gateway, ctx.clock, logger, options)
    : undefined;
  dispatcher?.start();
  logger.info({ nats: Boolean(publisher), dispatcher: Boolean(dispatcher) }, 'gateway started');
  return {
    dispatcher,
    stop: async () => {
      await dispatcher?.stop();
      await publisher?.close();
    },
  };
}

/** `levee gateway worker`: dispatch from JetStream (when configured) and from the outbox. */
export async function startWorker(
  ctx: LeveeContext,
  options: DispatcherOptions = {},
): Promise<GatewayRuntime> {
  const dispatcher = new Dispatcher(
    ctx.store.db,
    ctx.store.capabilities,
    ctx.gateway,
    ctx.clock,
    ctx.logger,
    options,
  );
  dispatcher.start();
  const worker = ctx.config.natsUrl
    ? await JetStreamWorker.start(ctx.config.natsUrl, ctx.config.natsStream, dispatcher, ctx.logger)
    : undefined;
  ctx.logger.info({ owner: dispatcher.owner, nats: Boolean(worker) }, 'gateway worker started');
  return {
    dispatcher,
    stop: async () => {
      await worker?.stop();
      await dispatcher.stop();
    },
  };
}
