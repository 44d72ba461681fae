// `npm start`: launch the Electron app (demo mode by default). Where the Electron binary is missing
// (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or its download failed), say so once and point to
// the browser harness instead of failing with a stack trace.
import { spawn } from 'node:child_process';
import { findElectronBinary } from './electron-binary.mjs';

const binary = findElectronBinary();
if (!binary) {
  console.error(
    'The Electron binary is not installed (npm install could not download it). ' +
      'Run `npm install` with internet access to fetch it, or use `npm run start:web` to run the same app in a browser.',
  );
  process.exit(1);
}
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
