"""What a WebRTC browser test (and bench/classroom_first_frame.py) gives Chromium: flags and page scripts."""

MEDIA_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--autoplay-policy=no-user-gesture-required",
]

# Test-only instrumentation: keep every RTCPeerConnection in window.__pcs (for getStats) and drop
# every ICE candidate that is not on 127.0.0.1, outgoing (the icecandidate event) and incoming.
LOOPBACK_ONLY = """
(() => {
  const Native = window.RTCPeerConnection;
  const onLoopback = (c) => !c || !c.candidate || c.candidate.split(" ")[4] === "127.0.0.1";
  window.__pcs = [];
  window.__dropped = 0;
  const keep = (event) => {
    if (onLoopback(event.candidate)) return true;
    window.__dropped += 1;
    return false;
  };
  class LoopbackPeerConnection extends Native {
    constructor(config) {
      super({ ...(config || {}), iceServers: [] });
      window.__pcs.push(this);
    }
    addEventListener(type, listener, options) {
      if (type !== "icecandidate") return super.addEventListener(type, listener, options);
      return super.addEventListener(type, (event) => { if (keep(event)) listener.call(this, event); }, options);
    }
    set onicecandidate(listener) {
      super.onicecandidate = listener && ((event) => { if (keep(event)) listener.call(this, event); });
    }
    get onicecandidate() { return super.onicecandidate; }
    addIceCandidate(candidate, ...rest) {
      if (candidate && !onLoopback(candidate)) { window.__dropped += 1; return Promise.resolve(); }
      return super.addIceCandidate(candidate, ...rest);
    }
  }
  window.RTCPeerConnection = LoopbackPeerConnection;
})();
"""

# The newest connection's figures: decoded video frames and the selected pair's two addresses.
CALL_STATS = """
async () => {
  const pc = window.__pcs[window.__pcs.length - 1];
  if (!pc) return null;
  const stats = await pc.getStats();
  let frames = 0, pairId = null;
  const byId = new Map();
  const remoteAddresses = [];
  stats.forEach((r) => {
    byId.set(r.id, r);
    if (r.type === "inbound-rtp" && r.kind === "video") frames += r.framesDecoded || 0;
    if (r.type === "transport" && r.selectedCandidatePairId) pairId = r.selectedCandidatePairId;
    if (r.type === "remote-candidate") remoteAddresses.push(r.address || r.ip);
  });
  const pair = pairId && byId.get(pairId);
  const end = (id) => {
    const c = id && byId.get(id);
    return c ? { address: c.address || c.ip || "", port: c.port, type: c.candidateType } : null;
  };
  return {
    count: window.__pcs.length, state: pc.connectionState, frames,
    local: pair ? end(pair.localCandidateId) : null, remote: pair ? end(pair.remoteCandidateId) : null,
    remoteAddresses,
  };
}
"""
