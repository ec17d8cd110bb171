/** Engine version written into every manifest and checkpoint; kept equal to package.json by a test. */
export const ENGINE_VERSION = '0.18.0';
