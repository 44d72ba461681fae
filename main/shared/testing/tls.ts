/** A throwaway self-signed certificate for 127.0.0.1, for tests that serve HTTPS on loopback. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export interface CertFiles {
  keyFile: string;
  certFile: string;
}

/** Writes key.pem and cert.pem (RSA 2048, one day, CN and SAN 127.0.0.1) into `dir`; throws when openssl fails. */
export function selfSignedCert(dir: string): CertFiles {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { keyFile, certFile };
}
