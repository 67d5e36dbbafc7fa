/* The subject's collection page: consent, demographics, then one recording per prompt.
 *
 * Capture: getUserMedia (echo cancellation, noise suppression and automatic gain off) into a
 * Web Audio graph at the context's own rate (usually 48 kHz). An AnalyserNode drives the level
 * meter (RMS in dBFS); a ScriptProcessorNode copies the samples (mono). On Stop the samples are
 * resampled to the spec's rate with an OfflineAudioContext (the browser's band-limited
 * resampler; a box-filter + linear fallback if that fails), clipped to [-1, 1], converted to
 * PCM at the spec's bit depth (16-bit, a TTS studio's 24-bit ...) and wrapped in a 44-byte
 * RIFF/WAVE header. The WAV goes to
 * /api/v1/collect/visit/prompts/<id>/recording as audio/wav with the invitation token in the
 * X-Collect-Token header; the answer carries the automatic checks' verdict and reasons.
 */
(function () {
  "use strict";
  const root = document.getElementById("collect");
  if (!root) return;
  const token = root.dataset.token;
  const targetRate = parseInt(root.dataset.rate, 10) || 16000;
  const targetBits = [8, 16, 24, 32].includes(parseInt(root.dataset.bits, 10)) ? parseInt(root.dataset.bits, 10) : 16;
  const S = JSON.parse(document.getElementById("collect-strings").textContent);
  // each quota cell's code label ("age_band=18-39 / gender=female") in the page's words
  const CELLS = JSON.parse((document.getElementById("collect-cells") || {}).textContent || "{}");
  const cellWords = (label) => (label && CELLS[label]) || label || "";
  const API = "/api/v1/collect/visit";
  const $ = (id) => document.getElementById(id);
  let state = null;
  let current = null;
  let rec = null;

  async function call(path, options) {
    const opts = options || {};
    opts.headers = Object.assign({ "X-Collect-Token": token }, opts.headers || {});
    const resp = await fetch(API + path, opts);
    const body = await resp.json().catch(() => ({}));
    if (!resp.ok) {
      const known = body.reason_code && S["collect.err." + body.reason_code];
      throw new Error(known ? known.replace("{cell}", cellWords(body.cell)) : (body.detail || resp.statusText));
    }
    return body;
  }

  // "<label> <text>", without the space after full-width punctuation (Chinese: "出错了：原因")
  function joined2(label, text) {
    return /[\u3000-\u303f\uff01-\uff60]$/.test(label) ? label + text : label + " " + text;
  }

  // A stored check reason ("snr: estimated SNR ...") as advice in the page's language when the
  // page has one for that check (not on English pages: there the check's own sentence shows)
  // (the server's code for it, when it gives one: prompt_coverage for a take that stops early)
  function reasonText(reason, code) {
    const m = /^([a-z_]+): /.exec(reason);
    const known = code || (m && m[1]);
    return (known && S["collect.fix." + known]) || reason;
  }

  function reasonsText(reasons, codes) {
    const shown = [];
    reasons.forEach((r, i) => {
      const x = reasonText(r, codes && codes[i]);
      if (!shown.includes(x)) shown.push(x);
    });
    return shown.join(/[\u3000-\u303f\uff01-\uff60]$/.test(shown[0] || "") ? "" : "; ");
  }

  function say(text, cls) {
    const m = $("message");
    m.textContent = text || "";
    m.className = cls || "";
  }

  function render(s) {
    state = s;
    $("done").textContent = String(s.done);
    const consentForm = $("consent-form");
    if (s.consent) {
      if (consentForm) consentForm.hidden = true;
      $("signed").hidden = false;
      $("signed-by").textContent = S["collect.signed_by"].replace("{name}", s.consent.signature)
        .replace("{version}", String(s.consent.version));
    }
    // answers once sent are fixed (a refusal included): the form is not offered again, and a
    // refused subject sees why collection is closed for them
    $("demo-step").hidden = !s.consent || s.enrolled || s.demographics_locked;
    $("record-step").hidden = !(s.consent && (s.enrolled || s.demographics_locked));
    $("closed").hidden = !s.closed;
    const closed = s.closed_code && S["collect.err." + s.closed_code];
    $("closed").textContent = !s.closed ? "" : closed ? closed.replace("{cell}", cellWords(s.closed_cell)) : joined2(S["collect.closed"], s.closed);
    const list = $("prompts");
    list.textContent = "";
    for (const p of s.prompts) {
      const li = document.createElement("li");
      li.dataset.state = p.state;
      li.dataset.testid = "prompt-" + p.position;
      li.textContent = p.text + " — " + S["collect.state." + p.state];
      if (p.state === "rerecord" && p.reasons.length) {
        li.textContent = S["collect.with_reasons"].replace("{text}", li.textContent)
          .replace("{reasons}", reasonsText(p.reasons, p.checks));
      } else if (p.retired_takes > 0) {  // re-recorded: the latest take is kept, the rest retired
        li.dataset.retired = p.retired_takes;
        li.textContent = S["collect.with_reasons"].replace("{text}", li.textContent)
          .replace("{reasons}", S["collect.take_current"].replace("{attempt}", p.attempts)
            .replace("{retired}", p.retired_takes));
      }
      list.appendChild(li);
    }
    const open = s.prompts.filter((p) => p.state === "rerecord" || (p.state === "todo" && !s.closed));
    open.sort((a, b) => (a.state === "rerecord" ? 0 : 1) - (b.state === "rerecord" ? 0 : 1) || a.position - b.position);
    current = open.length ? open[0] : null;
    if (current) {
      $("current").hidden = false;
      $("current-pos").textContent = current.position + " / " + s.total;
      $("current-text").textContent = current.text;
      // the checks refused it, or a reviewer (or the project) asked for it again
      const why = current.asked_by === "people" ? S["collect.asked_again"] : S["collect.failed"];
      $("current-reasons").textContent = current.state === "rerecord" ? joined2(why, reasonsText(current.reasons, current.checks)) : "";
    } else {
      $("current").hidden = true;
    }
    $("all-done").hidden = !(s.total && s.done === s.total);
  }

  async function load() {
    try { render(await call("")); } catch (err) { say(joined2(S["collect.error"], err.message), "error"); }
  }

  const consentForm = $("consent-form");
  if (consentForm) {
    consentForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const fd = new FormData(consentForm);
      try {
        render(await call("/consent", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ signature: fd.get("signature"), version: parseInt(consentForm.dataset.version, 10) }) }));
        say("");
      } catch (err) { say(joined2(S["collect.error"], err.message), "error"); }
    });
  }

  $("demo-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const fd = new FormData(ev.target);
    try {
      render(await call("/demographics", { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ gender: fd.get("gender"), age: parseInt(fd.get("age"), 10),
          accent: fd.get("accent") || "", device: fd.get("device") || "" }) }));
      say("");
    } catch (err) { say(joined2(S["collect.error"], err.message), "error"); }
  });

  async function startRecording() {
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1,
        echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    } catch (err) { say(joined2(S["collect.no_mic"], err.message), "error"); return; }
    const ctx = new (window.AudioContext || window.webkitAudioContext)();
    const source = ctx.createMediaStreamSource(stream);
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 2048;
    const proc = ctx.createScriptProcessor(4096, 1, 1);
    const mute = ctx.createGain();
    mute.gain.value = 0;
    const chunks = [];
    proc.onaudioprocess = (e) => { chunks.push(new Float32Array(e.inputBuffer.getChannelData(0))); };
    source.connect(analyser);
    source.connect(proc);
    proc.connect(mute);
    mute.connect(ctx.destination);
    const buf = new Float32Array(analyser.fftSize);
    let raf = 0;
    const meter = () => {
      analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (let i = 0; i < buf.length; i++) sum += buf[i] * buf[i];
      const db = Math.max(-60, 20 * Math.log10(Math.sqrt(sum / buf.length) + 1e-9));
      $("level").value = db;
      $("level-db").textContent = db.toFixed(0) + " dBFS";
      raf = requestAnimationFrame(meter);
    };
    meter();
    rec = { stream, ctx, proc, source, chunks, stopMeter: () => cancelAnimationFrame(raf) };
    $("record").disabled = true;
    $("stop").disabled = false;
    $("result").textContent = "";
  }

  function joined(chunks) {
    let n = 0;
    for (const c of chunks) n += c.length;
    const out = new Float32Array(n);
    let o = 0;
    for (const c of chunks) { out.set(c, o); o += c.length; }
    return out;
  }

  function fallbackResample(data, from, to) {
    if (from === to) return data;
    const ratio = from / to;
    const n = Math.floor(data.length / ratio);
    const out = new Float32Array(n);
    const half = Math.max(0, Math.floor(ratio / 2));
    for (let i = 0; i < n; i++) {
      const pos = i * ratio;
      if (ratio > 1) {  // box low-pass over the source samples the output sample spans
        const a = Math.max(0, Math.floor(pos) - half), b = Math.min(data.length - 1, Math.floor(pos) + half);
        let s = 0;
        for (let j = a; j <= b; j++) s += data[j];
        out[i] = s / (b - a + 1);
      } else {
        const j = Math.floor(pos), f = pos - j;
        out[i] = data[j] * (1 - f) + (data[Math.min(j + 1, data.length - 1)] * f);
      }
    }
    return out;
  }

  async function resample(data, from, to) {
    if (from === to) return data;
    try {
      const frames = Math.max(1, Math.ceil(data.length * to / from));
      const off = new OfflineAudioContext(1, frames, to);
      const b = off.createBuffer(1, data.length, from);
      b.copyToChannel(data, 0);
      const src = off.createBufferSource();
      src.buffer = b;
      src.connect(off.destination);
      src.start();
      const rendered = await off.startRendering();
      return rendered.getChannelData(0);
    } catch (err) {
      return fallbackResample(data, from, to);
    }
  }

  // PCM WAV at the spec's bit depth (8: unsigned; 16, 24, 32: signed little-endian): the
  // float samples carry about 24 bits, so a 24-bit studio spec gets real 24-bit takes
  function wav(samples, rate, bits) {
    const width = bits / 8;
    const size = samples.length * width;
    const bytes = new ArrayBuffer(44 + size);
    const v = new DataView(bytes);
    const text = (o, s) => { for (let i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i)); };
    text(0, "RIFF"); v.setUint32(4, 36 + size, true); text(8, "WAVE");
    text(12, "fmt "); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
    v.setUint32(24, rate, true); v.setUint32(28, rate * width, true); v.setUint16(32, width, true);
    v.setUint16(34, bits, true); text(36, "data"); v.setUint32(40, size, true);
    const top = 2 ** (bits - 1);
    for (let i = 0; i < samples.length; i++) {
      const s = Math.max(-1, Math.min(1, samples[i]));
      const q = s < 0 ? Math.round(s * top) : Math.round(s * (top - 1));
      const o = 44 + i * width;
      if (bits === 8) v.setUint8(o, q + 128);
      else if (bits === 16) v.setInt16(o, q, true);
      else if (bits === 32) v.setInt32(o, q, true);
      else { v.setUint8(o, q & 0xff); v.setUint8(o + 1, (q >> 8) & 0xff); v.setUint8(o + 2, (q >> 16) & 0xff); }
    }
    return new Blob([bytes], { type: "audio/wav" });
  }

  async function stopRecording() {
    if (!rec) return;
    const r = rec;
    rec = null;
    r.stopMeter();
    r.proc.onaudioprocess = null;
    r.source.disconnect();
    r.proc.disconnect();
    r.stream.getTracks().forEach((tr) => tr.stop());
    const rate = r.ctx.sampleRate;
    await r.ctx.close();
    $("stop").disabled = true;
    const prompt = current;
    if (!prompt) { $("record").disabled = false; return; }
    $("result").textContent = S["collect.uploading"];
    $("result").className = "muted";
    try {
      const samples = await resample(joined(r.chunks), rate, targetRate);
      const out = await call("/prompts/" + prompt.id + "/recording", { method: "POST",
        headers: { "Content-Type": "audio/wav" }, body: wav(samples, targetRate, targetBits) });
      $("result").textContent = out.passed ? S["collect.passed"] : joined2(S["collect.failed"], reasonsText(out.reasons, out.checks));
      $("result").title = out.passed ? "" : out.reasons.join("; ");
      $("result").className = out.passed ? "ok" : "error";
      $("result").dataset.passed = out.passed ? "1" : "0";
      $("result").dataset.item = String(out.item_id);
      render(out.state);
    } catch (err) {
      $("result").textContent = joined2(S["collect.error"], err.message);
      $("result").className = "error";
      $("result").dataset.passed = "error";
    }
    $("record").disabled = false;
  }

  $("record").addEventListener("click", startRecording);
  $("stop").addEventListener("click", stopRecording);
  load();
})();
