// The chip table's status filter and search (chip ID, part of one, or a chip's UID, answered by
// the core's lookup: BundleSession.lookUp).
'use strict';

(function (global) {
  const { $, num } = global.RC;

  function setUpChipSearch(state, grid, engine) {
    let searchExact = null; // chip ID from the core's lookup
    let searchText = '';
    function applyFilter() {
      let rows = state.chips;
      if (state.filter !== 'all') rows = rows.filter((c) => c.status === state.filter);
      if (searchExact) rows = rows.filter((c) => c.chip_id === searchExact);
      else if (searchText) rows = rows.filter((c) => c.chip_id.includes(searchText));
      grid.setRows(rows);
      return rows;
    }
    $('status-filter').addEventListener('change', (e) => {
      if (e.target.name !== 'status') return;
      state.filter = e.target.value;
      applyFilter();
    });

    // What was typed is answered by the core (look_up_chip, as the CLI's lookup): it reads chip
    // IDs and UIDs, and says in its own words what it found. The page only filters the table
    // by the answer, or, while a partial ID is typed, by the text as it stands.
    let searchSeq = 0;
    async function runSearch(openIt) {
      const raw = $('search-input').value.trim();
      const seq = ++searchSeq;
      if (!raw) { searchExact = null; searchText = ''; $('search-status').textContent = ''; applyFilter(); return; }
      let answer = null;
      try { answer = await engine.lookup(raw); } catch (e) { answer = null; }
      if (seq !== searchSeq) return;
      const said = answer && answer.message ? answer.message.charAt(0).toUpperCase() + answer.message.slice(1) + '.' : '';
      if (answer && answer.chip_id && (answer.answer === 'found' || answer.answer === 'not_in_reel')) {
        searchExact = answer.chip_id; searchText = '';
        const chip = answer.answer === 'found' ? state.chips.find((c) => c.chip_id === answer.chip_id) : null;
        if (chip && state.filter !== 'all' && chip.status !== state.filter) {
          state.filter = 'all';
          document.querySelector('#status-filter input[value="all"]').checked = true;
        }
        $('search-status').textContent = said;
        applyFilter();
        if (chip && openIt) grid.open(0);
        return;
      }
      // Not a chip ID or UID (yet): the rows whose ID contains what was typed, and the core's
      // sentence once the user asks for it (Enter).
      searchExact = null;
      searchText = raw.toUpperCase();
      const rows = applyFilter();
      const count = num(rows.length) + ' chip' + (rows.length === 1 ? '' : 's') + ' contain ' + raw + '.';
      $('search-status').textContent = openIt || !answer ? [said, count].filter(Boolean).join(' ') : count;
    }
    let searchTimer = 0;
    $('search-input').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => runSearch(false), 150); });
    $('search-form').addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(searchTimer); runSearch(true); });


    // A new report's rows and the view's counts per status (report_view.js has checked that
    // they agree), failed chips first when there are any (they should catch the eye).
    function showChips(rows, counts) {
      state.chips = rows;
      $('f-all').textContent = num(counts.chips);
      $('f-ok').textContent = num(counts.ok);
      $('f-failed').textContent = num(counts.failed);
      $('f-extra').textContent = num(counts.extra);
      const initial = counts.failed ? 'failed' : 'all';
      document.querySelector('#status-filter input[value="' + initial + '"]').checked = true;
      state.filter = initial;
      applyFilter();
      $('chips-panel').hidden = false;
    }

    function reset() {
      searchSeq++;
      searchExact = null; searchText = '';
      $('search-input').value = '';
      $('search-status').textContent = '';
    }
    return { showChips, reset };
  }

  global.RC.setUpChipSearch = setUpChipSearch;
})(window);
