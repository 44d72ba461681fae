/**
 * IPC handlers for settings, secrets, operators and diagnostics. What leaves here for the renderer is
 * `publicView()` (secrets reduced to set / not set) and operator views (no PIN hashes): no secret
 * crosses IPC.
 */

import { gatewayUrlProblem } from '../gateway/url.js';
import type { PartialHandlers } from '../ipc/router.js';
import type { DiagnosticsResult } from '../log/diagnostics.js';
import { AppError } from '../shared/errors.js';
import { hqUrlProblem } from '../sync/url.js';
import type { SettingsPatch } from './public.js';
import type { OperatorService, SettingsService } from './types.js';

export interface SettingsHandlerDeps {
  settings: SettingsService;
  operators: OperatorService;
  /** Writes the diagnostics zip (see main/log/diagnostics.ts). */
  collectDiagnostics: () => DiagnosticsResult;
}

/** Changes a cashier may make without a manager: the screen language, nothing else. */
const CASHIER_FREE: ReadonlySet<string> = new Set(['language']);

/** True when the patch changes something beyond what a cashier may change alone. */
export function patchNeedsManager(patch: SettingsPatch, current: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || CASHIER_FREE.has(key)) continue;
    if (key === 'yima' && value && typeof value === 'object') {
      const yima = current.yima as Record<string, unknown>;
      if (Object.entries(value).some(([k, v]) => v !== undefined && yima[k] !== v)) return true;
      continue;
    }
    if (current[key] !== value) return true;
  }
  return false;
}

export function settingsHandlers({
  settings,
  operators,
  collectDiagnostics,
}: SettingsHandlerDeps): PartialHandlers {
  /** A manager's PIN or elevated session (PIN_REQUIRED when neither, PIN_INVALID when wrong). */
  const manager = async (pin: string | undefined): Promise<void> => {
    await operators.requireManager(pin);
  };
  return {
    'settings.get': () => settings.publicView(),
    'settings.update': async ({ managerPin, ...patch }) => {
      // A head-office address the https rule refuses is said before any PIN is asked for.
      const hqUrl = patch.hq?.url?.trim();
      const hqProblem = hqUrl ? hqUrlProblem(hqUrl) : undefined;
      if (hqProblem) throw new AppError('BAD_INPUT', hqProblem, [{ path: 'hq.url', message: hqProblem.en }]);
      // So is a custom gateway the client would refuse to send to (http beyond loopback): saving it
      // would only move the refusal to the first sale, with a customer at the counter.
      // A value saved before this rule existed is left for the client to refuse, so the rest of the
      // form can still be saved.
      const gatewayUrl = patch.customGatewayUrl?.trim();
      const gatewayChanged =
        gatewayUrl !== undefined && gatewayUrl !== settings.get().customGatewayUrl.trim();
      const gatewayProblem = gatewayUrl && gatewayChanged ? gatewayUrlProblem(gatewayUrl) : undefined;
      if (gatewayProblem) {
        throw new AppError('BAD_INPUT', gatewayProblem, [
          { path: 'customGatewayUrl', message: gatewayProblem.en },
        ]);
      }
      // Unchanged values (a form saved as it was) need no PIN: only a real change does.
      if (patchNeedsManager(patch, settings.get() as unknown as Record<string, unknown>)) {
        await manager(managerPin);
      }
      return settings.update(patch);
    },
    'settings.setSecret': async ({ name, value, managerPin }) => {
      await manager(managerPin);
      return settings.setSecret(name, value);
    },
    'settings.clearSecret': async ({ name, managerPin }) => {
      await manager(managerPin);
      return settings.clearSecret(name);
    },
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
  return {
    // The public view carries the scanner and printer choices too.
    settings: settings.publicView(),
    operators: operators.list(),
  };
}
