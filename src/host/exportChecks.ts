/** Checks on a `saveFile` request from the panel; no `vscode` import, so unit tests run them. */

/** The fields of a webview `saveFile` request. */
export interface SaveFileFields {
  readonly name: string;
  readonly mimeType: string;
  readonly bytes: Uint8Array;
}

/** Largest file the panel may ask to save, in bytes: a float32 pattern of 8,192 tokens is 256 MiB. */
export const MAX_SAVE_BYTES = 300 * 1024 * 1024;

/** Keeps only the last path segment and replaces characters that file systems reject. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[<>:"|?*\u0000-\u001f]/g, '_').replace(/^\.+/, '').trim();
  return cleaned.length > 0 ? cleaned : 'attention-export';
}

/**
 * Checks a saveFile request from the webview, whose payload crossed a message
 * boundary: the name must be a string, the bytes a Uint8Array of at most
 * MAX_SAVE_BYTES. Returns a message naming what is wrong, or null.
 */
export function invalidSaveRequest(fields: Partial<Record<keyof SaveFileFields, unknown>>): string | null {
  if (typeof fields.name !== 'string') return 'The file name is missing.';
  if (typeof fields.mimeType !== 'string') return `The MIME type of "${fields.name}" is missing.`;
  if (!(fields.bytes instanceof Uint8Array)) return `The contents of "${fields.name}" are not bytes (Uint8Array).`;
  if (fields.bytes.byteLength > MAX_SAVE_BYTES) {
    return `"${fields.name}" is ${fields.bytes.byteLength} bytes; exports are limited to ${MAX_SAVE_BYTES} bytes.`;
  }
  return null;
}
