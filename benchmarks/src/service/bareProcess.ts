// Child process: the floor to compare with, a bare `ws` relay with no auth, no validation, no
// storage: a client joins one room and every text frame it sends is relayed to the room.
import { WebSocketServer, type WebSocket } from 'ws';

const rooms = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
wss.on('connection', (ws) => {
  let room: Set<WebSocket> | undefined;
  ws.on('message', (data) => {
    const text = String(data);
    if (room === undefined) {
      const name = text;
      room = rooms.get(name) ?? new Set();
      rooms.set(name, room);
      room.add(ws);
      return;
    }
    for (const peer of room) peer.send(text);
  });
  ws.on('close', () => room?.delete(ws));
});
wss.on('listening', () => {
  const addr = wss.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  process.send?.({ ready: `http://127.0.0.1:${port}`, gateway: `ws://127.0.0.1:${port}` });
});
process.on('message', (m: unknown) => {
  if (m === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ memory: process.memoryUsage(), connections: wss.clients.size });
  }
});
