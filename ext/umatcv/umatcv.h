/* umatcv: OpenCV colour conversions on host Mats or OpenCL UMats, in C.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The only door between the GStreamer element (C) and OpenCV (C++). Handles
 * are opaque; no call lets an exception out.
 *
 * Errors: a call that can fail returns a UmatcvStatus and takes a last
 * argument `char **error`. On failure, when `error` is not NULL, *error is
 * set to a sentence for the user, allocated with malloc(); the caller frees
 * it with umatcv_free(). *error is left alone on success.
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
  UMATCV_ERROR_NO_MEMORY,
  UMATCV_ERROR_TOO_LARGE          /* a frame the device cannot address */
} UmatcvStatus;

/* What the bytes of an image mean. Layouts with a video format are what
 * frames carry; the others (HSV, Lab...) exist only between chain steps. */
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
  UMATCV_LAYOUT_ARGB, UMATCV_LAYOUT_ABGR,       /* alpha first */
  UMATCV_LAYOUT_XRGB, UMATCV_LAYOUT_XBGR,       /* padding first */
  UMATCV_LAYOUT_Y42B, UMATCV_LAYOUT_NV16,       /* planar, semi-planar 4:2:2 */
  UMATCV_LAYOUT_Y444,                           /* planar 4:4:4 */
  UMATCV_LAYOUT_P010,                           /* 10 bits in 16, high bits */
  UMATCV_LAYOUT_I420_10, UMATCV_LAYOUT_I422_10, /* 10 bits in 16, low bits */
  UMATCV_LAYOUT_Y444_10,
  UMATCV_LAYOUT_HSV, UMATCV_LAYOUT_HSV_FULL, UMATCV_LAYOUT_HLS,
  UMATCV_LAYOUT_HLS_FULL, UMATCV_LAYOUT_LAB, UMATCV_LAYOUT_LUV,
  UMATCV_LAYOUT_XYZ, UMATCV_LAYOUT_YCRCB, UMATCV_LAYOUT_YUV,
  UMATCV_LAYOUT_LBGR, UMATCV_LAYOUT_LRGB, UMATCV_LAYOUT_MRGBA,
  UMATCV_N_LAYOUTS
} UmatcvLayout;

#define UMATCV_LAYOUT_BIT(l) (1ull << (l))

typedef enum {
  UMATCV_FAMILY_NONE = 0,   /* only between chain steps */
  UMATCV_FAMILY_RGB,        /* R'G'B', with alpha or padding or not */
  UMATCV_FAMILY_GRAY,
  UMATCV_FAMILY_YUV         /* Y'CbCr, chroma subsampled or not */
} UmatcvFamily;

/* One row of the layout table, the project's one description of formats:
 * the element builds its caps from it, the tests their frames. */
typedef struct {
  const char *name;           /* as cvtColor codes spell it: "BGR", "HSV" */
  const char *video_format;   /* GStreamer's name ("BGRx"); NULL: none */
  UmatcvFamily family;
  int n_planes;               /* 1 to 3 */
  int pixel_size;             /* bytes a pixel of a one-plane layout, else 0 */
  int chroma_x_shift;         /* log2 of the chroma subsampling: 4:2:0 is */
  int chroma_y_shift;         /*   1 and 1, 4:2:2 1 and 0 */
  int depth;                  /* bits a component: 8 or 10 */
  int input_only;             /* a video format nothing here writes */
} UmatcvLayoutInfo;

/* The row of `layout`; NULL outside [1, UMATCV_N_LAYOUTS). */
const UmatcvLayoutInfo *umatcv_layout_info (UmatcvLayout layout);
/* Its name ("BGR", "HSV"...), "none" outside the table. */
const char *umatcv_layout_name (UmatcvLayout layout);
/* The layout of a GStreamer format name ("NV12"), NONE when none. */
UmatcvLayout umatcv_layout_from_video_format (const char *video_format);

typedef enum {
  UMATCV_DEVICE_AUTO = 0,  /* an OpenCL GPU if OpenCV finds one, else CPU */
  UMATCV_DEVICE_CPU,       /* never touches OpenCL */
  UMATCV_DEVICE_OPENCL     /* an OpenCL GPU, else any OpenCL device */
} UmatcvDevice;

/* Chain flags: where a chain turns Y'CbCr into colour or back through a
 * matrix (OpenCV's own codes are BT.601 limited range; the converter
 * applies the colorimetry it is given there). Repacking or resampling
 * Y'CbCr (I420 to NV12, 4:2:2 to 4:2:0, 10 to 8 bits) needs no matrix. */
#define UMATCV_CHAIN_DECODES_YUV (1u << 0)
#define UMATCV_CHAIN_ENCODES_YUV (1u << 1)
/* The encoding is OpenCV's own 4:2:0 code, named in the chain: each 2x2
 * block's chroma is its top-left pixel's ("cosited" both ways), whatever
 * siting the converter is given. */
#define UMATCV_CHAIN_WRITES_COSITED (1u << 2)

/* The Y'CbCr matrix and range a converter decodes its YUV input with and
 * encodes its YUV output with. */
typedef enum {
  UMATCV_MATRIX_BT601 = 0,
  UMATCV_MATRIX_BT709,
  UMATCV_MATRIX_BT2020        /* non-constant luminance */
} UmatcvMatrix;

typedef enum {
  UMATCV_RANGE_LIMITED = 0,   /* Y' 16-235, Cb/Cr 16-240 */
  UMATCV_RANGE_FULL           /* 0-255 */
} UmatcvRange;

/* Where subsampled chroma sits against luma: cosited with the first luma
 * sample of its block, or centred between them. 0 is centred both ways
 * (JPEG); H_COSITED alone is MPEG-2's siting, which H.264 and HEVC
 * decoders and encoders assume; both flags is "cosited". */
#define UMATCV_SITE_H_COSITED (1u << 0)
#define UMATCV_SITE_V_COSITED (1u << 1)

/* Transfer functions and primaries are not converted: a chain sees the
 * R'G'B' the matrix gives. */
typedef struct {
  UmatcvMatrix matrix;
  UmatcvRange range;
  unsigned chroma_site;       /* UMATCV_SITE_* */
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

/* Frees an error sentence (or anything else this library says to). */
void umatcv_free (void *pointer);
const char *umatcv_status_name (UmatcvStatus status);

/* Chains. parse: "BGR2HSV, COLOR_hsv2rgb" (case-insensitive, COLOR_ optional,
 * spaces ignored). Fails on an empty text, an unknown or unsupported token
 * (named in the error); it does not check that steps connect: check() does.
 * route: the steps that turn one layout into another, as auto mode does;
 * none (length 0) when they are equal. */
UmatcvStatus umatcv_chain_parse (const char *text, UmatcvChain **chain,
    char **error);
UmatcvStatus umatcv_chain_route (UmatcvLayout from, UmatcvLayout to,
    UmatcvChain **chain, char **error);
UmatcvStatus umatcv_chain_check (const UmatcvChain *chain, char **error);
/* The steps that take frames of `in` through `chain` (NULL: no chain, as in
 * auto mode) into frames of `out`: the chain with what it needs at either
 * end (decoding YUV to the colour the first code takes, encoding the last
 * one's into the output format, reordering channels). */
UmatcvStatus umatcv_chain_compose (const UmatcvChain *chain, UmatcvLayout in,
    UmatcvLayout out, UmatcvChain **composed, char **error);
void umatcv_chain_free (UmatcvChain *chain);
size_t umatcv_chain_length (const UmatcvChain *chain);
/* A step's canonical name ("BGR2HSV"), or NULL past the end. */
const char *umatcv_chain_step_name (const UmatcvChain *chain, size_t step);
/* Mask of UMATCV_LAYOUT_BIT()s the first step takes, and what the last gives. */
uint64_t umatcv_chain_input_layouts (const UmatcvChain *chain);
UmatcvLayout umatcv_chain_output_layout (const UmatcvChain *chain);
unsigned umatcv_chain_flags (const UmatcvChain *chain);
/* Width and height must be multiples of these for every layout on the way. */
void umatcv_chain_size_alignment (const UmatcvChain *chain, int *width_align,
    int *height_align);

/* Engines: one compute device. cpu never loads OpenCL. On auto, a missing
 * GPU is no failure: the engine runs on the CPU and *error (when given)
 * says why, for the log. Any thread may make one; they are made one at a
 * time. */
UmatcvStatus umatcv_engine_new (UmatcvDevice device, UmatcvEngine **engine,
    char **error);
/* The same on one OpenCL device: `opencl_device` (NULL or "": the choice
 * above) is a GPU's index, 0 first, in the order the platforms list them,
 * or part of a "platform: device" name, ignoring case. Each engine has a
 * context of its own, so two engines in one process can use two GPUs. */
UmatcvStatus umatcv_engine_new_on (UmatcvDevice device,
    const char *opencl_device, UmatcvEngine **engine, char **error);
void umatcv_engine_free (UmatcvEngine *engine);
/* 1 when frames in CUDA memory can go straight into this engine's
 * OpenCL device (an NVIDIA GPU with cl_khr_external_memory_opaque_fd and
 * its driver's libcuda); else 0, and *why (when given, malloc'd) says
 * what is missing. */
int umatcv_engine_takes_cuda (const UmatcvEngine *engine, char **why);
/* "cpu" or "opencl:<device name>"; valid while the engine lives. */
const char *umatcv_engine_backend (const UmatcvEngine *engine);
int umatcv_engine_uses_opencl (const UmatcvEngine *engine);

/* What a converter converts: one chain between two layouts at one size. */
typedef struct {
  UmatcvLayout in, out;
  int width, height;
  /* of YUV input and output; ignored for other layouts */
  UmatcvColorimetry in_colorimetry, out_colorimetry;
  /* OpenCL: frames of device buffers, allocated once, used in turn */
  unsigned slots;
  /* compile the chain into one OpenCL kernel where the generator can;
   * 0 keeps OpenCV's kernels, step by step */
  int fuse;
  /* input frames are CUDA device memory (an NVIDIA decoder's): their
   * planes are CUDA addresses, copied on the GPU into the slots; only
   * where umatcv_engine_takes_cuda() says so */
  int cuda_input;
  /* the CUcontext those frames were made in (a decoder's), where the slots'
   * CUDA memory is then made too; the caller keeps it alive as long as
   * the converter. NULL: the GPU's primary CUDA context, which is a
   * context more on the GPU when nothing else holds it */
  void *cuda_context;
} UmatcvConverterSpec;

/* Fills `spec` with the defaults: BT.601 limited range with MPEG-2 chroma
 * siting, 1 slot, fused. */
void umatcv_converter_spec_init (UmatcvConverterSpec *spec, UmatcvLayout in,
    UmatcvLayout out, int width, int height);

/* Converters: one chain (NULL: none, auto mode) between two video layouts
 * at one size, with the conversions it needs at either end
 * (umatcv_chain_compose). Allocates every buffer it will use now, and none
 * per frame; compiles any OpenCL kernel now. The chain is copied; the
 * engine must outlive the converter. */
UmatcvStatus umatcv_converter_new (UmatcvEngine *engine,
    const UmatcvChain *chain, const UmatcvConverterSpec *spec,
    UmatcvConverter **converter, char **error);
/* 0 when converting a frame into its own memory would read what it has
 * already written (chroma filters read neighbouring rows; a different
 * layout moves planes or widens rows): give it an output frame of its own
 * then. */
int umatcv_converter_in_place_ok (const UmatcvConverter *converter);
/* 1 when the chain runs as one generated OpenCL kernel. */
int umatcv_converter_is_fused (const UmatcvConverter *converter);
/* The CUcontext its slots' CUDA memory was made in (the spec's
 * cuda_context, or the GPU's primary context); NULL without CUDA input. */
void *umatcv_converter_cuda_context (const UmatcvConverter *converter);
/* in and out may be the same memory (in place); out is complete on
 * return. On an OpenCL failure `in` is intact, so the frame can be done
 * again elsewhere. */
UmatcvStatus umatcv_converter_process (UmatcvConverter *converter,
    const UmatcvImage *in, const UmatcvImage *out, char **error);

/* Frames in flight. submit() queues the conversion of `in` into `out` and
 * returns (on OpenCL without waiting for the device; on the CPU, converted);
 * wait() finishes the oldest frame submitted and not yet finished, frames
 * finishing in the order they were submitted. Both images must stay valid
 * and unchanged until wait() has finished their frame, successfully or
 * not; a frame that failed leaves its input intact. At most `slots`
 * frames (UmatcvConverterSpec) are in flight: submit() refuses one more.
 * wait() with block = 0 only says (*done) whether the oldest frame is
 * finished, and finishes it if so. */
UmatcvStatus umatcv_converter_submit (UmatcvConverter *converter,
    const UmatcvImage *in, const UmatcvImage *out, char **error);
UmatcvStatus umatcv_converter_wait (UmatcvConverter *converter, int block,
    int *done, char **error);
unsigned umatcv_converter_in_flight (const UmatcvConverter *converter);
/* How many frames may be in flight at once: the slots on OpenCL, 1 on the
 * CPU (which converts while submitting). */
unsigned umatcv_converter_depth (const UmatcvConverter *converter);
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
    UmatcvHostAllocator **allocator, char **error);
void umatcv_host_allocator_free (UmatcvHostAllocator *allocator);
/* Whether blocks are pinned for an OpenCL device (else plain memory). */
int umatcv_host_allocator_pinned (const UmatcvHostAllocator *allocator);
/* A block of `size` bytes, aligned to at least 64 bytes (a page on the
 * CPU). Safe from any thread. */
UmatcvStatus umatcv_host_memory_new (UmatcvHostAllocator *allocator,
    size_t size, UmatcvHostMemory **memory, char **error);
uint8_t *umatcv_host_memory_data (const UmatcvHostMemory *memory);
size_t umatcv_host_memory_size (const UmatcvHostMemory *memory);
void umatcv_host_memory_free (UmatcvHostMemory *memory);

#ifdef __cplusplus
}
#endif
