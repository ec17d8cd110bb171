/**
 * The scenario schema, split by section in ./schema/ (each section in the file of
 * the phase or module that reads it) and joined there by scale. This module is
 * what the rest of the code imports.
 */
export * from './schema/index.ts';
