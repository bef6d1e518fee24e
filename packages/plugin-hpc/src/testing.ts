/**
 * `@ai-how/plugin-hpc/testing`: the test doubles a kind's tests (ours and a third-party plugin's)
 * use: the in-memory FakeHypervisor, and what ssh would really get from an inventory (Ansible's
 * splitting, `ssh -G`). Never imported at run time, so the main entry does not load them; the
 * package ships these files (its package.json `files`) and none of its other test fakes.
 */
export {FakeHypervisor} from './vm/testing/fake-hypervisor.js'
export {ansibleSplit, dashO, sshArgvThroughAnsible, sshConfig, toolAvailable} from './inventory/testing/ssh-probe.js'
