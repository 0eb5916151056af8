/**
 * The stand-in's state in one place: the workspace, its messages, what was recorded, knobs and
 * faults. The Web API, the response_url host, the driver and the UI all act on this.
 */
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import { DEFAULT_KNOBS, mergeKnobs, type KnobChanges, type SlackKnobs } from './knobs';
import { FileStore } from './files';
import { MessageStore } from './messages';
import { ModalStore } from './modals';
import { HomeTabStore } from './home-tabs';
import { FaultPlan, RateLimiter } from './rate-limit';
import { TriggerRegistry } from './triggers';
import type { CallRecord, ResponseRecord } from './types';
import { Workspace } from './workspace';
import type { SocketModeHub } from './socket-hub';
import type { WorkspaceSeed } from './seed';

/** Fixed settings of one stand-in. */
export interface StandInSettings {
  signingSecret: string;
  botToken: string;
  clock: Clock;
  logger: Logger;
}

/** The mutable state every part of the stand-in shares. */
export class StandInContext {
  readonly workspace: Workspace;
  readonly messages: MessageStore;
  readonly files: FileStore;
  readonly modals: ModalStore;
  /** Each user's Home tab (views.publish). */
  readonly homes: HomeTabStore;
  readonly triggers: TriggerRegistry;
  readonly faults = new FaultPlan();
  readonly limiter = new RateLimiter();
  readonly calls: CallRecord[] = [];
  readonly responses: ResponseRecord[] = [];
  knobs: SlackKnobs = DEFAULT_KNOBS;
  /** The stand-in's own base URL, once it listens. */
  baseUrl = '';
  /** The upload host's base URL (files.getUploadURLExternal's upload_url), once it listens. */
  uploadUrl = '';
  /** Where slash commands and interactions go (Bolt's `/slack/events`). */
  botEventsUrl: string | undefined;
  /** Socket Mode (the stand-in was given an app-level token): requests go over the app's WebSocket, not to botEventsUrl. */
  socket: SocketModeHub | undefined;

  constructor(
    readonly settings: StandInSettings,
    seed: WorkspaceSeed,
  ) {
    this.workspace = new Workspace(seed);
    this.messages = new MessageStore(settings.clock);
    this.files = new FileStore(settings.clock);
    this.modals = new ModalStore(settings.clock);
    this.homes = new HomeTabStore(settings.clock);
    this.triggers = new TriggerRegistry(settings.clock, () => this.knobs.triggerTtlMs);
  }

  /** The injected clock. */
  get clock(): Clock {
    return this.settings.clock;
  }

  /** The logger. */
  get logger(): Logger {
    return this.settings.logger;
  }

  /** Keeps a call record, dropping the oldest past the record limit. */
  recordCall(record: CallRecord): void {
    this.calls.push(record);
    if (this.calls.length > this.knobs.recordLimit) this.calls.splice(0, this.calls.length - this.knobs.recordLimit);
  }

  /** Keeps a response_url record, dropping the oldest past the record limit. */
  recordResponse(record: ResponseRecord): void {
    this.responses.push(record);
    if (this.responses.length > this.knobs.recordLimit)
      this.responses.splice(0, this.responses.length - this.knobs.recordLimit);
  }

  /** Changes knobs. */
  configure(changes: KnobChanges): SlackKnobs {
    this.knobs = mergeKnobs(this.knobs, changes);
    return this.knobs;
  }

  /** Back to a fresh workspace: no messages, records, faults or limits; default knobs; seed membership. */
  reset(): void {
    this.workspace.reset();
    this.messages.clear();
    this.files.clear();
    this.modals.clear();
    this.homes.clear();
    this.triggers.clear();
    this.faults.clear();
    this.limiter.clear();
    this.calls.length = 0;
    this.responses.length = 0;
    this.knobs = DEFAULT_KNOBS;
    this.socket?.reset();
  }
}
