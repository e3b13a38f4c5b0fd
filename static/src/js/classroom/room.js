// The lesson room: device check, the 1-on-1 call, presence, chat, and the teacher ending the lesson.
// Server side: classroom/consumers.py. Words come from the page (json_script "room-strings").
import { Call } from "./call.js";
import { Chat } from "./chat.js";
import { fillDeviceLists, getMedia, getTrack, levelMeter, playTestSound } from "./devices.js";
import { RoomSocket } from "./socket.js";

// Milestones on the page's performance timeline (bench/classroom_first_frame.py reads them).
const mark = (name) => performance.mark && performance.mark(`room:${name}`);

const root = document.querySelector("[data-room]");
if (root) startRoom(root);

function newTabId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function startRoom(root) {
  mark("start");
  const strings = JSON.parse(document.getElementById("room-strings").textContent);
  const $ = (selector) => root.querySelector(selector);
  const lessonId = root.dataset.lesson;
  const storeKey = `panda.room.${lessonId}`;
  const saved = JSON.parse(sessionStorage.getItem(storeKey) || "{}");
  const ui = {
    lobby: $("[data-lobby]"),
    call: $("[data-call]"),
    preview: $("[data-preview]"),
    previewNote: $("[data-preview-note]"),
    meter: $("[data-mic-level]"),
    selects: [...root.querySelectorAll("select[data-device]")],
    join: $("[data-join]"),
    speakerField: $("[data-speaker-field]"),
    speakerTest: $("[data-speaker-test]"),
    speakerNote: $("[data-speaker-note]"),
    remoteVideo: $("[data-remote-video]"),
    localVideo: $("[data-local-video]"),
    soundOn: $("[data-sound-on]"),
    peerFlags: $("[data-peer-flags]"),
    mic: $("[data-toggle-mic]"),
    camera: $("[data-toggle-camera]"),
    screen: $("[data-toggle-screen]"),
    devices: $("[data-open-devices]"),
    note: $("[data-call-note]"),
    state: $("[data-call-state]"),
    presenceDot: $("[data-presence-dot]"),
    presenceText: $("[data-presence-text]"),
    chatForm: $("[data-chat-form]"),
    chatError: $("[data-chat-error]"),
    endOpen: $("[data-end-open]"),
    endDialog: $("[data-end-dialog]"),
    endForm: $("[data-end-form]"),
    endError: $("[data-end-error]"),
    over: $("[data-room-over]"),
    overText: $("[data-room-over-text]"),
  };

  const me = { joined: false, over: false, polite: true, userId: Number(root.dataset.user) };
  const peer = { present: false, session: null, conn: null, state: "lobby", media: {} };
  const peerConnections = new Map(); // their live sockets: conn → latest presence
  let peerOrder = 0;
  const chosen = { videoinput: saved.camera || "", audioinput: saved.mic || "", audiooutput: saved.speaker || "" };
  let local = null; // {stream, audioOnly, none}
  let cameraTrack = null;
  let screenTrack = null;
  let meter = null;
  let micOn = saved.micOn !== false;
  let cameraOn = saved.cameraOn !== false;

  const chat = new Chat({ list: $("[data-chat-lines]"), userId: me.userId, youLabel: strings.you, timeZone: root.dataset.timeZone });

  // -- What the person sees -------------------------------------------------------------------
  function showState(state) {
    if (state === "connected") mark("connected");
    let shown = state;
    if (!me.joined) shown = "new";
    else if (!call.pc) shown = "waiting";
    // navigator.onLine only guesses from the interfaces; a connected call is proof enough.
    else if (state !== "connected" && !navigator.onLine) shown = "offline";
    ui.state.dataset.callState = shown;
    ui.state.textContent = strings.state[shown] || strings.state.connecting;
  }

  function showPresence() {
    const key = !peer.present ? "absent" : peer.state === "call" ? "call" : "lobby";
    ui.presenceDot.dataset.presence = key;
    ui.presenceText.textContent = strings.presence[key];
    const flags = [];
    if (peer.present && peer.state === "call") {
      if (peer.media.audio === false) flags.push(strings.peer_muted);
      if (peer.media.video === false && !peer.media.screen) flags.push(strings.peer_camera_off);
    }
    ui.peerFlags.textContent = flags.join(" · ");
  }

  function note(text) {
    ui.note.textContent = text || "";
    ui.note.hidden = !text;
  }

  function save() {
    sessionStorage.setItem(storeKey, JSON.stringify({
      joined: me.joined, camera: chosen.videoinput, mic: chosen.audioinput, speaker: chosen.audiooutput, micOn, cameraOn,
    }));
  }

  function setPressed(button, pressed, onText, offText) {
    button.setAttribute("aria-pressed", String(pressed));
    button.textContent = pressed ? onText : offText;
  }

  function refreshControls() {
    const hasMic = local && local.stream.getAudioTracks().length > 0;
    ui.mic.disabled = !hasMic;
    setPressed(ui.mic, !micOn, strings.unmute, strings.mute);
    setPressed(ui.camera, !cameraOn || !cameraTrack, strings.camera_on, strings.camera_off);
    setPressed(ui.screen, Boolean(screenTrack), strings.stop_share, strings.share);
    ui.screen.hidden = !(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);
    const shown = screenTrack || (cameraOn ? cameraTrack : null);
    ui.localVideo.srcObject = shown ? new MediaStream([shown]) : null;
    ui.localVideo.dataset.screen = screenTrack ? "true" : "false";
  }

  function mediaState() {
    return { audio: Boolean(micOn && local && local.stream.getAudioTracks().length), video: Boolean(cameraOn && cameraTrack), screen: Boolean(screenTrack) };
  }

  function sendState() {
    socket.send({ action: "state", state: me.joined ? "call" : "lobby", media: mediaState() });
  }

  // -- The call -----------------------------------------------------------------------------
  const call = new Call({
    polite: true,
    iceServers: [],
    signal: (payload) => socket.send({ action: "signal", ...payload }),
    onState: showState,
    onRemoteStream: (stream) => {
      if (ui.remoteVideo.srcObject !== stream) ui.remoteVideo.srcObject = stream;
      if (stream.getTracks().length) playRemote(); // an empty stream has nothing to play yet
    },
    onPeerRestarted: (offer) => {
      call.start(peer.session, localStreamForCall());
      call.handleSignal(offer);
    },
    onStuck: () => {
      call.start(peer.session, localStreamForCall());
      showState(call.state);
    },
    onClosed: (pcId) => socket.drop((message) => message.action === "signal" && message.pc === pcId),
    onWeak: () => {
      if (!cameraTrack || screenTrack) return;
      // Audio-only fallback: keep the sound going on a weak network.
      cameraOn = false;
      call.setTrack("video", null);
      refreshControls();
      sendState();
      note(strings.weak_network);
    },
  });

  function playRemote() {
    ui.remoteVideo.play().catch((error) => {
      if (error.name !== "NotAllowedError") return; // e.g. interrupted by the next track: it plays on
      // Autoplay with sound needs a click on this page (after a reload): play muted, offer sound.
      ui.remoteVideo.muted = true;
      ui.remoteVideo.play().catch(() => {});
      ui.soundOn.hidden = false;
    });
  }

  const soundOn = () => {
    if (ui.soundOn.hidden) return;
    ui.remoteVideo.muted = false;
    ui.remoteVideo.play().catch(() => {});
    ui.soundOn.hidden = true;
  };
  ui.soundOn.addEventListener("click", soundOn);
  // Any click on the page allows sound: the button is only the obvious place for it.
  document.addEventListener("pointerdown", soundOn);

  function localStreamForCall() {
    const tracks = [];
    const mic = local ? local.stream.getAudioTracks()[0] : null;
    if (mic) tracks.push(mic);
    const video = screenTrack || (cameraOn ? cameraTrack : null);
    if (video) tracks.push(video);
    return new MediaStream(tracks);
  }

  function maybeStartCall() {
    if (!me.joined || me.over || !peer.present || peer.state !== "call") return;
    if (call.pc && call.peerSession === peer.session) return;
    mark("call-start");
    call.start(peer.session, localStreamForCall());
    showState(call.state);
  }

  // -- The socket ---------------------------------------------------------------------------
  me.session = newTabId();
  const socket = new RoomSocket({
    path: root.dataset.socket,
    tab: me.session,
    pageUrl: root.dataset.pageUrl,
    onOpen: () => mark("socket-open"),
    onDown: () => {
      ui.presenceDot.dataset.presence = "unknown";
      ui.presenceText.textContent = strings.socket_lost;
    },
    onFinal: (code) => finish(code === 4409 ? strings.replaced : strings.room_closed),
    onMessage: (message) => handlers[message.type] && handlers[message.type](message),
  });

  const handlers = {
    welcome(message) {
      mark("welcome");
      me.polite = message.polite;
      call.polite = message.polite;
      call.setIceServers(message.ice_servers);
      sendState();
      socket.send({ action: "chat.history", after: chat.lastId });
      showPresence();
      // Back after a network change: look for a new path at once.
      if (call.pc && call.state !== "connected") call.restartIce();
    },
    peer(message) {
      // Every live connection of theirs, newest last: a closing page's late "here" must not win over
      // the page that replaced it, and once it has left, the newest one still there is the peer.
      if (message.present) {
        const known = peerConnections.get(message.conn);
        peerConnections.set(message.conn, { ...message, order: known ? known.order : ++peerOrder });
      } else {
        peerConnections.delete(message.conn);
      }
      const current = [...peerConnections.values()].sort((a, b) => b.order - a.order)[0];
      if (!current) {
        peer.present = false;
        showPresence();
        return;
      }
      const newPage = current.session !== peer.session;
      Object.assign(peer, { present: true, session: current.session, conn: current.conn, state: current.state, media: current.media || {} });
      if (call.pc && (newPage || peer.state !== "call")) {
        call.close(); // they reloaded or left the call: the old connection is dead
        ui.remoteVideo.srcObject = null;
      }
      showPresence();
      maybeStartCall();
      if (call.pc && ["failed", "disconnected"].includes(call.state)) call.restartIce();
      showState(call.state);
    },
    signal(message) {
      if (!me.joined || me.over) return;
      if (message.to && message.to !== me.session) return; // meant for this tab's predecessor
      if (message.from !== peer.session || !call.pc) {
        // Their offer may outrun their presence: a new page of theirs starts a new connection.
        if (!(message.description && message.description.type === "offer")) return;
        peer.present = true;
        peer.session = message.from;
        peer.state = "call";
        call.start(message.from, localStreamForCall());
        showPresence();
      }
      call.handleSignal(message);
    },
    chat(message) {
      chat.add(message.message);
    },
    "chat.history"(message) {
      message.messages.forEach((line) => chat.add(line));
    },
    ended(message) {
      finish(strings.ended[message.outcome] || strings.room_closed);
    },
    replaced(message) {
      finish(message.message || strings.replaced);
    },
    error(message) {
      if (ui.endDialog && ui.endDialog.open && !["rate_limited"].includes(message.code)) {
        ui.endError.textContent = message.message;
        ui.endError.hidden = false;
        return;
      }
      if (message.code && message.code.startsWith("chat")) {
        ui.chatError.textContent = message.message;
        ui.chatError.hidden = false;
        return;
      }
      console.warn("room", message.code, message.message);
    },
    pong() {},
  };

  // -- The device check ---------------------------------------------------------------------
  async function openDevices() {
    local = await getMedia({ camera: chosen.videoinput, mic: chosen.audioinput });
    mark("devices");
    cameraTrack = local.stream.getVideoTracks()[0] || null;
    const mic = local.stream.getAudioTracks()[0];
    if (mic) mic.enabled = micOn;
    ui.preview.srcObject = cameraTrack ? new MediaStream([cameraTrack]) : null;
    ui.previewNote.hidden = !(local.audioOnly || local.none);
    ui.previewNote.textContent = local.denied ? strings.permission_denied : local.none ? strings.no_devices : strings.audio_only;
    if (meter) meter.stop();
    meter = levelMeter(local.stream, ui.meter);
    // Labels are readable once the browser has allowed a device.
    await fillDeviceLists(ui.selects, chosen, strings);
    ui.speakerField.hidden = !("setSinkId" in HTMLMediaElement.prototype);
  }

  ui.selects.forEach((select) => select.addEventListener("change", async () => {
    chosen[select.dataset.device] = select.value;
    save();
    if (select.dataset.device === "audiooutput") {
      if (ui.remoteVideo.setSinkId) ui.remoteVideo.setSinkId(select.value).catch(() => {});
      return;
    }
    const kind = select.dataset.device === "videoinput" ? "video" : "audio";
    try {
      const track = await getTrack(kind, select.value);
      const old = kind === "video" ? cameraTrack : local.stream.getAudioTracks()[0];
      if (old) {
        local.stream.removeTrack(old);
        old.stop();
      }
      local.stream.addTrack(track);
      if (kind === "video") {
        cameraTrack = track;
        ui.preview.srcObject = new MediaStream([track]);
        if (cameraOn && !screenTrack) await call.setTrack("video", track, local.stream);
      } else {
        track.enabled = micOn;
        if (meter) meter.stop();
        meter = levelMeter(local.stream, ui.meter);
        await call.setTrack("audio", track, local.stream);
      }
      refreshControls();
    } catch (error) {
      console.warn("device", error);
    }
  }));

  ui.speakerTest.addEventListener("click", async () => {
    ui.speakerNote.textContent = strings.speaker_playing;
    try {
      await playTestSound(chosen.audiooutput);
    } finally {
      ui.speakerNote.textContent = "";
    }
  });

  let devicesReady = null;
  const ensureDevices = () => {
    if (!devicesReady) devicesReady = openDevices();
    return devicesReady;
  };

  async function join() {
    await ensureDevices();
    if (me.joined || me.over) return;
    me.joined = true;
    save();
    if (meter) {
      meter.stop();
      meter = null;
    }
    ui.lobby.hidden = true;
    ui.call.hidden = false;
    root.dataset.joined = "true";
    if (!cameraOn && cameraTrack) {
      cameraTrack.stop();
      local.stream.removeTrack(cameraTrack);
      cameraTrack = null;
    }
    if (local.audioOnly && !local.none) note(strings.audio_only);
    else if (local.none) note(local.denied ? strings.permission_denied : strings.no_devices);
    if (chosen.audiooutput && ui.remoteVideo.setSinkId) ui.remoteVideo.setSinkId(chosen.audiooutput).catch(() => {});
    refreshControls();
    sendState();
    maybeStartCall();
    showState(call.state);
  }

  ui.join.addEventListener("click", () => join());

  ui.devices.addEventListener("click", () => {
    const opening = ui.lobby.hidden;
    ui.lobby.hidden = !opening;
    ui.join.hidden = opening; // in the call, the panel only changes devices
    if (opening) {
      ui.preview.srcObject = cameraTrack ? new MediaStream([cameraTrack]) : null;
      if (local) meter = levelMeter(local.stream, ui.meter);
      fillDeviceLists(ui.selects, chosen, strings);
    } else if (meter) {
      meter.stop();
      meter = null;
    }
  });

  // -- In the call: mute, camera, screen ----------------------------------------------------
  ui.mic.addEventListener("click", () => {
    micOn = !micOn;
    local.stream.getAudioTracks().forEach((track) => { track.enabled = micOn; });
    save();
    refreshControls();
    sendState();
  });

  ui.camera.addEventListener("click", async () => {
    if (cameraOn && cameraTrack) {
      cameraOn = false;
      // Stop the camera (its light goes off), not just send black frames.
      if (!screenTrack) await call.setTrack("video", null);
      local.stream.removeTrack(cameraTrack);
      cameraTrack.stop();
      cameraTrack = null;
    } else {
      try {
        cameraTrack = await getTrack("video", chosen.videoinput);
        local.stream.addTrack(cameraTrack);
        cameraOn = true;
        note("");
        if (!screenTrack) await call.setTrack("video", cameraTrack, local.stream);
      } catch (error) {
        cameraOn = false;
        note(strings.audio_only);
      }
    }
    save();
    refreshControls();
    sendState();
  });

  ui.screen.addEventListener("click", async () => {
    if (screenTrack) {
      stopSharing();
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      screenTrack = stream.getVideoTracks()[0];
      screenTrack.addEventListener("ended", stopSharing); // the browser's own "Stop sharing"
      await call.setTrack("video", screenTrack, stream);
    } catch (error) {
      if (error.name !== "NotAllowedError") note(strings.screen_failed);
      screenTrack = null;
    }
    refreshControls();
    sendState();
  });

  async function stopSharing() {
    if (!screenTrack) return;
    const track = screenTrack;
    screenTrack = null;
    track.stop();
    await call.setTrack("video", cameraOn ? cameraTrack : null, local.stream);
    refreshControls();
    sendState();
  }

  // -- Network changes: a new path is looked for at once ---------------------------------------
  const networkChanged = () => {
    showState(call.state);
    if (call.pc) call.restartIce();
  };
  window.addEventListener("online", networkChanged);
  window.addEventListener("offline", () => showState(call.state));
  if (navigator.connection && navigator.connection.addEventListener) {
    navigator.connection.addEventListener("change", networkChanged);
  }

  // -- Chat ---------------------------------------------------------------------------------
  const textarea = ui.chatForm.querySelector("textarea");
  ui.chatForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    if (!text) return;
    if (!socket.sendNow({ action: "chat", text })) {
      ui.chatError.textContent = strings.not_sent;
      ui.chatError.hidden = false;
      return;
    }
    ui.chatError.hidden = true;
    textarea.value = "";
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.chatForm.requestSubmit();
    }
  });

  // -- The teacher ends the lesson ----------------------------------------------------------
  if (ui.endOpen) {
    ui.endOpen.addEventListener("click", () => {
      ui.endError.hidden = true;
      ui.endDialog.showModal();
    });
    ui.endForm.addEventListener("submit", (event) => {
      if (!event.submitter || event.submitter.value !== "end") return; // "back": the dialog closes
      event.preventDefault();
      const data = new FormData(ui.endForm);
      ui.endError.hidden = true;
      if (!socket.sendNow({ action: "end", outcome: data.get("outcome"), note: data.get("note") || "" })) {
        ui.endError.textContent = strings.socket_lost;
        ui.endError.hidden = false;
      }
    });
  }

  // -- The end: the lesson is over, or this tab gave its seat to another ----------------------
  function finish(text) {
    if (me.over) return;
    me.over = true;
    socket.stop();
    call.close();
    if (meter) meter.stop();
    if (local) local.stream.getTracks().forEach((track) => track.stop());
    if (screenTrack) screenTrack.stop();
    sessionStorage.removeItem(storeKey);
    if (ui.endDialog && ui.endDialog.open) ui.endDialog.close();
    ui.lobby.hidden = true;
    ui.call.hidden = true;
    ui.chatForm.hidden = true;
    if (ui.endOpen) ui.endOpen.hidden = true;
    ui.overText.textContent = text;
    ui.over.hidden = false;
    ui.state.dataset.callState = "closed";
    ui.state.textContent = strings.state.closed;
    root.dataset.joined = "over";
  }

  // -- Start: the socket at once (presence, chat); the call after the device check -------------
  refreshControls();
  showPresence();
  showState("new");
  socket.connect();
  if (saved.joined) {
    // A reload in the middle of the lesson: straight back into the call.
    join();
  } else {
    ensureDevices();
  }
}
