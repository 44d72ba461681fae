/**
 * Kiosk mode keeps the till on screen: Alt+F4, the window's close and a quit from elsewhere are
 * refused until a manager's PIN left kiosk (station.exitKiosk). The OS shutting down or the user
 * logging off is never held up, nor the app's own leaving (an update installing). Plain Node; main.ts
 * applies the answer to the window's `close` and the app's `before-quit`.
 */

export interface CloseFacts {
  /** Still in kiosk mode: station.json says so and no manager PIN exit since the start. */
  kiosk: boolean;
  /** The OS is shutting down or the user is logging off. */
  systemEnding: boolean;
  /** The app itself is going (an update's installer about to run). */
  appLeaving: boolean;
}

export function mayClose(facts: CloseFacts): boolean {
  return !facts.kiosk || facts.systemEnding || facts.appLeaving;
}
