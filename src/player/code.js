// The code pane: the ARgorithm's source beside the stage, with the line that made the current
// state highlighted, and, one click away, the author's call chain that led there. Runs asked
// with "lines": true carry one entry per state ({line, frames}); a failed run's `error_at`
// marks where it raised. Without source (a WebAssembly module, a trace from a file, a server
// that does not share it) the pane is one line of text.

const KEYWORDS = new Set(('False None True and as assert async await break class continue def del elif else except '
  + 'finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case').split(' '));
const BUILTINS = new Set(('abs all any bool dict enumerate filter float int len list map max min print range '
  + 'reversed set sorted str sum tuple zip isinstance super type').split(' '));

// One token class per stretch of the source: comments, strings (triple-quoted ones across
// lines), numbers, decorators, names. What matches none is plain text.
const TOKEN = /(#[^\n]*)|([rRbBuUfF]{0,2}(?:"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?))|(\b\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?j?\b)|(@[A-Za-z_][\w.]*)|([A-Za-z_]\w*)/g;

// The source as lines of [class, text] pieces, for rendering without innerHTML.
export function highlight(source) {
  const lines = [[]];
  const push = (cls, text) => {
    const parts = text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines[lines.length - 1].push([cls, part]);
    });
  };
  let last = 0;
  let previousName = '';
  for (const m of source.matchAll(TOKEN)) {
    if (m.index > last) push('', source.slice(last, m.index));
    const [text, comment, string, number, decorator, name] = m;
    let cls = '';
    if (comment) cls = 'tok-comment';
    else if (string) cls = 'tok-string';
    else if (number) cls = 'tok-number';
    else if (decorator) cls = 'tok-decorator';
    else if (name) {
      if (KEYWORDS.has(name)) cls = 'tok-keyword';
      else if (previousName === 'def' || previousName === 'class') cls = 'tok-def';
      else if (BUILTINS.has(name)) cls = 'tok-builtin';
      previousName = name;
    }
    push(cls, text);
    last = m.index + text.length;
  }
  if (last < source.length) push('', source.slice(last));
  if (lines.length > 1 && lines[lines.length - 1].length === 0 && source.endsWith('\n')) lines.pop();
  return lines;
}

export class CodePane {
  constructor(root) {
    this.root = root;
    this.note = root.querySelector('.code-note');
    this.list = root.querySelector('.code-lines');
    this.where = root.querySelector('.code-where');
    this.chainBox = root.querySelector('.code-chain');
    this.chainList = root.querySelector('.code-chain-list');
    this.rows = [];
    this.lines = null;
    this.current = null;
    this.error = null;
  }

  // No source to show: one line saying why, and no room taken.
  showNote(text) {
    this.rows = [];
    this.lines = null;
    this.current = null;
    this.error = null;
    this.list.replaceChildren();
    this.note.textContent = text;
    this.root.dataset.state = 'note';
    this.root.dataset.line = '';
    this.chainBox.hidden = true;
    this.where.textContent = '';
    document.body.dataset.code = 'note';
  }

  // The source, rendered once per run; `lines` one entry per state (or null); `errorAt` the
  // author's frames where the run raised (or null).
  showSource(source, { lines = null, errorAt = null, title = '' } = {}) {
    this.note.textContent = title;
    const frag = document.createDocumentFragment();
    this.rows = highlight(source).map((pieces, i) => {
      const row = document.createElement('li');
      row.className = 'code-line';
      row.dataset.line = String(i + 1);
      const num = document.createElement('span');
      num.className = 'ln';
      num.textContent = String(i + 1);
      num.setAttribute('aria-hidden', 'true');
      const code = document.createElement('code');
      for (const [cls, text] of pieces) {
        if (!cls) { code.append(text); continue; }
        const span = document.createElement('span');
        span.className = cls;
        span.textContent = text;
        code.append(span);
      }
      row.append(num, code);
      frag.append(row);
      return row;
    });
    this.list.replaceChildren(frag);
    this.lines = Array.isArray(lines) ? lines : null;
    this.current = null;
    this.root.dataset.state = 'source';
    this.root.dataset.line = '';
    document.body.dataset.code = 'source';
    this.markError(errorAt);
  }

  markError(errorAt) {
    if (this.error) this.error.classList.remove('error-line');
    this.error = null;
    delete this.root.dataset.errorLine;
    if (!Array.isArray(errorAt) || errorAt.length === 0) return;
    const [fn, line] = errorAt[errorAt.length - 1];
    const row = this.rows[line - 1];
    if (!row) return;
    row.classList.add('error-line');
    row.title = `The run raised an exception here, in ${fn}`;
    this.error = row;
    this.root.dataset.errorLine = String(line);
    if (!this.lines) {
      this.where.textContent = `Failed at line ${line}, in ${fn}`;
      this.showChain(errorAt);
      row.scrollIntoView({ block: 'nearest' });
    }
  }

  // Highlights the line of state `step` (1-based) and shows its chain.
  step(step) {
    if (!this.lines || this.rows.length === 0) return;
    const entry = this.lines[step - 1];
    const line = entry && Number.isInteger(entry.line) ? entry.line : null;
    const row = line ? this.rows[line - 1] : null;
    if (row !== this.current) {
      if (this.current) { this.current.classList.remove('current'); this.current.removeAttribute('aria-current'); }
      if (row) { row.classList.add('current'); row.setAttribute('aria-current', 'step'); }
      this.current = row;
    }
    this.root.dataset.line = line ? String(line) : '';
    const frames = entry && Array.isArray(entry.frames) ? entry.frames : [];
    this.where.textContent = line ? `State ${step}: line ${line}, in ${frames.length ? frames[frames.length - 1][0] : '?'}` : `State ${step}: not made by a line of this file`;
    this.showChain(frames);
    if (row) this.scrollTo(row);
  }

  showChain(frames) {
    this.chainBox.hidden = frames.length < 2;
    this.chainBox.querySelector('summary').textContent = `Call chain (${frames.length} frames)`;
    this.chainList.replaceChildren(...frames.map(([fn, line]) => {
      const li = document.createElement('li');
      li.textContent = `${fn}, line ${line}`;
      li.dataset.line = String(line);
      return li;
    }));
  }

  // Keeps the line in view inside the pane, without scrolling the page.
  scrollTo(row) {
    const box = this.list;
    const top = row.offsetTop;
    if (top < box.scrollTop || top + row.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, top - box.clientHeight / 3);
    }
  }
}
