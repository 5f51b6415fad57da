/** Test data for the native addon tests: the spec vectors and the repository's own fixtures. */
export { readFixture } from '../../helpers/vectors.js';

export const b64 = (text: string): Buffer => Buffer.from(text, 'base64');
export const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');
export const hex = (text: string): Buffer => Buffer.from(text, 'hex');
