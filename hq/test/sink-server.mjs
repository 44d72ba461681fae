// A head office that keeps nothing: it answers the sync protocol (hwm, batch) and counts. The bench uses it
// to measure what the uploader costs the counter alone, without a database's CPU on the same machine.
import http from 'node:http';

let hwm = 0;
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    // Each new uploader asks where to start: from the beginning again, so every round has a backlog.
    if (req.method === 'GET') hwm = 0;
    if (req.method === 'POST') {
      const records = JSON.parse(Buffer.concat(chunks).toString('utf8')).records;
      for (const r of records) if (r.s === hwm + 1) hwm = r.s;
    }
    const body = {
      terminalId: 'SINK',
      storeId: 'SINK',
      hwm,
      hwmHash: null,
      stored: 0,
      duplicates: 0,
      conflicts: 0,
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
