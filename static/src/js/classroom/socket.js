// The room's WebSocket: reconnects with backoff, keeps what was sent while it was down, and paces
// itself under the server's limit (50 messages a second), so a burst of ICE candidates is never refused.
const MAX_DELAY_MS = 15000;
const PER_SECOND = 40;
const OUTBOX_LIMIT = 200;
// Close codes after which trying again cannot help (classroom/consumers.py).
const FINAL_CODES = new Set([4401, 4404, 4409, 4410]);

export class RoomSocket {
  constructor({ path, tab, pageUrl, onMessage, onOpen, onDown, onFinal }) {
    this.path = path;
    this.tab = tab;
    this.pageUrl = pageUrl;
    this.onMessage = onMessage;
    this.onOpen = onOpen;
    this.onDown = onDown;
    this.onFinal = onFinal;
    this.outbox = [];
    this.sentAt = [];
    this.delay = 500;
    this.failedOpens = 0;
    this.stopped = false;
    this.socket = null;
    this.flushTimer = null;
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  connect() {
    if (this.stopped) return;
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${window.location.host}${this.path}?tab=${encodeURIComponent(this.tab)}`);
    this.socket = socket;
    let opened = false;
    socket.addEventListener("open", () => {
      opened = true;
      this.delay = 500;
      this.failedOpens = 0;
      this.onOpen();
      this.flush();
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      this.onMessage(message);
    });
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      if (FINAL_CODES.has(event.code)) {
        this.stop();
        this.onFinal(event.code);
        return;
      }
      this.onDown();
      if (!opened) this.failedOpens += 1;
      // A refused handshake shows up as a plain failure: ask the page whether the room is still open.
      if (this.failedOpens >= 2) {
        this.checkPage();
      }
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, MAX_DELAY_MS);
    });
  }

  async checkPage() {
    try {
      const response = await fetch(this.pageUrl, { method: "HEAD", credentials: "same-origin", redirect: "manual" });
      // 403: not open any more; 404: not this person's lesson; a redirect: logged out.
      if (response.type === "opaqueredirect" || response.status !== 200) {
        this.stop();
        this.onFinal(4410);
      }
    } catch (error) {
      // Offline: keep trying the socket.
    }
  }

  send(message) {
    this.outbox.push(message);
    if (this.outbox.length > OUTBOX_LIMIT) this.outbox.shift();
    this.flush();
  }

  // Sends without queueing: true if it went out now.
  sendNow(message) {
    if (!this.isOpen) return false;
    this.send(message);
    return true;
  }

  flush() {
    if (this.flushTimer !== null) return;
    while (this.outbox.length && this.isOpen) {
      const now = performance.now();
      while (this.sentAt.length && now - this.sentAt[0] >= 1000) this.sentAt.shift();
      if (this.sentAt.length >= PER_SECOND) {
        this.flushTimer = setTimeout(() => {
          this.flushTimer = null;
          this.flush();
        }, 1000 - (now - this.sentAt[0]) + 5);
        return;
      }
      this.sentAt.push(now);
      this.socket.send(JSON.stringify(this.outbox.shift()));
    }
  }

  // Forget queued messages that no longer make sense (those of a closed peer connection).
  drop(predicate) {
    this.outbox = this.outbox.filter((message) => !predicate(message));
  }

  stop() {
    this.stopped = true;
    if (this.socket) this.socket.close();
    this.socket = null;
  }
}
