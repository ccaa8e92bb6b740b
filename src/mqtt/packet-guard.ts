import type { Socket } from 'node:net';

/**
 * Closes a connection whose next MQTT packet announces more than `maxBytes`, reading only the fixed
 * headers as bytes arrive, so a 50 MB PUBLISH is refused after its first chunk instead of being buffered
 * whole by the broker's parser. Watches the socket's 'data' as the broker reads it; costs a few
 * comparisons per chunk.
 */
export function guardPacketSize(
  socket: Socket,
  maxBytes: number,
  onTooLarge: (announced: number) => void,
): void {
  // Bytes of the current packet body still to skip; header parsing state between chunks.
  let skip = 0;
  let inHeader = false;
  let headerLen = 0;
  let length = 0;
  let mult = 1;
  socket.on('data', (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      if (!inHeader) {
        // First byte: packet type and flags; then 1-4 bytes of remaining length.
        inHeader = true;
        headerLen = 0;
        length = 0;
        mult = 1;
        i++;
        continue;
      }
      const b = chunk[i++]!;
      length += (b & 0x7f) * mult;
      mult *= 128;
      headerLen++;
      if ((b & 0x80) === 0 || headerLen === 4) {
        inHeader = false;
        if (length + headerLen + 1 > maxBytes) {
          onTooLarge(length + headerLen + 1);
          socket.destroy();
          return;
        }
        skip = length;
      }
    }
  });
}
