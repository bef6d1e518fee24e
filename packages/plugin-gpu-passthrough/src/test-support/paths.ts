/** Paths of the repository, the sysfs fixture trees and the real `ai-how` binary, for tests. */
import path from 'node:path'

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..')
export const SYSFS_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/sysfs')
export const CLI = path.join(REPO_ROOT, 'packages/core/bin/run.js')
export const GOLDEN = path.join(REPO_ROOT, 'packages/plugin-gpu-passthrough/src/test-support/golden')

export type FixtureTree = 'workstation-nvidia' | 'workstation-vfio' | 'iommu-off' | 'shared-group'

export const FIXTURE_TREES: readonly FixtureTree[] = ['workstation-nvidia', 'workstation-vfio', 'iommu-off', 'shared-group']

export function fixtureRoot(tree: FixtureTree): string {
  return path.join(SYSFS_FIXTURES, tree)
}
