/**
 * Test TLS material made with the openssl CLI: a CA and a server certificate for 127.0.0.1 and
 * localhost, signed by it (EC P-256, valid one day). Made once per process, in a temp folder
 * removed at exit.
 */
import {execFile} from 'node:child_process'
import {rmSync} from 'node:fs'
import {mkdtemp, readFile, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

const run = promisify(execFile)

export interface TestTls {
  /** PEM of the CA certificate (what certificate-authority-data holds, base64-encoded). */
  caCert: string
  serverCert: string
  serverKey: string
}

let made: Promise<TestTls> | undefined

export function testTls(): Promise<TestTls> {
  made ??= makeTls()
  return made
}

async function makeTls(): Promise<TestTls> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-k8s-tls-'))
  process.once('exit', () => {
    rmSync(dir, {recursive: true, force: true})
  })
  const f = (name: string): string => path.join(dir, name)
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  await run('openssl', ['req', '-x509', ...key, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '1', '-subj', '/CN=fake-kubernetes-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  await run('openssl', ['req', ...key, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=kube-apiserver'])
  await writeFile(f('server.ext'), [
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc',
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    '',
  ].join('\n'))
  await run('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-set_serial', String(Date.now()),
    '-days', '1', '-extfile', f('server.ext'), '-out', f('server.crt')])
  const [caCert, serverCert, serverKey] = await Promise.all(['ca.crt', 'server.crt', 'server.key'].map((name) => readFile(f(name), 'utf8')))
  return {caCert: caCert ?? '', serverCert: serverCert ?? '', serverKey: serverKey ?? ''}
}
