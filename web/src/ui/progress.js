// The progress panel: one bar per phase, and the Timings line after a run.
'use strict';

(function (global) {
  const { $, num } = global.RC;
  const { PHASES } = global.ReelcheckEngine;

  class ProgressView {
    reset() {
      for (const p of PHASES) {
        $('ph-' + p).value = 0; $('ph-' + p).max = 1;
        $('ph-' + p + '-text').textContent = '';
        document.querySelector('.phase[data-phase="' + p + '"]').classList.remove('active', 'done');
      }
    }

    // Phases overlap: verifying starts as soon as the first certificate archive is unpacked,
    // while the others still are. A phase is done when it says so (verifying: once the total is
    // known, `final`), and every phase before reporting when reporting starts.
    update({ phase, done, total, final }) {
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
