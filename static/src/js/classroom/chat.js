// The room's chat: lines from the server (never HTML), links made clickable.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

// Text with its http(s) links as <a>, everything else as text nodes.
export function linkify(text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    fragment.append(document.createTextNode(text.slice(last, match.index)));
    const link = document.createElement("a");
    link.href = match[0];
    link.textContent = match[0];
    link.target = "_blank";
    link.rel = "noopener noreferrer nofollow";
    fragment.append(link);
    last = match.index + match[0].length;
  }
  fragment.append(document.createTextNode(text.slice(last)));
  return fragment;
}

export class Chat {
  constructor({ list, userId, youLabel, timeZone }) {
    this.list = list;
    this.userId = userId;
    this.youLabel = youLabel;
    const options = { hour: "2-digit", minute: "2-digit" };
    try {
      this.format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { ...options, timeZone: timeZone || undefined });
    } catch (error) {
      this.format = new Intl.DateTimeFormat(undefined, options);
    }
    this.scrollToEnd();
  }

  get lastId() {
    const lines = this.list.querySelectorAll("[data-chat-id]");
    return lines.length ? Number(lines[lines.length - 1].dataset.chatId) : 0;
  }

  add(message) {
    if (this.list.querySelector(`[data-chat-id="${message.id}"]`)) return;
    const mine = message.author_id === this.userId;
    const line = document.createElement("li");
    line.className = mine ? "chat-line chat-mine" : "chat-line";
    line.dataset.chatId = String(message.id);
    const meta = document.createElement("span");
    meta.className = "chat-meta";
    const author = document.createElement("span");
    author.className = "chat-author";
    author.textContent = mine ? this.youLabel : message.author;
    const time = document.createElement("time");
    time.dateTime = message.sent;
    time.textContent = this.format.format(new Date(message.sent));
    meta.append(author, " ", time);
    const body = document.createElement("span");
    body.className = "chat-text";
    body.append(linkify(message.text));
    line.append(meta, " ", body);
    const atEnd = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    // In id order, whatever order they arrive in (a catch-up after a reconnect may come after a live line).
    const later = [...this.list.querySelectorAll("[data-chat-id]")].find((other) => Number(other.dataset.chatId) > message.id);
    this.list.insertBefore(line, later || null);
    if (atEnd || mine) this.scrollToEnd();
  }

  scrollToEnd() {
    this.list.scrollTop = this.list.scrollHeight;
  }
}
