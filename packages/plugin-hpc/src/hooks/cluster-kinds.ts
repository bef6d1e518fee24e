/** Answers `ai-how:cluster-kinds`: this plugin adds the hpc cluster kind. */
import type {Hook} from '@oclif/core'
import type {AiHowHooks} from '@ai-how/core'
import {hpcClusterKind} from '../kind/registration.js'

const hook: Hook<'ai-how:cluster-kinds', AiHowHooks> = () => Promise.resolve([hpcClusterKind])

export default hook
