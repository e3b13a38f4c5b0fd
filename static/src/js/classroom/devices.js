// The device check: camera preview, microphone level, a test sound, the choice of devices.

const VIDEO = { width: { ideal: 1280 }, height: { ideal: 720 } };

// The camera and microphone, falling back to sound only, then to nothing (the person can still
// watch, listen and write). `{stream, audioOnly, denied}`.
export async function getMedia({ camera, mic, video = true }) {
  const audio = mic ? { deviceId: mic } : true;
  const wanted = video ? { ...VIDEO, ...(camera ? { deviceId: camera } : {}) } : false;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return { stream: new MediaStream(), audioOnly: true, none: true };
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio, video: wanted });
    return { stream, audioOnly: !wanted };
  } catch (error) {
    if (error.name === "NotAllowedError" || error.name === "SecurityError") {
      return { stream: new MediaStream(), audioOnly: true, none: true, denied: true };
    }
  }
  try {
    // The camera failed (missing, busy, broken): sound only.
    return { stream: await navigator.mediaDevices.getUserMedia({ audio }), audioOnly: true };
  } catch (error) {
    // No microphone either.
  }
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ video: wanted || VIDEO }), audioOnly: false, noMic: true };
  } catch (error) {
    return { stream: new MediaStream(), audioOnly: true, none: true };
  }
}

export async function getTrack(kind, deviceId) {
  const constraints = kind === "video" ? { video: { ...VIDEO, deviceId } } : { audio: { deviceId } };
  const stream = await navigator.mediaDevices.getUserMedia(constraints);
  return stream.getTracks()[0];
}

export async function fillDeviceLists(selects, chosen, strings) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
  const devices = await navigator.mediaDevices.enumerateDevices();
  for (const select of selects) {
    const kind = select.dataset.device;
    const ofKind = devices.filter((device) => device.kind === kind);
    select.replaceChildren();
    ofKind.forEach((device, index) => {
      const option = document.createElement("option");
      option.value = device.deviceId;
      option.textContent = device.label || strings.device_n.replace("%(n)s", String(index + 1));
      if (device.deviceId === chosen[kind]) option.selected = true;
      select.append(option);
    });
    if (!ofKind.length) {
      const option = document.createElement("option");
      option.value = "";
      option.textContent = strings.default_device;
      select.append(option);
    }
  }
}

// The microphone's level on a <meter>, until stop() is called.
export function levelMeter(stream, meter) {
  const track = stream.getAudioTracks()[0];
  if (!track || !window.AudioContext) return { stop() {} };
  const context = new AudioContext();
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let frame = 0;
  const tick = () => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    const level = Math.min(1, Math.sqrt(sum / samples.length) * 4);
    meter.value = level;
    meter.textContent = `${Math.round(level * 100)}%`;
    frame = requestAnimationFrame(tick);
  };
  tick();
  return {
    stop() {
      cancelAnimationFrame(frame);
      context.close();
      meter.value = 0;
    },
  };
}

// A one-second tone on the chosen speaker.
export async function playTestSound(sinkId) {
  const context = new AudioContext();
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  oscillator.frequency.value = 523.25;
  gain.gain.setValueAtTime(0.0001, context.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.3, context.currentTime + 0.05);
  gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + 1);
  const destination = context.createMediaStreamDestination();
  oscillator.connect(gain).connect(destination);
  const audio = new Audio();
  audio.srcObject = destination.stream;
  if (sinkId && audio.setSinkId) await audio.setSinkId(sinkId);
  oscillator.start();
  await audio.play();
  await new Promise((resolve) => setTimeout(resolve, 1100));
  oscillator.stop();
  audio.pause();
  context.close();
}
