/** Answers `ai-how:cluster-kinds`: this plugin adds the cloud cluster kind. */
import type {Hook} from '@oclif/core'
import type {AiHowHooks} from '@ai-how/core'
import {cloudClusterKind} from '../kind/registration.js'

const hook: Hook<'ai-how:cluster-kinds', AiHowHooks> = () => Promise.resolve([cloudClusterKind])

export default hook
