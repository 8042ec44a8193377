/**
 * Helpers shared by the extension tests: the extension's API, the sample
 * workspace, editors with given text, and settings restored after each test.
 */
import * as vscode from 'vscode';
import type { AttentionInspectorApi } from '../../src/host/api';
import type { PatternBlock, WebviewReply, WebviewReplyError } from '../../src/protocol';

export const EXTENSION_ID = 'attention-inspector.attention-inspector';

/** Activates the extension and returns what `activate` returned. */
export async function extensionApi(): Promise<AttentionInspectorApi> {
  const extension = vscode.extensions.getExtension<AttentionInspectorApi>(EXTENSION_ID);
  if (!extension) throw new Error(`Extension ${EXTENSION_ID} is not installed in this host.`);
  return extension.activate();
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('The tests need the sample workspace (test/workspace) open as the first workspace folder.');
  return folder.uri;
}

const SOURCE_EXTENSIONS = ['.ts', '.js', '.py', '.rs', '.go', '.c', '.java'];

/**
 * Finds the largest source file in the sample workspace (its top two folder
 * levels), so the tests do not depend on one file name.
 */
export async function largestSourceFile(): Promise<vscode.Uri> {
  let best: { uri: vscode.Uri; size: number } | undefined;
  const visit = async (folder: vscode.Uri, depth: number) => {
    for (const [name, type] of await vscode.workspace.fs.readDirectory(folder)) {
      const uri = vscode.Uri.joinPath(folder, name);
      if (type & vscode.FileType.Directory) {
        if (depth < 1 && !name.startsWith('.') && name !== 'node_modules') await visit(uri, depth + 1);
      } else if (SOURCE_EXTENSIONS.some((extension) => name.endsWith(extension))) {
        const { size } = await vscode.workspace.fs.stat(uri);
        if (!best || size > best.size) best = { uri, size };
      }
    }
  };
  await visit(workspaceRoot(), 0);
  if (!best) throw new Error(`The sample workspace ${workspaceRoot().toString(true)} has no source file.`);
  return best.uri;
}

/** Opens `uri` in an editor and selects `selection`, the whole file when omitted. */
export async function openWithSelection(uri: vscode.Uri, selection?: (document: vscode.TextDocument) => vscode.Selection): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document, { preview: false });
  editor.selection = selection
    ? selection(document)
    : new vscode.Selection(new vscode.Position(0, 0), document.lineAt(document.lineCount - 1).range.end);
  return editor;
}

/** Opens an untitled editor holding `content`, with the caret at the start (no selection). */
export async function openUntitled(content: string, language = 'plaintext'): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ content, language });
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Closes every editor without saving; untitled editors are reverted first so no dialog opens. */
export async function closeAllEditors(): Promise<void> {
  for (const document of vscode.workspace.textDocuments) {
    if (document.isDirty && !document.isClosed) {
      await vscode.window.showTextDocument(document, { preview: false });
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Sets a user setting of the extension for one test; `restore` puts the previous value back. */
export class SettingOverride {
  private readonly saved: { key: string; value: unknown }[] = [];

  async set(key: string, value: unknown): Promise<void> {
    const config = vscode.workspace.getConfiguration('attentionInspector');
    this.saved.push({ key, value: config.inspect(key)?.globalValue });
    await config.update(key, value, vscode.ConfigurationTarget.Global);
  }

  async restore(): Promise<void> {
    const config = vscode.workspace.getConfiguration('attentionInspector');
    while (this.saved.length > 0) {
      const { key, value } = this.saved.pop()!;
      await config.update(key, value, vscode.ConfigurationTarget.Global);
    }
  }
}

/** Returns the hover text the editor would show at `position`, joined from every provider. */
export async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .join('\n');
}

/** Returns a position inside `range`, so the hover lands on that token. */
export function inside(range: vscode.Range): vscode.Position {
  return range.isSingleLine && range.end.character > range.start.character ? range.start.translate(0, Math.floor((range.end.character - range.start.character) / 2)) : range.start;
}

/** Returns the pattern block of a reply to a `patterns` request; throws with the reply when it is an error. */
export function patternsOf(reply: WebviewReply | WebviewReplyError): PatternBlock {
  if (reply.kind !== 'reply' || reply.request !== 'patterns') throw new Error(`Expected a patterns reply, got ${JSON.stringify(reply)}`);
  return (reply as WebviewReply<'patterns'>).result;
}

/** Waits for `event` to fire once; rejects after `timeoutMs` with `what` in the message. */
export function nextEvent<T>(event: vscode.Event<T>, what: string, timeoutMs = 30_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`));
    }, timeoutMs);
    const listener = event((value) => {
      clearTimeout(timer);
      listener.dispose();
      resolve(value);
    });
  });
}
