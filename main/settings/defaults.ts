/**
 * Out-of-the-box settings: demo mode against the embedded simulator with demo credentials, so a full
 * sale works with no merchant account. The demo AppId/AppKey are public test values and are accepted
 * only by the simulator.
 */
import type { Settings } from './types.js';

export const DEMO_CREDENTIALS = {
  merchantCode: '898310000000001',
  terminalCode: 'DEMO0001',
  appId: 'demo0000000000000000000000000001',
  appKey: 'demokey0000000000000000000000001',
} as const;

/** The demo Yima (翼码) merchant key, accepted only by the embedded Yima simulator. */
export const DEMO_YIMA_KEY = 'demo-yima-key';

/** The demo manager, seeded on first start in demo mode only. The settings screen warns while it exists. */
export const DEMO_MANAGER = { id: 'manager', name: '店长', role: 'manager', pin: '123456' } as const;
export const DEMO_CASHIER = { id: 'cashier', name: '收银员', role: 'cashier', pin: '0000' } as const;

export function defaultSettings(): Settings {
  return {
    shopName: '演示商店 Demo Shop',
    language: 'zh-CN',
    merchantCode: DEMO_CREDENTIALS.merchantCode,
    terminalCode: DEMO_CREDENTIALS.terminalCode,
    appId: DEMO_CREDENTIALS.appId,
    environment: 'demo',
    customGatewayUrl: '',
    authMode: 'body-signature',
    maxAmountFen: 5_000_000, // ¥50,000.00
    queryDeadlineSeconds: 60,
    receiptCopies: 'both',
    receiptLogoLine: '',
    voice: false,
    yima: {
      enabled: true,
      url: '',
      isspid: '39493002',
      systemId: '8888',
      storeId: 'DEMO-STORE',
      posId: 'DEMO-POS-01',
      format: 'json',
      signMode: 'md5-body-key',
    },
    hq: { url: '', storeId: '' },
    scanner: { kind: 'wedge' },
    printer: { printer: { kind: 'none' }, paperWidth: '80', drawerKick: false },
  };
}

export const GATEWAY_URLS = {
  test: 'http://58.247.0.18:29015',
  production: 'https://api-mop.chinaums.com',
} as const;
