/**
 * Counting conventions shared by the FLOP and memory estimates. Each constant is
 * a convention of this module, not a measurement. Changing one changes every
 * figure that uses it.
 */

/** A multiply-add is 2 FLOPs (one multiply, one add), as in Kaplan et al. (2020), Table 1. */
export const FLOPS_PER_MULTIPLY_ADD = 2;

/**
 * Softmax over one attention score: the 1/sqrt(headDim) scale, the row maximum,
 * the subtraction of the maximum, exp, the row sum and the division: 6 FLOPs.
 * Masking (a select, or an add of -inf) is not counted.
 */
export const SOFTMAX_FLOPS_PER_SCORE = 6;

/** LayerNorm per element: mean (1), centre (1), square and sum (2), scale by 1/std (1), weight (1), bias (1). */
export const LAYERNORM_FLOPS_PER_ELEMENT = 7;

/** RMSNorm per element: square and sum (2), scale by 1/rms (1), weight (1). */
export const RMSNORM_FLOPS_PER_ELEMENT = 4;

/** Tanh-approximated GELU per element: x^3 (2), multiply-add by 0.044715 (2), scale (1), tanh (1), add 1 (1), times x/2 (1). */
export const GELU_FLOPS_PER_ELEMENT = 8;

/** SiLU gate per element: exp(-x) (2), add 1 (1), divide (1), times the up projection (1). */
export const SILU_GATE_FLOPS_PER_ELEMENT = 5;

/** Rotary embedding per element of q and k: x cos + rotate_half(x) sin, two multiplies and an add. */
export const ROPE_FLOPS_PER_ELEMENT = 3;

/** FlashAttention keeps its running row maximum and row sum in fp32 whatever the input dtype (Dao et al. 2022, Algorithm 1). */
export const ROW_STATISTIC_BYTES = 4;

/** Default FlashAttention tile: 64 query rows by 64 key columns. */
export const DEFAULT_TILE = { rows: 64, columns: 64 } as const;
