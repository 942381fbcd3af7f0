/**
 * Reading the user's JSON files (scenarios, sweeps, platform models): a leading UTF-8 byte-order mark is skipped
 * (as in CSV traces), and a syntax error becomes one line with the line and column, which Node's own messages
 * lack (they give a position, or quote the text, newlines included).
 */
import { UserError } from './errors.js';

/** Text without a leading byte-order mark. Every reader of user text files goes through this. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parse `text` (the contents of `label`) or throw a UserError `label:line:col: not valid JSON: what`. */
export function parseJsonFile(text: string, label: string): unknown {
  const body = stripBom(text);
  try {
    return JSON.parse(body);
  } catch {
    const { pos, what } = findSyntaxError(body);
    const { line, col } = lineCol(body, pos);
    throw new UserError(`${label}:${line}:${col}: not valid JSON: ${what}`);
  }
}

export function lineCol(text: string, pos: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: pos - start + 1 };
}

/** Where and why JSON.parse failed: a small scanner run only after a failure, so speed does not matter. */
export function findSyntaxError(s: string): { pos: number; what: string } {
  let i = 0;
  const fail = (what: string): never => {
    throw { pos: i, what };
  };
  const ws = (): void => {
    while (i < s.length && ' \t\n\r'.includes(s[i])) i++;
  };
  const shown = (): string => (i >= s.length ? 'the end of the file' : `${JSON.stringify(s[i])}`);
  const literal = (): void => {
    for (const w of ['true', 'false', 'null']) if (s.startsWith(w, i)) return void (i += w.length);
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(i, i + 400));
    if (!m || m[0].length === 0 || m[0] === '-') fail(`expected a value, found ${shown()}`);
    i += m![0].length;
  };
  const string = (): void => {
    i++;
    while (i < s.length && s[i] !== '"') {
      const c = s.charCodeAt(i);
      if (c < 0x20) fail('a control character (newline, tab) inside a string');
      if (s[i] === '\\') {
        i++;
        if (s[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) fail('a bad \\u escape');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(s[i] ?? '')) fail('a bad escape in a string');
      }
      i++;
    }
    if (i >= s.length) fail('a string that never ends');
    i++;
  };
  const value = (depth: number): void => {
    if (depth > 1000) fail('nesting deeper than 1000');
    ws();
    const c = s[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (s[i] === close) return void i++;
      for (;;) {
        if (c === '{') {
          ws();
          if (s[i] !== '"') fail(`expected a double-quoted field name, found ${shown()}`);
          string();
          ws();
          if (s[i] !== ':') fail(`expected ':' after a field name, found ${shown()}`);
          i++;
        }
        value(depth + 1);
        ws();
        if (s[i] === ',') {
          i++;
          ws();
          if (s[i] === close) fail(`a trailing comma before '${close}'`);
          continue;
        }
        if (s[i] === close) return void i++;
        fail(`expected ',' or '${close}', found ${shown()}`);
      }
    }
    if (c === '"') return string();
    literal();
  };
  try {
    value(0);
    ws();
    if (i < s.length) fail(`expected the end of the file after the value, found ${shown()}`);
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'pos' in e) return e as { pos: number; what: string };
    throw e;
  }
  return { pos: 0, what: 'not valid JSON' };
}
