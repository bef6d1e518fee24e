// The e2e harness: a namespaced libvirtd (host.ts), the cached guest image (image.ts), running
// commands where the guests are (netns.ts), the real ai-how binary (ai-how.ts), SSH and Ansible
// against guests (ssh.ts, ansible.ts), the leftovers check (leftovers.ts) and a non-root libvirt
// user to run ai-how as (test-user.ts). See ../README.md.
export {makeAiHowDirs, runAiHow, spawnAiHow} from './ai-how.js'
export type {AiHowDirs, RunAiHowOptions} from './ai-how.js'
export {runPlaybook} from './ansible.js'
export type {PlaybookRun} from './ansible.js'
export type {CmdOptions, CmdResult} from './exec.js'
export {ensureHost, releaseHost, startLibvirtd, stopLibvirtd} from './host.js'
export type {E2eHost} from './host.js'
export {ensureGuestImage} from './image.js'
export type {GuestImage} from './image.js'
export {findLeftovers, tearDown} from './leftovers.js'
export type {ClusterToTearDown, TearDown} from './leftovers.js'
export {installCli} from './installed-cli.js'
export type {InstalledCli} from './installed-cli.js'
export {inNetns} from './netns.js'
export {aiHowBin, e2eDir, repoRoot} from './paths.js'
export {generateTestKeyPair, sshRun} from './ssh.js'
export type {SshProbeResult, SshTarget, TestKeyPair} from './ssh.js'
export {assertUserReachesDaemon, ensureTestUser, giveTo, TEST_USER, USER_TMP} from './test-user.js'
export type {TestUser} from './test-user.js'
export {virsh, virshNames} from './virsh.js'
