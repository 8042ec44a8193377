import type * as vscode from 'vscode';

/** Base for objects that own listeners, providers and workers: everything registered here is disposed with it. */
export abstract class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected register<T extends vscode.Disposable>(disposable: T): T {
    if (this.disposed) {
      disposable.dispose();
    } else {
      this.owned.push(disposable);
    }
    return disposable;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // Dispose in reverse order of registration, so users go before what they use.
    while (this.owned.length > 0) this.owned.pop()!.dispose();
  }
}
