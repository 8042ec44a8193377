import * as vscode from 'vscode';

/** Folders the webview may load from: its script bundle and the styles and icons. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/**
 * Builds the panel's HTML shell. Scripts run only with this page's nonce.
 * Styles and fonts come only from the extension's own folders, and images only
 * from those folders or data: URLs (canvas snapshots), so nothing loads from the network.
 */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = createNonce();
  // The webview-ui-toolkit probes for :focus-visible by inserting a <style>
  // element; it reads this meta tag's nonce, so the probe passes without 'unsafe-inline'.
  const styleNonce = createNonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'main.js'));
  const styles = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css'));
  const headsStyles = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'heads.css'));
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${styleNonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');

  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta property="csp-nonce" content="${styleNonce}">
  <link rel="stylesheet" href="${styles.toString()}">
  <link rel="stylesheet" href="${headsStyles.toString()}">
  <title>Attention Inspector</title>
</head>
<body>
  <div id="app" aria-live="polite"></div>
  <script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

/** 128 random bits as hex; crypto.getRandomValues exists in both the Node and the web extension host. */
function createNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
