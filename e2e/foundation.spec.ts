import { expect, test } from './fixtures';

test.describe('foundation: the window and the contract', () => {
  test('the app loads and reports its transport', async ({ app, appTransport }) => {
    await expect(app.page.getByTestId('app-info')).toContainText(`(${appTransport})`);
  });

  test('a contract call round-trips and its event reaches the UI', async ({ app }) => {
    await app.page.getByRole('button', { name: 'Ping' }).click();
    await expect(app.page.getByLabel('ping reply')).toHaveText('hello');
    await expect(app.page.getByRole('status', { name: 'notice' })).toContainText('连接正常：hello');
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
