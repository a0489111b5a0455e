import { fastTrace, referenceTrace } from '../../../src/engines/tracing/index.js';
import { traceSpecs } from './_trace-specs.js';

traceSpecs('fast engine', fastTrace);
traceSpecs('reference engine', referenceTrace);
