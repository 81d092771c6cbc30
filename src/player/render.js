// Draws the model of one step: each structure in its own slot, the way the AR app shows it.
//
// Test hooks (stable): a slot is [data-structure=NAME][data-structure-id=ID][data-kind=KIND]
// with data-present and data-active; a cell has data-index (n-D: "r,c"), data-value and, when
// the step touched it, data-highlight (compare|iterate|write|swap|insert|append|push|peek|
// offer|set|get|add|find|highlight|declare|next|prev|head|tail). Removed things stay one step
// as [data-ghost] with data-highlight=pop|remove|delete. Linked-list nodes are [data-node=ID].

import { REF, isLoose } from './trace.js';

const SVG = 'http://www.w3.org/2000/svg';

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

// The value as the app prints it; references to other structures become their name.
export function fmt(v, model) {
  if (typeof v === 'string') {
    const m = REF.exec(v);
    if (m) {
      const target = model?.structs.get(m[2]);
      const node = model?.nodes.get(m[2]);
      if (target) return `→ ${target.name}`;
      if (node) return `→ node ${fmt(node.value, null)}`;
      return `→ ${m[1]}`;
    }
    return v;
  }
  if (v === undefined) return '?';
  if (v === null) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// data-value: strings as they are, anything else as JSON.
const dv = (v) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
const idxKey = (i) => (Array.isArray(i) ? i.join(',') : String(i));

function valueEl(v, model) {
  const span = h('span', { class: 'v', text: fmt(v, model) });
  if (typeof v === 'string' && REF.test(v)) {
    span.classList.add('ref');
    span.dataset.ref = REF.exec(v)[2];
    span.title = v;
  }
  return span;
}

function cell(v, index, how, model, extra = {}) {
  return h('div', {
    class: 'cell', role: 'listitem', 'data-index': idxKey(index), 'data-value': dv(v), 'data-highlight': how, ...extra,
  }, valueEl(v, model), h('span', { class: 'i', 'aria-hidden': 'true', text: idxKey(index) }));
}

function ghost(v, how, model, label) {
  return h('div', { class: 'cell ghost', 'data-ghost': true, 'data-highlight': how, 'data-value': dv(v), title: label },
    valueEl(v, model), h('span', { class: 'i', text: label }));
}

const highlightMap = (fx) => {
  const m = new Map();
  for (const { index, how } of fx?.highlights ?? []) m.set(idxKey(index), how);
  return m;
};

// ---- Arrays, vectors, strings ----------------------------------------------------------------

function cellRow(items, prefix, hl, model, removed) {
  const row = h('div', { class: 'cells', role: 'list' });
  items.forEach((v, i) => {
    const index = prefix.length ? [...prefix, i] : i;
    if (removed && removed.index === i) row.append(ghost(removed.value, 'remove', model, removed.known ? 'removed' : 'removed here'));
    row.append(cell(v, index, hl.get(idxKey(index)), model));
  });
  if (removed && removed.index >= items.length) row.append(ghost(removed.value, 'remove', model, 'removed'));
  if (!items.length && !removed) row.append(h('span', { class: 'empty', text: 'empty' }));
  return row;
}

function nd(body, prefix, hl, model) {
  const isGrid = body.length > 0 && body.every(Array.isArray);
  if (!isGrid) return cellRow(body, prefix, hl, model);
  const deeper = body.some((r) => r.some(Array.isArray));
  if (deeper) {
    // Three or more dimensions: one labelled grid per leading index.
    return h('div', { class: 'layers' }, ...body.map((sub, i) => h('div', { class: 'layer' },
      h('div', { class: 'layer-label', text: `[${[...prefix, i].join(', ')}, …]` }),
      Array.isArray(sub) ? nd(sub, [...prefix, i], hl, model) : cellRow([sub], [...prefix, i], hl, model))));
  }
  const cols = Math.max(...body.map((r) => r.length));
  const grid = h('div', { class: 'grid', role: 'table' });
  grid.append(h('div', { class: 'grid-row grid-head', role: 'row' }, h('span', { class: 'corner' }),
    ...Array.from({ length: cols }, (_, c) => h('span', { class: 'col-label', text: String(c) }))));
  body.forEach((r, ri) => {
    const row = h('div', { class: 'grid-row', role: 'row' }, h('span', { class: 'row-label', text: String(ri) }));
    r.forEach((v, ci) => {
      const index = [...prefix, ri, ci];
      row.append(cell(v, index, hl.get(idxKey(index)), model));
    });
    grid.append(row);
  });
  return grid;
}

function drawArray(rec, fx, model) {
  const body = Array.isArray(rec.body) ? rec.body : [rec.body];
  const hl = highlightMap(fx);
  return rec.kind === 'array' ? nd(body, [], hl, model) : cellRow(body, [], hl, model, fx?.removed);
}

function drawString(rec, fx, model) {
  const chars = Array.from(typeof rec.body === 'string' ? rec.body : fmt(rec.body, model));
  const row = cellRow(chars, [], highlightMap(fx), model);
  row.classList.add('chars');
  return row;
}

// ---- Stack, queue, priority queue -------------------------------------------------------------

function drawStack(rec, fx, model) {
  const body = Array.isArray(rec.body) ? rec.body : [];
  const pile = h('div', { class: 'pile', role: 'list' });
  const top = body.length - 1;
  // Drawn top first, so the pile reads the way it stands.
  for (let i = top; i >= 0; i--) {
    let how;
    if (i === top && fx?.op === 'push') how = 'push';
    if (i === top && fx?.op === 'top') how = 'peek';
    pile.append(cell(body[i], i, how, model, { 'data-top': i === top || undefined }));
  }
  if (!body.length) pile.append(h('span', { class: 'empty', text: 'empty' }));
  // A popped element is drawn just above the pile, on its way out.
  return h('div', { class: 'stack-wrap' },
    fx?.ghost ? ghost(fx.ghost.value, 'pop', model, 'popped') : null,
    h('span', { class: 'end-label', text: 'top ↓' }), pile);
}

const sameValue = (a, b) => a === b || JSON.stringify(a) === JSON.stringify(b);

function drawQueue(rec, fx, model) {
  const body = Array.isArray(rec.body) ? rec.body : [];
  const last = body.length - 1;
  const offered = fx?.op === 'offer' ? body.findIndex((v) => sameValue(v, fx.element)) : -1;
  const row = h('div', { class: 'cells queue-row', role: 'list' });
  body.forEach((v, i) => {
    let how;
    if (fx?.op === 'push' && i === last) how = 'push';
    if ((fx?.op === 'front' || fx?.op === 'peek') && i === 0) how = 'peek';
    if (fx?.op === 'back' && i === last) how = 'peek';
    if (i === offered) how = 'offer';
    row.append(cell(v, i, how, model, { 'data-front': i === 0 || undefined, 'data-back': i === last || undefined }));
  });
  if (!body.length) row.append(h('span', { class: 'empty', text: 'empty' }));
  return h('div', { class: 'queue-wrap' },
    fx?.ghost ? ghost(fx.ghost.value, 'pop', model, rec.kind === 'priorityqueue' ? 'polled' : 'popped') : null,
    h('span', { class: 'end-label', text: rec.kind === 'priorityqueue' ? 'front (smallest)' : 'front' }),
    row,
    h('span', { class: 'end-label', text: 'back' }));
}

// ---- Map, set, variable --------------------------------------------------------------------------

// Map bodies hold every key as Python's str() of it; a state's key is the key itself.
const pyStr = (k) => (typeof k === 'string' ? k : k === true ? 'True' : k === false ? 'False' : k === null ? 'None' : typeof k === 'object' ? JSON.stringify(k) : String(k));

function drawMap(rec, fx, model) {
  const body = rec.body && typeof rec.body === 'object' && !Array.isArray(rec.body) ? rec.body : {};
  const key = fx && 'key' in fx ? pyStr(fx.key) : null;
  const tbody = h('tbody');
  let seenKey = false;
  for (const [k, v] of Object.entries(body)) {
    const hit = k === key;
    seenKey ||= hit;
    tbody.append(h('tr', { 'data-key': k, 'data-value': dv(v), 'data-highlight': hit && (fx.op === 'set' || fx.op === 'get') ? fx.op : undefined },
      h('th', { scope: 'row' }, valueEl(k, model)), h('td', null, valueEl(v, model))));
  }
  if (fx?.ghost && !seenKey && fx.ghost.value !== 'none') {
    tbody.append(h('tr', { class: 'ghost', 'data-ghost': true, 'data-key': pyStr(fx.ghost.key), 'data-value': dv(fx.ghost.value), 'data-highlight': 'remove' },
      h('th', { scope: 'row' }, valueEl(pyStr(fx.ghost.key), model)), h('td', null, valueEl(fx.ghost.value, model))));
  }
  if (!Object.keys(body).length && !fx?.ghost) tbody.append(h('tr', { class: 'empty-row' }, h('td', { colspan: 2, class: 'empty', text: 'empty' })));
  return h('table', { class: 'map' }, h('thead', null, h('tr', null, h('th', { scope: 'col', text: 'key' }), h('th', { scope: 'col', text: 'value' }))), tbody);
}

function drawSet(rec, fx, model) {
  const body = Array.isArray(rec.body) ? rec.body : [];
  const group = h('div', { class: 'set-group', role: 'list' });
  body.forEach((v, i) => {
    const hit = fx && 'element' in fx && sameValue(v, fx.element);
    group.append(h('span', { class: 'chip cell', role: 'listitem', 'data-index': i, 'data-value': dv(v), 'data-highlight': hit && (fx.op === 'add' || fx.op === 'find') ? fx.op : undefined }, valueEl(v, model)));
  });
  if (fx?.ghost) group.append(h('span', { class: 'chip cell ghost', 'data-ghost': true, 'data-highlight': 'remove', 'data-value': dv(fx.ghost.value) }, valueEl(fx.ghost.value, model)));
  if (!body.length && !fx?.ghost) group.append(h('span', { class: 'empty', text: 'empty set' }));
  return group;
}

function drawVariable(rec, fx, model) {
  const changed = fx?.op === 'highlight' && 'last' in fx && !sameValue(fx.last, rec.value);
  return h('div', { class: 'var-box', 'data-value': dv(rec.value), 'data-highlight': fx?.op === 'highlight' ? 'highlight' : undefined },
    h('span', { class: 'var-value' }, valueEl(rec.value, model)),
    changed ? h('span', { class: 'var-last', 'data-last-value': dv(fx.last), text: `was ${fmt(fx.last, model)}` }) : null);
}

// ---- Linked lists ------------------------------------------------------------------------------

function arrow(dirs, how) {
  // One small SVG per link: → for next, ← for prev, both for a doubly linked pair.
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'link');
  svg.setAttribute('viewBox', '0 0 40 24');
  svg.setAttribute('width', '40');
  svg.setAttribute('height', '24');
  svg.setAttribute('data-arrow', dirs.join(' '));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', dirs.map((d) => (d === 'next' ? 'next pointer' : 'prev pointer')).join(' and '));
  if (how) svg.setAttribute('data-highlight', how);
  const line = (y, forward) => {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', forward ? `M2 ${y} H34 M28 ${y - 5} L35 ${y} L28 ${y + 5}` : `M38 ${y} H6 M12 ${y - 5} L5 ${y} L12 ${y + 5}`);
    p.setAttribute('class', forward ? 'next' : 'prev');
    svg.append(p);
  };
  if (dirs.includes('next') && dirs.includes('prev')) { line(7, true); line(17, false); } else line(12, dirs[0] === 'next');
  return svg;
}

function nodeEl(n, fx, model, list, pos) {
  let how;
  if (fx?.node === n.id) how = fx.op === 'declare' ? 'declare' : fx.op;
  const marks = [];
  if (list && list.head === n.id) marks.push('head');
  if (list && list.tail === n.id) marks.push('tail');
  const pointerHit = fx && fx.pointer && list && list[fx.pointer] === n.id;
  return h('div', {
    class: 'node cell', role: 'listitem', 'data-node': n.id, 'data-value': dv(n.value), 'data-index': pos,
    'data-highlight': how ?? (pointerHit ? fx.pointer : undefined),
    'data-head': marks.includes('head') || undefined, 'data-tail': marks.includes('tail') || undefined,
  },
  marks.length ? h('span', { class: 'ptr-label', 'data-pointer': marks.join(' '), text: marks.join(' / ') }) : null,
  valueEl(n.value, model));
}

const nullEl = () => h('span', { class: 'null', text: 'null' });

function chainFrom(start, model) {
  const chain = [];
  const seen = new Set();
  let at = start;
  while (at && model.nodes.has(at) && !seen.has(at)) {
    seen.add(at);
    chain.push(model.nodes.get(at));
    at = model.nodes.get(at).next;
  }
  return { chain, seen, end: at, cycle: at !== null && seen.has(at), dangling: at !== null && !seen.has(at) && !model.nodes.has(at) };
}

function linkHow(fx, from, dir) {
  return fx?.node === from && fx.link === dir ? dir : undefined;
}

function drawChain(nodes, { end, cycle, dangling }, fx, model, list, doubly) {
  const row = h('div', { class: 'chain', role: 'list' });
  if (doubly && nodes.length && !nodes[0].prev) row.append(nullEl(), arrow(['prev']));
  nodes.forEach((n, i) => {
    row.append(nodeEl(n, fx, model, list, i));
    const next = nodes[i + 1];
    if (next) {
      const dirs = ['next'];
      if (doubly && next.prev === n.id) dirs.push('prev');
      row.append(arrow(dirs, linkHow(fx, n.id, 'next') ?? linkHow(fx, next.id, 'prev')));
      if (doubly && next.prev !== n.id) row.append(h('span', { class: 'odd-ptr', text: `prev → ${describe(next.prev, model)}` }));
    }
  });
  const last = nodes[nodes.length - 1];
  if (last) {
    if (cycle) row.append(arrow(['next'], linkHow(fx, last.id, 'next')), h('span', { class: 'null', text: `↺ ${describe(end, model)}` }));
    else if (dangling) row.append(arrow(['next'], linkHow(fx, last.id, 'next')), h('span', { class: 'null', text: `${end} (deleted)` }));
    else row.append(arrow(['next'], linkHow(fx, last.id, 'next')), nullEl());
  }
  return row;
}

function describe(id, model) {
  if (!id) return 'null';
  const n = model.nodes.get(id);
  return n ? `node ${fmt(n.value, model)}` : `${id} (deleted)`;
}

// A node not on the list's chain (just made, or unlinked) is drawn beside it with its pointers.
function detachedEl(n, fx, model, doubly) {
  return h('div', { class: 'detached' },
    nodeEl(n, fx, model, null, undefined),
    h('span', { class: 'odd-ptr', 'data-highlight': linkHow(fx, n.id, 'next') }, `next → ${describe(n.next, model)}`),
    doubly ? h('span', { class: 'odd-ptr', 'data-highlight': linkHow(fx, n.id, 'prev') }, `prev → ${describe(n.prev, model)}`) : null);
}

function drawList(rec, fx, model) {
  const doubly = rec.kind === 'doublylinkedlist';
  const wrap = h('div', { class: 'list-wrap' });
  const walk = chainFrom(rec.head, model);
  if (rec.head && !model.nodes.has(rec.head)) wrap.append(h('p', { class: 'odd-ptr', text: `head → ${rec.head} (deleted)` }));
  if (walk.chain.length) wrap.append(drawChain(walk.chain, walk, fx, model, rec, doubly));
  else wrap.append(h('div', { class: 'chain' }, h('span', { class: 'ptr-label', text: 'head' }), arrow(['next']), nullEl()));
  if (doubly && rec.tail && !walk.seen.has(rec.tail)) wrap.append(h('p', { class: 'odd-ptr', 'data-pointer': 'tail', text: `tail → ${describe(rec.tail, model)}` }));
  const loose = [...model.nodes.values()].filter((n) => n.owner === rec.id && !walk.seen.has(n.id));
  if (loose.length) wrap.append(h('div', { class: 'detached-row' }, ...loose.map((n) => detachedEl(n, fx, model, doubly))));
  if (fx?.ghost && fx.id === rec.id) wrap.append(h('div', { class: 'detached-row' }, deletedNode(fx, model)));
  return wrap;
}

function deletedNode(fx, model) {
  return h('div', { class: 'node cell ghost', 'data-ghost': true, 'data-node': fx.node, 'data-highlight': 'delete', 'data-value': dv(fx.ghost.value) },
    valueEl(fx.ghost.value, model), h('span', { class: 'i', text: 'deleted' }));
}

function drawLoose(slot, fx, model) {
  const family = slot.id.endsWith('dll') ? 'dll' : 'll';
  const nodes = [...model.nodes.values()].filter((n) => n.family === family && !n.owner);
  const wrap = h('div', { class: 'detached-row' }, ...nodes.map((n) => detachedEl(n, fx, model, family === 'dll')));
  if (fx?.ghost && fx.id === slot.id) wrap.append(deletedNode(fx, model));
  if (!wrap.children.length) wrap.append(h('span', { class: 'empty', text: 'no nodes' }));
  return wrap;
}

const DRAW = {
  array: drawArray, vector: drawArray, string: drawString, stack: drawStack, queue: drawQueue,
  priorityqueue: drawQueue, map: drawMap, set: drawSet, variable: drawVariable,
  linkedlist: drawList, doublylinkedlist: drawList,
};

// What the step did to a structure, in a few words.
function note(rec, fx, model) {
  if (!fx || fx.id !== rec.id) return '';
  const ix = (i) => `[${Array.isArray(i) ? i.join(', ') : i}]`;
  const hs = fx.highlights ?? [];
  switch (fx.op) {
    case 'declare': return fx.node ? `node ${fmt(model.nodes.get(fx.node)?.value, model)} created` : 'declared';
    case 'iter':
      if (!hs.length) return '';
      return hs[0].how === 'write' ? `write at ${ix(hs[0].index)} (was ${fmt(fx.last, model)})` : `read ${ix(hs[0].index)}`;
    case 'compare': return `compare ${hs.map((x) => ix(x.index)).join(' and ')}`;
    case 'swap': return `swap ${hs.map((x) => ix(x.index)).join(' and ')}`;
    case 'insert': return hs.length ? `insert at ${ix(hs[0].index)}` : 'insert';
    case 'remove':
      if (fx.removed) return `remove at ${ix(fx.removed.index)}${fx.removed.known ? ` (${fmt(fx.removed.value, model)})` : ''}`;
      if (rec.kind === 'map') return fx.value === 'none' ? `remove ${fmt(fx.key, model)}: not found` : `remove ${fmt(fx.key, model)}`;
      return `remove ${fmt(fx.element, model)}`;
    case 'append': return `append ${hs.length} character${hs.length === 1 ? '' : 's'}`;
    case 'push': return `push ${fmt(fx.element, model)}`;
    case 'offer': return `offer ${fmt(fx.element, model)}`;
    case 'pop': return `pop ${fmt(fx.ghost?.value, model)}`;
    case 'poll': return `poll ${fmt(fx.ghost?.value, model)}`;
    case 'top': return 'look at the top';
    case 'front': case 'peek': return 'look at the front';
    case 'back': return 'look at the back';
    case 'set': return `set ${fmt(fx.key, model)} = ${fmt(fx.value, model)}${fx.last !== 'none' && fx.last !== undefined ? ` (was ${fmt(fx.last, model)})` : ' (new key)'}`;
    case 'get': {
      const found = rec.body && Object.prototype.hasOwnProperty.call(rec.body, pyStr(fx.key));
      return found ? `get ${fmt(fx.key, model)} → ${fmt(fx.value, model)}` : `get ${fmt(fx.key, model)}: not found, default ${fmt(fx.value, model)}`;
    }
    case 'add': return `add ${fmt(fx.element, model)}`;
    case 'find': return `find ${fmt(fx.element, model)}: ${fx.found ? 'found' : 'not found'}`;
    case 'highlight': return 'last' in fx ? `now ${fmt(rec.value, model)}` : 'look at it';
    case 'head': return `head → ${describe(rec.head, model)}`;
    case 'tail': return `tail → ${describe(rec.tail, model)}`;
    case 'next': return `next of node ${fmt(model.nodes.get(fx.node)?.value, model)} → ${describe(model.nodes.get(fx.node)?.next, model)}`;
    case 'prev': return `prev of node ${fmt(model.nodes.get(fx.node)?.value, model)} → ${describe(model.nodes.get(fx.node)?.prev, model)}`;
    case 'delete': return `node ${fmt(fx.ghost?.value, model)} deleted`;
    default: return '';
  }
}

const KIND_LABEL = {
  array: 'array', vector: 'vector', string: 'string', stack: 'stack', queue: 'queue', priorityqueue: 'priority queue',
  map: 'map', set: 'set', variable: 'variable', linkedlist: 'linked list', doublylinkedlist: 'doubly linked list', nodes: 'nodes',
};

// Owns the stage: one slot per structure of the trace, created once so each keeps its place.
export class Stage {
  constructor(root) {
    this.root = root;
    this.slots = new Map();
    this.drawn = new Map(); // slot id -> what was drawn last (record and whether fx touched it)
  }

  setSlots(slots) {
    this.root.replaceChildren();
    this.slots.clear();
    this.drawn.clear();
    for (const s of slots) {
      const body = h('div', { class: 'slot-body' });
      const noteEl = h('p', { class: 'slot-note', 'aria-live': 'off' });
      const el = h('section', {
        class: `slot kind-${s.kind}`, 'data-structure': s.name, 'data-structure-id': s.id, 'data-kind': s.kind,
        'data-present': 'false', 'aria-label': `${KIND_LABEL[s.kind] ?? s.kind} ${s.name}`,
      }, h('h3', { class: 'slot-name' }, h('span', { class: 'name', text: s.name }), h('span', { class: 'kind', text: KIND_LABEL[s.kind] ?? s.kind })),
      body, noteEl);
      this.root.append(el);
      this.slots.set(s.id, { ...s, el, body, noteEl });
    }
    if (!slots.length) this.root.append(h('p', { class: 'empty stage-empty', text: 'This trace declares no structure.' }));
  }

  // Redraws the slots this step changed. Records are immutable, so an unchanged record and no
  // highlight now or before means the slot is already right.
  render({ model, fx }, { animate = false, duration = 300 } = {}) {
    for (const slot of this.slots.values()) {
      const isLooseSlot = isLoose(slot.id);
      const rec = isLooseSlot ? null : model.structs.get(slot.id);
      const touched = fx && fx.id === slot.id;
      const last = this.drawn.get(slot.id);
      // Node changes do not replace the list's record, so lists are keyed by the node map too.
      const nodesKey = slot.kind === 'linkedlist' || slot.kind === 'doublylinkedlist' || isLooseSlot ? model.nodes : null;
      if (last && !touched && !last.touched && last.rec === rec && (!nodesKey || last.nodesKey === nodesKey)) continue;
      this.drawn.set(slot.id, { rec, touched, nodesKey });
      slot.el.dataset.active = touched ? 'true' : 'false';
      let content = null;
      if (isLooseSlot) {
        const any = [...model.nodes.values()].some((n) => !n.owner && slot.id.endsWith(`_${n.family}`));
        slot.el.dataset.present = any || touched ? 'true' : 'false';
        content = drawLoose(slot, touched ? fx : null, model);
        slot.noteEl.textContent = touched && fx.op === 'delete' ? `node ${fmt(fx.ghost?.value, model)} deleted` : '';
      } else if (rec) {
        slot.el.dataset.present = 'true';
        content = (DRAW[rec.kind] ?? ((r) => h('pre', { text: JSON.stringify(r) })))(rec, touched ? fx : null, model);
        slot.noteEl.textContent = note(rec, touched ? fx : null, model);
      } else {
        slot.el.dataset.present = 'false';
        content = h('p', { class: 'empty', text: `appears at state ${slot.firstStep}` });
        slot.noteEl.textContent = '';
      }
      slot.body.replaceChildren(content);
      if (touched && animate) this.animate(slot, fx, duration);
    }
  }

  // Swapped cells travel to each other's place; others flash. Runs only while playing or
  // stepping, never while scrubbing.
  animate(slot, fx, duration) {
    if (matchMedia('(prefers-reduced-motion: reduce)').matches) return;
    if (fx.swap) {
      const [a, b] = fx.swap.map((i) => slot.body.querySelector(`[data-index="${CSS.escape(idxKey(i))}"]`));
      if (!a || !b || a === b) return;
      const ra = a.getBoundingClientRect();
      const rb = b.getBoundingClientRect();
      const opts = { duration, easing: 'ease-in-out' };
      a.animate([{ transform: `translate(${rb.left - ra.left}px, ${rb.top - ra.top}px)` }, { transform: 'none' }], opts);
      b.animate([{ transform: `translate(${ra.left - rb.left}px, ${ra.top - rb.top}px)` }, { transform: 'none' }], opts);
    }
    for (const g of slot.body.querySelectorAll('[data-ghost]')) {
      g.animate([{ opacity: 1 }, { opacity: 0.35 }], { duration, fill: 'forwards' });
    }
  }
}
