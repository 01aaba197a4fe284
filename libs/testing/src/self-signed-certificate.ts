import { execFileSync } from 'node:child_process';

/**
 * A self-signed certificate for a test's own TLS server, made by openssl (Debian's, always on the
 * machine) for one day: `cert` and `key` PEM files at the paths given, the first name as CN and
 * every name as a subjectAltName. Throws with openssl's output when it fails.
 */
export function writeSelfSignedCertificate(
  names: readonly [string, ...string[]],
  files: { cert: string; key: string },
): void {
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
      `/CN=${names[0]}`,
      '-addext',
      `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
      '-keyout',
      files.key,
      '-out',
      files.cert,
    ],
    { stdio: 'pipe' },
  );
}
