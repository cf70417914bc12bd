/* umattest: what the gst-umat tests share.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One definition per concept, for every test program in tests/check:
 *  - the backend under test (UMAT_TEST_DEVICE) and when a program skips;
 *  - frames of any layout, built from umatcv's public layout table, in
 *    memory (with guard bytes) or in GStreamer buffers, and packed into
 *    OpenCV's single-Mat layout (an "image") and back;
 *  - the independent references: OpenCV's CPU cvtColor (through cvref,
 *    which knows nothing of umatcv), the plane shuffles and alpha fills
 *    OpenCV does not do, videoconvert through a pipeline; and how far
 *    OpenCL may stray from OpenCV's CPU code;
 *  - comparisons that fail saying where and by how much;
 *  - harnesses and pipelines around umatconvert, and the frame accounting
 *    (frames in = frames-processed + frames-dropped).
 *
 * Everything returned belongs to the caller; images and frames go back
 * through their _free().
 */
#pragma once

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>

#include "cvref.h"
#include "umatcv.h"

G_BEGIN_DECLS

/* ------------------------------------------------------------------------
 * The backend under test, and skips
 * ------------------------------------------------------------------------ */

/* What meson reports as SKIP when a test program exits with it. */
#define UMATTEST_SKIP 77

/* "cpu" or "opencl": UMAT_TEST_DEVICE (cpu when unset; anything else is a
 * mistake in the test setup and ends the program). */
const gchar *umattest_device (void);
UmatcvDevice umattest_umatcv_device (void);
gboolean umattest_on_opencl (void);
/* UMAT_REQUIRE_OPENCL=1: a missing OpenCL device fails, not skips. */
gboolean umattest_opencl_required (void);

/* Ends the program as skipped (exit 77), after one line saying why. */
void umattest_skip_program (const gchar * format, ...) G_GNUC_PRINTF (1, 2)
    G_GNUC_NORETURN;

/* For a program whose subject needs OpenCL: on the opencl backend (or
 * anywhere, with `always`), returns when OpenCV finds an OpenCL device;
 * else ends the program, failed (UMAT_REQUIRE_OPENCL=1) or skipped. Call it
 * from the suite function, before any test: it asks in a child process,
 * since OpenCL set up before check forks the tests hangs them. */
void umattest_require_opencl (gboolean always);

/* The largest buffer the device umatconvert's device=opencl picks
 * allocates (0: no OpenCL device), asked as umattest_require_opencl()
 * asks. */
guint64 umattest_opencl_max_alloc (void);

/* FALSE under valgrind, where a frame costs a hundred times more: the
 * tests that go over every pair of formats take one frame of each there
 * (memory errors show on one as on three), the other ones too elsewhere. */
gboolean umattest_thorough (void);

/* Whether `needle` is in `haystack`, ignoring ASCII case. */
gboolean umattest_contains_ci (const gchar * haystack, const gchar * needle);

/* How long a test waits for a frame, a message or a state before it calls
 * the pipeline stalled: `seconds` (what the failures say), ten times that
 * under valgrind, where meson's own timeouts are ten times longer too. */
GstClockTime umattest_stall_timeout (guint seconds);

/* Makes a GLib warning or critical of any log domain fail the test that
 * logs it, with the message (gst-check does so for the domains it knows). */
void umattest_fail_on_glib_warnings (void);

/* ------------------------------------------------------------------------
 * Geometry, from umatcv's layout table
 * ------------------------------------------------------------------------ */

/* The planes of a frame of `layout` at a size, in GStreamer's order (also
 * the order in which OpenCV's single Mat holds them). Chroma planes are
 * the luma size shifted by the layout's chroma shifts, rounded up, as
 * GStreamer rounds odd sizes. */
typedef struct
{
  UmatcvLayout layout;
  gint width, height;
  gint n_planes;
  gint rows[3];
  gsize row_bytes[3];           /* meaningful bytes of a row */
} UmattestGeometry;

void umattest_geometry (UmatcvLayout layout, gint width, gint height,
    UmattestGeometry * geometry);
/* Bytes of all planes, tightly packed. */
gsize umattest_geometry_size (const UmattestGeometry * geometry);
gboolean umattest_geometry_same_planes (const UmattestGeometry * a,
    const UmattestGeometry * b);

/* Every layout a video format carries, in umatcv.h's order; input_only
 * ones (packed 4:2:2) included. */
guint umattest_video_layouts (UmatcvLayout layouts[UMATCV_N_LAYOUTS]);
/* Its family in the table, with 4:2:0 and 4:2:2 told apart. */
typedef enum
{
  UMATTEST_RGB,                 /* R'G'B' in any order, with alpha or not,
                                 * and GRAY */
  UMATTEST_YUV420,
  UMATTEST_YUV422,
  UMATTEST_YUV444,
  UMATTEST_STEP,                /* HSV, Lab...: only between chain steps */
} UmattestFamily;
UmattestFamily umattest_family (UmatcvLayout layout);
/* BGRx, RGBx, xRGB, xBGR: a byte of each pixel is padding, which GStreamer
 * leaves undefined. */
gboolean umattest_has_padding (UmatcvLayout layout);
/* Which byte of a 4-byte pixel is padding or alpha; -1 for other layouts. */
gint umattest_fourth_byte (UmatcvLayout layout);
/* Whether OpenCV's cvtColor codes name the layout (BGR, RGB, BGRA, RGBA,
 * BGRx, RGBx, GRAY, and the 8-bit 4:2:0 and packed 4:2:2 ones). */
gboolean umattest_opencv_knows (UmatcvLayout layout);
/* How cvtColor codes spell the layout: padding counts as alpha (BGRx is
 * "BGRA"), 4:2:x by format ("I420", "YUY2"). */
const gchar *umattest_code_name (UmatcvLayout layout);

GstVideoFormat umattest_video_format (UmatcvLayout layout);
UmatcvLayout umattest_layout (GstVideoFormat format);

/* ------------------------------------------------------------------------
 * Images: frames packed in OpenCV's single-Mat layout
 * ------------------------------------------------------------------------ */

/* The rows of each plane back to back, planes back to back: what cvtColor
 * takes and gives (4:2:0 is height * 3 / 2 rows of `width` bytes). */
typedef struct
{
  UmatcvLayout layout;
  gint width, height;
  guint8 *data;
  gsize size;
} UmattestImage;

/* Test data: full range, or the 2..100 OpenCV's own OpenCL tests feed
 * cvtColor (randomSubMat (..., 2, 100), modules/imgproc/test/ocl). */
typedef enum
{
  UMATTEST_DATA_FULL,
  UMATTEST_DATA_OPENCV,
} UmattestData;

UmattestImage *umattest_image_new (UmatcvLayout layout, gint width,
    gint height);
UmattestImage *umattest_image_copy (const UmattestImage * image);
void umattest_image_free (UmattestImage * image);
void umattest_image_fill (UmattestImage * image, GRand * rand,
    UmattestData data);
/* How OpenCV sees it: rows, columns and channels of one Mat. */
void umattest_image_mat (const UmattestImage * image, gint * rows,
    gint * cols, gint * channels);
/* The image as a umatcv frame (planes into its data, minimal strides). */
UmatcvImage umattest_image_umatcv (UmattestImage * image);

/* ------------------------------------------------------------------------
 * Frames: umatcv images in memory of their own, guarded
 * ------------------------------------------------------------------------ */

typedef enum
{
  UMATTEST_TIGHT,               /* minimal strides, planes back to back */
  UMATTEST_PADDED,              /* strides 64 bytes longer, planes apart */
  UMATTEST_APART,               /* minimal strides, planes apart */
} UmattestMemory;

/* A frame with sentinel bytes around and between its planes and at the end
 * of its padded rows, to catch writes outside the rows. */
typedef struct
{
  UmatcvImage image;
  UmattestGeometry geometry;
  UmattestMemory memory;
  guint8 *block;                /* every plane, in one allocation */
  gsize size;
} UmattestFrame;

UmattestFrame *umattest_frame_new (UmatcvLayout layout, gint width,
    gint height, UmattestMemory memory);
void umattest_frame_free (UmattestFrame * frame);
const gchar *umattest_memory_name (UmattestMemory memory);
guint8 *umattest_frame_row (const UmattestFrame * frame, gint plane,
    gint row);
void umattest_frame_fill (UmattestFrame * frame, GRand * rand,
    UmattestData data);
/* A frame's pixels, packed; and back into a frame of the same geometry. */
UmattestImage *umattest_image_from_umatcv (const UmatcvImage * image);
UmattestImage *umattest_frame_pack (const UmattestFrame * frame);
void umattest_frame_unpack (UmattestFrame * frame, const UmattestImage * image);
/* Fails, naming `what`, when the converter wrote outside `frame`'s rows. */
void umattest_assert_guards_intact (const UmattestFrame * frame,
    const gchar * what);
/* `frame`'s memory as a frame of `layout`: the same planes when both have
 * the same geometry, else (tight frames) those of `layout` back to back
 * from its first byte, as a GStreamer buffer of the same size is. */
UmatcvImage umattest_frame_view (const UmattestFrame * frame,
    UmatcvLayout layout);

/* ------------------------------------------------------------------------
 * GStreamer buffers
 * ------------------------------------------------------------------------ */

/* Caps of a fixed stream at 30/1; and what a sink that wants the format at
 * that size asks for (no framerate). */
GstCaps *umattest_caps (GstVideoFormat format, gint width, gint height);
GstCaps *umattest_sink_caps (GstVideoFormat format, gint width, gint height);
/* A frame of noise from `seed`, padding included; with strides `extra`
 * bytes wider than GStreamer's defaults, and a GstVideoMeta saying so,
 * when extra > 0. */
GstBuffer *umattest_buffer_new (const GstVideoInfo * info, guint extra,
    guint32 seed);
/* The same for a format and size, with PTS index/30 s, duration 1/30 s. */
GstBuffer *umattest_buffer_new_timed (GstVideoFormat format, gint width,
    gint height, guint index);
/* A buffer's frame (its GstVideoMeta's strides if any), packed. */
UmattestImage *umattest_image_from_buffer (GstBuffer * buffer,
    const GstVideoInfo * info);
UmattestImage *umattest_image_from_sample (GstSample * sample);
/* What the caps of `info` say of Y'CbCr: matrix, range and chroma siting,
 * each the default where they say nothing (R'G'B': the default). */
UmatcvColorimetry umattest_colorimetry_of (const GstVideoInfo * info);

/* ------------------------------------------------------------------------
 * umatcv, for the tests of the library itself (tests/check/ext)
 * ------------------------------------------------------------------------ */

/* Each fails the test, with umatcv's error sentence, where umatcv fails. */
UmatcvChain *umattest_parse (const gchar * text);
UmatcvChain *umattest_route (UmatcvLayout from, UmatcvLayout to);
/* An engine on the backend under test (the program skipped before when
 * there is none: see umattest_require_opencl). */
UmatcvEngine *umattest_engine_new (void);
UmatcvConverter *umattest_converter_new (UmatcvEngine * engine,
    const UmatcvChain * chain, UmatcvLayout in, UmatcvLayout out, gint width,
    gint height, guint slots, const gchar * what);
void umattest_process (UmatcvConverter * converter, const UmatcvImage * in,
    const UmatcvImage * out, const gchar * what);

/* Frame sizes: odd widths and heights rounded up to the alignment given
 * (umatcv_chain_size_alignment: OpenCV's own YUV codes need even sizes;
 * 4:2:0 of 14 and 1278 has odd chroma widths, 7 and 639), then a larger
 * frame. */
typedef struct
{
  gint width, height;
} UmattestSize;

#define UMATTEST_N_SIZES 3
void umattest_sizes (gint width_align, gint height_align,
    UmattestSize sizes[UMATTEST_N_SIZES]);

/* ------------------------------------------------------------------------
 * References
 * ------------------------------------------------------------------------ */

/* cv::cvtColor (code) on the CPU through cvref, or with OpenCV's OpenCL
 * kernels (a GPU if any, else the first OpenCL device). The layout of the
 * result is the one umatcv names for the code, checked against the shape
 * OpenCV gave. */
UmattestImage *umattest_cvt (const UmattestImage * in, const gchar * code);
UmattestImage *umattest_cvt_opencl (const UmattestImage * in,
    const gchar * code);
/* Each code of a comma-separated chain in turn. */
UmattestImage *umattest_cvt_chain (const UmattestImage * in,
    const gchar * chain, gboolean opencl);
/* One 4:2:0 layout into another: the same samples, planes moved. */
UmattestImage *umattest_repack_420 (const UmattestImage * in, UmatcvLayout to);

/* BT.601 limited range, MPEG-2 chroma siting: what umatcv and the element
 * take when nothing else is said. */
UmatcvColorimetry umattest_colorimetry_default (void);
/* What umatcv does at the ends of a chain, from its definition
 * (ext/umatcv/umatcv-edges.hpp), in double precision rounded once:
 * decoding Y'CbCr to R'G'B' or GRAY, encoding R'G'B' or GRAY to Y'CbCr,
 * converting Y'CbCr to Y'CbCr (depth, subsampling, siting), reordering
 * R'G'B'. Chroma is resampled with videoconvert's siting-aware filter.
 * NULL colorimetry: the default. *name: "decode", "encode", "convert" or
 * "reorder". */
UmattestImage *umattest_edge (const UmattestImage * in, UmatcvLayout to,
    const UmatcvColorimetry * in_colorimetry,
    const UmatcvColorimetry * out_colorimetry, const gchar ** name);

/* What converting `in` to `to` with no chain (auto mode) must give, worked
 * out independently of umatcv: OpenCV's codes between the layouts OpenCV
 * knows (and the alpha fills it does not do), umattest_edge() where Y'CbCr
 * or a layout OpenCV does not know is at an end. The steps (codes, and
 * "decode I420 to BGR" for edges) go to *codes, a NULL-terminated
 * g_strfreev() array, when given; umattest_codes_tolerance() reads them.
 * _full takes the colorimetry of each end (NULL: the default). */
UmattestImage *umattest_reference_convert (const UmattestImage * in,
    UmatcvLayout to, gchar *** codes);
UmattestImage *umattest_reference_convert_full (const UmattestImage * in,
    UmatcvLayout to, const UmatcvColorimetry * in_colorimetry,
    const UmatcvColorimetry * out_colorimetry, gchar *** codes);

/* How far `backend` ("cpu", "opencl:<device>") may be from the reference
 * for one step, on data of `data`. For an OpenCV code: 0 on the CPU; on
 * OpenCL, the thresholds OpenCV allows itself on 8-bit images, and the
 * measured 1 of the YUV decoders on full-range data. For an edge
 * ("decode ...", "encode ...", "convert ..."): 1 anywhere (umatcv's fixed
 * point against double precision next to a half); "reorder ...": 0. */
gint umattest_code_tolerance (const gchar * backend, const gchar * code,
    UmattestData data);
/* The steps' tolerances added up. */
gint umattest_codes_tolerance (const gchar * backend,
    const gchar * const *codes, UmattestData data);
/* How far a chain run as one generated kernel may stray from the CPU: its
 * steps round as the CPU does, except the HLS ones, whose CPU code is a SIMD
 * float algorithm of its own (tests/check/fused measures 1 per step). */
gint umattest_fused_tolerance (const gchar * const *codes);
/* What the element running `codes` on `backend` must give, and how far it
 * may stray. A fused chain follows the CPU. Step by step, inverse steps can
 * magnify a 1-off (Luv2RGB near black turns it into 30): with more than
 * one inexact step, a chain must equal OpenCV's own OpenCL result on the
 * same device instead (each code's distance to the CPU is tested in ext/). */
UmattestImage *umattest_chain_reference (const UmattestImage * in,
    const gchar * const *codes, const gchar * backend, gboolean fused,
    gint * tolerance);

/* Runs `frame` through `launch` (e.g. "videoconvert") in a harness with
 * those caps and returns what comes out. Takes `frame` and the caps. */
GstBuffer *umattest_convert_with (const gchar * launch, GstCaps * in_caps,
    GstCaps * out_caps, GstBuffer * frame);

/* ------------------------------------------------------------------------
 * Comparison
 * ------------------------------------------------------------------------ */

typedef enum
{
  UMATTEST_COMPARE_ALL = 0,
  /* skip the 4th byte of 4-byte pixels (alpha made from padding) */
  UMATTEST_COMPARE_COLOURS = 1 << 0,
} UmattestCompare;

/* The largest difference between two images of one layout and size, the
 * padding byte of BGRx/RGBx left out; *where (if given) gets its offset. */
gint umattest_max_difference (const UmattestImage * got,
    const UmattestImage * want, UmattestCompare flags, gsize * where);
/* Fails unless every byte of `got` is within `tolerance` of `want`, saying
 * what (printf-style), the plane, row, pixel and byte of the worst one,
 * both values, and how many bytes are off; returns the largest difference. */
gint umattest_assert_images_close (const UmattestImage * got,
    const UmattestImage * want, gint tolerance, UmattestCompare flags,
    const gchar * what, ...) G_GNUC_PRINTF (5, 6);

/* ------------------------------------------------------------------------
 * umatconvert in a harness or a pipeline
 * ------------------------------------------------------------------------ */

/* A harness around "umatconvert device=<backend> <properties>", its frames
 * accounted for (h->element is the element). */
GstHarness *umattest_harness_new (const gchar * properties);
/* Stops the element, checks the accounting, tears the harness down. */
void umattest_harness_teardown (GstHarness * h);
/* Sets the caps (taking them), pushes `frame`, drains, returns what comes
 * out. */
GstBuffer *umattest_harness_convert (GstHarness * h, GstCaps * in_caps,
    GstCaps * out_caps, GstBuffer * frame);
/* Asks the element (any harnessed element) to push out the frames it
 * holds: on OpenCL umatconvert keeps up to queue-size frames in flight, and
 * a frame leaves when a later one comes, at EOS, or on a DRAIN query. */
void umattest_harness_drain (GstHarness * h);
/* The element's "fused" and "backend" now. */
gboolean umattest_element_fused (GstElement * element);
gchar *umattest_element_backend (GstElement * element);

typedef struct
{
  GstElement *pipeline, *src, *convert, *sink;
  GstBus *bus;
  gboolean reached_eos;         /* then its frames must add up */
} UmattestPipeline;

/* appsrc caps=<caps> ! [upstream !] umatconvert device=<backend>
 * <properties> ! appsink (sync=false); the element accounted for. */
void umattest_pipeline_init (UmattestPipeline * p, const gchar * caps,
    const gchar * upstream, const gchar * properties);
/* To NULL; checks the accounting when the stream reached EOS. */
void umattest_pipeline_clear (UmattestPipeline * p);
/* n frames of noise (umattest_buffer_new_timed, indices 0..n-1). */
void umattest_pipeline_push_frames (UmattestPipeline * p,
    GstVideoFormat format, gint width, gint height, guint n);
/* Ends the stream; NULL after EOS, else the first error (*debug too). */
GError *umattest_pipeline_finish (UmattestPipeline * p, gchar ** debug);
/* The next sample, within 30 s, or a failure. */
GstSample *umattest_pipeline_pull (UmattestPipeline * p);
/* Pushes `frame` (taking it) and returns the next frame out, packed, after
 * checking that its caps say `format` when given. With frames in flight
 * (OpenCL) a frame leaves when a later one comes: pipelines that pull each
 * frame before pushing the next set queue-size=1. */
UmattestImage *umattest_pipeline_convert (UmattestPipeline * p,
    GstBuffer * frame, const gchar * format);
/* Pulls every sample into `samples` until EOS (TRUE) or an error (FALSE,
 * *error set); the warnings seen on the way, one a line, into *warnings
 * (may be NULL). Fails after 60 s of neither. */
gboolean umattest_pipeline_drain (UmattestPipeline * p, GPtrArray * samples,
    GError ** error, gchar ** warnings);

/* The pending messages of `type` (WARNING or ERROR) on `bus`, popped; each
 * message's text, one a line ("" when none); *count gets their number. */
gchar *umattest_bus_texts (GstBus * bus, GstMessageType type, guint * count);

/* ------------------------------------------------------------------------
 * Frame accounting
 * ------------------------------------------------------------------------ */

/* Watches an umatconvert's pads until it is finalized: every buffer that
 * enters (and whether selection-rate should keep it, counted as the element
 * counts: from 0 at start and after each FLUSH_STOP), every buffer that
 * leaves. Only for streams without QoS drops (sync=false) and errors. */
void umattest_accounting_attach (GstElement * convert);
/* Asserts, against the element's counters: frames in = frames-processed +
 * frames-dropped; frames out = frames-processed (less at most one per
 * flush: the frame being pushed when the flush came); the frames out are
 * ones selection-rate chose, in order (by PTS: each input needs a distinct
 * one). Returns the frames in. */
guint64 umattest_accounting_check (GstElement * convert);

G_END_DECLS
