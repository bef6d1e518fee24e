import {after, before, describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {parse} from 'yaml'
import {hasCode, isAiHowError} from '@ai-how/core'
import {checkHealth, KUBECONFIG_HOST_INVALID, KUBECONFIG_INVALID, KUBECONFIG_NOT_FOUND, loadKubeconfig, rewriteKubeconfig} from './index.js'
import {nodeObject, podObject, startFakeApi} from './testing/fake-api.js'
import type {FakeApi} from './testing/fake-api.js'

const CA = 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMvakNDQWVhZ0F3SUJBZ0lCQURBTkJna3Foa2lHOXcwQkFRc0ZBREFWTVJNd0VRWURWUVFERXdwcmRXSmwKY201bGRHVnpNQjRYRFRJMU1EWXdNVEV3TURBd01Gb1hEVE0xTURVek1ERXdNREF3TUZvd0ZURVRNQkVHQTFVRQpBeE1LYTNWaVpYSnVaWFJsY3pDQ0FTSXdEUVlKS29aSWh2Y05BUUVCQlFBRGdnRVBBRENDQVFvQ2dnRUJBTDVuCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K'

/** admin.conf as kubeadm writes it on the control plane. */
const ADMIN_CONF = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${CA}
    server: https://127.0.0.1:6443
  name: cluster.local
contexts:
- context:
    cluster: cluster.local
    user: kubernetes-admin
  name: kubernetes-admin@cluster.local
current-context: kubernetes-admin@cluster.local
kind: Config
preferences: {}
users:
- name: kubernetes-admin
  user:
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
`

const serverOf = (text: string, i = 0): unknown => (parse(text) as {clusters: {cluster: {server: unknown}}[]}).clusters[i]?.cluster.server

void describe('rewriteKubeconfig', () => {
  void it('points the server at the host and keeps the port, the CA data and the credentials', () => {
    const out = rewriteKubeconfig(ADMIN_CONF, '192.168.200.10')
    assert.equal(serverOf(out), 'https://192.168.200.10:6443')
    assert.equal(out, ADMIN_CONF.replace('https://127.0.0.1:6443', 'https://192.168.200.10:6443'))
  })

  void it('rewrites every cluster, keeps a non-default port and a path, and adds 6443 when the URL has no port', () => {
    const text = `kind: Config
clusters:
- name: a
  cluster: {server: "https://lb-apiserver.kubernetes.local:8383"}
- name: b
  cluster:
    server: https://10.0.0.1/k8s/clusters/c-1
current-context: x
`
    const out = rewriteKubeconfig(text, 'cp.example.org')
    assert.equal(serverOf(out, 0), 'https://cp.example.org:8383')
    assert.equal(serverOf(out, 1), 'https://cp.example.org:6443/k8s/clusters/c-1')
  })

  void it('puts an IPv6 host in brackets', () => {
    assert.equal(serverOf(rewriteKubeconfig(ADMIN_CONF, 'fd00::10')), 'https://[fd00::10]:6443')
  })

  void it('refuses text that is not a kubeconfig, with a named error', () => {
    const cases = ['just some text', '- a\n- b\n', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n', 'kind: Config\nclusters: []\n',
      'kind: Config\nclusters:\n- name: a\n  cluster: {}\n', 'kind: Config\nclusters:\n- cluster: {server: "ftp://x"}\n', 'clusters: [\n']
    for (const text of cases) {
      assert.throws(() => rewriteKubeconfig(text, '10.0.0.1'), (error: unknown) => {
        assert.ok(isAiHowError(error), text)
        assert.equal(error.code, KUBECONFIG_INVALID, text)
        assert.equal(error.exitCode, 1)
        assert.ok(error.actions.length > 0)
        return true
      })
    }
  })

  void it('refuses a host that is a URL or has a port', () => {
    for (const host of ['', 'https://10.0.0.1', '10.0.0.1:6443x', 'a b']) {
      assert.throws(() => rewriteKubeconfig(ADMIN_CONF, host), (e: unknown) => hasCode(e, KUBECONFIG_HOST_INVALID), host)
    }
  })
})

void describe('loadKubeconfig', () => {
  let dir = ''
  let api: FakeApi
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-kubeconfig-'))
    api = await startFakeApi({nodes: [nodeObject('cloud-cp', {controlPlane: true})], pods: [podObject('coredns-5d78c9869d-abcde', {namespace: 'kube-system', node: 'cloud-cp'})]})
  })
  after(async () => {
    await api.close()
    await rm(dir, {recursive: true, force: true})
  })

  void it('names a missing file and a file that is not a kubeconfig', async () => {
    await assert.rejects(loadKubeconfig(path.join(dir, 'missing.conf')), (e: unknown) => hasCode(e, KUBECONFIG_NOT_FOUND))
    const bad = path.join(dir, 'bad.conf')
    await writeFile(bad, 'kind: Config\ncurrent-context: nowhere\n')
    await assert.rejects(loadKubeconfig(bad), (e: unknown) => hasCode(e, KUBECONFIG_INVALID))
  })

  void it('a rewritten kubeconfig still reaches the API server: port and CA kept', async () => {
    const fetched = api.kubeconfig().replace('https://127.0.0.1:', 'https://lb-apiserver.kubernetes.local:')
    const file = path.join(dir, 'rewritten.conf')
    await writeFile(file, rewriteKubeconfig(fetched, '127.0.0.1'))
    const health = await checkHealth(file, {nodes: ['cloud-cp'], deadlineMs: 2000})
    assert.equal(health.healthy, true, JSON.stringify(health.checks))
  })
})
