/**
 * The plugin author's kit end to end, without a VM: examples/plugin-devbox is packed with npm,
 * installed from the tarball with `ai-how plugins install` into an isolated data dir (it finds
 * @ai-how/core and @ai-how/plugin-hpc through the CLI: no registry), and its `devbox` kind is
 * validated, planned and reported on libvirt's test driver through the real binary. Installing
 * prints no warning; the example's own tests (the FakeHypervisor lifecycle) pass.
 */
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {writeFile} from 'node:fs/promises'
import path from 'node:path'
import {promisify} from 'node:util'
import {after, before, describe, it} from 'node:test'
import type {CliResult, Sandbox} from './cli.js'
import {assertBuilt, repoRoot, sandbox, show} from './cli.js'
import {devboxConfig, devboxDir, packDevbox, warningLines} from './devbox-kit.js'

const run = promisify(execFile)

void describe('the devbox example plugin, packed and installed (ai-how plugins install <tarball>)', () => {
  let box: Sandbox
  let good: string
  before(async () => {
    assertBuilt()
    // This machine's ~/.npmrc makes npm warn about a setting of its own: not the plugin's doing.
    process.env.npm_config_userconfig = '/dev/null'
    box = await sandbox()
    good = path.join(box.dir, 'devbox.yaml')
    await writeFile(path.join(box.dir, 'base.qcow2'), '')
    await writeFile(good, devboxConfig({uri: 'test:///default', image: path.join(box.dir, 'base.qcow2')}))
  })
  after(async () => {
    await box.dispose()
  })

  void it('installs from the packed tarball, printing no warning, and lists as a user plugin', async () => {
    const tarball = await packDevbox(box.dir)
    const install = await box.run(['plugins', 'install', `file:${tarball}`])
    assert.equal(install.code, 0, show(install))
    assert.deepEqual(warningLines(install.stderr), [], show(install))
    const list = await box.run(['plugins'])
    assert.match(list.stdout, /^ai-how-plugin-devbox 0\.1\.0$/m, show(list))
  })

  void it('validates a devbox section (exit 0), and rejects a bad one at each devbox field (exit 2)', async () => {
    const ok = await box.run(['validate', good])
    assert.equal(ok.code, 0, show(ok))
    assert.match(ok.stderr + ok.stdout, /valid: kinds devbox/, show(ok))
    const bad = path.join(box.dir, 'bad.yaml')
    await writeFile(bad, devboxConfig({uri: 'test:///default', image: path.join(box.dir, 'base.qcow2'), count: 0, vmExtra: '      gpu: true\n'}))
    const r = await box.run(['validate', bad, '--json'])
    assert.equal(r.code, 2, show(r))
    const result = JSON.parse(r.stdout) as {errors: {path: string}[]}
    assert.deepEqual(result.errors.map((e) => e.path).sort(), ['clusters.devbox.count', 'clusters.devbox.vm.gpu'], show(r))
  })

  void it('plans two boxes on the test driver and reports them absent, with no warning on any run', async () => {
    const plan = await box.run(['plan', good, '--json'])
    assert.equal(plan.code, 0, show(plan))
    const [report] = (JSON.parse(plan.stdout) as {clusters: {kind: string; items: {name: string; action: string}[]}[]}).clusters
    assert.equal(report?.kind, 'devbox')
    assert.deepEqual(
      report.items.filter((i) => i.action === 'create').map((i) => i.name),
      ['dbx-network', 'dbx-pool', 'dbx-base.qcow2', 'dbx-box-01.qcow2', 'dbx-box-01-seed.iso', 'dbx-box-01', 'dbx-box-02.qcow2', 'dbx-box-02-seed.iso', 'dbx-box-02'],
    )
    const status = await box.run(['devbox', 'status', good, '--json'])
    assert.equal(status.code, 0, show(status))
    const s = JSON.parse(status.stdout) as {status: string; nodes: {name: string; state: string; ip: {configured: string}}[]}
    assert.equal(s.status, 'not_created')
    assert.deepEqual(s.nodes.map((n) => [n.name, n.state, n.ip.configured]), [['dbx-box-01', 'absent', '192.168.160.10'], ['dbx-box-02', 'absent', '192.168.160.11']])
    for (const r of [plan, status]) assert.deepEqual(warningLines(r.stderr), [], show(r))
  })

  void it('links from its folder (plugins link --no-install) and runs, with no warning: not even oclif\'s linked-ESM one', async () => {
    // The sandbox silences that oclif warning by its environment variable; here it is left unset.
    const env = {
      OCLIF_DISABLE_LINKED_ESM_WARNING: undefined, NODE_TEST_CONTEXT: undefined, AI_HOW_STATE: undefined,
      AI_HOW_DATA_DIR: path.join(box.dir, 'link', 'data'), AI_HOW_CACHE_DIR: path.join(box.dir, 'link', 'cache'), AI_HOW_CONFIG_DIR: path.join(box.dir, 'link', 'config'),
    }
    const ai = (args: string[]): Promise<CliResult> => box.run(args, {cwd: box.dir, env})
    const link = await ai(['plugins', 'link', devboxDir, '--no-install'])
    assert.equal(link.code, 0, show(link))
    const status = await ai(['devbox', 'status', good, '--state', path.join(box.dir, 'link', 'state.json')])
    assert.equal(status.code, 0, show(status))
    assert.match(status.stdout, /^devbox cluster dbx: not_created/m, show(status))
    for (const r of [link, status]) assert.deepEqual(warningLines(r.stderr), [], show(r))
  })

  void it("passes the example's own tests (start, status, stop, destroy on the FakeHypervisor)", async () => {
    // A child test run of its own: without the parent's NODE_TEST_CONTEXT it reports on stdout.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_TEST_CONTEXT'))
    const {stdout} = await run(process.execPath, ['--test', '--test-reporter=tap', 'examples/plugin-devbox/test/'], {cwd: repoRoot, env, timeout: 120_000})
    assert.match(stdout, /^# pass 2$/m, stdout)
    assert.match(stdout, /^# fail 0$/m, stdout)
  })

  void it('type-checks: its JSDoc types are the exported ones of @ai-how/core and @ai-how/plugin-hpc', async () => {
    const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc')
    const r = await run(process.execPath, [tsc, '-p', path.join(devboxDir, 'jsconfig.json')], {cwd: repoRoot, timeout: 120_000}).catch((e: unknown) => ({stdout: String((e as {stdout?: unknown}).stdout ?? e)}))
    assert.equal(r.stdout, '')
  })
})
