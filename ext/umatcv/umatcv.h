/* umatcv: OpenCV colour conversions on host Mats or OpenCL UMats, in C.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The only door between the GStreamer element (C) and OpenCV (C++). Handles
 * are opaque; every call returns a status and never lets an exception out.
 * Where a call takes `char *error, size_t error_size`, a failing call writes
 * a sentence for the user there (either may be NULL/0).
 *
 * Ownership: what a _new() call returns belongs to the caller and goes back
 * through the matching _free(), which accepts NULL. Images are borrowed: the
 * library never keeps a pointer into them past the call.
 * Threads: a chain is immutable and may be shared. An engine and its
 * converters are used by one thread at a time (the streaming thread).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  UMATCV_OK = 0,
  UMATCV_ERROR_INVALID_ARGUMENT,  /* NULL, size or layout mismatch */
  UMATCV_ERROR_UNKNOWN_CODE,      /* not an OpenCV cvtColor code */
  UMATCV_ERROR_UNSUPPORTED_CODE,  /* an OpenCV code not run here (Bayer, 5x5) */
  UMATCV_ERROR_BROKEN_CHAIN,      /* a step cannot take what the one before gives */
  UMATCV_ERROR_NO_ROUTE,          /* no conversion between two layouts */
  UMATCV_ERROR_NO_DEVICE,         /* OpenCL asked for, no OpenCL device */
  UMATCV_ERROR_OPENCL,            /* the OpenCL runtime failed */
  UMATCV_ERROR_OPENCV,            /* OpenCV raised an exception */
  UMATCV_ERROR_NO_MEMORY
} UmatcvStatus;

/* What the bytes of an image mean, as cvtColor sees them. The first group is
 * what video formats carry; the second exists only between chain steps. */
typedef enum {
  UMATCV_LAYOUT_NONE = 0,
  UMATCV_LAYOUT_BGR, UMATCV_LAYOUT_RGB,
  UMATCV_LAYOUT_BGRA, UMATCV_LAYOUT_RGBA,
  UMATCV_LAYOUT_BGRX, UMATCV_LAYOUT_RGBX,       /* 4th byte is padding */
  UMATCV_LAYOUT_GRAY,
  UMATCV_LAYOUT_I420, UMATCV_LAYOUT_YV12,       /* planar 4:2:0 */
  UMATCV_LAYOUT_NV12, UMATCV_LAYOUT_NV21,       /* semi-planar 4:2:0 */
  UMATCV_LAYOUT_YUY2, UMATCV_LAYOUT_UYVY,       /* packed 4:2:2 */
  UMATCV_LAYOUT_YVYU,
  UMATCV_LAYOUT_HSV, UMATCV_LAYOUT_HSV_FULL, UMATCV_LAYOUT_HLS,
  UMATCV_LAYOUT_HLS_FULL, UMATCV_LAYOUT_LAB, UMATCV_LAYOUT_LUV,
  UMATCV_LAYOUT_XYZ, UMATCV_LAYOUT_YCRCB, UMATCV_LAYOUT_YUV,
  UMATCV_LAYOUT_LBGR, UMATCV_LAYOUT_LRGB, UMATCV_LAYOUT_MRGBA,
  UMATCV_N_LAYOUTS
} UmatcvLayout;

#define UMATCV_LAYOUT_BIT(l) (1u << (l))

typedef enum {
  UMATCV_DEVICE_AUTO = 0,  /* an OpenCL GPU if OpenCV finds one, else CPU */
  UMATCV_DEVICE_CPU,       /* never touches OpenCL */
  UMATCV_DEVICE_OPENCL     /* an OpenCL GPU, else any OpenCL device */
} UmatcvDevice;

/* Chain flags: how a chain treats Y'CbCr video. A chain that reads or
 * writes 4:2:0/4:2:2 through a matrix applies the converter's colorimetry
 * there (OpenCV's own codes are BT.601 limited range; the others are
 * umatcv's). The names are historical: "BT601" means "through a matrix". */
#define UMATCV_CHAIN_READS_BT601  (1u << 0)  /* decodes YUV input with a matrix */
#define UMATCV_CHAIN_WRITES_BT601 (1u << 1)  /* encodes YUV output with one */

/* The Y'CbCr matrix and range a converter decodes its YUV input with and
 * encodes its YUV output with. */
typedef enum {
  UMATCV_MATRIX_BT601 = 0,
  UMATCV_MATRIX_BT709
} UmatcvMatrix;

typedef enum {
  UMATCV_RANGE_LIMITED = 0,   /* Y' 16-235, Cb/Cr 16-240 */
  UMATCV_RANGE_FULL           /* 0-255 */
} UmatcvRange;

typedef struct {
  UmatcvMatrix matrix;
  UmatcvRange range;
} UmatcvColorimetry;

/* One video frame: up to 3 planes in the order GStreamer numbers them. */
typedef struct {
  UmatcvLayout layout;
  int width, height;
  uint8_t *planes[3];
  size_t strides[3];
} UmatcvImage;

typedef struct UmatcvChain UmatcvChain;
typedef struct UmatcvEngine UmatcvEngine;
typedef struct UmatcvConverter UmatcvConverter;

const char *umatcv_status_name (UmatcvStatus status);
const char *umatcv_layout_name (UmatcvLayout layout);  /* "BGR", "HSV"... */
/* Bytes per pixel of a packed layout, 0 for a planar one. */
int umatcv_layout_pixel_size (UmatcvLayout layout);

/* Chains. parse: "BGR2HSV, COLOR_hsv2rgb" (case-insensitive, COLOR_ optional,
 * spaces ignored). Fails on an empty text, an unknown or unsupported token
 * (named in error); it does not check that steps connect: check() does.
 * route: the steps that turn one layout into another, as auto mode does;
 * none (length 0) when they are equal. */
UmatcvStatus umatcv_chain_parse (const char *text, UmatcvChain **chain,
    char *error, size_t error_size);
UmatcvStatus umatcv_chain_route (UmatcvLayout from, UmatcvLayout to,
    UmatcvChain **chain);
UmatcvStatus umatcv_chain_check (const UmatcvChain *chain, char *error,
    size_t error_size);
void umatcv_chain_free (UmatcvChain *chain);
size_t umatcv_chain_length (const UmatcvChain *chain);
/* A step's canonical name ("BGR2HSV"), or NULL past the end. */
const char *umatcv_chain_step_name (const UmatcvChain *chain, size_t step);
/* Mask of UMATCV_LAYOUT_BIT()s the first step takes, and what the last gives. */
uint32_t umatcv_chain_input_layouts (const UmatcvChain *chain);
UmatcvLayout umatcv_chain_output_layout (const UmatcvChain *chain);
unsigned umatcv_chain_flags (const UmatcvChain *chain);
/* Width and height must be multiples of these for every layout on the way. */
void umatcv_chain_size_alignment (const UmatcvChain *chain, int *width_align,
    int *height_align);

/* Engines: one compute device. cpu never loads OpenCL. */
UmatcvStatus umatcv_engine_new (UmatcvDevice device, UmatcvEngine **engine,
    char *error, size_t error_size);
void umatcv_engine_free (UmatcvEngine *engine);
/* "cpu" or "opencl:<device name>"; valid while the engine lives. */
const char *umatcv_engine_backend (const UmatcvEngine *engine);
int umatcv_engine_uses_opencl (const UmatcvEngine *engine);

/* Converters: one chain on one frame size. Allocates every buffer it will
 * use now (on OpenCL, pool_size slots of UMats, reused round robin) and
 * none per frame. The chain is copied; the engine must outlive it. */
UmatcvStatus umatcv_converter_new (UmatcvEngine *engine,
    const UmatcvChain *chain, UmatcvLayout in, UmatcvLayout out, int width,
    int height, unsigned pool_size, UmatcvConverter **converter,
    char *error, size_t error_size);
/* The same, with the colorimetry of YUV input and output (NULL: BT.601
 * limited range) and whether to compile the chain into one OpenCL kernel
 * when it can (fuse = 0 keeps OpenCV's kernels, step by step). */
UmatcvStatus umatcv_converter_new_full (UmatcvEngine *engine,
    const UmatcvChain *chain, UmatcvLayout in, UmatcvLayout out, int width,
    int height, unsigned pool_size, const UmatcvColorimetry *in_colorimetry,
    const UmatcvColorimetry *out_colorimetry, int fuse,
    UmatcvConverter **converter, char *error, size_t error_size);
/* 1 when the chain runs as one generated OpenCL kernel. */
int umatcv_converter_is_fused (const UmatcvConverter *converter);
/* in and out may be the same memory (in-place); out is complete on return. */
UmatcvStatus umatcv_converter_process (UmatcvConverter *converter,
    const UmatcvImage *in, const UmatcvImage *out, char *error,
    size_t error_size);
void umatcv_converter_free (UmatcvConverter *converter);
/* Buffers (Mat or UMat) allocated for or re-created inside this converter
 * since it was made: constant after _new() unless something regressed. */
uint64_t umatcv_converter_allocations (const UmatcvConverter *converter);

/* Host memory that an engine's device reads and writes at full speed.
 *
 * On OpenCL it is pinned (page-locked) memory from a buffer made with
 * CL_MEM_ALLOC_HOST_PTR and mapped once for its whole life: uploads from it
 * and downloads into it are DMA transfers, several times faster than from
 * pageable memory. On the CPU it is plain page-aligned memory.
 *
 * Lifetimes are independent: an allocator keeps what it needs of the engine
 * (context and queue) and may outlive it; a block keeps what it needs of the
 * allocator and may outlive it, so frames handed to other elements can come
 * back after the element stopped. Any thread may free either. */
typedef struct UmatcvHostAllocator UmatcvHostAllocator;
typedef struct UmatcvHostMemory UmatcvHostMemory;

UmatcvStatus umatcv_host_allocator_new (UmatcvEngine *engine,
    UmatcvHostAllocator **allocator, char *error, size_t error_size);
void umatcv_host_allocator_free (UmatcvHostAllocator *allocator);
/* Whether blocks are pinned for an OpenCL device (else plain memory). */
int umatcv_host_allocator_pinned (const UmatcvHostAllocator *allocator);
/* A block of `size` bytes, aligned to at least 64 bytes (a page on the
 * CPU). Safe from any thread. */
UmatcvStatus umatcv_host_memory_new (UmatcvHostAllocator *allocator,
    size_t size, UmatcvHostMemory **memory, char *error, size_t error_size);
uint8_t *umatcv_host_memory_data (const UmatcvHostMemory *memory);
size_t umatcv_host_memory_size (const UmatcvHostMemory *memory);
void umatcv_host_memory_free (UmatcvHostMemory *memory);

#ifdef __cplusplus
}
#endif
