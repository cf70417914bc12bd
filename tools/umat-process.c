/* umat-process: a video file through umatconvert into an H.264 file.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   umat-process [OPTIONS] [--jobs N] [--devices LIST] INPUT OUTPUT
 *   umat-process [OPTIONS] [--jobs N] [--devices LIST] INPUT -
 *   umat-process [OPTIONS] --segment K/N INPUT PART.mp4
 *   umat-process --join [--audio-from INPUT] PART.mp4... OUTPUT
 *
 *   OPTIONS: [--chain CODES] [--selection-rate N] [--queue-size N]
 *            [--prefetch N] [--device auto|cpu|opencl]
 *            [--encoder 'NAME [PROP=VALUE ...]'] [--stats-period S]
 *            [--verbose]
 *
 * Builds (process-worker.c)
 *
 *   filesrc ! parsebin ! decodebin ! queue ! umatconvert chain=... !
 *   ENCODER ! h264parse ! MUXER ! filesink
 *
 * with a videoconvert in front of umatconvert only when umatconvert cannot
 * take what the decoder gives, and a second umatconvert (else videoconvert)
 * before the encoder only when the encoder takes none of what umatconvert
 * gives; --verbose says which and why. Audio goes into the output as it is
 * (not re-encoded) where the container takes its codec, and is left out
 * with a warning where not. The muxer follows OUTPUT's extension; the
 * encoder, unless named, is the first hardware H.264 encoder that opens
 * (NVENC, VA-API, QSV, V4L2), else x264enc. Shows progress the way ffmpeg
 * does (speed as a multiple of realtime) and ends with a summary.
 *
 * OUTPUT `-` ends each pipeline in a fakesink (sync=false) right after
 * umatconvert: no encoder, no muxer, no file, no audio. It is the job where
 * the frames go to an application, and measures the decode and the chain
 * alone; the summary says that no file was written. It goes with --jobs
 * (no parts, no join: each range's frames go to its own null sink, and the
 * ranges' frame counts are checked all the same) and --devices, not with
 * --segment, --join or --encoder.
 *
 * --jobs N cuts the input at keyframes into N ranges of about equal numbers
 * of frames (process-scan.c reads the file once, without decoding, to find
 * keyframes where a cut is clean), runs one such pipeline per range at the
 * same time, each writing its encoded frames into an MP4 part, and joins
 * the parts without re-encoding (process-join.c), with the input's audio
 * once, into OUTPUT: the same frames at the same times as --jobs 1. The
 * parts go into a hidden folder next to OUTPUT and are removed after.
 * selection-rate counts frames over the whole input: each range knows the
 * index of its first frame. --segment K/N does range K (0-based, as
 * Kubernetes' JOB_COMPLETION_INDEX and `sbatch --array=0-N-1` count) of N
 * alone into PART, and --join joins such parts; docs/scale-out.md runs them
 * as a Slurm job array or a Kubernetes Indexed Job. --devices spreads the
 * pipelines over OpenCL devices through umatconvert's opencl-device.
 *
 * Without --jobs, N is 1 when the machine has fewer than JOBS_CORES cores
 * per pipeline: the decoder and x264enc already use every core, and on a
 * 2-core machine two pipelines were measured no faster than one (see
 * docs/scale-out.md); else one pipeline per JOBS_CORES cores, at most
 * JOBS_MAX; with --devices, at least one per device. With OUTPUT - (no
 * encoder), the video decoded on NVDEC and the chain not on the CPU
 * (--device cpu), where the decoder bounds the job, N is rather one
 * pipeline per NVDEC engine of the GPUs used (one stream keeps one engine
 * busy) where that is more, at most one per core: the scan finds the codec
 * and the engines are counted meanwhile (process-nvdec.c), and the scan
 * stops early where N comes to one.
 *
 * Errors are one line: the element's own message where an element failed
 * (umatconvert names the chain code it refuses), "cannot decode INPUT: ..."
 * for the input, "ENCODER cannot take WxH FORMAT: ..." where the encoder
 * refused what it was given. Where device=auto finds no OpenCL GPU, the
 * element's backend property says "cpu": a note says so, once, on a
 * terminal or with --verbose.
 *
 * Ctrl-C (SIGINT) and SIGTERM (kill, systemd, a container's stop) both
 * finish the file up to where it got: the decoder is sent EOS, the encoder
 * drains, and the muxer writes its index, so the file plays (with OUTPUT
 * `-`, every pipeline is sent EOS and the summary counts what went
 * through). With --jobs
 * every range stops where it got and the file ends where the first range
 * that did not finish stopped (the later ranges' work is dropped); the
 * summary says how far it got. A second signal stops at once; an
 * unfinished file would not play (an MP4 has no index until the end), so
 * it is removed, with any parts, and the tool says so.
 *
 * Exit status: 0 done, 1 error (one line on stderr), 2 bad arguments,
 * 128 + the signal's number when interrupted, as shells report a process
 * that a signal ended: 130 for Ctrl-C, 143 for SIGTERM (the first signal
 * decides). After one signal the file is complete up to that point; after
 * two there is no file.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "umat-process.h"

#include <glib-unix.h>
#include <glib/gstdio.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_CHAIN ""
#define DEFAULT_SELECTION_RATE 1
#define DEFAULT_QUEUE_SIZE 4
#define DEFAULT_PREFETCH 8
#define DEFAULT_DEVICE "auto"
#define DEFAULT_STATS_PERIOD 1.0

/* The default --jobs: one pipeline per JOBS_CORES cores, at most JOBS_MAX
 * (see the top of the file). */
#define JOBS_CORES 8
#define JOBS_MAX 8
#define MAX_JOBS 64

typedef enum
{
  STAGE_SCAN,
  STAGE_WORK,
  STAGE_JOIN,
} Stage;

/* Everything one run needs; lives on main()'s stack. */
typedef struct
{
  Options options;
  gdouble stats_period;
  gint jobs;                    /* 0: chosen for the machine */
  gchar *segment;               /* --segment K/N */
  gboolean join_only;           /* --join */
  gchar *audio_from;
  gchar *devices_text;
  gchar **devices;              /* NULL: the element's choice */
  gboolean jobs_by_engines;     /* no --jobs, frames to the null sink, and
                                 * NVDEC here: N follows the NVDEC engines
                                 * once the scan knows the video's codec */
  GThread *engines_query;       /* counts them while the scan reads */
  gboolean scan_cut;            /* the scan stopped early: one pipeline */

  const gchar *input;
  const gchar *output;          /* the file written: OUTPUT or PART; NULL
                                 * for OUTPUT -, the null sink */
  const gchar *const *parts;    /* --join's parts */
  const Container *container;
  guint segment_index;
  guint segment_count;

  Stage stage;
  Scan *scan;
  Range *ranges;                /* NULL: the whole input */
  guint n_ranges;
  Worker **workers;
  guint n_workers;
  guint running;
  gchar *parts_dir;             /* --jobs: where the parts are */
  gchar **part_paths;
  Join *join;
  GstClockTime reached;         /* interrupted --jobs: where the file ends */

  GMainLoop *loop;
  gint interrupted;             /* the first signal's number, or 0 */
  gboolean stopped;             /* a second signal: stop without a file */
  gboolean backend_noted;
  gint64 end_us;
} App;

/* ---- finding the plugin ------------------------------------------------ */

/* Makes umatconvert findable when GST_PLUGIN_PATH does not name its folder:
 * next to this program in a build tree (build/tools/umat-process and
 * build/gst/umatconvert/libgstumat.so), else where meson installs it. */
static void
find_plugin (void)
{
  GstRegistry *registry = gst_registry_get ();
  gchar *exe, *exe_dir, *build_dir;

  if (have_factory ("umatconvert"))
    return;

  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL) {
    exe_dir = g_path_get_dirname (exe);
    build_dir = g_build_filename (exe_dir, "..", "gst", "umatconvert", NULL);
    if (g_file_test (build_dir, G_FILE_TEST_IS_DIR))
      gst_registry_scan_path (registry, build_dir);
    g_free (build_dir);
    g_free (exe_dir);
    g_free (exe);
  }
  if (!have_factory ("umatconvert"))
    gst_registry_scan_path (registry, UMAT_PLUGIN_DIR);
  if (!have_factory ("umatconvert"))
    fail ("the umatconvert element was not found: build the plugin and set "
        "GST_PLUGIN_PATH to the folder of libgstumat.so (<build>/gst/"
        "umatconvert, or the plugin folder it was installed to)");
}

/* --devices needs the element's opencl-device property. */
static void
check_devices (App * app)
{
  GstElement *umat;
  gboolean have;

  if (app->devices == NULL)
    return;
  umat = gst_object_ref_sink (make_element ("umatconvert", NULL));
  have = g_object_class_find_property (G_OBJECT_GET_CLASS (umat),
      "opencl-device") != NULL;
  gst_object_unref (umat);
  if (!have)
    fail ("--devices needs umatconvert's opencl-device property, which this "
        "umatconvert does not have: update the plugin");
}

/* ---- progress ---------------------------------------------------------- */

/* Where device=auto found no OpenCL GPU, the element runs on the CPU and
 * says so in its backend property: a note, once, where someone watches. */
static void
note_backend (App * app)
{
  const Options *o = &app->options;
  gchar *backend = NULL;

  if (app->backend_noted || app->n_workers == 0
      || !(o->on_terminal || o->verbose))
    return;
  g_object_get (worker_umat (app->workers[0]), "backend", &backend, NULL);
  if (backend != NULL && *backend != '\0') {
    app->backend_noted = TRUE;
    if (g_str_equal (o->device, "auto") && g_str_equal (backend, "cpu"))
      say (o, "note", "no OpenCL GPU here: umatconvert converts on the CPU");
    else
      note (o, "umatconvert runs on %s", backend);
  }
  g_free (backend);
}

/* What all the workers have done, as one: media time encoded and in all,
 * frames in and out. */
static void
work_done (App * app, GstClockTime * done, GstClockTime * total,
    guint64 * in, guint64 * out)
{
  guint i;

  *done = 0;
  *total = 0;
  *in = *out = 0;
  for (i = 0; i < app->n_workers; i++) {
    GstClockTime d, t;
    guint64 wi, wo;

    worker_progress (app->workers[i], &d, &t);
    worker_counts (app->workers[i], &wi, &wo);
    *done = GST_CLOCK_TIME_IS_VALID (d) && GST_CLOCK_TIME_IS_VALID (*done) ?
        *done + d : *done;
    *total = GST_CLOCK_TIME_IS_VALID (t) && GST_CLOCK_TIME_IS_VALID (*total)
        ? *total + t : GST_CLOCK_TIME_NONE;
    *in += wi;
    *out += wo;
  }
  if (app->n_workers == 0)
    *done = *total = GST_CLOCK_TIME_NONE;
}

static gdouble
elapsed_s (App * app)
{
  gint64 end = app->end_us ? app->end_us : g_get_monotonic_time ();

  return (end - app->options.start_us) / 1e6;
}

static gchar *
clock_text (gdouble seconds)
{
  guint tenths = (guint) (seconds * 10 + 0.5), s = tenths / 10;

  return g_strdup_printf ("%02u:%02u:%02u.%u", s / 3600, s / 60 % 60, s % 60,
      tenths % 10);
}

static gboolean
on_progress (App * app)
{
  gdouble elapsed = elapsed_s (app), media = 0, speed, fraction = -1, eta = -1;
  GstClockTime done, total;
  guint64 in, out;
  gchar *elapsed_text, *eta_text;

  if (app->stage != STAGE_WORK)
    return G_SOURCE_CONTINUE;
  note_backend (app);
  work_done (app, &done, &total, &in, &out);
  if (GST_CLOCK_TIME_IS_VALID (done))
    media = (gdouble) done / GST_SECOND;
  speed = elapsed > 0 ? media / elapsed : 0;
  if (GST_CLOCK_TIME_IS_VALID (total) && total > 0) {
    fraction = MIN (1.0, media * GST_SECOND / total);
    if (speed > 0)
      eta = MAX (0.0, ((gdouble) total / GST_SECOND - media) / speed);
  }
  elapsed_text = clock_text (elapsed);
  eta_text = eta >= 0 ? clock_text (eta) : g_strdup ("--:--:--.-");

  if (app->options.on_terminal) {
    gchar bar[31];
    guint filled = fraction >= 0 ? (guint) (fraction * 30) : 0;

    memset (bar, '#', filled);
    memset (bar + filled, '.', 30 - filled);
    bar[30] = '\0';
    /* \r and clear-to-end: one line, redrawn in place */
    if (fraction >= 0)
      fprintf (stderr, "\r\033[K[%s] %3d%%  frames %" G_GUINT64_FORMAT
          "  %s  ETA %s  %.2fx", bar, (gint) (fraction * 100), in,
          elapsed_text, eta_text, speed);
    else
      fprintf (stderr, "\r\033[Kframes %" G_GUINT64_FORMAT "  %s  %.2fx",
          in, elapsed_text, speed);
    fflush (stderr);
  } else {
    if (fraction >= 0)
      fprintf (stderr, PROG ": %3d%%  frames %" G_GUINT64_FORMAT " in, %"
          G_GUINT64_FORMAT " out  elapsed %s  ETA %s  speed %.2fx\n",
          (gint) (fraction * 100), in, out, elapsed_text, eta_text, speed);
    else
      fprintf (stderr, PROG ": frames %" G_GUINT64_FORMAT " in, %"
          G_GUINT64_FORMAT " out  elapsed %s  speed %.2fx\n", in, out,
          elapsed_text, speed);
  }
  g_free (eta_text);
  g_free (elapsed_text);
  return G_SOURCE_CONTINUE;
}

/* ---- signals ----------------------------------------------------------- */

static const gchar *
signal_text (gint signum)
{
  return signum == SIGINT ? "Ctrl-C" : "SIGTERM";
}

/* The first signal finishes the file; a second one, of either kind, stops
 * now. The sources stay installed until main() removes them. */
static void
on_signal (App * app, gint signum)
{
  guint i;

  if (app->interrupted) {
    if (!app->stopped) {
      app->stopped = TRUE;
      g_main_loop_quit (app->loop);
    }
    return;
  }
  app->interrupted = signum;
  switch (app->stage) {
    case STAGE_SCAN:
      /* nothing is written yet: there is nothing to finish */
      app->stopped = TRUE;
      g_main_loop_quit (app->loop);
      break;
    case STAGE_WORK:
      if (app->output == NULL) {
        /* no file to keep whole: every pipeline ends where it got */
        say (&app->options, NULL, "interrupted by %s: stopping (a second "
            "Ctrl-C or SIGTERM stops at once)", signal_text (signum));
        for (i = 0; i < app->n_workers; i++)
          worker_interrupt (app->workers[i]);
        break;
      }
      say (&app->options, NULL, "interrupted by %s: finishing the file (a "
          "second Ctrl-C or SIGTERM stops at once, without a file)",
          signal_text (signum));
      /* The file ends where the first range that has not finished stops:
       * that one drains its encoder, the later ones' work would be dropped
       * anyway, so they stop now. */
      for (i = 0; i < app->n_workers && worker_finished (app->workers[i]);)
        i++;
      if (i < app->n_workers)
        worker_interrupt (app->workers[i]);
      while (++i < app->n_workers)
        if (worker_abandon (app->workers[i]) && --app->running == 0)
          g_main_loop_quit (app->loop);
      break;
    case STAGE_JOIN:
      say (&app->options, NULL, "interrupted by %s: finishing the file "
          "where the join has got (a second Ctrl-C or SIGTERM stops at "
          "once, without a file)", signal_text (signum));
      join_interrupt (app->join);
      break;
  }
}

static gboolean
on_sigint (App * app)
{
  on_signal (app, SIGINT);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigterm (App * app)
{
  on_signal (app, SIGTERM);
  return G_SOURCE_CONTINUE;
}

/* ---- the stages -------------------------------------------------------- */

/* The OpenCL device of range `index`'s pipeline (NULL: the element's
 * choice). */
static const gchar *
device_for (App * app, guint index)
{
  return app->devices ? app->devices[index % g_strv_length (app->devices)] :
      NULL;
}

static void
on_scan_done (Scan * scan, App * app)
{
  g_main_loop_quit (app->loop);
}

/* ---- how many pipelines ------------------------------------------------ */

/* What the engines query found. */
typedef struct
{
  App *app;
  GstCaps *video;
  gchar *decoder;               /* the NVDEC decoder the video gets */
  guint engines_jobs;           /* the pipelines the engines ask for; 0:
                                 * not known */
  GString *said;                /* "GPU 0 has 7 NVDEC engines", or why not */
} EnginesQuery;

/* The pipelines that keep every NVDEC engine of the GPUs used busy: GPU 0
 * without --devices; with it, pipeline i runs on entry i % len (LIST), so
 * a GPU that c of the len entries name gets c / len of them and needs
 * engines * len / c. Entries that name a device otherwise than by index
 * ask for nothing. 0 when not known (q->said says why). */
static guint
count_engines (EnginesQuery * q)
{
  guint n = q->app->devices ? g_strv_length (q->app->devices) : 1;
  gint *gpus = g_new (gint, n);
  guint *entries = g_new0 (guint, n);
  guint n_gpus = 0, jobs = 0, i, g;

  for (i = 0; i < n; i++) {
    gint gpu = worker_gpu_index (q->app->devices ? q->app->devices[i] : "0");

    if (gpu < 0)
      continue;
    for (g = 0; g < n_gpus && gpus[g] != gpu; g++);
    if (g == n_gpus)
      gpus[n_gpus++] = gpu;
    entries[g]++;
  }
  if (n_gpus == 0)
    g_string_assign (q->said, "--devices names no GPU by index");
  for (g = 0; g < n_gpus; g++) {
    gchar *why = NULL;
    guint engines = nvdec_engines (gpus[g], q->video, &why);

    if (engines == 0) {
      g_string_printf (q->said, "GPU %d: %s", gpus[g], why);
      g_free (why);
      jobs = 0;
      break;
    }
    g_string_append_printf (q->said, "%sGPU %d has %u", g ? ", " : "",
        gpus[g], engines);
    if (g == n_gpus - 1)
      g_string_append (q->said, " NVDEC engines");
    jobs = MAX (jobs, (engines * n + entries[g] - 1) / entries[g]);
  }
  g_free (entries);
  g_free (gpus);
  return jobs;
}

/* N, once the engines are known (0: not): one pipeline per engine, at most
 * one per core, never less than the rule for the cores gives. */
static gint
jobs_for_engines (App * app, guint engines_jobs)
{
  gint cores = g_get_num_processors ();

  return MIN (MAX ((gint) MIN (engines_jobs, (guint) cores), app->jobs),
      MAX_JOBS);
}

/* In the main loop: the keyframes are not needed (one pipeline), so the
 * scan need not read on. Only while it reads: the loop runs nothing else
 * before the work, which sets its own stage. */
static gboolean
cut_scan_short (App * app)
{
  if (app->stage == STAGE_SCAN && !app->stopped) {
    app->scan_cut = TRUE;
    g_main_loop_quit (app->loop);
  }
  return G_SOURCE_REMOVE;
}

static EnginesQuery *
run_engines_query (EnginesQuery * q)
{
  q->engines_jobs = count_engines (q);
  if (jobs_for_engines (q->app, q->engines_jobs) <= 1)
    g_idle_add ((GSourceFunc) cut_scan_short, q->app);
  return q;
}

/* From the scan's streaming thread: the decoder's plugin loads while the
 * scan reads on (see worker_load_plugins), and where N follows the NVDEC
 * engines, they are counted meanwhile. */
static void
on_scan_streams (Scan * scan, const GstCaps * video, App * app)
{
  gchar *loading = worker_load_decoder_ahead (video, device_for (app, 0));
  gchar *decoder;

  if (loading != NULL)
    note (&app->options, "loading %s while the keyframes are read, after "
        "%.2f s", loading, elapsed_s (app));
  g_free (loading);
  if (!app->jobs_by_engines || app->engines_query != NULL)
    return;
  if ((decoder = worker_nvdec_decoder (video, device_for (app, 0)))) {
    EnginesQuery *q = g_new0 (EnginesQuery, 1);

    q->app = app;
    q->video = gst_caps_copy (video);
    q->decoder = decoder;
    q->said = g_string_new (NULL);
    app->engines_query = g_thread_new ("count-nvdec",
        (GThreadFunc) run_engines_query, q);
  } else if (app->jobs <= 1) {
    g_idle_add ((GSourceFunc) cut_scan_short, app);
  }
}

static void
engines_query_free (EnginesQuery * q)
{
  g_string_free (q->said, TRUE);
  g_free (q->decoder);
  gst_caps_unref (q->video);
  g_free (q);
}

/* Without --jobs, frames to the null sink and NVDEC decoding the video:
 * N follows the NVDEC engines (see the top of the file), and -v says
 * which rule chose it and why. */
static void
choose_jobs_by_engines (App * app)
{
  EnginesQuery *q;
  const gchar *s;

  if (app->engines_query == NULL) {
    s = app->jobs > 1 ? "s" : "";
    note (&app->options, "%d pipeline%s: one per %d cores (the video does "
        "not decode on NVDEC)", app->jobs, s, JOBS_CORES);
    return;
  }
  q = g_thread_join (app->engines_query);
  app->engines_query = NULL;
  if (q->engines_jobs == 0) {
    s = app->jobs > 1 ? "s" : "";
    note (&app->options, "%d pipeline%s: one per %d cores (the video "
        "decodes with %s, but the NVDEC engines are not known: %s)",
        app->jobs, s, JOBS_CORES, q->decoder, q->said->str);
  } else if (app->jobs > (gint) q->engines_jobs) {
    note (&app->options, "%d pipelines: one per %d cores (the video decodes "
        "with %s, and %s for it: fewer)", app->jobs, JOBS_CORES, q->decoder,
        q->said->str);
  } else {
    app->jobs = jobs_for_engines (app, q->engines_jobs);
    s = app->jobs > 1 ? "s" : "";
    note (&app->options, "%d pipeline%s: the video decodes with %s, and %s "
        "for it (frames to a null sink: one pipeline per engine, at most "
        "one per core)", app->jobs, s, q->decoder, q->said->str);
  }
  engines_query_free (q);
}

/* Reads the input for its keyframes and cuts it into at most the ranges
 * --segment or --jobs asks for (the number of pipelines chosen here where
 * they follow the NVDEC engines; the scan stops early where that comes to
 * one). FALSE when stopped. */
static gboolean
run_scan (App * app)
{
  app->stage = STAGE_SCAN;
  note (&app->options, "reading %s for its keyframes", app->input);
  worker_load_plugins (&app->options, app->container);
  app->scan = scan_new (&app->options, app->input,
      (ScanStreams) on_scan_streams, (ScanDone) on_scan_done, app);
  if (scan_start (app->scan))
    g_main_loop_run (app->loop);
  scan_stop (app->scan);
  if (app->stopped) {
    /* the program ends at once (_exit): a query still in the driver is
     * left to it */
    if (app->engines_query != NULL)
      g_thread_unref (app->engines_query);
    app->engines_query = NULL;
    return FALSE;
  }
  if (app->jobs_by_engines)
    choose_jobs_by_engines (app);
  if (app->scan_cut) {
    note (&app->options, "one pipeline: the keyframes are not needed, "
        "reading them stopped after %.2f s", elapsed_s (app));
    app->jobs = 1;
    app->n_ranges = 1;
    return TRUE;
  }
  if (scan_error (app->scan) != NULL)
    fail ("%s", scan_error (app->scan));
  app->ranges = scan_split (app->scan, app->segment ? app->segment_count :
      (guint) app->jobs, &app->n_ranges);
  if (app->segment == NULL)
    app->options.convert_threads = MAX (1, (gint) g_get_num_processors () /
        (gint) MAX (app->n_ranges, 1));
  note (&app->options, "keyframes read after %.2f s", elapsed_s (app));
  return TRUE;
}

static void
on_worker_done (Worker * worker, App * app)
{
  guint i;

  app->running--;
  for (i = 0; i < app->n_workers; i++)
    if (app->workers[i] == worker)
      note (&app->options, "range %u of %u done after %.2f s", i,
          app->n_workers, elapsed_s (app));
  if (worker_error (worker) != NULL) {
    /* one range failed: the file cannot be whole, stop the others */
    for (i = 0; i < app->n_workers; i++)
      worker_stop (app->workers[i]);
    app->running = 0;
  }
  if (app->running == 0)
    g_main_loop_quit (app->loop);
}

/* The first worker's error, if any. */
static const gchar *
work_error (App * app)
{
  guint i;

  for (i = 0; i < app->n_workers; i++)
    if (worker_error (app->workers[i]) != NULL)
      return worker_error (app->workers[i]);
  return NULL;
}

static gboolean
work_sink_failed (App * app)
{
  guint i;

  for (i = 0; i < app->n_workers; i++)
    if (worker_error (app->workers[i]) != NULL)
      return worker_sink_failed (app->workers[i]);
  return FALSE;
}

/* Runs the workers to their end. */
static void
run_work (App * app)
{
  guint i;

  app->stage = STAGE_WORK;
  app->running = app->n_workers;
  for (i = 0; i < app->n_workers; i++) {
    if (!worker_start (app->workers[i])) {
      on_worker_done (app->workers[i], app);
      break;
    }
  }
  if (app->running > 0)
    g_main_loop_run (app->loop);
  /* after a second signal, the program ends without waiting for them */
  if (!app->stopped)
    for (i = 0; i < app->n_workers; i++)
      worker_stop (app->workers[i]);
}

static void
on_join_done (Join * join, App * app)
{
  g_main_loop_quit (app->loop);
}

/* Joins `parts` into the output. */
static void
run_join (App * app, const gchar * const *parts, const gchar * audio_from,
    gboolean prefix)
{
  app->stage = STAGE_JOIN;
  app->join = join_new (&app->options, parts, audio_from, prefix,
      app->output, app->container, (JoinDone) on_join_done, app);
  if (join_start (app->join))
    g_main_loop_run (app->loop);
  if (!app->stopped)
    join_stop (app->join);
}

/* ---- the end ----------------------------------------------------------- */

static void
remove_parts (App * app)
{
  guint i;

  if (app->parts_dir == NULL)
    return;
  for (i = 0; app->part_paths && app->part_paths[i]; i++)
    g_unlink (app->part_paths[i]);
  g_rmdir (app->parts_dir);
}

/* Removes the output file, if there is one. */
static void
remove_output (App * app)
{
  if (app->output != NULL)
    g_unlink (app->output);
}

/* Ends the program after an error: the output goes (half a file is worse
 * than none; a file filesink could not open is not ours), and the parts. */
static void
fail_run (App * app, const gchar * error, gboolean sink_failed)
{
  if (!sink_failed)
    remove_output (app);
  remove_parts (app);
  fail ("%s", error);
}

static gchar *
range_text (const Range * r)
{
  return g_strdup_printf ("range %u of %u: frames %" G_GUINT64_FORMAT " to %"
      G_GUINT64_FORMAT " of the input", r->index, r->count, r->first_frame,
      r->first_frame + r->frames - 1);
}

static void
print_summary (App * app, const gchar * how, GstClockTime media_time,
    guint64 in, guint64 out)
{
  gdouble wall = elapsed_s (app);
  gdouble media = GST_CLOCK_TIME_IS_VALID (media_time) ?
      (gdouble) media_time / GST_SECOND : 0;
  gchar *backend = NULL;
  guint i;

  if (app->n_workers > 0)
    g_object_get (worker_umat (app->workers[0]), "backend", &backend, NULL);
  if (app->output == NULL)
    printf (PROG ": no file written (frames to a null sink%s%s)\n",
        how ? "; " : "", how ? how : "");
  else
    printf (PROG ": wrote %s%s%s%s\n", app->output, how ? " (" : "",
        how ? how : "", how ? ")" : "");
  if (!app->join_only)
    printf ("  frames in:   %" G_GUINT64_FORMAT "\n", in);
  printf ("  frames out:  %" G_GUINT64_FORMAT " (selection-rate %d)\n", out,
      app->options.selection_rate);
  printf ("  seconds:     %.2f\n", wall);
  if (!app->join_only)
    printf ("  fps:         %.1f in, %.1f out\n", in / wall, out / wall);
  printf ("  speed:       %.2fx realtime (%.2f s of video)\n", media / wall,
      media);
  if (!app->join_only) {
    printf ("  backend:     %s\n", backend ? backend : "");
    printf ("  encoder:     %s\n", app->options.encoder_name ?
        app->options.encoder_name : "none");
  }
  if (app->ranges != NULL && app->segment == NULL) {
    printf ("  jobs:        %u (ranges of", app->n_ranges);
    for (i = 0; i < app->n_ranges; i++)
      printf ("%s %" G_GUINT64_FORMAT, i ? "," : "", app->ranges[i].frames);
    printf (" frames)\n");
  }
  fflush (stdout);
  g_free (backend);
}

/* After a second signal: no file. The pipelines are left running (an
 * encoder may take its time to stop): the program ends. */
static int
end_stopped (App * app)
{
  if (app->output == NULL) {
    say (&app->options, NULL, "stopped by a second signal");
    return 128 + app->interrupted;
  }
  remove_output (app);
  remove_parts (app);
  say (&app->options, NULL, "stopped by a second signal: no file written "
      "(%s was unfinished and is removed)", app->output);
  return 128 + app->interrupted;
}

/* Runs the workers to their end, ends the progress bar on a terminal and
 * says which backend ran. A run that failed ends the program here (the
 * workers' sink is the output unless they write parts). FALSE when a
 * second signal stopped it: then the caller returns end_stopped (). */
static gboolean
work_to_end (App * app)
{
  run_work (app);
  app->end_us = g_get_monotonic_time ();
  if (app->options.on_terminal && work_error (app) == NULL && !app->stopped) {
    on_progress (app);          /* the bar as it ended, then a new line */
    fprintf (stderr, "\n");
  }
  note_backend (app);
  if (app->stopped)
    return FALSE;
  if (work_error (app) != NULL)
    fail_run (app, work_error (app), work_sink_failed (app)
        && app->parts_dir == NULL);
  return TRUE;
}

/* ---- the modes --------------------------------------------------------- */

/* INPUT to OUTPUT (or the null sink) in one pipeline. */
static int
process_whole (App * app)
{
  GstClockTime done, total;
  guint64 in, out;

  app->n_workers = 1;
  app->workers = g_new0 (Worker *, 1);
  app->workers[0] = worker_new (&app->options, app->input, app->output,
      app->container, app->output != NULL, NULL, device_for (app, 0), NULL,
      (WorkerDone) on_worker_done, app);
  if (!work_to_end (app))
    return end_stopped (app);
  work_done (app, &done, &total, &in, &out);
  if (in == 0 && !app->interrupted) {
    remove_output (app);
    fail ("no video frames reached umatconvert");
  }
  print_summary (app, app->interrupted ? "interrupted: up to where it "
      "stopped" : NULL, done, in, out);
  return app->interrupted ? 128 + app->interrupted : 0;
}

/* Each range must have decoded the frames the scan counted between its
 * cuts: otherwise the demuxer or the decoder did not seek exactly (seen
 * with Matroska inputs with B-frames, whose first frame after a seek comes
 * out twice), the frames would not be those of --jobs 1, and selection
 * would count wrong. */
static void
check_ranges (App * app)
{
  const Range *r;
  guint64 in, out;
  guint i;

  for (i = 0; i < app->n_workers; i++) {
    r = app->segment ? &app->ranges[app->segment_index] : &app->ranges[i];
    worker_counts (app->workers[i], &in, &out);
    if (in != r->frames) {
      gchar *error = g_strdup_printf ("range %u of %u gave %" G_GUINT64_FORMAT
          " frames where %s has %" G_GUINT64_FORMAT " there: it cannot be "
          "cut exactly into ranges; run it with --jobs 1", r->index, r->count,
          in, app->input, r->frames);

      fail_run (app, error, FALSE);
    }
  }
}

/* The ranges that go into the file of an interrupted --jobs run: those
 * that finished, up to and with the first that did not, if it wrote any
 * frame. Sets app->reached. */
static guint
finished_prefix (App * app)
{
  guint i;

  app->reached = app->ranges[0].start;
  for (i = 0; i < app->n_workers; i++) {
    guint64 in, out;

    worker_counts (app->workers[i], &in, &out);
    if (worker_finished (app->workers[i])) {
      app->reached = app->ranges[i].end;
      continue;
    }
    if (out > 0) {
      app->reached = worker_encoded_end (app->workers[i]);
      return i + 1;
    }
    return i;
  }
  return app->n_workers;
}

/* INPUT to OUTPUT in one pipeline per range, at the same time. */
static int
process_ranges (App * app)
{
  GstClockTime done, total;
  guint64 in, out, size;
  gchar *dir, *name, *template, *how = NULL;
  GStatBuf st;
  guint i, n;

  dir = g_path_get_dirname (app->output);
  name = g_path_get_basename (app->output);
  template = g_strdup_printf ("%s/.%s.parts-XXXXXX", dir, name);
  app->parts_dir = g_mkdtemp (template);
  g_free (name);
  g_free (dir);
  if (app->parts_dir == NULL)
    fail ("cannot make a folder for the parts next to %s: %s", app->output,
        g_strerror (errno));
  size = g_stat (app->input, &st) == 0 ? (guint64) st.st_size : 0;

  app->n_workers = app->n_ranges;
  app->workers = g_new0 (Worker *, app->n_workers);
  app->part_paths = g_new0 (gchar *, app->n_workers + 1);
  for (i = 0; i < app->n_workers; i++) {
    gchar *text = range_text (&app->ranges[i]);

    app->part_paths[i] = g_strdup_printf ("%s/part-%u.mp4", app->parts_dir,
        i);
    note (&app->options, "%s, on %s", text, device_for (app, i) ?
        device_for (app, i) : "umatconvert's choice of device");
    g_free (text);
    app->workers[i] = worker_new (&app->options, app->input,
        app->part_paths[i], container_for (app->part_paths[i]), FALSE,
        &app->ranges[i], device_for (app, i), part_info_new (app->input,
            size, &app->ranges[i], &app->options),
        (WorkerDone) on_worker_done, app);
  }
  if (!work_to_end (app))
    return end_stopped (app);
  if (!app->interrupted)
    check_ranges (app);
  work_done (app, &done, &total, &in, &out);

  /* the parts that make a whole from the start */
  n = app->interrupted ? finished_prefix (app) : app->n_workers;
  if (n < app->n_workers) {
    /* what the file holds */
    app->n_workers = n;
    work_done (app, &done, &total, &in, &out);
    app->n_workers = app->n_ranges;
  }
  if (n == 0) {
    remove_parts (app);
    say (&app->options, NULL, "interrupted before the first frame was "
        "encoded: no file written");
    return 128 + app->interrupted;
  }
  {
    gchar **parts = g_new0 (gchar *, n + 1);

    for (i = 0; i < n; i++)
      parts[i] = app->part_paths[i];
    say (&app->options, NULL, "joining %u part%s into %s", n, n > 1 ? "s" :
        "", app->output);
    run_join (app, (const gchar * const *) parts, app->input,
        app->interrupted != 0);
    g_free (parts);
  }
  app->end_us = g_get_monotonic_time ();
  if (app->stopped)
    return end_stopped (app);
  if (join_error (app->join) != NULL)
    fail_run (app, join_error (app->join), join_sink_failed (app->join));
  remove_parts (app);

  if (app->interrupted) {
    gchar *reached = clock_text ((gdouble) app->reached / GST_SECOND);

    how = n < app->n_workers ? g_strdup_printf ("interrupted: up to %s, "
        "where range %u of %u stopped", reached, n - 1, app->n_workers) :
        g_strdup ("interrupted: up to where it stopped");
    done = app->reached - app->ranges[0].start;
    g_free (reached);
  }
  print_summary (app, how, done, in, out);
  g_free (how);
  return app->interrupted ? 128 + app->interrupted : 0;
}

/* INPUT to the null sink in one pipeline per range, at the same time: no
 * parts, no join. */
static int
process_ranges_to_null (App * app)
{
  GstClockTime done, total;
  guint64 in, out;
  guint i;

  app->n_workers = app->n_ranges;
  app->workers = g_new0 (Worker *, app->n_workers);
  for (i = 0; i < app->n_workers; i++) {
    gchar *text = range_text (&app->ranges[i]);

    note (&app->options, "%s, on %s", text, device_for (app, i) ?
        device_for (app, i) : "umatconvert's choice of device");
    g_free (text);
    app->workers[i] = worker_new (&app->options, app->input, NULL, NULL,
        FALSE, &app->ranges[i], device_for (app, i), NULL,
        (WorkerDone) on_worker_done, app);
  }
  if (!work_to_end (app))
    return end_stopped (app);
  if (!app->interrupted)
    check_ranges (app);
  work_done (app, &done, &total, &in, &out);
  print_summary (app, app->interrupted ? "interrupted: each range up to "
      "where it stopped" : NULL, done, in, out);
  return app->interrupted ? 128 + app->interrupted : 0;
}

/* --segment K/N: range K alone into PART. */
static int
process_segment (App * app)
{
  const Range *r;
  GstClockTime done, total;
  guint64 in, out;
  GStatBuf st;
  gchar *text;

  if (app->segment_index >= app->n_ranges) {
    /* fewer clean keyframes than ranges asked for: nothing is missing */
    say (&app->options, NULL, "range %u of %u is empty: %s has clean "
        "keyframes for %u ranges only; no part written (--join does not "
        "need one)", app->segment_index, app->segment_count, app->input,
        app->n_ranges);
    return 0;
  }
  r = &app->ranges[app->segment_index];
  text = range_text (r);
  say (&app->options, NULL, "%s", text);
  app->n_workers = 1;
  app->workers = g_new0 (Worker *, 1);
  app->workers[0] = worker_new (&app->options, app->input, app->output,
      app->container, FALSE, r, device_for (app, 0), part_info_new
      (app->input, g_stat (app->input, &st) == 0 ? (guint64) st.st_size : 0,
          r, &app->options), (WorkerDone) on_worker_done, app);
  if (!work_to_end (app))
    return end_stopped (app);
  if (!app->interrupted)
    check_ranges (app);
  work_done (app, &done, &total, &in, &out);
  if (out == 0) {
    /* a part without frames cannot be read back: none is better */
    g_unlink (app->output);
    say (&app->options, NULL, "interrupted before the first frame was "
        "encoded: no part written");
    g_free (text);
    return 128 + app->interrupted;
  }
  print_summary (app, app->interrupted ? "interrupted: incomplete, --join "
      "refuses it" : text, done, in, out);
  g_free (text);
  return app->interrupted ? 128 + app->interrupted : 0;
}

/* --join PART... OUTPUT */
static int
process_join (App * app)
{
  GstClockTime done, total;
  guint64 frames;
  gchar *how;

  run_join (app, app->parts, app->audio_from, FALSE);
  app->end_us = g_get_monotonic_time ();
  if (app->stopped)
    return end_stopped (app);
  if (join_error (app->join) != NULL)
    fail_run (app, join_error (app->join), join_sink_failed (app->join));
  join_progress (app->join, &done, &total, &frames);
  how = g_strdup_printf ("%u parts joined%s", join_parts (app->join),
      app->interrupted ? "; interrupted: up to where it stopped" : "");
  print_summary (app, how, done, 0, frames);
  g_free (how);
  return app->interrupted ? 128 + app->interrupted : 0;
}

/* ---- main -------------------------------------------------------------- */

static void
app_clear (App * app)
{
  guint i;

  if (app->join)
    join_free (app->join);
  for (i = 0; i < app->n_workers; i++)
    if (app->workers[i])
      worker_free (app->workers[i]);
  g_free (app->workers);
  if (app->scan)
    scan_free (app->scan);
  g_free (app->ranges);
  g_strfreev (app->part_paths);
  g_free (app->parts_dir);
  g_strfreev (app->devices);
  g_free (app->devices_text);
  g_free (app->segment);
  g_free (app->audio_from);
  g_main_loop_unref (app->loop);
  g_free (app->options.encoder_name);
  g_free (app->options.encoder_desc);
  g_free (app->options.chain);
  g_free (app->options.device);
}

static gboolean
check_positive (const gchar * option, gint value, gint max)
{
  if (value >= 1 && value <= max)
    return TRUE;
  fprintf (stderr, PROG ": error: %s must be between 1 and %d, not %d\n",
      option, max, value);
  return FALSE;
}

static int
bad_arguments (const gchar * format, ...) G_GNUC_PRINTF (1, 2);

static int
bad_arguments (const gchar * format, ...)
{
  va_list args;

  fprintf (stderr, PROG ": error: ");
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fprintf (stderr, " (see --help)\n");
  return 2;
}

/* The input must be a file we can read, and not the output (NULL: none). */
static void
check_files (const gchar * input, const gchar * output)
{
  gchar *in_path, *out_path;

  if (!g_file_test (input, G_FILE_TEST_EXISTS))
    fail ("no such file: %s", input);
  if (!g_file_test (input, G_FILE_TEST_IS_REGULAR)
      || g_access (input, R_OK) != 0)
    fail ("cannot read %s", input);
  if (output == NULL)
    return;
  in_path = realpath (input, NULL);
  out_path = g_canonicalize_filename (output, NULL);
  if (in_path != NULL && g_str_equal (in_path, out_path))
    fail ("the output would overwrite the input: %s", output);
  free (in_path);
  g_free (out_path);
}

/* The default --jobs (see the top of the file). */
static gint
default_jobs (App * app)
{
  gint jobs = CLAMP ((gint) g_get_num_processors () / JOBS_CORES, 1,
      JOBS_MAX);

  if (app->devices != NULL)
    jobs = MAX (jobs, (gint) g_strv_length (app->devices));
  return jobs;
}

int
main (int argc, char **argv)
{
  App app = {
    .options = {
          .selection_rate = DEFAULT_SELECTION_RATE,
          .queue_size = DEFAULT_QUEUE_SIZE,
          .prefetch = DEFAULT_PREFETCH,
        },
    .stats_period = DEFAULT_STATS_PERIOD,
  };
  Options *o = &app.options;
  GOptionEntry entries[] = {
    {"chain", 'c', 0, G_OPTION_ARG_STRING, &o->chain,
        "OpenCV cvtColor codes, comma-separated (default: none, only "
          "converts for the encoder)", "CODES"},
    {"selection-rate", 's', 0, G_OPTION_ARG_INT, &o->selection_rate,
        "Keep 1 frame of every N (default 1)", "N"},
    {"queue-size", 'q', 0, G_OPTION_ARG_INT, &o->queue_size,
        "Frames held on the OpenCL device at once (bounds device memory; "
          "default 4)", "N"},
    {"prefetch", 'p', 0, G_OPTION_ARG_INT, &o->prefetch,
        "Decoded frames queued ahead of umatconvert (default 8)", "N"},
    {"device", 'd', 0, G_OPTION_ARG_STRING, &o->device,
        "auto, cpu or opencl (default auto)", "DEVICE"},
    {"encoder", 'e', 0, G_OPTION_ARG_STRING, &o->encoder_desc,
        "Encoder element, with properties if wanted (default: a hardware "
          "H.264 encoder that opens, else 'x264enc speed-preset=veryfast')",
        "'NAME [PROP=VALUE ...]'"},
    {"jobs", 'j', 0, G_OPTION_ARG_INT, &app.jobs,
        "Pipelines at once, each on a range of the input cut at keyframes "
          "(default: 1 below 16 cores, else 1 per 8 cores, at most 8; with "
          "OUTPUT -, NVDEC decoding and no --device cpu, 1 per NVDEC "
          "engine if that is more, at most 1 per core)", "N"},
    {"devices", 0, 0, G_OPTION_ARG_STRING, &app.devices_text,
        "OpenCL devices to spread the pipelines over, comma-separated: a GPU "
          "index or part of a device or platform name (umatconvert's "
          "opencl-device)", "LIST"},
    {"segment", 0, 0, G_OPTION_ARG_STRING, &app.segment,
        "Only range K (0-based) of N, into an MP4 part for --join", "K/N"},
    {"join", 0, 0, G_OPTION_ARG_NONE, &app.join_only,
        "Join the parts of --segment runs: PART... OUTPUT", NULL},
    {"audio-from", 0, 0, G_OPTION_ARG_FILENAME, &app.audio_from,
        "With --join: the input, for its audio (default: the input the "
          "parts name, if it is there)", "INPUT"},
    {"stats-period", 0, 0, G_OPTION_ARG_DOUBLE, &app.stats_period,
        "Seconds between progress lines when stderr is not a terminal "
          "(default 1)", "S"},
    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose,
        "Notes on what runs where and why", NULL},
    {NULL}
  };
  GOptionContext *context;
  GError *err = NULL;
  guint sigint, sigterm, progress;
  int status;

  context = g_option_context_new ("INPUT OUTPUT");
  g_option_context_set_summary (context, "Runs a video file through "
      "umatconvert into an H.264 file; the container follows OUTPUT's "
      "extension (.mp4, .mkv, .mov, .ts, .flv, .h264). OUTPUT - sends the "
      "frames to a null sink instead: no encoder, no file (the decode and "
      "the chain alone).\n\n"
      "  umat-process [OPTION...] --segment K/N INPUT PART.mp4\n"
      "  umat-process --join [--audio-from INPUT] PART.mp4... OUTPUT\n\n"
      "process range K of N alone, and join such parts.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &err)) {
    fprintf (stderr, PROG ": error: %s (see --help)\n", err->message);
    return 2;
  }
  g_option_context_free (context);
  if (app.join_only ? argc < 3 : argc != 3)
    return bad_arguments (app.join_only ? "--join needs PART... and OUTPUT" :
        "need INPUT and OUTPUT");
  if (o->chain == NULL)
    o->chain = g_strdup (DEFAULT_CHAIN);
  if (o->device == NULL)
    o->device = g_strdup (DEFAULT_DEVICE);
  if (!check_positive ("--selection-rate", o->selection_rate, G_MAXINT)
      || !check_positive ("--queue-size", o->queue_size, 64)
      || !check_positive ("--prefetch", o->prefetch, 1000)
      || (app.jobs != 0 && !check_positive ("--jobs", app.jobs, MAX_JOBS)))
    return 2;
  if (!(app.stats_period >= 0.01 && app.stats_period <= 3600))
    return bad_arguments ("--stats-period must be between 0.01 and 3600 "
        "seconds");
  if (!g_str_equal (o->device, "auto") && !g_str_equal (o->device, "cpu")
      && !g_str_equal (o->device, "opencl"))
    return bad_arguments ("--device must be auto, cpu or opencl, not '%s'",
        o->device);
  if (app.devices_text != NULL) {
    if (g_str_equal (o->device, "cpu"))
      return bad_arguments ("--devices names OpenCL devices, and --device "
          "cpu uses none");
    app.devices = g_strsplit (app.devices_text, ",", -1);
    if (g_strv_length (app.devices) == 0 || **app.devices == '\0')
      return bad_arguments ("--devices needs a comma-separated list");
  }
  if (app.segment != NULL) {
    gchar *end;

    app.segment_index = g_ascii_strtoull (app.segment, &end, 10);
    if (end == app.segment || *end != '/'
        || (app.segment_count = g_ascii_strtoull (end + 1, &end, 10)) == 0
        || *end != '\0' || app.segment_count > MAX_JOBS
        || app.segment_index >= app.segment_count)
      return bad_arguments ("--segment takes K/N, with 0 <= K < N <= %d, "
          "not '%s'", MAX_JOBS, app.segment);
    if (app.jobs != 0 || app.join_only)
      return bad_arguments ("--segment goes with neither --jobs nor --join");
  }
  if (app.audio_from != NULL && !app.join_only)
    return bad_arguments ("--audio-from goes with --join");
  if (app.join_only && app.jobs != 0)
    return bad_arguments ("--join goes without --jobs");
  o->on_terminal = isatty (STDERR_FILENO);
  o->convert_threads = g_get_num_processors ();

  app.output = argv[argc - 1];
  if (g_str_equal (app.output, "-")) {
    /* no file: the frames go to a null sink */
    if (app.join_only)
      return bad_arguments ("--join writes a file: its OUTPUT cannot be -");
    if (app.segment != NULL)
      return bad_arguments ("--segment writes a part for --join: its "
          "OUTPUT cannot be - (use --jobs N with -)");
    if (o->encoder_desc != NULL)
      return bad_arguments ("- sends the frames to a null sink, without an "
          "encoder: --encoder goes with an output file");
    app.output = NULL;
  }
  app.container = app.output ? container_for (app.output) : NULL;
  if (app.output != NULL && app.container == NULL)
    fail ("cannot tell the container from the name '%s': end it in .mp4, "
        ".mkv, .mov, .ts, .flv or .h264", app.output);
  if (app.segment != NULL && !g_str_equal (app.container->extension, ".mp4"))
    fail ("a part is an MP4 file: name it PART.mp4, not '%s'", app.output);
  if (app.join_only) {
    gint i;

    for (i = 1; i < argc - 1; i++)
      check_files (argv[i], app.output);
    app.parts = (const gchar * const *) argv + 1;
    argv[argc - 1] = NULL;
  } else {
    app.input = argv[1];
    check_files (app.input, app.output);
    find_plugin ();
    check_devices (&app);
    if (app.output != NULL)
      pick_encoder (o);
    if (app.jobs == 0 && app.segment == NULL) {
      app.jobs = default_jobs (&app);
      app.jobs_by_engines = app.output == NULL
          && !g_str_equal (o->device, "cpu") && worker_nvdec_registered ();
      if (!app.jobs_by_engines)
        note (o, "%d pipeline%s: one per %d cores, at most %d%s (no --jobs)",
            app.jobs, app.jobs > 1 ? "s" : "", JOBS_CORES, JOBS_MAX,
            app.devices ? ", at least one per device" : "");
    } else if (app.jobs == 0) {
      app.jobs = 1;
    }
    /* the videoconverts that may go in share the cores */
    o->convert_threads = MAX (1, o->convert_threads / app.jobs);
    if (app.output != NULL)
      fprintf (stderr, PROG ": %s -> %s\n", app.input, app.output);
    else
      fprintf (stderr, PROG ": %s -> - (frames to a null sink: no encoder, "
          "no file)\n", app.input);
    fprintf (stderr, PROG ": umatconvert chain=\"%s\" selection-rate=%d "
        "device=%s", o->chain, o->selection_rate, o->device);
    if (o->encoder_name != NULL)
      fprintf (stderr, ", encoder %s", o->encoder_name);
    if (app.jobs_by_engines)
      fprintf (stderr, ", jobs chosen once the decoder is known");
    else if (app.jobs > 1)
      fprintf (stderr, ", %d jobs", app.jobs);
    fprintf (stderr, "\n");
  }

  app.loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, (GSourceFunc) on_sigint, &app);
  sigterm = g_unix_signal_add (SIGTERM, (GSourceFunc) on_sigterm, &app);
  /* the bar redraws 4 times a second; lines come every stats period */
  progress = g_timeout_add (o->on_terminal ? 250 : app.stats_period * 1000,
      (GSourceFunc) on_progress, &app);
  app.options.start_us = g_get_monotonic_time ();

  if (app.join_only) {
    status = process_join (&app);
  } else if (app.segment != NULL || app.jobs > 1 || app.jobs_by_engines) {
    if (!run_scan (&app)) {
      say (o, NULL, "interrupted by %s before anything was written: no file",
          signal_text (app.interrupted));
      status = 128 + app.interrupted;
    } else if (app.segment != NULL) {
      status = process_segment (&app);
    } else if (app.n_ranges < 2) {
      if (app.jobs > 1)
        note (o, "%s has no clean keyframe to cut at: one pipeline does it "
            "all", app.input);
      g_free (app.ranges);
      app.ranges = NULL;
      status = process_whole (&app);
    } else {
      if (app.n_ranges < (guint) app.jobs)
        note (o, "%s has clean keyframes for %u ranges only", app.input,
            app.n_ranges);
      status = app.output ? process_ranges (&app) :
          process_ranges_to_null (&app);
    }
  } else {
    status = process_whole (&app);
  }

  g_source_remove (progress);
  g_source_remove (sigterm);
  g_source_remove (sigint);
  if (app.stopped) {
    /* Stopped at once: the pipelines may still be running (an encoder
     * finishing the frames it holds). Leave without exit()'s teardown
     * (OpenCV's and the OpenCL driver's destructors), which would race
     * their threads. */
    fflush (stdout);
    fflush (stderr);
    _exit (status);
  }
  app_clear (&app);
  return status;
}
