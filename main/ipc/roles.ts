/**
 * Who may make each call (docs/security.md has the same table with reasons). The Router asks the
 * session before any handler runs; a channel missing here is refused (fail closed) and
 * roles.test.ts fails, so a new channel cannot ship without a declared role.
 *
 * - public:   anyone at the screen, signed in or not (the sign-in screen needs these).
 * - operator: a signed-in cashier or manager.
 * - manager:  an elevated manager session (auth.elevate, or a manager's sign-in), or the manager's PIN
 *             inline in the field `pinField` of the call itself.
 * - setup:    as manager, or anyone on a fresh install before the first manager exists.
 */
export type Role = 'public' | 'operator' | 'manager' | 'setup';

export interface ChannelRule {
  role: Role;
  /** Where an inline manager PIN travels in this call's input. */
  pinField?: 'pin' | 'managerPin';
  /**
   * The handler asks for a manager only for some inputs (settings.update: anything beyond the
   * screen language). The router checks the operator; the handler the rest.
   */
  managerFor?: string;
}

const pub: ChannelRule = { role: 'public' };
const op: ChannelRule = { role: 'operator' };
const mgr = (pinField?: ChannelRule['pinField']): ChannelRule =>
  pinField ? { role: 'manager', pinField } : { role: 'manager' };

export const channelRules: Readonly<Record<string, ChannelRule>> = {
  // app
  'app.info': pub,
  'app.ping': pub,
  // auth: the sign-in screen, signed out
  'auth.state': pub,
  'auth.signIn': pub,
  'auth.signOut': pub,
  'auth.elevate': op,
  'auth.drop': pub,
  'auth.setup': { role: 'setup' },
  'auth.recover': pub,
  'audit.list': mgr(),
  // sale: a signed-in operator
  'sale.begin': op,
  'sale.cancel': op,
  'sale.reset': op,
  'sale.park': op,
  'sale.current': op,
  'scan.submit': op,
  'scan.setContext': pub,
  // orders: cashiers see and reprint; voids and refunds are the manager's
  'orders.list': op,
  'orders.get': op,
  'orders.unresolved': op,
  'orders.resolve': op,
  'orders.void': mgr('pin'),
  'orders.refund': mgr('pin'),
  'orders.reprint': op,
  'orders.export': op,
  'journal.verify': op,
  // reports
  'reports.settlement': op,
  'reports.shift': op,
  'reports.print': op,
  // pre-auth: the hold is a sale; completion and void move money after the fact
  'preauth.list': op,
  'preauth.start': op,
  'preauth.complete': mgr(),
  'preauth.quickComplete': mgr(),
  'preauth.void': mgr('pin'),
  'preauth.quickVoid': mgr('pin'),
  'preauth.query': op,
  // Yima refunds move money back
  'yima.refund': mgr('pin'),
  'yima.list': op,
  // devices: looking and testing is the cashier's, choosing is the manager's
  'scanners.list': op,
  'scanners.configure': mgr(),
  'scanners.status': op,
  'scanners.test': op,
  'printers.list': op,
  'printers.configure': mgr(),
  'printers.status': op,
  'printers.test': op,
  'printers.jobs': op,
  'printers.retry': op,
  'printers.preview': op,
  // settings: read by all (no secret crosses IPC); the language may be switched at the sign-in screen,
  // any other change is the manager's (checked by the handler: elevated session or inline managerPin)
  'settings.get': pub,
  'settings.update': { role: 'public', managerFor: 'any change other than language' },
  'settings.setSecret': mgr('managerPin'),
  'settings.clearSecret': mgr('managerPin'),
  // operators
  'operators.list': pub,
  'operators.save': { role: 'setup', pinField: 'managerPin' },
  'operators.remove': mgr('managerPin'),
  'operators.signIn': pub,
  'operators.current': pub,
  'diagnostics.collect': op,
  // ECR link: the counter's side (docs/ecr.md); setting it up and its token are the manager's
  'ecr.status': op,
  'ecr.configure': mgr('managerPin'),
  'ecr.setToken': mgr('managerPin'),
  'ecr.approve': mgr('pin'),
  'ecr.reject': mgr('pin'),
  'ecr.confirmProposal': op,
  'ecr.dismissProposal': op,
  // the counter PC: kiosk state for the status bar; leaving kiosk mode takes the manager's PIN, also
  // at the sign-in screen (the handler checks it, under the caller's counter)
  'station.state': pub,
  'station.exitKiosk': { role: 'public', managerFor: 'always: its inline pin' },
  // channels other parts add (declared ahead so they merge with a role)
  'gateway.status': op,
  'gateway.test': op,
  'sync.status': op,
  'journal.health': pub,
};

export function ruleFor(channel: string): ChannelRule | undefined {
  return Object.hasOwn(channelRules, channel) ? channelRules[channel] : undefined;
}
