// Child process: the floor to compare with, a bare `ws` relay with no auth, no validation, no
// storage: a client joins one room and every text frame it sends is relayed to the room. Its
// HTTP side serves `GET /channels/<room>/messages`: the room's last 50 frames as a JSON array,
// the floor for the history-read benchmark (no auth, no permission check, no database); a text
// frame "?<id>" gets the same page over the socket, the floor for history reads over the gateway.
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { answerLoopDelay } from './loopDelay.js';

const rooms = new Map<string, Set<WebSocket>>();
const recent = new Map<string, { id: string; channelId: string; content: string }[]>();
let nextId = 1;
const http = createServer((req, res) => {
  const m = /^\/channels\/([^/]+)\/messages/.exec(req.url ?? '');
  if (req.method !== 'GET' || !m) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(recent.get(m[1]!) ?? []));
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
wss.on('connection', (ws) => {
  let room: Set<WebSocket> | undefined;
  let roomName = '';
  ws.on('message', (data) => {
    const text = String(data);
    if (room === undefined) {
      const name = text;
      room = rooms.get(name) ?? new Set();
      rooms.set(name, room);
      room.add(ws);
      roomName = name;
      return;
    }
    if (text.startsWith('?')) {
      // A history read over the socket: "?<id>" answered with "#<id>|<count>|<JSON array>".
      const page = recent.get(roomName) ?? [];
      ws.send(`#${text.slice(1)}|${page.length}|${JSON.stringify(page)}`);
      return;
    }
    let held = recent.get(roomName);
    if (!held) recent.set(roomName, (held = []));
    held.push({ id: String(nextId++), channelId: roomName, content: text });
    if (held.length > 50) held.shift();
    for (const peer of room) peer.send(text);
  });
  ws.on('close', () => room?.delete(ws));
});
http.listen(0, '127.0.0.1', () => {
  const addr = http.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  process.send?.({ ready: `http://127.0.0.1:${port}`, gateway: `ws://127.0.0.1:${port}` });
});
process.on('message', (m: unknown) => {
  if (m === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ memory: process.memoryUsage(), connections: wss.clients.size });
  }
});
answerLoopDelay();
