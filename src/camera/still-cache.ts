import { grabStill } from './still.js';

/** A full-resolution JPEG and when it was grabbed. */
export interface Still {
  jpeg: Buffer;
  wallMs: number;
}

/** Where stills are grabbed from: the camera's still input (the main stream), else its one stream. */
export interface StillSource {
  url: string;
  transport?: 'tcp' | 'udp';
  stillInput?: { url: string; transport?: 'tcp' | 'udp' };
}

/** A camera's stills, grabbed on demand: the last one is reused while fresh, and concurrent callers share a grab. */
export class StillCache {
  private lastStill?: Still;
  private grabbing?: Promise<Still>;

  constructor(private readonly source: StillSource) {}

  /**
   * A still at most `maxAgeMs` old. A clip source (its length `durationS`) is grabbed where it plays now
   * (`playingAtMs`, its stream time).
   */
  get(maxAgeMs: number, durationS: number | undefined, playingAtMs: number): Promise<Still> {
    const last = this.lastStill;
    if (last && Date.now() - last.wallMs <= maxAgeMs) return Promise.resolve(last);
    if (this.grabbing) return this.grabbing;
    const input = this.source.stillInput ?? { url: this.source.url, transport: this.source.transport };
    const isFile = input.url.startsWith('file:');
    const wallMs = Date.now();
    this.grabbing = grabStill({
      input: {
        ...input,
        realtime: false,
        loop: false,
        seekSeconds: isFile && durationS ? (playingAtMs / 1000) % durationS : undefined,
      },
    })
      .then((jpeg) => {
        this.lastStill = { jpeg, wallMs };
        return this.lastStill;
      })
      .finally(() => {
        this.grabbing = undefined;
      });
    return this.grabbing;
  }
}
