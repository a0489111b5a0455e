/** NATS JetStream for the tests that spread work over processes (required on CI, where .ci/run starts it). */
import { connect } from 'nats';

export const NATS_URL = process.env['LEVEE_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';

async function available(): Promise<boolean> {
  try {
    const nc = await connect({ servers: NATS_URL, timeout: 2000, reconnect: false });
    await nc.jetstreamManager();
    await nc.close();
    return true;
  } catch (error) {
    if (process.env['CI'])
      throw new Error(
        `NATS JetStream is required on CI but ${NATS_URL} does not answer: ${(error as Error).message}`,
      );
    console.warn(`NATS not reachable at ${NATS_URL}: the JetStream tests are skipped`);
    return false;
  }
}

export const hasNats = await available();

export async function deleteStream(stream: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  try {
    await (await nc.jetstreamManager()).streams.delete(stream);
  } catch {
    // already gone
  } finally {
    await nc.close();
  }
}
