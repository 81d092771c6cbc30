// Replays a state trace into a model of every structure, one step at a time.
//
// A trace is a list of states {state_type, state_def, comments}. Most states carry the
// structure's whole body, but linked lists are built node by node, so the model at step N can
// only be known by replaying from the start. To keep stepping backwards correct and cheap, the
// whole trace is replayed once on load and a checkpoint of the model is kept every K states;
// any step is then its checkpoint plus at most K replayed states. Nothing is ever "undone".
//
// Records in the model are never mutated, only replaced, so a checkpoint is a shallow copy of
// two Maps and bodies are shared with the states they came from.

export const REF = /^\$ARgorithmToolkit\.([A-Za-z_]+):(.+)$/;

// The kind each state-type prefix draws as (data-kind in the page).
const KIND_OF_PREFIX = {
  array: 'array', vector: 'vector', string: 'string', stack: 'stack', queue: 'queue',
  priorityqueue: 'priorityqueue', map: 'map', set: 'set', variable: 'variable',
  ll: 'linkedlist', dll: 'doublylinkedlist',
};
const LOOSE_PREFIX = '__loose_';

export class Model {
  constructor(structs = new Map(), nodes = new Map(), lastList = {}) {
    this.structs = structs; // id -> record {id, name, kind, ...}
    this.nodes = nodes; // node id -> {id, family, value, next, prev, owner}
    this.lastList = lastList; // family -> id of the list last declared or moved
  }
  clone() {
    return new Model(new Map(this.structs), new Map(this.nodes), { ...this.lastList });
  }
}

const isNone = (p) => p === undefined || p === null || p === 'none' || p === 'None';
const ptr = (p) => (isNone(p) ? null : String(p));

function need(def) {
  if (def === null || typeof def !== 'object' || Array.isArray(def)) {
    throw new Error('state_def is not an object');
  }
  if (def.id === undefined || def.id === null) throw new Error('state_def has no id');
  return def;
}

// A structure seen without its declare state (a trace cut from the middle, a hand-made one) is
// created from what the state carries rather than refused.
function upsert(model, kind, def, fields) {
  const id = String(def.id);
  const prev = model.structs.get(id);
  const same = prev && prev.kind === kind ? prev : null;
  const rec = {
    ...(same ?? {}),
    ...fields,
    id, kind,
    name: def.variable_name !== undefined && def.variable_name !== null ? String(def.variable_name) : (same ? same.name : id),
  };
  model.structs.set(id, rec);
  return { rec, prev: prev && prev.kind === kind ? prev : null };
}

function bodyOf(def, prev, fallback) {
  if (def.body !== undefined) return def.body;
  return prev ? prev.body : fallback;
}

function linear(kind) {
  return (model, def, op) => {
    need(def);
    const old = model.structs.get(String(def.id));
    const body = bodyOf(def, old && old.kind === kind ? old : null, kind === 'string' ? '' : []);
    const { rec, prev } = upsert(model, kind, def, { body });
    const fx = { id: rec.id, op, highlights: [] };
    const hl = (index, how) => { if (index !== undefined && index !== null) fx.highlights.push({ index, how }); };
    switch (op) {
      case 'declare': fx.declared = true; break;
      case 'iter':
        if ('value' in def) { hl(def.index, 'write'); fx.last = def.last_value; } else hl(def.index, 'iterate');
        break;
      case 'compare': hl(def.index1, 'compare'); hl(def.index2, 'compare'); break;
      case 'swap':
        hl(def.index1, 'swap'); hl(def.index2, 'swap');
        fx.swap = [def.index1, def.index2];
        break;
      case 'insert': hl(def.index, 'insert'); break;
      case 'remove': {
        // The state names only the index; the removed value is what the step before held there.
        const before = prev && Array.isArray(prev.body) ? prev.body[def.index] : undefined;
        fx.removed = { index: def.index, value: before, known: before !== undefined };
        break;
      }
      case 'append': {
        const n = Array.from(String(body)).length;
        const k = Array.from(String(def.element ?? '')).length;
        for (let i = n - k; i < n; i++) hl(i, 'append');
        break;
      }
      case 'push': fx.element = def.element; fx.at = kind === 'stack' ? 'top' : 'back'; break;
      case 'offer': fx.element = def.element; break;
      case 'pop': case 'poll': fx.ghost = { value: def.element, how: 'pop' }; break;
      case 'top': fx.at = 'top'; break;
      case 'front': case 'peek': fx.at = 'front'; break;
      case 'back': fx.at = 'back'; break;
      default: throw new Error(`unknown ${kind} operation`);
    }
    return fx;
  };
}

function mapOp(model, def, op) {
  need(def);
  const old = model.structs.get(String(def.id));
  const body = bodyOf(def, old && old.kind === 'map' ? old : null, {});
  const { rec } = upsert(model, 'map', def, { body });
  const fx = { id: rec.id, op };
  if (op === 'declare') fx.declared = true;
  else if (op === 'set') { fx.key = def.key; fx.value = def.value; fx.last = def.last_value; }
  else if (op === 'get') { fx.key = def.key; fx.value = def.value; }
  else if (op === 'remove') { fx.key = def.key; fx.value = def.value; fx.ghost = { key: def.key, value: def.value }; }
  else throw new Error('unknown map operation');
  return fx;
}

function setOp(model, def, op) {
  need(def);
  const old = model.structs.get(String(def.id));
  const body = bodyOf(def, old && old.kind === 'set' ? old : null, []);
  const { rec } = upsert(model, 'set', def, { body });
  const fx = { id: rec.id, op, element: def.element };
  if (op === 'declare') fx.declared = true;
  else if (op === 'remove') fx.ghost = { value: def.element, how: 'remove' };
  else if (op === 'find') fx.found = def.found;
  else if (op !== 'add') throw new Error('unknown set operation');
  return fx;
}

function variableOp(model, def, op) {
  need(def);
  const { rec } = upsert(model, 'variable', def, { value: def.value });
  const fx = { id: rec.id, op };
  if (op === 'declare') fx.declared = true;
  else if (op === 'highlight') { if ('last_value' in def) fx.last = def.last_value; }
  else throw new Error('unknown variable operation');
  return fx;
}

function listOp(family) {
  const kind = KIND_OF_PREFIX[family];
  return (model, def, op) => {
    need(def);
    const old = model.structs.get(String(def.id));
    const fields = {};
    const fx = { id: String(def.id), op };
    if ('head' in def || op === 'declare') fields.head = ptr(def.head);
    if (family === 'dll' && ('tail' in def || op === 'declare')) fields.tail = ptr(def.tail);
    if (op === 'declare') fx.declared = true;
    else if (op === 'head') { fx.pointer = 'head'; fx.from = ptr(def.last_head); }
    else if (op === 'tail' && family === 'dll') { fx.pointer = 'tail'; fx.from = ptr(def.last_tail); }
    else throw new Error(`unknown ${family} operation`);
    const { rec } = upsert(model, kind, def, fields);
    if (old === undefined) { rec.head ??= null; if (family === 'dll') rec.tail ??= null; }
    model.lastList[family] = rec.id;
    // A node the list points at is part of that list from now on (for drawing it when detached).
    for (const p of [rec.head, rec.tail]) adopt(model, p, rec.id);
    return fx;
  };
}

function adopt(model, nodeId, owner) {
  if (!nodeId || !owner) return;
  const n = model.nodes.get(nodeId);
  if (n && n.owner !== owner) model.nodes.set(nodeId, { ...n, owner });
}

function nodeOp(family) {
  return (model, def, op) => {
    need(def);
    const id = String(def.id);
    const prev = model.nodes.get(id);
    const fx = { node: id, op, family };
    if (op === 'delete') {
      fx.ghost = prev ? { value: prev.value, owner: prev.owner } : { value: undefined, owner: null };
      fx.id = prev && prev.owner ? prev.owner : looseId(family);
      model.nodes.delete(id);
      return fx;
    }
    const owner = prev ? prev.owner : (model.lastList[family] ?? null);
    const rec = {
      id, family, owner,
      value: 'value' in def ? def.value : prev?.value,
      next: 'next' in def ? ptr(def.next) : (prev?.next ?? null),
      prev: family === 'dll' ? ('prev' in def ? ptr(def.prev) : (prev?.prev ?? null)) : null,
    };
    model.nodes.set(id, rec);
    if (op === 'declare') fx.declared = true;
    else if (op === 'next') { fx.link = 'next'; fx.from = ptr(def.last_next); adopt(model, rec.next, owner); }
    else if (op === 'prev' && family === 'dll') { fx.link = 'prev'; fx.from = ptr(def.last_prev); adopt(model, rec.prev, owner); }
    else throw new Error(`unknown ${family}node operation`);
    fx.id = owner ?? looseId(family);
    return fx;
  };
}

export const looseId = (family) => LOOSE_PREFIX + family;
export const isLoose = (id) => id.startsWith(LOOSE_PREFIX);

const HANDLERS = {};
for (const kind of ['array', 'vector', 'string', 'stack', 'queue', 'priorityqueue']) {
  const ops = {
    array: ['declare', 'iter', 'compare', 'swap'],
    vector: ['declare', 'iter', 'compare', 'swap', 'insert', 'remove'],
    string: ['declare', 'iter', 'append'],
    stack: ['declare', 'push', 'pop', 'top'],
    queue: ['declare', 'push', 'pop', 'front', 'back'],
    priorityqueue: ['declare', 'offer', 'poll', 'peek'],
  }[kind];
  const fn = linear(kind);
  for (const op of ops) HANDLERS[`${kind}_${op}`] = (m, d) => fn(m, d, op);
}
for (const op of ['declare', 'set', 'get', 'remove']) HANDLERS[`map_${op}`] = (m, d) => mapOp(m, d, op);
for (const op of ['declare', 'add', 'remove', 'find']) HANDLERS[`set_${op}`] = (m, d) => setOp(m, d, op);
for (const op of ['declare', 'highlight']) HANDLERS[`variable_${op}`] = (m, d) => variableOp(m, d, op);
for (const op of ['declare', 'head']) HANDLERS[`ll_${op}`] = ((fn) => (m, d) => fn(m, d, op))(listOp('ll'));
for (const op of ['declare', 'head', 'tail']) HANDLERS[`dll_${op}`] = ((fn) => (m, d) => fn(m, d, op))(listOp('dll'));
for (const op of ['declare', 'next', 'delete']) HANDLERS[`llnode_${op}`] = ((fn) => (m, d) => fn(m, d, op))(nodeOp('ll'));
for (const op of ['declare', 'next', 'prev', 'delete']) HANDLERS[`dllnode_${op}`] = ((fn) => (m, d) => fn(m, d, op))(nodeOp('dll'));
HANDLERS.comment = () => ({ comment: true });

// Applies one state to the model (in place) and says what it did, for highlighting. Never
// throws: a state that cannot be applied leaves the model as it was and is reported.
export function apply(model, state) {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    return { unknown: true, problem: 'not a state object' };
  }
  const handler = Object.prototype.hasOwnProperty.call(HANDLERS, state.state_type) ? HANDLERS[state.state_type] : null;
  if (!handler) return { unknown: true, problem: `unknown state type ${JSON.stringify(state.state_type)}` };
  // Handlers check the state_def before they write anything, so a malformed state that throws
  // leaves the model as it was.
  try {
    return handler(model, state.state_def);
  } catch (e) {
    return { unknown: true, problem: `${state.state_type}: ${e.message}` };
  }
}

// Tells apart the three shapes a loaded file may have. Returns {cases:[{label, parameters,
// states, status, detail}]} or throws an Error whose message is for the user.
export function normalizeInput(value) {
  const isStateList = (v) => Array.isArray(v);
  if (isStateList(value)) return { cases: [{ label: 'trace', states: value }] };
  if (value && typeof value === 'object') {
    if (Array.isArray(value.cases)) {
      const cases = value.cases.map((c, i) => {
        if (!c || !Array.isArray(c.states)) throw new Error(`case ${i + 1} has no "states" list`);
        return { label: `case ${i + 1}: ${JSON.stringify(c.parameters ?? {})}`, parameters: c.parameters, states: c.states };
      });
      if (!cases.length) throw new Error('the golden file has no cases');
      return { scenario: value.scenario, cases };
    }
    if (isStateList(value.data)) {
      return { cases: [{ label: String(value.status ?? 'run'), states: value.data, status: value.status, detail: value.detail }] };
    }
  }
  throw new Error('expected a JSON array of states, a run answer {"status","data"} or a golden file {"scenario","cases"}');
}

// Checkpoint spacing: about the square root of the length, so neither the memory for the
// checkpoints nor the replay on a seek grows faster than that.
const spacingFor = (n) => Math.max(32, Math.ceil(Math.sqrt(n)));

export class Trace {
  constructor(states) {
    if (!Array.isArray(states)) throw new Error('a trace is a list of states');
    this.states = states;
    this.K = spacingFor(states.length);
    this.checkpoints = [];
    this.slots = []; // {id, kind, name, firstStep} in order of first appearance: the layout
    this.problems = 0;
    const seen = new Map();
    const model = new Model();
    for (let i = 0; i < states.length; i++) {
      if (i % this.K === 0) this.checkpoints.push(model.clone());
      const fx = apply(model, states[i]);
      if (fx.unknown) this.problems++;
      const rec = fx.id !== undefined ? model.structs.get(fx.id) : undefined;
      if (rec && !seen.has(rec.id)) { seen.set(rec.id, true); this.slots.push({ id: rec.id, kind: rec.kind, name: rec.name, firstStep: i + 1 }); }
      // Nodes no list owns are drawn in one "loose nodes" slot per family.
      if (fx.node) {
        const n = model.nodes.get(fx.node);
        if (n && !n.owner) {
          const id = looseId(n.family);
          if (!seen.has(id)) { seen.set(id, true); this.slots.push({ id, kind: 'nodes', name: n.family === 'dll' ? 'doubly linked nodes' : 'nodes', firstStep: i + 1 }); }
        }
      }
    }
    this.length = states.length;
  }

  // The model after state `index` (0-based) and what that state did.
  at(index) {
    if (index < 0 || index >= this.length) throw new RangeError(`no state ${index}`);
    const c = Math.floor(index / this.K);
    const model = this.checkpoints[c].clone();
    let fx = null;
    for (let i = c * this.K; i <= index; i++) fx = apply(model, this.states[i]);
    return { model, fx, state: this.states[index] };
  }
}
