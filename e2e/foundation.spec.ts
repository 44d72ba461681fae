import { expect, test } from './fixtures';

test.describe('foundation: the window and the contract', () => {
  test('the app loads and reports its transport', async ({ app, appTransport }) => {
    await expect(app.page.getByTestId('app-info')).toHaveAttribute('data-transport', appTransport);
  });

  test('a contract call round-trips and its event reaches the UI', async ({ app }) => {
    const reply = await app.page.evaluate(() => window.cashier.app.ping({ echo: 'hello' }));
    expect(reply).toMatchObject({ ok: true, data: { echo: 'hello' } });
    // A scan with nothing waiting for it: main routes it, its scan.received event reaches the status bar.
    await expect(app.page.getByTestId('amount')).toBeFocused();
    const routed = await app.page.evaluate(() =>
      window.cashier.scan.submit({ code: '134567890123456789', source: 'manual' }),
    );
    expect(routed).toMatchObject({ ok: true, data: { routedTo: 'dropped' } });
    await expect(app.page.getByTestId('sb-notice')).toContainText('没有等待付款码的收款');
  });

  test('an invalid payload is refused with the typed error envelope', async ({ app }) => {
    const results = await app.page.evaluate(async () => {
      const unsafe = window.cashier as unknown as Record<
        string,
        Record<string, (x: unknown) => Promise<unknown>>
      >;
      return {
        wrongType: await unsafe.app!.ping!({ echo: 42 }),
        extraKey: await unsafe.app!.ping!({ echo: 'x', evil: true }),
        tooLong: await unsafe.app!.ping!({ echo: 'x'.repeat(201) }),
      };
    });
    for (const result of Object.values(results)) {
      expect(result).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    }
    expect(results.wrongType).toMatchObject({ error: { fields: [{ path: 'echo' }] } });
  });

  test('no Node.js in the page, and the CSP blocks inline script and string eval', async ({ app }) => {
    const probe = await app.page.evaluate(async () => {
      const g = globalThis as Record<string, unknown>;
      // Both run in the page's own world, where its Content-Security-Policy applies.
      const inline = document.createElement('script');
      inline.textContent = 'window.__inlineRan = true';
      document.head.append(inline);
      // biome-ignore lint/suspicious/noExplicitAny: setTimeout with a string is what the CSP must refuse
      (setTimeout as any)('window.__stringEvalRan = true', 0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return {
        require: typeof g.require,
        process: typeof g.process,
        inlineRan: g.__inlineRan === true,
        stringEvalRan: g.__stringEvalRan === true,
      };
    });
    expect(probe).toEqual({
      require: 'undefined',
      process: 'undefined',
      inlineRan: false,
      stringEvalRan: false,
    });
  });
});
