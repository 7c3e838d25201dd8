// The progress panel: one bar per phase, and the Timings line after a run.
'use strict';

(function (global) {
  const { $, num } = global.RC;
  const { PHASES } = global.ReelcheckEngine;

  // The bars are redrawn at most this often. A run sends a progress event per slice and per
  // archive, dozens a second; each redraw lays out and paints the page on the UI thread, which
  // shares the machine's cores with the workers (on 2 cores, redrawing every event cost a
  // run tens of milliseconds).
  const REDRAW_MS = 150;

  class ProgressView {
    constructor() {
      this.pending = new Map(); // phase -> its latest event not yet drawn (in order of arrival)
      this.timer = null;
      this.drawnAt = -Infinity;
    }

    reset() {
      this.pending.clear();
      clearTimeout(this.timer);
      this.timer = null;
      this.drawnAt = -Infinity;
      for (const p of PHASES) {
        $('ph-' + p).value = 0; $('ph-' + p).max = 1;
        $('ph-' + p + '-text').textContent = '';
        document.querySelector('.phase[data-phase="' + p + '"]').classList.remove('active', 'done');
      }
    }

    // An event is drawn at once when the bars have not been redrawn for REDRAW_MS (the first one
    // of a run, in the click's own task), otherwise with the others of the next REDRAW_MS: each
    // phase's latest event.
    update(event) {
      this.pending.delete(event.phase);
      this.pending.set(event.phase, event);
      if (this.timer) return;
      const wait = this.drawnAt + REDRAW_MS - performance.now();
      if (wait <= 0) this.flush();
      else this.timer = setTimeout(() => { this.timer = null; this.flush(); }, wait);
    }

    // Draws every event not drawn yet (the run's end calls it before showing the report).
    flush() {
      clearTimeout(this.timer);
      this.timer = null;
      this.drawnAt = performance.now();
      const events = [...this.pending.values()];
      this.pending.clear();
      for (const e of events) this.draw(e);
    }

    // Phases overlap: verifying starts as soon as the first certificate archive is unpacked,
    // while the others still are. A phase is done when it says so (verifying: once the total is
    // known, `final`), and every phase before reporting when reporting starts.
    draw({ phase, done, total, final }) {
      const idx = PHASES.indexOf(phase);
      if (idx < 0) return;
      if (phase === 'reporting') for (let i = 0; i < idx; i++) this.markDone(PHASES[i]);
      const bar = $('ph-' + phase);
      bar.max = Math.max(1, total);
      bar.value = Math.min(done, bar.max);
      const row = document.querySelector('.phase[data-phase="' + phase + '"]');
      const unit = { reading: ' files', decompressing: ' archives', verifying: ' certificates' }[phase] || '';
      if (phase === 'verifying' || total > 1) {
        $('ph-' + phase + '-text').textContent = num(done) + ' of ' + (final === false ? 'at least ' : '') + num(total) + unit;
      }
      if (done >= total && total > 0 && final !== false) {
        this.markDone(phase);
      } else {
        row.classList.remove('done');
        row.classList.add('active');
      }
    }

    markDone(name) {
      const row = document.querySelector('.phase[data-phase="' + name + '"]');
      row.classList.remove('active'); row.classList.add('done');
      const bar = $('ph-' + name); bar.value = bar.max;
    }

    // Per-phase wall time of the last run, on the page ("Timings" line) and for tools (bench/run.sh)
    // as window.__reelcheckTimings and #timings[data-timings]. Times and counts only, no secrets.
    // readMs: reading the files in this thread; renderMs: showing the report.
    showTimings(engine, elapsed, readMs, renderMs) {
      const t = engine.lastTimings;
      if (!t) return;
      const phases = Object.assign({}, t.phases);
      phases.reading = (phases.reading || 0) + readMs;
      phases.reporting = (phases.reporting || 0) + renderMs;
      const timings = {
        phases, total: elapsed, verifiers: t.verifiers, hardwareConcurrency: navigator.hardwareConcurrency || null,
        certificates: t.certificates, slices: t.slices, offsets: t.offsets, verifierBusy: t.verifierBusy, wasmHeapMiB: null,
        // How long before Verify the run began (when the bundle was chosen); 0 when it began at
        // Verify. The phases' offsets count from the run's beginning.
        begunBeforeVerify: t.begunBeforeVerify || 0,
        // Whether the keys archive opened with the key a verifier derived at Verify (run.js).
        keyDerivedAhead: !!t.keyDerivedAhead,
      };
      const render = () => {
        $('timings').textContent = 'Timings: ' + PHASES.filter((p) => p in phases)
          .map((p) => p + ' ' + (phases[p] / 1000).toFixed(2) + ' s').join(' · ') +
          ' · total ' + (timings.total / 1000).toFixed(2) + ' s' +
          (timings.wasmHeapMiB ? ' · wasm heap ' + timings.wasmHeapMiB.max + ' MiB' : '');
        $('timings').dataset.timings = JSON.stringify(timings);
        $('timings').hidden = false;
        global.__reelcheckTimings = timings;
      };
      render();
      engine.heapUsage().then((heap) => { timings.wasmHeapMiB = heap; render(); }).catch(() => {});
    }
  }

  global.RC.ProgressView = ProgressView;
})(window);
