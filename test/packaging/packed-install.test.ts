/**
 * The packages as published: `npm pack` of every workspace (the packages must be built), what each
 * tarball holds, and the CLI installed from the tarballs into an empty prefix (one `npm install -g`
 * of all of them: see test/e2e/harness/installed-cli.ts for how the @ai-how packages resolve to
 * the tarballs, not the registry), run from a folder outside the repository: --version, --help and
 * validate print nothing on stderr, and plan --show-xml against libvirt's test driver renders the
 * same XML from the packaged templates as the repository's CLI does from its own.
 * Third-party dependencies come from the npm registry or npm's cache. Skipped only without npm.
 */
import assert from 'node:assert/strict'
import {mkdtemp, readFile, readdir, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {execa} from 'execa'

import {installCli, npmAvailable} from '../e2e/harness/installed-cli.js'
import type {InstalledCli, PackedPackage} from '../e2e/harness/installed-cli.js'
import {repoRoot} from '../e2e/harness/paths.js'

/** The test kit `@ai-how/plugin-hpc/testing` ships on purpose (third-party kinds test against it); no other fake does. */
const KIT = ['dist/inventory/testing/ssh-probe', 'dist/testing', 'dist/vm/testing/fake-hypervisor', 'dist/vm/testing/fake-storage'].flatMap((f) => [`${f}.d.ts`, `${f}.js`])
const FORBIDDEN = [/(^|\/)(testing|test-support|fixtures)\//, /test-support\./, /\.test\./, /\.map$/, /tsbuildinfo/, /(^|\/)src\//]

const example = path.join(repoRoot, 'examples', 'hpc-tiny.yaml')
/** An hpc and a cloud cluster: plan renders from both plugin-hpc's and plugin-cloud's templates. */
const both = path.join(repoRoot, 'examples', 'hpc-and-cloud.yaml')
const skip = (await npmAvailable()) ? false : 'npm is not installed'

/** Every file under `dir`, relative to `base`. */
async function filesUnder(dir: string, base: string): Promise<string[]> {
  const entries = await readdir(dir, {withFileTypes: true, recursive: true})
  return entries.filter((e) => e.isFile()).map((e) => path.relative(base, path.join(e.parentPath, e.name))).sort()
}

void describe('packed packages installed into an empty prefix', {skip, timeout: 8 * 60_000}, () => {
  let box = ''
  let cli: InstalledCli | undefined
  const pack = (name: string): PackedPackage => {
    const found = cli?.packed.find((p) => p.name === name)
    assert.ok(found, `${name} was packed`)
    return found
  }
  /** The installed ai-how, run from a folder outside the repository. */
  const installed = (args: string[], env: Record<string, string> = {}) => {
    assert.ok(cli)
    return execa(process.execPath, [cli.bin, ...args], {cwd: box, reject: false, env: {NO_COLOR: '1', AI_HOW_DATA_DIR: path.join(box, 'data'), AI_HOW_SYSFS_ROOT: '/nonexistent', ...env}})
  }

  before(async () => {
    box = await mkdtemp(path.join(os.tmpdir(), 'ai-how-packaging-'))
    cli = await installCli(box)
  })
  after(async () => { if (box !== '') await rm(box, {recursive: true, force: true}) })

  void it('packs every workspace, each with its licence, oclif manifest and exported files, and no fakes, maps, build info or tests', async () => {
    assert.ok(cli)
    assert.deepEqual(cli.packed.map((p) => p.name).sort(), ['@ai-how/core', '@ai-how/plugin-cloud', '@ai-how/plugin-gpu-passthrough', '@ai-how/plugin-hpc'])
    for (const p of cli.packed) {
      const manifest = JSON.parse(await readFile(path.join(repoRoot, p.workspace, 'package.json'), 'utf8')) as {license?: string; exports: Record<string, {default: string; types: string}>}
      assert.equal(manifest.license, 'MIT', p.name)
      for (const must of ['LICENSE', 'package.json', 'oclif.manifest.json', 'dist/index.js']) assert.ok(p.files.includes(must), `${p.name} lacks ${must}`)
      for (const target of Object.values(manifest.exports).flatMap((e) => [e.default, e.types])) assert.ok(p.files.includes(path.normalize(target)), `${p.name} exports ${target}, which it does not ship`)
      const kit = p.name === '@ai-how/plugin-hpc' ? KIT : []
      const bad = p.files.filter((f) => !kit.includes(f) && FORBIDDEN.some((re) => re.test(f)))
      assert.deepEqual(bad, [], `${p.name} ships ${bad.join(', ')}`)
    }
    assert.ok(pack('@ai-how/core').files.includes('bin/run.js'))
    const hpcTemplates = await filesUnder(path.join(repoRoot, 'packages/plugin-hpc/templates'), path.join(repoRoot, 'packages/plugin-hpc'))
    assert.ok(hpcTemplates.includes('templates/libvirt/domain.xml.hbs') && hpcTemplates.includes('templates/cloud-init/user-data.hbs'))
    assert.deepEqual(pack('@ai-how/plugin-hpc').files.filter((f) => f.startsWith('templates/')), hpcTemplates)
    const hpcPlaybooks = await filesUnder(path.join(repoRoot, 'packages/plugin-hpc/playbooks'), path.join(repoRoot, 'packages/plugin-hpc'))
    assert.ok(hpcPlaybooks.includes('playbooks/slurm.yml') && hpcPlaybooks.includes('playbooks/slurm.conf.j2') && hpcPlaybooks.includes('playbooks/gres.conf.j2'))
    assert.deepEqual(pack('@ai-how/plugin-hpc').files.filter((f) => f.startsWith('playbooks/')), hpcPlaybooks)
    const cloudShips = await filesUnder(path.join(repoRoot, 'packages/plugin-cloud'), path.join(repoRoot, 'packages/plugin-cloud')).then((all) => all.filter((f) => /^(templates|playbooks)\//.test(f)))
    assert.deepEqual(pack('@ai-how/plugin-cloud').files.filter((f) => /^(templates|playbooks)\//.test(f)), cloudShips)
  })

  void it('leaves no oclif manifest behind in the workspace after packing', async () => {
    for (const p of cli?.packed ?? []) {
      await assert.rejects(readFile(path.join(repoRoot, p.workspace, 'oclif.manifest.json')), {code: 'ENOENT'}, p.workspace)
    }
  })

  void it('installs the tarballs themselves, with their manifests listing the commands', async () => {
    assert.ok(cli)
    const lib = path.join(cli.prefix, 'lib', 'node_modules', '@ai-how')
    assert.deepEqual(await filesUnder(path.join(lib, 'plugin-hpc', 'templates'), path.join(lib, 'plugin-hpc')), pack('@ai-how/plugin-hpc').files.filter((f) => f.startsWith('templates/')))
    assert.deepEqual(await filesUnder(path.join(lib, 'plugin-hpc', 'playbooks'), path.join(lib, 'plugin-hpc')), pack('@ai-how/plugin-hpc').files.filter((f) => f.startsWith('playbooks/')))
    const commands = async (name: string): Promise<string[]> => Object.keys((JSON.parse(await readFile(path.join(lib, name, 'oclif.manifest.json'), 'utf8')) as {commands: object}).commands).sort()
    const core = await commands('core')
    assert.ok(core.includes('validate') && core.includes('plan'), core.join(' '))
    assert.ok((await commands('plugin-hpc')).includes('hpc:start'))
    assert.ok((await commands('plugin-cloud')).includes('cloud:start'))
    assert.ok((await commands('plugin-gpu-passthrough')).includes('gpu:list'))
  })

  void it('runs --version, --help and validate from outside the repository with nothing on stderr', async () => {
    const version = await installed(['--version'])
    assert.equal(version.exitCode, 0, version.stderr)
    assert.match(version.stdout, /^@ai-how\/core\/0\.1\.0 /)
    assert.equal(version.stderr, '')
    const help = await installed(['--help'])
    assert.equal(help.exitCode, 0, help.stderr)
    assert.match(help.stdout, /\n {2}hpc\s/)
    assert.equal(help.stderr, '')
    const validate = await installed(['validate', example])
    assert.equal(validate.exitCode, 0, `${validate.stdout}\n${validate.stderr}`)
    assert.match(validate.stdout, /hpc-tiny\.yaml is valid/)
    assert.equal(validate.stderr, '')
  })

  void it('plan --show-xml on the test driver renders the same XML from the packaged templates (hpc and cloud) as the repository does', async () => {
    const env = {LIBVIRT_DEFAULT_URI: 'test:///default', AI_HOW_IMAGE_DIR: '/nonexistent'}
    const text = await installed(['plan', example, '--show-xml'], env)
    assert.equal(text.exitCode, 0, `${text.stdout}\n${text.stderr}`)
    assert.match(text.stdout, /<domain type='qemu'|<domain type='kvm'/)
    assert.match(text.stdout, /<network>\n\s*<name>hpc-tiny-network<\/name>/)
    type Plan = {kind: string; items: {name: string; xml?: string}[]}[]
    const xmlOf = (stdout: string): string[] => (JSON.parse(stdout) as {clusters: Plan}).clusters.flatMap((r) => r.items.map((i) => `${r.kind} ${i.name}\n${i.xml ?? ''}`))
    const ours = await installed(['plan', both, '--show-xml', '--json'], env)
    const repo = await execa(process.execPath, [path.join(repoRoot, 'packages/core/bin/run.js'), 'plan', both, '--show-xml', '--json'], {cwd: box, reject: false, env: {NO_COLOR: '1', AI_HOW_DATA_DIR: path.join(box, 'data'), AI_HOW_SYSFS_ROOT: '/nonexistent', ...env}})
    assert.equal(ours.exitCode, 0, ours.stderr)
    assert.equal(repo.exitCode, 0, repo.stderr)
    const rendered = xmlOf(ours.stdout)
    for (const kind of ['hpc', 'cloud']) assert.ok(rendered.some((x) => x.startsWith(`${kind} `) && x.includes('<domain ')), `${kind} domains are rendered`)
    assert.deepEqual(rendered, xmlOf(repo.stdout))
  })
})
