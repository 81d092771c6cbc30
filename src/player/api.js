// Calls to the server's API (same origin) and the words the page uses for its answers.

const TOKEN_KEY = 'argorithm.token';
const EMAIL_KEY = 'argorithm.email';

// In sessionStorage: the login lasts as long as the tab, and other tabs log in for themselves.
export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  get email() { return sessionStorage.getItem(EMAIL_KEY); },
  set(token, email) { sessionStorage.setItem(TOKEN_KEY, token); sessionStorage.setItem(EMAIL_KEY, email); },
  clear() { sessionStorage.removeItem(TOKEN_KEY); sessionStorage.removeItem(EMAIL_KEY); },
};

export const ERROR_KINDS = {
  time_limit_exceeded: 'The run took longer than the server allows (time limit exceeded).',
  memory_limit_exceeded: 'The run used more memory than the server allows (memory limit exceeded).',
  stack_overflow: 'The run recursed too deeply (stack overflow).',
  output_limit_exceeded: 'The run emitted more states or data than the server allows (output limit exceeded).',
  invalid_state: 'The ARgorithm emitted a state the server could not accept (invalid state).',
  runtime_error: 'The ARgorithm failed while running (runtime error).',
  rejected_input: 'The ARgorithm rejected its input, and its example as well (rejected input).',
  invalid_module: 'The ARgorithm\'s program could not be loaded (invalid module).',
};

export class ApiError extends Error {
  constructor(status, detail, { kind = null, retryAfter = null, errorAt = null } = {}) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.kind = kind;
    this.retryAfter = retryAfter;
    this.errorAt = errorAt;
  }
  // One readable sentence (or two) for the page.
  get words() {
    const d = this.detail ? ` ${this.detail}` : '';
    switch (this.status) {
      case 0: return `Could not reach the server.${d}`;
      case 401: return `Not authorised: log in to run ARgorithms.${d}`;
      case 404: return `Not found: the server does not know this ARgorithm.${d}`;
      case 422: {
        const what = ERROR_KINDS[this.kind] ?? `The run failed${this.kind ? ` (${this.kind.replaceAll('_', ' ')})` : ''}.`;
        return `${what}${d}`;
      }
      case 503: {
        const wait = this.retryAfter ? ` Try again in ${this.retryAfter} s.` : ' Try again in a moment.';
        return `The server is busy running other ARgorithms.${wait}${d}`;
      }
      default: return `The server answered HTTP ${this.status}.${d}`;
    }
  }
}

async function call(path, init = {}) {
  let res;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } });
  } catch (e) {
    throw new ApiError(0, e.message);
  }
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!res.ok) {
    const detail = body && typeof body.detail === 'string' ? body.detail : (text.slice(0, 300) || res.statusText);
    throw new ApiError(res.status, detail, {
      kind: body && typeof body.error === 'string' ? body.error : null,
      retryAfter: res.headers.get('retry-after'),
      errorAt: body && Array.isArray(body.error_at) ? body.error_at : null,
    });
  }
  if (body === null && text) throw new ApiError(res.status, 'the answer is not JSON');
  return body;
}

export async function authEnabled() {
  const body = await call('/argorithm');
  return Boolean(body && body.auth === 'ENABLED');
}

export async function listArgorithms() {
  const body = await call('/argorithms/list');
  if (!Array.isArray(body)) throw new ApiError(200, 'the list is not a JSON array');
  return body;
}

// The page asks for lines: where each state was made, for the code pane.
export async function run(argorithmID, parameters) {
  const headers = { 'content-type': 'application/json' };
  const token = session.token;
  if (token) headers.authorization = `Bearer ${token}`;
  return call('/argorithms/run', { method: 'POST', headers, body: JSON.stringify({ argorithmID, parameters, lines: true }) });
}

// A Python ARgorithm's source: {text}, or {why} there is none to show.
export async function source(argorithmID) {
  let res;
  try {
    res = await fetch(`/argorithms/source/${encodeURIComponent(argorithmID)}`, { headers: { accept: 'text/plain' } });
  } catch (e) {
    return { why: `The source could not be fetched: ${e.message}` };
  }
  if (res.ok) return { text: await res.text() };
  if (res.status === 403) return { why: 'This server does not share ARgorithms\' source.' };
  if (res.status === 404) return { why: 'No source to show: this ARgorithm is a WebAssembly module.' };
  return { why: `The source could not be fetched (HTTP ${res.status}).` };
}

export async function login(email, password) {
  try {
    const body = await call('/users/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: email, password }).toString(),
    });
    if (!body || typeof body.access_token !== 'string') throw new ApiError(200, 'the login answer has no token');
    session.set(body.access_token, email);
    return body;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) e.loginWords = `No user account with this email. ${e.detail ?? ''}`.trim();
    else if (e instanceof ApiError && e.status === 401) e.loginWords = `Wrong password. ${e.detail ?? ''}`.trim();
    throw e;
  }
}
