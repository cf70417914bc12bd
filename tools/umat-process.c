/* umat-process: a video file through umatconvert into an H.264 file.
 *
 * Copyright (C) 2026 gst-umat authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   umat-process [--chain CODES] [--selection-rate N] [--queue-size N]
 *                [--prefetch N] [--device auto|cpu|opencl]
 *                [--encoder 'NAME [PROP=VALUE ...]'] [--stats-period S]
 *                [--verbose]
 *                INPUT OUTPUT
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
 * Errors are one line: the element's own message where an element failed
 * (umatconvert names the chain code it refuses), "cannot decode INPUT: ..."
 * for the input, "ENCODER cannot take WxH FORMAT: ..." where the encoder
 * refused what it was given. Where device=auto finds no OpenCL GPU, the
 * element's backend property says "cpu": a note says so, once, on a
 * terminal or with --verbose.
 *
 * Ctrl-C (SIGINT) and SIGTERM (kill, systemd, a container's stop) both
 * finish the file up to where it got: the decoder is sent EOS, the encoder
 * drains, and the muxer writes its index, so the file plays. A second
 * signal stops at once; an unfinished file would not play (an MP4 has no
 * index until the end), so it is removed and the tool says so.
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

/* Everything one run needs; lives on main()'s stack. */
typedef struct
{
  Options options;
  gdouble stats_period;
  const gchar *input;
  const gchar *output;

  Worker *worker;
  GMainLoop *loop;

  gint interrupted;             /* the first signal's number, or 0 */
  gboolean stopped;             /* a second signal: stop without a file */
  gboolean backend_noted;
  gint64 start_us;
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

/* ---- progress ---------------------------------------------------------- */

/* Where device=auto found no OpenCL GPU, the element runs on the CPU and
 * says so in its backend property: a note, once, where someone watches. */
static void
note_backend (App * app)
{
  const Options *o = &app->options;
  gchar *backend = NULL;

  if (app->backend_noted || !(o->on_terminal || o->verbose))
    return;
  g_object_get (worker_umat (app->worker), "backend", &backend, NULL);
  if (backend != NULL && *backend != '\0') {
    app->backend_noted = TRUE;
    if (g_str_equal (o->device, "auto") && g_str_equal (backend, "cpu"))
      say (o, "note", "no OpenCL GPU here: umatconvert converts on the CPU");
    else
      note (o, "umatconvert runs on %s", backend);
  }
  g_free (backend);
}

static gdouble
elapsed_s (App * app)
{
  gint64 end = app->end_us ? app->end_us : g_get_monotonic_time ();

  return (end - app->start_us) / 1e6;
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

  note_backend (app);
  worker_progress (app->worker, &done, &total);
  worker_counts (app->worker, &in, &out);
  if (GST_CLOCK_TIME_IS_VALID (done))
    media = (gdouble) done / GST_SECOND;
  speed = elapsed > 0 ? media / elapsed : 0;
  if (GST_CLOCK_TIME_IS_VALID (total)) {
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

/* ---- running ----------------------------------------------------------- */

static const gchar *
signal_text (gint signum)
{
  return signum == SIGINT ? "Ctrl-C" : "SIGTERM";
}

/* The first signal finishes the file; a second one, of either kind, stops
 * now. The sources stay installed until run() removes them. */
static void
on_signal (App * app, gint signum)
{
  if (app->interrupted) {
    if (!app->stopped) {
      app->stopped = TRUE;
      g_main_loop_quit (app->loop);
    }
    return;
  }
  app->interrupted = signum;
  say (&app->options, NULL, "interrupted by %s: finishing the file (a "
      "second Ctrl-C or SIGTERM stops at once, without a file)",
      signal_text (signum));
  worker_interrupt (app->worker);
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

static void
on_worker_done (Worker * worker, App * app)
{
  g_main_loop_quit (app->loop);
}

static void
run (App * app)
{
  guint sigint, sigterm, progress;

  app->loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, (GSourceFunc) on_sigint, app);
  sigterm = g_unix_signal_add (SIGTERM, (GSourceFunc) on_sigterm, app);
  /* the bar redraws 4 times a second; lines come every stats period */
  progress = g_timeout_add (app->options.on_terminal ? 250 :
      app->stats_period * 1000, (GSourceFunc) on_progress, app);

  app->start_us = g_get_monotonic_time ();
  if (worker_start (app->worker))
    g_main_loop_run (app->loop);
  app->end_us = g_get_monotonic_time ();

  g_source_remove (progress);
  g_source_remove (sigterm);
  g_source_remove (sigint);
  g_main_loop_unref (app->loop);
}

static void
print_summary (App * app)
{
  gdouble wall = elapsed_s (app), media;
  GstClockTime done, total;
  gchar *backend = NULL;
  guint64 in, out;

  worker_progress (app->worker, &done, &total);
  media = GST_CLOCK_TIME_IS_VALID (done) ? (gdouble) done / GST_SECOND : 0;
  worker_counts (app->worker, &in, &out);
  g_object_get (worker_umat (app->worker), "backend", &backend, NULL);

  printf (PROG ": wrote %s%s\n", app->output,
      app->interrupted ? " (interrupted: up to where it stopped)" : "");
  printf ("  frames in:   %" G_GUINT64_FORMAT "\n", in);
  printf ("  frames out:  %" G_GUINT64_FORMAT " (selection-rate %d)\n", out,
      app->options.selection_rate);
  printf ("  seconds:     %.2f\n", wall);
  printf ("  fps:         %.1f in, %.1f out\n", in / wall, out / wall);
  printf ("  speed:       %.2fx realtime (%.2f s of video)\n", media / wall,
      media);
  printf ("  backend:     %s\n", backend ? backend : "");
  printf ("  encoder:     %s\n", app->options.encoder_name);
  fflush (stdout);
  g_free (backend);
}

/* ---- main -------------------------------------------------------------- */

static gboolean
check_positive (const gchar * option, gint value, gint max)
{
  if (value >= 1 && value <= max)
    return TRUE;
  fprintf (stderr, PROG ": error: %s must be between 1 and %d, not %d\n",
      option, max, value);
  return FALSE;
}

/* The input must be a file we can read, and not the output. */
static void
check_files (const gchar * input, const gchar * output)
{
  gchar *in_path, *out_path;

  if (!g_file_test (input, G_FILE_TEST_EXISTS))
    fail ("no such file: %s", input);
  if (!g_file_test (input, G_FILE_TEST_IS_REGULAR)
      || g_access (input, R_OK) != 0)
    fail ("cannot read %s", input);
  in_path = realpath (input, NULL);
  out_path = g_canonicalize_filename (output, NULL);
  if (in_path != NULL && g_str_equal (in_path, out_path))
    fail ("the output would overwrite the input: %s", output);
  free (in_path);
  g_free (out_path);
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
        "Frames of UMats in the OpenCL pool (default 4)", "N"},
    {"prefetch", 'p', 0, G_OPTION_ARG_INT, &o->prefetch,
        "Decoded frames queued ahead of umatconvert (default 8)", "N"},
    {"device", 'd', 0, G_OPTION_ARG_STRING, &o->device,
        "auto, cpu or opencl (default auto)", "DEVICE"},
    {"encoder", 'e', 0, G_OPTION_ARG_STRING, &o->encoder_desc,
        "Encoder element, with properties if wanted (default: a hardware "
          "H.264 encoder that opens, else 'x264enc speed-preset=veryfast')",
        "'NAME [PROP=VALUE ...]'"},
    {"stats-period", 0, 0, G_OPTION_ARG_DOUBLE, &app.stats_period,
        "Seconds between progress lines when stderr is not a terminal "
          "(default 1)", "S"},
    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose,
        "Notes on what runs where and why", NULL},
    {NULL}
  };
  GOptionContext *context;
  GError *err = NULL;
  const Container *container;
  int status = 0;

  context = g_option_context_new ("INPUT OUTPUT");
  g_option_context_set_summary (context, "Runs a video file through "
      "umatconvert into an H.264 file; the container follows OUTPUT's "
      "extension (.mp4, .mkv, .mov, .ts, .flv, .h264).");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &err)) {
    fprintf (stderr, PROG ": error: %s (see --help)\n", err->message);
    return 2;
  }
  g_option_context_free (context);
  if (argc != 3) {
    fprintf (stderr, PROG ": error: need INPUT and OUTPUT (see --help)\n");
    return 2;
  }
  if (o->chain == NULL)
    o->chain = g_strdup (DEFAULT_CHAIN);
  if (o->device == NULL)
    o->device = g_strdup (DEFAULT_DEVICE);
  if (!check_positive ("--selection-rate", o->selection_rate, G_MAXINT)
      || !check_positive ("--queue-size", o->queue_size, 64)
      || !check_positive ("--prefetch", o->prefetch, 1000))
    return 2;
  if (!(app.stats_period >= 0.01 && app.stats_period <= 3600)) {
    fprintf (stderr, PROG ": error: --stats-period must be between 0.01 "
        "and 3600 seconds\n");
    return 2;
  }
  if (!g_str_equal (o->device, "auto") && !g_str_equal (o->device, "cpu")
      && !g_str_equal (o->device, "opencl")) {
    fprintf (stderr, PROG ": error: --device must be auto, cpu or opencl, "
        "not '%s'\n", o->device);
    return 2;
  }
  app.input = argv[1];
  app.output = argv[2];
  o->on_terminal = isatty (STDERR_FILENO);
  o->convert_threads = g_get_num_processors ();

  check_files (app.input, app.output);
  container = container_for (app.output);
  if (container == NULL)
    fail ("cannot tell the container from the name '%s': end it in .mp4, "
        ".mkv, .mov, .ts, .flv or .h264", app.output);

  find_plugin ();
  pick_encoder (o);
  app.worker = worker_new (o, app.input, app.output, container, TRUE,
      (WorkerDone) on_worker_done, &app);
  fprintf (stderr, PROG ": %s -> %s\n", app.input, app.output);
  fprintf (stderr, PROG ": umatconvert chain=\"%s\" selection-rate=%d "
      "device=%s, encoder %s\n", o->chain, o->selection_rate, o->device,
      o->encoder_name);

  run (&app);
  if (o->on_terminal && worker_error (app.worker) == NULL && !app.stopped) {
    on_progress (&app);         /* the bar as it ended, then a new line */
    fprintf (stderr, "\n");
  }
  note_backend (&app);
  worker_stop (app.worker);

  if (app.stopped) {
    /* the muxer never wrote its index: what is there would not play */
    g_unlink (app.output);
    say (o, NULL, "stopped by a second signal: no file written (%s was "
        "unfinished and is removed)", app.output);
    return 128 + app.interrupted;
  }
  if (worker_error (app.worker) != NULL) {
    /* half a file is worse than none (a file of that name that was there
     * before is gone already: filesink truncated it), but a file filesink
     * could not open is not ours */
    if (!worker_sink_failed (app.worker))
      g_unlink (app.output);
    fail ("%s", worker_error (app.worker));
  }
  {
    guint64 in, out;

    worker_counts (app.worker, &in, &out);
    if (in == 0 && !app.interrupted) {
      g_unlink (app.output);
      fail ("no video frames reached umatconvert");
    }
  }
  print_summary (&app);
  if (app.interrupted)
    status = 128 + app.interrupted;

  worker_free (app.worker);
  g_free (o->encoder_name);
  g_free (o->encoder_desc);
  g_free (o->chain);
  g_free (o->device);
  return status;
}
