/**
 * IPC handlers for settings, secrets, operators and diagnostics. What leaves here for the renderer is
 * `publicView()` (secrets reduced to set / not set) and operator views (no PIN hashes): no secret
 * crosses IPC.
 */
import type { PartialHandlers } from '../ipc/router.js';
import type { DiagnosticsResult } from '../log/diagnostics.js';
import type { OperatorService, SettingsService } from './types.js';

export interface SettingsHandlerDeps {
  settings: SettingsService;
  operators: OperatorService;
  /** Writes the diagnostics zip (see main/log/diagnostics.ts). */
  collectDiagnostics: () => DiagnosticsResult;
}

export function settingsHandlers({
  settings,
  operators,
  collectDiagnostics,
}: SettingsHandlerDeps): PartialHandlers {
  return {
    'settings.get': () => settings.publicView(),
    'settings.update': (patch) => settings.update(patch),
    'settings.setSecret': ({ name, value }) => settings.setSecret(name, value),
    'settings.clearSecret': ({ name }) => settings.clearSecret(name),
    'operators.list': () => operators.list(),
    'operators.save': (input) => operators.save(input),
    'operators.remove': ({ id, managerPin }) => operators.remove(id, managerPin),
    'operators.signIn': ({ id, pin }) => operators.signIn(id, pin),
    'operators.current': () => operators.current(),
    'diagnostics.collect': () => {
      const { path, bytes, at } = collectDiagnostics();
      return { path, bytes, at };
    },
  };
}

/** What the diagnostics zip says about settings and operators: no secrets, no PIN hashes. */
export function diagnosticsDocuments(
  settings: SettingsService,
  operators: OperatorService,
): Record<string, unknown> {
  const { scanner, printer } = settings.get();
  return {
    settings: { ...settings.publicView(), scanner, printer },
    operators: operators.list(),
  };
}
