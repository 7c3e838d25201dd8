// The run's hub on the main thread: work items posted by the coordinator wait in a WorkQueue;
// dispatch() hands them to the verifier workers as each becomes free and passes each answer on.
// The scheduler knows nothing of what an item is: the run (run.js) says how an item is sent to a
// worker and what is done with its answer, so a new kind of work item changes run.js only.
'use strict';

(function (global) {
  const parts = global.RCEngine;

  // Items arrive while the coordinator still works (each certificate archive as soon as it is
  // unpacked); the queue is closed once the coordinator has said everything, or failed.
  class WorkQueue {
    constructor() {
      this.items = [];
      this.closed = false;
      this.error = null; // the first failure; every waiting and later next() throws it
      this.waiting = [];
    }

    push(item) {
      this.items.push(item);
      this.wake();
    }

    // Ahead of every item waiting: for the first worker that asks.
    pushFront(item) {
      this.items.unshift(item);
      this.wake();
    }

    // No more items will come.
    close() {
      this.closed = true;
      this.wake();
    }

    // The run cannot go on (a malformed item, open failed): the first reason is kept.
    fail(err) {
      this.error = this.error || err;
      this.wake();
    }

    wake() {
      const w = this.waiting;
      this.waiting = [];
      for (const f of w) f();
    }

    // The next item now, or undefined: the first one `prefer` likes, else the first.
    take(prefer) {
      const at = prefer ? this.items.findIndex(prefer) : -1;
      return at > 0 ? this.items.splice(at, 1)[0] : this.items.shift();
    }

    get ready() { return this.items.length > 0; }

    // The next item, waiting for the coordinator if needed; null once all are handed out.
    // stillCurrent() throws when the run was stopped meanwhile.
    async next(stillCurrent, prefer) {
      for (;;) {
        if (this.error) throw this.error;
        stillCurrent();
        if (this.items.length) return this.take(prefer);
        if (this.closed) return null;
        await new Promise((resolve) => this.waiting.push(resolve));
      }
    }
  }

  // Each worker takes the next item as soon as it has one, and keeps up to `depth` items queued
  // in its worker, so it never waits for a message round trip. Resolves when the queue is closed
  // and every answer is in; rejects with the first failure (the other workers' loops end too,
  // at their next answer).
  //   ready:          a promise to wait for before the first item (the workers' trust settings)
  //   send(w, item):  posts the item to worker w -> a promise of its checked answer
  //   receive(item, answer): called in each worker's order of sending
  //   stillCurrent(): throws when the run was stopped (cancel, clear, another run)
  //   prefers(w, item): whether worker w takes this item before the others (the items whose
  //                   data it holds); optional
  function dispatch({ queue, workers, ready, depth = 2, send, receive, stillCurrent, prefers }) {
    const loop = async (worker) => {
      await ready;
      const inFlight = [];
      const prefer = prefers ? (item) => prefers(worker, item) : null;
      const post = (item) => {
        const answer = send(worker, item).then((a) => ({ item, answer: a }));
        answer.catch(() => {}); // seen when awaited; unawaited ones belong to a failed run
        inFlight.push(answer);
      };
      for (;;) {
        while (inFlight.length < depth && queue.ready) post(queue.take(prefer));
        if (!inFlight.length) {
          const item = await queue.next(stillCurrent, prefer);
          if (!item) return;
          post(item);
          continue;
        }
        const { item, answer } = await inFlight.shift();
        stillCurrent();
        receive(item, answer);
      }
    };
    return Promise.all(workers.map(loop));
  }

  Object.assign(parts, { WorkQueue, dispatch });
})(typeof window !== 'undefined' ? window : self);
