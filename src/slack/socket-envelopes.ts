/** Socket Mode envelopes handed to Bolt's pipeline, each acknowledged on the socket it came by, retries not worked on again. */
import type { App, ReceiverEvent } from '@slack/bolt';
import { RequestRefusedError, toPatchbotError } from '../errors';
import type { Logger } from '../logger';
import type { SlackFirst } from '../shared/slack-first';
import type { Envelope, SocketConnection } from './socket-connection';
import { EnvelopeMemory, envelopeKeys } from './socket-dedup';

/** Works on the envelopes of a receiver's sockets through the app's one listener pipeline (`app.processEvent`). */
export class EnvelopeHandler {
  private readonly memory = new EnvelopeMemory();

  /**
   * `app` gives Bolt once it has initialised the receiver; `conns` are the receiver's sockets (for acks);
   * `slackFirst` hears of each envelope until it is acknowledged.
   */
  constructor(
    private readonly app: () => App | undefined,
    private readonly conns: ReadonlySet<SocketConnection>,
    private readonly log: Logger,
    private readonly slackFirst?: SlackFirst,
  ) {}

  /** Hands an envelope to Bolt with an ack that answers on this socket; a retry of one seen is not worked on again. */
  async handle(conn: SocketConnection, envelope: Envelope): Promise<void> {
    const keys = envelopeKeys(envelope);
    const seen = this.memory.admit(keys);
    if (seen) {
      this.log.info(
        {
          envelopeId: envelope.envelope_id,
          type: envelope.type,
          retry: envelope.retry_attempt,
          reason: envelope.retry_reason,
        },
        'retried envelope not worked on again',
      );
      if (seen.ack) this.sendAck(conn, envelope.envelope_id, seen.ack.payload);
      return;
    }
    conn.unacked += 1;
    const answered = this.slackFirst?.arrived();
    let acked = false;
    const settle = () => {
      if (!acked) conn.unacked -= 1;
      acked = true;
      answered?.();
    };
    const event: ReceiverEvent = {
      body: envelope.payload,
      ack: async (response?: unknown) => {
        if (acked) return;
        const payload = typeof response === 'string' ? { text: response } : response;
        settle();
        this.memory.acked(keys, payload);
        this.sendAck(conn, envelope.envelope_id, payload);
      },
      ...(envelope.retry_attempt ? { retryNum: envelope.retry_attempt } : {}),
      ...(envelope.retry_reason ? { retryReason: envelope.retry_reason } : {}),
      customProperties: {},
    };
    try {
      const app = this.app();
      if (!app) throw new Error('Socket Mode receiver used before Bolt initialised it');
      await app.processEvent(event);
    } catch (err) {
      // A refusal was logged by the guard and stays unacknowledged (Slack shows the user an error), as any failure before the ack.
      if (!(unwrap(err) instanceof RequestRefusedError))
        this.log.error(
          { err: toPatchbotError(err), envelopeId: envelope.envelope_id, type: envelope.type },
          'Socket Mode envelope failed',
        );
    } finally {
      settle();
    }
  }

  /** Acks on the socket the envelope came by; if that one is gone, on any open one. */
  private sendAck(conn: SocketConnection, envelopeId: string, payload: unknown): void {
    const message = payload === undefined ? { envelope_id: envelopeId } : { envelope_id: envelopeId, payload };
    if (conn.send(message)) return;
    for (const other of this.conns) if (other.send(message)) return;
    this.log.warn({ envelopeId }, 'no open socket to acknowledge an envelope on; Slack will retry it');
  }
}

function unwrap(err: unknown): unknown {
  const original = (err as { original?: unknown } | undefined)?.original;
  return original ?? err;
}
