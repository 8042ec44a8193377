import * as vscode from 'vscode';
import type { ViewMode } from '../protocol';
import { isCostPresetChoice, LOADED_MODEL } from './costStatus';

/** The `attentionInspector.*` settings, read with their defaults and clamped to the limits package.json declares. */
export interface Settings {
  /** Model folder as the person wrote it; empty means the model shipped in media/model. */
  readonly modelPath: string;
  /** Tokens per analysis, counting special tokens. */
  readonly maxTokens: number;
  readonly defaultView: ViewMode;
  readonly highlightFollowsMouse: boolean;
  readonly reanalyzeOnSelectionChange: boolean;
  /** Milliseconds the selection must stay unchanged before a re-analysis starts. */
  readonly reanalyzeDelay: number;
  /** Model whose attention memory the status bar shows: LOADED_MODEL or a preset id of src/cost/presets.ts. */
  readonly costPreset: string;
}

export const SETTINGS_SECTION = 'attentionInspector';

/** Limits, repeated from package.json because settings.json can hold any value. */
export const MAX_TOKENS_LIMITS = { min: 2, max: 8192, default: 512 } as const;
export const REANALYZE_DELAY_LIMITS = { min: 100, max: 10_000, default: 750 } as const;

const VIEW_MODES: readonly ViewMode[] = ['head', 'mean', 'max'];

/** Reads every setting once, falling back to the default for a missing or invalid value. */
export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const defaultView = config.get<string>('defaultView', 'head');
  const costPreset = config.get<unknown>('costPreset');

  return {
    modelPath: config.get<string>('modelPath', '').trim(),
    maxTokens: clampInteger(config.get<number>('maxTokens'), MAX_TOKENS_LIMITS),
    defaultView: (VIEW_MODES as readonly string[]).includes(defaultView) ? (defaultView as ViewMode) : 'head',
    highlightFollowsMouse: config.get<boolean>('highlightFollowsMouse', true) === true,
    reanalyzeOnSelectionChange: config.get<boolean>('reanalyzeOnSelectionChange', false) === true,
    reanalyzeDelay: clampInteger(config.get<number>('reanalyzeDelay'), REANALYZE_DELAY_LIMITS),
    costPreset: isCostPresetChoice(costPreset) ? costPreset : LOADED_MODEL,
  };
}

function clampInteger(value: unknown, limits: { min: number; max: number; default: number }): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return limits.default;
  return Math.min(limits.max, Math.max(limits.min, Math.round(value)));
}
