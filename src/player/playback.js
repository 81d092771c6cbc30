// Playback of a loaded trace: the controls, the scrubber, the keyboard and what one step shows
// (stage, caption, state type, the state's JSON, unknown states).

import { Trace } from './trace.js';
import { Stage } from './render.js';

const $ = (id) => document.getElementById(id);

export class Playback {
  constructor({ onStep } = {}) {
    this.root = $('player');
    this.stage = new Stage($('stage'));
    this.trace = null;
    this.step = 0; // 1-based; 0 = nothing loaded
    this.timer = 0;
    this.playing = false;
    this.onStep = onStep ?? (() => {});
    this.pendingScrub = null;
    this.el = {
      first: $('first-button'), back: $('back-button'), play: $('play-button'), forward: $('forward-button'),
      last: $('last-button'), scrubber: $('scrubber'), label: $('step-label'), speed: $('speed'),
      json: $('json-button'), jsonPre: $('state-json'), caption: $('caption'), type: $('state-type'),
      unknown: $('unknown'), unknownMsg: $('unknown-message'), unknownJson: $('unknown-json'),
    };
    this.wire();
    this.syncControls();
  }

  wire() {
    const e = this.el;
    e.first.addEventListener('click', () => this.go(1));
    e.back.addEventListener('click', () => this.go(this.step - 1, { animate: true }));
    e.forward.addEventListener('click', () => this.go(this.step + 1, { animate: true }));
    e.last.addEventListener('click', () => this.go(this.total));
    e.play.addEventListener('click', () => this.toggle());
    e.speed.addEventListener('change', () => { if (this.playing) { this.pause(); this.play(); } });
    // Input events come faster than frames while dragging: keep only the latest and draw it
    // on the next frame, so a 20,000-state scrub never queues up work.
    e.scrubber.addEventListener('input', () => {
      this.pause();
      this.pendingScrub = Number(e.scrubber.value);
      if (this.scrubFrame) return;
      this.scrubFrame = requestAnimationFrame(() => {
        this.scrubFrame = 0;
        const target = this.pendingScrub;
        this.pendingScrub = null;
        if (target !== null) this.go(target);
      });
    });
    e.json.addEventListener('click', () => {
      const open = e.json.getAttribute('aria-pressed') !== 'true';
      e.json.setAttribute('aria-pressed', String(open));
      e.jsonPre.hidden = !open;
      this.showJson();
    });
    document.addEventListener('keydown', (ev) => this.key(ev));
  }

  key(ev) {
    if (!this.trace || ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const t = ev.target;
    const tag = t && t.tagName;
    // Typing in a field, or a key a focused control handles itself, is left alone.
    if (tag === 'TEXTAREA' || tag === 'SELECT' || (t && t.isContentEditable)) return;
    if (tag === 'INPUT' && t.type !== 'range' && t.type !== 'button' && t.type !== 'checkbox') return;
    if (tag === 'INPUT' && t.type === 'range' && ev.key !== ' ') return;
    if ((tag === 'BUTTON' || tag === 'SUMMARY' || tag === 'A') && (ev.key === ' ' || ev.key === 'Enter')) return;
    switch (ev.key) {
      case 'ArrowRight': this.pause(); this.go(this.step + 1, { animate: true }); break;
      case 'ArrowLeft': this.pause(); this.go(this.step - 1, { animate: true }); break;
      case ' ': this.toggle(); break;
      case 'Home': this.pause(); this.go(1); break;
      case 'End': this.pause(); this.go(this.total); break;
      default: return;
    }
    ev.preventDefault();
  }

  get total() { return this.trace ? this.trace.length : 0; }

  // Loads states and shows `step` (1-based). Returns the time the replay took, in ms.
  load(states, { step = 1 } = {}) {
    this.pause();
    const started = performance.now();
    this.trace = new Trace(states);
    this.stage.setSlots(this.trace.slots);
    const ms = performance.now() - started;
    this.root.dataset.total = String(this.total);
    this.root.dataset.loadMs = ms.toFixed(1);
    this.el.scrubber.max = String(Math.max(1, this.total));
    this.step = 0;
    if (this.total) this.go(step);
    else this.showEmpty();
    this.syncControls();
    return ms;
  }

  clear() {
    this.pause();
    this.trace = null;
    this.step = 0;
    this.stage.setSlots([]);
    this.showEmpty();
    this.syncControls();
  }

  showEmpty() {
    this.root.dataset.step = '0';
    this.root.dataset.total = String(this.total);
    delete this.root.dataset.stateType;
    this.el.caption.textContent = this.trace ? 'The trace has no states.' : '';
    this.el.type.textContent = '';
    this.el.unknown.hidden = true;
    this.el.label.textContent = '0 / 0';
    this.showJson();
  }

  go(step, { animate = false } = {}) {
    if (!this.trace || !this.total) return;
    const target = Math.min(Math.max(1, Math.round(Number(step) || 1)), this.total);
    const forwardByOne = target === this.step + 1;
    const started = performance.now();
    const frame = this.trace.at(target - 1);
    this.step = target;
    this.current = frame;
    const duration = Math.min(400, 0.8 * this.interval());
    this.stage.render(frame, { animate: animate && forwardByOne, duration });
    const { state, fx } = frame;
    const stateType = state && typeof state === 'object' ? String(state.state_type ?? '') : '';
    this.el.type.textContent = stateType;
    const comments = state && typeof state === 'object' && typeof state.comments === 'string' ? state.comments : '';
    this.el.caption.textContent = comments;
    this.el.caption.dataset.empty = comments ? 'false' : 'true';
    if (fx && fx.unknown) {
      this.el.unknown.hidden = false;
      this.el.unknownMsg.textContent = `This state cannot be drawn (${fx.problem}); it is shown as it came:`;
      this.el.unknownJson.textContent = JSON.stringify(state, null, 2);
      this.el.unknown.dataset.stateType = stateType;
    } else {
      this.el.unknown.hidden = true;
    }
    this.root.dataset.step = String(target);
    this.root.dataset.stateType = stateType;
    this.root.dataset.renderMs = (performance.now() - started).toFixed(2);
    this.el.scrubber.value = String(target);
    this.el.label.textContent = `${target} / ${this.total}`;
    this.showJson();
    this.syncControls();
    this.onStep(target);
  }

  showJson() {
    if (this.el.jsonPre.hidden) return;
    this.el.jsonPre.textContent = this.current && this.trace ? JSON.stringify(this.current.state, null, 2) : '';
  }

  interval() { return 1000 / Number(this.el.speed.value || 2); }

  play() {
    if (!this.trace || !this.total) return;
    if (this.step >= this.total) this.go(1);
    this.playing = true;
    const tick = () => {
      if (!this.playing) return;
      if (this.step >= this.total) { this.pause(); return; }
      this.go(this.step + 1, { animate: true });
      this.timer = setTimeout(tick, this.interval());
    };
    this.timer = setTimeout(tick, this.interval());
    this.syncControls();
  }

  pause() {
    this.playing = false;
    clearTimeout(this.timer);
    this.syncControls();
  }

  toggle() { if (this.playing) this.pause(); else this.play(); }

  syncControls() {
    const e = this.el;
    if (!e) return;
    const none = !this.trace || !this.total;
    e.first.disabled = none || this.step <= 1;
    e.back.disabled = none || this.step <= 1;
    e.forward.disabled = none || this.step >= this.total;
    e.last.disabled = none || this.step >= this.total;
    e.play.disabled = none;
    e.scrubber.disabled = none;
    e.play.textContent = this.playing ? 'Pause' : 'Play';
    e.play.setAttribute('aria-label', this.playing ? 'Pause' : 'Play');
    this.root.dataset.playing = String(this.playing);
  }
}
