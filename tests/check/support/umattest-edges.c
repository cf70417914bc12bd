/* umattest: the reference for what umatcv does at the ends of a chain
 * (decoding, encoding and converting Y'CbCr, reordering R'G'B'), in double
 * precision, rounded once.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Written from the definition in ext/umatcv/umatcv-edges.hpp, not from its
 * code: chroma is resampled with siting-aware taps of weight 4 an axis
 * (videoconvert's filter), edge samples repeated; the matrices are the
 * ITU's Kr and Kb; every value is rounded once, at the end. Samples are
 * read and written where GStreamer's GstVideoFormatInfo says they are
 * (plane, offset, pixel stride, shift), so the layouts' packing is not
 * umatcv's either. umatcv works in 16- and 20-bit fixed point: it may be 1
 * away where the exact value is next to a half.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "umattest-support.h"

#include <math.h>
#include <string.h>

/* Where the samples of an image are. */
typedef struct
{
  UmattestImage *image;
  const GstVideoFormatInfo *finfo;
  UmattestGeometry g;
  guint8 *planes[3];
} Samples;

static void
samples_init (Samples * s, const UmattestImage * image)
{
  GstVideoFormat format = umattest_video_format (image->layout);
  guint8 *plane = image->data;
  gint p;

  fail_unless (format != GST_VIDEO_FORMAT_UNKNOWN, "%s is no video format",
      umatcv_layout_name (image->layout));
  s->image = (UmattestImage *) image;
  s->finfo = gst_video_format_get_info (format);
  umattest_geometry (image->layout, image->width, image->height, &s->g);
  for (p = 0; p < s->g.n_planes; p++) {
    s->planes[p] = plane;
    plane += (gsize) s->g.rows[p] * s->g.row_bytes[p];
  }
}

/* Component c at (x, y) of its own grid (chroma grids are subsampled).
 * GStreamer 1.22 gives the offset of a component of 16-bit samples in
 * samples (P010's V: 1), of 8-bit ones in bytes. */
static guint8 *
sample_at (const Samples * s, gint c, gint x, gint y)
{
  const GstVideoFormatInfo *f = s->finfo;
  gint p = GST_VIDEO_FORMAT_INFO_PLANE (f, c);
  gint sample_bytes = GST_VIDEO_FORMAT_INFO_DEPTH (f, c) > 8 ? 2 : 1;

  return s->planes[p] + (gsize) y * s->g.row_bytes[p]
      + GST_VIDEO_FORMAT_INFO_POFFSET (f, c) * sample_bytes
      + (gsize) x * GST_VIDEO_FORMAT_INFO_PSTRIDE (f, c);
}

static gint
get (const Samples * s, gint c, gint x, gint y)
{
  const GstVideoFormatInfo *f = s->finfo;
  const guint8 *at = sample_at (s, c, x, y);
  gint depth = GST_VIDEO_FORMAT_INFO_DEPTH (f, c);

  if (depth <= 8)
    return *at;
  return ((at[0] | (at[1] << 8)) >> GST_VIDEO_FORMAT_INFO_SHIFT (f, c))
      & ((1 << depth) - 1);
}

static void
set (const Samples * s, gint c, gint x, gint y, gint v)
{
  const GstVideoFormatInfo *f = s->finfo;
  guint8 *at = sample_at (s, c, x, y);
  gint depth = GST_VIDEO_FORMAT_INFO_DEPTH (f, c);

  if (depth <= 8) {
    *at = v;
  } else {
    guint w = (guint) v << GST_VIDEO_FORMAT_INFO_SHIFT (f, c);
    at[0] = w & 255;
    at[1] = w >> 8;
  }
}

static gint
round_clamp (gdouble v, gint max)
{
  return (gint) CLAMP (floor (v + 0.5), 0, max);
}

/* ------------------------------------------------------------------------
 * Chroma taps
 * ------------------------------------------------------------------------ */

/* Up to three source indices and weights summing to 4 for position i of
 * one axis. */
typedef struct
{
  gint n;
  gint index[3], weight[3];
} Taps;

static gint
clamp_index (gint i, gint count)
{
  return CLAMP (i, 0, count - 1);
}

/* Full resolution from subsampled samples (count of them) at a siting. */
static Taps
up_taps (gint i, gint count, gboolean cosited)
{
  gint k = i >> 1;
  Taps t;

  if (cosited) {
    if (i % 2 == 0) {
      t = (Taps) { 1, {k}, {4} };
    } else {
      t = (Taps) { 2, {k, clamp_index (k + 1, count)}, {2, 2} };
    }
  } else {
    gint side = i % 2 == 0 ? k - 1 : k + 1;
    t = (Taps) { 2, {k, clamp_index (side, count)}, {3, 1} };
  }
  return t;
}

/* Subsampled sample k from full-resolution samples (count of them). */
static Taps
down_taps (gint k, gint count, gboolean cosited)
{
  Taps t;

  if (cosited)
    t = (Taps) { 3, {clamp_index (2 * k - 1, count), 2 * k,
          clamp_index (2 * k + 1, count)}, {1, 2, 1} };
  else
    t = (Taps) { 2, {2 * k, clamp_index (2 * k + 1, count)}, {2, 2} };
  return t;
}

/* Position i of an axis going from shift `from` to shift `to`. */
static Taps
axis_taps (gint i, gint from, gint to, gint src_count, gboolean src_cosited,
    gboolean dst_cosited)
{
  if (from == to)
    return (Taps) {
    1, {i}, {4}};
  if (from > to)
    return up_taps (i, src_count, src_cosited);
  return down_taps (i, src_count, dst_cosited);
}

/* ------------------------------------------------------------------------
 * Matrices and levels
 * ------------------------------------------------------------------------ */

static void
kr_kb (UmatcvMatrix m, gdouble * kr, gdouble * kb)
{
  switch (m) {
    case UMATCV_MATRIX_BT709:
      *kr = 0.2126;
      *kb = 0.0722;
      break;
    case UMATCV_MATRIX_BT2020:
      *kr = 0.2627;
      *kb = 0.0593;
      break;
    default:
      *kr = 0.299;
      *kb = 0.114;
      break;
  }
}

typedef struct
{
  gdouble y_offset, c_offset, y_span, c_span;
  gint max;
} Levels;

static Levels
levels_of (UmatcvRange range, gint depth)
{
  gint s = depth - 8;
  Levels l;

  l.max = (1 << depth) - 1;
  l.c_offset = 128 << s;
  if (range == UMATCV_RANGE_FULL) {
    l.y_offset = 0;
    l.y_span = l.c_span = l.max;
  } else {
    l.y_offset = 16 << s;
    l.y_span = 219 << s;
    l.c_span = 224 << s;
  }
  return l;
}

/* R'G'B' components of GStreamer's RGB formats: R, G, B, then A. */
static gboolean
has_alpha (const Samples * s)
{
  return GST_VIDEO_FORMAT_INFO_HAS_ALPHA (s->finfo);
}

static gboolean
is_gray (const Samples * s)
{
  return GST_VIDEO_FORMAT_INFO_IS_GRAY (s->finfo);
}

/* ------------------------------------------------------------------------
 * Planes of samples
 * ------------------------------------------------------------------------ */

typedef struct
{
  gint w, h;
  gint32 *v;
} Plane;

/* Component c of an image, w x h samples of its grid. */
static Plane
plane_read (const Samples * s, gint c, gint w, gint h)
{
  Plane p = { w, h, g_new (gint32, (gsize) w * h) };
  gint x, y;

  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++)
      p.v[(gsize) y * w + x] = get (s, c, x, y);
  return p;
}

static void
plane_write (const Samples * s, gint c, const Plane * p)
{
  gint x, y;

  for (y = 0; y < p->h; y++)
    for (x = 0; x < p->w; x++)
      set (s, c, x, y, p->v[(gsize) y * p->w + x]);
}

static Plane
plane_new (gint w, gint h)
{
  Plane p = { w, h, g_new0 (gint32, (gsize) w * h) };
  return p;
}

static void
plane_clear (Plane * p)
{
  g_free (p->v);
  p->v = NULL;
}

/* The taps of every position of an axis. */
static Taps *
axis_taps_all (gint count, gint from, gint to, gint src_count,
    gboolean src_cosited, gboolean dst_cosited)
{
  Taps *t = g_new (Taps, count);
  gint i;

  for (i = 0; i < count; i++)
    t[i] = axis_taps (i, from, to, src_count, src_cosited, dst_cosited);
  return t;
}

/* Sum of weight 16 of plane p at position (x, y) of the taps. */
static gdouble
tapped (const Plane * p, const Taps * ht, const Taps * vt)
{
  gdouble sum = 0;
  gint i, j;

  for (i = 0; i < vt->n; i++) {
    const gint32 *row = p->v + (gsize) vt->index[i] * p->w;
    for (j = 0; j < ht->n; j++)
      sum += vt->weight[i] * ht->weight[j] * row[ht->index[j]];
  }
  return sum;
}

/* ------------------------------------------------------------------------
 * The four edges
 * ------------------------------------------------------------------------ */

static void
decode (const Samples * in, const Samples * out, const UmatcvColorimetry * c)
{
  const UmatcvLayoutInfo *info = umatcv_layout_info (in->image->layout);
  gint w = in->image->width, h = in->image->height;
  gint xs = info->chroma_x_shift, ys = info->chroma_y_shift;
  gint cw = (w + (1 << xs) - 1) >> xs, ch = (h + (1 << ys) - 1) >> ys;
  Levels l = levels_of (c->range, info->depth);
  Plane luma = plane_read (in, 0, w, h), u, v, rgb[3];
  Taps *ht, *vt;
  gdouble kr, kb, kg;
  gint x, y, k;

  if (is_gray (out)) {
    /* the luma as it is (OpenCV's YUV2GRAY), in 8 bits */
    for (k = 0; k < w * h; k++)
      luma.v[k] = round_clamp (luma.v[k] / (gdouble) (1 << (info->depth - 8)),
          255);
    plane_write (out, 0, &luma);
    plane_clear (&luma);
    return;
  }
  kr_kb (c->matrix, &kr, &kb);
  kg = 1.0 - kr - kb;
  u = plane_read (in, 1, cw, ch);
  v = plane_read (in, 2, cw, ch);
  ht = axis_taps_all (w, xs, 0, cw, c->chroma_site & UMATCV_SITE_H_COSITED,
      FALSE);
  vt = axis_taps_all (h, ys, 0, ch, c->chroma_site & UMATCV_SITE_V_COSITED,
      FALSE);
  for (k = 0; k < 3; k++)
    rgb[k] = plane_new (w, h);
  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++) {
      gsize i = (gsize) y * w + x;
      gdouble yy = (luma.v[i] - l.y_offset) / l.y_span;
      gdouble cb = (tapped (&u, &ht[x], &vt[y]) / 16.0 - l.c_offset)
          / l.c_span;
      gdouble cr = (tapped (&v, &ht[x], &vt[y]) / 16.0 - l.c_offset)
          / l.c_span;
      gdouble r = yy + 2 * (1 - kr) * cr;
      gdouble b = yy + 2 * (1 - kb) * cb;
      gdouble g = (yy - kr * r - kb * b) / kg;

      rgb[0].v[i] = round_clamp (255 * r, 255);
      rgb[1].v[i] = round_clamp (255 * g, 255);
      rgb[2].v[i] = round_clamp (255 * b, 255);
    }
  /* alpha, where the output has it, stays the 255 it was made with */
  for (k = 0; k < 3; k++) {
    plane_write (out, k, &rgb[k]);
    plane_clear (&rgb[k]);
  }
  plane_clear (&luma);
  plane_clear (&u);
  plane_clear (&v);
  g_free (ht);
  g_free (vt);
}

static void
encode (const Samples * in, const Samples * out, const UmatcvColorimetry * c)
{
  const UmatcvLayoutInfo *info = umatcv_layout_info (out->image->layout);
  gint w = in->image->width, h = in->image->height;
  gint xs = info->chroma_x_shift, ys = info->chroma_y_shift;
  gint cw = (w + (1 << xs) - 1) >> xs, ch = (h + (1 << ys) - 1) >> ys;
  Levels l = levels_of (c->range, info->depth);
  Plane rgb[3], luma = plane_new (w, h), u = plane_new (cw, ch);
  Plane v = plane_new (cw, ch);
  Taps *ht, *vt;
  gdouble kr, kb, kg;
  gint x, y, k;

  kr_kb (c->matrix, &kr, &kb);
  kg = 1.0 - kr - kb;
  /* GRAY encodes as R' = G' = B' */
  for (k = 0; k < 3; k++)
    rgb[k] = plane_read (in, is_gray (in) ? 0 : k, w, h);
  for (k = 0; k < w * h; k++)
    luma.v[k] = round_clamp (l.y_offset + l.y_span * (kr * rgb[0].v[k]
            + kg * rgb[1].v[k] + kb * rgb[2].v[k]) / 255.0, l.max);
  ht = axis_taps_all (cw, 0, xs, w, FALSE,
      c->chroma_site & UMATCV_SITE_H_COSITED);
  vt = axis_taps_all (ch, 0, ys, h, FALSE,
      c->chroma_site & UMATCV_SITE_V_COSITED);
  for (y = 0; y < ch; y++)
    for (x = 0; x < cw; x++) {
      gdouble r = tapped (&rgb[0], &ht[x], &vt[y]) / (16.0 * 255.0);
      gdouble g = tapped (&rgb[1], &ht[x], &vt[y]) / (16.0 * 255.0);
      gdouble b = tapped (&rgb[2], &ht[x], &vt[y]) / (16.0 * 255.0);
      gdouble yy = kr * r + kg * g + kb * b;
      gsize i = (gsize) y * cw + x;

      u.v[i] = round_clamp (l.c_offset + l.c_span * (b - yy) / (2 * (1 - kb)),
          l.max);
      v.v[i] = round_clamp (l.c_offset + l.c_span * (r - yy) / (2 * (1 - kr)),
          l.max);
    }
  plane_write (out, 0, &luma);
  plane_write (out, 1, &u);
  plane_write (out, 2, &v);
  for (k = 0; k < 3; k++)
    plane_clear (&rgb[k]);
  plane_clear (&luma);
  plane_clear (&u);
  plane_clear (&v);
  g_free (ht);
  g_free (vt);
}

static void
convert (const Samples * in, const Samples * out, const UmatcvColorimetry * ic,
    const UmatcvColorimetry * oc)
{
  const UmatcvLayoutInfo *ii = umatcv_layout_info (in->image->layout);
  const UmatcvLayoutInfo *oi = umatcv_layout_info (out->image->layout);
  gint w = in->image->width, h = in->image->height;
  gint icw = (w + (1 << ii->chroma_x_shift) - 1) >> ii->chroma_x_shift;
  gint ich = (h + (1 << ii->chroma_y_shift) - 1) >> ii->chroma_y_shift;
  gint ocw = (w + (1 << oi->chroma_x_shift) - 1) >> oi->chroma_x_shift;
  gint och = (h + (1 << oi->chroma_y_shift) - 1) >> oi->chroma_y_shift;
  gdouble scale = (gdouble) (1 << oi->depth) / (1 << ii->depth);
  gint max = (1 << oi->depth) - 1, x, y, c, k;
  Plane luma = plane_read (in, 0, w, h);
  Taps *ht, *vt;

  for (k = 0; k < w * h; k++)
    luma.v[k] = round_clamp (luma.v[k] * scale, max);
  plane_write (out, 0, &luma);
  plane_clear (&luma);
  ht = axis_taps_all (ocw, ii->chroma_x_shift, oi->chroma_x_shift, icw,
      ic->chroma_site & UMATCV_SITE_H_COSITED,
      oc->chroma_site & UMATCV_SITE_H_COSITED);
  vt = axis_taps_all (och, ii->chroma_y_shift, oi->chroma_y_shift, ich,
      ic->chroma_site & UMATCV_SITE_V_COSITED,
      oc->chroma_site & UMATCV_SITE_V_COSITED);
  for (c = 1; c <= 2; c++) {
    Plane src = plane_read (in, c, icw, ich), dst = plane_new (ocw, och);

    for (y = 0; y < och; y++)
      for (x = 0; x < ocw; x++)
        dst.v[(gsize) y * ocw + x] = round_clamp (tapped (&src, &ht[x],
                &vt[y]) / 16.0 * scale, max);
    plane_write (out, c, &dst);
    plane_clear (&src);
    plane_clear (&dst);
  }
  g_free (ht);
  g_free (vt);
}

/* Bytes move; alpha is copied where both ends have it, 255 where only the
 * output has it. */
static void
reorder (const Samples * in, const Samples * out)
{
  gint x, y, c;

  for (y = 0; y < in->image->height; y++)
    for (x = 0; x < in->image->width; x++) {
      for (c = 0; c < 3; c++)
        set (out, c, x, y, get (in, c, x, y));
      if (has_alpha (out))
        set (out, 3, x, y, has_alpha (in) ? get (in, 3, x, y) : 255);
    }
}

UmatcvColorimetry
umattest_colorimetry_default (void)
{
  UmatcvColorimetry c = { UMATCV_MATRIX_BT601, UMATCV_RANGE_LIMITED,
    UMATCV_SITE_H_COSITED
  };
  return c;
}

UmattestImage *
umattest_edge (const UmattestImage * in, UmatcvLayout to,
    const UmatcvColorimetry * in_c, const UmatcvColorimetry * out_c,
    const gchar ** name)
{
  UmatcvColorimetry dflt = umattest_colorimetry_default ();
  UmattestImage *out = umattest_image_new (to, in->width, in->height);
  gboolean in_yuv = umatcv_layout_info (in->layout)->family
      == UMATCV_FAMILY_YUV;
  gboolean out_yuv = umatcv_layout_info (to)->family == UMATCV_FAMILY_YUV;
  Samples si, so;

  /* padding and alpha nobody writes read as opaque */
  memset (out->data, 255, out->size);
  samples_init (&si, in);
  samples_init (&so, out);
  in_c = in_c ? in_c : &dflt;
  out_c = out_c ? out_c : &dflt;
  if (in_yuv && out_yuv) {
    convert (&si, &so, in_c, out_c);
    *name = "convert";
  } else if (in_yuv) {
    decode (&si, &so, in_c);
    *name = "decode";
  } else if (out_yuv) {
    encode (&si, &so, out_c);
    *name = "encode";
  } else {
    fail_if (is_gray (&si) || is_gray (&so), "no reorder from %s to %s",
        umatcv_layout_name (in->layout), umatcv_layout_name (to));
    reorder (&si, &so);
    *name = "reorder";
  }
  return out;
}
