// The y-websocket protocol (sync messages only) between one Y.Doc and our board socket, reconnecting
// with backoff. Local changes made while disconnected stay in the doc and reach the server on the next
// sync (its step 1 asks for everything it lacks).
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";

const MESSAGE_SYNC = 0;
// Close codes with which the server refuses a change (classroom/whiteboard/schema.py).
export const REFUSAL_CODES = new Set([4400, 4403, 4413, 4429]);

export class BoardSync {
  constructor(url, doc, { onStatus, onSynced, onRefused }) {
    this.url = url;
    this.doc = doc;
    this.onStatus = onStatus;
    this.onSynced = onSynced;
    this.onRefused = onRefused;
    this.synced = false;
    this.attempts = 0;
    this.destroyed = false;
    this.onUpdate = (update, origin) => {
      if (origin === this || !this.ws || this.ws.readyState !== WebSocket.OPEN) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeUpdate(encoder, update);
      this.ws.send(encoding.toUint8Array(encoder));
    };
    doc.on("update", this.onUpdate);
    this.connect();
  }

  connect() {
    if (this.destroyed) return;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${location.host}${this.url}`);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    this.onStatus(this.attempts ? "reconnecting" : "connecting");
    ws.onopen = () => {
      this.attempts = 0;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeSyncStep1(encoder, this.doc);
      ws.send(encoding.toUint8Array(encoder));
    };
    ws.onmessage = (event) => {
      const decoder = decoding.createDecoder(new Uint8Array(event.data));
      if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      const kind = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
      if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
      if (kind === syncProtocol.messageYjsSyncStep2) {
        this.onStatus("connected");
        if (!this.synced) {
          this.synced = true;
          this.onSynced();
        }
      }
    };
    ws.onclose = (event) => {
      if (this.ws !== ws || this.destroyed) return;
      this.ws = null;
      if (REFUSAL_CODES.has(event.code)) {
        this.onRefused(event.code, event.reason);
        return;
      }
      this.attempts += 1;
      this.onStatus("reconnecting");
      const delay = Math.min(8000, 250 * 2 ** Math.min(this.attempts, 6)) * (0.8 + Math.random() * 0.4);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  destroy() {
    this.destroyed = true;
    clearTimeout(this.timer);
    this.doc.off("update", this.onUpdate);
    if (this.ws) this.ws.close();
  }
}
