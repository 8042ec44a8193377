import * as vscode from 'vscode';
import type { SaveFileResult } from '../protocol';
import { invalidSaveRequest, safeFileName, type SaveFileFields } from './exportChecks';

/** Save dialog filters per MIME type of the exports. */
const FILTERS: Readonly<Record<string, Record<string, string[]>>> = {
  'image/png': { 'PNG image': ['png'] },
  'text/csv': { 'CSV table': ['csv'] },
  'application/json': { JSON: ['json'] },
  'text/markdown': { 'Markdown table': ['md'] },
  'application/x-npy': { 'NumPy array': ['npy'] },
};

/** Picks the file an export is written to; resolves undefined when the person cancels. */
export type ExportTargetPicker = (name: string, mimeType: string) => Thenable<vscode.Uri | undefined>;

/** Shows the save dialog, starting in the first workspace folder with the suggested name. */
export const showExportDialog: ExportTargetPicker = (name, mimeType) => {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: FILTERS[mimeType] ?? { 'All files': ['*'] },
    saveLabel: 'Export',
    title: `Export ${name}`,
  });
};

/**
 * Asks where to save an export from the panel (the save dialog unless
 * `chooseTarget` is given) and writes it with vscode.workspace.fs, so it works
 * for local, remote and virtual workspaces.
 * Returns saved: false when the person cancels; a failed write throws.
 */
export async function saveExport(
  fields: SaveFileFields,
  log: vscode.LogOutputChannel,
  chooseTarget: ExportTargetPicker = showExportDialog,
): Promise<SaveFileResult> {
  const problem = invalidSaveRequest(fields);
  if (problem !== null) throw new Error(problem);

  const name = safeFileName(fields.name);
  const target = await chooseTarget(name, fields.mimeType);
  if (target === undefined) {
    log.debug(`Export of ${name} was cancelled.`);
    return { saved: false, uri: null };
  }
  await vscode.workspace.fs.writeFile(target, fields.bytes);
  log.info(`Exported ${name} (${fields.bytes.byteLength} bytes) to ${target.toString(true)}.`);
  return { saved: true, uri: target.toString() };
}
