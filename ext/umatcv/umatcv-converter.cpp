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
 * OpenCL: a pool of slots, each the UMats one frame needs (its input and the
 * output of each step), used round robin. A frame is uploaded plane by plane
 * into its slot, converted on the device and downloaded into the output
 * frame, whose strides the download honours. When the generator covers
 * every step (umatcv-fused.cpp), the slot holds only the input and output
 * UMats and one generated kernel turns one into the other. Frames of one
 * plane that are big enough go in stripes whose transfers overlap the
 * kernels (umatcv-overlap.cpp). Chains whose edges have no OpenCL kernels
 * yet (10-bit, 4:2:2 and 4:4:4 planes, filtered chroma) run with the CPU
 * plan on an OpenCL engine too.
 */
#include "umatcv-cpu.hpp"
#include "umatcv-fused.hpp"
#include "umatcv-overlap.hpp"

#include <opencv2/imgproc.hpp>

#include <climits>
#include <deque>
#include <memory>
#include <stdexcept>

using namespace umatcv;

namespace {

/* An image as the ops see it: the whole cv::Mat cvtColor takes (empty when
 * the planes are not laid out as OpenCV wants them) and each plane. */
template <class M>
struct Img {
  M whole;
  M planes[3];
  int n_planes = 0;
  std::vector<M> chroma;   /* the chroma planes, for 4:2:0 repacks */
  int u = 0, v = 1;        /* channel of U and V across `chroma` */
};

template <class M>
void
img_set_chroma (Img<M> &img, UmatcvLayout layout)
{
  Shape shape = layout_shape (layout);
  img.chroma.assign (shape == Shape::PLANAR_420 ? 2
      : shape == Shape::SEMI_420 ? 1 : 0, M ());
  for (size_t i = 0; i < img.chroma.size (); i++)
    img.chroma[i] = img.planes[1 + i];
  bool v_first = layout == UMATCV_LAYOUT_YV12 || layout == UMATCV_LAYOUT_NV21;
  img.u = v_first ? 1 : 0;
  img.v = v_first ? 0 : 1;
}

/* Views every plane of a buffer that already holds OpenCV's layout. */
template <class M>
void
img_from_whole (Img<M> &img, const M &whole, UmatcvLayout layout, int width,
    int height)
{
  PlaneShape shapes[3];
  img.n_planes = layout_planes (layout, width, height, shapes);
  img.whole = whole;
  if (img.n_planes == 1) {
    img.planes[0] = whole;
  } else {
    M flat = whole.reshape (1, 1);
    int offset = 0;
    for (int p = 0; p < img.n_planes; p++) {
      int bytes = shapes[p].rows * shapes[p].cols * shapes[p].cn;
      img.planes[p] = flat.colRange (offset, offset + bytes)
          .reshape (shapes[p].cn, shapes[p].rows);
      offset += bytes;
    }
  }
  img_set_chroma (img, layout);
}

bool
same_memory (const cv::UMat &a, const cv::UMat &b)
{
  return a.u == b.u && a.offset == b.offset;
}

template <class M>
void
copy_planes (const Img<M> &src, Img<M> &dst)
{
  for (int p = 0; p < src.n_planes; p++)
    if (!same_memory (src.planes[p], dst.planes[p]))
      src.planes[p].copyTo (dst.planes[p]);
}

template <class M>
void
run_op (const Op &op, const Img<M> &src, Img<M> &dst)
{
  switch (op.kind) {
    case OpKind::CVT:
      cv::cvtColor (src.whole, dst.whole, op.code);
      break;
    case OpKind::ALPHA_OPAQUE:
      cv::bitwise_or (src.whole, cv::Scalar (0, 0, 0, 255), dst.whole);
      break;
    case OpKind::CONVERT_YUV: {
      /* only between OpenCV's 4:2:0 layouts here: the planes move */
      if (!same_memory (src.planes[0], dst.planes[0]))
        src.planes[0].copyTo (dst.planes[0]);
      const int pairs[4] = {src.u, dst.u, src.v, dst.v};
      cv::mixChannels (src.chroma, dst.chroma, pairs, 2);
      break;
    }
    default:
      CV_Error (cv::Error::StsInternal, "no OpenCL path for " + op.name);
  }
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

  /* CPU (and OpenCL chains whose edges have no kernels yet) */
  std::unique_ptr<CpuPlan> cpu;
  Img<cv::Mat> frame_in, frame_out;     /* OpenCL: frames wrapped */

  /* OpenCL */
  struct Slot {
    Img<cv::UMat> in;
    std::vector<Img<cv::UMat>> steps;
  };
  std::vector<Slot> slots;
  size_t next_slot;
  std::unique_ptr<StripeQueues> stripe_queues;  /* NULL: no overlap */
  int n_stripes;
  std::unique_ptr<FusedKernel> fused;
  YuvCoefficients decode, encode;
  /* a YUV matrix step must apply other coefficients than OpenCV's */
  bool own_yuv_matrix;
  uint64_t opencl_frames = 0;

  /* frames submitted and not yet waited for, with how they ended */
  struct Submitted {
    UmatcvStatus status;
    std::string error;
  };
  std::deque<Submitted> submitted;

  cv::Mat new_mat (UmatcvLayout layout)
  {
    cv::Mat m;
    m.allocator = &host_allocator;
    m.create (layout_mat_size (layout, width, height), layout_mat_type (layout));
    return m;
  }

  cv::UMat new_umat (UmatcvLayout layout)
  {
    cv::UMat m;
    m.allocator = &device_allocator;
    m.create (layout_mat_size (layout, width, height), layout_mat_type (layout));
    return m;
  }

  /* Points `img` at a frame's planes; no copy, no allocation. */
  void wrap (Img<cv::Mat> &img, const UmatcvImage *image,
      const PlaneShape *shapes, int n)
  {
    bool back_to_back = image->strides[0] == (size_t) width;
    img.n_planes = n;
    for (int p = 0; p < n; p++) {
      img.planes[p] = cv::Mat (shapes[p].rows, shapes[p].cols,
          CV_8UC (shapes[p].cn), image->planes[p], image->strides[p]);
      /* OpenCV re-creating a wrapped frame would be a bug: count it */
      img.planes[p].allocator = &host_allocator;
      if (p > 0)
        back_to_back = back_to_back
            && image->planes[p] == image->planes[p - 1]
            + image->strides[p - 1] * shapes[p - 1].rows
            && image->strides[p] == (size_t) (shapes[p].cols * shapes[p].cn);
    }
    if (n == 1) {
      img.whole = img.planes[0];
    } else if (back_to_back) {
      cv::Size size = layout_mat_size (image->layout, width, height);
      img.whole = cv::Mat (size, CV_8UC1, image->planes[0], width);
      img.whole.allocator = &host_allocator;
    } else {
      img.whole = cv::Mat ();
    }
    for (size_t i = 0; i < img.chroma.size (); i++)
      img.chroma[i] = img.planes[1 + i];
  }

  void process_opencl (const UmatcvImage *in_image, const UmatcvImage *out_image)
  {
    testhook_opencl_frame (opencl_frames++);
    Slot &slot = slots[next_slot];
    next_slot = (next_slot + 1) % slots.size ();
    /* In place goes in one piece: a failure half way through the stripes
     * would leave a frame half converted, and the element redoes a failed
     * frame on the CPU from its input. */
    if (stripe_queues && !images_overlap (in_image, out_image)) {
      process_opencl_striped (slot, in_image, out_image);
      return;
    }

    wrap (frame_in, in_image, in_shapes, in_planes);
    wrap (frame_out, out_image, out_shapes, out_planes);
    for (int p = 0; p < in_planes; p++)
      frame_in.planes[p].copyTo (slot.in.planes[p]);
    const Img<cv::UMat> *src = run_steps (slot);
    for (int p = 0; p < out_planes; p++)
      src->planes[p].copyTo (frame_out.planes[p]);
  }

  /* One plane in, one out, and stripes of rows: upload of stripe k+1,
   * kernels of stripe k and download of stripe k-1 run at once. */
  void process_opencl_striped (Slot &slot, const UmatcvImage *in_image,
      const UmatcvImage *out_image)
  {
    const int rows_per_stripe = (height + n_stripes - 1) / n_stripes;
    try {
      for (int row0 = 0; row0 < height; row0 += rows_per_stripe) {
        int rows = std::min (rows_per_stripe, height - row0);
        stripe_queues->upload (in_image->planes[0], in_image->strides[0],
            slot.in.whole, row0, rows);
        if (fused) {
          fused->enqueue_rows (stripe_queues->kernel_queue (), slot.in.whole,
              slot.steps.back ().whole, row0, rows);
        } else {
          Img<cv::UMat> src, dst;
          src.whole = slot.in.whole.rowRange (row0, row0 + rows);
          for (size_t i = 0; i < ops.size (); i++) {
            dst.whole = slot.steps[i].whole.rowRange (row0, row0 + rows);
            run_op (ops[i], src, dst);
            src.whole = dst.whole;
          }
        }
        stripe_queues->download (slot.steps.back ().whole,
            out_image->planes[0], out_image->strides[0], row0, rows);
      }
      stripe_queues->finish ();
    } catch (...) {
      /* never return while a transfer may still touch the frames */
      try {
        stripe_queues->finish ();
      } catch (...) {
      }
      throw;
    }
  }

  /* The slot's input through the chain: one fused kernel or the steps. */
  const Img<cv::UMat> *run_steps (Slot &slot)
  {
    if (fused) {
      fused->run (slot.in.whole, slot.steps.back ().whole);
      return &slot.steps.back ();
    }
    const Img<cv::UMat> *src = &slot.in;
    for (size_t i = 0; i < ops.size (); i++) {
      run_op (ops[i], *src, slot.steps[i]);
      src = &slot.steps[i];
    }
    return src;
  }

  /* Every image a slot holds must fit one device buffer, and OpenCV's own
   * kernels address buffers with 32-bit offsets: only a fused chain (64-bit
   * rows) runs on frames of 2 GiB and more. */
  void check_device_fits () const
  {
    const cv::ocl::Device &device = cv::ocl::Device::getDefault ();
    size_t largest = 0;
    UmatcvLayout biggest = in;
    std::vector<UmatcvLayout> images {in, out};
    if (!fused)
      for (const Op &op : ops)
        images.push_back (op.output);
    for (UmatcvLayout l : images) {
      cv::Size size = layout_mat_size (l, width, height);
      size_t bytes = (size_t) size.area () * layout_channels (l);
      if (bytes > largest) {
        largest = bytes;
        biggest = l;
      }
    }
    std::string frame = std::to_string (width) + "x" + std::to_string (height)
        + " " + layout_info (biggest).name + " image of "
        + std::to_string (largest) + " bytes";
    if (largest > device.maxMemAllocSize ())
      throw TooLarge ("a " + frame + " is larger than the largest buffer "
          "OpenCL device " + device.name () + " allocates ("
          + std::to_string (device.maxMemAllocSize ()) + " bytes)");
    if (!fused && largest > (size_t) INT_MAX)
      throw TooLarge ("a " + frame + " is too large for OpenCV's OpenCL "
          "kernels (32-bit offsets), and this chain does not run as one fused "
          "kernel");
  }

  void setup_opencl (unsigned pool_size, bool fuse)
  {
    img_set_chroma (frame_in, in);
    img_set_chroma (frame_out, out);
    if (fuse || own_yuv_matrix)
      fused = FusedKernel::build (ops, in, out, width, height, decode, encode);
    if (own_yuv_matrix && !fused)
      throw std::runtime_error ("this chain cannot apply BT.709 or full-range "
          "YUV on OpenCL: only chains that run as one generated kernel can "
          "(OpenCV's own YUV codes are BT.601 limited range)");
    check_device_fits ();
    slots.resize (pool_size);
    for (Slot &slot : slots) {
      img_from_whole (slot.in, new_umat (in), in, width, height);
      slot.steps.resize (fused ? 1 : ops.size ());
      for (size_t i = 0; i < slot.steps.size (); i++) {
        UmatcvLayout layout = i + 1 == slot.steps.size ()? out : ops[i].output;
        img_from_whole (slot.steps[i], new_umat (layout), layout, width, height);
      }
    }
    bool one_plane = layout_shape (in) == Shape::PACKED;
    for (const Op &op : ops)
      one_plane = one_plane && op.kind != OpKind::CONVERT_YUV
          && layout_shape (op.output) == Shape::PACKED;
    n_stripes = stripes_for (slots[0].in.whole.total ()
        * slots[0].in.whole.elemSize ());
    if (one_plane && n_stripes > 1 && n_stripes <= height)
      stripe_queues = StripeQueues::create (engine->context);
    /* Compile the kernels now, not on the first frame. */
    slots[0].in.whole.setTo (cv::Scalar::all (0));
    run_steps (slots[0]);
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

namespace {

bool
is_cv_layout (UmatcvLayout l)
{
  return layout_shape (l) != Shape::OTHER && layout_packing (l).kind
      != Packing::Kind::YUV_PACKED && layout_info (l).family
      != UMATCV_FAMILY_NONE && layout_packing (l).r != 3
      && layout_packing (l).b != 3;
}

/* Whether the OpenCL path has kernels for every step: OpenCV's codes
 * between the layouts it knows, and 4:2:0 repacks. */
bool
opencl_covers (const std::vector<Op> &ops, UmatcvLayout in, UmatcvLayout out)
{
  if (!is_cv_layout (in) || !is_cv_layout (out))
    return false;
  for (const Op &op : ops) {
    if (op.kind == OpKind::CVT || op.kind == OpKind::ALPHA_OPAQUE)
      continue;
    if (op.kind == OpKind::CONVERT_YUV && layout_shape (op_input (op))
        != Shape::PACKED && layout_shape (op_input (op)) != Shape::OTHER
        && layout_shape (op.output) != Shape::PACKED
        && layout_shape (op.output) != Shape::OTHER)
      continue;
    return false;
  }
  return true;
}

}  /* namespace */

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
  if (converter == nullptr)
    return UMATCV_ERROR_INVALID_ARGUMENT;
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
    c->n_stripes = 1;
    const UmatcvColorimetry bt601 = {UMATCV_MATRIX_BT601, UMATCV_RANGE_LIMITED,
      0};
    const UmatcvColorimetry &ci = spec->in_colorimetry;
    const UmatcvColorimetry &co = spec->out_colorimetry;
    c->decode = yuv_coefficients (ci.matrix, ci.range);
    c->encode = yuv_coefficients (co.matrix, co.range);
    bool custom = ci.matrix != bt601.matrix || ci.range != bt601.range
        || co.matrix != bt601.matrix || co.range != bt601.range;
    c->own_yuv_matrix = false;
    UmatcvLayout layout = in;
    for (const Op &op : ops) {
      c->own_yuv_matrix = c->own_yuv_matrix
          || (custom && yuv_matrix_step (op, layout));
      layout = op.output;
    }
    if (engine->opencl && !ops.empty () && opencl_covers (ops, in, out)) {
      ContextGuard bound (engine->context);
      c->device_allocator.set_delegate (cv::ocl::getOpenCLAllocator ());
      try {
        c->setup_opencl (spec->slots, spec->fuse != 0);
      } catch (...) {
        c->stripe_queues.reset ();
        c->slots.clear ();      /* release the UMats while bound */
        c->fused.reset ();
        throw;
      }
    } else {
      c->cpu.reset (new CpuPlan (ops, in, out, width, height, ci, co,
              &c->host_allocator));
    }
    *converter = c.release ();
    return UMATCV_OK;
  });
}

UmatcvStatus
umatcv_converter_process (UmatcvConverter *c, const UmatcvImage *in,
    const UmatcvImage *out, char **error)
{
  if (c == nullptr || !c->check_image (in, c->in, c->in_shapes, c->in_planes)
      || !c->check_image (out, c->out, c->out_shapes, c->out_planes)) {
    set_error (error, "frame does not match the converter's "
        "layout, size or minimum strides");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  if (c->cpu && !c->cpu->in_place_ok () && images_overlap (in, out)) {
    set_error (error, "this conversion filters chroma across rows and "
        "cannot write into its input's memory: give it an output frame of "
        "its own");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  return umatcv_guard (error, [&] () -> UmatcvStatus {
    if (!c->slots.empty ()) {
      ContextGuard bound (c->engine->context);
      c->process_opencl (in, out);
    } else {
      c->cpu->run (in, out);
    }
    return UMATCV_OK;
  });
}

/* Frames finish as they are submitted for now (OpenCL and CPU alike);
 * what a frame's conversion said waits for wait(). */
UmatcvStatus
umatcv_converter_submit (UmatcvConverter *c, const UmatcvImage *in,
    const UmatcvImage *out, char **error)
{
  if (c == nullptr)
    return UMATCV_ERROR_INVALID_ARGUMENT;
  if (c->submitted.size () >= umatcv_converter_depth (c)) {
    set_error (error, "too many frames in flight");
    return UMATCV_ERROR_INVALID_ARGUMENT;
  }
  char *failure = nullptr;
  UmatcvStatus status = umatcv_converter_process (c, in, out, &failure);
  if (status == UMATCV_ERROR_INVALID_ARGUMENT) {
    set_error (error, failure ? failure : "invalid frame");
    umatcv_free (failure);
    return status;
  }
  try {
    c->submitted.push_back ({status, failure ? failure : ""});
  } catch (...) {
    umatcv_free (failure);
    set_error (error, "out of memory");
    return UMATCV_ERROR_NO_MEMORY;
  }
  umatcv_free (failure);
  return UMATCV_OK;
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
  UmatcvConverter::Submitted frame = c->submitted.front ();
  c->submitted.pop_front ();
  if (done)
    *done = 1;
  if (frame.status != UMATCV_OK)
    set_error (error, frame.error);
  return frame.status;
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
  try {
    if (!c->slots.empty ()) {
      /* OpenCV releases UMats through the context current on this thread */
      ContextGuard bound (c->engine->context);
      c->stripe_queues.reset ();
      c->slots.clear ();
      c->fused.reset ();
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
  return c != nullptr && c->fused != nullptr;
}

uint64_t
umatcv_converter_allocations (const UmatcvConverter *c)
{
  return c ? c->host_allocator.count () + c->device_allocator.count () : 0;
}

}  /* extern "C" */
