// The notification bell: the count follows the server over the school's WebSocket, no reload.
const MAX_DELAY_MS = 30000;

function render(bell, unread) {
  const badge = bell.querySelector("[data-bell-count]");
  badge.textContent = unread > 99 ? "99+" : String(unread);
  badge.hidden = unread === 0;
  bell.dataset.unread = String(unread);
  bell.setAttribute(
    "aria-label",
    unread === 0 ? bell.dataset.labelNone : bell.dataset.labelSome.replace("{n}", String(unread)),
  );
}

export function connectBell(bell) {
  let delay = 1000;
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const open = () => {
    const socket = new WebSocket(`${scheme}://${window.location.host}${bell.dataset.bellSocket}`);
    socket.addEventListener("open", () => {
      delay = 1000;
      bell.dataset.live = "true";
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "bell") render(bell, message.unread);
    });
    socket.addEventListener("close", () => {
      bell.dataset.live = "false";
      // Sleep, a network change or a deploy: try again, a little later each time.
      setTimeout(open, delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    });
  };
  open();
}
