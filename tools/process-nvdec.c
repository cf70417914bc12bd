/* umat-process: how many NVDEC engines a GPU has for a codec.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One NVDEC stream keeps one engine busy, and a GPU decodes as many
 * streams at once as it has engines (from one on a desktop card to seven
 * on an H100 or H200), so that number is the default --jobs for frames
 * that nvcodec decodes (see the top of umat-process.c). NVIDIA's
 * decode library says it for a codec (cuvidGetDecoderCaps, nNumNVDECs);
 * nvcodec does not pass it on, so it is asked here, from the driver's own
 * libraries, loaded at run time: the program needs no CUDA to build, and
 * where they do not load the answer is 0 and the caller says why.
 *
 * The question needs a current CUDA context: the device's primary one,
 * held only while it is asked (on a thread, while the keyframes are read
 * and nvcodec probes the GPUs; see umat-process.c).
 *
 * Tests, on machines without NVDEC, make another plugin's decoders stand
 * for nvcodec's with UMAT_PROCESS_TEST_NVDEC=PLUGIN:ENGINES (the engines
 * each GPU then has; 0: a driver that does not say).
 */
#include "umat-process.h"

#include <dlfcn.h>
#include <string.h>

/* The driver API's types, as cuda.h and cuviddec.h declare them. */
typedef int CUresult;
typedef int CUdevice;
typedef struct CUctx_st *CUcontext;

#define CUDA_SUCCESS 0

/* cuviddec.h's CUVIDDECODECAPS, whose layout the decode library keeps
 * across versions (reserved fields grow into new ones); room is left at
 * the end for what newer headers add there. */
typedef struct
{
  guint32 codec;                /* cudaVideoCodec */
  guint32 chroma_format;        /* cudaVideoChromaFormat */
  guint32 bit_depth_minus8;
  guint32 reserved1[3];
  guint8 supported;
  guint8 engines;               /* nNumNVDECs */
  guint16 output_format_mask;
  guint32 max_width;
  guint32 max_height;
  guint32 max_mb_count;
  guint16 min_width;
  guint16 min_height;
  guint8 histogram_supported;
  guint8 counter_bit_depth;
  guint16 max_histogram_bins;
  guint32 reserved3[64];
} DecodeCaps;

/* cudaVideoChromaFormat for the caps' chroma-format (parsers of H.265
 * and AV1 give it), else 4:2:0. */
static guint32
cuvid_chroma (const GstStructure * s)
{
  static const gchar *const formats[] = { "4:0:0", "4:2:0", "4:2:2",
    "4:4:4"
  };
  const gchar *format = gst_structure_get_string (s, "chroma-format");
  guint32 i;

  for (i = 0; format != NULL && i < G_N_ELEMENTS (formats); i++)
    if (g_str_equal (format, formats[i]))
      return i;
  return 1;
}

/* cudaVideoCodec for the parsed video's caps, or -1. */
static gint
cuvid_codec (const GstCaps * caps)
{
  const GstStructure *s = gst_caps_get_structure (caps, 0);
  const gchar *name = gst_structure_get_name (s);
  gint version = 0;

  if (g_str_equal (name, "video/x-h264"))
    return 4;
  if (g_str_equal (name, "video/x-h265"))
    return 8;
  if (g_str_equal (name, "video/x-vp8"))
    return 9;
  if (g_str_equal (name, "video/x-vp9"))
    return 10;
  if (g_str_equal (name, "video/x-av1"))
    return 11;
  if (g_str_equal (name, "image/jpeg"))
    return 5;
  if (g_str_equal (name, "video/mpeg")
      && gst_structure_get_int (s, "mpegversion", &version))
    return version == 1 ? 0 : version == 2 ? 1 : version == 4 ? 2 : -1;
  return -1;
}

static gboolean
resolve (void *lib, const gchar * name, gpointer * fn)
{
  *fn = lib ? dlsym (lib, name) : NULL;
  return *fn != NULL;
}

/* UMAT_PROCESS_TEST_NVDEC's plugin and engines, or NULL. */
static const gchar *
test_nvdec (guint * engines)
{
  const gchar *hook = g_getenv ("UMAT_PROCESS_TEST_NVDEC");
  const gchar *colon = hook ? strrchr (hook, ':') : NULL;
  static gchar *plugin;

  if (colon == NULL)
    return NULL;
  *engines = (guint) g_ascii_strtoull (colon + 1, NULL, 10);
  if (plugin == NULL)
    plugin = g_strndup (hook, colon - hook);
  return plugin;
}

const gchar *
nvdec_plugin (void)
{
  guint engines;
  const gchar *plugin = test_nvdec (&engines);

  return plugin ? plugin : "nvcodec";
}

guint
nvdec_engines (gint cuda_device, const GstCaps * video, gchar ** why)
{
  CUresult (*init) (unsigned int);
  CUresult (*device_get) (CUdevice *, int);
  CUresult (*retain) (CUcontext *, CUdevice);
  CUresult (*release) (CUdevice);
  CUresult (*push) (CUcontext);
  CUresult (*pop) (CUcontext *);
  CUresult (*get_caps) (DecodeCaps *);
  void *cuda, *cuvid;
  const GstStructure *s = gst_caps_get_structure (video, 0);
  gint depth = 8;
  DecodeCaps caps;
  CUdevice device;
  CUcontext context, popped;
  CUresult status;
  gint codec = cuvid_codec (video);
  guint engines = 0;

  *why = NULL;
  memset (&caps, 0, sizeof caps);
  if (test_nvdec (&engines) != NULL) {
    if (engines == 0)
      goto unsaid;
    return engines;
  }
  if (codec < 0) {
    *why = g_strdup ("NVDEC's codecs do not include this video's");
    goto out;
  }
  cuda = dlopen ("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  cuvid = dlopen ("libnvcuvid.so.1", RTLD_NOW | RTLD_LOCAL);
  if (cuda == NULL) {
    *why = g_strdup ("no NVIDIA driver (libcuda.so.1 does not load)");
    goto out;
  }
  if (!resolve (cuda, "cuInit", (gpointer *) & init)
      || !resolve (cuda, "cuDeviceGet", (gpointer *) & device_get)
      || !resolve (cuda, "cuDevicePrimaryCtxRetain", (gpointer *) & retain)
      || !resolve (cuda, "cuDevicePrimaryCtxRelease_v2",
          (gpointer *) & release)
      || !resolve (cuda, "cuCtxPushCurrent_v2", (gpointer *) & push)
      || !resolve (cuda, "cuCtxPopCurrent_v2", (gpointer *) & pop)) {
    *why = g_strdup ("the NVIDIA driver lacks calls of CUDA 11 "
        "(cuDevicePrimaryCtxRelease_v2 and others)");
    goto out;
  }
  if (!resolve (cuvid, "cuvidGetDecoderCaps", (gpointer *) & get_caps)) {
    *why = g_strdup ("no NVIDIA decode library (libnvcuvid.so.1)");
    goto out;
  }
  if ((status = init (0)) != CUDA_SUCCESS
      || (status = device_get (&device, cuda_device)) != CUDA_SUCCESS
      || (status = retain (&context, device)) != CUDA_SUCCESS) {
    *why = g_strdup_printf ("CUDA device %d does not open (CUresult %d)",
        cuda_device, status);
    goto out;
  }
  caps.codec = codec;
  caps.chroma_format = cuvid_chroma (s);
  if (gst_structure_get_int (s, "bit-depth-luma", &depth) && depth > 8)
    caps.bit_depth_minus8 = depth - 8;
  if ((status = push (context)) != CUDA_SUCCESS) {
    *why = g_strdup_printf ("CUDA device %d's context does not open "
        "(CUresult %d)", cuda_device, status);
    release (device);
    goto out;
  }
  status = get_caps (&caps);
  pop (&popped);
  release (device);
  if (status != CUDA_SUCCESS)
    *why = g_strdup_printf ("cuvidGetDecoderCaps failed (CUresult %d)",
        status);
  else if (!caps.supported)
    *why = g_strdup ("the GPU does not decode this kind of video");
  else if (caps.engines == 0)
    goto unsaid;
  else
    engines = caps.engines;

out:
  /* the libraries stay loaded: nvcodec has them loaded too, and NVIDIA's
   * are not made to be unloaded */
  return engines;

unsaid:
  *why = g_strdup ("the driver does not say how many there are (one older "
      "than the Video Codec SDK 11's)");
  return 0;
}
