/** The cost model: parameters, FLOPs, memory and roofline time bounds of transformer models, with presets of real ones. */

export * from './config';
export * from './conventions';
export * from './devices';
export * from './errors';
export * from './estimate';
export * from './flops';
export * from './from-model-info';
export * from './memory';
export * from './parameters';
export * from './presets';
export * from './roofline';
export * from './sweep';
