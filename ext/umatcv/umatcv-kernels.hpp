/* umatcv kernels: the OpenCL C sources of the kernels folder, embedded in the
 * library at build time by kernels/embed.py (umatcv-kernels.cpp, generated).
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

namespace umatcv {

extern const char kernel_fused_steps[];   /* kernels/fused-steps.cl */
extern const char kernel_fused_lab[];     /* kernels/fused-lab.cl */
extern const char kernel_fused_yuv[];     /* kernels/fused-yuv.cl */
extern const char kernel_edges[];         /* kernels/edges.cl */

}  /* namespace umatcv */
