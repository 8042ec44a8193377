import * as vscode from 'vscode';
import { normalizeThresholds, THRESHOLD_SETTING_KEYS } from '../engine/headLabels';
import type { HeadLabelThresholds } from '../protocol';
import { SETTINGS_SECTION } from './settings';

/** Reads the `attentionInspector.heads.*Threshold` settings, clamped to 0..1 with the defaults for missing values. */
export function readLabelThresholds(scope?: vscode.ConfigurationScope): HeadLabelThresholds {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const read = (key: keyof HeadLabelThresholds) => config.get<unknown>(THRESHOLD_SETTING_KEYS[key]);
  return normalizeThresholds({
    previousToken: read('previousToken'),
    induction: read('induction'),
    duplicateToken: read('duplicateToken'),
    sink: read('sink'),
    local: read('local'),
    broad: read('broad'),
  });
}

/** True when a configuration change touches one of the thresholds, so the panel should ask for labels again. */
export function affectsLabelThresholds(event: vscode.ConfigurationChangeEvent): boolean {
  return Object.values(THRESHOLD_SETTING_KEYS).some((key) => event.affectsConfiguration(`${SETTINGS_SECTION}.${key}`));
}
