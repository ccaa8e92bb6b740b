declare module '@cycjimmy/jsmpeg-player' {
  interface PlayerOptions {
    canvas?: HTMLCanvasElement;
    audio?: boolean;
    autoplay?: boolean;
    loop?: boolean;
    reconnectInterval?: number;
    onSourceEstablished?: () => void;
    onSourceCompleted?: () => void;
    onVideoDecode?: () => void;
  }
  class Player {
    constructor(url: string, options: PlayerOptions);
    destroy(): void;
  }
  const JSMpeg: { Player: typeof Player };
  export default JSMpeg;
}
