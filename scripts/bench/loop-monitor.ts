/**
 * What a benchmark process spent since the last reset: CPU time, how late its event loop ran, and
 * its garbage-collection pauses. Shows how much work a receiver did while its acknowledgements were
 * being timed, and whether its own loop or GC held them up.
 */
import { subscribe } from 'node:diagnostics_channel';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { latency, type Latency } from './stats';

/** CPU time, event-loop delay and GC pauses since the last reset, in ms. */
export interface LoopFigures {
  /** User + system CPU time of the process. */
  cpuMs: number;
  /** How late the loop's timers ran: the process's own work, or waiting for a core. */
  loopDelayP99: number;
  loopDelayMax: number;
  gcPauseMax: number;
  /** Full (mark-compact) collections, and their pauses added up: how often the heap's cap made V8 mark everything. */
  fullGcs: number;
  fullGcMs: number;
  /**
   * Requests this process's HTTP servers answered: from their headers being read to their answer
   * being handed to the socket. Absent when it served none. Against a client's own timing it shows
   * whether a slow answer was slow inside the receiver or before it got there.
   */
  served?: Latency & { count: number };
}

/** Times every request this process's HTTP servers answer (Node's diagnostics channels; no server code changes). */
function timeServedRequests(): { reset(): void; read(): (Latency & { count: number }) | undefined } {
  const started = new WeakMap<object, number>();
  let ms: number[] = [];
  subscribe('http.server.request.start', (message) => {
    started.set((message as { request: object }).request, performance.now());
  });
  subscribe('http.server.response.finish', (message) => {
    const at = started.get((message as { request: object }).request);
    if (at !== undefined) ms.push(performance.now() - at);
  });
  return {
    reset() {
      ms = [];
    },
    read: () => (ms.length > 0 ? { ...latency(ms), count: ms.length } : undefined),
  };
}

/** Starts watching this process's CPU, event loop and GC; `read` answers since the last `reset`. */
export function startLoopMonitor(): { reset(): void; read(): LoopFigures; liveHeapMaxMb(): number } {
  let cpuFrom = process.cpuUsage();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let gcMax = 0;
  let fullGcs = 0;
  let fullGcMs = 0;
  // The heap in use just after a full collection is about what is alive: the most of it since start
  // says how close the process came to its old-space cap, whatever garbage its RSS peak included.
  let liveMax = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMax = Math.max(gcMax, entry.duration);
      if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        liveMax = Math.max(liveMax, getHeapStatistics().used_heap_size);
        fullGcs += 1;
        fullGcMs += entry.duration;
      }
    }
  }).observe({ entryTypes: ['gc'] });
  const served = timeServedRequests();
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return {
    reset() {
      served.reset();
      cpuFrom = process.cpuUsage();
      delay.reset();
      gcMax = 0;
      fullGcs = 0;
      fullGcMs = 0;
    },
    liveHeapMaxMb: () => Math.round(liveMax / 2 ** 20),
    read() {
      const cpu = process.cpuUsage(cpuFrom);
      const answered = served.read();
      return {
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        loopDelayP99: ms(delay.percentile(99)),
        loopDelayMax: ms(delay.max),
        gcPauseMax: Math.round(gcMax * 10) / 10,
        fullGcs,
        fullGcMs: Math.round(fullGcMs),
        ...(answered ? { served: answered } : {}),
      };
    },
  };
}

/** Answers a parent's `{ loop: 'reset' | 'read' | 'live' }` request, or undefined when the message is not one. */
export function answerLoopRequest(
  monitor: ReturnType<typeof startLoopMonitor>,
  message: Record<string, unknown>,
): LoopFigures | { ok: true } | { liveHeapMaxMb: number } | undefined {
  if (message.loop === 'live') return { liveHeapMaxMb: monitor.liveHeapMaxMb() };
  if (message.loop === 'reset') {
    monitor.reset();
    return { ok: true };
  }
  if (message.loop === 'read') return monitor.read();
  return undefined;
}
