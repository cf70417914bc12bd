/* umatcv converters: one chain on one frame size, every buffer made up front.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A converter runs the chain composed with its edges (umatcv_chain_compose)
 * between the two video layouts it was made for.
 *
 * CPU: umatcv-cpu.cpp, block by block, straight from the input frame's
 * planes into the output frame's.
 *
 * OpenCL: a pool of slots, each the device buffers one frame needs (its
 * input, its output, and the images between the kernels), used round
 * robin. A frame's planes are uploaded into its slot's input (planes back
 * to back), converted on the device and downloaded plane by plane into the
 * output frame, whose strides the transfers honour; everything is queued
 * without waiting and the frame waits once, at the end. The composed chain
 * is cut into kernels: where the generator covers every op
 * (umatcv-fused.cpp), edges included, it is one generated kernel and the
 * slot holds only the input and the output; an op it does not cover
 * (Lab2BGR, Luv, mRGBA...) runs as OpenCV's kernel, and the covered ops
 * around it as generated kernels of their own. With fusing off, OpenCV's
 * kernels run each cvtColor code and generated kernels only the edges and
 * the YUV matrices OpenCV has no code for. Frames big enough go in stripes
 * of rows whose transfers overlap the kernels (umatcv-overlap.cpp).
 */
#include "umatcv-cpu.hpp"
#include "umatcv-cuda.hpp"
#include "umatcv-fused.hpp"
#include "umatcv-overlap.hpp"

#ifndef HAVE_OPENCL
#define HAVE_OPENCL 1
#endif
#include <opencv2/core/opencl/runtime/opencl_core.hpp>
#include <opencv2/imgproc.hpp>

#include <climits>
#include <deque>
#include <memory>
#include <stdexcept>

using namespace umatcv;

namespace {

/* Whether OpenCV's codes can take an image of `layout` in a device buffer
 * as its cv::Mat: one plane, or its 4:2:0 planes back to back, at a size
 * where that Mat holds exactly those bytes (not odd sizes of subsampled
 * layouts, whose last chroma sample covers one pixel). */
bool
cv_whole (UmatcvLayout layout, int width, int height)
{
  Shape s = layout_shape (layout);
  const UmatcvLayoutInfo &info = layout_info (layout);
  if (s == Shape::OTHER || width % (1 << info.chroma_x_shift) != 0
      || height % (1 << info.chroma_y_shift) != 0)
    return false;
  cv::Size size = layout_mat_size (layout, width, height);
  return (size_t) size.area () * layout_channels (layout)
      == device_planes (layout, width, height).bytes;
}

/* An OpenCV op on whole images. */
void
run_cv_op (const Op &op, const cv::UMat &src, cv::UMat &dst)
{
  switch (op.kind) {
    case OpKind::CVT:
      cv::cvtColor (src, dst, op.code);
      break;
    case OpKind::ALPHA_OPAQUE:
      cv::bitwise_or (src, cv::Scalar (0, 0, 0, 255), dst);
      break;
    default:
      CV_Error (cv::Error::StsInternal, "no OpenCL kernel for " + op.name);
  }
}

/* Rows [y0, y1) of a frame as rows of plane p: chroma rows for subsampled
 * chroma planes (y0 even there). */
void
plane_rows (UmatcvLayout layout, int p, int y0, int y1, int *r0, int *r1)
{
  int ys = p == 0 ? 0 : layout_info (layout).chroma_y_shift;
  *r0 = y0 >> ys;
  *r1 = (y1 + (1 << ys) - 1) >> ys;
}

}  /* namespace */

struct UmatcvConverter {
  UmatcvEngine *engine;
  std::vector<Op> ops;
  UmatcvLayout in, out;
  int width, height;
  PlaneShape in_shapes[3], out_shapes[3];
  int in_planes, out_planes;
  CountingAllocator host_allocator, device_allocator;

  /* CPU */
  std::unique_ptr<CpuPlan> cpu;

  /* OpenCL: what one frame goes through. Step k turns image k into image
   * k + 1; image 0 is the input, the last one the output. */
  struct Step {
    std::unique_ptr<FusedKernel> kernel;  /* or, when NULL, OpenCV's */
    Op op;
  };
  std::vector<Step> steps;
  std::vector<UmatcvLayout> images;
  std::vector<DevicePlanes> image_planes;
  struct Slot {
    /* with CUDA input: the memory image 0 is, CUDA's and OpenCL's (it
     * outlives the images, which go first) */
    std::unique_ptr<CudaBuffer> cuda;
    std::vector<cv::UMat> images;
  };
  std::vector<Slot> slots;
  size_t next_slot;
  std::unique_ptr<StripeQueues> stripe_queues;  /* NULL: no overlap */
  int stripe_rows;
  KernelColour colour;
  bool cuda_input = false;
  void *cuda_context = nullptr;   /* CUcontext for the CUDA slots, or NULL */
  uint64_t opencl_frames = 0;
  const TestHooks hooks = testhooks_from_environment ();

  /* frames submitted and not yet waited for: on the device still (`frame`
   * has an event), or done, with how it went */
  struct Submitted {
    UmatcvStatus status;
    std::string error;
    StripeQueues::Frame frame;
  };
  std::deque<Submitted> submitted;

  /* A device buffer for an image: the cv::Mat OpenCV's codes take where
   * they can take it, else just bytes. */
  cv::UMat new_image (UmatcvLayout layout)
  {
    cv::UMat m;
    m.allocator = &device_allocator;
    if (cv_whole (layout, width, height)) {
      m.create (layout_mat_size (layout, width, height),
          layout_mat_type (layout));
    } else {
      size_t bytes = device_planes (layout, width, height).bytes;
      const size_t row = 1 << 16;
      m.create ((int) ((bytes + row - 1) / row),
          (int) std::min (bytes, row), CV_8UC1);
    }
    return m;
  }

  /* The planes of `image` as rows between it and image `index` of a slot,
   * rows [y0, y1) of the frame. */
  int plane_transfers (const UmatcvImage *image, const cv::UMat &buffer,
      size_t index, int y0, int y1, PlaneRows *rows, cv::AccessFlag access)
  {
    const DevicePlanes &d = image_planes[index];
    void *mem = buffer.handle (access);
    for (int p = 0; p < d.n; p++) {
      int r0, r1;
      plane_rows (image->layout, p, y0, y1, &r0, &r1);
      rows[p] = {image->planes[p], image->strides[p], mem,
        buffer.offset + d.offset[p], d.row_bytes[p], r0, r1 - r0};
    }
    return d.n;
  }

  /* Queues a frame's upload, kernels and download without waiting, in
   * stripes of rows on the three queues of umatcv-overlap.cpp, and gives
   * the frame's events: the upload of the next frame runs while this
   * one's kernels and download do. In place goes in one piece (the
   * whole input is read before anything is written). */
  StripeQueues::Frame enqueue_opencl (const UmatcvImage *in_image,
      const UmatcvImage *out_image)
  {
    testhook_opencl_frame (hooks, opencl_frames++);
    Slot &slot = slots[next_slot];
    next_slot = (next_slot + 1) % slots.size ();
    if (!stripe_queues) {
      if (cuda_input)
        CV_Error (cv::Error::OpenCLApiCallError, "CUDA input needs the "
            "device's transfer queues");
      process_opencl (slot, in_image, out_image);
      return StripeQueues::Frame ();
    }
    const int rows_per = images_overlap (in_image, out_image) ? height
        : stripe_rows;
    const int n = (height + rows_per - 1) / rows_per;
    const bool reads_ahead = steps.front ().kernel
        && steps.front ().kernel->rows_below () > 0;
    PlaneRows rows[3];
    auto upload = [&] (int k) {
      int y0 = k * rows_per, y1 = std::min (height, y0 + rows_per);
      int np = cuda_input ? 0 : plane_transfers (in_image,
          slot.images.front (), 0, y0, y1, rows, cv::ACCESS_WRITE);
      stripe_queues->upload (rows, np);
    };
    if (cuda_input)
      copy_cuda_input (slot, in_image);
    try {
      upload (0);
      for (int k = 0; k < n; k++) {
        int y0 = k * rows_per, y1 = std::min (height, y0 + rows_per);
        if (k + 1 < n)
          upload (k + 1);
        stripe_queues->wait_upload (reads_ahead ? std::min (k + 1, n - 1) : k);
        run_steps (slot, stripe_queues->kernel_queue (), y0, y1);
        int np = plane_transfers (out_image, slot.images.back (),
            images.size () - 1, y0, y1, rows, cv::ACCESS_READ);
        stripe_queues->download (rows, np);
      }
      return stripe_queues->end_frame ();
    } catch (...) {
      /* never return while a transfer may still touch the frames */
      try {
        stripe_queues->finish ();
      } catch (...) {
      }
      throw;
    }
  }

  /* Frames in CUDA memory come in through memory both APIs see: the
   * slot's input image is a CUDA allocation imported into OpenCL, with the
   * shape new_image() gave it. */
  void cuda_slot (Slot &slot)
  {
    cv::UMat &input = slot.images.front ();
    slot.cuda.reset (new CudaBuffer (engine->context.getContext (),
            image_planes.front ().bytes, cuda_context));
    cv::UMat wrapped;
    cv::ocl::convertFromBuffer (slot.cuda->cl_buffer (), input.step,
        input.rows, input.cols, input.type (), wrapped);
    input = wrapped;
  }

  /* The planes of a frame in CUDA memory into the slot's input, on the
   * GPU; done on return. */
  void copy_cuda_input (Slot &slot, const UmatcvImage *in_image)
  {
    const DevicePlanes &d = image_planes.front ();
    for (int p = 0; p < d.n; p++) {
      int r0, r1;
      plane_rows (in_image->layout, p, 0, height, &r0, &r1);
      slot.cuda->copy_in ((uint64_t) (uintptr_t) in_image->planes[p],
          in_image->strides[p], d.offset[p], d.row_bytes[p], d.row_bytes[p],
          (size_t) (r1 - r0));
    }
    slot.cuda->finish_copies ();
  }

  /* Without queues of its own (a device that would not make them): one
   * queue, and the frame waited for. */
  void process_opencl (Slot &slot, const UmatcvImage *in_image,
      const UmatcvImage *out_image)
  {
    void *queue = cv::ocl::Queue::getDefault ().ptr ();
    PlaneRows rows[3];
    try {
      int n = plane_transfers (in_image, slot.images.front (), 0, 0, height,
          rows, cv::ACCESS_WRITE);
      for (int p = 0; p < n; p++)
        check (copy_plane_rows (queue, true, rows[p], 0, nullptr, nullptr),
            "uploading a frame");
      run_steps (slot, queue, 0, height);
      n = plane_transfers (out_image, slot.images.back (), images.size () - 1,
          0, height, rows, cv::ACCESS_READ);
      for (int p = 0; p < n; p++)
        check (copy_plane_rows (queue, false, rows[p], 0, nullptr, nullptr),
            "downloading a frame");
      check (clFinish ((cl_command_queue) queue), "converting a frame");
    } catch (...) {
      clFinish ((cl_command_queue) queue);
      throw;
    }
  }

  /* Rows [y0, y1) of the slot's input through the steps, queued on
   * `queue`; OpenCV's kernels go on the context's queue, which it is. */
  void run_steps (Slot &slot, void *queue, int y0, int y1)
  {
    bool whole = y0 == 0 && y1 == height;
    for (size_t k = 0; k < steps.size (); k++) {
      const cv::UMat &src = slot.images[k];
      cv::UMat &dst = slot.images[k + 1];
      if (steps[k].kernel) {
        steps[k].kernel->enqueue (queue, src.handle (cv::ACCESS_READ),
            src.offset, dst.handle (cv::ACCESS_WRITE), dst.offset, y0, y1);
      } else if (whole) {
        run_cv_op (steps[k].op, src, dst);
      } else {
        cv::UMat d = dst.rowRange (y0, y1);
        run_cv_op (steps[k].op, src.rowRange (y0, y1), d);
      }
    }
  }

  static void check (int err, const char *what)
  {
    if (err != CL_SUCCESS)
      CV_Error (cv::Error::OpenCLApiCallError, std::string (what)
          + " failed with OpenCL error " + std::to_string (err));
  }

  /* Every image a slot holds must fit one device buffer, and OpenCV's own
   * kernels address buffers with 32-bit offsets: only generated kernels
   * (64-bit rows) touch images of 2 GiB and more. */
  void check_device_fits () const
  {
    const cv::ocl::Device &device = cv::ocl::Device::getDefault ();
    for (size_t i = 0; i < images.size (); i++) {
      size_t bytes = image_planes[i].bytes;
      bool by_opencv = (i > 0 && !steps[i - 1].kernel)
          || (i < steps.size () && !steps[i].kernel);
      std::string frame = "a " + std::to_string (width) + "x"
          + std::to_string (height) + " " + layout_info (images[i]).name
          + " image of " + std::to_string (bytes) + " bytes";
      if (bytes > device.maxMemAllocSize ())
        throw TooLarge (frame + " is larger than the largest buffer "
            "OpenCL device " + device.name () + " allocates ("
            + std::to_string (device.maxMemAllocSize ()) + " bytes)");
      if (by_opencv && bytes > (size_t) INT_MAX)
        throw TooLarge (frame + " is too large for OpenCV's OpenCL kernels "
            "(32-bit offsets), and this chain does not run as one fused "
            "kernel");
    }
  }

  /* Cuts the ops into steps: generated kernels for what the generator
   * covers (all of a run of such ops when fusing, else only the edges and
   * the YUV matrices OpenCV has no code for), OpenCV's kernels for the
   * rest. */
  void plan_steps (bool fuse, bool custom_matrix)
  {
    images.assign (1, in);
    UmatcvLayout layout = in;
    for (size_t i = 0; i < ops.size ();) {
      size_t j = i;
      UmatcvLayout l = layout;
      while (j < ops.size () && FusedKernel::covers (ops[j], l)
          && (fuse || j == i)) {
        l = ops[j].output;
        j++;
      }
      bool own = op_is_edge (ops[i])
          || (custom_matrix && yuv_matrix_step (ops[i], layout));
      Step step;
      step.op = ops[i];
      if (j > i && (fuse || own)) {
        std::vector<Op> run (ops.begin () + i, ops.begin () + j);
        UmatcvLayout to = j == ops.size () ? out : ops[j - 1].output;
        step.kernel = FusedKernel::build (run, layout, to, width, height,
            colour);
        if (!step.kernel)
          CV_Error (cv::Error::StsInternal, "no kernel for " + ops[i].name);
        i = j;
      } else if (ops[i].kind == OpKind::CVT
          || ops[i].kind == OpKind::ALPHA_OPAQUE) {
        i++;
      } else {
        CV_Error (cv::Error::StsInternal, "no OpenCL path for "
            + ops[i].name);
      }
      layout = i == ops.size () ? out : ops[i - 1].output;
      steps.push_back (std::move (step));
      images.push_back (layout);
    }
    for (UmatcvLayout l : images)
      image_planes.push_back (device_planes (l, width, height));
  }

  /* Stripes when the frame is big enough and every step can run on a
   * stripe of rows: generated kernels that read no rows past their own
   * (but the first, whose input is all uploaded by then), OpenCV's on
   * one-plane images. */
  void plan_stripes ()
  {
    int n = stripes_for (image_planes.front ().bytes, slots.size ());
    int align = 1, reach = 0;
    for (UmatcvLayout l : {in, out})
      align = std::max (align, 1 << layout_info (l).chroma_y_shift);
    for (size_t k = 0; k < steps.size (); k++) {
      const FusedKernel *kernel = steps[k].kernel.get ();
      if (kernel) {
        align = std::max (align, kernel->block_rows ());
        if (k == 0)
          reach = kernel->rows_below ();
        else if (kernel->rows_above () || kernel->rows_below ())
          return;
      } else if (layout_shape (images[k]) != Shape::PACKED
          || layout_shape (images[k + 1]) != Shape::PACKED) {
        return;
      }
    }
    if (n < 2)
      return;
    stripe_rows = ((height + n - 1) / n + align - 1) / align * align;
    if (stripe_rows >= height || stripe_rows < reach)
      return;
    stripe_queues = StripeQueues::create (engine->context);
  }

  void setup_opencl (unsigned pool_size, bool fuse, bool custom_matrix)
  {
    plan_steps (fuse, custom_matrix);
    check_device_fits ();
    slots.resize (pool_size);
    for (Slot &slot : slots) {
      for (UmatcvLayout l : images)
        slot.images.push_back (new_image (l));
      if (cuda_input)
        cuda_slot (slot);
    }
    plan_stripes ();
    /* frames in flight go on the queues of umatcv-overlap.cpp, in one
     * stripe when the frame is not cut */
    if (!stripe_queues)
      stripe_queues = StripeQueues::create (engine->context);
    /* OpenCV compiles its kernels on their first run: now, not on the
     * first frame */
    slots[0].images.front ().setTo (cv::Scalar::all (0));
    run_steps (slots[0], cv::ocl::Queue::getDefault ().ptr (), 0, height);
    cv::ocl::finish ();
  }

  bool check_image (const UmatcvImage *image, UmatcvLayout layout,
      const PlaneShape *shapes, int n) const
  {
    if (image == nullptr || image->layout != layout || image->width != width
        || image->height != height)
      return false;
    for (int p = 0; p < n; p++)
      if (image->planes[p] == nullptr
          || image->strides[p] < shapes[p].row_bytes ())
        return false;
    return true;
  }
};

extern "C" {

void
umatcv_converter_spec_init (UmatcvConverterSpec *spec, UmatcvLayout in,
    UmatcvLayout out, int width, int height)
{
  *spec = UmatcvConverterSpec ();
  spec->in = in;
  spec->out = out;
  spec->width = width;
  spec->height = height;
  spec->in_colorimetry = {UMATCV_MATRIX_BT601, UMATCV_RANGE_LIMITED,
    UMATCV_SITE_H_COSITED};
  spec->out_colorimetry = spec->in_colorimetry;
  spec->slots = 1;
  spec->fuse = 1;
}

UmatcvStatus
umatcv_converter_new (UmatcvEngine *engine, const UmatcvChain *chain,
    const UmatcvConverterSpec *spec, UmatcvConverter **converter,
    char **error)
{
  if (converter == nullptr) {
    set_error (error, "no place for the converter");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  *converter = nullptr;
  if (engine == nullptr || spec == nullptr
      || spec->width <= 0 || spec->height <= 0 || spec->slots == 0
      || umatcv_layout_info (spec->in) == nullptr
      || umatcv_layout_info (spec->out) == nullptr) {
    set_error (error, "invalid converter arguments");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  const UmatcvLayout in = spec->in, out = spec->out;
  const int width = spec->width, height = spec->height;

  UmatcvStatus status = chain ? umatcv_chain_check (chain, error) : UMATCV_OK;
  if (status != UMATCV_OK)
    return status;
  UmatcvChain *composed = nullptr;
  status = umatcv_chain_compose (chain, in, out, &composed, error);
  if (status != UMATCV_OK)
    return status;
  std::unique_ptr<UmatcvChain> owned (composed);
  const std::vector<Op> &ops = composed->ops;
  int wa, ha;
  umatcv_chain_size_alignment (composed, &wa, &ha);
  if (width % wa != 0 || height % ha != 0) {
    set_error (error, std::to_string (width) + "x"
        + std::to_string (height) + " is not a multiple of "
        + std::to_string (wa) + "x" + std::to_string (ha)
        + ", which OpenCV's 4:2:x codes in the chain need");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }

  return umatcv_guard (error, [&] () -> UmatcvStatus {
    std::unique_ptr<UmatcvConverter> c (new UmatcvConverter ());
    c->engine = engine;
    c->ops = ops;
    c->in = in;
    c->out = out;
    c->width = width;
    c->height = height;
    c->in_planes = layout_planes (in, width, height, c->in_shapes);
    c->out_planes = layout_planes (out, width, height, c->out_shapes);
    c->host_allocator.set_delegate (cv::Mat::getDefaultAllocator ());
    c->next_slot = 0;
    c->stripe_rows = height;
    const UmatcvColorimetry &ci = spec->in_colorimetry;
    const UmatcvColorimetry &co = spec->out_colorimetry;
    c->colour = {ci, co, yuv_coefficients (ci.matrix, ci.range),
      yuv_coefficients (co.matrix, co.range)};
    c->cuda_input = spec->cuda_input != 0;
    c->cuda_context = spec->cuda_context;
    if (c->cuda_input && (!engine->opencl || ops.empty ()))
      CV_Error (cv::Error::StsBadArg, "frames in CUDA memory need an OpenCL "
          "engine and a conversion");
    bool custom = ci.matrix != UMATCV_MATRIX_BT601
        || ci.range != UMATCV_RANGE_LIMITED
        || co.matrix != UMATCV_MATRIX_BT601
        || co.range != UMATCV_RANGE_LIMITED;
    if (engine->opencl && !ops.empty ()) {
      ContextGuard bound (engine->context);
      c->device_allocator.set_delegate (cv::ocl::getOpenCLAllocator ());
      try {
        c->setup_opencl (spec->slots, spec->fuse != 0, custom);
      } catch (...) {
        c->stripe_queues.reset ();
        c->slots.clear ();      /* release the UMats while bound */
        c->steps.clear ();
        throw;
      }
    } else {
      /* the CPU engine; or no op on OpenCL (the same layout at both
       * ends): a copy, done on the CPU */
      c->cpu.reset (new CpuPlan (ops, in, out, width, height, ci, co,
              &c->host_allocator));
    }
    *converter = c.release ();
    return UMATCV_OK;
  });
}

static UmatcvStatus
check_images (UmatcvConverter *c, const UmatcvImage *in,
    const UmatcvImage *out, char **error)
{
  if (c == nullptr || !c->check_image (in, c->in, c->in_shapes, c->in_planes)
      || !c->check_image (out, c->out, c->out_shapes, c->out_planes)) {
    set_error (error, "frame does not match the converter's "
        "layout, size or minimum strides");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  if (c->cpu && !c->cpu->in_place_ok () && images_overlap (in, out)) {
    set_error (error, "this conversion cannot write into its input's "
        "memory (it would overwrite what it has still to read: chroma "
        "filtered across rows, or planes laid out anew): give it an output "
        "frame of its own");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  return UMATCV_OK;
}

UmatcvStatus
umatcv_converter_process (UmatcvConverter *c, const UmatcvImage *in,
    const UmatcvImage *out, char **error)
{
  UmatcvStatus status = umatcv_converter_submit (c, in, out, error);
  if (status != UMATCV_OK)
    return status;
  return umatcv_converter_wait (c, 1, nullptr, error);
}

/* A frame that fails while being queued is queued as failed: wait() says
 * so, in order, as for a frame that fails on the device. */
UmatcvStatus
umatcv_converter_submit (UmatcvConverter *c, const UmatcvImage *in,
    const UmatcvImage *out, char **error)
{
  UmatcvStatus status = check_images (c, in, out, error);
  if (status != UMATCV_OK)
    return status;
  if (c->submitted.size () >= umatcv_converter_depth (c)) {
    set_error (error, "too many frames in flight");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  UmatcvConverter::Submitted frame {UMATCV_OK, std::string (), {}};
  char *failure = nullptr;
  frame.status = umatcv_guard (&failure, [&] () -> UmatcvStatus {
    if (!c->slots.empty ()) {
      ContextGuard bound (c->engine->context);
      frame.frame = c->enqueue_opencl (in, out);
    } else {
      c->cpu->run (in, out);
    }
    return UMATCV_OK;
  });
  if (failure)
    frame.error = failure;
  umatcv_free (failure);
  return umatcv_guard (error, [&] () -> UmatcvStatus {
    c->submitted.push_back (std::move (frame));
    return UMATCV_OK;
  });
}

UmatcvStatus
umatcv_converter_wait (UmatcvConverter *c, int block, int *done, char **error)
{
  if (done)
    *done = 0;
  if (c == nullptr || c->submitted.empty ()) {
    set_error (error, "no frame in flight");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  UmatcvConverter::Submitted &frame = c->submitted.front ();
  if (frame.status == UMATCV_OK && frame.frame.done) {
    if (!block && c->hooks.hold)
      return UMATCV_OK;
    bool finished = false;
    char *failure = nullptr;
    frame.status = umatcv_guard (&failure, [&] () -> UmatcvStatus {
      finished = StripeQueues::wait_frame (frame.frame, block != 0);
      return UMATCV_OK;
    });
    if (failure)
      frame.error = failure;
    umatcv_free (failure);
    if (frame.status == UMATCV_OK && !finished)
      return UMATCV_OK;
  }
  UmatcvStatus status = frame.status;
  if (status != UMATCV_OK)
    set_error (error, frame.error);
  StripeQueues::release (frame.frame);
  c->submitted.pop_front ();
  if (done)
    *done = 1;
  return status;
}

unsigned
umatcv_converter_in_flight (const UmatcvConverter *c)
{
  return c ? (unsigned) c->submitted.size () : 0;
}

unsigned
umatcv_converter_depth (const UmatcvConverter *c)
{
  if (c == nullptr)
    return 0;
  return c->slots.empty ()? 1 : (unsigned) c->slots.size ();
}

void
umatcv_converter_free (UmatcvConverter *c)
{
  if (c == nullptr)
    return;
  /* the queues finish what is in flight when they go (below); the frames'
   * events go with them */
  for (UmatcvConverter::Submitted &frame : c->submitted)
    StripeQueues::release (frame.frame);
  try {
    if (!c->slots.empty ()) {
      /* OpenCV releases UMats through the context current on this thread */
      ContextGuard bound (c->engine->context);
      c->stripe_queues.reset ();
      c->slots.clear ();
      c->steps.clear ();
    }
  } catch (...) {
  }
  delete c;
}

int
umatcv_converter_in_place_ok (const UmatcvConverter *c)
{
  return c != nullptr && (!c->cpu || c->cpu->in_place_ok ());
}

int
umatcv_converter_is_fused (const UmatcvConverter *c)
{
  return c != nullptr && c->steps.size () == 1 && c->steps[0].kernel;
}

void *
umatcv_converter_cuda_context (const UmatcvConverter *c)
{
  if (c == nullptr || c->slots.empty () || !c->slots[0].cuda)
    return nullptr;
  return c->slots[0].cuda->cuda_context ();
}

uint64_t
umatcv_converter_allocations (const UmatcvConverter *c)
{
  return c ? c->host_allocator.count () + c->device_allocator.count () : 0;
}

}  /* extern "C" */
