/**
 * Child process for the ECR crash test: the real app services with the ECR API on, in CASHIER_DATA_DIR,
 * against the simulator at CASHIER_GATEWAY_URL. Prints `READY <api url>` and runs until killed.
 */
import { startEcrApp } from './app.js';

const app = await startEcrApp({
  dataDir: process.env.CASHIER_DATA_DIR as string,
  gatewayUrl: process.env.CASHIER_GATEWAY_URL as string,
});
process.stdout.write(`READY ${app.url}\n`);
setInterval(() => {}, 60_000);
