// Draws one stage item. Text arrives sanitised by the server (materials/sanitize.py); everything else
// is set as text or attributes, never as HTML.

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (match, key) => (key in values ? String(values[key]) : match));
}

function element(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  Object.entries(attrs).forEach(([key, value]) => node.setAttribute(key, value));
  if (text) node.textContent = text;
  return node;
}

export function renderItem(state, strings, leader) {
  const item = state.item;
  const figure = element("figure", { class: `stage-item stage-${item.kind}` });
  const caption = element("figcaption", { class: "stage-caption" }, item.title);
  let media = null;
  if (item.kind === "image") {
    figure.append(element("img", { src: item.src, alt: item.title, width: item.width, height: item.height }));
  } else if (item.kind === "pdf") {
    const page = state.page || 1;
    const picture = item.pages[page - 1];
    const label = format(strings.page, { page, count: item.pages.length });
    figure.append(element("img", {
      src: picture.src, alt: `${item.title}: ${label}`, width: picture.width, height: picture.height,
    }));
    caption.textContent = `${item.title} · ${label}`;
  } else if (item.kind === "text") {
    const text = element("div", { class: "stage-text" });
    text.innerHTML = item.html; // sanitised on the server
    figure.append(text);
  } else if (item.kind === "video" || item.kind === "audio") {
    media = element(item.kind, { src: item.src, preload: "auto", playsinline: "", "aria-label": item.title });
    if (leader) media.setAttribute("controls", "");
    figure.append(media);
    if (!leader) {
      const note = element("p", { class: "stage-media-state help", "data-media-state": "" });
      const play = element("button", { type: "button", class: "button button-small", "data-play-along": "" },
        strings.playAlong);
      play.hidden = true;
      play.addEventListener("click", () => {
        play.hidden = true;
        media.play().catch(() => { play.hidden = false; });
      });
      figure.append(note, play);
    }
  } else if (item.kind === "words") {
    const table = element("table", { class: "word-table" });
    const body = element("tbody");
    (item.words || []).forEach((row) => {
      const line = element("tr");
      line.append(element("td", {}, row.word), element("td", {}, row.translation));
      body.append(line);
    });
    table.append(body);
    figure.append(table);
  } else if (item.src) {
    // A link, a document (downloaded) or a kind drawn elsewhere: a card that opens it.
    const card = element("a", { class: "link-card", href: item.src, target: "_blank", rel: "noopener noreferrer" });
    if (item.image) card.append(element("img", { src: item.image, alt: "", class: "link-card-image" }));
    card.append(element("strong", {}, item.title));
    if (item.description) card.append(element("span", { class: "help" }, item.description));
    figure.append(element("p", { class: "stage-link" }, ""), element("p", { class: "help" }, strings.openLink));
    figure.firstChild.append(card);
  } else {
    figure.append(element("p", { class: "stage-link" }, item.description || ""));
  }
  figure.append(caption);
  return { node: figure, media };
}

// Bring a player to the stage's state: the right second, playing or paused.
export function syncMedia(media, state, strings, leader) {
  const apply = () => {
    if (Math.abs((media.currentTime || 0) - state.position) > 0.4) media.currentTime = state.position;
    if (state.playing && media.paused) {
      media.play().catch(() => {
        // The browser wants a click before it plays sound: offer one.
        const play = media.parentElement.querySelector("[data-play-along]");
        if (play) play.hidden = false;
      });
    } else if (!state.playing && !media.paused) {
      media.pause();
    }
    const note = media.parentElement.querySelector("[data-media-state]");
    if (note && !leader) note.textContent = state.playing ? strings.playing : strings.paused;
  };
  if (media.readyState >= 1) apply();
  else media.addEventListener("loadedmetadata", apply, { once: true });
}
