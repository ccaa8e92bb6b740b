declare module 'node-rtsp-stream' {
  import type { ChildProcess } from 'node:child_process';
  import type { EventEmitter } from 'node:events';

  interface VideoStreamOptions {
    name: string;
    streamUrl: string;
    wsPort: number;
    width?: number;
    height?: number;
    /** Output options of its ffmpeg, as flag → value ('' for a bare flag). */
    ffmpegOptions?: Record<string, string | number>;
    ffmpegPath?: string;
  }

  interface WsClient {
    readyState: number;
    send(data: unknown, opts?: unknown): void;
    on(event: 'close', cb: () => void): void;
  }

  class VideoStream extends EventEmitter {
    constructor(options: VideoStreamOptions);
    width?: number;
    height?: number;
    stream: ChildProcess;
    mpeg1Muxer: EventEmitter;
    wsServer: {
      clients: Set<WsClient>;
      close(cb?: () => void): void;
      on(event: string, cb: (...args: unknown[]) => void): void;
      broadcast(data: unknown, opts?: unknown): void;
    };
    onSocketConnect(socket: WsClient, request: unknown): void;
    stop(): this;
  }
  export = VideoStream;
}
