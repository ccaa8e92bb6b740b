import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary } from './process.js';

export interface TestCerts {
  /** The CA every certificate below is signed by (PEM paths). */
  ca: string;
  caKey: string;
  /** Server certificate for localhost / 127.0.0.1. */
  serverCert: string;
  serverKey: string;
  /** A client certificate (CN = the given name) for mutual TLS. */
  clientCert: string;
  clientKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync(requireBinary('openssl', 'openssl'), args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Signs a new key's certificate with the CA in `dir`; `ext` are its X.509v3 extensions. */
function issue(dir: string, name: string, cn: string, ext: string[], ca: TestCerts): [string, string] {
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, `${ext.join('\n')}\n`);
  openssl(['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      ca.ca,
      '-CAkey',
      ca.caKey,
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-extfile',
      extFile,
    ],
    dir,
  );
  return [join(dir, `${name}.pem`), join(dir, `${name}.key`)];
}

/**
 * A throwaway PKI made with openssl in `dir`: a CA (`prefix` names its files, so two unrelated CAs can
 * share a dir), a server certificate for localhost and 127.0.0.1, and a client certificate for `clientCn`.
 */
export function makeCerts(dir: string, clientCn = 'edge-01', prefix = 'test'): TestCerts {
  const ca = join(dir, `${prefix}-ca.pem`);
  const caKey = join(dir, `${prefix}-ca.key`);
  openssl(
    [
      'req',
      '-x509',
      ...EC,
      '-keyout',
      caKey,
      '-out',
      ca,
      '-days',
      '2',
      '-subj',
      `/CN=${prefix} IOC test CA`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  const certs = { ca, caKey } as TestCerts;
  [certs.serverCert, certs.serverKey] = issue(
    dir,
    `${prefix}-server`,
    'localhost',
    [
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature',
      'extendedKeyUsage=serverAuth',
    ],
    certs,
  );
  [certs.clientCert, certs.clientKey] = issue(
    dir,
    `${prefix}-client`,
    clientCn,
    ['basicConstraints=CA:FALSE', 'keyUsage=digitalSignature', 'extendedKeyUsage=clientAuth'],
    certs,
  );
  return certs;
}
