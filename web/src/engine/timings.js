// The run's per-phase times, from its progress events. Times and counts only, never a secret.
'use strict';

(function (global) {
  const parts = global.RCEngine;
  const { PHASES } = global.ReelcheckProtocol;
  const now = () => performance.now();

  // Phases overlap (verifying starts while later archives are still unpacked): each one's time
  // runs from its first progress event to its last; reporting ends when the run does.
  class PhaseClock {
    constructor() {
      this.started = now();
      this.spans = {};
    }

    mark(phase) {
      const t = now();
      const span = this.spans[phase] || (this.spans[phase] = { start: t, end: t });
      span.end = t;
    }

    // -> {phases: {reading, ...} in ms, offsets (each phase's start after the run's), total}
    finish() {
      const finished = now();
      const phases = {};
      const offsets = {};
      for (const p of PHASES) {
        if (!(p in this.spans)) continue;
        const end = p === 'reporting' ? finished : this.spans[p].end;
        phases[p] = Math.max(0, end - this.spans[p].start);
        offsets[p] = this.spans[p].start - this.started;
      }
      return { phases, offsets, total: finished - this.started };
    }
  }

  Object.assign(parts, { PhaseClock, PHASES });
})(typeof window !== 'undefined' ? window : self);
