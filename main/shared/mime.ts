/** Content types of the built renderer's files, one table for every server of it (app://, the browser harness). */
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.json': 'application/json',
};

/** The content type for a file extension (with its dot, as path.extname gives it); unknown ones are opaque bytes. */
export function mimeOf(ext: string): string {
  return MIME[ext] ?? 'application/octet-stream';
}
