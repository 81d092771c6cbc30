// The parameter form of an ARgorithm, generated from its declared parameters, and the check
// that values fit them. The check mirrors the server's `parameters_fit`
// (src/argorithm_config.rs) rule for rule and message for message, so the page can say at once
// what the server would say; the server stays the authority.

const ITEM_TYPES = ['INT', 'FLOAT', 'STRING'];
const ALLOWED_KEYS = {
  INT: ['type', 'description', 'start', 'end'],
  FLOAT: ['type', 'description', 'start', 'end'],
  STRING: ['type', 'description', 'size'],
  ARRAY: ['type', 'description', 'item-type', 'size'],
  MATRIX: ['type', 'description', 'item-type', 'row', 'col'],
};

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
// serde_json's is_i64 / as_u64 for numbers the page holds (JSON numbers become JS numbers).
const isI64 = (v) => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 2 ** 63;
const asU64 = (v) => (isI64(v) && v >= 0 ? v : null);
// Rust's `{}` of an f64 prints 0.0 as "0" and 1.5 as "1.5", as JS does.
const num = (x) => String(x);

class SpecError extends Error {}

function parseKind(at, spec) {
  if (!isObject(spec)) throw new SpecError(`\`${at}\` must be an object`);
  const ty = spec.type;
  if (typeof ty !== 'string') throw new SpecError(`\`${at}.type\` must be one of INT, FLOAT, STRING, ARRAY, MATRIX`);
  if (typeof spec.description !== 'string') throw new SpecError(`\`${at}.description\` must be a string`);
  const allowed = ALLOWED_KEYS[ty];
  if (!allowed) throw new SpecError(`\`${at}.type\` is ${JSON.stringify(ty)}; it must be one of INT, FLOAT, STRING, ARRAY, MATRIX`);
  const extra = Object.keys(spec).find((k) => !allowed.includes(k));
  if (extra !== undefined) throw new SpecError(`\`${at}.${extra}\` is not allowed for a ${ty} parameter`);
  const bound = (key) => {
    if (!(key in spec)) return null;
    const v = spec[key];
    if (typeof v === 'number' && (ty === 'FLOAT' || isI64(v))) return v;
    throw new SpecError(`\`${at}.${key}\` must be ${ty === 'INT' ? 'an integer' : 'a number'}`);
  };
  const size = (key) => {
    if (!(key in spec)) return null;
    const v = spec[key];
    if (asU64(v) !== null) return { fixed: v };
    if (typeof v === 'string') return { ref: v };
    throw new SpecError(`\`${at}.${key}\` must be a non-negative integer or the name of an INT parameter`);
  };
  const item = () => {
    if (ITEM_TYPES.includes(spec['item-type'])) return spec['item-type'];
    throw new SpecError(`\`${at}.item-type\` must be one of INT, FLOAT, STRING`);
  };
  switch (ty) {
    case 'INT': case 'FLOAT': return { type: ty, start: bound('start'), end: bound('end') };
    case 'STRING': return { type: ty, size: size('size') };
    case 'ARRAY': return { type: ty, item: item(), size: size('size') };
    default: {
      const it = item();
      const row = size('row');
      if (!row) throw new SpecError(`\`${at}.row\` is missing`);
      const col = size('col');
      if (!col) throw new SpecError(`\`${at}.col\` is missing`);
      return { type: ty, item: it, row, col };
    }
  }
}

// [{name, kind, description}] in declared order, or throws a SpecError (the declaration itself
// is wrong; the server would refuse any parameters with the same message).
export function parseSpecs(parameters) {
  if (!isObject(parameters)) throw new SpecError('config field `parameters` must be an object');
  const specs = [];
  for (const [name, spec] of Object.entries(parameters)) {
    const at = `parameters.${name}`;
    if (!/^[A-Za-z]/.test(name)) throw new SpecError(`\`${at}\`: a parameter name must start with a letter`);
    specs.push({ name, kind: parseKind(at, spec), description: spec.description });
  }
  for (const { name, kind } of specs) {
    const refs = kind.type === 'MATRIX' ? [kind.row, kind.col] : (kind.size ? [kind.size] : []);
    for (const r of refs) {
      if (r.ref !== undefined && !specs.some((s) => s.name === r.ref && s.kind.type === 'INT')) {
        throw new SpecError(`\`parameters.${name}\` refers to \`${r.ref}\`, which is not an INT parameter`);
      }
    }
  }
  return specs;
}

function checkBounds(name, x, start, end) {
  // Inclusive, as the toolkit's input form treats them (`value < start`, `value > end`).
  if (start !== null && x < start) return `\`${name}\` must be at least ${num(start)}`;
  if (end !== null && x > end) return `\`${name}\` must be at most ${num(end)}`;
  return null;
}

function checkItems(name, items, item) {
  const ok = { INT: isI64, FLOAT: (v) => typeof v === 'number', STRING: (v) => typeof v === 'string' }[item];
  const i = items.findIndex((v) => !ok(v));
  if (i < 0) return null;
  return `element ${i} of \`${name}\` must be ${{ INT: 'an integer', FLOAT: 'a number', STRING: 'a string' }[item]}`;
}

// The error of one parameter, or null; `values` is the whole object (sizes may refer to other
// parameters).
export function checkOne(spec, values) {
  const { name, kind } = spec;
  // A named size takes the named value, negative ones included (see argorithm_config.rs).
  const resolve = (size) => (size.fixed !== undefined ? size.fixed : (isI64(values[size.ref]) ? values[size.ref] : null));
  if (!(name in values) || values[name] === undefined) return `\`${name}\` is missing`;
  const v = values[name];
  switch (kind.type) {
    case 'INT':
      if (!isI64(v)) return `\`${name}\` must be an integer`;
      return checkBounds(name, v, kind.start, kind.end);
    case 'FLOAT':
      if (typeof v !== 'number') return `\`${name}\` must be a number`;
      return checkBounds(name, v, kind.start, kind.end);
    case 'STRING': {
      if (typeof v !== 'string') return `\`${name}\` must be a string`;
      const want = kind.size ? resolve(kind.size) : null;
      if (want !== null && Array.from(v).length !== want) return `\`${name}\` must be ${want} characters long`;
      return null;
    }
    case 'ARRAY': {
      if (!Array.isArray(v)) return `\`${name}\` must be an array`;
      const bad = checkItems(name, v, kind.item);
      if (bad) return bad;
      const want = kind.size ? resolve(kind.size) : null;
      if (want !== null && v.length !== want) return `\`${name}\` must have ${want} elements`;
      return null;
    }
    default: {
      if (!Array.isArray(v)) return `\`${name}\` must be an array of rows`;
      const asked = resolve(kind.row);
      const rows = asked === null ? null : Math.max(asked, 0);
      if (rows !== null && v.length !== rows) return `\`${name}\` must have ${rows} rows`;
      const cols = resolve(kind.col);
      for (let i = 0; i < v.length; i++) {
        const r = v[i];
        if (!Array.isArray(r)) return `row ${i} of \`${name}\` must be an array`;
        if (cols !== null && r.length !== cols) return `row ${i} of \`${name}\` must have ${cols} elements`;
        const bad = checkItems(name, r, kind.item);
        if (bad) return bad;
      }
      return null;
    }
  }
}

// The server's answer to "do these values fit?": null, or its first complaint.
export function parametersFit(parameters, values) {
  let specs;
  try { specs = parseSpecs(parameters); } catch (e) { return e.message; }
  if (!isObject(values)) return 'parameters must be a JSON object';
  const extra = Object.keys(values).find((k) => !specs.some((s) => s.name === k));
  if (extra !== undefined) return `\`${extra}\` is not a declared parameter`;
  for (const s of specs) {
    const e = checkOne(s, values);
    if (e) return e;
  }
  return null;
}

// ---- From form text to JSON values and back -------------------------------------------------

const INT_RE = /^[+-]?\d+$/;
const NUM_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

// A number typed as a number becomes one; anything else stays text, so the fit check names
// the element at fault exactly as the server would.
function scalar(text, type) {
  const t = text.trim();
  if (type === 'STRING') return text;
  if (type === 'INT' ? INT_RE.test(t) : NUM_RE.test(t)) return Number(t);
  if (type === 'INT' && NUM_RE.test(t)) return Number(t); // 1.5 -> "must be an integer"
  return t;
}

function list(text, item) {
  const t = text.trim();
  if (t === '') return [];
  if (t.startsWith('[')) return JSON.parse(t);
  return t.split(',').map((p) => (item === 'STRING' ? p.trim() : scalar(p, item)));
}

// Parses one field's text. Returns {value} or {error} (text the page could not read at all).
export function readField(kind, text) {
  try {
    switch (kind.type) {
      case 'INT': case 'FLOAT': {
        if (text.trim() === '') return { value: undefined };
        return { value: scalar(text, kind.type) };
      }
      case 'STRING': return { value: text };
      case 'ARRAY': return { value: list(text, kind.item) };
      default: {
        const t = text.trim();
        if (t.startsWith('[')) return { value: JSON.parse(t) };
        return { value: t.split('\n').filter((line) => line.trim() !== '').map((line) => list(line, kind.item)) };
      }
    }
  } catch (e) {
    return { error: `not valid JSON (${e.message})` };
  }
}

const plainItem = (v) => typeof v === 'number' || (typeof v === 'string' && v === v.trim() && v !== '' && !v.includes(',') && !v.startsWith('['));

// The text a field shows for a value (the config's example, or a URL's parameters).
export function writeField(kind, value) {
  if (value === undefined || value === null) return '';
  switch (kind.type) {
    case 'INT': case 'FLOAT': return typeof value === 'number' ? String(value) : String(value);
    case 'STRING': return typeof value === 'string' ? value : JSON.stringify(value);
    case 'ARRAY':
      if (Array.isArray(value) && value.every(plainItem)) return value.join(', ');
      return JSON.stringify(value);
    default:
      if (Array.isArray(value) && value.length && value.every((r) => Array.isArray(r) && r.length && r.every(plainItem))) {
        return value.map((r) => r.join(', ')).join('\n');
      }
      return JSON.stringify(value);
  }
}

export function describeKind(kind) {
  const size = (s) => (s.fixed !== undefined ? String(s.fixed) : `${s.ref} (the value of ${s.ref})`);
  const bounds = () => {
    const parts = [];
    if (kind.start !== null) parts.push(`≥ ${num(kind.start)}`);
    if (kind.end !== null) parts.push(`≤ ${num(kind.end)}`);
    return parts.length ? `, ${parts.join(' and ')}` : '';
  };
  switch (kind.type) {
    case 'INT': return `integer${bounds()}`;
    case 'FLOAT': return `number${bounds()}`;
    case 'STRING': return kind.size ? `text of ${size(kind.size)} characters` : 'text';
    case 'ARRAY': return `${kind.item} items, comma-separated or JSON${kind.size ? `; ${size(kind.size)} of them` : ''}`;
    default: return `${kind.item} matrix: one row per line, items comma-separated, or JSON; ${size(kind.row)} rows of ${size(kind.col)}`;
  }
}

// Builds the form's fields inside `container`. Returns {read(), check(), fill(values)}:
// read() -> {values, errors: {name: message}, first}, where `first` is what the server would
// answer first.
export function buildForm(container, record, onChange) {
  container.replaceChildren();
  let specs;
  try {
    specs = parseSpecs(record.parameters ?? {});
  } catch (e) {
    const p = document.createElement('p');
    p.className = 'field-error';
    p.textContent = `This ARgorithm's parameter declaration is invalid: ${e.message}`;
    container.append(p);
    // The server would refuse any values too and run the example, so Run sends the example
    // and the server's answer says why.
    const example = record.example ?? {};
    return { specs: [], read: () => ({ values: example, errors: {}, first: null }), fill() {}, specError: e.message };
  }
  const fields = new Map();
  for (const spec of specs) {
    const id = `param-${spec.name}`;
    const wrap = document.createElement('div');
    wrap.className = 'field';
    wrap.dataset.param = spec.name;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.innerHTML = '<span class="param-name"></span> <span class="param-type"></span>';
    label.querySelector('.param-name').textContent = spec.name;
    label.querySelector('.param-type').textContent = spec.kind.type;
    const input = document.createElement(spec.kind.type === 'MATRIX' ? 'textarea' : 'input');
    input.id = id;
    input.name = spec.name;
    input.spellcheck = false;
    input.autocomplete = 'off';
    if (input.tagName === 'INPUT') {
      input.type = 'text';
      if (spec.kind.type === 'INT') input.inputMode = 'numeric';
      if (spec.kind.type === 'FLOAT') input.inputMode = 'decimal';
    } else input.rows = 3;
    const hint = document.createElement('small');
    hint.className = 'hint';
    hint.id = `${id}-hint`;
    hint.textContent = [spec.description, describeKind(spec.kind)].filter(Boolean).join(' — ');
    const err = document.createElement('small');
    err.className = 'field-error';
    err.id = `${id}-error`;
    err.setAttribute('aria-live', 'polite');
    input.setAttribute('aria-describedby', `${hint.id} ${err.id}`);
    input.addEventListener('input', () => onChange && onChange());
    wrap.append(label, input, hint, err);
    container.append(wrap);
    fields.set(spec.name, { spec, input, err, wrap });
  }
  if (!specs.length) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = 'This ARgorithm takes no parameters.';
    container.append(p);
  }

  const read = () => {
    const values = {};
    const errors = {};
    for (const { spec, input } of fields.values()) {
      const r = readField(spec.kind, input.value);
      if (r.error) errors[spec.name] = `\`${spec.name}\`: ${r.error}`;
      else if (r.value !== undefined) values[spec.name] = r.value;
    }
    for (const { spec } of fields.values()) {
      if (!errors[spec.name]) {
        const e = checkOne(spec, values);
        if (e) errors[spec.name] = e;
      }
    }
    const firstName = specs.find((s) => errors[s.name]);
    const first = firstName ? errors[firstName.name] : null;
    for (const { spec, err, input, wrap } of fields.values()) {
      err.textContent = errors[spec.name] ?? '';
      input.setAttribute('aria-invalid', errors[spec.name] ? 'true' : 'false');
      wrap.classList.toggle('invalid', Boolean(errors[spec.name]));
    }
    return { values, errors, first };
  };
  const fill = (values) => {
    for (const { spec, input } of fields.values()) {
      if (values && spec.name in values) input.value = writeField(spec.kind, values[spec.name]);
    }
  };
  fill(record.example ?? {});
  return { specs, read, fill };
}
