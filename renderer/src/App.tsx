import { useEffect, useState } from 'react';
import { cashier } from './cashier';

/** Foundation shell: proves the contract both ways. The cashier's screens replace it. */
export function App() {
  const [info, setInfo] = useState<string>('');
  const [notice, setNotice] = useState<string>('');
  const [reply, setReply] = useState<string>('');

  useEffect(() => {
    void cashier.app
      .info({})
      .then((r) =>
        setInfo(r.ok ? `${r.data.name} ${r.data.version} (${r.data.transport})` : r.error.message.en),
      );
    return cashier.on('app.notice', (n) => setNotice(n.message.zh));
  }, []);

  return (
    <main>
      <h1>收银台 Counter Cashier</h1>
      <p data-testid="app-info">{info}</p>
      <button
        type="button"
        onClick={async () => {
          const r = await cashier.app.ping({ echo: 'hello' });
          setReply(r.ok ? r.data.echo : r.error.message.en);
        }}
      >
        Ping
      </button>
      <output aria-label="ping reply">{reply}</output>
      <p role="status" aria-label="notice">
        {notice}
      </p>
    </main>
  );
}
