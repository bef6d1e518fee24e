// Answer to ai-how's `ai-how:cluster-kinds` hook: this plugin adds the `devbox` cluster kind.
import {devboxClusterKind} from '../lib/registration.js'

/** @type {import('@oclif/core').Hook<'ai-how:cluster-kinds', import('@ai-how/core').AiHowHooks>} */
const hook = async () => [devboxClusterKind]

export default hook
