// Data printed to a terminal is shown, never obeyed: a stored name holding ESC [ 2 J (or an OSC
// that sets the title or a link, a C1 CSI, a bidi override that reorders the line) would act on
// the user's terminal. Each such character becomes a visible escape.

// C0 controls (tab and newline included: a cell stays on its line), DEL, C1 controls, the line
// and paragraph separators, and the bidi embedding / override / isolate characters.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const visible = (c: string) => {
  const code = c.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** `text` with every control character shown as `\xNN` / `\uNNNN`: safe to print as one line. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, visible);
}

// In JSON text a raw tab, newline or carriage return can only be layout between tokens
// (JSON.stringify escapes them inside strings): those stay.
const UNSAFE_IN_JSON = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON for a terminal: JSON.stringify escapes C0 controls but prints DEL, C1 (0x9b is a CSI on
 * many terminals) and the bidi characters raw. They become `\uNNNN`: the same JSON value, its
 * indentation kept.
 */
export function terminalSafeJson(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** A multi-line text (a rendered view) with each line made terminalSafe: its own newlines stay. */
export function terminalSafeLines(text: string): string {
  return text.split('\n').map(terminalSafe).join('\n');
}
