/* umatcv edges with SIMD rows (umatcv-edges-simd.hpp) where they have
 * them, the scalar reference elsewhere.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The rows give the reference's bytes; which build runs is picked when a
 * converter is made: AVX-512 or else AVX2 where the CPU has it, else the
 * baseline build (SSE2, NEON). UMATCV_CPU_EDGES=scalar|baseline|avx2|
 * avx512 picks one by hand (a build or CPU without it falls back to the
 * next below), for the exactness tests and benchmarks (tests/edges).
 */
#pragma once

#include "umatcv-edges.hpp"
#include "umatcv-edges-simd.hpp"

namespace umatcv {

/* The rows this process runs edges with; NULL: the reference. */
const rows::Kernels *edge_rows_pick ();

/* Whether `rows` cover this edge (else run_edge_rows() runs the
 * reference). */
bool edge_rows_cover (const Edge &edge, const rows::Kernels *rows);

/* run_edge() through `rows` where they cover the edge; `scratch` has
 * edge_scratch_bytes(). */
void run_edge_rows (const Edge &edge, const rows::Kernels *rows,
    const View &src, const View &dst, int y0, int y1, int32_t *scratch);

}  /* namespace umatcv */
