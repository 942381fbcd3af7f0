/**
 * A mistake in what the user gave us (a scenario, trace, model file or CLI argument).
 * The CLI prints its message as one line and exits with code 2, without a stack trace.
 * The message must name the file, the line or field, and what is wrong.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** Format a location-bearing message: `file:line: what` or `file: field: what`. */
export function where(file: string, lineOrField: number | string | undefined, what: string): string {
  if (lineOrField === undefined || lineOrField === '') return `${file}: ${what}`;
  return typeof lineOrField === 'number' ? `${file}:${lineOrField}: ${what}` : `${file}: ${lineOrField}: ${what}`;
}

/**
 * A piece of the user's input fit to quote in a one-line message: control characters and undecodable bytes
 * escaped (a garbage file must not put raw bytes on the terminal), long text cut.
 */
export function quoted(text: string, max = 40): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\ufffd]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
