// One peer-to-peer call with the other participant: the "perfect negotiation" pattern.
// Either side may (re)negotiate at any time (tracks added, camera back on, ICE restart); when both
// offer at once, the polite side (the student) rolls its offer back and answers, the impolite side
// (the teacher) ignores the colliding offer. A new page of the peer (a reload) gets a new connection.
const DISCONNECTED_GRACE_MS = 2500;
const WEAK_SAMPLES = 3;
const WEAK_BITRATE = 120000; // bits/s available for sending: below this, video is paused, sound goes on
const STUCK_MS = 10000;
// A connection whose ICE has not even begun by now lost its offer or answer on the way (a reload
// racing the other side's restart): renegotiate at once instead of waiting for STUCK_MS.
const NEVER_STARTED_MS = 2500;

function newId() {
  const bytes = new Uint8Array(9);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Call {
  constructor({ polite, iceServers, signal, onState, onRemoteStream, onWeak, onPeerRestarted, onStuck, onClosed }) {
    this.polite = polite;
    this.iceServers = iceServers;
    this.send = signal; // (payload) => send {action: "signal", ...payload}
    this.onState = onState;
    this.onRemoteStream = onRemoteStream;
    this.onWeak = onWeak;
    this.onPeerRestarted = onPeerRestarted; // (offer message): their new connection; start ours anew for it
    this.onStuck = onStuck; // not connected in time: start anew (the impolite side only)
    this.onClosed = onClosed; // (connection id): what is still queued for it is dropped
    this.signals = Promise.resolve();
    this.pc = null;
    this.peerSession = null;
    this.local = null;
    this.disconnectTimer = null;
    this.statsTimer = null;
    this.weakSamples = 0;
  }

  // Every signal names the peer's page it is meant for: a reloaded page ignores its predecessor's talk.
  // ...and the connection it comes from: a peer that started a new one is followed, leftovers of an old one are dropped.
  signal(payload) {
    this.send({ ...payload, to: this.peerSession, pc: this.pcId });
  }

  setIceServers(iceServers) {
    this.iceServers = iceServers;
    if (this.pc) {
      try {
        this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
      } catch (error) {
        // Some browsers refuse changes to a live connection's configuration: the next one gets them.
      }
    }
  }

  start(peerSession, localStream) {
    this.close();
    this.peerSession = peerSession;
    this.local = localStream;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.settingRemoteAnswer = false;
    this.pcId = newId();
    this.remotePcId = null;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    this.pc = pc;
    const remote = new MediaStream();
    this.onRemoteStream(remote);
    pc.addEventListener("track", ({ track }) => {
      remote.addTrack(track);
      track.addEventListener("ended", () => remote.removeTrack(track));
      this.onRemoteStream(remote);
    });
    pc.addEventListener("icecandidate", ({ candidate }) => {
      if (this.pc !== pc) return;
      this.signal({ candidate: candidate ? candidate.toJSON() : null });
    });
    pc.addEventListener("negotiationneeded", async () => {
      if (this.pc !== pc) return;
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        this.signal({ description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
      } catch (error) {
        console.warn("negotiation", error);
      } finally {
        this.makingOffer = false;
      }
    });
    pc.addEventListener("connectionstatechange", () => this.stateChanged(pc));
    for (const kind of ["audio", "video"]) {
      const track = localStream ? localStream.getTracks().find((t) => t.kind === kind) : null;
      if (track) pc.addTrack(track, localStream);
      // Without a camera or microphone we still receive the other side's.
      else pc.addTransceiver(kind, { direction: "recvonly" });
    }
    this.onState(pc.connectionState);
    this.statsTimer = setInterval(() => this.watchBandwidth(pc), 2000);
    // A connection that never comes up (a lost offer, a peer that restarted unseen): the impolite side
    // starts a new one, and the polite side follows its new offer.
    this.earlyWatchdog = setTimeout(() => {
      if (this.pc !== pc || pc.connectionState !== "new") return;
      if (this.polite) this.restartIce();
      else this.onStuck();
    }, NEVER_STARTED_MS);
    this.watchdog = setTimeout(() => {
      if (this.pc !== pc || pc.connectionState === "connected") return;
      if (this.polite) this.restartIce();
      else this.onStuck();
    }, STUCK_MS);
  }

  // One signal at a time, in arrival order: a candidate must wait until the description before it is
  // set, or addIceCandidate fails and the candidate is lost.
  handleSignal(message) {
    this.signals = this.signals.then(() => this.applySignal(message));
    return this.signals;
  }

  async applySignal(message) {
    const { description, candidate } = message;
    const pc = this.pc;
    if (!pc) return;
    if (message.pc) {
      if (this.remotePcId === null) this.remotePcId = message.pc;
      else if (message.pc !== this.remotePcId) {
        // Their new connection offers: follow it. Anything else from another connection is a leftover.
        if (description && description.type === "offer") this.onPeerRestarted(message);
        return;
      }
    }
    try {
      if (description) {
        // An answer is expected while our offer is out ("have-local-offer") or being set.
        const readyForOffer = !this.makingOffer && (pc.signalingState === "stable" || this.settingRemoteAnswer);
        const offerCollision = description.type === "offer" && !readyForOffer;
        this.ignoreOffer = !this.polite && offerCollision;
        if (this.ignoreOffer) return;
        this.settingRemoteAnswer = description.type === "answer";
        await pc.setRemoteDescription(description);
        this.settingRemoteAnswer = false;
        if (description.type === "offer") {
          await pc.setLocalDescription();
          this.signal({ description: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
        }
      } else if (candidate !== undefined) {
        try {
          await pc.addIceCandidate(candidate);
        } catch (error) {
          if (!this.ignoreOffer) console.warn("candidate", error);
        }
      }
    } catch (error) {
      console.warn("signal", error);
    }
  }

  stateChanged(pc) {
    if (this.pc !== pc) return;
    const state = pc.connectionState;
    this.onState(state);
    clearTimeout(this.disconnectTimer);
    if (state === "failed") {
      this.restartIce();
    } else if (state === "disconnected") {
      // Often a blip; if it lasts, look for a new path (a new network, a new address).
      this.disconnectTimer = setTimeout(() => {
        if (this.pc === pc && pc.connectionState === "disconnected") this.restartIce();
      }, DISCONNECTED_GRACE_MS);
    }
  }

  restartIce() {
    if (this.pc && this.pc.signalingState !== "closed") this.pc.restartIce();
  }

  get state() {
    return this.pc ? this.pc.connectionState : "new";
  }

  transceiverOf(kind) {
    if (!this.pc) return null;
    return this.pc.getTransceivers().find((t) => !t.stopped && t.receiver.track && t.receiver.track.kind === kind && t.sender) || null;
  }

  // Put a track (or nothing) on the sender of its kind: mute, camera off/on, screen share, another device.
  async setTrack(kind, track, stream) {
    if (!this.pc) return;
    const transceiver = this.transceiverOf(kind);
    if (transceiver) {
      await transceiver.sender.replaceTrack(track);
      if (track && transceiver.direction === "recvonly") transceiver.direction = "sendrecv"; // renegotiates
    } else if (track) {
      this.pc.addTrack(track, stream);
    }
  }

  // Audio-only fallback when the network cannot carry video: measured from the sender's own stats.
  async watchBandwidth(pc) {
    if (this.pc !== pc || pc.connectionState !== "connected") return;
    let available = null;
    let limited = false;
    try {
      const stats = await pc.getStats();
      stats.forEach((report) => {
        if (report.type === "candidate-pair" && report.nominated && report.availableOutgoingBitrate !== undefined) {
          available = report.availableOutgoingBitrate;
        }
        if (report.type === "outbound-rtp" && report.kind === "video" && report.qualityLimitationReason === "bandwidth") {
          limited = true;
        }
      });
    } catch (error) {
      return;
    }
    this.weakSamples = limited && available !== null && available < WEAK_BITRATE ? this.weakSamples + 1 : 0;
    if (this.weakSamples === WEAK_SAMPLES) this.onWeak();
  }

  close() {
    clearTimeout(this.disconnectTimer);
    clearTimeout(this.watchdog);
    clearTimeout(this.earlyWatchdog);
    clearInterval(this.statsTimer);
    if (this.pc) {
      const pc = this.pc;
      this.pc = null;
      pc.close();
      if (this.onClosed) this.onClosed(this.pcId);
    }
    this.peerSession = null;
    this.weakSamples = 0;
  }
}
