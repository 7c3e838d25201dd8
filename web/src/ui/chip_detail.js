// The detail panel for one chip: each slot's certificate and verdict, the secrets masked until
// the user explicitly reveals them (fetched from the coordinator worker on demand, dropped
// from the DOM again on "Hide").
'use strict';

(function (global) {
  const { $, h, describeError, plainKind, plainStatus } = global.RC;

  const SLOT_TITLES = {
    E0E0: 'E0E0 — device certificate (EC P-256)',
    E0E1: 'E0E1 — shielded-connection certificate (EC P-256)',
    E0E2: 'E0E2 — device certificate (RSA 2048)',
  };

  function dl(pairs) {
    return h('dl', null, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v, mono]) => [
      h('dt', { text: k }), h('dd', { class: mono ? 'mono' : null, text: String(v) })]));
  }

  function slotSection(slot, cert) {
    const head = h('h4', null, SLOT_TITLES[slot]);
    if (!cert) {
      head.append(h('span', { class: 'pill none', text: 'none' }));
      return h('section', { class: 'slot', 'aria-label': slot }, head, h('p', { class: 'hint', text: 'No certificate for this slot.' }));
    }
    // The core's verdict for the certificate, as in the report: never worked out again here. A
    // record without one reads as invalid (fail closed).
    const good = cert.verdict === 'ok';
    head.append(h('span', { class: 'pill ' + (good ? 'ok' : 'failed'), text: good ? 'valid' : 'invalid' }));
    const problems = (cert.problems || []).length
      ? h('ul', { class: 'reasons' }, cert.problems.map((p) => h('li', { 'data-code': p.code, title: plainKind(p.code) }, p.message)))
      : null;
    return h('section', { class: 'slot', 'data-slot': slot, 'aria-label': slot },
      head, problems,
      dl([
        ['Subject', cert.subject],
        ['Issuer', cert.issuer],
        ['Serial', cert.serial, true],
        ['Valid from', cert.not_before, true],
        ['Valid until', cert.not_after, true],
        ['Key type', cert.key_type],
        ['Chain', (cert.chain || []).join(' → ')],
        ['SHA-256', cert.fingerprint_sha256, true],
        ['File', cert.archive ? cert.archive + ' / ' + cert.file : cert.file, true],
      ]));
  }

  class ChipDetail {
    constructor(engine) {
      this.engine = engine;
      this.body = $('detail-body');
      this.empty = $('detail-empty');
      this.heading = $('detail-heading');
      this.chip = null;
      this.seq = 0;
    }

    clear() {
      this.seq++;
      this.chip = null;
      this.body.replaceChildren();
      this.empty.hidden = false;
      this.heading.textContent = 'Chip details';
    }

    secretBlock(label, key, info) {
      const wrap = h('div', { class: 'secret', 'data-secret': key });
      if (!info || !info.present) {
        wrap.append(h('h4', null, label, h('span', { class: 'pill missing', text: 'missing' })));
        return wrap;
      }
      const value = h('span', { class: 'secret-value', 'data-testid': 'secret-' + key, text: '•••••••• masked' });
      const button = h('button', { type: 'button', class: 'button secondary small', 'aria-pressed': 'false', text: 'Reveal' });
      button.addEventListener('click', async () => {
        if (button.getAttribute('aria-pressed') === 'true') {
          value.textContent = '•••••••• masked';
          button.textContent = 'Reveal';
          button.setAttribute('aria-pressed', 'false');
          return;
        }
        try {
          const chipId = this.chip && this.chip.chip_id;
          const r = await this.engine.secrets(chipId);
          if (!this.chip || this.chip.chip_id !== chipId) return;
          value.textContent = r[key] || '(not in the keys archive)';
          button.textContent = 'Hide';
          button.setAttribute('aria-pressed', 'true');
        } catch (e) {
          value.textContent = describeError(e.code, e.message).title;
        }
      });
      wrap.append(
        h('h4', null, label, h('span', { class: 'pill ok', text: info.size + ' bytes' })),
        dl([['Fingerprint', info.fingerprint, true]]),
        h('div', { class: 'secret-row' }, value, button));
      return wrap;
    }

    // row: the chip's row of the report view; its full record (certificates, secrets info) comes
    // from the coordinator, which keeps the report.
    async show(row) {
      const seq = ++this.seq;
      this.chip = row;
      this.empty.hidden = true;
      this.heading.textContent = 'Chip ' + row.chip_id;
      let chip;
      try {
        chip = await this.engine.chip(row.chip_id);
      } catch (e) {
        if (seq !== this.seq) return;
        this.body.replaceChildren(h('p', { class: 'hint', text: describeError(e.code, e.message).title }));
        return;
      }
      if (seq !== this.seq) return; // another row was opened meanwhile
      this.chip = chip;
      this.render(chip);
    }

    render(chip) {
      const reasons = (chip.reasons || []).length
        ? h('ul', { class: 'reasons', 'aria-label': 'Reasons' }, chip.reasons.map((r) => h('li', { 'data-code': r.code, title: plainKind(r.code) }, r.message)))
        : null;
      this.body.replaceChildren(...[
        h('p', null, h('span', { class: 'pill ' + chip.status, 'data-testid': 'detail-status', text: plainStatus(chip.status) })),
        reasons,
        dl([['Chip ID', chip.chip_id, true], ['Batch', chip.batch, true], ['Wafer X / Y', chip.wafer_x + ' / ' + chip.wafer_y, true]]),
        ...['E0E0', 'E0E1', 'E0E2'].map((s) => slotSection(s, chip.certificates && chip.certificates[s])),
        h('section', { class: 'slot', 'aria-label': 'Secrets' },
          h('p', { class: 'hint', text: 'Secrets stay masked until you reveal them. They are never stored or sent.' }),
          this.secretBlock('Platform binding secret (PBS, 0xE140)', 'pbs', chip.pbs),
          this.secretBlock('Authorization reference (0xF1D0)', 'auth', chip.auth)),
      ].filter(Boolean));
    }
  }

  global.RC.ChipDetail = ChipDetail;
})(window);
