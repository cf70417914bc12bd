/* umatcv on the CPU: a chain with its edges, one block of rows at a time.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A frame is cut into blocks of rows (about 128 KB of the widest image a
 * block; an even number of rows). For each block, every stage runs in
 * turn: the first reads the input frame, the last writes the output frame,
 * the ones between read and write block-sized scratch images that stay in
 * the cache. Where an edge filters chroma across rows, a stage computes a
 * row or two more than its block above and below (the next stage's
 * input_rows), so blocks never depend on each other and run on as many
 * threads as OpenCV has. A frame goes to OpenCV's threads in a few stripes
 * of blocks per thread, so that a thread the system holds back leaves its
 * stripes to the others; a running stripe borrows one of the plan's sets
 * of scratch (as many as threads).
 *
 * cvtColor codes run on the block as they would on a whole frame: they are
 * pixel-local, and OpenCV's 4:2:0 codes take any even number of rows. A
 * 4:2:0 frame a code reads or writes is copied through one block-sized
 * image laid out as OpenCV wants it (planes back to back), in the cache.
 */
#include "umatcv-cpu.hpp"
#include "umatcv-edges-fast.hpp"

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>

namespace umatcv {

namespace {

/* Rows a block aims at: its widest image about this big. */
const size_t block_bytes = 128 * 1024;

/* Stripes of blocks a frame is cut into for each thread. */
const int stripes_per_thread = 4;

bool
is_cv420 (UmatcvLayout l)
{
  Shape s = layout_shape (l);
  return s == Shape::PLANAR_420 || s == Shape::SEMI_420;
}

size_t
row_bytes (UmatcvLayout l, int width)
{
  PlaneShape planes[3];
  int n = layout_planes (l, width, 2, planes);
  size_t bytes = 0;
  for (int p = 0; p < n; p++)
    bytes += planes[p].row_bytes () * planes[p].rows;
  return (bytes + 1) / 2;
}

View
frame_view (const UmatcvImage *image)
{
  View v;
  v.layout = image->layout;
  v.width = image->width;
  v.height = image->height;
  for (int p = 0; p < 3; p++) {
    v.planes[p] = image->planes[p];
    v.strides[p] = image->strides[p];
  }
  return v;
}

/* A view of rows [y0, y1) in `buffer`, laid out as the scratch of a stage:
 * packed rows, or OpenCV's 4:2:0 (planes back to back, tight). */
View
scratch_view (UmatcvLayout layout, int width, int height, uint8_t *buffer,
    int y0, int y1)
{
  View v;
  int n = y1 - y0;
  v.layout = layout;
  v.width = width;
  v.height = height;
  v.origin = y0;
  v.planes[0] = buffer;
  if (!is_cv420 (layout)) {
    v.strides[0] = (size_t) width * layout_channels (layout);
    return v;
  }
  v.strides[0] = width;
  v.planes[1] = buffer + (size_t) n * width;
  if (layout_shape (layout) == Shape::SEMI_420) {
    v.strides[1] = width;
  } else {
    v.strides[1] = v.strides[2] = width / 2;
    v.planes[2] = v.planes[1] + (size_t) (n / 2) * (width / 2);
  }
  return v;
}

/* The cv::Mat cvtColor takes for rows [y0, y1) of a view that is laid out
 * as OpenCV wants it. */
cv::Mat
as_mat (const View &v, int y0, int y1)
{
  int n = y1 - y0;
  if (is_cv420 (v.layout))
    return cv::Mat (n * 3 / 2, v.width, CV_8UC1, v.row (0, y0), v.width);
  return cv::Mat (n, v.width, CV_8UC (layout_channels (v.layout)),
      v.row (0, y0), v.strides[0]);
}

/* Copies rows [y0, y1) (and their chroma) of one view into another of the
 * same layout. */
void
copy_rows (const View &src, const View &dst, int y0, int y1)
{
  PlaneShape planes[3];
  int n = layout_planes (src.layout, src.width, src.height, planes);
  int ys = layout_info (src.layout).chroma_y_shift;
  for (int p = 0; p < n; p++) {
    int a = p == 0 ? y0 : y0 >> ys;
    int b = p == 0 ? y1 : (y1 + (1 << ys) - 1) >> ys;
    for (int y = a; y < b; y++)
      memcpy (dst.row (p, y), src.row (p, y), planes[p].row_bytes ());
  }
}

/* The cvtColor codes that only move bytes (BGR2RGB, BGRA2BGR, BGR2RGBA
 * and the others numbered 0 to 5) as the reorder edge that gives their
 * bytes, from the layout OpenCV sees (padding is alpha to it); else an op
 * of another kind. */
Op
shuffle_op (const Op &op, UmatcvLayout from)
{
  Op edge = op;
  edge.kind = OpKind::CVT;
  if (op.kind != OpKind::CVT || op.code < cv::COLOR_BGR2BGRA
      || op.code > cv::COLOR_BGRA2RGBA)
    return edge;
  if (from == UMATCV_LAYOUT_BGRX)
    from = UMATCV_LAYOUT_BGRA;
  else if (from == UMATCV_LAYOUT_RGBX)
    from = UMATCV_LAYOUT_RGBA;
  if (layout_packing (from).kind != Packing::Kind::RGB
      || layout_packing (op.output).kind != Packing::Kind::RGB)
    return edge;
  edge.kind = OpKind::REORDER;
  edge.inputs = UMATCV_LAYOUT_BIT (from);
  return edge;
}

/* Whether the rows' BGR2HSV gives this process's OpenCV's bytes.
 * OpenCV's own code does (tests/edges runs every colour), but a build of
 * OpenCV may route the code to a HAL of its own: a probe of 2^18 colours
 * (every pair of two components, the third at four places among them)
 * against cvtColor, once a build of the rows. */
bool
hsv_rows_agree (const rows::Kernels *k)
{
  static std::mutex lock;
  static const rows::Kernels *probed[4];
  static bool agreed[4];
  std::lock_guard<std::mutex> guard (lock);
  int i = 0;
  for (; i < 4 && probed[i]; i++)
    if (probed[i] == k)
      return agreed[i];
  if (i == 4)
    return false;

  cv::Mat probe (4 * 256, 256, CV_8UC3), ref, got (probe.size (), CV_8UC3);
  for (int y = 0; y < probe.rows; y++) {
    uint8_t *p = probe.ptr (y);
    for (int x = 0; x < 256; x++, p += 3) {
      int a = x, b = y & 255, third[4] = {b, (a + b) / 2, 255 - a, 0};
      p[0] = (uint8_t) a;
      p[1] = (uint8_t) b;
      p[2] = (uint8_t) third[y >> 8];
    }
  }
  bool same = true;
  const int codes[2] = {cv::COLOR_BGR2HSV, cv::COLOR_RGB2HSV};
  for (int c = 0; c < 2 && same; c++) {
    cv::cvtColor (probe, ref, codes[c]);
    for (int y = 0; y < probe.rows; y++)
      k->hsv (probe.ptr (y), nullptr, c ? rows::ORDER_RGB : rows::ORDER_BGR,
          got.ptr (y), probe.cols);
    same = cv::norm (ref, got, cv::NORM_INF) == 0;
  }
  probed[i] = k;
  agreed[i] = same;
  return same;
}

bool
overlap (const UmatcvImage *a, const UmatcvImage *b)
{
  PlaneShape sa[3], sb[3];
  int na = layout_planes (a->layout, a->width, a->height, sa);
  int nb = layout_planes (b->layout, b->width, b->height, sb);
  for (int i = 0; i < na; i++) {
    const uint8_t *a0 = a->planes[i];
    const uint8_t *a1 = a0 + a->strides[i] * (sa[i].rows - 1) + sa[i].row_bytes ();
    for (int j = 0; j < nb; j++) {
      const uint8_t *b0 = b->planes[j];
      const uint8_t *b1 = b0 + b->strides[j] * (sb[j].rows - 1) + sb[j].row_bytes ();
      if (a0 < b1 && b0 < a1)
        return true;
    }
  }
  return false;
}

}  /* namespace */

struct CpuPlan::Stage {
  Op op;
  UmatcvLayout from, to;
  Edge edge;
  /* the SIMD rows that run `edge`, NULL: the reference; a code that only
   * moves bytes runs as the edge when there are rows for it */
  const rows::Kernels *rows;
  bool shuffle;
  /* BGR2HSV or RGB2HSV through the rows' copy of OpenCV's arithmetic */
  const rows::Kernels *hsv_rows;
  /* a cvtColor 4:2:0/4:2:2 matrix step with a colorimetry OpenCV has no
   * code for: umatcv-yuv.cpp runs it */
  bool own_matrix;
};

struct CpuPlan::Part {
  std::atomic<bool> busy {false}; /* lent to a running stripe */
  std::vector<cv::Mat> scratch;   /* the output of each stage but the last */
  cv::Mat frame_in, frame_out;    /* 4:2:0 frames as cvtColor takes them */
  cv::Mat edge_rows;              /* int32 rows the edges work in */
  std::vector<Range> ranges;      /* rows each stage gives, this block */
};

CpuPlan::CpuPlan (const std::vector<Op> &ops, UmatcvLayout in,
    UmatcvLayout out, int width, int height,
    const UmatcvColorimetry &in_colorimetry,
    const UmatcvColorimetry &out_colorimetry, cv::MatAllocator *allocator)
  : in_ (in), out_ (out), width_ (width), height_ (height),
    allocator_ (allocator)
{
  const UmatcvColorimetry bt601 = {UMATCV_MATRIX_BT601, UMATCV_RANGE_LIMITED,
    0};
  bool custom = in_colorimetry.matrix != bt601.matrix
      || in_colorimetry.range != bt601.range
      || out_colorimetry.matrix != bt601.matrix
      || out_colorimetry.range != bt601.range;
  const rows::Kernels *rows = edge_rows_pick ();
  UmatcvLayout layout = in;
  size_t widest = row_bytes (in, width);
  for (const Op &op : ops) {
    Stage st;
    st.op = op;
    st.from = op_is_edge (op) ? op_input (op) : layout;
    st.to = op.output;
    st.own_matrix = custom && yuv_matrix_step (op, layout);
    st.rows = nullptr;
    st.shuffle = false;
    st.hsv_rows = op.kind == OpKind::CVT && rows && rows->hsv
        && (op.code == cv::COLOR_BGR2HSV || op.code == cv::COLOR_RGB2HSV)
        && (layout == UMATCV_LAYOUT_BGR || layout == UMATCV_LAYOUT_RGB)
        && hsv_rows_agree (rows) ? rows : nullptr;
    Op shuffle = shuffle_op (op, layout);
    if (op_is_edge (op)) {
      st.edge = make_edge (op, in_colorimetry, out_colorimetry);
    } else if (shuffle.kind == OpKind::REORDER && rows
        && rows->reorders_codes) {
      st.edge = make_edge (shuffle, in_colorimetry, out_colorimetry);
      st.shuffle = edge_rows_cover (st.edge, rows);
    }
    if (op_is_edge (op) || st.shuffle)
      st.rows = edge_rows_cover (st.edge, rows) ? rows : nullptr;
    stages_.push_back (st);
    layout = op.output;
    widest = std::max (widest, row_bytes (layout, width));
  }
  if (!stages_.empty ())
    stages_.back ().to = out;
  widest = std::max (widest, row_bytes (out, width));
  decode_ = yuv_coefficients (in_colorimetry.matrix, in_colorimetry.range);
  encode_ = yuv_coefficients (out_colorimetry.matrix, out_colorimetry.range);

  block_rows_ = (int) std::min<size_t> (256, std::max<size_t> (2,
          block_bytes / std::max<size_t> (widest, 1)));
  block_rows_ = std::min (block_rows_ & ~1, (height + 1) & ~1);
  block_rows_ = std::max (block_rows_, 2);

  /* rows any stage computes for a block, halo included, and whether a
   * block reads input rows outside itself */
  max_rows_ = block_rows_;
  /* in its own memory a frame keeps its planes where they are: the output
   * must lay them out as the input does (a 4:2:0 repack such as I420 to
   * NV12 writes chroma over chroma not yet read), with rows as long */
  in_place_ok_ = in == out
      || (layout_info (in).family != UMATCV_FAMILY_YUV
          && layout_info (out).family != UMATCV_FAMILY_YUV
          && row_bytes (in, width) == row_bytes (out, width));
  std::vector<Range> ranges (stages_.size ());
  for (int y0 = 0; y0 < height && !stages_.empty (); y0 += block_rows_) {
    int y1 = std::min (y0 + block_rows_, height);
    ranges.back () = {y0, y1};
    for (size_t i = stages_.size () - 1; i > 0; i--)
      input_rows (i, ranges[i].y0, ranges[i].y1, &ranges[i - 1].y0,
          &ranges[i - 1].y1);
    int a, b;
    input_rows (0, ranges[0].y0, ranges[0].y1, &a, &b);
    in_place_ok_ = in_place_ok_ && a >= y0 && b <= y1;
    for (const Range &r : ranges)
      max_rows_ = std::max (max_rows_, r.y1 - r.y0);
  }

  int n_blocks = (height + block_rows_ - 1) / block_rows_;
  int n_parts = std::max (1, std::min (cv::getNumThreads (), n_blocks));
  for (int p = 0; p < n_parts; p++) {
    std::unique_ptr<Part> part (new Part ());
    auto mat = [&] (size_t bytes) {
      cv::Mat m;
      m.allocator = allocator_;
      m.create (1, (int) std::max<size_t> (bytes, 1), CV_8UC1);
      return m;
    };
    for (size_t i = 0; i + 1 < stages_.size (); i++)
      part->scratch.push_back (mat (row_bytes (stages_[i].to, width)
              * (max_rows_ + 2)));
    if (is_cv420 (in) && !stages_.empty ()
        && stages_.front ().op.kind == OpKind::CVT)
      part->frame_in = mat (row_bytes (in, width) * (max_rows_ + 2));
    if (is_cv420 (out) && !stages_.empty ()
        && stages_.back ().op.kind == OpKind::CVT)
      part->frame_out = mat (row_bytes (out, width) * (max_rows_ + 2));
    part->edge_rows = mat (edge_scratch_bytes (width));
    part->ranges.resize (stages_.size ());
    parts_.push_back (std::move (part));
  }
}

CpuPlan::~CpuPlan ()
{
}

void
CpuPlan::input_rows (size_t stage, int y0, int y1, int *in_y0,
    int *in_y1) const
{
  const Stage &st = stages_[stage];
  if (op_is_edge (st.op)) {
    edge_input_rows (st.edge, height_, y0, y1, in_y0, in_y1);
  } else {
    *in_y0 = y0;
    *in_y1 = y1;
  }
  /* OpenCV's 4:2:0 codes and scratch work in pairs of rows */
  if (is_cv420 (st.from) || is_cv420 (st.to)) {
    *in_y0 &= ~1;
    *in_y1 = std::min (height_, (*in_y1 + 1) & ~1);
  }
}

void
CpuPlan::run_block (Part &part, int y0, int y1, const View &in,
    const View &out)
{
  std::vector<Range> &ranges = part.ranges;
  if (stages_.empty ()) {
    copy_rows (in, out, y0, y1);       /* the same layout at both ends */
    return;
  }
  size_t last = stages_.size () - 1;
  ranges[last] = {y0, y1};
  for (size_t i = last; i > 0; i--)
    input_rows (i, ranges[i].y0, ranges[i].y1, &ranges[i - 1].y0,
        &ranges[i - 1].y1);

  int32_t *edge_rows = (int32_t *) part.edge_rows.data;
  for (size_t i = 0; i <= last; i++) {
    const Stage &st = stages_[i];
    Range r = ranges[i];
    View src = i == 0 ? in : scratch_view (st.from, width_, height_,
        part.scratch[i - 1].data, ranges[i - 1].y0, ranges[i - 1].y1);
    View dst = i == last ? out : scratch_view (st.to, width_, height_,
        part.scratch[i].data, r.y0, r.y1);

    if (op_is_edge (st.op) || st.shuffle) {
      run_edge_rows (st.edge, st.rows, src, dst, r.y0, r.y1, edge_rows);
      continue;
    }

    if (st.hsv_rows) {
      rows::Order order = st.op.code == cv::COLOR_RGB2HSV ? rows::ORDER_RGB
          : rows::ORDER_BGR;
      for (int y = r.y0; y < r.y1; y++)
        st.hsv_rows->hsv (src.row (0, y),
            y + 1 < r.y1 ? src.row (0, y + 1) : nullptr, order,
            dst.row (0, y), width_);
      continue;
    }

    /* a cvtColor code (or alpha) on whole images of the block's rows */
    View staged_out = dst;
    if (i == 0 && is_cv420 (st.from)) {
      View staged = scratch_view (st.from, width_, height_,
          part.frame_in.data, r.y0, r.y1);
      copy_rows (src, staged, r.y0, r.y1);
      src = staged;
    }
    if (i == last && is_cv420 (st.to))
      staged_out = scratch_view (st.to, width_, height_, part.frame_out.data,
          r.y0, r.y1);
    cv::Mat s = as_mat (src, r.y0, r.y1), d = as_mat (staged_out, r.y0, r.y1);
    if (st.op.kind == OpKind::ALPHA_OPAQUE)
      cv::bitwise_or (s, cv::Scalar (0, 0, 0, 255), d);
    else if (st.own_matrix)
      yuv_cpu_step (st.op, st.from, s, d, width_, r.y1 - r.y0, decode_,
          encode_);
    else
      cv::cvtColor (s, d, st.op.code);
    if (staged_out.planes[0] != dst.planes[0])
      copy_rows (staged_out, dst, r.y0, r.y1);
  }
}

void
CpuPlan::run_part (Part &part, int block0, int block1, const View &in,
    const View &out)
{
  for (int b = block0; b < block1; b++) {
    int y0 = b * block_rows_;
    run_block (part, y0, std::min (y0 + block_rows_, height_), in, out);
  }
}

bool
images_overlap (const UmatcvImage *a, const UmatcvImage *b)
{
  return overlap (a, b);
}

void
CpuPlan::run (const UmatcvImage *in, const UmatcvImage *out)
{
  View vin = frame_view (in), vout = frame_view (out);
  int n_blocks = (height_ + block_rows_ - 1) / block_rows_;
  int n_parts = (int) parts_.size ();
  int n_stripes = n_parts == 1 ? 1 : std::min (n_blocks,
      n_parts * stripes_per_thread);
  cv::parallel_for_ (cv::Range (0, n_stripes), [&] (const cv::Range &range) {
    Part *part = nullptr;
    /* at most as many stripes run at once as OpenCV has threads; more only
     * when its thread count grew since the plan was made */
    while (part == nullptr) {
      for (const std::unique_ptr<Part> &p : parts_) {
        bool free = false;
        if (p->busy.compare_exchange_strong (free, true)) {
          part = p.get ();
          break;
        }
      }
      if (part == nullptr)
        std::this_thread::yield ();
    }
    run_part (*part, n_blocks * range.start / n_stripes,
        n_blocks * range.end / n_stripes, vin, vout);
    part->busy.store (false);
  }, n_stripes);
}

}  /* namespace umatcv */
