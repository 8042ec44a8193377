/**
 * The host services the heads views use. The panel's main script builds this
 * port from its request tracker, so these views do not depend on how requests
 * travel (see mountHeadsViews in mount.ts).
 */
import type { HeadMetricsTable, PatternBlock, PatternSelection, SaveFileResult, ThumbnailBlock } from '../../src/protocol';

export interface HeadsPort {
  /** Every head's pattern averaged down to size x size (worker request `thumbnails`). */
  thumbnails(analysisId: number, size: number): Promise<ThumbnailBlock>;
  /** Full patterns of the given heads (worker request `patterns`). */
  patterns(analysisId: number, selections: PatternSelection[]): Promise<PatternBlock>;
  /** Every head's metrics and labels (request `metrics`; the host adds the thresholds). */
  metrics(analysisId: number): Promise<HeadMetricsTable>;
  /** Saves bytes through the host's save dialog (request `saveFile`). */
  saveFile(name: string, mimeType: string, bytes: Uint8Array): Promise<SaveFileResult>;
}

/** Encodes a canvas as PNG bytes. */
export function canvasPng(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (blob === null) {
        reject(new Error(`The ${canvas.width} \u00d7 ${canvas.height} canvas could not be encoded as PNG.`));
        return;
      }
      blob.arrayBuffer().then((buffer) => resolve(new Uint8Array(buffer)), reject);
    }, 'image/png');
  });
}

/** Encodes text as UTF-8 bytes for saveFile. */
export function textBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
