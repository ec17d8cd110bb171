/**
 * Property-based tests draw their cases from one fixed seed, so that a run of the
 * suite is the same run everywhere and a statistical property cannot fail by the luck
 * of a fresh seed in CI. FC_SEED explores other cases (a failure prints its seed and
 * path for replay).
 */
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261130) });
