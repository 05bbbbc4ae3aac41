/**
 * The queue between the sockets and the books. Frames are taken off the socket at once and
 * processed in the next turn; when more than `watermark` frames wait, frames from low-priority
 * connections are shed (their books are then distrusted and resynced once the queue drains) while
 * prime connections are never shed. The numbers are shown in /api/health.
 */
import type { Connection } from './connection.ts';

export interface BacklogStats {
  queued: number;
  watermark: number;
  /** The most frames that ever waited at once. */
  highWater: number;
  shed: number;
  /** Connections whose books wait for a resync after shedding. */
  shedConnections: number;
}

export class FrameBacklog {
  private readonly conns: Connection[] = [];
  private readonly texts: string[] = [];
  private readonly times: number[] = [];
  private head = 0;
  private scheduled = false;
  private readonly shedFrom = new Set<Connection>();
  readonly stats: BacklogStats;

  constructor(
    watermark: number,
    private readonly process: (conn: Connection, text: string, tsRecv: number) => void,
    private readonly schedule: (fn: () => void) => void,
    /** Called for a connection the first time it is shed, and when the queue has drained. */
    private readonly onShed: (conn: Connection, phase: 'shed' | 'drained') => void,
  ) {
    this.stats = { queued: 0, watermark, highWater: 0, shed: 0, shedConnections: 0 };
  }

  push(conn: Connection, text: string, tsRecv: number): void {
    const queued = this.texts.length - this.head;
    if (queued >= this.stats.watermark && !conn.prime) {
      this.stats.shed++;
      if (!this.shedFrom.has(conn)) {
        this.shedFrom.add(conn);
        this.stats.shedConnections = this.shedFrom.size;
        this.onShed(conn, 'shed');
      }
      return;
    }
    this.conns.push(conn);
    this.texts.push(text);
    this.times.push(tsRecv);
    if (queued + 1 > this.stats.highWater) this.stats.highWater = queued + 1;
    this.stats.queued = queued + 1;
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.drain());
    }
  }

  /** Processes everything queued now (frames arriving meanwhile wait for the next turn). */
  drain(): void {
    this.scheduled = false;
    const end = this.texts.length;
    while (this.head < end) {
      const i = this.head++;
      this.process(this.conns[i]!, this.texts[i]!, this.times[i]!);
    }
    if (this.head === this.texts.length) {
      this.conns.length = this.texts.length = this.times.length = 0;
      this.head = 0;
    } else if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => this.drain());
    }
    this.stats.queued = this.texts.length - this.head;
    if (this.stats.queued <= this.stats.watermark / 2 && this.shedFrom.size > 0) {
      const conns = [...this.shedFrom];
      this.shedFrom.clear();
      this.stats.shedConnections = 0;
      for (const c of conns) this.onShed(c, 'drained');
    }
  }
}
