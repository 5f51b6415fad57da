export { DEMO_ATSIGNS, type DemoAtSign } from './demo-atsigns.js';
