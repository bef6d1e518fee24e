// The devbox cluster kind as the `ai-how:cluster-kinds` hook registers it.
import {DEVBOX_KIND, checkDevbox, describeDevbox} from './describe.js'
import {DEVBOX_STATE_KEY, createDevboxProvisioner} from './provisioner.js'
import {devboxSchema} from './schema.js'

/** @type {import('@ai-how/core').ClusterKindRegistration} */
export const devboxClusterKind = {
  key: DEVBOX_KIND,
  stateKey: DEVBOX_STATE_KEY,
  description: 'N identical VMs from one base image (from ai-how-plugin-devbox).',
  schema: devboxSchema,
  describe: describeDevbox,
  check: checkDevbox,
  provisioner: createDevboxProvisioner(),
}
